"""Shocks: when they fired across runs, and how de jure recognition moved after them."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..results.selection import percent, shock_names
from ..scenario.schema import Scenario
from ._style import format_date_axis, month_dates

__all__ = ["de_jure_by_month", "response_after", "shocks_figure"]

_BEFORE, _AFTER = 6, 24  # months shown around each shock


def de_jure_by_month(runs: pd.DataFrame, months: int) -> np.ndarray:
    """States that have recognised de jure by each month, per run: array (runs, months + 1)."""
    n_runs = int(runs["run"].max()) + 1
    first = runs["first_month_level_3"]
    hit = first.notna().to_numpy()
    counts = np.zeros((n_runs, months + 1), dtype=np.int32)
    np.add.at(counts, (runs["run"].to_numpy()[hit], first.to_numpy()[hit].astype(int)), 1)
    return counts.cumsum(axis=1)


def response_after(counts: np.ndarray, fired: pd.Series) -> pd.Series:
    """Mean change in de jure recognisers from the month before a shock to ``k`` months after.

    ``fired`` maps run -> month of the shock's first firing. Each offset ``k`` averages over
    the runs whose horizon reaches it; offsets no run reaches are left out.
    """
    months = counts.shape[1] - 1
    runs = fired.index.to_numpy()
    at = fired.to_numpy().astype(int)
    base = counts[runs, np.maximum(at - 1, 0)]
    out = {}
    for k in range(-_BEFORE, _AFTER + 1):
        when = at + k
        ok = (when >= 0) & (when <= months)
        if ok.any():
            out[k] = float(np.mean(counts[runs[ok], when[ok]] - base[ok]))
    return pd.Series(out, dtype=float)


def shocks_figure(shocks: pd.DataFrame, runs: pd.DataFrame, scenario: Scenario, *,
                  title: str) -> Figure:
    """Two panels: the months in which each shock fired, and the de jure count around it."""
    n_runs = int(runs["run"].max()) + 1
    names = shock_names(shocks, scenario)
    counts = de_jure_by_month(runs, scenario.months)
    dates = month_dates(scenario.start_date, range(scenario.months + 1))
    colours = plt.get_cmap("tab10").colors

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 3.2 + 0.45 * len(names) + 3.6),
                                      height_ratios=(0.9 + 0.45 * len(names), 3.6),
                                      layout="constrained")
    # shocks that fired in the same runs and months share a colour and a line (two lines
    # would lie on top of each other, hiding one)
    groups: list[tuple[pd.Series, list[str]]] = []
    for name in names:
        first = shocks[shocks["shock"].astype(str) == name].groupby("run")["month"].min()
        same = next((g for g in groups if g[0].equals(first)), None)
        if same is None:
            groups.append((first, [name]))
        else:
            same[1].append(name)
    colour_of = {name: colours[g % len(colours)] for g, (_, members) in enumerate(groups)
                 for name in members}
    for row, name in enumerate(names):
        mine = shocks[shocks["shock"].astype(str) == name]
        per_month = mine.groupby("month")["run"].nunique() / n_runs
        # rows run downwards, so bars of negative height rise from each row's baseline
        top.bar(dates[per_month.index.to_numpy()], -0.8 * per_month.to_numpy() / per_month.max(),
                bottom=row + 0.4, width=25, color=colour_of[name], align="center")
        share = mine["run"].nunique() / n_runs
        top.text(1.01, row, f"fired in {percent(share)}\nof runs",
                 transform=top.get_yaxis_transform(), va="center", fontsize=8)
    for first, members in groups:
        change = response_after(counts, first)
        bottom.plot(change.index, change.to_numpy(), color=colour_of[members[0]], linewidth=2,
                    marker="o", markersize=3, label=" + ".join(members))
    top.set_yticks(range(len(names)), names)
    top.set_ylim(len(names) - 0.5, -0.5)
    top.set_xlim(dates[0] - pd.Timedelta(days=20), dates[-1] + pd.Timedelta(days=20))
    format_date_axis(top, dates[0], dates[-1])
    top.set_xlabel("Month the shock fired (bar height: share of runs in which it fired that "
                   "month, relative to its busiest month)", fontsize=8)
    top.set_title("When the shocks fired", fontsize=10, loc="left")
    top.grid(True, axis="x", alpha=0.3)

    bottom.axvline(0, color="black", linewidth=0.8, linestyle="--")
    bottom.axhline(0, color="#999999", linewidth=0.6)
    bottom.set_xlabel("Months since the shock first fired in a run (0 = the month it fired)")
    bottom.set_ylabel("Change in states recognising\nde jure since the month before")
    bottom.set_title("De jure recognitions around each shock (mean over the runs in which it "
                     "fired; includes the background trend)", fontsize=10, loc="left")
    bottom.grid(True, alpha=0.3)
    bottom.legend(title="Shock", fontsize=8, title_fontsize=8, frameon=False,
                  loc="upper left")
    fig.suptitle(f"{title}: shocks and the recognition cascade ({n_runs:,} runs)", fontsize=11)
    return fig
