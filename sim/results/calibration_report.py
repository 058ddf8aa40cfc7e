"""The report of a calibration: what was fitted, what the record changed, how well it fits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .html import escape, figure, page, provenance, table

__all__ = ["CAPTIONS", "calibration_report", "verdict"]

CAPTIONS = {
    "priors": "Prior (the modellers' judgement, grey) against posterior (after the record, "
              "red) of each fitted parameter; dashed: the most probable point (MAP).",
    "moves": "Moves up (and down) the calibrated model expects in the window, from what "
             "each state saw the month before, against the moves the log records.",
}


def verdict(contraction: float) -> str:
    """What the posterior contraction says about a parameter, in words."""
    if contraction >= 0.5:
        return "the record decides"
    if contraction >= 0.2:
        return "the record informs"
    return "the prior stands"


def _number(value: Any, digits: int = 2) -> str:
    return "–" if pd.isna(value) else f"{float(value):.{digits}f}"


def calibration_report(manifest: Mapping[str, Any], calibration: pd.DataFrame,
                       contraction: pd.Series, images: Mapping[str, bytes],
                       by_state: pd.DataFrame, notes: Sequence[str]) -> str:
    """The report; ``images`` maps figure names (``priors``, ``moves``) to PNG bytes."""
    scenario = manifest.get("scenario", "")
    title = f"recsim calibration: {scenario}, {manifest.get('window', '')}"
    fit = manifest.get("fit", {})
    converged = fit.get("converged")
    rows = []
    for rec in calibration.to_dict("records"):
        share = float(contraction.get(rec["param"], float("nan")))
        rows.append({
            "Parameter": rec["param"],
            "Prior (judgement)": f"{_number(rec['prior_mean'])} ± {_number(rec['prior_sd'])}",
            "MAP": _number(rec["map"]),
            "Posterior mean": _number(rec["mean"]),
            "90% interval": f"{_number(rec['q05'])} to {_number(rec['q95'])}",
            "Contraction": _number(share),
            "Reading": verdict(share),
            "R-hat": _number(rec["rhat"], 3),
            "ESS": f"{float(rec['ess']):,.0f}",
        })
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="lead">The parameters below were fitted to the event log '
        f"<code>{escape(manifest.get('events', ''))}</code> over {escape(manifest.get('window'))}"
        f" ({escape(fit.get('moves_scored', ''))} recorded moves among "
        f"{escape(fit.get('cells_scored', ''))} state-months): the exact likelihood of the "
        "record, normal priors centred on the scenario's own values, the most probable point "
        "by L-BFGS-B and a posterior sample by emcee.</p>",
        f"<p>{escape(fit.get('walkers'))} walkers ran {escape(fit.get('steps'))} steps "
        f"(the first {escape(fit.get('burn'))} discarded); "
        + ("every parameter's R-hat is below "
           f"{escape(fit.get('rhat_target'))}" if converged else
           "<b>the chains did not converge within the step limit</b>: read the numbers with "
           "care or rerun with more steps")
        + f". {escape(manifest.get('draws'))} draws are kept in <code>posterior.parquet</code>;"
        " <code>calibrated.toml</code> runs the scenario with them.</p>",
        "<h2>Parameters</h2>",
        '<p class="muted">Contraction is 1 - (posterior sd / prior sd)²: near 1 the record '
        "decides the value, near 0 the judgement stands unchanged.</p>",
        table(rows, ("Parameter", "Prior (judgement)", "90% interval", "Reading")),
    ]
    for name in ("priors", "moves"):
        if name in images:
            body.append(figure(name, images[name], CAPTIONS[name]))
    body.append("<h2>Moves by state</h2>")
    body.append(table([{
        "State": rec["state"],
        "Recorded up": rec["observed_up"],
        "Expected up": f"{rec['expected_up']:.1f} ({rec['up_q05']:.1f} to {rec['up_q95']:.1f})",
        "Recorded down": rec["observed_down"],
        "Expected down": f"{rec['expected_down']:.2f}",
    } for rec in by_state.to_dict("records")], ("State",)))
    body += provenance(manifest, notes)
    return page(title, "\n".join(body))
