"""When each state recognises de jure: the share of runs in each period, and the share never."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..results.selection import (
    featured_note,
    featured_states,
    first_months,
    is_central_asian,
    percent,
    state_labels,
)
from ..scenario.schema import Scenario
from ._style import month_dates

__all__ = ["period_width", "timing_figure", "timing_shares"]

_WIDTHS = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200)
_AT_START = "#3b3b3b"
_NEVER = "#d9d9d9"


def period_width(months: int, most: int = 6) -> int:
    """Months per period: the smallest round width that cuts the horizon into <= ``most``."""
    return next(w for w in _WIDTHS if -(-months // w) <= most)


def timing_shares(first_months: pd.DataFrame, months: int, width: int) -> pd.DataFrame:
    """Share of runs per state (rows) that first reach de jure in each period (columns).

    ``first_months`` has one column per state and one row per run (NaN = never). Column
    ``0`` holds "already at the start", columns ``1..k`` the periods of ``width`` months,
    and ``"never"`` the runs that had not recognised by the horizon; rows sum to 1.
    """
    periods = -(-months // width)
    values = first_months.to_numpy(dtype=float)
    index = np.where(values > 0, (values - 1) // width + 1, 0)
    index = np.where(np.isnan(values), periods + 1, index).astype(int)
    counts = np.stack([(index == k).sum(axis=0) for k in range(periods + 2)], axis=1)
    columns = [*range(periods + 1), "never"]
    return pd.DataFrame(counts / len(values), index=first_months.columns, columns=columns)


def timing_figure(runs: pd.DataFrame, scenario: Scenario, summary: pd.DataFrame, *,
                  title: str, most: int = 24) -> Figure:
    """Horizontal bars, one per state: when its first de jure recognition came, across runs.

    Rosters larger than ``most`` show the Central Asian states, the main powers and the
    states most likely to recognise.
    """
    order = featured_states(summary, scenario, most=most)
    labels = state_labels(summary)
    wide = first_months(runs, order, "first_month_level_3")
    months = scenario.months
    width = period_width(months)
    shares = timing_shares(wide, months, width)
    periods = len(shares.columns) - 2
    horizon = month_dates(scenario.start_date, [months])[0]
    note = featured_note(order, len(summary), scenario)
    shown = f"\n{note}" if note else ""

    colours = plt.get_cmap("viridis")(np.linspace(0.15, 0.95, max(periods, 1)))
    segments = [("0", "Already de jure at the start", _AT_START)]
    for k in range(1, periods + 1):
        first, last = month_dates(scenario.start_date, [(k - 1) * width + 1,
                                                        min(k * width, months)])
        label = f"{first:%b %Y}" if first == last else f"{first:%b %Y} – {last:%b %Y}"
        segments.append((str(k), label, colours[k - 1]))
    segments.append(("never", f"Not by {horizon:%b %Y}", _NEVER))

    n = len(order)
    fig, ax = plt.subplots(figsize=(10, 2.2 + 0.36 * n), layout="constrained")
    y = np.arange(n)
    left = np.zeros(n)
    for key, label, colour in segments:
        column = 0 if key == "0" else ("never" if key == "never" else int(key))
        values = shares[column].to_numpy() * 100
        if key != "0" or values.any():
            ax.barh(y, values, left=left, color=colour, edgecolor="white", linewidth=0.5,
                    label=label, height=0.72)
        left += values
    for i, state in enumerate(order):
        ax.text(101, i, f"never: {percent(shares.loc[state, 'never'])}", va="center",
                fontsize=8, color="#444444")
    ca = sum(is_central_asian(s, scenario) for s in order)
    if 0 < ca < n:
        ax.axhline(ca - 0.5, color="black", linewidth=0.8)
    ax.set_yticks(y, [labels[s] for s in order])
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of simulated runs (%)")
    ax.set_title(f"{title}: when does each state first recognise the Taliban de jure?\n"
                 f"{wide.shape[0]:,} runs; periods of {width} month{'s' * (width > 1)}{shown}"
                 + ("; Central Asian states above the line" if 0 < ca < n else ""))
    fig.legend(loc="outside lower center", ncols=4, frameon=False, fontsize=8,
               title="First de jure recognition in", title_fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
