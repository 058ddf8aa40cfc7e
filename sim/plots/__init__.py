"""Figures from result data: every function takes tables (and the scenario) and returns a
matplotlib Figure; none writes files (the command line does, through
:mod:`sim.results.files`).

One module per figure (``cascade``, ``timing``, ``order``, ``map``, ``shocks``, ``states``
(the explorer's per-state bars), ``comparison``, ``study`` for sweeps and sensitivity), the
shared looks (``_style``) and the country outlines maps are drawn from (``geography``, data
in ``sim/plots/data``).
May import every layer below it (scenario, model, engine, study, results); never the
command line.
"""

from __future__ import annotations

from .cascade import SERIES_STYLE, cascade_figure
from .comparison import comparison_figure, curves_figure
from .map import map_figure
from .order import order_figure
from .shocks import shocks_figure
from .states import de_jure_bars_figure
from .timing import timing_figure

__all__ = [
    "SERIES_STYLE",
    "cascade_figure",
    "comparison_figure",
    "curves_figure",
    "de_jure_bars_figure",
    "map_figure",
    "order_figure",
    "shocks_figure",
    "timing_figure",
]
