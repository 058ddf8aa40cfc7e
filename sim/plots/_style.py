"""Shared looks: dated month axes and markers for the ladder's rungs.

Which states a figure shows, and how percentages read, is shared with the HTML report and
lives in :mod:`sim.results.selection`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes

from ..scenario.calendar import add_months

__all__ = ["LEVEL_STYLE", "format_date_axis", "month_dates"]

# Marker and legend text for each rung of the ladder (sim.scenario.ladder.Level).
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


