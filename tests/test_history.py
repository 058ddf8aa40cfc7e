"""``[[history]]``: shocks dated by the start month act in a run as what lingers of them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim.model.model import RecognitionModel
from sim.scenario.loading import ScenarioError, scenario_from_dict

STILL = {"level_1": 100.0, "level_2": 100.0, "level_3": 100.0, "downgrade": 100.0}


def tiny(history: list[dict[str, Any]], **extra: Any) -> Any:
    """Two states from 2025-07; nobody moves on their own."""
    data: dict[str, Any] = {
        "name": "tiny", "start": "2025-07", "months": 14,
        "weights": {"social": 0.0, "connectivity": 0.5, "security": 2.0},
        "thresholds": STILL,
        "states": {"A": {"name": "A", "level": 1, "connectivity": 1.0},
                   "B": {"name": "B", "level": 2}},
        "ties": [{"from": "A", "to": "B"}],
        "projects": {"P": {"stakeholders": ["A"], "threatened": ["B"]}},
        "history": history,
    }
    return scenario_from_dict(data | extra)


def offsets(scenario: Any) -> np.ndarray:
    """``utility_offset`` of each state in months 1..months (one replicate)."""
    model = RecognitionModel(scenario, 1, rng=0)
    out = []
    for _ in range(scenario.months):
        model.step()
        out.append(model.utility_offset[:, 0].copy())
    return np.array(out)


def test_a_past_incentive_change_holds_from_the_first_month():
    scenario = tiny([{"kind": "incentive", "name": "deal", "states": ["A"],
                      "factor": "connectivity", "add": 2.0, "at": "2024-09"}])
    assert offsets(scenario)[:, 0] == pytest.approx(np.full(14, 0.5 * 2.0))


def test_a_past_incentive_change_with_a_half_life_keeps_decaying():
    scenario = tiny([{"kind": "incentive", "name": "deal", "states": ["A"],
                      "factor": "connectivity", "add": 2.0, "half_life": 6, "at": "2025-01"}])
    months = np.arange(1, 15)
    expected = 0.5 * 2.0 * 0.5 ** ((months + 6) / 6)  # fired 6 months before month 0
    assert offsets(scenario)[:, 0] == pytest.approx(expected)


def test_what_lingers_of_a_past_attack_recovers_linearly():
    scenario = tiny([{"kind": "attack", "name": "hit", "project": "P", "at": "2025-04"}])
    lag = np.arange(1, 15) + 3  # months since the attack, from month 1 on
    strength = np.clip(1 - lag / 12, 0, None)
    got = offsets(scenario)
    assert got[:, 1] == pytest.approx(2.0 * 1.0 * strength)  # B threatened: security
    # A's connectivity of 1 is cut by the loss of 1, floored at zero: -0.5 * strength
    assert got[:, 0] == pytest.approx(-0.5 * np.minimum(strength, 1.0))


def test_a_past_recognition_changes_nothing_in_a_run():
    with_history = tiny([{"kind": "recognize", "name": "r", "states": ["A"], "at": "2025-02"}])
    model = RecognitionModel(with_history, 3, rng=1)
    model.run()
    assert np.all(model.levels == np.array([[1], [2]]))


def test_a_past_tie_is_in_force_from_month_zero():
    scenario = tiny([{"kind": "tie", "name": "cut", "from": "A", "to": "B", "weight": 0.0,
                      "at": "2025-03"}], weights={"social": 5.0})
    model = RecognitionModel(scenario, 1, rng=0)
    model.step()
    assert model.shares[:, 0, 0].tolist() == [0.0, 0.0, 0.0]  # A no longer watches B


@pytest.mark.parametrize(("shock", "message"), [
    ({"at": "2025-08"}, "history.0.at: 2025-08 is after the start month 2025-07; a shock "
                        "still to come belongs in [[shocks]]"),
    ({"at": -3}, "history.0.at: give the month as 'YYYY-MM' (a month index counts from "
                 "the start)"),
    ({"at": None, "hazard": 0.1}, "history.0.at: a shock of the history happened: give its "
                                  "month as at = 'YYYY-MM'"),
])
def test_history_must_be_dated_by_the_start(shock, message):
    base = {"kind": "incentive", "name": "deal", "states": ["A"], "factor": "connectivity",
            "add": 1.0}
    with pytest.raises(ScenarioError) as info:
        tiny([{k: v for k, v in (base | shock).items() if v is not None}])
    assert info.value.lines() == [f"<scenario>: {message}"]


def test_a_name_is_unique_across_history_and_shocks():
    history = [{"kind": "recognize", "name": "same", "states": ["A"], "at": "2025-01"}]
    shocks = [{"kind": "recognize", "name": "same", "states": ["B"], "at": 2}]
    with pytest.raises(ScenarioError, match=r"shocks\.0\.name: another shock is already named"):
        tiny(history, shocks=shocks)
