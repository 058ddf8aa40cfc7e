"""Draw the figures of a run or batch with matplotlib: the work drawing workers do.

Every function takes result data and returns a figure or its encoded bytes; none writes a
file (sim/cli/drawing.py hands the bytes to whoever writes). This is the only CLI module
that imports matplotlib; the fork server of the drawing workers imports it ahead of time.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..plots import (
    cascade_figure,
    comparison_figure,
    curves_figure,
    map_figure,
    order_figure,
    shocks_figure,
    timing_figure,
)
from ..results.directory import RunData
from ..results.selection import run_figure_names
from ..scenario.schema import Scenario

__all__ = ["BATCH_FIGURES", "DPI", "EARLY_FIGURES", "draw_batch_figure", "draw_cascade", "draw_job",
           "draw_map", "draw_order", "draw_run", "draw_run_figure", "draw_timing", "encode"]

DPI = 150
BATCH_FIGURES = ("comparison", "curves")
# No dates or version stamps in the files, so the same data gives the same bytes
_NO_STAMPS = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


# Figures a run starts as soon as the files they need are written, while it writes the
# rest (sim/cli/drawing.py, ``submit_early``): each from its own inputs, as keywords.

def draw_cascade(curve: pd.DataFrame, *, name: str, n_states: int, runs: int) -> Figure:
    """The cascade figure: the curve is all it needs."""
    return cascade_figure(curve, title=name, n_states=n_states, runs=runs)


def draw_map(scenario: Scenario, summary: pd.DataFrame, *, name: str) -> Figure:
    """The map: the scenario and its summary are all it needs."""
    return map_figure(scenario, summary, title=name)


def draw_timing(runs: pd.DataFrame, scenario: Scenario, summary: pd.DataFrame, *,
                name: str) -> Figure:
    """When each state recognises: its runs, scenario and summary are all it needs."""
    return timing_figure(runs, scenario, summary, title=name)


def draw_order(runs: pd.DataFrame, scenario: Scenario, summary: pd.DataFrame, *,
               name: str) -> Figure:
    """Who recognises first: its runs, scenario and summary are all it needs."""
    return order_figure(runs, scenario, summary, title=name)


EARLY_FIGURES: dict[str, Callable[..., Figure]] = {
    "cascade": draw_cascade, "map": draw_map, "timing": draw_timing, "order": draw_order}


def draw_run_figure(name: str, data: RunData) -> Figure:
    """One figure of a run by its file stem."""
    scenario, title = data.scenario, data.name
    drawers: dict[str, Callable[[], Figure]] = {
        "cascade": lambda: draw_cascade(data.curve, name=title, n_states=len(data.summary),
                                        runs=data.n_runs),
        "timing": lambda: draw_timing(data.runs, scenario, data.summary, name=title),
        "order": lambda: draw_order(data.runs, scenario, data.summary, name=title),
        "map": lambda: draw_map(scenario, data.summary, name=title),
        "shocks": lambda: shocks_figure(data.shocks, data.runs, scenario, title=title,
                                        effects=data.effects, summary=data.summary),
    }
    return drawers[name]()


def draw_run(data: RunData) -> dict[str, Figure]:
    """Every figure of one run, by file stem."""
    names = run_figure_names(data.scenario, shocks_fired=data.shocks is not None)
    return {name: draw_run_figure(name, data) for name in names}


def draw_batch_figure(name: str, *, comparison: pd.DataFrame, scenarios: Mapping[str, Scenario],
                      curves: Mapping[str, pd.DataFrame], n_states: int, runs: int) -> Figure:
    """The comparison heatmap or the overlaid de jure curves of a batch."""
    if name == "comparison":
        return comparison_figure(comparison, scenarios)
    return curves_figure(curves, n_states=n_states, runs=runs)


def encode(figure: Figure, formats: tuple[str, ...]) -> dict[str, bytes]:
    """The figure as bytes in each format, as ``savefig`` writes them; closes it."""
    out = {}
    try:
        for fmt in formats:
            if fmt == "png" and _savefig_adds_nothing():
                out[fmt] = _png(figure)
                continue
            buffer = io.BytesIO()
            with plt.rc_context({"svg.hashsalt": "recsim"}):  # stable SVG ids
                figure.savefig(buffer, format=fmt, dpi=DPI, metadata=_NO_STAMPS[fmt])
            out[fmt] = buffer.getvalue()
    finally:
        plt.close(figure)
    return out


def _savefig_adds_nothing() -> bool:
    """Whether the ``savefig.*`` settings that ``savefig`` applies and a canvas does not
    (a matplotlibrc may set them) are matplotlib's defaults."""
    rc = plt.rcParams
    return (str(rc["savefig.facecolor"]) == "auto" and str(rc["savefig.edgecolor"]) == "auto"
            and rc["savefig.bbox"] is None and not rc["savefig.transparent"])


def _png(figure: Figure) -> bytes:
    """The PNG ``savefig`` writes, painted once instead of twice.

    ``savefig`` draws a figure that has a layout engine twice: once to lay it out, once to
    paint it with that layout held. Drawing its Agg canvas lays out and paints in one pass,
    at the same resolution, so the pixels and the file are the same
    (tests/test_render.py), for about a tenth less work a figure. Only with the default
    ``savefig.*`` settings (:func:`_savefig_adds_nothing`): with others, ``savefig``.
    """
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):  # a Figure made without pyplot
        canvas = FigureCanvasAgg(figure)
    shown_dpi = figure.dpi
    figure.set_dpi(DPI)
    try:
        buffer = io.BytesIO()
        canvas.print_png(buffer, metadata=_NO_STAMPS["png"])
    finally:
        figure.set_dpi(shown_dpi)
    return buffer.getvalue()


def draw_job(job: tuple[str, str, Any, tuple[str, ...]]) -> dict[str, bytes]:
    """Draw and encode one figure: ``(kind, name, data, formats)`` with kind ``run`` (data
    a :class:`RunData`), ``batch`` (data: the keyword arguments of
    :func:`draw_batch_figure`) or ``early`` (data: those of ``EARLY_FIGURES[name]``)."""
    kind, name, data, formats = job
    if kind == "run":
        figure = draw_run_figure(name, data)
    elif kind == "early":
        figure = EARLY_FIGURES[name](**data)
    else:
        figure = draw_batch_figure(name, **data)
    return encode(figure, formats)
