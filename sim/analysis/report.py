"""The report of a scenario discovery: the chosen box in words, its figures and every box."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..results.html import escape
from ..results.html import figure as html_figure
from ..results.html import page as html_page
from ..results.html import table as html_table
from .discovery import Discovery, box_sentence
from .where import Condition

__all__ = ["DISCOVERY_CAPTIONS", "discovery_report"]

DISCOVERY_CAPTIONS = {
    "trajectory": "PRIM's peeling trajectory: each box's coverage (the share of all cases of "
                  "interest inside it) against its density (the share of its cases that are "
                  "of interest); the chosen box is ringed.",
    "pairs": "The chosen box's restricted parameters, pairwise: cases of interest in red, "
             "the others grey, the box in blue.",
}


def _number(value: float) -> str:
    return f"{value:.4g}"


def _box_rows(discovery: Discovery) -> list[dict[str, Any]]:
    box = discovery.box
    rows = []
    for name, (low, high) in box.limits.items():
        full_low, full_high = discovery.ranges[name]
        rows.append({"Parameter": name, "Low": _number(low), "High": _number(high),
                     "Range sampled": f"{_number(full_low)} to {_number(full_high)}",
                     "Quasi-p value": f"{box.qp_values[name]:.2g}"})
    return rows


def _trajectory_rows(discovery: Discovery) -> list[dict[str, Any]]:
    return [{"Box": b.index, "Coverage": f"{b.coverage:.1%}", "Density": f"{b.density:.1%}",
             "Mass": f"{b.mass:.1%}", "Restricted": len(b.limits),
             "Chosen": "yes" if b.index == discovery.chosen else ""}
            for b in discovery.boxes]


def discovery_report(discovery: Discovery, *, outcome: str, condition: Condition,
                     per_run: bool, source: str, images: Mapping[str, bytes],
                     manifest: Mapping[str, Any]) -> str:
    """The self-contained HTML report of one discovery (figures as PNG bytes)."""
    unit = "runs" if per_run else "design points"
    title = f"recsim discover: {outcome} {condition}"
    sentence = box_sentence(discovery, outcome, condition, per_run=per_run)
    share = discovery.interesting / discovery.cases
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="lead"><b>{escape(sentence)}</b></p>',
            f'<p class="muted">{discovery.cases:,} {unit} from {escape(source)}; '
            f"{discovery.interesting:,} of them ({share:.0%}) have {escape(outcome)} "
            f"{escape(condition.words())} (the cases of interest)"
            + ("" if per_run else ", judged on each design point's estimate") + ". "
            f"Box {discovery.chosen} of {len(discovery.boxes)} was chosen: "
            f"{escape(discovery.rule)}.</p>"]
    if discovery.dropped:
        body.append(f'<p class="muted">Not analysed, since they take one value only: '
                    f"{escape(', '.join(discovery.dropped))}.</p>")
    body.append("<h2>The chosen box</h2>")
    body.append('<p class="muted">Limits are inclusive. A quasi-p value (Bryant and Lempert '
                "2010) is a one-sided binomial test of whether the box's density would drop "
                "without that restriction; above 0.05 the restriction may be noise.</p>")
    body.append(html_table(_box_rows(discovery), ("Parameter", "Range sampled")))
    for name in ("trajectory", "pairs"):
        if name in images:
            body.append(html_figure(name, images[name], DISCOVERY_CAPTIONS[name]))
    body.append("<details><summary>Every box of the trajectory (boxes.csv has their "
                "limits)</summary>")
    body.append(html_table(_trajectory_rows(discovery)))
    body.append("</details>")
    body.append("<h2>Reproducibility</h2>")
    body.append(html_table([{"Key": k, "Value": v if not isinstance(v, dict | list) else
                             ", ".join(map(str, v.items() if isinstance(v, dict) else v))}
                            for k, v in sorted(manifest.items())], ("Key", "Value")))
    return html_page(title, "\n".join(body))
