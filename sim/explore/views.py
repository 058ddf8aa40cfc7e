"""The explorer's views: headline numbers, the table of differences, and the figures.

The numbers are the tables of :mod:`sim.explore.compute` as they come; only their
formatting is here. Exact values travel with each cell as ``data-`` attributes, so a
reader (and the browser test) can compare them with a results directory.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import solara
from solara.alias import rv

from ..results.selection import featured_note, featured_states, percent
from ..scenario.schema import Scenario
from .compute import Numbers

__all__ = ["DifferencesTable", "FigureView", "Headline", "differences_html"]

_MOST_ROWS = 30


def _month(scenario: Scenario, month: object) -> str:
    if month is None or pd.isna(month):
        return f"not by {scenario.month_date(scenario.months):%b %Y}"
    return f"{scenario.month_date(int(month)):%b %Y}"  # type: ignore[call-overload]


def _points(value: float) -> str:
    return f"{100 * value:+.1f}"


def differences_html(numbers: Numbers) -> str:
    """The paired differences per state as an HTML table (Central Asia first)."""
    scenario = numbers.request.scenario
    table = numbers.differences.assign(state=numbers.differences["state"].astype(str))
    summary = numbers.edited.summary
    states = featured_states(summary, scenario, most=_MOST_ROWS)
    names = dict(zip(summary["state"].astype(str), summary["name"].astype(str), strict=True))
    reference = numbers.reference.summary.assign(
        state=numbers.reference.summary["state"].astype(str)).set_index("state")["p_de_jure"]
    rows = table.set_index("state")
    body = []
    for state in states:
        row = rows.loc[state]
        p, before = float(row["p_de_jure"]), float(reference.get(state, math.nan))
        diff, low, high = (float(row[c]) for c in
                           ("diff_p_de_jure", "diff_p_de_jure_low95", "diff_p_de_jure_high95"))
        resolved = low > 0 or high < 0
        kind = "recsim-up" if resolved and diff > 0 else "recsim-down" if resolved else ""
        name = names.get(state, state)
        label = state if name == state else f"{html.escape(name)} <span>{state}</span>"
        body.append(
            f'<tr data-state="{html.escape(state)}" data-p="{p!r}" data-reference="{before!r}" '
            f'data-diff="{diff!r}" data-low="{low!r}" data-high="{high!r}">'
            f'<td class="recsim-name">{label}</td><td>{percent(p)}</td>'
            f'<td class="recsim-muted">{percent(before)}</td>'
            f'<td class="{kind}">{_points(diff)}</td>'
            f'<td class="recsim-muted">{_points(low)} to {_points(high)}</td>'
            f'<td>{html.escape(_month(scenario, row["median_month_de_jure"]))}</td></tr>')
    note = featured_note(states, len(summary), scenario)
    caption = ("Chance of de jure recognition by the horizon; change in percentage points "
               "with its 95% paired interval (Newcombe), coloured where it excludes zero"
               + (f". {note}" if note else ""))
    return (f'<table class="recsim-differences"><caption>{html.escape(caption)}</caption>'
            "<thead><tr><th>State</th><th>Edited</th><th>Unmodified</th><th>Change</th>"
            "<th>95% interval</th><th>Median de jure</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


@solara.component
def DifferencesTable(numbers: Numbers) -> None:
    """The table of paired differences from the unmodified scenario."""
    solara.HTML(tag="div", unsafe_innerHTML=differences_html(numbers),
                classes=["recsim-table-wrap"])


def _count(value: float) -> str:
    return f"{value:.1f}"


@solara.component
def Headline(numbers: Numbers) -> None:
    """How many states stand at de jure and at de facto or higher by the horizon."""
    scenario = numbers.request.scenario
    last, before = numbers.edited.curve.iloc[-1], numbers.reference.curve.iloc[-1]
    horizon = f"{scenario.month_date(scenario.months):%b %Y}"
    total = len(numbers.edited.summary)
    table = numbers.differences
    moved = int(((table["diff_p_de_jure_low95"] > 0) | (table["diff_p_de_jure_high95"] < 0)
                 ).sum())
    cards = [
        ("de_jure", f"De jure by {horizon}", last["de_jure_mean"], before["de_jure_mean"],
         f"5–95%: {last['de_jure_q05']:.0f}–{last['de_jure_q95']:.0f} of {total}"),
        ("de_facto", f"De facto or de jure by {horizon}", last["de_facto_mean"],
         before["de_facto_mean"],
         f"5–95%: {last['de_facto_q05']:.0f}–{last['de_facto_q95']:.0f} of {total}"),
    ]
    with rv.Html(tag="div", class_="recsim-headline"):
        for key, title, mean, reference, band in cards:
            with rv.Html(tag="div", class_="recsim-stat",
                         attributes={"data-stat": key, "data-value": repr(float(mean))}):
                rv.Html(tag="div", class_="recsim-stat-title", children=[title])
                rv.Html(tag="div", class_="recsim-stat-value",
                        children=[f"{_count(mean)} states"])
                rv.Html(tag="div", class_="recsim-stat-note",
                        children=[f"unmodified {_count(reference)} · {band}"])
        with rv.Html(tag="div", class_="recsim-stat", attributes={"data-stat": "changed"}):
            rv.Html(tag="div", class_="recsim-stat-title", children=["States whose chance moved"])
            rv.Html(tag="div", class_="recsim-stat-value", children=[f"{moved} of {total}"])
            rv.Html(tag="div", class_="recsim-stat-note",
                    children=["95% paired interval of the change excludes zero"])


@solara.component
def FigureView(name: str, image: bytes | None, alt: str) -> None:
    """One figure, or a placeholder until it is first drawn."""
    with rv.Html(tag="div", class_="recsim-figure", attributes={"data-figure": name}):
        if image is None:
            rv.Html(tag="div", class_="recsim-placeholder", children=[f"Drawing the {alt}…"])
        else:
            solara.Image(image, width="100%")
