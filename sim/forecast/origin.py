"""One forecast origin: calibrate on what was known then, simulate the months after it.

:class:`OriginTask` is what a backtest runs for each origin, in any executor
(sim/forecast/backtest.py, ``forecast_origin``): it holds the log cut at the origin
(:meth:`EventLog.until`), so nothing after the origin can reach the fit, the start levels
or the climatology. ``recsim forecast`` uses :func:`calibrate_at` and :func:`simulate_from`
on the whole log. Its randomness comes from the master
seed and the origin's month alone (:func:`origin_seeds`), so an origin's forecast is the
same whichever other origins run, in whatever order, on whichever executor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..calibrate.fit import Fit, FitSettings, Prior, fit
from ..calibrate.likelihood import Likelihood, Record, observe
from ..calibrate.window import Window
from ..engine.ensemble import EnsembleResult, run_ensemble
from ..engine.executors import Executor
from ..model.parameters import ReplicateValues
from ..scenario.eventlog import EventLog
from ..scenario.schema import Scenario
from .naive import transition_matrix
from .posterior import PER_DRAW, posterior_values
from .rebase import origin_scenario

__all__ = ["BACKTEST_SETTINGS", "Calibrated", "OriginTask", "Simulated", "calibrate_at",
           "fit_summary", "origin_seeds", "simulate_from"]

# Per origin: the sampler of recsim calibrate with a lower step limit. On the baseline the
# chains reach R-hat < 1.01 within 5,500 to 6,000 steps (about 15 s an origin); whether
# each origin converged is reported.
BACKTEST_SETTINGS = FitSettings(draws=1000, block=500, burn=500, max_steps=8000)
_ORIGIN_STREAM = 0x0F1C  # spawn key of an origin's streams under the master seed


def origin_seeds(seed: int, origin: date) -> tuple[int, np.random.SeedSequence, int]:
    """The fit's seed, the stream that picks posterior draws, and the ensemble's seed of
    ``origin``: children of the master seed keyed by the origin's month alone."""
    key = origin.year * 12 + origin.month - 1
    fit_seq, draw_seq, run_seq = np.random.SeedSequence(
        seed, spawn_key=(_ORIGIN_STREAM, key)).spawn(3)
    return int(fit_seq.generate_state(1)[0]), draw_seq, int(run_seq.generate_state(1)[0])


@dataclass(frozen=True, eq=False)
class Calibrated:
    """A fit over ``window`` and what the naive climatology learns from the same record."""

    fit: Fit
    record: Record
    window: Window
    climatology: np.ndarray  # (4, 4) monthly transition frequencies


def calibrate_at(scenario: Scenario, log: EventLog, window: Window, priors: Sequence[Prior], *,
                 seed: int, settings: FitSettings,
                 progress: Callable[[int, int], None] | None = None) -> Calibrated:
    """Fit ``priors``' parameters to ``log``'s moves over ``window`` (sim/calibrate)."""
    record = observe(scenario, log, window)
    likelihood = Likelihood(record, [p.path for p in priors])
    fitted = fit(likelihood, priors, seed=seed, settings=settings, progress=progress)
    matrix = transition_matrix(record.before, record.after, record.scored)
    return Calibrated(fitted, record, window, matrix)


def fit_summary(calibrated: Calibrated) -> dict[str, Any]:
    """What a manifest and a report say of one fit."""
    fitted, record = calibrated.fit, calibrated.record
    return {
        "window": str(calibrated.window),
        "moves": int(((record.moves() != 0) & record.scored).sum()),
        "converged": bool(fitted.converged),
        "steps": int(fitted.steps),
        "max_rhat": round(float(np.max(fitted.rhat)), 5),
        "min_ess": round(float(np.min(fitted.ess)), 1),
        "acceptance": round(float(fitted.acceptance), 3),
    }


@dataclass(frozen=True, eq=False)
class Simulated:
    """Runs from an origin: the re-based scenario, the ensemble, each run's parameters and
    draw group."""

    scenario: Scenario
    result: EnsembleResult
    values: ReplicateValues  # each run's parameters
    group: np.ndarray  # (R,) posterior draw group of each run
    start: np.ndarray  # (n,) levels at the origin
    notes: list[str] = field(default_factory=list)


def simulate_from(scenario: Scenario, log: EventLog, origin: date, months: int,
                  draws: np.ndarray, paths: Sequence[str], *, runs: int,
                  seeds: tuple[np.random.SeedSequence, int], future_shocks: bool,
                  executor: Executor | None = None,
                  progress: Callable[[int], None] | None = None) -> Simulated:
    """``runs`` runs of ``months`` from the levels ``log`` gives at ``origin``, each with
    its own posterior draw; ``seeds`` are the draw-picking stream and the ensemble's seed."""
    based, notes = origin_scenario(scenario, log, origin, months, future_shocks=future_shocks)
    values, group = posterior_values(draws, paths, runs, seeds[0], PER_DRAW)
    result = run_ensemble(based, runs, seeds[1], executor=executor, values=values,
                          progress=progress)
    start = np.array([based.states[s].level for s in result.state_ids], dtype=np.int8)
    return Simulated(based, result, values, group, start, notes)


@dataclass(frozen=True, eq=False)
class OriginTask:
    """Everything one origin needs; ``log`` already ends at the origin."""

    scenario: Scenario  # fitting_scenario(): no event log, no draws
    log: EventLog
    origin: date
    fit_start: date
    horizon: int
    runs: int
    seed: int
    priors: tuple[Prior, ...]
    settings: FitSettings = BACKTEST_SETTINGS

    def run(self) -> tuple[Calibrated, Simulated]:
        """Fit, then simulate, on one BLAS thread (the same numbers on every executor)."""
        fit_seed, draw_seq, run_seed = origin_seeds(self.seed, self.origin)
        with threadpool_limits(limits=1, user_api="blas"):
            calibrated = calibrate_at(self.scenario, self.log, Window(self.fit_start,
                                                                      self.origin),
                                      self.priors, seed=fit_seed, settings=self.settings)
            simulated = simulate_from(self.scenario, self.log, self.origin, self.horizon,
                                      calibrated.fit.draws, calibrated.fit.paths,
                                      runs=self.runs, seeds=(draw_seq, run_seed),
                                      future_shocks=False)
        return calibrated, simulated
