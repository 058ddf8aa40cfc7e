"""The likelihood of a record: a hand-computed case, and agreement with the simulated engine."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from scipy.stats import chisquare

from sim.calibrate.likelihood import Likelihood, LikelihoodError, observe
from sim.calibrate.window import WindowError, parse_window, window_scenario
from sim.model.model import RecognitionModel
from sim.scenario.eventlog import read_event_log
from sim.scenario.loading import load_scenario, scenario_from_dict
from sim.scenario.roster import read_log, roster_of


def sigma(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def pair(tmp_path: Path, **extra: object):
    log = tmp_path / "log.csv"
    log.write_text("date,state,level_after\n2025-02-10,A,1\n2025-03-01,B,1\n")
    data = {
        "name": "pair", "start": "2025-01", "months": 2,
        "weights": {"social": 2.0},
        "thresholds": {"level_1": 2.0, "level_2": 4.0, "level_3": 6.0, "downgrade": 3.0},
        "states": {"A": {"name": "A", "level": 0, "propensity": 1.0},
                   "B": {"name": "B", "level": 1}},
        "ties": [{"from": "A", "to": "B"}],
        "events": {"log": str(log)},
    } | extra
    return scenario_from_dict(data), read_event_log(log)


def test_hand_computed_two_states_two_months(tmp_path):
    scenario, log = pair(tmp_path)
    record = observe(scenario, log, parse_window("2025-01:2025-03"))
    likelihood = Likelihood(record, ["weights.social"])
    # month 2025-02: A (0) sees B at 1: U(1) = 1 + 2 = 3, U(2) = 1; it climbs one rung only
    a_up = sigma(3 - 2) * (1 - sigma(1 - 4))
    # B (1) sees A at 0: U = 0 on every rung; stays unless it climbs or drops
    b_stay = 1 - sigma(0 - 4) - sigma(-0 - 3)
    # month 2025-03: both on 1, each seeing the other on 1: U(1) = 1 + 2 or 0 + 2, U(2) as base
    a_stay = 1 - sigma(1 - 4) - sigma(-3 - 3)
    b_stay_2 = 1 - sigma(0 - 4) - sigma(-2 - 3)
    expected = math.log(a_up * b_stay * a_stay * b_stay_2)
    assert likelihood(np.array([2.0])) == pytest.approx(expected, rel=1e-12)
    # a batch gives the same number per row, and another social weight another number
    batch = likelihood(np.array([[2.0], [2.0], [0.0]]))
    assert batch[0] == batch[1] == pytest.approx(expected) and batch[2] != batch[0]


def test_without_downgrades_a_recorded_drop_is_impossible(tmp_path):
    scenario, _ = pair(tmp_path, model={"reversible": False})
    log = tmp_path / "drop.csv"
    log.write_text("date,state,level_after\n2025-02-10,B,0\n")
    record = observe(scenario, read_event_log(log), parse_window("2025-01:2025-02"))
    assert Likelihood(record, ["weights.social"])(np.array([2.0])) < -600  # log(1e-300)


@pytest.fixture(scope="module")
def lively():
    """The baseline with low thresholds, so every kind of move happens within a month."""
    baseline = load_scenario(ROOT / "scenarios" / "baseline.toml")
    thresholds = {"level_1": 1.0, "level_2": 1.5, "level_3": 2.0, "downgrade": -1.0}
    return scenario_from_dict(baseline.model_dump(by_alias=True) | {"thresholds": thresholds})


def test_move_probabilities_match_the_engines_frequencies(lively):
    """One month (2022-05, when ISKP rockets hit Tajikistan, with attacks of 2022-04 still
    lingering): the chance of each state's next level under the likelihood against 60,000
    simulated replicates of the same month. Chi-square goodness of fit per state, levels
    with fewer than 5 expected runs pooled; Bonferroni over the 17 states at 1e-3."""
    window = parse_window("2022-04:2022-05")
    log = read_log(lively, roster_of(lively).state_ids)
    record = observe(lively, log, window)
    probabilities = Likelihood(record, ["weights.social"]).probabilities(
        np.array([lively.weights.social]))[0, :, 0, :]  # (4 levels, states)
    model = RecognitionModel(record.scenario, 60_000, rng=np.random.SeedSequence(5))
    assert np.array_equal(model.levels[:, 0], record.before[0])
    model.step()
    p_values = []
    for i in range(len(record.state_ids)):
        observed = np.bincount(model.levels[i], minlength=4).astype(float)
        expected = probabilities[:, i] * observed.sum()
        keep = expected >= 5
        if keep.sum() < 2:
            assert np.all(observed[~keep] <= 10)
            continue
        obs = np.append(observed[keep], observed[~keep].sum())
        exp = np.append(expected[keep], expected[~keep].sum())
        if exp[-1] == 0:
            obs, exp = obs[:-1], exp[:-1]
        p_values.append(chisquare(obs, exp * obs.sum() / exp.sum()).pvalue)
    assert len(p_values) >= 10  # most states can move: the check is not vacuous
    assert min(p_values) > 1e-3 / len(record.state_ids)
    # and the probabilities are a distribution over the ladder
    assert np.allclose(probabilities.sum(axis=0), 1.0) and probabilities.min() >= 0


def test_window_rebases_dated_shocks_and_leaves_random_ones_out(lively):
    data = lively.model_dump(by_alias=True)
    data["shocks"] = [
        {"kind": "recognize", "name": "cn", "states": ["CHN"], "at": "2026-01"},
        {"kind": "attack", "name": "random", "project": "TAPI", "hazard": 0.1},
    ]
    scenario = scenario_from_dict(data)
    based, dropped = window_scenario(scenario, parse_window("2024-06:2026-03"))
    assert dropped == ["random"]
    assert [s.name for s in based.shocks] == ["tapi_construction", "tajik_border_killing",
                                              "qosh_tepa_phase_2_dug",
                                              "uap_railway_framework", "cn"]
    assert based.shocks[-1].at == "2026-01" and based.start == "2024-06"
    assert "casa1000_resumed" in [s.name for s in based.history]


@pytest.mark.parametrize(("text", "message"), [
    ("2021-08", "expected START:END"),
    ("2021-08:2021-08", "END must come after START"),
    ("2021-13:2022-01", "expected a month as YYYY-MM"),
])
def test_bad_windows(text, message):
    with pytest.raises(WindowError, match=message):
        parse_window(text)


def test_refusals(lively, tmp_path):
    log = read_log(lively, roster_of(lively).state_ids)
    record = observe(lively, log, parse_window("2025-01:2025-07"))
    with pytest.raises(LikelihoodError, match="cannot be fitted"):
        Likelihood(record, ["states.KAZ.security"])
    data = lively.model_dump(by_alias=True)
    data["history"] = [*data["history"], {"kind": "bloc", "name": "c5",
                                          "states": ["KAZ", "UZB"], "at": "2024-03"}]
    with pytest.raises(LikelihoodError, match="bloc 'c5'"):
        observe(scenario_from_dict(data), log, parse_window("2024-01:2025-07"))
    # a bloc still to come after the window plays no part in it
    data["history"] = data["history"][:-1]
    data["shocks"] = [{"kind": "bloc", "name": "c5", "states": ["KAZ", "UZB"], "at": 2}]
    observe(scenario_from_dict(data), log, parse_window("2024-01:2025-07"))
