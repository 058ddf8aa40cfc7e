"""What the explorer shows, computed with the library functions the command line uses.

:func:`compute_numbers` runs the edited scenario and the unmodified one with the same seed
and runs (:func:`~sim.engine.ensemble.run_ensemble`, as ``recsim run`` does), and derives
the same tables a results directory holds (:mod:`sim.results.tables`) and the paired
differences a batch reports (:func:`~sim.results.compare.comparison_table`). Run ``i`` of
both scenarios starts from the same random stream, so the differences are paired. The
unmodified scenario's results are cached: moving a control re-runs only the edited one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd

from ..engine.ensemble import run_ensemble
from ..results.compare import ScenarioOutcome, comparison_table
from ..results.tables import curve_table, runs_table, summary_table
from ..scenario.loading import scenario_hash
from ..scenario.schema import Scenario

__all__ = [
    "EDITED",
    "REFERENCE",
    "Numbers",
    "Outcome",
    "Request",
    "compute_numbers",
    "outcome_of",
]

REFERENCE = "unmodified"  # the scenario as loaded, in comparison tables
EDITED = "edited"
_CACHED = 8  # unmodified outcomes kept (scenario, runs, seed)
_cache: OrderedDict[tuple[str, int, int], Outcome] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Request:
    """One computation: the edited scenario against the unmodified one, same seed and runs.

    Parameter uncertainty travels in the scenarios themselves: with ``[uncertainty] draws``
    each replicate draws its parameters, as in ``recsim run``; the page's switch replaces
    both scenarios by their point estimates (sim/engine/uncertainty.py). Everything
    downstream (tables, figures, differences) reads the ensemble's result only.
    """

    scenario: Scenario
    reference: Scenario
    runs: int
    seed: int


@dataclass(frozen=True, eq=False)  # tables do not compare with ==; identity does
class Outcome:
    """One scenario's ensemble reduced to what the page shows."""

    summary: pd.DataFrame  # summary_table
    curve: pd.DataFrame  # curve_table
    paired: ScenarioOutcome  # for the paired differences


@dataclass(frozen=True, eq=False)
class Numbers:
    """Everything but the figures: the edited and unmodified outcomes and their differences.

    ``differences`` holds the comparison table's rows of the edited scenario: per state
    ``p_de_jure``, ``diff_p_de_jure`` and its 95% paired interval.
    """

    request: Request
    edited: Outcome
    reference: Outcome
    differences: pd.DataFrame


def outcome_of(scenario: Scenario, runs: int, seed: int) -> Outcome:
    """Simulate ``scenario`` as ``recsim run SCENARIO --runs RUNS --seed SEED`` does, and
    derive its summary, curve and paired outcome."""
    result = run_ensemble(scenario, runs, seed)
    summary = summary_table(result, scenario)
    return Outcome(summary, curve_table(result, scenario),
                   ScenarioOutcome.from_runs(summary, runs_table(result)))


def _reference_outcome(scenario: Scenario, runs: int, seed: int) -> Outcome:
    key = (scenario_hash(scenario), runs, seed)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    outcome = outcome_of(scenario, runs, seed)
    with _cache_lock:
        _cache[key] = outcome
        while len(_cache) > _CACHED:
            _cache.popitem(last=False)
    return outcome


def compute_numbers(request: Request) -> Numbers:
    """Run the edited scenario (and, unless cached, the unmodified one) and compare them."""
    reference = _reference_outcome(request.reference, request.runs, request.seed)
    same = scenario_hash(request.scenario) == scenario_hash(request.reference)
    edited = reference if same else outcome_of(request.scenario, request.runs, request.seed)
    table = comparison_table({REFERENCE: reference.paired, EDITED: edited.paired})
    differences = table[table["scenario"] == EDITED].reset_index(drop=True)
    return Numbers(request, edited, reference, differences)
