"""A scenario's shocks as a paired counterfactual: the same runs with and without them.

The engine draws every shock's schedule from its own child stream and leaves each
replicate's monthly draws untouched (common random numbers, sim/model/shocks.py), so run
``i`` of a scenario and run ``i`` of the same scenario without its shocks differ only
through what the shocks did. Their difference, run by run, is the shocks' own effect,
free of the background trend that a before/after comparison would include.

Everything here is at :data:`EFFECT_CONFIDENCE` (90%): the monthly mean difference in de
jure recognisers gets a normal interval from the paired differences' standard error; the
per-state difference in P(de jure) at the horizon gets Newcombe's paired interval
(:func:`sim.results.compare.paired_difference`).
"""

from __future__ import annotations

import hashlib
import json
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..scenario.ladder import DE_JURE
from ..scenario.schema import Scenario
from .compare import state_difference

if TYPE_CHECKING:  # the engine (Mesa) is imported only to simulate, not to read results
    from ..engine.ensemble import EnsembleResult
    from ..engine.executors import Executor

__all__ = [
    "EFFECTS_FILE",
    "EFFECT_COLUMNS",
    "EFFECT_CONFIDENCE",
    "STATE_EFFECT_COLUMNS",
    "Counterfactuals",
    "counterfactual_key",
    "effect_curve",
    "state_effects",
    "without_shocks",
]

EFFECT_CONFIDENCE = 0.90
EFFECTS_FILE = "shock_effects.csv"
EFFECT_COLUMNS = ("month", "date", "diff_de_jure_mean", "diff_de_jure_low90",
                  "diff_de_jure_high90", "diff_de_jure_q05", "diff_de_jure_q95")
STATE_EFFECT_COLUMNS = ("diff_p_de_jure", "diff_p_de_jure_low90", "diff_p_de_jure_high90")
# What names and documents a scenario without changing what it simulates.
_LABELS = ("name", "description", "source")


def without_shocks(scenario: Scenario) -> Scenario:
    """The same scenario with no shocks: its counterfactual."""
    return scenario.model_copy(update={"shocks": ()})


def counterfactual_key(scenario: Scenario) -> str:
    """SHA-256 of what the scenario simulates once its shocks are removed.

    Names, descriptions and sources are left out, so two scenarios that differ only in
    their shocks (every library scenario and the baseline it extends) share one key, and
    one no-shock ensemble serves them all.
    """
    data = scenario.model_dump(mode="json", by_alias=True, exclude=set(_LABELS) | {"shocks"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _check_paired(result: EnsembleResult, counterfactual: EnsembleResult) -> None:
    if (result.runs, result.months, result.state_ids) != (
            counterfactual.runs, counterfactual.months, counterfactual.state_ids):
        raise ValueError("a counterfactual must have the same runs, months and states as the "
                         "scenario it is paired with")


def effect_curve(result: EnsembleResult, counterfactual: EnsembleResult,
                 scenario: Scenario) -> pd.DataFrame:
    """One row per month: the mean over runs of (de jure recognisers with the shocks minus
    without), its 90% interval, and the 5% and 95% quantiles of the per-run differences."""
    _check_paired(result, counterfactual)
    diff = result.de_jure.astype(np.int64) - counterfactual.de_jure.astype(np.int64)
    runs = diff.shape[1]
    mean = diff.mean(axis=1)
    z = NormalDist().inv_cdf(0.5 + EFFECT_CONFIDENCE / 2)
    half = z * diff.std(axis=1, ddof=1) / np.sqrt(runs) if runs > 1 else np.full_like(mean,
                                                                                      np.nan)
    q05, q95 = np.quantile(diff, (0.05, 0.95), axis=1)
    months = np.arange(result.months + 1)
    return pd.DataFrame({
        "month": months,
        "date": [scenario.month_date(int(m)).strftime("%Y-%m") for m in months],
        "diff_de_jure_mean": mean,
        "diff_de_jure_low90": mean - half,
        "diff_de_jure_high90": mean + half,
        "diff_de_jure_q05": q05,
        "diff_de_jure_q95": q95,
    }, columns=list(EFFECT_COLUMNS))


def state_effects(result: EnsembleResult, counterfactual: EnsembleResult) -> pd.DataFrame:
    """One row per state: P(de jure at the horizon) with the shocks minus without, and its
    paired 90% Newcombe interval (``state`` then :data:`STATE_EFFECT_COLUMNS`)."""
    _check_paired(result, counterfactual)
    shocked = result.final_level >= DE_JURE
    plain = counterfactual.final_level >= DE_JURE
    rows = []
    for i, state in enumerate(result.state_ids):
        diff = state_difference(shocked[i], plain[i], EFFECT_CONFIDENCE)
        rows.append({"state": state, "diff_p_de_jure": diff.estimate,
                     "diff_p_de_jure_low90": diff.low, "diff_p_de_jure_high90": diff.high})
    return pd.DataFrame(rows, columns=["state", *STATE_EFFECT_COLUMNS])


class Counterfactuals:
    """No-shock ensembles, each simulated once and shared by every scenario it pairs with.

    A scenario without shocks is its own counterfactual: give its result to
    :meth:`for_scenario` and a later scenario that differs from it only in its shocks (same
    seed and runs) reuses it instead of simulating again.
    """

    def __init__(self, executor: Executor | None = None) -> None:
        self.executor = executor
        self._results: dict[tuple[str, int, int], EnsembleResult] = {}
        self.simulated = 0  # ensembles simulated here (not reused)

    def for_scenario(self, scenario: Scenario, result: EnsembleResult, *,
                     seed: int) -> EnsembleResult | None:
        """The no-shock ensemble paired with ``result``; None if the scenario has no shocks."""
        key = (counterfactual_key(scenario), seed, result.runs)
        if not scenario.shocks:
            self._results.setdefault(key, result)
            return None
        if key not in self._results:
            from ..engine.ensemble import run_ensemble

            self._results[key] = run_ensemble(without_shocks(scenario), result.runs, seed,
                                              executor=self.executor)
            self.simulated += 1
        return self._results[key]
