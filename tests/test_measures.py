"""Outcomes of an ensemble: hand-computed values, exact combination, honest errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.ensemble import EnsembleResult
from sim.scenario.loading import scenario_from_dict
from sim.study.measures import (
    Outcome,
    OutcomeError,
    Tally,
    estimates,
    outcome_catalogue,
    select_outcomes,
    tally_runs,
)

STATES = ("KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS")
HORIZON = 10
# Four runs of six states: levels at the horizon and the month each first reached de jure.
FINAL = np.array([[3, 3, 2, 3], [3, 0, 3, 3], [0, 0, 0, 3], [3, 3, 3, 3], [3, 2, 3, 3],
                  [3, 3, 3, 3]], dtype=np.int8)
FIRST_DE_JURE = np.array([[2, 5, -1, 1], [4, -1, 7, 1], [-1, -1, -1, 9], [0, 0, 0, 0],
                          [6, -1, 3, 2], [0, 0, 0, 0]], dtype=np.int16)


@pytest.fixture(scope="module")
def scenario():
    states = {s: {"name": s, "central_asia": s != "RUS", "level": 3 if s in ("TKM", "RUS")
                  else 0} for s in STATES}
    return scenario_from_dict({"name": "hand", "months": HORIZON, "states": states})


@pytest.fixture(scope="module")
def result():
    first = np.stack([np.where(FIRST_DE_JURE >= 0, 0, -1)] * 2 + [FIRST_DE_JURE])
    counts = np.zeros((HORIZON + 1, 4), np.int16)
    counts[-1] = (FINAL >= 3).sum(axis=0)
    return EnsembleResult(STATES, FINAL, first.astype(np.int16),
                          np.full(FINAL.shape, -1, np.int16), counts, counts)


def _estimate(scenario, result, names):
    outcomes = select_outcomes(scenario, names)
    values, errors = estimates(tally_runs(result, scenario, outcomes, HORIZON + 1), outcomes)
    return dict(zip(names, values[0], strict=True)), dict(zip(names, errors[0], strict=True))


def test_hand_computed_means_and_errors(scenario, result):
    names = ["p_de_jure:KAZ", "p_de_jure:RUS", "n_de_jure", "n_de_jure_ca", "p_cascade_ca"]
    value, error = _estimate(scenario, result, names)
    assert value["p_de_jure:KAZ"] == 0.75
    assert error["p_de_jure:KAZ"] == pytest.approx(math.sqrt(0.75 * 0.25 / 3))
    assert (value["p_de_jure:RUS"], error["p_de_jure:RUS"]) == (1.0, 0.0)
    # de jure counts per run: 5, 3, 4, 6 (all), 4, 2, 3, 5 (Central Asia)
    assert value["n_de_jure"] == 4.5
    assert error["n_de_jure"] == pytest.approx(math.sqrt(5 / 3 / 4))
    assert value["n_de_jure_ca"] == 3.5
    # KAZ, KGZ, TKM and UZB all de jure in runs 0 and 3 only
    assert value["p_cascade_ca"] == 0.5


def test_months_to_k_central_asian_recognitions_censored_at_the_horizon(scenario, result):
    names = [f"months_to_ca:{k}" for k in range(1, 6)]
    value, error = _estimate(scenario, result, names)
    # sorted arrival months per run (never = 10): [0,2,4,6,10] [0,5,10,10,10]
    # [0,3,7,10,10] [0,1,1,2,9]; the median is the 2nd smallest of four
    assert [value[n] for n in names] == [0, 2, 4, 6, 10]
    # with R = 4 the 95% interval of the median spans the 1st to the 4th order statistic
    assert error["months_to_ca:2"] == pytest.approx((5 - 1) / (2 * 1.959963984540054))
    assert error["months_to_ca:1"] == 0.0


def test_tallies_of_parts_add_up_to_the_tally_of_the_whole(scenario, result):
    outcomes = outcome_catalogue(scenario)
    whole = tally_runs(result, scenario, outcomes, HORIZON + 1)
    halves = [EnsembleResult(STATES, FINAL[:, s], result.first_month[:, :, s],
                             result.first_downgrade[:, s], result.de_jure[:, s],
                             result.de_facto[:, s]) for s in (slice(0, 1), slice(1, 4))]
    total = Tally.zeros(1, whole.sums.shape[1], whole.months.shape[1], HORIZON + 1)
    for half in halves:
        tally_runs(half, scenario, outcomes, HORIZON + 1).add_into(total, np.array([0]))
    for name in ("runs", "sums", "squares", "months"):
        np.testing.assert_array_equal(getattr(total, name), getattr(whole, name))


def test_median_error_matches_the_asymptotic_formula():
    """Uniform months 0..599, R = 10,000: s.e. of the median = 1 / (2 f sqrt(R)) = 3."""
    rng = np.random.default_rng(7)
    months = np.bincount(rng.integers(0, 600, 10_000), minlength=600)
    tally = Tally(np.array([10_000]), np.zeros((1, 0), np.int64), np.zeros((1, 0), np.int64),
                  months[None, None, :])
    values, errors = estimates(tally, [Outcome("months_to_ca:1", "median", "")])
    assert abs(values[0, 0] - 300) < 15
    assert errors[0, 0] == pytest.approx(3.0, rel=0.15)


def test_catalogue_and_unknown_outcomes(scenario):
    names = [o.name for o in outcome_catalogue(scenario)]
    assert names[:6] == [f"p_de_jure:{s}" for s in STATES]
    assert names[-5:] == [f"months_to_ca:{k}" for k in range(1, 6)]
    assert len(select_outcomes(scenario, ["all"])) == len(names)
    assert len(select_outcomes(scenario, ["n_de_jure", "all"])) == len(names)
    for bad, message in [("n_dejure", "did you mean 'n_de_jure'"),
                         ("p_de_jure:AFG", "no state 'AFG'"),
                         ("months_to_ca:6", "from 1 to 5"),
                         ("months_to_ca:x", "from 1 to 5")]:
        with pytest.raises(OutcomeError, match=message):
            select_outcomes(scenario, [bad])


def test_cascade_needs_its_four_states():
    small = scenario_from_dict({"name": "s", "states": {"KAZ": {"name": "K"}}})
    assert "p_cascade_ca" not in [o.name for o in outcome_catalogue(small)]
    with pytest.raises(OutcomeError, match="not defined"):
        select_outcomes(small, ["p_cascade_ca"])
