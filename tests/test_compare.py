"""Scenario comparison: Newcombe's paired interval and the comparison table, on known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.results.compare import ScenarioOutcome, comparison_table, paired_difference

Z = 1.959963984540054  # 97.5% normal quantile


def test_newcombe_matches_published_example():
    # Cavo et al. (2012), Fagerland, Lydersen & Laake (2017) ch. 8: table [[59, 6], [16, 80]]
    # gives -0.0621 (95% CI -0.1186 to -0.0046) by Newcombe's square-and-add method.
    result = paired_difference(59, 6, 16, 80)
    assert result.estimate == pytest.approx(-10 / 161)
    assert result.low == pytest.approx(-0.1186, abs=5e-5)
    assert result.high == pytest.approx(-0.0046, abs=5e-5)


def test_identical_outcomes_give_the_wilson_width_around_zero():
    # Every run has the outcome in both: p1 = p2 = 1, psi = 0 (empty margin), and each side
    # of the interval is the Wilson distance from 1, z^2 / (n + z^2).
    n = 10
    result = paired_difference(n, 0, 0, 0)
    half = Z**2 / (n + Z**2)
    assert result.estimate == 0
    assert result.low == pytest.approx(-half)
    assert result.high == pytest.approx(half)


def test_hand_computed_small_table():
    # a=1, b=1, c=0, d=2 (n=4): p1 = 1/2, p2 = 1/4; AD - BC = 2 = n/2, so psi = 0 and
    # the limits are the square-and-add of the two Wilson intervals.
    def wilson(k: int, n: int) -> tuple[float, float]:
        p = k / n
        centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
        half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
        return centre - half, centre + half

    (l1, u1), (l2, u2) = wilson(2, 4), wilson(1, 4)
    result = paired_difference(1, 1, 0, 2)
    assert result.estimate == pytest.approx(0.25)
    assert result.low == pytest.approx(0.25 - math.hypot(0.5 - l1, u2 - 0.25))
    assert result.high == pytest.approx(0.25 + math.hypot(0.25 - l2, u1 - 0.5))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=4, max_size=4).filter(lambda c: sum(c) > 0))
def test_interval_contains_estimate_and_stays_in_range(counts):
    result = paired_difference(*counts)
    assert -1 - 1e-12 <= result.low <= result.estimate <= result.high <= 1 + 1e-12


def test_bad_counts_are_refused():
    with pytest.raises(ValueError):
        paired_difference(0, 0, 0, 0)
    with pytest.raises(ValueError):
        paired_difference(1, -1, 0, 0)


def test_coverage_is_near_95_percent():
    # Statistical cross-check: correlated paired Bernoulli outcomes with a known difference.
    # 800 intervals of 200 pairs; coverage should be 95% give or take sampling (sd ~0.8%,
    # so the bounds are about 4 sd away).
    rng = np.random.default_rng(20250703)
    cells = np.array([0.30, 0.15, 0.05, 0.50])  # both, first only, second only, neither
    truth = cells[1] - cells[2]
    hits = 0
    trials = 800
    for counts in rng.multinomial(200, cells, size=trials):
        result = paired_difference(*map(int, counts))
        hits += result.low <= truth <= result.high
    assert 0.92 <= hits / trials <= 0.98


def _outcome(de_jure: dict[str, list[bool]]) -> ScenarioOutcome:
    frame = pd.DataFrame(de_jure)
    summary = pd.DataFrame({
        "state": list(de_jure),
        "p_de_facto": [1.0] * len(de_jure),
        "p_de_jure": frame.mean().to_list(),
        "median_month_de_jure": [pd.NA] * len(de_jure),
    })
    return ScenarioOutcome(summary, frame)


def test_comparison_table_on_a_hand_checkable_case():
    # Four paired runs. KAZ: reference [1,1,0,0], scenario [1,1,1,0] -> +0.25 with one run
    # that recognises only under the scenario. UZB: identical -> difference exactly 0.
    reference = _outcome({"KAZ": [True, True, False, False], "UZB": [True, False, False, False]})
    scenario = _outcome({"KAZ": [True, True, True, False], "UZB": [True, False, False, False]})
    table = comparison_table({"base": reference, "alt": scenario})
    assert list(table["scenario"]) == ["base", "base", "alt", "alt"]
    assert table["diff_p_de_jure"].iloc[:2].isna().all()  # the reference's own rows
    kaz = table[(table["scenario"] == "alt") & (table["state"] == "KAZ")].iloc[0]
    assert kaz["p_de_jure"] == 0.75
    assert kaz["diff_p_de_jure"] == pytest.approx(0.25)
    expected = paired_difference(2, 1, 0, 1)
    assert kaz["diff_p_de_jure_low95"] == pytest.approx(expected.low)
    assert kaz["diff_p_de_jure_high95"] == pytest.approx(expected.high)
    uzb = table[(table["scenario"] == "alt") & (table["state"] == "UZB")].iloc[0]
    assert uzb["diff_p_de_jure"] == 0
    assert uzb["diff_p_de_jure_low95"] < 0 < uzb["diff_p_de_jure_high95"]


def test_pairing_matters_for_the_interval():
    # Same marginals (0.5 vs 0.25 of 40 runs) but perfectly nested outcomes give a narrower
    # interval than outcomes that never coincide: the table pairs runs by index.
    nested = paired_difference(10, 10, 0, 20)
    disjoint = paired_difference(0, 20, 10, 10)
    assert nested.estimate == disjoint.estimate == pytest.approx(0.25)
    assert nested.high - nested.low < disjoint.high - disjoint.low


def test_unequal_run_counts_cannot_be_paired():
    with pytest.raises(ValueError, match="different numbers of runs"):
        comparison_table({"a": _outcome({"KAZ": [True, False]}),
                          "b": _outcome({"KAZ": [True, False, True]})})


def test_states_the_reference_lacks_get_no_difference():
    reference = _outcome({"KAZ": [True, False]})
    wider = _outcome({"KAZ": [True, True], "TKM": [False, True]})
    table = comparison_table({"base": reference, "wide": wider}).set_index(["scenario", "state"])
    assert table.loc[("wide", "KAZ"), "diff_p_de_jure"] == pytest.approx(0.5)
    assert pd.isna(table.loc[("wide", "TKM"), "diff_p_de_jure"])
    assert table.loc[("wide", "TKM"), "p_de_jure"] == 0.5


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
@pytest.mark.parametrize(("successes", "n"), [(0, 1), (0, 20), (3, 20), (10, 20), (20, 20),
                                              (517, 2000), (1, 100000)])
def test_wilson_interval_matches_scipy(successes, n, confidence):
    from scipy.stats import binomtest

    from sim.results.compare import wilson_interval

    expected = binomtest(successes, n).proportion_ci(confidence_level=confidence,
                                                     method="wilson")
    low, high = wilson_interval(successes, n, confidence)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)
