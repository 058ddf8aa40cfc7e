"""Scenario discovery: PRIM recovers a known box; the condition parser; `recsim discover`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sim.analysis.discovery import (
    BOX_COLUMNS,
    Box,
    DiscoveryError,
    box_sentence,
    choose_box,
    discover,
    limit_words,
)
from sim.analysis.experiments import ExperimentsError, is_outcome_name, read_experiments
from sim.analysis.where import ConditionError, parse_condition
from sim.cli import cli

# The known box: weights.social > 3 and thresholds.level_3 < 6.5; states.KAZ.propensity
# has no effect. Each parameter's limit must be found within 3% of its sampled range.
TOLERANCE = 0.03


def _synthetic(n: int = 4000, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    parameters = pd.DataFrame({
        "weights.social": rng.uniform(1, 6, n),
        "thresholds.level_3": rng.uniform(4, 9, n),
        "states.KAZ.propensity": rng.uniform(-2, 2, n),
    })
    inside = (parameters["weights.social"] > 3) & (parameters["thresholds.level_3"] < 6.5)
    # n_de_jure_ca is 3 or more exactly inside the box, 0 to 2 outside
    outcome = np.where(inside, 3 + rng.integers(0, 3, n), rng.integers(0, 3, n))
    return parameters, pd.DataFrame({"n_de_jure_ca": outcome, "p_de_jure:KAZ": inside * 1})


def test_prim_recovers_a_known_box_and_leaves_the_inert_parameter_alone():
    parameters, outcomes = _synthetic()
    interest = parse_condition(">= 3")(outcomes["n_de_jure_ca"].to_numpy())
    found = discover(parameters, interest)
    box = found.box
    assert set(box.limits) == {"weights.social", "thresholds.level_3"}  # not the propensity
    low, _ = box.limits["weights.social"]
    _, high = box.limits["thresholds.level_3"]
    assert abs(low - 3.0) <= TOLERANCE * 5 and abs(high - 6.5) <= TOLERANCE * 5
    assert box.density >= 0.95 and box.coverage >= 0.95
    assert box.qp_values["weights.social"] < 0.05 and box.qp_values["thresholds.level_3"] < 0.05
    # the box's statistics are what they say, counted directly
    inside = box.contains(parameters)
    assert box.mass == pytest.approx(inside.mean())
    assert box.density == pytest.approx(interest[inside].mean())
    assert box.coverage == pytest.approx(interest[inside].sum() / interest.sum())


def test_no_box_is_found_in_pure_noise():
    """An outcome unrelated to every parameter: the chosen box barely beats the base rate."""
    parameters, _ = _synthetic(3000, seed=3)
    interest = np.random.default_rng(5).random(3000) < 0.3
    found = discover(parameters, interest)
    assert found.box.density < 0.45  # the base rate is 0.3; an exact box would reach 1


def test_choice_rule_is_the_knee_with_an_optional_density_floor():
    def box(i, coverage, density, restricted=1):
        return Box(i, coverage, density, 0.5, {f"p{j}": (0, 1) for j in range(restricted)}, {})

    boxes = [box(0, 1.0, 0.3, 0), box(1, 0.95, 0.6), box(2, 0.85, 0.85), box(3, 0.5, 1.0, 2)]
    assert choose_box(boxes)[0] == 2  # nearest (1, 1)
    assert choose_box(boxes, min_density=0.9)[0] == 3
    with pytest.raises(DiscoveryError, match="no box reaches a density of 100%"):
        choose_box(boxes[:3], min_density=1.0)
    tied = [box(0, 0.9, 0.8, 2), box(1, 0.9, 0.8, 1)]
    assert choose_box(tied)[0] == 1  # same distance: fewer restrictions


def test_box_in_words():
    ranges = {"weights.social": (1.0, 6.0), "thresholds.level_3": (4.0, 9.0), "k": (0.0, 9.0)}
    words = limit_words({"weights.social": (4.1234, 6.0), "thresholds.level_3": (4.0, 6.8),
                         "k": (2.0, 5.0)}, ranges, frozenset({"k"}))
    assert words == "weights.social ≥ 4.12 and thresholds.level_3 ≤ 6.8 and 2 ≤ k ≤ 5"
    parameters, outcomes = _synthetic(2000)
    found = discover(parameters, outcomes["n_de_jure_ca"].to_numpy() >= 3)
    sentence = box_sentence(found, "n_de_jure_ca", parse_condition(">= 3"), per_run=True)
    assert sentence.startswith("When weights.social ≥ ") and "thresholds.level_3 ≤ " in sentence
    assert f"{found.box.density:.0%} of runs have n_de_jure_ca at least 3, covering " \
           f"{found.box.coverage:.0%} of all such runs" in sentence


def test_boxes_table_has_one_row_per_restriction():
    parameters, outcomes = _synthetic(2000)
    found = discover(parameters, outcomes["n_de_jure_ca"].to_numpy() >= 3)
    table = found.table()
    assert list(table.columns) == list(BOX_COLUMNS)
    assert table.loc[table["box"] == 0, "param"].tolist() == [""]  # box 0 restricts nothing
    assert sorted(table["box"].unique()) == list(range(len(found.boxes)))
    chosen = table[table["box"] == found.chosen]
    assert set(chosen["param"]) == set(found.box.limits)


@pytest.mark.parametrize("text", ["=> 3", "3", ">= x", ">= 3; import os", "", "> nan",
                                  ">= 1e999"])
def test_bad_conditions_are_refused(text):
    with pytest.raises(ConditionError):
        parse_condition(text)


def test_conditions_compare_without_eval():
    values = np.array([0.0, 0.5, 3.0, 4.0, np.nan])
    assert parse_condition(">= 3")(values).tolist() == [False, False, True, True, False]
    assert parse_condition("== 4")(values).tolist() == [False, False, False, True, False]
    assert parse_condition("!=.5")(values).tolist() == [True, False, True, True, False]
    assert parse_condition("< -1e-2")(values).tolist() == [False] * 5


def test_outcome_names():
    assert all(map(is_outcome_name, ["n_de_jure", "n_de_jure_ca", "p_de_jure:KAZ",
                                     "months_to_ca:3", "p_cascade_ca"]))
    assert not any(map(is_outcome_name, ["weights.social", "p_de_jure", "n_de_jure:KAZ",
                                          "p_de_jure:KAZ_se", "runs"]))


@pytest.fixture
def experiments_dir(tmp_path):
    parameters, outcomes = _synthetic(3000)
    folder = tmp_path / "explore"
    folder.mkdir()
    pd.concat([parameters, outcomes], axis=1).to_parquet(folder / "experiments.parquet")
    (folder / "manifest.json").write_text(json.dumps({"parameters": list(parameters)}))
    return folder


def test_discover_command_writes_everything(experiments_dir, tmp_path):
    out = tmp_path / "found"
    result = CliRunner().invoke(cli, ["discover", str(experiments_dir), "--outcome",
                                      "n_de_jure_ca", "--where", ">= 3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(out)
    assert sorted(p.name for p in out.iterdir()) == ["boxes.csv", "manifest.json", "pairs.png",
                                                     "report.html", "trajectory.png"]
    boxes = pd.read_csv(out / "boxes.csv")
    manifest = json.loads((out / "manifest.json").read_text())
    chosen = boxes[boxes["box"] == manifest["chosen_box"]]
    assert set(chosen["param"]) == {"weights.social", "thresholds.level_3"}
    assert manifest["cases"] == 3000 and manifest["per_run"] is True
    report = (out / "report.html").read_text()
    assert "When weights.social ≥ " in report and "of runs have n_de_jure_ca at least 3" in report
    assert "<script" not in report and "data:image/png;base64," in report
    again = CliRunner().invoke(cli, ["discover", str(experiments_dir), "--outcome",
                                     "n_de_jure_ca", "--where", ">= 3", "--box", "2",
                                     "--out", str(tmp_path / "box2")])
    assert again.exit_code == 0, again.output
    assert json.loads((tmp_path / "box2" / "manifest.json").read_text())["chosen_box"] == 2


def test_discover_reads_a_sweep(tmp_path):
    parameters, outcomes = _synthetic(400)
    folder = tmp_path / "sweep"
    folder.mkdir()
    table = pd.concat([pd.DataFrame({"point": range(400)}), parameters,
                       pd.DataFrame({"runs": 100}, index=range(400)), outcomes,
                       pd.DataFrame({"n_de_jure_ca_se": 0.1}, index=range(400))], axis=1)
    table.to_csv(folder / "sweep.csv", index=False)
    experiments = read_experiments(folder)
    assert list(experiments.parameters.columns) == list(parameters.columns)
    assert list(experiments.outcomes.columns) == ["n_de_jure_ca", "p_de_jure:KAZ"]
    assert not experiments.per_run
    result = CliRunner().invoke(cli, ["discover", str(folder), "--outcome", "p_de_jure:KAZ",
                                      "--where", "> 0.5"])
    assert result.exit_code == 0, result.output
    written = [p for p in folder.iterdir() if p.name.startswith("discover-p_de_jure-KAZ-")]
    assert len(written) == 1 and (written[0] / "boxes.csv").is_file()
    assert "of design points have p_de_jure:KAZ above 0.5" in \
        (written[0] / "report.html").read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["--where", "=> 3"], "--where: '=> 3' is not a comparison"),
    (["--where", ">= 99"], "no case meets the condition"),
    (["--where", ">= 3", "--box", "999"], "--box 999: the trajectory has boxes 0 to"),
    (["--where", ">= 3", "--outcome", "n_de_jure_cx"], "no outcome 'n_de_jure_cx'; did you "
                                                        "mean 'n_de_jure_ca'?"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(experiments_dir, tmp_path, args,
                                                         message):
    out = tmp_path / "nothing"
    argv = ["discover", str(experiments_dir), "--outcome", "n_de_jure_ca", *args,
            "--out", str(out)]
    if "--outcome" in args:
        argv[2:4] = []
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert not out.exists()


def test_a_directory_without_experiments(tmp_path):
    with pytest.raises(ExperimentsError, match=r"no experiments: expected one of "
                                               r"experiments\.parquet, sweep\.csv"):
        read_experiments(tmp_path)
    result = CliRunner().invoke(cli, ["discover", str(tmp_path), "--outcome", "n_de_jure",
                                      "--where", ">= 1", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "no experiments" in result.output
