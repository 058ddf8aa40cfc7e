"""The network on a lon/lat frame: who watches whom, and who ends up recognising."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from adjustText import adjust_text
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from ..results.selection import featured_states, located_states
from ..scenario.schema import Scenario
from ._style import LEVEL_STYLE, month_dates

__all__ = ["KABUL", "map_figure"]

KABUL = (69.21, 34.56)  # lon, lat of Kabul (shared/data/states.csv)
_CMAP = "YlOrRd"
_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _degrees(hemispheres: str) -> FuncFormatter:
    positive, negative = hemispheres
    return FuncFormatter(lambda v, _: f"{abs(v):.0f}°{positive if v >= 0 else negative}")


def _draw(ax: Axes, scenario: Scenario, info: pd.DataFrame, labelled: set[str],
          norm: Normalize, *, label_size: float, small: bool) -> list[Text]:
    """Ties, capitals and their (not yet placed) labels; ``info`` is indexed by state."""
    states = scenario.states
    ties = [t for t in scenario.ties if t.source in info.index and t.target in info.index]
    widest = max((tie.weight for tie in ties), default=1.0)
    ax.add_collection(LineCollection(
        [[(states[t.source].lon, states[t.source].lat), (states[t.target].lon,
                                                         states[t.target].lat)] for t in ties],
        linewidths=[0.4 + 2.2 * t.weight / widest for t in ties], colors="#7f7f7f", alpha=0.45,
        zorder=1, capstyle="round"))
    cmap = plt.get_cmap(_CMAP)
    for level, (marker, _) in LEVEL_STYLE.items():
        mine = info[info["start_level"] == level]
        if mine.empty:
            continue
        size = (70 if small else 260) if marker == "*" else (28 if small else 130)
        ax.scatter([states[s].lon for s in mine.index], [states[s].lat for s in mine.index],
                   s=size, marker=marker, zorder=3, edgecolors="black",
                   linewidths=0.5 if small else 0.8, color=cmap(norm(mine["p_de_jure"])))
    labels = [ax.text(states[s].lon, states[s].lat, s, fontsize=label_size, zorder=4,
                      fontweight="bold" if states[s].central_asia else "normal",
                      path_effects=_HALO) for s in info.index if s in labelled]
    ax.scatter(*KABUL, marker="X", s=110, color="black", zorder=3)
    labels.append(ax.text(*KABUL, "Kabul", fontsize=label_size, style="italic", zorder=4,
                          path_effects=_HALO))
    return labels


def _frame(ax: Axes, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Degree ticks and an aspect corrected at the middle latitude."""
    ax.set_xlim(*x)
    ax.set_ylim(*y)
    ax.set_aspect(1 / math.cos(math.radians((y[0] + y[1]) / 2)))
    ax.xaxis.set_major_formatter(_degrees("EW"))
    ax.yaxis.set_major_formatter(_degrees("NS"))
    ax.grid(True, alpha=0.25)


def map_figure(scenario: Scenario, summary: pd.DataFrame, *, title: str) -> Figure:
    """Capitals on a lon/lat frame with ties as lines; colour = P(de jure), marker = start level.

    The frame is equirectangular with the aspect corrected at the mean latitude, so shapes are
    roughly right near the region. When the roster spreads far wider than Central Asia a
    second panel zooms in on it.
    """
    located = located_states(scenario)
    if len(located) < 2:
        raise ValueError("a map needs at least two named states with coordinates")
    info = summary.assign(state=summary["state"].astype(str)).set_index("state").loc[
        located, ["p_de_jure", "start_level"]]
    labelled = set(featured_states(summary, scenario, most=30))
    states = scenario.states
    lons = [states[s].lon for s in located] + [KABUL[0]]
    lats = [states[s].lat for s in located] + [KABUL[1]]
    norm = Normalize(0, 1)
    region = [states[s] for s in located if states[s].central_asia]
    zoom = bool(region) and max(lons) - min(lons) > 60
    if zoom:
        fig = plt.figure(figsize=(12, 10), layout="constrained")
        grid = fig.add_gridspec(2, 2, height_ratios=(1, 1.45), width_ratios=(1.1, 1))
        axes = [fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, 0])]
        key = fig.add_subplot(grid[1, 1])
        key.axis("off")
    else:
        fig, ax = plt.subplots(figsize=(10, 7), layout="constrained")
        axes, key = [ax], ax
    pad = 6
    _frame(axes[0], (min(lons) - pad, max(lons) + pad), (min(lats) - pad, max(lats) + pad))
    placed = [(axes[0], _draw(axes[0], scenario, info, labelled, norm, label_size=8,
                                      small=len(located) > 40))]
    axes[0].set_title("All actors" if zoom else "", fontsize=10)
    if zoom:
        box = (_span([s.lon for s in region], pad=(4, 5), least=26),
               _span([s.lat for s in region] + [KABUL[1]], pad=(3, 3), least=20))
        _frame(axes[1], *box)
        placed.append((axes[1], _draw(axes[1], scenario, info, labelled, norm, label_size=9,
                                            small=False)))
        axes[1].set_title("Central Asia and Afghanistan (dashed box above)", fontsize=10)
        axes[0].add_patch(plt.Rectangle((box[0][0], box[1][0]), box[0][1] - box[0][0],
                                        box[1][1] - box[1][0], fill=False, linestyle="--",
                                        linewidth=0.8, zorder=0))
    for ax, texts in placed:  # labels of states outside a zoomed frame would stretch the layout
        for text in texts:
            if not _visible(ax, text):
                text.remove()
    fig.draw_without_rendering()  # settle the layout before labels are moved
    for ax, texts in placed:
        kept = [t for t in texts if t.axes is not None]
        points = np.array([t.get_position() for t in kept])
        adjust_text(kept, x=points[:, 0], y=points[:, 1], ax=ax, expand=(1.4, 1.6),
                    ensure_inside_axes=True)
    horizon = month_dates(scenario.start_date, [scenario.months])[0]
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=_CMAP), ax=axes[-1],
                       shrink=0.8, format=lambda v, _: f"{v:.0%}")
    bar.set_label(f"Chance of de jure recognition by {horizon:%b %Y} (share of runs)")
    levels = sorted(int(v) for v in info["start_level"].unique())
    handles = [Line2D([], [], marker=LEVEL_STYLE[lv][0], linestyle="", markersize=10,
                      markerfacecolor="white", markeredgecolor="black",
                      label=f"Start: {LEVEL_STYLE[lv][1].lower()}") for lv in levels]
    tie_label = "Tie (width = weight)" if scenario.network.edges is None else \
        "Tie from the scenario file\n(edge-list ties not drawn)"
    handles.append(Line2D([], [], color="#7f7f7f", linewidth=2, label=tie_label))
    handles.append(Line2D([], [], marker="X", linestyle="", color="black", markersize=9,
                          label="Kabul (for reference)"))
    key.legend(handles=handles, loc="center" if zoom else "lower left", frameon=not zoom,
               fontsize=10, title="Marker = level in " + f"{scenario.start_date:%b %Y}",
               title_fontsize=10)
    unlabelled = "" if len(labelled) >= len(located) else "; labels for the featured states only"
    fig.suptitle(f"{title}: the recognition network in {scenario.start_date:%b %Y} and "
                 f"where it leads by {horizon:%b %Y}\nColour = chance of de jure recognition; "
                 "Central Asian states in bold; positions are capitals' longitude and latitude"
                 f"{unlabelled}", fontsize=11)
    return fig


def _span(values: list[float], *, pad: tuple[float, float], least: float) -> tuple[float, float]:
    """Padded range of ``values``, widened about its middle to at least ``least`` degrees."""
    low, high = min(values) - pad[0], max(values) + pad[1]
    grow = max(0.0, least - (high - low)) / 2
    return low - grow, high + grow


def _visible(ax: Axes, text: Text) -> bool:
    x, y = text.get_position()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return x0 <= x <= x1 and y0 <= y <= y1
