"""Scoring probability forecasts of events that happen or not.

* Brier score (G. W. Brier, "Verification of forecasts expressed in terms of probability",
  Monthly Weather Review 78(1), 1950, 1-3): the mean of (p - o)^2 over forecasts p of
  outcomes o in {0, 1}; 0 is perfect, lower is better.
* Logarithmic score (I. J. Good, "Rational decisions", Journal of the Royal Statistical
  Society B 14(1), 1952, 107-114): the mean natural log of the chance the forecast gave to
  what happened; 0 is perfect, higher is better. Forecasts are clipped to
  [FLOOR, 1 - FLOOR] first (sim/forecast/naive.py), so a Monte Carlo estimate of 0 that
  meets the event scores ln 0.01 like persistence, not minus infinity.
* Brier skill score against a reference forecast: 1 - BS / BS_ref (D. S. Wilks,
  *Statistical Methods in the Atmospheric Sciences*, 3rd ed., Academic Press 2011,
  section 8.4); 1 is perfect, 0 no better than the reference, negative worse.

Skill comes with a bootstrap 90% interval: forecasts of one origin share its world, and
forecasts of one state share its habits, so the bootstrap resamples origins and states
(each with replacement, independently) and keeps every forecast of a chosen pair, as often
as the pair was chosen; the interval is the 5th to 95th percentile of the skill over
:data:`RESAMPLES` resamples (a percentile interval, B. Efron and R. J. Tibshirani, *An
Introduction to the Bootstrap*, 1993, ch. 13). The roster-wide target has one forecast per
origin, so only origins are resampled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .naive import FLOOR
from .targets import TARGETS

__all__ = ["BOOTSTRAP_STREAM", "FORECASTS", "RESAMPLES", "SCORE_COLUMNS", "brier_score",
           "brier_skill", "log_score", "score_table"]

FORECASTS = ("model", "persistence", "climatology")
REFERENCES = ("persistence", "climatology")
SCORE_COLUMNS = ("forecast", "target", "n", "brier", "log_score", "brier_skill_vs_persistence",
                 "brier_skill_vs_climatology", "low90", "high90", "climatology_low90",
                 "climatology_high90")
RESAMPLES = 2000
BOOTSTRAP_STREAM = 0xB007  # spawn key of the bootstrap's generator under the master seed


def brier_score(p: np.ndarray, outcome: np.ndarray) -> float:
    """Mean squared difference between forecast chances and outcomes (0 or 1)."""
    return float(np.mean((np.asarray(p, float) - np.asarray(outcome, float)) ** 2))


def log_score(p: np.ndarray, outcome: np.ndarray, floor: float = FLOOR) -> float:
    """Mean log of the chance given to what happened, forecasts clipped to [floor, 1 - floor]."""
    clipped = np.clip(np.asarray(p, float), floor, 1.0 - floor)
    return float(np.mean(np.log(np.where(np.asarray(outcome, bool), clipped, 1.0 - clipped))))


def brier_skill(score: float, reference: float) -> float:
    """1 - score / reference; NaN when the reference is perfect (nothing to improve on)."""
    return 1.0 - score / reference if reference > 0 else float("nan")


def _grid(rows: pd.DataFrame, values: pd.Series) -> np.ndarray:
    """(origins, states) array of ``values`` for ``rows``, zero where a pair has no row."""
    return (values.groupby([rows["origin"], rows["state"]]).sum()
            .unstack(fill_value=0.0).to_numpy(float))


def _interval(skills: np.ndarray) -> tuple[float, float]:
    finite = skills[np.isfinite(skills)]
    if finite.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [0.05, 0.95])
    return float(low), float(high)


def _bootstrap(rows: pd.DataFrame, rng: np.random.Generator,
               resamples: int) -> dict[str, np.ndarray]:
    """Per forecast, the summed squared error of each resample (origins x states)."""
    errors = {f: _grid(rows, (rows[f"p_{f}"] - rows["outcome"]) ** 2) for f in FORECASTS}
    n_origins, n_states = next(iter(errors.values())).shape
    by_origin = rng.multinomial(n_origins, np.full(n_origins, 1.0 / n_origins), size=resamples)
    by_state = rng.multinomial(n_states, np.full(n_states, 1.0 / n_states), size=resamples)
    return {f: np.einsum("bo,os,bs->b", by_origin, e, by_state) for f, e in errors.items()}


def score_table(backtest: pd.DataFrame, *, seed: int, resamples: int = RESAMPLES) -> pd.DataFrame:
    """One row per forecast and target: scores, skill against both naive forecasts, and the
    bootstrap 90% intervals of the skill (``low90``/``high90`` against persistence,
    ``climatology_low90``/``climatology_high90`` against climatology)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_STREAM,)))
    found = [t for t in TARGETS if (backtest["target"] == t).any()]
    records: dict[tuple[str, str], dict[str, object]] = {}
    for target in found:
        rows = backtest[backtest["target"] == target]
        outcome = rows["outcome"].to_numpy(float)
        brier = {f: brier_score(rows[f"p_{f}"].to_numpy(float), outcome) for f in FORECASTS}
        sums = _bootstrap(rows, rng, resamples)
        for forecast in FORECASTS:
            record: dict[str, object] = {
                "forecast": forecast, "target": target, "n": len(rows),
                "brier": brier[forecast],
                "log_score": log_score(rows[f"p_{forecast}"].to_numpy(float), outcome),
            }
            for reference in REFERENCES:
                record[f"brier_skill_vs_{reference}"] = brier_skill(brier[forecast],
                                                                    brier[reference])
                with np.errstate(divide="ignore", invalid="ignore"):
                    skills = 1.0 - sums[forecast] / sums[reference]
                low, high = _interval(np.where(sums[reference] > 0, skills, np.nan))
                prefix = "" if reference == "persistence" else f"{reference}_"
                record[f"{prefix}low90"], record[f"{prefix}high90"] = low, high
            records[forecast, target] = record
    ordered = [records[f, t] for f in FORECASTS for t in found]
    return pd.DataFrame(ordered, columns=list(SCORE_COLUMNS))
