"""Scenario comparison: per-state chances side by side, and paired differences from a reference.

A batch runs every scenario with the same seed and number of runs, so run ``i`` of one
scenario and run ``i`` of another start from the same random stream (common random numbers,
as far as the scenarios consume random numbers in the same order). The runs are therefore
*paired*, and the interval for a difference of two proportions uses Newcombe's
square-and-add method for paired data (Newcombe 1998, method 10): it stays inside [-1, 1],
behaves at proportions of 0 and 1 where the Wald interval collapses, and is valid whether or
not the pairing makes the two outcomes correlated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..scenario.ladder import DE_JURE

__all__ = [
    "COMPARISON_COLUMNS",
    "PairedDifference",
    "ScenarioOutcome",
    "comparison_table",
    "paired_difference",
    "state_difference",
    "wilson_interval",
]

COMPARISON_COLUMNS = (
    "scenario", "state", "p_de_facto", "p_de_jure", "median_month_de_jure",
    "diff_p_de_jure", "diff_p_de_jure_low95", "diff_p_de_jure_high95",
)


@dataclass(frozen=True)
class PairedDifference:
    """``estimate`` = p1 - p2 with its interval [``low``, ``high``]."""

    estimate: float
    low: float
    high: float


def wilson_interval(successes: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson score interval for one proportion, without continuity correction.

    E. B. Wilson, JASA 22 (1927) 209-212; as in Newcombe (1998), eq. 3: centre
    (p + z^2/2n) / (1 + z^2/n), half-width z sqrt(p q / n + z^2 / 4n^2) / (1 + z^2/n).
    The same numbers as scipy's ``binomtest(...).proportion_ci(method="wilson")``
    (tests/test_compare.py), without importing scipy.stats, which takes a second.
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    scale = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / scale
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / scale
    return max(0.0, centre - half), min(1.0, centre + half)


def paired_difference(both: int, only_first: int, only_second: int, neither: int,
                      confidence: float = 0.95) -> PairedDifference:
    """Interval for p1 - p2 from a paired 2x2 table, by Newcombe's square-and-add method.

    ``both`` runs had the outcome in both scenarios, ``only_first`` only in the first, and so
    on; p1 = (both + only_first) / n, p2 = (both + only_second) / n. Equations from
    R. G. Newcombe, Statistics in Medicine 17 (1998) 2635-2650, method 10, as given by
    Fagerland, Lydersen & Laake, *Statistical Analysis of Contingency Tables* (2017), ch. 8:
    Wilson limits (l1, u1), (l2, u2) of each proportion are combined with a correlation
    estimate psi of the two proportions, which is set to 0 for small positive associations
    (0 <= AD - BC <= n/2) and when any margin is empty.
    """
    counts = (both, only_first, only_second, neither)
    if min(counts) < 0:
        raise ValueError("counts must be non-negative")
    n = sum(counts)
    if n == 0:
        raise ValueError("need at least one pair")
    first, second = both + only_first, both + only_second
    p1, p2 = first / n, second / n
    l1, u1 = wilson_interval(first, n, confidence)
    l2, u2 = wilson_interval(second, n, confidence)
    margins = (first, n - first, second, n - second)
    cross = both * neither - only_first * only_second  # AD - BC
    if min(margins) == 0 or 0 <= cross <= n / 2:
        psi = 0.0
    else:
        corrected = cross - n / 2 if cross > 0 else cross
        psi = corrected / math.sqrt(math.prod(margins))
    estimate = p1 - p2
    down = math.sqrt(max((p1 - l1) ** 2 + (u2 - p2) ** 2 - 2 * psi * (p1 - l1) * (u2 - p2), 0))
    up = math.sqrt(max((p2 - l2) ** 2 + (u1 - p1) ** 2 - 2 * psi * (p2 - l2) * (u1 - p1), 0))
    return PairedDifference(estimate, estimate - down, estimate + up)


@dataclass(frozen=True)
class ScenarioOutcome:
    """What the comparison needs from one scenario's results.

    ``summary`` is its summary table (``state``, ``p_de_facto``, ``p_de_jure``,
    ``median_month_de_jure``); ``de_jure`` is a boolean frame, one row per run and one
    column per state: True where that state stands at de jure recognition at the horizon.
    """

    summary: pd.DataFrame
    de_jure: pd.DataFrame

    @classmethod
    def from_runs(cls, summary: pd.DataFrame, runs: pd.DataFrame) -> ScenarioOutcome:
        """Build from a summary table and a runs table (``run``, ``state``, ``final_level``)."""
        wide = runs.pivot(index="run", columns="state", values="final_level")
        wide.columns = wide.columns.astype(str)
        return cls(summary, wide.sort_index() >= DE_JURE)


def comparison_table(outcomes: Mapping[str, ScenarioOutcome]) -> pd.DataFrame:
    """One row per scenario and state; differences are from the first scenario (the reference).

    Differences are in P(de jure at the horizon), with 95% paired Newcombe intervals.

    The reference's own rows, and states the reference does not have, get empty differences.
    All scenarios must hold the same number of runs, paired by run index.
    """
    if not outcomes:
        raise ValueError("nothing to compare")
    names = list(outcomes)
    reference = outcomes[names[0]]
    runs = {name: len(outcome.de_jure) for name, outcome in outcomes.items()}
    if len(set(runs.values())) > 1:
        raise ValueError(f"scenarios hold different numbers of runs, cannot pair them: {runs}")
    rows = []
    for name in names:
        outcome = outcomes[name]
        for record in outcome.summary.to_dict("records"):
            state = str(record["state"])
            diff = None
            if name != names[0] and state in reference.de_jure.columns:
                diff = state_difference(outcome.de_jure[state].to_numpy(),
                                        reference.de_jure[state].to_numpy())
            rows.append({
                "scenario": name,
                "state": state,
                "p_de_facto": record["p_de_facto"],
                "p_de_jure": record["p_de_jure"],
                "median_month_de_jure": record["median_month_de_jure"],
                "diff_p_de_jure": diff.estimate if diff else np.nan,
                "diff_p_de_jure_low95": diff.low if diff else np.nan,
                "diff_p_de_jure_high95": diff.high if diff else np.nan,
            })
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    table["median_month_de_jure"] = table["median_month_de_jure"].astype("Int64")
    return table


def state_difference(scenario: np.ndarray, reference: np.ndarray,
                     confidence: float = 0.95) -> PairedDifference:
    """P(outcome) in ``scenario`` minus in ``reference`` with its paired Newcombe interval;
    both are boolean arrays over the same runs, run i of one paired with run i of the other."""
    both = int(np.sum(scenario & reference))
    only_scenario = int(np.sum(scenario & ~reference))
    only_reference = int(np.sum(~scenario & reference))
    neither = scenario.size - both - only_scenario - only_reference
    return paired_difference(both, only_scenario, only_reference, neither, confidence)
