"""Derived tables: censored medians and summaries on hand-made ensembles."""

from __future__ import annotations

import math

import numpy as np
from helpers import tiny

from sim.ensemble import EnsembleResult, plan_chunks, run_ensemble
from sim.outcomes import summary_table, survival_median


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
    assert np.all(np.diff(result.de_jure, axis=0) >= 0)
