"""Figures from result data. Every function takes tables (and the scenario) and returns a
matplotlib Figure; none writes files: the CLI does that through sim.results_io."""

from __future__ import annotations

from ._style import MAIN_POWERS, featured_states, percent
from .cascade import SERIES_STYLE, cascade_figure
from .comparison import comparison_figure, comparison_states, curves_figure
from .map import can_map, map_figure
from .order import order_figure
from .shocks import shock_names, shocks_figure
from .timing import timing_figure

__all__ = [
    "MAIN_POWERS",
    "SERIES_STYLE",
    "can_map",
    "cascade_figure",
    "comparison_figure",
    "comparison_states",
    "curves_figure",
    "featured_states",
    "map_figure",
    "order_figure",
    "percent",
    "shock_names",
    "shocks_figure",
    "timing_figure",
]
