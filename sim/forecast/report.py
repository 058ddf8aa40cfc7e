"""The report of a backtest: how the forecasts scored, against what, and how far to trust it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..results.html import escape, figure, page, provenance, table
from .naive import FLOOR
from .targets import TARGET_TEXT

__all__ = ["CAPTIONS", "backtest_report"]

CAPTIONS = {
    "reliability": "Reliability: of the forecasts that gave an event a chance near p, how "
                   "many saw it happen (bars: 90% Jeffreys intervals; numbers: forecasts in "
                   "the bin). Points on the diagonal are reliable; below it, over-confident "
                   "in change; above it, surprised by change.",
    "timeline": "Each state's forecast at each origin: filled markers where the event "
                "happened within the horizon, hollow where it did not.",
}


def _number(value: Any, digits: int = 3) -> str:
    return "–" if pd.isna(value) else f"{float(value):.{digits}f}"


def _interval(low: Any, high: Any) -> str:
    return "–" if pd.isna(low) else f"{_number(low, 2)} to {_number(high, 2)}"


def backtest_report(manifest: Mapping[str, Any], scores: pd.DataFrame, origins: pd.DataFrame,
                    images: Mapping[str, bytes], notes: Sequence[str]) -> str:
    """The report; ``images`` maps ``reliability`` and ``timeline`` to PNG bytes."""
    horizon = manifest.get("horizon")
    title = f"recsim backtest: {manifest.get('scenario', '')}, {horizon}-month horizon"
    converged = int(origins["converged"].sum())
    rows = [{
        "Forecast": rec["forecast"],
        "Target": TARGET_TEXT.get(rec["target"], rec["target"]),
        "n": rec["n"],
        "Brier": _number(rec["brier"], 4),
        "Log score": _number(rec["log_score"]),
        **{f"Skill vs {ref} (90%)": "–" if pd.isna(rec[f"brier_skill_vs_{ref}"]) else
           f"{_number(rec[f'brier_skill_vs_{ref}'], 2)} ({_interval(rec[low], rec[high])})"
           for ref, low, high in (("persistence", "low90", "high90"),
                                  ("climatology", "climatology_low90", "climatology_high90"))},
    } for rec in scores.to_dict("records")]
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="lead">At each of {len(origins)} origins the scenario was calibrated on '
        f"the events of <code>{escape(manifest.get('events', ''))}</code> known by the end of "
        f"that month (from {escape(manifest.get('fit_start', ''))}), started from the levels "
        f"then and run {escape(manifest.get('runs', ''))} times for {escape(horizon)} months, "
        "each run with its own draw of the posterior. Its chances are scored against what "
        "the log records next, beside persistence (nothing changes: every change "
        f"{FLOOR:g}) and climatology (the fit window's monthly rates of moves from each "
        "rung).</p>",
        f"<p>{converged} of {len(origins)} fits converged (R-hat below "
        f"{escape(manifest.get('sampler', {}).get('rhat_target', ''))} within "
        f"{escape(manifest.get('sampler', {}).get('max_steps', ''))} steps)"
        + ("." if converged == len(origins) else
           ": <b>read the origins that did not with care</b> (table below).")
        + "</p>",
        "<h2>Scores</h2>",
        '<p class="muted">Brier: mean squared error of the chances (lower is better). Log '
        f"score: mean log of the chance given to what happened, chances clipped to "
        f"[{FLOOR:g}, {1 - FLOOR:g}] (higher is better). Skill: 1 - Brier / reference Brier "
        "(1 perfect, 0 no better than the reference; – where the reference is perfect); in "
        "brackets the bootstrap 90% interval over origins and states. Few events make wide "
        "intervals.</p>",
        table(rows, ("Forecast", "Target")),
    ]
    for name in ("reliability", "timeline"):
        if name in images:
            body.append(figure(name, images[name], CAPTIONS[name]))
    body.append("<h2>Fits by origin</h2>")
    body.append(table([{
        "Origin": rec["origin"], "Fit window": rec["window"], "Moves": rec["moves"],
        "Converged": "yes" if rec["converged"] else "no", "Steps": rec["steps"],
        "Max R-hat": _number(rec["max_rhat"], 5), "Min ESS": f"{rec['min_ess']:,.0f}",
    } for rec in origins.to_dict("records")], ("Origin", "Fit window")))
    body += provenance(manifest, notes)
    return page(title, "\n".join(body))
