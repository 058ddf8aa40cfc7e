"""Scenario discovery figures: PRIM's peeling trajectory, and the chosen box among the cases."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

from ..analysis.discovery import Discovery

__all__ = ["MOST_PAIRS", "MOST_POINTS", "pairs_figure", "trajectory_figure"]

MOST_POINTS = 6000  # points per scatter panel; beyond, an evenly spaced subset is drawn
MOST_PAIRS = 5  # restricted parameters shown in the pairwise scatter
_INTEREST, _OTHER, _BOX = "#d7301f", "#9e9e9e", "#08519c"


def trajectory_figure(discovery: Discovery, *, what: str, unit: str) -> Figure:
    """Coverage against density for every box of the peeling trajectory, numbered, coloured
    by the number of restricted parameters, the chosen box ringed."""
    boxes = discovery.boxes
    coverage = np.array([b.coverage for b in boxes])
    density = np.array([b.density for b in boxes])
    restricted = np.array([len(b.limits) for b in boxes])
    fig, ax = plt.subplots(figsize=(7.5, 6), layout="constrained")
    ax.plot(coverage, density, color="#bbbbbb", linewidth=1, zorder=1)
    points = ax.scatter(coverage, density, c=restricted, cmap="viridis", s=28, zorder=2,
                        vmin=0, vmax=max(1, int(restricted.max())))
    step = 1 if len(boxes) <= 30 else 5
    for box in boxes:
        if box.index % step == 0 or box.index == len(boxes) - 1:
            ax.annotate(str(box.index), (box.coverage, box.density), xytext=(4, 3),
                        textcoords="offset points", fontsize=7, color="#333333")
    chosen = discovery.box
    ax.scatter([chosen.coverage], [chosen.density], s=220, facecolors="none",
               edgecolors=_INTEREST, linewidths=2, zorder=3)
    ax.annotate(f"chosen: box {chosen.index}\ncoverage {chosen.coverage:.0%}, "
                f"density {chosen.density:.0%}", (chosen.coverage, chosen.density),
                xytext=(-12, -30), textcoords="offset points", ha="right", fontsize=9,
                color=_INTEREST, arrowprops={"arrowstyle": "-", "color": _INTEREST})
    bar = fig.colorbar(points, ax=ax, shrink=0.8)
    bar.set_label("Parameters restricted")
    bar.locator = plt.MaxNLocator(integer=True)
    bar.update_ticks()
    ax.set_xlabel(f"Coverage: share of all {unit} with {what} that fall in the box")
    ax.set_ylabel(f"Density: share of the box's {unit} with {what}")
    ax.set_xlim(max(0.0, coverage.min() - 0.05), 1.02)
    ax.set_ylim(max(0.0, density.min() - 0.05), 1.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(True, alpha=0.3)
    numbered = "every box numbered" if step == 1 else "every fifth box numbered"
    ax.set_title(f"PRIM peeling trajectory ({len(boxes)} boxes, {numbered}; box 0 is "
                 f"everything)\n{discovery.rule}", fontsize=10)
    return fig


def _subset(n: int) -> np.ndarray:
    """Row indices to draw: all, or an evenly spaced subset of at most MOST_POINTS."""
    return np.arange(n) if n <= MOST_POINTS else np.linspace(0, n - 1, MOST_POINTS).astype(int)


def pairs_figure(parameters: pd.DataFrame, interest: np.ndarray, discovery: Discovery, *,
                 what: str, unit: str) -> Figure:
    """The chosen box's restricted parameters pairwise: cases of interest in red, others
    grey, the box drawn; one parameter gets histograms of both groups instead."""
    box = discovery.box
    names = list(box.limits)[:MOST_PAIRS] or list(discovery.ranges)[:2]
    rows = _subset(len(parameters))
    hit = np.asarray(interest, dtype=bool)[rows]
    values = {n: parameters[n].to_numpy(dtype=float)[rows] for n in names}
    k = len(names)
    if k == 1:
        fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
        name = names[0]
        column = values[name]
        levels = np.unique(column)
        low, high = box.limits.get(name, discovery.ranges[name])
        if len(levels) <= 30:  # a grid: one stacked bar per value
            width = 0.8 * (np.diff(levels).min() if len(levels) > 1 else 1.0)
            ours = np.array([np.sum(hit & (column == v)) for v in levels])
            others = np.array([np.sum(~hit & (column == v)) for v in levels])
            ax.bar(levels, ours, width=width, color=_INTEREST, label=what)
            ax.bar(levels, others, width=width, bottom=ours, color=_OTHER,
                   label=f"other {unit}")
            low, high = low - width / 2, high + width / 2
        else:
            bins = np.linspace(*discovery.ranges[name], 31)
            ax.hist([column[hit], column[~hit]], bins=bins, stacked=True,
                    color=[_INTEREST, _OTHER], label=[what, f"other {unit}"])
        ax.axvspan(low, high, color=_BOX, alpha=0.1, label=f"box {box.index}")
        ax.set_xlabel(name)
        ax.set_ylabel(unit.capitalize())
        ax.legend(frameon=False, fontsize=8)
    else:
        side = 5.0 if k == 2 else 2.9
        fig, axes = plt.subplots(k - 1, k - 1, figsize=(side * (k - 1) + 1.5,
                                                        side * 0.93 * (k - 1) + 1.2),
                                 layout="constrained", squeeze=False)
        for i in range(1, k):
            for j in range(k - 1):
                ax = axes[i - 1, j]
                if j >= i:
                    ax.axis("off")
                    continue
                x, y = names[j], names[i]
                ax.scatter(values[x][~hit], values[y][~hit], s=3, color=_OTHER, alpha=0.4,
                           linewidths=0, rasterized=True)
                ax.scatter(values[x][hit], values[y][hit], s=3, color=_INTEREST, alpha=0.5,
                           linewidths=0, rasterized=True)
                (x0, x1) = box.limits.get(x, discovery.ranges[x])
                (y0, y1) = box.limits.get(y, discovery.ranges[y])
                ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False,
                                       edgecolor=_BOX, linewidth=2))
                if i == k - 1:
                    ax.set_xlabel(x, fontsize=9)
                if j == 0:
                    ax.set_ylabel(y, fontsize=9)
                ax.tick_params(labelsize=8)
        handles = [plt.Line2D([], [], marker="o", linestyle="", color=_INTEREST,
                              label=what),
                   plt.Line2D([], [], marker="o", linestyle="", color=_OTHER,
                              label=f"other {unit}"),
                   Rectangle((0, 0), 1, 1, fill=False, edgecolor=_BOX, linewidth=2,
                             label=f"box {box.index}")]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False,
                   fontsize=9)
    notes = [f"{len(rows):,} of {len(parameters):,} {unit} drawn, evenly spaced"
             if len(rows) < len(parameters) else "",
             f"the first {MOST_PAIRS} of {len(box.limits)} restricted parameters"
             if len(box.limits) > MOST_PAIRS else ""]
    note = "; ".join(n for n in notes if n)
    fig.suptitle(f"Box {box.index}: where the {unit} with {what} lie"
                 + (f"\n({note})" if note else ""), fontsize=10)
    return fig
