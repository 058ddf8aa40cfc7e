"""Derived tables: censored medians and summaries on hand-made ensembles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import tiny

from sim.engine.ensemble import EnsembleResult, plan_chunks, run_ensemble
from sim.results.tables import curve_table, runs_table, summary_table, survival_median
from sim.scenario.loading import scenario_from_dict


def test_survival_median_counts_never_as_censored():
    assert survival_median(np.array([3, 5, -1, -1])) == 5  # 2 of 4 by month 5
    assert math.isnan(survival_median(np.array([3, -1, -1, -1])))  # only 25% ever
    assert survival_median(np.array([0, 0, 7])) == 0
    assert survival_median(np.array([4, 2, 9, 1, -1])) == 4  # 3 of 5 needed


def test_summary_from_a_hand_made_ensemble():
    scenario = tiny({"A": {"level": 2}, "B": {"level": 1}})
    # Four runs: A ends at de jure in runs 0 and 1 (months 2 and 6), B never moves.
    first = np.full((3, 2, 4), -1, dtype=np.int16)
    first[0, :, :] = 0
    first[1, 0, :] = 0
    first[2, 0, :2] = [2, 6]
    result = EnsembleResult(
        state_ids=("A", "B"),
        final_level=np.array([[3, 3, 2, 2], [1, 1, 1, 1]], dtype=np.int8),
        first_month=first,
        first_downgrade=np.full((2, 4), -1, dtype=np.int16),
        de_jure=np.zeros((13, 4), dtype=np.int16),
        de_facto=np.zeros((13, 4), dtype=np.int16),
    )
    table = summary_table(result, scenario).set_index("state")
    assert table.loc["A", "p_de_jure"] == 0.5
    assert table.loc["A", "median_month_de_jure"] == 6
    assert table.loc["B", "p_de_facto"] == 0.0
    assert table["median_month_de_jure"].isna().tolist() == [False, True]


def test_chunks_are_seeded_by_position_so_a_prefix_of_runs_is_stable(baseline):
    tasks = plan_chunks(baseline, 2500, seed=3, chunk_size=1000)
    assert [t.replicates for t in tasks] == [1000, 1000, 500]
    small = run_ensemble(baseline, 1000, seed=3, chunk_size=1000)
    large = run_ensemble(baseline, 2500, seed=3, chunk_size=1000)
    assert np.array_equal(small.final_level, large.final_level[:, :1000])


def test_probabilities_and_levels_stay_on_the_ladder(baseline):
    result = run_ensemble(baseline, 1500, seed=8)
    assert result.final_level.min() >= 0 and result.final_level.max() <= 3
    table = summary_table(result, baseline)
    for column in ["p_de_facto", "p_de_jure", "p_downgrade"]:
        assert table[column].between(0.0, 1.0).all()
    assert (table["p_de_jure"] <= table["p_de_facto"]).all()
    # first months are ordered up the ladder when reached, and never beyond the horizon
    fm = result.first_month.astype(int)
    reached = fm >= 0
    assert np.all(fm[1][reached[2]] <= fm[2][reached[2]])
    assert fm.max() <= baseline.months
    # de jure counts never fall in an irreversible scenario
    irreversible = scenario_from_dict(baseline.model_dump(by_alias=True)
                                      | {"model": {"reversible": False}})
    counts = run_ensemble(irreversible, 500, seed=8).de_jure
    assert np.all(np.diff(counts, axis=0) >= 0)


def _two_states_three_runs() -> EnsembleResult:
    """A from 1 climbs to 3 in runs 0 and 2 (months 1, 2); B at 2 drops to 1 in run 1."""
    first = np.full((3, 2, 3), -1, dtype=np.int16)
    first[0] = 0
    first[1, 0] = [1, -1, 1]
    first[1, 1] = 0
    first[2, 0] = [2, -1, 1]
    downgrade = np.full((2, 3), -1, dtype=np.int16)
    downgrade[1, 1] = 2
    return EnsembleResult(
        state_ids=("A", "B"),
        final_level=np.array([[3, 1, 3], [2, 1, 2]], dtype=np.int8),
        first_month=first,
        first_downgrade=downgrade,
        de_jure=np.array([[0, 0, 0], [0, 0, 1], [1, 0, 1]], dtype=np.int32),
        de_facto=np.array([[1, 1, 1], [2, 1, 2], [2, 0, 2]], dtype=np.int32),
    )


def test_curve_is_mean_and_linear_quantiles_per_month():
    scenario = tiny({"A": {"level": 1}, "B": {"level": 2}}, months=2, start="2025-11")
    curve = curve_table(_two_states_three_runs(), scenario)
    assert curve["date"].tolist() == ["2025-11", "2025-12", "2026-01"]
    assert curve["de_jure_mean"].tolist() == pytest.approx([0, 1 / 3, 2 / 3])
    # three runs: quantile q sits at position 2q of the sorted counts (linear interpolation)
    assert curve["de_facto_q05"].tolist() == pytest.approx([1, 1.1, 0.2])
    assert curve["de_facto_q50"].tolist() == pytest.approx([1, 2, 2])
    assert curve["de_facto_q95"].tolist() == pytest.approx([1, 2, 2])


def test_runs_table_is_run_major_with_nulls_for_never():
    table = runs_table(_two_states_three_runs())
    assert table["run"].tolist() == [0, 0, 1, 1, 2, 2]
    assert table["state"].astype(str).tolist() == ["A", "B"] * 3
    assert table["final_level"].tolist() == [3, 2, 1, 1, 3, 2]
    assert table["first_month_level_3"].tolist() == [2, pd.NA, pd.NA, pd.NA, 1, pd.NA]
    assert table["first_month_downgrade"].tolist() == [pd.NA, pd.NA, pd.NA, 2, pd.NA, pd.NA]
    assert table["first_month_level_1"].tolist() == [0] * 6
