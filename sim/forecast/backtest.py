"""Backtests: forecasts made at past origins, scored against what the log records next.

:func:`plan_backtest` checks the origins and makes one :class:`~sim.forecast.origin.OriginTask`
per origin, each holding the log cut at its origin; :func:`run_backtest` runs them through
an executor (serial, worker processes or Dask: the same numbers on each) and
:func:`backtest_table` sets every forecast beside its outcome, which only this step reads
from the whole log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..calibrate.fit import FitSettings, Prior
from ..engine.executors import Executor, SerialExecutor
from ..scenario.eventlog import EventLog
from ..scenario.roster import levels_before_log
from ..scenario.schema import Scenario
from .naive import FLOOR, climatology, roster_climatology
from .origin import BACKTEST_SETTINGS, OriginTask, fit_summary
from .rebase import check_origins
from .targets import ROSTER, STATE_TARGETS, applies, observed_outcomes, simulated_outcomes

__all__ = ["BACKTEST_COLUMNS", "OriginForecast", "backtest_table", "forecast_origin",
           "plan_backtest", "run_backtest"]

BACKTEST_COLUMNS = ("origin", "state", "target", "outcome", "p_model", "p_persistence",
                    "p_climatology")


@dataclass(frozen=True, eq=False)
class OriginForecast:
    """One origin's forecasts (``state,target,start_level,p_model,p_climatology``) and fit."""

    origin: date
    rows: pd.DataFrame
    fit: dict[str, Any]
    means: dict[str, float]
    notes: list[str] = field(default_factory=list)


def plan_backtest(scenario: Scenario, log: EventLog, origins: Sequence[date], *, horizon: int,
                  runs: int, seed: int, priors: Sequence[Prior], fit_start: date,
                  settings: FitSettings = BACKTEST_SETTINGS) -> list[OriginTask]:
    """One task per origin (checked: sim/forecast/rebase.py ``check_origins``); each task's
    log holds only the events in or before its origin."""
    check_origins(origins, log, horizon, fit_start)
    return [OriginTask(scenario, log.until(origin), origin, fit_start, horizon, runs, seed,
                       tuple(priors), settings) for origin in sorted(set(origins))]


def forecast_origin(task: OriginTask) -> OriginForecast:
    """Fit, simulate and reduce one origin to its forecasts (run in a worker)."""
    calibrated, simulated = task.run()
    ids, start = simulated.result.state_ids, simulated.start
    happens = simulated_outcomes(simulated.result, start, task.horizon)
    matrix = calibrated.climatology
    rows = []
    for target in STATE_TARGETS:
        for i, state in enumerate(ids):
            if applies(target, int(start[i])):
                rows.append((state, target, int(start[i]), float(happens[target][i].mean()),
                             climatology(matrix, int(start[i]), target, task.horizon)))
    rows.append((ROSTER, "any_de_jure", -1, float(happens["any_de_jure"][0].mean()),
                 roster_climatology(matrix, start.tolist(), task.horizon)))
    table = pd.DataFrame(rows, columns=["state", "target", "start_level", "p_model",
                                        "p_climatology"])
    return OriginForecast(task.origin, table, fit_summary(calibrated),
                          calibrated.fit.means(), simulated.notes)


def run_backtest(tasks: Sequence[OriginTask], *, executor: Executor | None = None,
                 progress: Callable[[int], None] | None = None) -> list[OriginForecast]:
    """Every origin's forecast, in origin order; ``progress(1)`` as each one finishes."""
    found: list[OriginForecast | None] = [None] * len(tasks)
    for index, result in (executor or SerialExecutor()).map_unordered(forecast_origin, tasks):
        found[index] = result
        if progress is not None:
            progress(1)
    return [f for f in found if f is not None]


def backtest_table(forecasts: Sequence[OriginForecast], log: EventLog, scenario: Scenario,
                   horizon: int) -> pd.DataFrame:
    """Every forecast with its outcome in the ``horizon`` months after its origin (the
    whole log read here, after the forecasts are made) and the persistence forecast."""
    ids = tuple(scenario.states)
    before = levels_before_log(ids, tuple(scenario.states.values()))
    index = {state: i for i, state in enumerate(ids)}
    frames = []
    for forecast in forecasts:
        seen = observed_outcomes(log, forecast.origin, horizon, ids, before)
        rows = forecast.rows
        outcome = [bool(seen[t][0]) if s == ROSTER else bool(seen[t][index[s]])
                   for s, t in zip(rows["state"], rows["target"], strict=True)]
        frames.append(pd.DataFrame({
            "origin": f"{forecast.origin:%Y-%m}",
            "state": rows["state"],
            "target": rows["target"],
            "outcome": np.array(outcome, dtype=int),
            "p_model": rows["p_model"],
            "p_persistence": FLOOR,
            "p_climatology": rows["p_climatology"],
        }))
    return pd.concat(frames, ignore_index=True)[list(BACKTEST_COLUMNS)]
