"""The model's equations against hand-computed values, its limits and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ROOT
from helpers import tiny
from pydantic import ValidationError

from sim.model.agents import StateAgent
from sim.model.hazards import climb_hazard, drop_hazard, move_probabilities
from sim.model.model import RecognitionModel
from sim.scenario.ladder import FACTORS, TOP
from sim.scenario.loading import load_scenario
from sim.scenario.parts import StateSpec, Weights


def _three_states(**top):
    # A recognises; B watches A (weight 2) and C (weight 1) but nobody watches B.
    return tiny(
        {
            "A": {"level": 3},
            "B": {"level": 2, "propensity": 0.5, "connectivity": 2.0},
            "C": {"level": 0},
        },
        ties=[{"from": "B", "to": "A", "weight": 2.0}, {"from": "B", "to": "C", "weight": 1.0}],
        network={"directed": True},
        weights={"social": 3.0, "connectivity": 1.0},
        thresholds={"level_1": 1.0, "level_2": 2.0, "level_3": 4.0},
        **top,
    )


def test_social_share_is_tie_weighted_share_of_partners_at_or_above_each_rung():
    model = RecognitionModel(_three_states(), replicates=2, rng=1)
    shares = model.social_shares()
    # B's partners: A at 3 (weight 2), C at 0 (weight 1); A and C watch nobody.
    assert shares[:, 1, 0].tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    assert np.all(shares[:, [0, 2], :] == 0.0)


def test_hazard_matches_hand_computation():
    model = RecognitionModel(_three_states(), replicates=4, rng=1)
    model.step()
    b = next(a for a in model.agents if a.state_id == "B")
    # U = 0.5 + 1.0 * 2.0 + 3.0 * (2/3) = 4.5; P = 1 / (1 + exp(-(4.5 - 4.0)))
    expected = 1.0 / (1.0 + math.exp(-0.5))
    assert b.p_up == pytest.approx(np.full(4, expected))
    c = next(a for a in model.agents if a.state_id == "C")
    # no incentive and no partners: U = 0, so P = logistic(0 - 1.0)
    assert c.p_up == pytest.approx(np.full(4, 1.0 / (1.0 + math.exp(1.0))))
    a = next(a for a in model.agents if a.state_id == "A")
    assert np.all(a.p_up == 0.0)  # already at the top


def test_climb_and_drop_hazards_are_logistic_in_utility_minus_threshold():
    utility = np.array([-3.0, 0.0, 2.0])
    assert climb_hazard(utility, 2.0) == pytest.approx(1 / (1 + np.exp([5.0, 2.0, 0.0])))
    assert drop_hazard(utility, 3.0) == pytest.approx(1 / (1 + np.exp([0.0, 3.0, 5.0])))
    assert climb_hazard(np.array([1e6]), np.inf).tolist() == [0.0]  # no rung above the top


def test_move_probabilities_by_hand():
    # one state on rung 1: climbing hazards 0.5 (rung 2) and 0.2 (rung 3), dropping 0.1
    up = np.array([[0.3], [0.5], [0.2]])
    down = np.array([[0.1], [0.2], [0.4]])
    p = move_probabilities(np.array([1]), up, down)[:, 0]
    # up 1: 0.5 - 0.5 * 0.2; up 2: 0.5 * 0.2; down: 0.1; stay: the rest
    assert p == pytest.approx([0.1, 0.4, 0.4, 0.1])
    # on rung 3, downgrades off: nothing can happen
    assert move_probabilities(np.array([3]), up, None)[:, 0].tolist() == [0, 0, 0, 1]


def test_monthly_move_frequency_matches_hazard():
    # 20,000 replicates of one month: the share of B that climbed estimates p = 0.6225.
    model = RecognitionModel(_three_states(), replicates=20_000, rng=7)
    model.step()
    p = 1.0 / (1.0 + math.exp(-0.5))
    share = float(np.mean(model.levels[1] == 3))
    assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / 20_000)


def test_no_social_weight_and_no_incentives_every_state_has_the_same_hazard():
    # U = 0 everywhere: the monthly chance of climbing onto rung 1 is logistic(0 - 0) = 1/2,
    # whoever the partners are; rungs 2 and 3 and stepping down are out of reach.
    scenario = tiny(
        {s: {"level": lvl} for s, lvl in zip("ABCD", [0, 0, 0, 3], strict=True)},
        ties=[{"from": "A", "to": "D"}, {"from": "B", "to": "D"}, {"from": "C", "to": "D"}],
        weights={"social": 0.0},
        thresholds={"level_1": 0.0, "level_2": 100.0, "level_3": 100.0, "downgrade": 100.0},
        months=1,
    )
    model = RecognitionModel(scenario, replicates=20_000, rng=3)
    model.run()
    climbed = (model.levels[:3] == 1).mean(axis=1)
    assert np.all(np.abs(climbed - 0.5) < 4 * math.sqrt(0.25 / 20_000))
    assert set(np.unique(model.levels[:3])) == {0, 1} and np.all(model.levels[3] == 3)


def test_huge_threshold_nobody_moves():
    scenario = tiny(
        {"A": {"level": 0, "security": 10.0}, "B": {"level": 2, "security": 10.0}},
        weights={"security": 5.0},
        thresholds={"level_1": 100.0, "level_2": 100.0, "level_3": 100.0},
        months=60,
    )
    model = RecognitionModel(scenario, replicates=500, rng=3)
    model.run()
    assert np.all(model.levels == np.array([[0], [2]]))


def test_huge_incentive_every_state_climbs_to_the_top_in_the_first_month():
    # every climbing hazard is ~1, so their products are too: all rungs in one month
    starts = [0, 1, 2, 3]
    scenario = tiny(
        {s: {"level": lvl, "minerals": 10.0} for s, lvl in zip("ABCD", starts, strict=True)},
        weights={"minerals": 100.0},
        months=6,
    )
    model = RecognitionModel(scenario, replicates=50, rng=3)
    model.step()
    assert np.all(model.levels == TOP)
    for rung in range(1, TOP + 1):
        expected_first = np.where(np.array(starts) >= rung, 0, 1)
        assert np.all(model.first_month[rung - 1] == expected_first[:, None])
    model.run(5)
    assert np.all(model.levels == TOP)


def _activation_order_and_result(scenario, order_seed: int, reverse: bool = False):
    """Run the real ``step`` with the agents activated in another order.

    The NumPy generator (monthly draws, shock schedules) is the same every time; only
    Mesa's Python ``random``, which shuffles the activation order, is reseeded, or the
    shuffle is replaced by the reverse of construction order.
    """
    model = RecognitionModel(scenario, replicates=300, rng=11)
    model.random.seed(order_seed)
    order: list[str] = []
    if reverse:
        agents = list(model.agents)[::-1]

        def reversed_do(method: str) -> None:
            for agent in agents:
                getattr(agent, method)()

        model.agents.shuffle_do = reversed_do  # type: ignore[method-assign]
    rule_decide = model.rule.decide

    def recording_decide(agent: StateAgent) -> np.ndarray:
        if len(order) < len(model.state_ids):  # the first month's order is enough
            order.append(agent.state_id)
        return rule_decide(agent)

    model.rule.decide = recording_decide  # type: ignore[method-assign]
    model.run(24)
    return order, model.levels.copy(), model.first_month.copy()


@pytest.mark.parametrize("name", ["baseline", "ca_security_bloc"])
def test_update_is_synchronous_so_agent_order_does_not_matter(name):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    runs = [_activation_order_and_result(scenario, seed) for seed in (1, 2)]
    runs.append(_activation_order_and_result(scenario, 1, reverse=True))
    orders = [order for order, _, _ in runs]
    assert len({tuple(order) for order in orders}) == 3, "the orders must differ"
    _, levels, first = runs[0]
    for _, other_levels, other_first in runs[1:]:
        assert np.array_equal(levels, other_levels)
        assert np.array_equal(first, other_first)
    # and the dynamics did something, so the comparison is not vacuous
    start = np.array([s.level for s in scenario.states.values()])
    assert np.any(levels != start[:, None])


def test_same_seed_same_world_different_seed_different(baseline):
    def levels(seed):
        model = RecognitionModel(baseline, replicates=200, rng=seed)
        model.run()
        return model.levels

    assert np.array_equal(levels(5), levels(5))
    assert not np.array_equal(levels(5), levels(6))


def test_reversible_states_can_step_down_on_strongly_negative_utility():
    scenario = tiny(
        {"A": {"level": 3, "western_pressure": 10.0}},
        weights={"western_pressure": -2.0},
        thresholds={"downgrade": 0.0},
        model={"reversible": True},
        months=12,
    )
    model = RecognitionModel(scenario, replicates=100, rng=2)
    model.run()
    # U = -20: every dropping hazard is logistic(20) ~ 1: all the way down in month 1
    assert np.all(model.levels == 0)
    assert np.all(model.first_downgrade == 1)


def test_irreversible_states_never_step_down():
    scenario = tiny(
        {"A": {"level": 3, "western_pressure": 10.0}},
        weights={"western_pressure": -2.0},
        thresholds={"downgrade": 0.0},
        model={"reversible": False},
        months=12,
    )
    model = RecognitionModel(scenario, replicates=100, rng=2)
    model.run()
    assert np.all(model.levels == 3) and np.all(model.first_downgrade == -1)


def test_every_factor_has_a_weight_and_a_state_intensity():
    """FACTORS, the weights table and the state table must name the same factors."""
    assert set(Weights.model_fields) - {"social"} == set(FACTORS)
    for factor in FACTORS:
        assert StateSpec(name="x", **{factor: 10.0}).model_dump()[factor] == 10.0
        with pytest.raises(ValidationError, match=factor):  # intensities are >= 0
            StateSpec(name="x", **{factor: -1.0})
