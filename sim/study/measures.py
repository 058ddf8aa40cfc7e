"""Named outcomes of an ensemble, each with its Monte Carlo standard error.

Sweeps and sensitivity analyses reduce every design point's runs to a few numbers. Each
outcome is either the mean of a per-run value (a probability is the mean of an indicator)
or the median of a per-run month. Runs are tallied into sufficient statistics (integer
sums, sums of squares and month histograms) so that chunks of replicates combine exactly,
in any order, into the same estimate.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..engine.ensemble import EnsembleResult
from ..scenario.ladder import DE_JURE
from ..scenario.schema import Scenario
from .names import CASCADE_STATES, DEFAULT_OUTCOMES, OUTCOME_DOCS

__all__ = [
    "CASCADE_STATES",
    "DEFAULT_OUTCOMES",
    "OUTCOME_DOCS",
    "Outcome",
    "OutcomeError",
    "Tally",
    "estimates",
    "outcome_catalogue",
    "per_run_values",
    "select_outcomes",
    "tally_runs",
]

# z for a two-sided 95% interval: the distribution-free interval of the median is turned
# into a standard error by dividing its width by 2 z.
_Z95 = 1.959963984540054

class OutcomeError(ValueError):
    """An outcome name that is unknown or not defined for the scenario's roster."""


@dataclass(frozen=True)
class Outcome:
    """One named outcome: ``name`` as users type it, ``kind`` 'mean' or 'median'."""

    name: str
    kind: Literal["mean", "median"]
    label: str


def _central_asia(scenario: Scenario) -> list[int]:
    return [i for i, spec in enumerate(scenario.states.values()) if spec.central_asia]


def outcome_catalogue(scenario: Scenario) -> tuple[Outcome, ...]:
    """Every outcome defined for this scenario's roster: means first, then medians.

    Per-state outcomes exist for the states named in ``[states]``; the anonymous states
    of a ``[population]`` have none (there could be 100,000 of them).
    """
    n_ca = len(_central_asia(scenario))
    items = [
        Outcome(f"p_de_jure:{state}", "mean", f"P({spec.name} de jure at horizon)")
        for state, spec in scenario.states.items()
    ]
    items.append(Outcome("n_de_jure", "mean", "De jure recognisers at horizon (mean)"))
    if n_ca:
        items.append(Outcome("n_de_jure_ca", "mean",
                             "Central Asian de jure recognisers at horizon (mean)"))
    if all(s in scenario.states for s in CASCADE_STATES):
        items.append(Outcome("p_cascade_ca", "mean",
                             "P(KAZ, KGZ, TKM and UZB all de jure at horizon)"))
    items += [
        Outcome(f"months_to_ca:{k}", "median",
                f"Median months until {k} of the Central Asian states recognise de jure")
        for k in range(1, n_ca + 1)
    ]
    return tuple(items)


def select_outcomes(scenario: Scenario, names: Sequence[str]) -> tuple[Outcome, ...]:
    """The named outcomes, or :class:`OutcomeError` with a close match or the reason."""
    catalogue = {o.name: o for o in outcome_catalogue(scenario)}
    if "all" in names:
        return tuple(catalogue.values())
    chosen = []
    for name in names:
        if name in catalogue:
            chosen.append(catalogue[name])
            continue
        raise OutcomeError(_why_not(scenario, name, list(catalogue)))
    return tuple(dict.fromkeys(chosen))


def _why_not(scenario: Scenario, name: str, known: list[str]) -> str:
    family, _, arg = name.partition(":")
    if family == "p_de_jure" and arg and scenario.population is not None:
        return (f"outcome {name!r}: per-state outcomes need states named in [states]; "
                f"scenario {scenario.name!r} has a [population] (use n_de_jure)")
    if family == "p_de_jure" and arg:
        return f"outcome {name!r}: no state {arg!r} in scenario {scenario.name!r}"
    if family == "months_to_ca" and arg:
        n_ca = len(_central_asia(scenario))
        return (f"outcome {name!r}: K must be a whole number from 1 to {n_ca} "
                f"(the Central Asian states in scenario {scenario.name!r})")
    if family in ("p_cascade_ca", "n_de_jure_ca"):
        return f"outcome {name!r} is not defined for scenario {scenario.name!r}'s roster"
    close = difflib.get_close_matches(name, [*known, *OUTCOME_DOCS], n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else " (see 'recsim outcomes')"
    return f"unknown outcome {name!r}{hint}"


@dataclass(frozen=True)
class Tally:
    """Sufficient statistics of the runs of P design points; rows are design points.

    ``sums`` and ``squares`` hold, per mean outcome, the integer sum of the per-run value
    and of its square; ``months`` holds, per median outcome, a histogram of the per-run
    month (0 .. width - 1). Integer arithmetic makes combining exact and order-free.
    """

    runs: np.ndarray  # (P,) int64
    sums: np.ndarray  # (P, n_mean) int64
    squares: np.ndarray  # (P, n_mean) int64
    months: np.ndarray  # (P, n_median, width) int64

    @classmethod
    def zeros(cls, points: int, n_mean: int, n_median: int, width: int) -> Tally:
        return cls(np.zeros(points, np.int64), np.zeros((points, n_mean), np.int64),
                   np.zeros((points, n_mean), np.int64),
                   np.zeros((points, n_median, width), np.int64))

    def add_into(self, total: Tally, rows: np.ndarray) -> None:
        """Add each of this tally's rows into row ``rows[i]`` of ``total`` (in place)."""
        np.add.at(total.runs, rows, self.runs)
        np.add.at(total.sums, rows, self.sums)
        np.add.at(total.squares, rows, self.squares)
        np.add.at(total.months, rows, self.months)


def per_run_values(result: EnsembleResult, scenario: Scenario,
                    outcomes: Sequence[Outcome]) -> tuple[np.ndarray, np.ndarray]:
    """(n_mean, R) per-run values of the mean outcomes and (n_median, R) months."""
    de_jure = result.final_level >= DE_JURE  # (n, R)
    index = {state: i for i, state in enumerate(result.state_ids)}
    ca = _central_asia(scenario)
    horizon = result.months
    first = result.first_month[DE_JURE - 1][ca]  # (n_ca, R), -1 never
    arrival = np.sort(np.where(first >= 0, first, horizon), axis=0)  # k-th row: T_(k+1)
    means, medians = [], []
    for outcome in outcomes:
        family, _, arg = outcome.name.partition(":")
        if family == "p_de_jure":
            means.append(de_jure[index[arg]])
        elif family == "n_de_jure":
            means.append(result.de_jure[-1])
        elif family == "n_de_jure_ca":
            means.append(de_jure[ca].sum(axis=0))
        elif family == "p_cascade_ca":
            means.append(de_jure[[index[s] for s in CASCADE_STATES]].all(axis=0))
        elif family == "months_to_ca":
            medians.append(np.minimum(arrival[int(arg) - 1], horizon))
        else:  # pragma: no cover - the catalogue names only the families above
            raise OutcomeError(f"unknown outcome {outcome.name!r}")
    runs = result.runs
    mean_values = np.asarray(means, np.int64).reshape(len(means), runs)
    median_values = np.asarray(medians, np.int64).reshape(len(medians), runs)
    return mean_values, median_values


def tally_runs(result: EnsembleResult, scenario: Scenario, outcomes: Sequence[Outcome],
               width: int) -> Tally:
    """One design point's runs as a one-row :class:`Tally` (months histogram ``width`` wide)."""
    means, medians = per_run_values(result, scenario, outcomes)
    if medians.size and medians.max() >= width:
        raise ValueError(f"month histogram of width {width} too narrow for {medians.max()}")
    histogram = np.zeros((1, medians.shape[0], width), np.int64)
    for row, values in enumerate(medians):
        histogram[0, row] = np.bincount(values, minlength=width)
    return Tally(np.array([result.runs], np.int64), means.sum(axis=1)[None],
                 (means * means).sum(axis=1)[None], histogram)


def _order_statistic(histogram: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The rank-th smallest value (1-based) of each histogram row."""
    cumulative = np.cumsum(histogram, axis=-1)
    return (cumulative < rank[..., None]).sum(axis=-1).astype(float)


def estimates(tally: Tally, outcomes: Sequence[Outcome]) -> tuple[np.ndarray, np.ndarray]:
    """(P, n_outcomes) estimates and Monte Carlo standard errors, in ``outcomes`` order.

    A mean's standard error is s / sqrt(R) with the sample s.d. s (ddof = 1); a median's
    comes from its distribution-free 95% interval (see ``months_to_ca:K``). With R = 1
    there is no error estimate (NaN).
    """
    runs = tally.runs.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = tally.sums / runs[:, None]
        variance = (tally.squares - tally.sums * mean) / (runs[:, None] - 1.0)
        mean_se = np.sqrt(np.maximum(variance, 0.0) / runs[:, None])
    half = np.ceil(runs / 2.0)
    spread = _Z95 * np.sqrt(runs) / 2.0
    low = np.maximum(np.floor(runs / 2.0 - spread), 1.0)
    high = np.minimum(np.ceil(runs / 2.0 + 1.0 + spread), runs)
    median, lower, upper = (
        _order_statistic(tally.months, np.broadcast_to(rank[:, None], tally.months.shape[:2]))
        for rank in (half, low, high)
    )
    median_se = np.where(runs[:, None] > 1, (upper - lower) / (2 * _Z95), math.nan)
    values, errors = [], []
    i_mean = i_median = 0
    for outcome in outcomes:
        if outcome.kind == "mean":
            values.append(mean[:, i_mean])
            errors.append(mean_se[:, i_mean])
            i_mean += 1
        else:
            values.append(median[:, i_median])
            errors.append(median_se[:, i_median])
            i_median += 1
    shape = (len(runs), len(outcomes))
    return np.column_stack(values).reshape(shape), np.column_stack(errors).reshape(shape)
