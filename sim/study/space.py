"""Open exploration: many parameter vectors, one run each, all in one ensemble.

A Latin hypercube (McKay, Beckman and Conover, Technometrics 21, 1979; scipy.stats.qmc)
spreads N vectors over the box of the parameters' ranges; replicate i of a single
ensemble takes vector i as its own parameters (sim/model/parameters.py), so N runs cost
one ensemble of N runs rather than N models. Each run's outcomes are kept, not averaged:
scenario discovery (``recsim discover``, PRIM) then asks which part of the box produces
the runs of interest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..engine.ensemble import EnsembleResult
from ..model.parameters import ReplicateValues
from ..scenario.draws import replicate_path_problem
from ..scenario.params import ParameterError
from ..scenario.schema import Scenario
from .design import Range
from .measures import Outcome, per_run_values

__all__ = ["EXPLORE_STREAM", "check_explorable", "experiments_table", "latin_hypercube"]

EXPLORE_STREAM = 3  # spawn_key of the master seed for the design (streams 0-2: studies)


def check_explorable(scenario: Scenario, ranges: Sequence[Range]) -> None:
    """Every range names a parameter that can vary from replicate to replicate."""
    for item in ranges:
        problem = replicate_path_problem(scenario, item.path)
        if problem is not None:
            raise ParameterError(f"{problem}; vary other parameters with 'recsim sweep'")


def latin_hypercube(ranges: Sequence[Range], samples: int, seed: int) -> ReplicateValues:
    """``samples`` parameter vectors, one per run, spread by a Latin hypercube."""
    from scipy.stats import qmc

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(EXPLORE_STREAM,)))
    unit = qmc.LatinHypercube(d=len(ranges), rng=rng).random(samples)
    low = np.array([r.low for r in ranges])
    high = np.array([r.high for r in ranges])
    return ReplicateValues(tuple(r.path for r in ranges), qmc.scale(unit, low, high))


def experiments_table(values: ReplicateValues, result: EnsembleResult, scenario: Scenario,
                      outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """One row per run: ``run``, the parameter values, then each outcome's value in that run
    (a probability outcome as 0 or 1; a months outcome as the month, the horizon if never)."""
    means, months = per_run_values(result, scenario, outcomes)
    columns: dict[str, object] = {"run": np.arange(values.replicates, dtype=np.int32)}
    for j, path in enumerate(values.paths):
        columns[path] = values.values[:, j]
    i_mean = i_median = 0
    for outcome in outcomes:
        if outcome.kind == "mean":
            columns[outcome.name] = means[i_mean]
            i_mean += 1
        else:
            columns[outcome.name] = months[i_median]
            i_median += 1
    return pd.DataFrame(columns)
