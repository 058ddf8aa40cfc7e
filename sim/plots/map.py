"""The map: each state's country filled by its chance of de jure recognition, ties between
capitals, and a Central Asia and Afghanistan inset when the roster spans the world.

Outlines are Natural Earth's 1:110m countries shipped with the package
(:mod:`sim.plots.geography`), drawn equirectangular as one :class:`PathCollection` per
panel: no projection library, nothing downloaded. States without an outline at that scale
(the EU, a bloc; small island states) are markers at their capitals. Labels go to the first
of a few fixed offsets that overlaps no label already placed, in order of importance, so
no label-adjusting library is needed.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path

from ..results.selection import featured_states, located_states
from ..scenario.schema import Scenario
from ._style import month_dates
from .geography import country_paths

__all__ = ["KABUL", "REGION", "SUBJECT", "WORLD", "MapLabel", "fit_extent", "interior_point",
           "map_figure", "place_labels"]

KABUL = (69.21, 34.56)  # lon, lat (shared/data/states.csv)
SUBJECT = "AFG"  # the state whose government is being recognised: hatched, never coloured
WORLD = ((-180.0, 180.0), (-57.0, 84.0))  # lon, lat limits of the world view
REGION = ((45.0, 89.0), (28.5, 56.0))  # Central Asia and Afghanistan
_CMAP = "YlOrRd"
_OUTSIDE = "#dcdcdc"  # countries not in the roster
_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]
# Label offsets (points) from the capital, tried in turn: right, left, above, below, ...
_OFFSETS = ((4, 1, "left", "bottom"), (-4, 1, "right", "bottom"), (0, 5, "center", "bottom"),
            (0, -5, "center", "top"), (4, -2, "left", "top"), (-4, -2, "right", "top"))
_CENTRED = ((0, 0, "center", "center"), (0, 8, "center", "center"),
            (0, -8, "center", "center"))


@dataclass(frozen=True)
class MapLabel:
    """A label to place: text, anchor (lon, lat), font size and weight."""

    text: str
    lon: float
    lat: float
    size: float
    bold: bool
    centred: bool = False  # on the point (a country's interior) rather than beside it


def place_labels(ax: Axes, labels: Sequence[MapLabel], *, keep: Collection[str] = ()
                 ) -> list[str]:
    """Annotate ``labels`` in order at the first offset whose box overlaps no placed label.

    Text boxes are estimated from the number of characters (0.62 em wide each), which is
    enough to keep short codes apart without measuring text. A label with no free offset is
    left out unless its text is in ``keep`` (then it takes the first offset). Returns the
    texts placed.
    """
    ax.apply_aspect()
    to_points = 72.0 / ax.figure.dpi
    frame = ax.get_position().transformed(ax.figure.transFigure).extents * to_points
    placed: list[tuple[float, float, float, float]] = []
    shown = []
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for label in labels:
        if not (x0 <= label.lon <= x1 and y0 <= label.lat <= y1):
            continue
        ax_x, ax_y = ax.transData.transform((label.lon, label.lat)) * to_points
        width = 0.7 * label.size * len(label.text) * (1.08 if label.bold else 1.0) + 2
        height = 1.2 * label.size
        chosen = None
        for dx, dy, ha, va in _CENTRED if label.centred else _OFFSETS:
            left = ax_x + dx - {"left": 0, "center": width / 2, "right": width}[ha]
            bottom = ax_y + dy - {"bottom": 0, "center": height / 2, "top": height}[va]
            box = (left, bottom, left + width, bottom + height)
            inside = (frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1]
                      and box[3] <= frame[3])
            if inside and not any(_overlap(box, other) for other in placed):
                chosen = (dx, dy, ha, va, box)
                break
        if chosen is None:
            if label.text not in keep:
                continue
            dx, dy, ha, va = _OFFSETS[0]
            chosen = (dx, dy, ha, va, (ax_x, ax_y, ax_x + width, ax_y + height))
        dx, dy, ha, va, box = chosen
        placed.append(box)
        ax.annotate(label.text, (label.lon, label.lat), xytext=(dx, dy),
                    textcoords="offset points", ha=ha, va=va, fontsize=label.size,
                    fontweight="bold" if label.bold else "normal", path_effects=_HALO,
                    zorder=6, annotation_clip=True)
        shown.append(label.text)
    return shown


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _countries(ax: Axes, colours: Mapping[str, tuple[float, ...]]) -> None:
    """Every country outline: roster states in their colour, others grey, the subject hatched."""
    paths = country_paths()
    others = [iso for iso in paths if iso not in colours and iso != SUBJECT]
    ax.add_collection(PathCollection([paths[i] for i in others], facecolors=_OUTSIDE,
                                     edgecolors="white", linewidths=0.3, zorder=1))
    mine = [iso for iso in paths if iso in colours and iso != SUBJECT]
    ax.add_collection(PathCollection([paths[i] for i in mine],
                                     facecolors=[colours[i] for i in mine],
                                     edgecolors="#555555", linewidths=0.35, zorder=2))
    ax.add_patch(PathPatch(paths[SUBJECT], facecolor="white", edgecolor="black",
                           hatch="/////", linewidth=0.8, zorder=2))


def _ties(ax: Axes, scenario: Scenario, located: set[str]) -> None:
    states = scenario.states
    ties = [t for t in scenario.ties if t.source in located and t.target in located]
    if not ties:
        return
    widest = max(t.weight for t in ties)
    ax.add_collection(LineCollection(
        [[(states[t.source].lon, states[t.source].lat),
          (states[t.target].lon, states[t.target].lat)] for t in ties],
        linewidths=[0.3 + 1.6 * t.weight / widest for t in ties], colors="#3a3a3a",
        alpha=0.3, zorder=3, capstyle="round"))


def _frame(ax: Axes, lons: tuple[float, float], lats: tuple[float, float]) -> None:
    """Equirectangular, stretched at the middle latitude so shapes look right there."""
    ax.set_xlim(*lons)
    ax.set_ylim(*lats)
    ax.set_aspect(_stretch(lats))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f4f8fb")  # sea


def _stretch(lats: tuple[float, float]) -> float:
    """Vertical stretch of an equirectangular frame: 1 / cos(middle latitude), 1 near the
    equator (a world view)."""
    middle = (lats[0] + lats[1]) / 2
    return 1 / math.cos(math.radians(middle)) if abs(middle) > 20 else 1.0


def fit_extent(lons: Sequence[float], lats: Sequence[float], ratio: float, *,
               pad: tuple[float, float] = (25.0, 14.0), least: tuple[float, float] = (30.0, 20.0)
               ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Lon and lat limits around the points, padded, widened to fill a panel ``ratio`` times
    as wide as high, and kept within the world."""
    lon = _span(lons, pad[0], least[0])
    lat = _span(lats, pad[1], least[1])
    width, height = lon[1] - lon[0], (lat[1] - lat[0]) * _stretch(lat)
    if width / height > ratio:  # too wide: show more latitude
        lat = _span(lat, 0, width / ratio / _stretch(lat))
    else:
        lon = _span(lon, 0, height * ratio)
    return _within(lon, WORLD[0]), _within(lat, WORLD[1])


def _within(span: tuple[float, float], limits: tuple[float, float]) -> tuple[float, float]:
    """``span`` shifted (then cut) to lie within ``limits``."""
    low, high = span
    if low < limits[0]:
        low, high = limits[0], high + limits[0] - low
    if high > limits[1]:
        low, high = low - (high - limits[1]), limits[1]
    return max(low, limits[0]), min(high, limits[1])


def _span(values: Sequence[float], pad: float, least: float) -> tuple[float, float]:
    """Padded range of ``values``, widened about its middle to at least ``least`` degrees."""
    low, high = min(values) - pad, max(values) + pad
    grow = max(0.0, least - (high - low)) / 2
    return low - grow, high + grow


def interior_point(path: Path, lons: tuple[float, float], lats: tuple[float, float], *,
                   least: float = 0.04) -> tuple[float, float] | None:
    """A point of ``path`` inside the frame and far from its edges there (for a label); None
    if the shape covers less than ``least`` of the frame.

    On a 32 x 24 grid over the frame: the inside point farthest from every outside point.
    """
    x = np.linspace(*lons, 34)[1:-1]
    y = np.linspace(*lats, 26)[1:-1]
    grid = np.column_stack([g.ravel() for g in np.meshgrid(x, y)])
    inside = path.contains_points(grid)
    if inside.mean() < least:
        return None
    scale = np.array([1.0, _stretch(lats)])
    outside = np.vstack([grid[~inside], _rim(lons, lats)]) * scale
    depth = np.min(np.linalg.norm(grid[inside][:, None] * scale - outside[None], axis=2), axis=1)
    lon, lat = grid[inside][int(np.argmax(depth))]
    return float(lon), float(lat)


def _rim(lons: tuple[float, float], lats: tuple[float, float]) -> np.ndarray:
    """Points along the frame's edge: a label should keep away from it too."""
    x, y = np.linspace(*lons, 34), np.linspace(*lats, 26)
    return np.vstack([np.column_stack([x, np.full_like(x, lats[0])]),
                      np.column_stack([x, np.full_like(x, lats[1])]),
                      np.column_stack([np.full_like(y, lons[0]), y]),
                      np.column_stack([np.full_like(y, lons[1]), y])])


def _inside(lon: float, lat: float, frame: tuple[tuple[float, float], tuple[float, float]]
            ) -> bool:
    (x0, x1), (y0, y1) = frame
    return x0 <= lon <= x1 and y0 <= lat <= y1


def map_figure(scenario: Scenario, summary: pd.DataFrame, *, title: str) -> Figure:
    """Countries coloured by P(de jure) with ties between capitals; a Central Asia inset.

    A roster of named states with coordinates is needed (not a population). When the roster
    spreads far beyond Central Asia, the top panel shows the roster's part of the world and
    the bottom one Central Asia and Afghanistan; otherwise one panel fits the roster.
    """
    located = located_states(scenario)
    if len(located) < 2:
        raise ValueError("a map needs at least two named states with coordinates")
    info = summary.assign(state=summary["state"].astype(str)).set_index("state")
    chance = info.loc[located, "p_de_jure"].astype(float)
    states = scenario.states
    paths = country_paths()
    cmap, norm = plt.get_cmap(_CMAP), Normalize(0, 1)
    colours = {s: cmap(norm(p)) for s, p in chance.items() if s in paths}
    lons = [states[s].lon for s in located]
    lats = [states[s].lat for s in located]
    zoom = any(states[s].central_asia for s in located) and max(lons) - min(lons) > 60

    fig = plt.figure(figsize=(11, 8.4) if zoom else (11, 7))
    panels: list[tuple[Axes, tuple[tuple[float, float], tuple[float, float]]]] = []
    if zoom:
        box = (0.01, 0.43, 0.98, 0.485)
        main = fig.add_axes(box)
        world = fit_extent(lons, lats, box[2] * 11 / (box[3] * 8.4))
        inset = fig.add_axes((0.01, 0.015, 0.5, 0.38))
        key = (0.55, 0.04, 0.42, 0.34)
        panels = [(main, world), (inset, REGION)]
        main.add_patch(Rectangle((REGION[0][0], REGION[1][0]), REGION[0][1] - REGION[0][0],
                                 REGION[1][1] - REGION[1][0], fill=False, linestyle="--",
                                 linewidth=0.8, zorder=5))
        inset.set_title("Central Asia and Afghanistan (dashed box above)", fontsize=10,
                        loc="left")
    else:
        box = (0.01, 0.03, 0.62, 0.84)
        main = fig.add_axes(box)
        extent = fit_extent([*lons, KABUL[0]], [*lats, KABUL[1]],
                            box[2] * 11 / (box[3] * 7), pad=(5, 4), least=(30, 20))
        panels = [(main, extent)]
        key = (0.66, 0.1, 0.32, 0.6)

    shapeless = [s for s in located if s not in paths]
    featured = [s for s in featured_states(summary, scenario, most=30) if s in located]
    central = {s for s in located if states[s].central_asia}
    placed: set[str] = set()
    for ax, frame in panels:
        _frame(ax, *frame)
        _countries(ax, colours)
        _ties(ax, scenario, set(located))
        small = zoom and ax is main
        if shapeless:
            ax.scatter([states[s].lon for s in shapeless], [states[s].lat for s in shapeless],
                       s=14 if small and len(located) > 40 else 50,
                       c=[chance[s] for s in shapeless], cmap=cmap, norm=norm,
                       edgecolors="black", linewidths=0.6, zorder=4)
        size = 7.5 if small else 9
        labels = [MapLabel(s, states[s].lon, states[s].lat, size, s in central)
                  for s in featured if not (small and _inside(states[s].lon, states[s].lat,
                                                             REGION))]
        anchors = [lb for lb in labels if lb.text not in shapeless
                   and _inside(lb.lon, lb.lat, frame)]
        ax.scatter([lb.lon for lb in anchors], [lb.lat for lb in anchors], s=5, c="black",
                   zorder=5, linewidths=0)
        if not small:  # big neighbours whose capitals lie outside the panel
            for s in featured:
                if s in paths and not _inside(states[s].lon, states[s].lat, frame):
                    point = interior_point(paths[s], *frame)
                    if point is not None:
                        labels.append(MapLabel(s, *point, size - 0.5, False, centred=True))
            subject = interior_point(paths[SUBJECT], *frame, least=0.0)
            if subject is not None:
                labels.append(MapLabel("Afghanistan", *subject, 8, False, centred=True))
        placed |= set(place_labels(ax, labels, keep=central))
    _key(fig, key, scenario, norm, shapeless)
    horizon = month_dates(scenario.start_date, [scenario.months])[0]
    unlabelled = "" if placed >= set(located) else "; labels for the featured states only"
    fig.suptitle(f"{title}: where recognition leads by {horizon:%b %Y}\nColour = chance "
                 f"of de jure recognition (share of runs); lines are ties between capitals"
                 f"{unlabelled}", fontsize=11, y=0.985)
    return fig


def _key(fig: Figure, box: tuple[float, float, float, float], scenario: Scenario,
         norm: Normalize, shapeless: Sequence[str]) -> None:
    """Colour bar and legend in the figure area ``box`` (left, bottom, width, height)."""
    left, bottom, width, height = box
    bar_ax = fig.add_axes((left + 0.03, bottom + height * 0.78, width - 0.06, 0.025))
    horizon = month_dates(scenario.start_date, [scenario.months])[0]
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=_CMAP), cax=bar_ax,
                       orientation="horizontal", format=lambda v, _: f"{v:.0%}")
    bar.set_label(f"Chance of de jure recognition by {horizon:%b %Y}", fontsize=9)
    bar.ax.tick_params(labelsize=8)
    handles: list[Patch | Line2D] = [
        Patch(facecolor=_OUTSIDE, edgecolor="white", label="Not in this scenario"),
        Patch(facecolor="white", edgecolor="black", hatch="/////",
              label="Afghanistan: the government being recognised"),
        Line2D([], [], color="#3a3a3a", alpha=0.5, linewidth=1.5,
               label="Tie between capitals (width = weight)" if scenario.network.edges is None
               else "Tie from the scenario file (edge-list ties not drawn)"),
    ]
    if shapeless:
        named = ", ".join(shapeless[:3]) + (", ..." if len(shapeless) > 3 else "")
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                              markeredgecolor="black", markersize=7,
                              label=f"No country outline ({named}): a circle at the\n"
                                    "capital, coloured by its chance"))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(left, bottom + height * 0.62),
               frameon=False, fontsize=9)
    fig.text(left + 0.01, bottom, "Outlines: Natural Earth 1:110m (public domain), de facto "
             "lines", fontsize=7, color="#777777")

