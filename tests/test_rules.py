"""The threshold rule against exact cascades on tiny graphs, and threshold draws."""

from __future__ import annotations

from itertools import combinations, pairwise

import numpy as np
import pytest
from helpers import tiny
from scipy.stats import truncnorm

from sim.engine.ensemble import plan_chunks
from sim.model.hazards import climb_hazard, drop_hazard
from sim.model.model import RecognitionModel
from sim.model.parameters import take_by_level
from sim.model.rules import LogitRule, ThresholdRule, draw_thresholds
from sim.scenario.ladder import DE_JURE, TOP
from sim.scenario.loading import ScenarioError
from sim.scenario.population import ThresholdSpec

THRESHOLD = {"rule": "threshold"}


def _complete(thresholds: list[float | None], level: int = 2, months: int = 12,
              model: dict | None = None, **top):
    """A complete graph of equally weighted ties; state k has threshold ``thresholds[k]``."""
    names = [f"X{k}" for k in range(len(thresholds))]
    states = {name: {"level": level, "threshold": t} for name, t in zip(names, thresholds,
                                                                         strict=True)}
    ties = [{"from": a, "to": b} for a, b in combinations(names, 2)]
    return tiny(states, ties, model=model or THRESHOLD, months=months, **top)


def _run(scenario, replicates: int = 3, seed: int = 1) -> RecognitionModel:
    model = RecognitionModel(scenario, replicates, rng=seed)
    model.run()
    return model


def test_complete_graph_with_staircase_thresholds_adopts_one_state_a_month():
    n = 8
    model = _run(_complete([k / (n - 1) for k in range(n)]))
    assert isinstance(model.rule, ThresholdRule)
    assert np.all(model.levels == DE_JURE)
    # State k needs k partners recognising: the instigator moves in month 1, then one a month.
    expected = np.arange(1, n + 1)
    assert np.all(model.first_month[DE_JURE - 1] == expected[:, None])


def test_raising_the_second_lowest_threshold_one_step_stops_the_cascade_at_one():
    n = 8
    thresholds = [k / (n - 1) for k in range(n)]
    thresholds[1] = 2 / (n - 1)
    model = _run(_complete(thresholds))
    assert model.counts("de_jure")[-1].tolist() == [1, 1, 1]
    assert np.all(model.levels[0] == DE_JURE)
    assert np.all(model.levels[1:] == 2)


def test_complete_graph_from_no_engagement_climbs_the_whole_ladder():
    n = 6
    model = _run(_complete([k / (n - 1) for k in range(n)], level=0, months=30))
    assert np.all(model.levels == TOP)
    # The instigator climbs a rung a month; each rung spreads one state a month behind it.
    assert model.first_month[:, 0, 0].tolist() == [1, 2, 3]
    assert model.first_month[0, :, 0].tolist() == [1, 2, 3, 4, 5, 6]


def test_line_graph_with_threshold_half_adopts_one_step_per_month():
    n = 7
    names = [f"L{k}" for k in range(n)]
    states = {name: {"level": 3 if k == 0 else 2} for k, name in enumerate(names)}
    ties = [{"from": a, "to": b} for a, b in pairwise(names)]
    scenario = tiny(states, ties, model={**THRESHOLD, "threshold": {"value": 0.5}}, months=10)
    model = _run(scenario)
    assert model.first_month[DE_JURE - 1, :, 0].tolist() == list(range(n))
    curve = model.counts("de_jure")[:, 0]
    assert curve.tolist() == [min(m + 1, n) for m in range(11)]


def test_thresholds_above_one_never_move():
    n = 5
    scenario = _complete([1.01] * n, level=0, adopters={"states": ["X0"]})
    model = RecognitionModel(scenario, 4, rng=2)
    start = model.levels.copy()
    model.run()
    assert np.array_equal(model.levels, start)
    assert start[0].tolist() == [TOP] * 4 and np.all(start[1:] == 0)


def test_isolated_state_with_threshold_zero_climbs_alone_and_others_wait():
    scenario = tiny({"A": {"threshold": 0.0}, "B": {"threshold": 0.2}}, model=THRESHOLD,
                    months=5)
    model = _run(scenario)
    assert model.levels[:, 0].tolist() == [TOP, 0]


def test_threshold_rule_is_identical_in_every_replicate_and_seed():
    n = 8
    scenario = _complete([k / (n - 1) for k in range(n)], level=0)
    a, b = _run(scenario, 5, seed=1), _run(scenario, 5, seed=99)
    assert np.array_equal(a.first_month, b.first_month)
    assert np.all(a.first_month == a.first_month[..., :1])


def test_logit_stays_the_default_rule(baseline):
    model = RecognitionModel(baseline, 2, rng=1)
    assert isinstance(model.rule, LogitRule)


def test_uniform_thresholds_are_drawn_per_state_and_replicate_within_bounds():
    spec = ThresholdSpec(distribution="uniform", low=0.2, high=0.4)
    own = [None, 0.9, None]
    first = draw_thresholds(spec, own, 500, np.random.default_rng(3))
    again = draw_thresholds(spec, own, 500, np.random.default_rng(3))
    assert np.array_equal(first, again)
    assert np.all(first[1] == 0.9)
    drawn = first[[0, 2]]
    assert drawn.min() >= 0.2 and drawn.max() <= 0.4
    assert len(np.unique(drawn)) == drawn.size
    assert drawn.mean() == pytest.approx(0.3, abs=0.01)  # s.e. 0.058 / sqrt(1000) = 0.002


def test_truncated_normal_thresholds_stay_in_the_unit_interval_with_the_right_mean():
    spec = ThresholdSpec(distribution="normal", mean=0.1, sd=0.3)
    drawn = draw_thresholds(spec, [None] * 40, 500, np.random.default_rng(4))
    assert drawn.min() >= 0.0 and drawn.max() <= 1.0
    a, b = -0.1 / 0.3, 0.9 / 0.3
    expected = truncnorm.mean(a, b, loc=0.1, scale=0.3)
    standard_error = truncnorm.std(a, b, loc=0.1, scale=0.3) / np.sqrt(drawn.size)
    assert abs(drawn.mean() - expected) < 5 * standard_error


def test_drawn_thresholds_differ_across_replicates_in_the_model():
    uniform = {**THRESHOLD, "threshold": {"distribution": "uniform"}}
    model = RecognitionModel(_complete([None] * 6, model=uniform), 10, rng=5)
    thresholds = model.rule.thresholds
    assert thresholds.shape == (6, 10)
    assert not np.allclose(thresholds, thresholds[:, :1])


@pytest.mark.parametrize(
    ("model", "key", "words"),
    [
        ({"rule": "threshold", "reversible": True}, "model.reversible", "only climbs"),
        ({"rule": "threshold"}, "model.threshold.value", "no own threshold"),
        ({"rule": "threshold", "threshold": {"distribution": "fixed", "mean": 0.2}},
         "model.threshold.mean", "not used by distribution = 'fixed'"),
        ({"rule": "threshold", "threshold": {"distribution": "normal", "mean": 0.2}},
         "model.threshold.sd", "required by distribution = 'normal'"),
        ({"rule": "threshold", "threshold": {"distribution": "uniform", "low": 0.6,
                                             "high": 0.5}},
         "model.threshold.high", "at least low"),
        ({"rule": "majority"}, "model.rule", "'logit' or 'threshold'"),
    ],
)
def test_rule_settings_are_validated_with_their_key(model, key, words):
    with pytest.raises(ScenarioError) as caught:
        tiny({"A": {}, "B": {}}, model=model)
    line = caught.value.lines()[0]
    assert line.startswith(f"tiny.toml: {key}: "), line
    assert words in line


def _decide_alone(agent, draw: np.ndarray, reversible: bool):
    """One state's move as each agent computed it before the rule's one pass over all states
    (the algorithm of sim/model/logit.py, from the agent's own ``utility``): the oracle."""
    level = agent.level.astype(np.intp)
    p_up = climb_hazard(agent.utility(np.minimum(level + 1, TOP)),
                        take_by_level(agent.threshold_up, level))
    up = draw < p_up
    next_level = agent.level + up
    where, reach = np.flatnonzero(up & (level + 1 < TOP)), p_up
    reach = reach[where]
    while where.size:  # climbing on
        rung = next_level[where].astype(np.intp) + 1
        table = agent.threshold_up
        threshold = table[rung - 1, 0] if table.shape[1] == 1 else table[rung - 1, where]
        reach = reach * climb_hazard(agent.utility(rung, where), threshold)
        on = draw[where] < reach
        next_level[where[on]] += 1
        keep = on & (rung < TOP)
        where, reach = where[keep], reach[keep]
    p_down = np.zeros_like(p_up)
    if reversible:
        p_down = drop_hazard(agent.utility(np.maximum(level, 1)), agent.threshold_down)
        p_down = np.where(level > 0, p_down, 0.0)
        down = ~up & (draw >= 1.0 - p_down)
        next_level -= down
        where = np.flatnonzero(down & (level > 1))
        reach = p_down[where]
        while where.size:  # dropping on
            rung = next_level[where].astype(np.intp)
            low = agent.threshold_down
            threshold = low if len(low) == 1 else low[where]
            reach = reach * drop_hazard(agent.utility(rung, where), threshold)
            on = draw[where] >= 1.0 - reach
            next_level[where[on]] -= 1
            keep = on & (rung > 1)
            where, reach = where[keep], reach[keep]
    return next_level, p_up, p_down


def _check_every_decision(model: RecognitionModel, months: int) -> dict[str, int]:
    """Run ``model``, checking each agent's move and hazards against :func:`_decide_alone`,
    bit for bit; count the moves of two rungs or more, so the check is not vacuous."""
    decide, reversible = model.rule.decide, model.scenario.model.reversible
    moves = {"up 2+": 0, "down 2+": 0, "checked": 0}

    def checked(agent):
        before = agent.level.copy()
        expected, p_up, p_down = _decide_alone(agent, model.draws[agent.index], reversible)
        got = decide(agent)
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
        assert np.array_equal(agent.p_up, p_up)
        if reversible:
            assert np.array_equal(agent.p_down, p_down)
        moves["up 2+"] += int(np.sum(got.astype(int) - before >= 2))
        moves["down 2+"] += int(np.sum(before - got.astype(int) >= 2))
        moves["checked"] += 1
        return got

    model.rule.decide = checked  # type: ignore[method-assign]
    model.run(months)
    return moves


def test_one_pass_over_all_states_gives_the_moves_of_each_state_deciding_alone(baseline):
    """The calibrated baseline: replayed history, downgrades, per-replicate parameters."""
    task = plan_chunks(baseline, 400, 3)[0]
    model = RecognitionModel(baseline, 400, rng=task.seed, values=task.values)
    moves = _check_every_decision(model, 24)
    assert moves["checked"] == 24 * len(baseline.states)
    assert isinstance(model.rule, LogitRule) and model.rule.p_up.shape == (17, 400)


def test_one_pass_matches_deciding_alone_when_states_climb_and_drop_several_rungs():
    states = {s: {"level": k % 4, "propensity": 0.5 - k / 4} for k, s in enumerate("ABCDEF")}
    ties = [{"from": a, "to": b} for a, b in pairwise("ABCDEFA")]
    scenario = tiny(states, ties, model={"reversible": True}, weights={"social": 2.0},
                    thresholds={"level_1": -1.0, "level_2": 0.0, "level_3": 0.5,
                                "downgrade": -0.5})
    moves = _check_every_decision(RecognitionModel(scenario, 300, rng=5), 12)
    assert moves["up 2+"] > 50 and moves["down 2+"] > 50
