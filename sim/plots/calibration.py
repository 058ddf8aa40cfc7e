"""Figures of a calibration: prior against posterior, and the moves the fit expects.

Functions take the tables ``recsim calibrate`` writes and return figures; none writes files.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["moves_figure", "priors_figure"]

_PRIOR, _POSTERIOR, _OBSERVED = "#7f7f7f", "#C44E52", "black"


def priors_figure(table: pd.DataFrame, draws: pd.DataFrame, *, title: str) -> Figure:
    """One panel per parameter: the normal prior (grey line) and the posterior (red
    histogram), the MAP point and the posterior's 90% interval."""
    k = len(table)
    cols = min(k, 4)
    rows = math.ceil(k / cols)
    fig = Figure(figsize=(3.3 * cols + 0.6, 2.5 * rows + 1.1), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, row in zip(axes, table.itertuples(index=False), strict=False):
        values = draws[row.param].to_numpy(float)
        low = min(row.prior_mean - 3 * row.prior_sd, float(values.min()))
        high = max(row.prior_mean + 3 * row.prior_sd, float(values.max()))
        x = np.linspace(low, high, 200)
        prior = np.exp(-0.5 * ((x - row.prior_mean) / row.prior_sd) ** 2) / (
            row.prior_sd * math.sqrt(2 * math.pi))
        ax.hist(values, bins=40, range=(low, high), density=True, color=_POSTERIOR,
                alpha=0.55, linewidth=0, label="posterior")
        ax.plot(x, prior, color=_PRIOR, linewidth=1.6, label="prior (judgement)")
        ax.axvspan(row.q05, row.q95, color=_POSTERIOR, alpha=0.08, linewidth=0)
        ax.axvline(row.map, color=_POSTERIOR, linewidth=1.2, linestyle="--", label="MAP")
        ax.set_title(row.param, fontsize=9)
        ax.set_yticks([])
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right", "left"]].set_visible(False)
    for ax in axes[k:]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False, fontsize=9)
    fig.suptitle(f"{title}: what the record changed (shaded: posterior 90% interval)",
                 fontsize=11)
    return fig


def _panel(ax, table: pd.DataFrame, label: str, direction: str) -> None:
    """Expected moves (bar, posterior mean, with its 90% interval) and observed (dot)."""
    y = np.arange(len(table))
    mean = table[f"expected_{direction}"].to_numpy(float)
    error = np.vstack([mean - table[f"{direction}_q05"], table[f"{direction}_q95"] - mean])
    ax.barh(y, mean, xerr=np.maximum(error, 0), color=_POSTERIOR, alpha=0.45, height=0.6,
            error_kw={"elinewidth": 1, "capsize": 2, "ecolor": _POSTERIOR},
            label="expected (posterior mean, 90% interval)")
    ax.scatter(table[f"observed_{direction}"], y, color=_OBSERVED, zorder=3, s=18,
               label="recorded")
    ax.set_yticks(y, table[label].astype(str))
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def moves_figure(by_state: pd.DataFrame, by_year: pd.DataFrame, *, title: str,
                 window: str) -> Figure:
    """Moves up (and down, where any are recorded or expected) per state and per year."""
    downs = bool(by_state["observed_down"].sum() or by_state["expected_down"].sum() > 0.05)
    directions = ["up", "down"] if downs else ["up"]
    fig = Figure(figsize=(5.0 * len(directions) + 1, 1.8 + 0.3 * len(by_state)
                          + 0.3 * len(by_year)), layout="constrained")
    grid = fig.add_gridspec(2, len(directions),
                            height_ratios=(len(by_state) + 1, len(by_year) + 1))
    for column, direction in enumerate(directions):
        top = fig.add_subplot(grid[0, column])
        _panel(top, by_state, "state", direction)
        top.set_title(f"Moves {direction} by state", fontsize=10, loc="left")
        bottom = fig.add_subplot(grid[1, column])
        _panel(bottom, by_year, "year", direction)
        bottom.set_title(f"Moves {direction} by year", fontsize=10, loc="left")
        bottom.set_xlabel(f"Moves {direction} in the window (count)")
    handles, labels = top.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    fig.suptitle(f"{title}: moves the calibrated model expects against the record, {window}\n"
                 "each from what the state saw the month before", fontsize=11)
    return fig
