"""Figure functions: the numbers they draw (known answers) and what a reader needs on them."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sim.engine.ensemble import run_ensemble
from sim.plots import (
    cascade_figure,
    comparison_figure,
    curves_figure,
    map_figure,
    order_figure,
    shocks_figure,
    timing_figure,
)
from sim.plots.order import before_matrix
from sim.plots.timing import period_width, timing_shares
from sim.results.selection import featured_states, percent, percentage_points
from sim.results.tables import curve_table, runs_table, summary_table
from sim.scenario.loading import load_scenario, scenario_from_dict

TINY = Path(__file__).parent / "data" / "tiny.toml"


@pytest.fixture(scope="module")
def tiny():
    scenario = load_scenario(TINY)
    result = run_ensemble(scenario, 40, seed=5)
    return scenario, summary_table(result, scenario), curve_table(result, scenario), \
        runs_table(result)


def test_period_width_cuts_the_horizon_into_at_most_six_periods():
    assert period_width(60) == 12
    assert period_width(24) == 6
    assert period_width(12) == 3
    assert period_width(1) == 1
    assert period_width(1200) == 240


def test_timing_shares_known_answer():
    first = pd.DataFrame({"A": [0, 1, 13, np.nan], "B": [np.nan] * 4})
    shares = timing_shares(first, months=24, width=12)
    assert list(shares.columns) == [0, 1, 2, "never"]
    assert shares.loc["A"].to_list() == [0.25, 0.25, 0.25, 0.25]
    assert shares.loc["B"].to_list() == [0, 0, 0, 1]


def test_before_matrix_known_answer():
    # run 0: A first; run 1: same month (neither); run 2: B recognises, A never.
    first = pd.DataFrame({"A": [1, 2, np.nan], "B": [2, 2, 5]})
    matrix = before_matrix(first)
    assert matrix.loc["A", "B"] == pytest.approx(1 / 3)
    assert matrix.loc["B", "A"] == pytest.approx(1 / 3)
    assert matrix.loc["A", "A"] == 0


def _check_readable(fig) -> None:
    """A title somewhere, and every colour bar says what its colours mean."""
    titles = [ax.get_title() for ax in fig.axes] + [fig._suptitle.get_text() if fig._suptitle
                                                   else ""]
    assert any(t.strip() for t in titles)
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            assert ax.get_ylabel().strip() or ax.get_xlabel().strip()
    plt.close(fig)


def test_every_run_figure_is_drawn_and_labelled(tiny):
    scenario, summary, curve, runs = tiny
    shocks = pd.DataFrame({"run": [0, 1, 1], "month": [3, 3, 7], "shock": ["a", "a", "b"]})
    for fig in (
        cascade_figure(curve, title="tiny", n_states=4, runs=40),
        timing_figure(runs, scenario, summary, title="tiny"),
        order_figure(runs, scenario, summary, title="tiny"),
        map_figure(scenario, summary, title="tiny"),
        shocks_figure(shocks, runs, scenario, title="tiny"),
    ):
        _check_readable(fig)


def test_dated_axes_show_months_and_years(tiny):
    _, _, curve, _ = tiny
    fig = cascade_figure(curve, title="tiny", n_states=4, runs=40)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert labels and all(len(label.split()) == 2 and label.split()[1].isdigit()
                          for label in labels)
    plt.close(fig)


def test_timing_figure_puts_central_asia_first(tiny):
    scenario, summary, _, runs = tiny
    fig = timing_figure(runs, scenario, summary, title="tiny")
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert names[:2] == ["Kazakhstan (KAZ)", "Uzbekistan (UZB)"]
    plt.close(fig)


def _two_scenarios(scenario, kaz_b: float, kaz_diff: tuple[float, float, float]):
    """A comparison table: reference a, and b where only KAZ's chance differs."""
    estimate, low, high = kaz_diff
    return pd.DataFrame({
        "scenario": ["a"] * 4 + ["b"] * 4,
        "state": list(scenario.states) * 2,
        "p_de_jure": [0.1, 0.2, 1.0, 0.3, kaz_b, 0.2, 1.0, 0.3],
        "diff_p_de_jure": [np.nan] * 4 + [estimate, 0, 0, 0],
        "diff_p_de_jure_low95": [np.nan] * 4 + [low, -0.1, -0.1, -0.1],
        "diff_p_de_jure_high95": [np.nan] * 4 + [high, 0.1, 0.1, 0.1],
    })


def test_comparison_figures(tiny):
    scenario, _, curve, _ = tiny
    table = _two_scenarios(scenario, 0.5, (0.4, 0.3, 0.5))
    fig = comparison_figure(table, {"a": scenario, "b": scenario})
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "+40" in texts  # the one difference whose interval excludes zero
    assert "+0" not in texts
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][:2] == ["KAZ", "UZB"]
    _check_readable(fig)
    _check_readable(curves_figure({"a": curve, "b": curve}, n_states=4, runs=40))


def test_percent_never_rounds_a_possibility_away():
    assert [percent(v) for v in (0.0, 0.0049, 0.005, 0.42, 0.995, 0.9999, 1.0)] == \
        ["0%", "<1%", "<1%", "42%", ">99%", ">99%", "100%"]
    assert percent(float("nan")) == ""


def test_percentage_points_are_signed_and_never_minus_zero():
    assert [percentage_points(v) for v in (0.1234, -0.0004, 0.0, -0.05)] == \
        ["+12.3", "+0.0", "+0.0", "-5.0"]


def test_comparison_figure_shows_a_resolved_change_below_one_point(tiny):
    scenario = tiny[0]
    table = _two_scenarios(scenario, 0.104, (0.004, 0.001, 0.007))
    fig = comparison_figure(table, {"a": scenario, "b": scenario})
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "+0.4" in texts and "+0" not in texts
    plt.close(fig)


def test_shocks_in_file_order(tiny):
    scenario, _, _, runs = tiny
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    data["shocks"] = [{"kind": "recognize", "name": n, "states": ["CHN"], "at": 3}
                      for n in ("deal", "broker", "late")]
    with_shocks = scenario_from_dict(data)
    shocks = pd.DataFrame({"run": [0, 0, 1, 1, 0, 1], "month": [5, 3, 3, 3, 3, 3],
                           "shock": ["late", "deal", "deal", "broker", "broker", "late"]})
    fig = shocks_figure(shocks, runs, with_shocks, title="tiny")
    top = fig.axes[0]
    assert [t.get_text() for t in top.get_yticklabels()] == ["deal", "broker", "late"]
    plt.close(fig)


def test_comparison_figure_with_a_state_only_one_scenario_has(tiny):
    scenario = tiny[0]
    data = scenario.model_dump(by_alias=True)
    data["states"]["TKM"] = {"name": "Turkmenistan", "central_asia": True, "lat": 37.95,
                             "lon": 58.38}
    wider = scenario_from_dict(data)
    states = [*scenario.states, "TKM"]
    table = pd.DataFrame({
        "scenario": ["a"] * 4 + ["b"] * 5,
        "state": [*scenario.states, *states],
        "p_de_jure": [0.1, 0.2, 1.0, 0.3, 0.5, 0.2, 1.0, 0.3, 0.4],
        "median_month_de_jure": pd.array([None] * 9, dtype="Int64"),
        "diff_p_de_jure": [np.nan] * 4 + [0.4, 0, 0, 0, np.nan],
        "diff_p_de_jure_low95": [np.nan] * 4 + [0.3, -0.1, -0.1, -0.1, np.nan],
        "diff_p_de_jure_high95": [np.nan] * 4 + [0.5, 0.1, 0.1, 0.1, np.nan],
    })
    fig = comparison_figure(table, {"a": scenario, "b": wider})
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[:3] == ["KAZ", "UZB", "TKM"]  # Central Asia first, TKM included
    assert "n/a" in {t.get_text() for t in fig.axes[0].texts}  # the reference lacks TKM
    plt.close(fig)


def test_featured_states_for_a_large_roster(tiny):
    # 30 states: the tiny roster's four (KAZ and UZB Central Asian; RUS and CHN main powers)
    # and 26 anonymous ones with rising chances; room for 8.
    scenario = tiny[0]
    ids = [*scenario.states, *(f"S{i}" for i in range(26))]
    summary = pd.DataFrame({"state": ids, "p_de_jure": [0.0] * 4 + [i / 100 for i in range(26)]})
    chosen = featured_states(summary, scenario, most=8)
    assert chosen == ["KAZ", "UZB", "RUS", "CHN", "S25", "S24", "S23", "S22"]
    assert featured_states(summary.iloc[:6], scenario, most=8) == \
        ["KAZ", "UZB", "RUS", "CHN", "S0", "S1"]  # everything fits: roster order, CA first
