"""``recsim explore-space``: one run per parameter vector, in one ensemble."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT

from sim.cli import cli
from sim.study.design import Range
from sim.study.space import latin_hypercube

BASELINE = str(ROOT / "scenarios" / "baseline.toml")
PARAMS = ["--param", "weights.social=0:8", "--param", "thresholds.level_3=4:10"]


def explore(out, *extra):
    return CliRunner().invoke(cli, ["explore-space", BASELINE, *PARAMS, "--samples", "3000",
                                    "--out", str(out), "--quiet", *extra])


def test_latin_hypercube_fills_each_range_evenly():
    values = latin_hypercube([Range("weights.social", 0, 8), Range("thresholds.level_1", 2, 3)],
                             1000, seed=1)
    social = values.column("weights.social")
    assert social.min() >= 0 and social.max() <= 8
    # one point in each of the 1,000 equal slices of the range: a Latin hypercube
    assert np.array_equal(np.sort(np.floor(social / 8 * 1000)), np.arange(1000))
    again = latin_hypercube([Range("weights.social", 0, 8), Range("thresholds.level_1", 2, 3)],
                            1000, seed=1)
    assert np.array_equal(values.values, again.values)


@pytest.fixture(scope="module")
def explored(tmp_path_factory):
    out = tmp_path_factory.mktemp("x") / "explore"
    result = explore(out)
    assert result.exit_code == 0, result.output
    return out


def test_one_row_per_run_with_parameters_and_outcomes(explored):
    table = pd.read_parquet(explored / "experiments.parquet")
    assert len(table) == 3000 and list(table.columns[:3]) == ["run", "weights.social",
                                                              "thresholds.level_3"]
    assert {"n_de_jure", "n_de_jure_ca", "p_cascade_ca", "months_to_ca:3",
            "p_de_jure:KAZ"} <= set(table.columns)
    assert set(np.unique(table["p_de_jure:KAZ"])) <= {0, 1}
    # each run really used its own parameters: more social pull, more recognisers
    assert np.corrcoef(table["weights.social"], table["n_de_jure"])[0, 1] > 0.2
    assert np.corrcoef(table["thresholds.level_3"], table["n_de_jure"])[0, 1] < -0.2
    manifest = json.loads((explored / "manifest.json").read_text())
    assert manifest["parameters"] == ["weights.social", "thresholds.level_3"]
    assert manifest["samples"] == 3000 and manifest["parameter_uncertainty"]["rows"] == 1000


def test_same_seed_same_bytes_other_seed_other(explored, tmp_path):
    again = explore(tmp_path / "again")
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again" / "experiments.parquet").read_bytes() == \
        (explored / "experiments.parquet").read_bytes()
    other = explore(tmp_path / "other", "--seed", "2")
    assert other.exit_code == 0, other.output
    assert (tmp_path / "other" / "experiments.parquet").read_bytes() != \
        (explored / "experiments.parquet").read_bytes()


def test_discover_reads_an_exploration(explored, tmp_path):
    out = tmp_path / "found"
    result = CliRunner().invoke(cli, ["discover", str(explored), "--outcome", "n_de_jure",
                                      "--where", ">= 6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    boxes = pd.read_csv(out / "boxes.csv")
    assert set(boxes["param"].dropna()) <= {"weights.social", "thresholds.level_3"}


@pytest.mark.parametrize(("params", "message"), [
    (["--param", "ties.0.weight=0.5:2"], "cannot vary from replicate to replicate"),
    (["--param", "weights.social=2"], "expected PATH=LO:HI"),
    ([], "give at least one --param"),
])
def test_bad_explorations_are_one_line(tmp_path, params, message):
    out = tmp_path / "never"
    result = CliRunner().invoke(cli, ["explore-space", BASELINE, *params, "--samples", "10",
                                      "--out", str(out), "--quiet"])
    assert result.exit_code == 2, result.output
    assert message in result.output and not out.exists()
