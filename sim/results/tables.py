"""Tables derived from an ensemble: per-state summary, adoption curve, per-run outcomes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.ensemble import EnsembleResult
from ..scenario.ladder import DE_FACTO, DE_JURE, TOP
from ..scenario.roster import roster_of
from ..scenario.schema import Scenario
from .compare import wilson_interval
from .effects import STATE_EFFECT_COLUMNS, state_effects

__all__ = ["QUANTILES", "chance_interval", "curve_table", "runs_table", "shocks_table",
           "summary_table",
           "survival_median"]

QUANTILES = (0.05, 0.50, 0.95)
# Level of the test that the draws' chances differ at all (chance_interval)
SPREAD_TEST_LEVEL = 0.01


def survival_median(first_month: np.ndarray) -> float:
    """Smallest month by which at least half the runs have arrived (-1 = never); NaN if none.

    Runs that never arrive count as censored at the horizon, so this is the median of the
    empirical distribution with "never" as +infinity.
    """
    arrived = np.sort(first_month[first_month >= 0])
    needed = -(-first_month.size // 2)  # ceil(R / 2)
    return float(arrived[needed - 1]) if arrived.size >= needed else float("nan")


def chance_interval(hit: np.ndarray, draw_row: np.ndarray | None,
                    level: float = 0.9) -> tuple[float, float]:
    """How uncertain the chance ``hit.mean()`` is, as a ``level`` interval.

    With parameter draws (``draw_row``: the draw each run took; runs share draws in blocks),
    the interval is that of the chance across the posterior: the between-draw variance of
    the chance is estimated by one-way analysis of variance over the draws (the moment
    estimator of a random-effects model, as for an intraclass correlation; Fleiss, Levin
    and Paik, *Statistical Methods for Rates and Proportions*, 3rd ed., 2003, ch. 15), and a
    beta distribution with the chance's mean and that variance gives the quantiles. Without
    draws, or when Pearson's chi-square test finds no spread across draws beyond chance at
    the 1% level (or runs never or always hit), the only uncertainty left is Monte Carlo, and
    the interval is Wilson's.
    """
    p = float(np.mean(hit))
    tail = (1.0 - level) / 2
    monte_carlo = wilson_interval(int(hit.sum()), hit.size, level)
    if draw_row is None:
        return monte_carlo
    groups, index = np.unique(draw_row, return_inverse=True)
    n = np.bincount(index).astype(float)
    k, total = len(groups), hit.size
    if k < 2 or total <= k or p in (0.0, 1.0):
        return monte_carlo
    p_d = np.bincount(index, weights=hit.astype(float)) / n
    # scipy.special, not scipy.stats: the same functions at a seventh of the import time
    from scipy.special import betaincinv, chdtrc

    # Pearson's test that every draw has the same chance; when it does not reject, the
    # spread of p_d is chance, and the moment estimate below would only be noise
    homogeneity = np.sum(n * (p_d - p) ** 2) / (p * (1 - p))
    if chdtrc(k - 1, homogeneity) > SPREAD_TEST_LEVEL:  # chi-square survival function
        return monte_carlo
    between = np.sum(n * (p_d - p) ** 2) / (k - 1)
    within = np.sum(n * p_d * (1 - p_d)) / (total - k)
    n0 = (total - np.sum(n * n) / total) / (k - 1)
    variance = min(max(0.0, (between - within) / n0), 0.99 * p * (1 - p))
    if variance == 0.0:  # no spread across draws beyond chance: Monte Carlo is all there is
        return monte_carlo
    size = p * (1 - p) / variance - 1
    low, high = betaincinv(p * size, (1 - p) * size, [tail, 1 - tail])  # beta quantiles
    return float(low), float(high)


def summary_table(result: EnsembleResult, scenario: Scenario,
                  counterfactual: EnsembleResult | None = None) -> pd.DataFrame:
    """One row per state: chances at the horizon and the median month of de jure recognition.

    Given the same runs without the scenario's shocks (``counterfactual``), each row also
    gets the shocks' effect on P(de jure) with its 90% interval (sim/results/effects.py).
    """
    rows = []
    roster = roster_of(scenario)
    for i, state in enumerate(result.state_ids):
        final = result.final_level[i]
        rows.append(
            {
                "state": state,
                "name": roster.names[i],
                "start_level": int(roster.start_levels[i]),
                "p_de_facto": float(np.mean(final >= DE_FACTO)),
                "p_de_jure": float(np.mean(final >= DE_JURE)),
                **dict(zip(("p_de_jure_low90", "p_de_jure_high90"),
                           chance_interval(final >= DE_JURE, result.draw_row), strict=True)),
                "median_month_de_jure": survival_median(result.first_month[DE_JURE - 1, i]),
                "p_downgrade": float(np.mean(result.first_downgrade[i] >= 0)),
            }
        )
    table = pd.DataFrame(rows)
    table["median_month_de_jure"] = table["median_month_de_jure"].astype("Int64")
    if counterfactual is not None:
        effects = state_effects(result, counterfactual)
        for column in STATE_EFFECT_COLUMNS:
            table[column] = effects[column].to_numpy()
    return table


def _band(counts: np.ndarray, prefix: str) -> dict[str, np.ndarray]:
    q05, q50, q95 = np.quantile(counts, QUANTILES, axis=1)
    return {
        f"{prefix}_mean": counts.mean(axis=1),
        f"{prefix}_q05": q05,
        f"{prefix}_q50": q50,
        f"{prefix}_q95": q95,
    }


def curve_table(result: EnsembleResult, scenario: Scenario) -> pd.DataFrame:
    """One row per month: mean and 5/50/95% quantiles of de jure and de facto+ counts."""
    months = np.arange(result.months + 1)
    dates = [scenario.month_date(int(m)).strftime("%Y-%m") for m in months]
    return pd.DataFrame(
        {
            "month": months,
            "date": dates,
            **_band(result.de_jure, "de_jure"),
            **_band(result.de_facto, "de_facto"),
        }
    )


def runs_table(result: EnsembleResult) -> pd.DataFrame:
    """One row per run and state; first months are null where the rung was never reached."""
    n, runs = result.final_level.shape

    def months(values: np.ndarray) -> pd.arrays.IntegerArray:
        flat = values.T.reshape(-1).astype(np.int16)
        return pd.arrays.IntegerArray(flat, mask=flat < 0)

    table = pd.DataFrame(
        {
            "run": np.repeat(np.arange(runs, dtype=np.int32), n),
            "state": pd.Categorical.from_codes(  # codes: no hashing of n x runs strings
                np.tile(np.arange(n), runs), categories=list(result.state_ids)),
            "final_level": result.final_level.T.reshape(-1).astype(np.int8),
        }
    )
    for rung in range(1, TOP + 1):
        table[f"first_month_level_{rung}"] = months(result.first_month[rung - 1])
    table["first_month_downgrade"] = months(result.first_downgrade)
    return table


def shocks_table(result: EnsembleResult, scenario: Scenario) -> pd.DataFrame:
    """One row per shock firing: ``run, month, shock`` (the shock's name), in that order."""
    fired = result.fired
    order = np.lexsort((fired[:, 2], fired[:, 1], fired[:, 0]))
    names = np.array([shock.name for shock in scenario.shocks] or [""], dtype=object)
    return pd.DataFrame(
        {
            "run": fired[order, 0].astype(np.int32),
            "month": fired[order, 1].astype(np.int16),
            "shock": names[fired[order, 2]],
        }
    )
