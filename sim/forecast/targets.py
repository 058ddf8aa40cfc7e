"""What a forecast predicts, and whether it happened: the targets of a backtest.

Over the H months after an origin (months origin + 1 to origin + H):

* ``up``: the state stands above its rung at the origin in some month (states below de jure);
* ``de_jure``: the state stands at de jure in some month (states below de jure);
* ``down``: the state takes a step down in some month (forecast for states above none:
  one on none can only step down after a climb);
* ``any_de_jure``: some state below de jure at the origin reaches it (the roster as a whole,
  state :data:`ROSTER`).

The log's outcome follows from its level path; the model's chance is the share of runs in
which the same thing happens, read from each run's first month at each rung and first step
down (sim/engine/ensemble.py), so both count exactly the same event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

from ..engine.ensemble import EnsembleResult
from ..scenario.eventlog import EventLog
from ..scenario.ladder import TOP

__all__ = ["ROSTER", "STATE_TARGETS", "TARGETS", "TARGET_TEXT", "applies", "observed_outcomes",
           "simulated_outcomes"]

STATE_TARGETS = ("up", "de_jure", "down")
TARGETS = (*STATE_TARGETS, "any_de_jure")
ROSTER = "(all)"  # the state column of the roster-wide target: not a valid state id
TARGET_TEXT = {
    "up": "moves up at least one rung",
    "de_jure": "reaches de jure recognition",
    "down": "takes a step down",
    "any_de_jure": "some state newly reaches de jure",
}


def applies(target: str, level: int) -> bool:
    """Whether a state on ``level`` at the origin can do ``target``."""
    if target == "down":
        return level > 0
    return level < TOP


def observed_outcomes(log: EventLog, origin: date, horizon: int, state_ids: Sequence[str],
             before_log: Mapping[str, int]) -> dict[str, np.ndarray]:
    """What the log records after ``origin``: per target a (n,) bool array, and
    ``any_de_jure`` a (1,) array; ``start`` holds the levels at the origin."""
    path = np.array(log.level_path(origin, horizon, state_ids, before_log), dtype=np.int8)
    start, later = path[0], path[1:]
    de_jure = (later == TOP).any(axis=0) & (start < TOP)
    return {
        "start": start,
        "up": later.max(axis=0) > start,
        "de_jure": de_jure,
        "down": (np.diff(path, axis=0) < 0).any(axis=0),
        "any_de_jure": np.array([de_jure.any()]),
    }


def simulated_outcomes(result: EnsembleResult, start: np.ndarray,
                       horizon: int) -> dict[str, np.ndarray]:
    """Per target, (n, R) bools: in run r, state i did it within ``horizon`` months;
    ``any_de_jure`` is (1, R). ``start`` is each state's level at the origin."""
    n = len(start)

    def within(month: np.ndarray) -> np.ndarray:
        return (month >= 1) & (month <= horizon)

    above = result.first_month[np.minimum(start, TOP - 1), np.arange(n), :]
    de_jure = within(result.first_month[TOP - 1]) & (start < TOP)[:, None]
    return {
        "up": within(above) & (start < TOP)[:, None],
        "de_jure": de_jure,
        "down": within(result.first_downgrade),
        "any_de_jure": de_jure.any(axis=0, keepdims=True),
    }
