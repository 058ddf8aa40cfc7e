"""Sweep and sensitivity figures, drawn from hand-made tables."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.plots.study import outcome_limits, sensitivity_figure, sweep_figure
from sim.study.measures import Outcome

MONTHS = Outcome("months_to_ca:3", "median", "Median months until 3 recognise")


def _sweep_table(paths: dict[str, list[float]]) -> pd.DataFrame:
    rows = [dict(zip(paths, values, strict=True)) for values in itertools.product(*paths.values())]
    table = pd.DataFrame(rows)
    table[MONTHS.name] = table["months"] if "months" in table else 12.0  # never reached
    table[f"{MONTHS.name}_se"] = 0.0
    return table


def test_figures_stay_out_of_pyplot():
    """A study may plot dozens of outcomes: none of them may pile up in pyplot."""
    before = plt.get_fignums()
    table = _sweep_table({"weights.social": [2.0, 4.0]})
    sweep_figure(table, ["weights.social"], MONTHS, scenario="s", runs=10,
                 limits=outcome_limits(MONTHS, 12))
    assert plt.get_fignums() == before


def test_each_panel_marks_its_own_horizon_when_the_horizon_is_a_panel():
    table = _sweep_table({"weights.social": [2.0, 4.0], "thresholds.level_3": [6.0, 8.0],
                          "months": [12.0, 24.0]})
    figure = sweep_figure(table, ["weights.social", "thresholds.level_3", "months"], MONTHS,
                          scenario="s", runs=10, limits=outcome_limits(MONTHS, 24))
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["months = 12", "months = 24"]
    for ax, horizon in zip(panels, (12.0, 24.0), strict=True):
        flat = [line.get_ydata() for line in ax.get_lines() if line.get_linestyle() == ":"]
        assert len(flat) == 1 and np.all(np.asarray(flat[0]) == horizon)
    # lines that coincide (both thresholds sit on the horizon) differ in width
    widths = {line.get_linewidth() for line in panels[0].get_lines()
              if line.get_linestyle() == "-"}
    assert len(widths) == 2


def test_morris_mu_star_interval_stops_at_zero():
    table = pd.DataFrame({"outcome": "n_de_jure", "param": ["a", "b"],
                          "mu_star": [0.5, 4.0], "mu_star_conf": [2.0, 1.0],
                          "sigma": [0.3, 1.0]})
    outcome = Outcome("n_de_jure", "mean", "De jure recognisers")
    figure = sensitivity_figure(table, outcome, method="morris", noise=0.2, scenario="s",
                                runs=10, points=30)
    ax = figure.axes[0]
    left = min(segment[:, 0].min() for collection in ax.collections
               for segment in collection.get_segments())
    assert left == 0.0  # 0.5 - 2.0 would reach -1.5
