"""Scores, naive forecasts, targets and intervals of sim/forecast: known answers."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from helpers import ring_scenario

from sim.calibrate.records import simulate_record
from sim.engine.ensemble import EnsembleResult
from sim.forecast.naive import FLOOR, climatology, roster_climatology, transition_matrix
from sim.forecast.posterior import chance_interval, posterior_values
from sim.forecast.scores import brier_score, brier_skill, log_score, score_table
from sim.forecast.targets import observed_outcomes, simulated_outcomes
from sim.model.model import RecognitionModel
from sim.scenario.eventlog import Event, EventLog


def _table(outcomes: np.ndarray, p_model: np.ndarray, p_clim: float = 0.2) -> pd.DataFrame:
    """A backtest table of 4 origins x 5 states of one target."""
    origins = [f"2023-{m:02d}" for m in (1, 4, 7, 10)]
    states = list("ABCDE")
    grid = [(o, s) for o in origins for s in states]
    return pd.DataFrame({
        "origin": [o for o, _ in grid], "state": [s for _, s in grid], "target": "up",
        "outcome": outcomes, "p_model": p_model, "p_persistence": FLOOR,
        "p_climatology": p_clim,
    })


def test_a_forecast_equal_to_the_outcomes_scores_brier_0_and_skill_1():
    outcomes = np.array([1, 0, 0, 1, 0] * 4)
    scores = score_table(_table(outcomes, outcomes.astype(float)), seed=1)
    model = scores[scores["forecast"] == "model"].iloc[0]
    assert model["brier"] == 0.0
    assert model["brier_skill_vs_persistence"] == 1.0
    assert model["brier_skill_vs_climatology"] == 1.0
    assert model["low90"] == model["high90"] == 1.0  # every resample: skill 1
    assert model["climatology_low90"] == model["climatology_high90"] == 1.0
    assert model["log_score"] == pytest.approx(math.log(1 - FLOOR))  # clipped, not log 1
    persistence = scores[scores["forecast"] == "persistence"].iloc[0]
    assert persistence["brier_skill_vs_persistence"] == 0.0


def test_scores_by_hand():
    p, outcome = np.array([0.2, 0.9]), np.array([0, 1])
    assert brier_score(p, outcome) == pytest.approx((0.2**2 + 0.1**2) / 2)
    assert log_score(p, outcome) == pytest.approx((math.log(0.8) + math.log(0.9)) / 2)
    assert log_score(np.array([0.0]), np.array([1])) == pytest.approx(math.log(FLOOR))
    assert brier_skill(0.05, 0.1) == pytest.approx(0.5)
    assert math.isnan(brier_skill(0.05, 0.0))


def test_the_bootstrap_interval_brackets_the_skill_and_is_seeded():
    rng = np.random.default_rng(4)
    outcomes = (rng.random(20) < 0.3).astype(int)
    p_model = np.clip(outcomes * 0.5 + rng.random(20) * 0.3, 0, 1)
    table = _table(outcomes, p_model)
    first, again = score_table(table, seed=3), score_table(table, seed=3)
    pd.testing.assert_frame_equal(first, again)
    model = first.iloc[0]
    assert model["low90"] <= model["brier_skill_vs_persistence"] <= model["high90"]
    assert model["low90"] < model["high90"]
    other = score_table(table, seed=4).iloc[0]
    assert other["low90"] != model["low90"]


def test_climatology_is_the_chain_of_monthly_rates():
    # 100 state-months on rung 1: 10 moves up; 50 on rung 2: 5 up, 5 down; none on rung 0
    before = np.array([1] * 100 + [2] * 50)
    after = np.array([2] * 10 + [1] * 90 + [3] * 5 + [1] * 5 + [2] * 40)
    matrix = transition_matrix(before[None], after[None], np.ones((1, 150), bool))
    assert matrix[0].tolist() == [1, 0, 0, 0]  # no data: stays put
    assert climatology(matrix, 1, "up", 6) == pytest.approx(1 - 0.9**6)
    # from rung 2 a state steps down (0.1 a month) unless it first climbs to 3 (0.1), where
    # it stays: the chance is 0.1 x (1 + 0.8 + ... + 0.8^11)
    assert climatology(matrix, 2, "down", 12) == pytest.approx(0.5 * (1 - 0.8**12))
    assert climatology(matrix, 3, "down", 12) == 0.0  # nobody stood on rung 3: stays put
    assert climatology(matrix, 0, "up", 12) == 0.0
    # de jure from rung 1: up to 2 then on to 3, with the chance of coming back down
    two_months = 0.1 * 0.1
    assert climatology(matrix, 1, "de_jure", 2) == pytest.approx(two_months)
    alone = climatology(matrix, 2, "de_jure", 6)
    assert roster_climatology(matrix, [2, 2, 3], 6) == pytest.approx(1 - (1 - alone) ** 2)


def _log(*rows: tuple[str, str, int]) -> EventLog:
    events = tuple(Event(date.fromisoformat(day), state, level, i + 2)
                   for i, (day, state, level) in enumerate(rows))
    return EventLog("test.csv", events)


def test_outcomes_of_a_log_by_hand():
    log = _log(("2020-01-10", "A", 1), ("2020-03-10", "A", 2),  # A: at 2 by the origin
               ("2020-05-10", "B", 3),  # B 2 -> 3: up and de jure
               ("2020-06-10", "C", 1),  # C 2 -> 1: down
               ("2020-04-10", "D", 2), ("2020-07-10", "D", 1),  # D 1 -> 2 -> 1: up, down
               ("2020-09-10", "A", 3))  # the horizon's last month: in at 6, out at 5
    log = EventLog(log.file, tuple(sorted(log.events, key=lambda e: e.day)))
    ids = ["A", "B", "C", "D", "E"]
    before = {"A": 0, "B": 2, "C": 2, "D": 1, "E": 3}
    seen = observed_outcomes(log, date(2020, 3, 1), 6, ids, before)
    assert seen["start"].tolist() == [2, 2, 2, 1, 3]
    assert seen["up"].tolist() == [True, True, False, True, False]
    assert seen["de_jure"].tolist() == [True, True, False, False, False]
    assert seen["down"].tolist() == [False, False, True, True, False]
    assert seen["any_de_jure"].tolist() == [True]
    shorter = observed_outcomes(log, date(2020, 3, 1), 5, ids, before)
    assert shorter["up"].tolist() == [False, True, False, True, False]


@pytest.mark.parametrize("seed", range(12))
def test_the_model_and_the_log_count_the_same_events(seed):
    """One run read two ways, as a record (sim/calibrate/records.py) and as an ensemble
    result: every target's outcome agrees, state by state, at several horizons."""
    scenario = ring_scenario(36)
    stream = np.random.SeedSequence(seed)
    log = simulate_record(scenario, stream)
    model = RecognitionModel(scenario, 1, rng=stream)
    model.run()
    result = EnsembleResult.from_model(model)
    start = np.array([3, 0, 0, 0, 0, 0], dtype=np.int8)
    before = dict(zip(result.state_ids, start.tolist(), strict=True))
    for horizon in (6, 18, 36):
        seen = observed_outcomes(log, scenario.start_date, horizon, result.state_ids, before)
        happens = simulated_outcomes(result, start, horizon)
        for target in ("up", "de_jure", "down", "any_de_jure"):
            assert seen[target].tolist() == happens[target][:, 0].tolist(), (target, horizon)


def test_intervals_over_the_posterior():
    # 40 draws of 100 runs: half the draws give the event 10% of the time, half 90%
    group = np.arange(4000) % 40
    share = np.where(np.arange(40) % 2 == 0, 0.1, 0.9)[group]
    happened = (np.arange(4000) // 40 % 100) < share * 100
    p, low, high = chance_interval(happened, group)
    assert p == pytest.approx(0.5)
    assert low < 0.15 and high > 0.85  # the spread between draws, not Monte Carlo noise
    # every draw alike: only Monte Carlo noise, a Wilson interval around the pooled share
    same = (np.arange(4000) // 40 % 100) < 30
    p, low, high = chance_interval(same, group)
    assert p == pytest.approx(0.3) and 0.28 < low < 0.3 < high < 0.32
    p, low, high = chance_interval(np.zeros(4000, bool), group)
    assert p == 0 and low == pytest.approx(0, abs=1e-6) and 0 < high < 0.002


def test_posterior_values_give_every_draw_group_its_row():
    draws = np.arange(30, dtype=float).reshape(15, 2)
    values, group = posterior_values(draws, ["a", "b"], 250, np.random.SeedSequence(1),
                                     per_draw=100)
    assert values.values.shape == (250, 2) and group.max() == 2
    for k in range(3):
        rows = values.values[group == k]
        assert (rows == rows[0]).all() and rows[0].tolist() in draws.tolist()
    assert len({tuple(values.values[group == k][0]) for k in range(3)}) == 3  # no repeats
