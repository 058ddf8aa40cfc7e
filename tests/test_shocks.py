"""Shock machinery: known answers on tiny rosters, schedules, per-replicate effects."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pytest

from sim.engine.ensemble import plan_chunks, run_ensemble, simulate_chunk
from sim.model.model import RecognitionModel
from sim.model.shocks import fire_schedule
from sim.results.tables import shocks_table
from sim.scenario.loading import load_scenario, scenario_from_dict

STILL = {"level_1": 100.0, "level_2": 100.0, "level_3": 100.0,  # nobody moves on their own
         "downgrade": 100.0}


def tiny(shocks: list[dict[str, Any]], **extra: Any) -> Any:
    """Three states A, B, C in a line; no incentives; nobody moves unless a shock says so."""
    data: dict[str, Any] = {
        "name": "tiny",
        "months": 8,
        "weights": {"social": 0.0, "connectivity": 0.6, "security": 0.5, "water": -0.5},
        "thresholds": STILL,
        "states": {
            "A": {"name": "A", "level": 1, "connectivity": 3.0, "water": 2.0},
            "B": {"name": "B", "level": 2},
            "C": {"name": "C", "level": 0},
        },
        "ties": [{"from": "A", "to": "B"}, {"from": "B", "to": "C", "weight": 2.0}],
        "projects": {"P": {"stakeholders": ["A"], "threatened": ["B"]}},
        "shocks": shocks,
    }
    return scenario_from_dict(data | extra)


def offsets_by_month(scenario: Any, replicates: int = 3, seed: int = 0) -> np.ndarray:
    """``utility_offset`` after each month's start: (months + 1, n, R)."""
    model = RecognitionModel(scenario, replicates, rng=seed)
    out = [model.utility_offset.copy()]
    for _ in range(scenario.months):
        model.step()
        out.append(model.utility_offset.copy())
    return np.stack(out)


def test_recognize_moves_the_state_in_its_month_and_logs_it():
    scenario = tiny([{"kind": "recognize", "name": "a_up", "states": ["A"], "at": 4}])
    model = RecognitionModel(scenario, 5, rng=1)
    model.run()
    assert (model.levels[0] == 3).all()
    assert (model.first_month[:, 0] == [[0] * 5, [4] * 5, [4] * 5]).all()
    assert (model.levels[1:] == [[2], [0]]).all()  # the others do not move
    events = model.shocks.events()
    assert events.tolist() == [[run, 4, 0] for run in range(5)]


def test_recognize_is_seen_by_partners_the_same_month():
    # B follows A's de jure step for sure (utility 50 vs threshold 25), never otherwise.
    scenario = tiny([{"kind": "recognize", "name": "a_up", "states": ["A"], "at": "2025-11"}],
                    weights={"social": 50.0}, thresholds=STILL | {"level_3": 25.0},
                    ties=[{"from": "B", "to": "A", "back_weight": 0.0}])
    model = RecognitionModel(scenario, 4, rng=2)
    model.run()
    assert (model.first_month[2, 0] == 4).all()  # 2025-11 is month 4 after 2025-07
    assert (model.first_month[2, 1] == 4).all()


def test_forced_drop_is_recorded_as_a_downgrade():
    scenario = tiny([{"kind": "recognize", "name": "b_down", "states": ["B"], "level": 0,
                      "at": 2}])
    model = RecognitionModel(scenario, 3, rng=0)
    model.run()
    assert (model.levels[1] == 0).all()
    assert (model.first_downgrade[1] == 2).all()


def test_forced_level_counts_as_reached_even_if_dropped_the_same_month():
    # C (at none) is forced to de jure at the start of month 3 and steps down that same month
    # for sure (downgrade hazard 1 - 1e-40): it still reached de jure in month 3, and dropped
    scenario = tiny([{"kind": "recognize", "name": "c_up", "states": ["C"], "at": 3}],
                    thresholds=STILL | {"downgrade": -100.0}, model={"reversible": True})
    model = RecognitionModel(scenario, 4, rng=5)
    model.step(), model.step(), model.step()
    assert (model.levels[2] < 3).all()
    assert (model.first_month[:, 2] == 3).all()
    assert (model.first_downgrade[2] == 3).all()


def test_once_hazard_fires_at_most_once_with_geometric_timing():
    scenario = tiny([{"kind": "bloc", "name": "b", "states": ["A", "B"], "hazard": 0.1}],
                    months=24)
    reps = 20_000
    fires = fire_schedule(scenario.shocks[0], scenario, reps, np.random.default_rng(3))
    assert not fires[0].any()
    assert fires.sum(axis=0).max() == 1
    for month in (6, 24):
        expected = 1 - 0.9**month
        observed = fires[: month + 1].any(axis=0).mean()
        assert abs(observed - expected) < 4 * np.sqrt(expected * (1 - expected) / reps)


def test_repeating_hazard_fires_each_month_independently():
    scenario = tiny([{"kind": "attack", "name": "hit", "project": "P", "hazard": 0.1,
                      "repeat": True}], months=24)
    reps = 20_000
    fires = fire_schedule(scenario.shocks[0], scenario, reps, np.random.default_rng(4))
    counts = fires.sum(axis=0)
    assert not fires[0].any()
    assert abs(counts.mean() - 2.4) < 4 * np.sqrt(24 * 0.1 * 0.9 / reps)  # binomial(24, 0.1)
    assert abs(fires[1:].mean(axis=1) - 0.1).max() < 4 * np.sqrt(0.09 / reps)


def test_schedule_is_fixed_by_the_seed():
    scenario = tiny([{"kind": "incentive", "name": "w", "states": ["A"], "factor": "water",
                      "add": 1.0, "hazard": 0.2}])

    def events(seed: int) -> list[list[int]]:
        model = RecognitionModel(scenario, 50, rng=seed)
        model.run()
        return model.shocks.events().tolist()

    assert events(5) == events(5)
    assert events(5) != events(6)
    months = {month for _, month, _ in events(5)}
    assert len(months) > 1  # random timing differs across replicates


def test_shocks_that_never_fire_leave_the_baseline_untouched():
    base = load_scenario("scenarios/baseline.toml")
    data = base.model_dump(by_alias=True) | {"shocks": [
        {"kind": "recognize", "name": "never", "states": ["CHN"], "hazard": 1e-12},
        {"kind": "bloc", "name": "never_bloc", "states": ["KAZ", "UZB"], "hazard": 1e-12},
    ]}
    shocked = scenario_from_dict(data)
    a, b = run_ensemble(base, 300, 11), run_ensemble(shocked, 300, 11)
    assert len(b.fired) == 0
    assert np.array_equal(a.final_level, b.final_level)
    assert np.array_equal(a.first_month, b.first_month)


def test_incentive_step_with_half_life():
    scenario = tiny([{"kind": "incentive", "name": "dry", "states": ["A"], "factor": "water",
                      "add": 1.0, "half_life": 3.0, "at": 2}])
    offsets = offsets_by_month(scenario)[:, 0, 0]
    months = np.arange(9)
    expected = np.where(months >= 2, -0.5 * 0.5 ** ((months - 2) / 3.0), 0.0)
    np.testing.assert_allclose(offsets, expected, atol=1e-12)


def test_incentive_scale_multiplies_the_states_own_intensity():
    scenario = tiny([{"kind": "incentive", "name": "half", "states": ["A"], "factor": "water",
                      "scale": 0.5, "at": 1}])
    offsets = offsets_by_month(scenario)
    np.testing.assert_allclose(offsets[1:, 0], 0.5)  # water -0.5 x (1.0 - 2.0)
    assert not offsets[:, 1:].any()


def test_intensity_never_goes_below_zero():
    scenario = tiny([{"kind": "incentive", "name": "cut", "states": ["A"],
                      "factor": "connectivity", "add": -10.0, "at": 1}])
    np.testing.assert_allclose(offsets_by_month(scenario)[1:, 0], -0.6 * 3.0)


def test_attack_hits_stakeholders_and_threatened_then_recovers_linearly():
    scenario = tiny([{"kind": "attack", "name": "hit", "project": "P", "at": 1,
                      "connectivity_loss": 2.0, "security_gain": 1.0, "recovery_months": 4}])
    offsets = offsets_by_month(scenario)
    profile = np.array([0, 1, 0.75, 0.5, 0.25, 0, 0, 0, 0])
    np.testing.assert_allclose(offsets[:, 0, 0], -0.6 * 2.0 * profile)
    np.testing.assert_allclose(offsets[:, 1, 0], 0.5 * 1.0 * profile)
    assert not offsets[:, 2].any()


def test_repeated_attacks_add_up():
    scenario = tiny([{"kind": "attack", "name": "hit", "project": "P", "hazard": 1.0,
                      "repeat": True, "connectivity_loss": 1.0, "security_gain": 0.0,
                      "recovery_months": 2}])
    offsets = offsets_by_month(scenario)[:, 0, 0]
    np.testing.assert_allclose(offsets, -0.6 * np.array([0, 1, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5,
                                                         1.5]))


@pytest.mark.parametrize(
    ("directed", "shock", "ties_after"),
    [
        (False, {"weight": 5.0}, [{"from": "A", "to": "B", "weight": 5.0}]),
        (False, {"weight": 5.0, "back_weight": 0.0},
         [{"from": "A", "to": "B", "weight": 5.0, "back_weight": 0.0}]),
        (True, {"weight": 0.5}, [{"from": "A", "to": "B", "weight": 0.5, "back_weight": 2.0}]),
    ],
)
def test_tie_shock_matches_a_network_rebuilt_with_the_new_tie(directed, shock, ties_after):
    """Where active, corrected shares equal those of the changed network; elsewhere untouched."""
    others = [{"from": "B", "to": "C", "weight": 2.0}, {"from": "A", "to": "C", "weight": 0.7}]
    before = [{"from": "A", "to": "B", "weight": 1.0} | ({"back_weight": 2.0} if directed else {})]
    common = {"network": {"directed": directed}, "months": 3}
    shocked = tiny([{"kind": "tie", "name": "t", "from": "A", "to": "B", "hazard": 0.5} | shock],
                   ties=before + others, **common)
    plain = tiny([], ties=before + others, **common)
    rebuilt = tiny([], ties=ties_after + others, **common)
    model = RecognitionModel(shocked, 40, rng=8)
    for _ in range(3):
        model.step()
        active = model.shocks.fires[0][: model.month + 1].any(axis=0)
        for reference, where in ((rebuilt, active), (plain, ~active)):
            ref = RecognitionModel(reference, 40, rng=0)
            ref.levels[:] = model.levels
            np.testing.assert_allclose(model.shares[..., where], ref.social_shares()[..., where],
                                       rtol=1e-12)
    assert 0 < active.sum() < 40


def bloc_scenario(levels: tuple[int, int], propensities: tuple[float, float],
                  thresholds: float) -> Any:
    states = {
        name: {"name": name, "level": level, "propensity": prop}
        for name, level, prop in zip("AB", levels, propensities, strict=True)
    }
    return scenario_from_dict({
        "name": "bloc", "months": 6, "weights": {"social": 0.0},
        "model": {"reversible": False},  # downgrades stay individual: keep them out
        "thresholds": dict.fromkeys(("level_1", "level_2", "level_3"), thresholds),
        "states": states,
        "shocks": [{"kind": "bloc", "name": "pact", "states": ["A", "B"], "at": 1}],
    })


def test_bloc_climbs_on_its_average_utility_in_one_draw():
    # Alone, A (+41) always climbs and B (-39) never; together the mean, 1, meets the
    # threshold of 1: a coin flip.
    model = RecognitionModel(bloc_scenario((0, 0), (41.0, -39.0), 1.0), 4000, rng=9)
    model.step()
    assert np.array_equal(model.levels[0], model.levels[1])
    assert abs(model.levels[0].mean() - 0.5) < 4 * np.sqrt(0.25 / 4000)
    for _ in range(5):
        model.step()
        assert np.array_equal(model.levels[0], model.levels[1])


def test_bloc_members_ahead_wait_for_the_laggard():
    model = RecognitionModel(bloc_scenario((2, 0), (40.0, 40.0), 0.0), 3, rng=10)
    model.run()
    # B climbs 0 -> 1 -> 2 in months 1 and 2; A waits at 2 and both reach 3 in month 3.
    assert (model.first_month[:, 1] == [[1] * 3, [2] * 3, [3] * 3]).all()
    assert (model.first_month[2, 0] == 3).all()


def test_results_do_not_depend_on_agent_order(monkeypatch):
    scenario = load_scenario("scenarios/iskp_random_attacks.toml")
    data = scenario.model_dump(by_alias=True)
    data["shocks"] = [*data["shocks"],
                      {"kind": "bloc", "name": "b", "states": ["KAZ", "KGZ"], "hazard": 0.1},
                      {"kind": "tie", "name": "t", "from": "TJK", "to": "RUS", "weight": 3.0,
                       "at": 3}]
    scenario = scenario_from_dict(data)

    def final(order: str) -> np.ndarray:
        model = RecognitionModel(scenario, 200, rng=12)
        if order == "reversed":
            monkeypatch.setattr(mesa.agent.AgentSet, "shuffle_do",
                                lambda agents, method: [getattr(a, method)()
                                                        for a in reversed(list(agents))])
        model.run()
        monkeypatch.undo()
        return model.levels

    assert np.array_equal(final("shuffled"), final("reversed"))


def test_ensemble_offsets_runs_of_each_chunk():
    scenario = load_scenario("scenarios/iskp_random_attacks.toml")
    tasks = plan_chunks(scenario, 25, seed=3, chunk_size=10)
    parts = [simulate_chunk(task) for task in tasks]
    joined = run_ensemble(scenario, 25, 3, chunk_size=10)
    expected = np.concatenate([p.fired + np.array([10 * c, 0, 0]) for c, p in enumerate(parts)])
    assert np.array_equal(joined.fired, expected)
    table = shocks_table(joined, scenario)
    assert list(table.columns) == ["run", "month", "shock"]
    assert table["run"].between(0, 24).all() and table["month"].between(1, 60).all()
    assert table.equals(table.sort_values(["run", "month"], kind="stable"))
    assert set(table["shock"]) <= {s.name for s in scenario.shocks}


def test_shocks_name_the_states_of_a_generated_population():
    scenario = scenario_from_dict({
        "name": "pop", "months": 4, "thresholds": STILL,
        "population": {"generator": "erdos_renyi", "size": 30, "mean_degree": 3.0},
        "shocks": [{"kind": "recognize", "name": "s7_up", "states": ["S7"], "at": 2},
                   {"kind": "tie", "name": "link", "from": "S0", "to": "S29", "weight": 5.0,
                    "at": 1}],
    })
    model = RecognitionModel(scenario, 4, rng=0)
    model.run()
    assert (model.first_month[2, 7] == 2).all()
    assert (model.levels[np.arange(30) != 7] == 0).all()


def test_threshold_rule_takes_recognize_shocks():
    scenario = scenario_from_dict({
        "name": "thr", "months": 3, "model": {"rule": "threshold", "threshold": {"value": 0.5}},
        "states": {s: {"name": s} for s in "ABC"},
        "ties": [{"from": "A", "to": "B"}, {"from": "B", "to": "C"}],
        "shocks": [{"kind": "recognize", "name": "a_up", "states": ["A"], "level": 1, "at": 1}],
    })
    model = RecognitionModel(scenario, 2, rng=0)
    model.run()
    # A moves to 1 in month 1; B (half its ties at A) follows in month 1, C in month 2.
    assert model.first_month[0].tolist() == [[1, 1], [1, 1], [2, 2]]
