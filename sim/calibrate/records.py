"""Records simulated from the model itself: event logs with known parameters behind them.

A calibration that recovers the parameters a record was simulated from, within its stated
uncertainty, is known to work (tests/test_calibration.py); a backtest on such records has
a known answer too.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ..model.model import RecognitionModel
from ..scenario.eventlog import Event, EventLog
from ..scenario.schema import Scenario

__all__ = ["simulate_record"]


def simulate_record(scenario: Scenario, seed: int | np.random.SeedSequence) -> EventLog:
    """One run of ``scenario`` written as an event log: an event for every month in which
    a state's level changed, dated the 15th, its level at the month's end."""
    model = RecognitionModel(scenario, 1, rng=np.random.SeedSequence(seed)
                             if isinstance(seed, int) else seed)
    events = []
    previous = model.levels[:, 0].copy()
    for month in range(1, scenario.months + 1):
        model.step()
        current = model.levels[:, 0]
        when = scenario.month_date(month)
        for i in np.flatnonzero(current != previous):
            events.append(Event(date(when.year, when.month, 15), model.state_ids[i],
                                int(current[i]), len(events) + 2))
        previous = current.copy()
    return EventLog("<simulated>", tuple(events))
