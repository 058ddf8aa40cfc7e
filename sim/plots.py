"""Figures from result tables. Functions take data and return figures; they never write files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["SERIES_STYLE", "cascade_figure"]

SERIES_STYLE = {
    "de_facto": ("De facto or de jure", "#4C72B0"),
    "de_jure": ("De jure recognition", "#C44E52"),
}


def cascade_figure(curve: pd.DataFrame, *, title: str, n_states: int, runs: int) -> Figure:
    """Adoption curves: mean number of states at each level with 5-95% bands, by month."""
    dates = pd.to_datetime(curve["date"], format="%Y-%m")
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    for key, (label, colour) in SERIES_STYLE.items():
        ax.fill_between(
            dates, curve[f"{key}_q05"], curve[f"{key}_q95"], color=colour, alpha=0.18, linewidth=0,
            label=f"{label}: 5–95% of runs",
        )
        ax.plot(dates, curve[f"{key}_mean"], color=colour, linewidth=2.2, label=f"{label}: mean")
    ax.set_ylim(0, n_states + 0.5)
    ax.set_ylabel(f"States (of {n_states:,})")
    ax.set_xlabel("Month")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(True, alpha=0.3)
    ax.set_title(f"{title}: recognition of the Taliban government\n"
                 f"{runs:,} simulated runs, {dates.iloc[0]:%b %Y} – {dates.iloc[-1]:%b %Y}")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    fig.autofmt_xdate()
    return fig
