"""Figures across the scenarios of a batch: a heatmap of chances and the adoption curves."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..results.selection import (
    comparison_states,
    featured_note,
    is_central_asian,
    percent,
)
from ..scenario.schema import Scenario
from ._style import format_date_axis, month_dates

__all__ = ["comparison_figure", "curves_figure"]

_MOST = 20  # state columns the heatmap has room for


def comparison_figure(table: pd.DataFrame, scenarios: Mapping[str, Scenario]) -> Figure:
    """Heatmap of P(de jure by the horizon): scenarios down, states across (Central Asia first).

    Small numbers under a cell give the change from the reference (first) scenario in
    percentage points, shown only where its 95% interval excludes zero.
    """
    names = list(scenarios)
    reference = names[0]
    states = comparison_states(table, scenarios)
    grid = table.pivot(index="scenario", columns="state", values="p_de_jure")
    grid = grid.reindex(index=names, columns=states)
    keyed = table.set_index(["scenario", "state"])[
        ["diff_p_de_jure", "diff_p_de_jure_low95", "diff_p_de_jure_high95"]].astype(float)
    ca = sum(is_central_asian(s, *scenarios.values()) for s in states)
    total = table["state"].nunique()
    horizons = {f"{month_dates(sc.start_date, [sc.months])[0]:%b %Y}" for sc in scenarios.values()}
    horizon = horizons.pop() if len(horizons) == 1 else "each scenario's horizon"

    fig, ax = plt.subplots(figsize=(2.8 + 0.62 * len(states), max(3.6, 2.2 + 0.55 * len(names))),
                           layout="constrained")
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="YlOrRd", vmin=0, vmax=1, aspect="auto")
    for i, name in enumerate(names):
        for j, state in enumerate(states):
            value = grid.iat[i, j]
            if np.isnan(value):
                ax.text(j, i, "n/a", ha="center", va="center", fontsize=7, color="#777777")
                continue
            colour = "white" if value > 0.6 else "black"
            row = keyed.loc[(name, state)]
            note = ""
            if name != reference and not pd.isna(row["diff_p_de_jure"]) and (
                    row["diff_p_de_jure_low95"] > 0 or row["diff_p_de_jure_high95"] < 0):
                points = 100 * row["diff_p_de_jure"]  # a resolved change never shows as +0
                note = f"{points:+.0f}" if abs(points) >= 0.95 else f"{points:+.1f}"
            ax.text(j, i - (0.13 if note else 0), percent(value), ha="center", va="center",
                    fontsize=8, color=colour)
            if note:
                ax.text(j, i + 0.25, note, ha="center", va="center", fontsize=6.5, color=colour)
    ax.set_xticks(range(len(states)), states)
    ax.set_yticks(range(len(names)), [f"{n} (reference)" if n == reference else n for n in names])
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    if 0 < ca < len(states):
        ax.axvline(ca - 0.5, color="black", linewidth=1)
        ax.text((ca - 1) / 2, -0.01, "Central Asia", ha="center", va="top", fontsize=8,
                transform=ax.get_xaxis_transform())
    if len(names) > 1:
        ax.axhline(0.5, color="black", linewidth=1)
    bar = fig.colorbar(image, ax=ax, shrink=0.9, format=lambda v, _: f"{v:.0%}")
    bar.set_label(f"Chance of de jure recognition\nby {horizon}", fontsize=9)
    note = featured_note(states, total, *scenarios.values())
    shown = f" ({note})" if note else ""
    ax.set_title(f"Which states recognise the Taliban de jure, scenario by scenario (to {horizon})"
                 f"{shown}\nSmall numbers: change from the reference in percentage points, shown "
                 "where the 95% interval excludes zero", fontsize=10, pad=10)
    return fig


def curves_figure(curves: Mapping[str, pd.DataFrame], *, n_states: int, runs: int) -> Figure:
    """De jure adoption curves of every scenario on one dated axis, mean with 5-95% bands."""
    fig, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
    colours = plt.get_cmap("tab10" if len(curves) <= 11 else "tab20").colors
    first, last, top = None, None, 1.0
    crowded = len(curves) > 4
    for index, (name, curve) in enumerate(curves.items()):
        dates = pd.to_datetime(curve["date"], format="%Y-%m")
        # the reference in black, drawn over the others, so every scenario reads against it
        colour = "black" if index == 0 else colours[(index - 1) % len(colours)]
        if index == 0 or not crowded:  # many overlapping bands read as mud: the reference's only
            ax.fill_between(dates, curve["de_jure_q05"], curve["de_jure_q95"], color=colour,
                            alpha=0.15 if crowded else 0.12, linewidth=0)
        if not crowded:  # with many scenarios the band edges would drown the means
            for edge in ("de_jure_q05", "de_jure_q95"):
                ax.plot(dates, curve[edge], color=colour, linewidth=0.6, alpha=0.5,
                        linestyle=":")
        ax.plot(dates, curve["de_jure_mean"], color=colour, linewidth=2.2,
                label=f"{name} (reference)" if index == 0 and len(curves) > 1 else name,
                linestyle="-" if index <= len(colours) else "--", zorder=3 if index == 0 else 2)
        first = dates.iloc[0] if first is None else min(first, dates.iloc[0])
        last = dates.iloc[-1] if last is None else max(last, dates.iloc[-1])
        top = max(top, float(curve["de_jure_q95"].max()))
    ax.set_ylim(0, min(n_states + 0.5, top * 1.25 + 0.5))
    ax.set_ylabel(f"States recognising de jure (of {n_states})")
    ax.set_xlabel("Month")
    if first is not None:
        format_date_axis(ax, first, last)
    ax.grid(True, alpha=0.3)
    reference = next(iter(curves), "")
    band = f"shade: 5–95% of {reference} runs" if crowded else "shade and dots: 5–95% of runs"
    # legend in the order the lines end, top first, so a reader can match them
    lines = sorted(ax.get_lines(), key=lambda line: -float(line.get_ydata()[-1]))
    lines = [line for line in lines if not line.get_label().startswith("_")]
    ax.legend(handles=lines, title=f"Scenario (line: mean; {band})", fontsize=8,
              title_fontsize=8, loc="upper left", frameon=False, alignment="left",
              ncols=1 if len(curves) <= 6 else 2)
    ax.set_title(f"De jure recognition of the Taliban government by scenario\n{runs:,} runs "
                 "each, same seed (common random numbers)")
    return fig
