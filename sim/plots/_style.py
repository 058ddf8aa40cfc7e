"""Shared looks: dated month axes, state order, markers for the ladder's rungs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..scenario import Scenario, add_months

__all__ = [
    "LEVEL_STYLE",
    "central_asia_first",
    "format_date_axis",
    "month_dates",
    "percent",
]

# Marker and legend text for each rung of the ladder (sim.ladder.Level).
LEVEL_STYLE = {
    0: ("o", "No engagement"),
    1: ("s", "Working contacts"),
    2: ("^", "De facto recognition"),
    3: ("*", "De jure recognition"),
}


def month_dates(start: date, months: Iterable[int]) -> pd.DatetimeIndex:
    """Calendar dates (first of the month) of month indices counted from ``start``."""
    return pd.DatetimeIndex([add_months(start, int(m)) for m in months])


def format_date_axis(ax: Axes, first: pd.Timestamp, last: pd.Timestamp) -> None:
    """Month-year ticks whose spacing suits the span, so labels never crowd."""
    span = (last.year - first.year) * 12 + last.month - first.month
    if span <= 18:
        locator = mdates.MonthLocator(bymonth=range(1, 13, 3))
    elif span <= 84:
        locator = mdates.MonthLocator(bymonth=(1, 7))
    else:
        locator = mdates.YearLocator(base=max(1, span // 120 + 1))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def central_asia_first(scenario: Scenario, states: Iterable[str] | None = None) -> list[str]:
    """States (all, or those given) with the Central Asian ones first, each group in file order."""
    wanted = list(scenario.states) if states is None else [s for s in scenario.states
                                                          if s in set(states)]
    return ([s for s in wanted if scenario.states[s].central_asia]
            + [s for s in wanted if not scenario.states[s].central_asia])


def percent(value: float) -> str:
    """A probability as a short percentage: '<1%' and '>99%' instead of rounding to 0 or 100."""
    if np.isnan(value):
        return ""
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 < value < 1:
        return ">99%"
    return f"{value:.0%}"
