"""Per-replicate parameters: known answers, determinism, pairing, and bad draws files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import tiny

from sim.cli import cli
from sim.engine.ensemble import plan_chunks, run_ensemble
from sim.engine.process import ProcessExecutor
from sim.engine.uncertainty import draw_rows, drawn_values, without_uncertainty
from sim.model.model import RecognitionModel
from sim.model.parameters import ReplicateValues
from sim.scenario.loading import ScenarioError, load_scenario, scenario_from_dict


def test_each_replicate_uses_its_own_parameters():
    # two states at 0; replicate 0 has a huge propensity for A, replicate 1 a huge negative
    scenario = tiny({"A": {"level": 0}, "B": {"level": 0}}, months=3,
                    thresholds={"level_1": 0.0, "level_2": 0.0, "level_3": 0.0,
                                "downgrade": 100.0})
    values = ReplicateValues(("states.A.propensity",), np.array([[100.0], [-100.0]]))
    model = RecognitionModel(scenario, 2, rng=1, values=values)
    model.run()
    assert model.levels[0].tolist() == [3, 0]  # A: all the way up / never
    # B has the scenario's own values (U = 0, thresholds 0: hazard 1/2) in both
    assert model.parameters.base_utility[1].tolist() == [0.0, 0.0]


def test_thresholds_and_weights_vary_by_replicate_as_well():
    scenario = tiny({"A": {"level": 0, "security": 1.0}}, months=1,
                    thresholds={"level_1": 5.0, "downgrade": 100.0})
    values = ReplicateValues(("weights.security", "thresholds.level_1"),
                             np.array([[10.0, 0.0], [0.0, 50.0]]))
    model = RecognitionModel(scenario, 2, rng=1, values=values)
    model.step()
    agent = model.state_agents[0]
    expected = 1 / (1 + np.exp(-np.array([10.0 - 0.0, 0.0 - 50.0])))
    assert agent.p_up == pytest.approx(expected)


def draws_csv(tmp_path: Path, rows: str, header: str = "weights.social,thresholds.level_3"
              ) -> Path:
    path = tmp_path / "draws.csv"
    path.write_text(header + "\n" + rows)
    return path


def with_draws(tmp_path: Path, rows: str = "2.0,6.0\n6.0,9.0\n4.0,7.5\n", **uncertainty):
    baseline = load_scenario(ROOT / "scenarios" / "baseline.toml")
    data = baseline.model_dump(by_alias=True) | {
        "months": 24, "uncertainty": {"draws": str(draws_csv(tmp_path, rows))} | uncertainty}
    return scenario_from_dict(data)


def test_draw_rows_are_fixed_by_the_seed_and_pair_across_scenarios(tmp_path):
    seed = np.random.SeedSequence(7).spawn(3)[2]
    assert np.array_equal(draw_rows(seed, 100, 5), draw_rows(seed, 100, 5))
    assert not np.array_equal(draw_rows(seed, 100, 5),
                              draw_rows(np.random.SeedSequence(8).spawn(3)[2], 100, 5))
    scenario = with_draws(tmp_path)
    shocked = scenario_from_dict(scenario.model_dump(by_alias=True) | {"shocks": [
        {"kind": "recognize", "name": "cn", "states": ["CHN"], "at": 3}]})
    a = plan_chunks(scenario, 12_000, 5)
    b = plan_chunks(shocked, 12_000, 5)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.values.values, y.values.values)  # same rows, same runs


def test_results_with_draws_do_not_depend_on_workers(tmp_path):
    scenario = with_draws(tmp_path)
    serial = run_ensemble(scenario, 7_000, 3, chunk_size=2_000)
    pooled = run_ensemble(scenario, 7_000, 3, chunk_size=2_000, executor=ProcessExecutor(2))
    assert np.array_equal(serial.final_level, pooled.final_level)
    assert np.array_equal(serial.first_month, pooled.first_month)


def test_draws_change_the_distribution_and_off_means_the_means(tmp_path):
    scenario = with_draws(tmp_path, means={"weights.social": 4.0, "thresholds.level_3": 7.5})
    values = drawn_values(scenario, 1000, np.random.SeedSequence(1))
    assert set(np.unique(values.column("weights.social"))) == {2.0, 4.0, 6.0}
    point = without_uncertainty(scenario)
    assert point.uncertainty.draws is None
    assert point.weights.social == 4.0 and point.thresholds.level_3 == 7.5
    # without means, switching off takes the draws' column means
    plain = without_uncertainty(with_draws(tmp_path))
    assert plain.weights.social == pytest.approx(4.0)
    assert plain.thresholds.level_3 == pytest.approx(7.5)


@pytest.mark.parametrize(("header", "rows", "message"), [
    ("weights.social,ties.0.weight", "1,2\n", "column 'ties.0.weight' cannot vary"),
    ("states.XYZ.propensity", "1\n", "no state 'XYZ'"),
])
def test_bad_draws_columns_are_refused_at_load(tmp_path, header, rows, message):
    path = draws_csv(tmp_path, rows, header)
    data = load_scenario(ROOT / "scenarios" / "baseline.toml").model_dump(by_alias=True)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data | {"uncertainty": {"draws": str(path)}})
    assert info.value.problems[0][0] == "uncertainty.draws"
    assert message in info.value.problems[0][1]


def test_bad_draws_values_fail_the_run_in_one_line(tmp_path):
    scenario_file = tmp_path / "s.toml"
    draws_csv(tmp_path, "2.0,6.0\nnan,7.0\n")
    scenario_file.write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\n'
                             'name = "s"\n[uncertainty]\ndraws = "draws.csv"\n')
    result = CliRunner().invoke(cli, ["run", str(scenario_file), "--runs", "10",
                                      "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 2, result.output
    assert "draw 2, column weights.social: nan is outside [-100, 100]" in result.output
    assert not (tmp_path / "out").exists()


def test_run_records_the_draws_and_no_uncertainty_removes_them(tmp_path):
    scenario = with_draws(tmp_path)
    file = tmp_path / "w.toml"
    from sim.results.files import scenario_toml

    file.write_text(scenario_toml(scenario))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(file), "--runs", "50", "--out", str(out),
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    import json

    record = json.loads((out / "manifest.json").read_text())["parameter_uncertainty"]
    assert record["rows"] == 3 and record["parameters"] == ["weights.social",
                                                            "thresholds.level_3"]
    result = CliRunner().invoke(cli, ["run", str(file), "--runs", "50", "--out",
                                      str(tmp_path / "point"), "--quiet", "--no-uncertainty"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "point" / "manifest.json").read_text())
    assert manifest["parameter_uncertainty"] is None


def test_a_child_that_sets_uncertainty_replaces_the_parents_whole(tmp_path):
    draws_csv(tmp_path, "3.0,7.0\n", header="weights.social,thresholds.level_3")
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\nname = "child"\n'
                     '[uncertainty]\ndraws = "draws.csv"\n')
    scenario = load_scenario(child)
    assert scenario.uncertainty.means == {}  # not the baseline's eleven means
    assert scenario.uncertainty.draws == str(tmp_path / "draws.csv")
