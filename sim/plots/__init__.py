"""Figures from result data. Every function takes tables (and the scenario) and returns a
matplotlib Figure; none writes files: the CLI does that through sim.results_io."""

from __future__ import annotations

from .cascade import SERIES_STYLE, cascade_figure
from .comparison import comparison_figure, curves_figure
from .map import map_figure
from .order import order_figure
from .shocks import shocks_figure
from .timing import timing_figure

__all__ = [
    "SERIES_STYLE",
    "cascade_figure",
    "comparison_figure",
    "curves_figure",
    "map_figure",
    "order_figure",
    "shocks_figure",
    "timing_figure",
]
