"""Parameter paths: listing, reading and setting every number of a scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.model.network import influence_matrix
from sim.scenario.loading import ScenarioError, load_scenario, scenario_from_dict
from sim.scenario.params import ParameterError, check_path, get_value, numeric_paths, with_values

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(ROOT / "scenarios" / "baseline.toml")


def test_paths_spell_keys_as_written_in_the_file(baseline):
    paths = numeric_paths(baseline)
    assert paths["weights.social"] == baseline.weights.social
    assert paths["thresholds.level_3"] == baseline.thresholds.level_3
    assert paths["states.KAZ.security"] == baseline.states["KAZ"].security
    assert paths["ties.3.weight"] == baseline.ties[3].weight
    assert paths["months"] == baseline.months
    # booleans and text are not parameters; unset optional numbers are not listed
    assert "model.reversible" not in paths
    assert "states.KAZ.central_asia" not in paths
    assert "name" not in paths
    assert baseline.ties[0].back_weight is None and "ties.0.back_weight" not in paths


def test_every_listed_path_round_trips(baseline):
    """Setting each path to its own value gives back the same scenario."""
    for path, value in numeric_paths(baseline).items():
        assert get_value(baseline, path) == value
    chosen = list(numeric_paths(baseline))[::17]
    same = with_values(baseline, {p: float(numeric_paths(baseline)[p]) for p in chosen})
    assert same == baseline


def test_setting_values_returns_a_new_validated_scenario(baseline):
    changed = with_values(baseline, {"weights.social": 2.5, "states.KAZ.level": 3.0,
                                     "ties.3.weight": 0.25, "ties.0.back_weight": 0.5})
    assert changed.weights.social == 2.5
    assert changed.states["KAZ"].level == 3 and isinstance(changed.states["KAZ"].level, int)
    assert changed.ties[3].weight == 0.25 and changed.ties[0].back_weight == 0.5
    assert baseline.weights.social == 4.0 and baseline.ties[3].weight != 0.25
    # the change reaches the model: the tie's row of the influence matrix moves
    assert not np.allclose(influence_matrix(changed), influence_matrix(baseline))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("weights.socail", "did you mean 'weights.social'"),
        ("states.KAZ.securty", "did you mean 'states.KAZ.security'"),
        ("name", "not numeric"),
        ("model.reversible", "true/false switch"),
        ("weights", "is a table, not a number; name one of its numbers, e.g. 'weights.social'"),
        ("ties.999.weight", "list of 99 entries, addressed by position 0 to 98"),
        ("weights.social.x", "'weights.social' is a number, not a table"),
    ],
)
def test_bad_paths_are_explained(baseline, path, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(")):
        check_path(baseline, path)


def test_out_of_range_values_name_the_key(baseline):
    with pytest.raises(ScenarioError, match=r"weights.social: Input should be less than"):
        with_values(baseline, {"weights.social": 500.0})
    with pytest.raises(ScenarioError, match=r"states.KAZ.level: .*integer"):
        with_values(baseline, {"states.KAZ.level": 2.5})


def test_shock_month_given_as_a_date_explains_how_to_vary_it():
    scenario = load_scenario(ROOT / "scenarios" / "iskp_attack_tapi.toml")
    assert numeric_paths(scenario)["shocks.0.connectivity_loss"] == 2.5
    with pytest.raises(ParameterError, match=r"'2026-03'\); to vary it, .* month index"):
        check_path(scenario, "shocks.0.at")
    by_index = scenario.model_dump(by_alias=True)
    by_index["shocks"][0]["at"] = 8
    moved = with_values(scenario_from_dict(by_index), {"shocks.0.at": 12.0})
    assert moved.shocks[0].at == 12
