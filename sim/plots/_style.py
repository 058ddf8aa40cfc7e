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
    "MAIN_POWERS",
    "central_asia_first",
    "featured_note",
    "featured_states",
    "first_months",
    "format_date_axis",
    "is_central_asian",
    "month_dates",
    "percent",
    "state_labels",
]

# Outside powers whose move the seed article expects Central Asian capitals to watch:
# Russia (the first recogniser), China and the Gulf states (expected next movers), the
# neighbours Pakistan and Iran, and the Western holdouts.
MAIN_POWERS = ("RUS", "CHN", "PAK", "IRN", "ARE", "SAU", "QAT", "USA", "EU")

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


def is_central_asian(state: str, *scenarios: Scenario) -> bool:
    """Flagged ``central_asia`` in any of the scenarios (population states never are)."""
    return any(sc.states[state].central_asia for sc in scenarios if state in sc.states)


def central_asia_first(states: Iterable[str], *scenarios: Scenario) -> list[str]:
    """``states`` with the Central Asian ones first, each group in the order given."""
    states = list(states)
    flags = [is_central_asian(s, *scenarios) for s in states]
    return ([s for s, ca in zip(states, flags, strict=True) if ca]
            + [s for s, ca in zip(states, flags, strict=True) if not ca])


def featured_states(summary: pd.DataFrame, *scenarios: Scenario, most: int) -> list[str]:
    """The states a figure has room for, Central Asian first.

    The whole roster when it has at most ``most`` states; otherwise the Central Asian states,
    the main powers, then the states most likely to recognise de jure (``p_de_jure`` of
    ``summary``), up to ``most``.
    """
    states = summary["state"].astype(str).tolist()
    if len(states) <= most:
        return central_asia_first(states, *scenarios)
    present = set(states)
    chosen = [s for s in states if is_central_asian(s, *scenarios)]
    chosen += [s for s in MAIN_POWERS if s in present and s not in chosen]
    ranked = summary.assign(state=summary["state"].astype(str)).sort_values(
        "p_de_jure", ascending=False, kind="stable")["state"]
    for state in ranked:
        if len(chosen) >= most:
            break
        if state not in chosen:
            chosen.append(state)
    return chosen


def featured_note(shown: list[str], total: int, *scenarios: Scenario) -> str:
    """'12 of 193 states: ...' saying how ``featured_states`` chose, or '' if all are shown."""
    if len(shown) >= total:
        return ""
    named = any(is_central_asian(s, *scenarios) or s in MAIN_POWERS for s in shown)
    how = "Central Asia, main powers, then the most likely to recognise" if named else \
        "the most likely to recognise"
    return f"{len(shown)} of {total:,} states: {how}"


def state_labels(summary: pd.DataFrame) -> dict[str, str]:
    """'Name (ID)' per state, or just the id where the name is the id (populations)."""
    return {str(s): str(s) if str(n) == str(s) else f"{n} ({s})"
            for s, n in zip(summary["state"], summary["name"], strict=True)}


def first_months(runs: pd.DataFrame, states: list[str], column: str) -> pd.DataFrame:
    """One row per run, one float column per state in ``states`` (NaN = never), from a runs table.

    Only the rows of those states are pivoted, so a large population costs little.
    """
    rows = runs[runs["state"].isin(states)]
    wide = rows.assign(state=rows["state"].astype(str)).pivot(index="run", columns="state",
                                                              values=column)
    return wide.reindex(columns=states).astype("Float64").astype(float)


def percent(value: float) -> str:
    """A probability as a short percentage: '<1%' and '>99%' instead of rounding to 0 or 100."""
    if np.isnan(value):
        return ""
    text = f"{value:.0%}"
    if value > 0 and text == "0%":
        return "<1%"
    if value < 1 and text == "100%":
        return ">99%"
    return text
