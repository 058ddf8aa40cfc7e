"""Shocks: when they fired across runs, and their own effect against the same runs without them.

The effect comes from the paired counterfactual (sim/results/effects.py): each run of the
scenario minus the same run without its shocks, so the background trend cancels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..results.selection import central_asia_first, percent, shock_names
from ..scenario.schema import Scenario
from ..scenario.shocks import shock_month
from ._style import format_date_axis, month_dates

__all__ = ["MOST_BARS", "effect_states", "shocks_figure"]

MOST_BARS = 20  # states in the per-state panel
_UP, _DOWN, _UNSURE = "#d7301f", "#2b8cbe", "#bdbdbd"


def effect_states(summary: pd.DataFrame, scenario: Scenario, most: int = MOST_BARS) -> list[str]:
    """States for the per-state panel, Central Asian first: all of them when they fit,
    else the ``most`` with the largest effect (absolute difference in P(de jure))."""
    states = summary["state"].astype(str)
    if len(states) > most:
        size = summary["diff_p_de_jure"].abs().to_numpy()
        order = np.argsort(-size, kind="stable")[:most]
        keep = set(states.iloc[order])
        states = states[states.isin(keep)]
    return central_asia_first(states, scenario)


def _fired_panel(ax: Axes, shocks: pd.DataFrame, scenario: Scenario, names: list[str],
                 n_runs: int, dates: pd.DatetimeIndex) -> None:
    """One row per shock: the share of runs in which it fired, month by month."""
    colours = plt.get_cmap("tab10").colors
    for row, name in enumerate(names):
        mine = shocks[shocks["shock"].astype(str) == name]
        per_month = mine.groupby("month")["run"].nunique() / n_runs
        # rows run downwards, so bars of negative height rise from each row's baseline
        ax.bar(dates[per_month.index.to_numpy()], -0.8 * per_month.to_numpy() / per_month.max(),
               bottom=row + 0.4, width=25, color=colours[row % len(colours)], align="center")
        share = mine["run"].nunique() / n_runs
        ax.text(1.01, row, f"fired in {percent(share)}\nof runs",
                transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_title("When the shocks fired (bar height: share of runs in which it fired that "
                 "month, relative to its busiest)", fontsize=10, loc="left")
    ax.grid(True, axis="x", alpha=0.3)


def _effect_panel(ax: Axes, effects: pd.DataFrame, scenario: Scenario,
                  dates: pd.DatetimeIndex) -> None:
    """Mean difference in de jure recognisers, month by month, with its 90% interval."""
    when = dates[effects["month"].to_numpy()]
    ax.fill_between(when, effects["diff_de_jure_low90"], effects["diff_de_jure_high90"],
                    color=_UP, alpha=0.3, linewidth=0, label="90% interval of the mean")
    ax.plot(when, effects["diff_de_jure_mean"], color=_UP, linewidth=2,
            label="Mean over runs")
    low, high = effects["diff_de_jure_low90"].min(), effects["diff_de_jure_high90"].max()
    pad = max(0.25, 0.1 * (high - low))  # never magnify Monte Carlo noise about zero
    ax.set_ylim(min(low, 0) - pad, max(high, 0) + pad)
    for shock in scenario.shocks:
        month = shock_month(shock, scenario.start_date)
        if month is not None and 0 <= month <= scenario.months:
            ax.axvline(dates[month], color="black", linewidth=0.8, linestyle="--")
    ax.axhline(0, color="#999999", linewidth=0.6)
    ax.set_ylabel("De jure recognisers:\nwith the shocks minus without")
    ax.set_title("The shocks' own effect: each run minus the same run without the shocks "
                 "(dashed: fixed-date shocks)", fontsize=10, loc="left")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="upper left")


def _state_panel(ax: Axes, summary: pd.DataFrame, scenario: Scenario) -> None:
    """Per-state difference in P(de jure) at the horizon, with 90% intervals."""
    table = summary.assign(state=summary["state"].astype(str)).set_index("state")
    shown = effect_states(summary, scenario)
    rows = table.loc[shown]
    estimate = 100 * rows["diff_p_de_jure"].to_numpy()
    low = 100 * rows["diff_p_de_jure_low90"].to_numpy()
    high = 100 * rows["diff_p_de_jure_high90"].to_numpy()
    colours = np.where(low > 0, _UP, np.where(high < 0, _DOWN, _UNSURE))
    x = np.arange(len(shown))
    ax.bar(x, estimate, color=colours, width=0.7)
    ax.errorbar(x, estimate, yerr=[estimate - low, high - estimate], fmt="none",
                ecolor="black", elinewidth=0.8, capsize=2)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(x, shown, fontsize=8, rotation=90 if len(shown) > 12 else 0)
    for label, state in zip(ax.get_xticklabels(), shown, strict=True):
        if state in scenario.states and scenario.states[state].central_asia:
            label.set_fontweight("bold")
    ax.set_xlim(-0.6, len(shown) - 0.4)
    ax.set_ylabel("Change in P(de jure)\n(percentage points)")
    horizon = month_dates(scenario.start_date, [scenario.months])[0]
    more = f"; the {len(shown)} largest of {len(table):,}" if len(shown) < len(table) else ""
    ax.set_title(f"Effect on each state's chance of de jure recognition by {horizon:%b %Y} "
                 f"(90% intervals; grey: the interval includes 0{more})", fontsize=10,
                 loc="left")
    ax.grid(True, axis="y", alpha=0.3)


def shocks_figure(shocks: pd.DataFrame, runs: pd.DataFrame, scenario: Scenario, *,
                  title: str, effects: pd.DataFrame | None = None,
                  summary: pd.DataFrame | None = None) -> Figure:
    """When each shock fired; with ``effects`` (shock_effects.csv) and a ``summary`` holding
    the per-state differences, the shocks' own effect over time and per state."""
    n_runs = int(runs["run"].max()) + 1
    names = shock_names(shocks, scenario)
    dates = month_dates(scenario.start_date, range(scenario.months + 1))
    with_effects = effects is not None and summary is not None and \
        "diff_p_de_jure" in summary.columns
    # Panels placed in inches rather than by a layout engine, which would cost a third of
    # the figure's time: room for the shock names on the left, the share of runs on the
    # right, and each panel's title and tick labels between them.
    left = max(1.3, 0.3 + 0.085 * max(map(len, names)))
    rows = [("top", 0.5 + 0.45 * len(names), 0.35, 0.15 if with_effects else 0.6)]
    if with_effects:
        rows += [("middle", 2.6, 0.35, 0.6), ("bottom", 2.2, 0.35, 0.6)]
    head = 0.4 if with_effects else 0.6
    width, height = 10.0, head + sum(h + above + below for _, h, above, below in rows)
    fig = plt.figure(figsize=(width, height))
    boxes, y = {}, height - head
    for name, h, above, below in rows:
        y -= above + h
        boxes[name] = (left / width, y / height, (width - left - 1.0) / width, h / height)
        y -= below
    top = fig.add_axes(boxes["top"])
    _fired_panel(top, shocks, scenario, names, n_runs, dates)
    axes = [top]
    if with_effects:
        middle = fig.add_axes(boxes["middle"], sharex=top)
        _effect_panel(middle, effects, scenario, dates)
        _state_panel(fig.add_axes(boxes["bottom"]), summary, scenario)
        axes.append(middle)
    for ax in axes:
        ax.set_xlim(dates[0] - pd.Timedelta(days=20), dates[-1] + pd.Timedelta(days=20))
        format_date_axis(ax, dates[0], dates[-1])
    if with_effects:  # the effect panel below carries the dates
        top.tick_params(labelbottom=False)
    note = "" if with_effects else "\n(no shock_effects.csv: rerun the scenario to see the " \
                                   "shocks' effects)"
    fig.suptitle(f"{title}: shocks and their effect on recognition ({n_runs:,} runs){note}",
                 fontsize=11, y=1 - 0.08 / height, va="top")
    return fig
