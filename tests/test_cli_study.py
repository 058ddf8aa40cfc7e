"""``recsim params``, ``outcomes``, ``sweep`` and ``sensitivity`` through click's runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli, main
from sim.study.checkpoints import CheckpointStore

SMALL = str(Path(__file__).resolve().parent / "data" / "study_small.toml")
GRID = ["--grid", "weights.social=2:6:3", "--grid", "states.KAZ.level=1:2:2"]
FAST = ["--runs", "20", "--chunk-runs", "20", "--quiet"]


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "done"
    result = invoke("sweep", SMALL, *GRID, *FAST, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_params_lists_path_tab_value():
    result = invoke("params", SMALL)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "weights.social\t4.0" in lines
    assert "states.KAZ.level\t2" in lines
    assert "ties.2.weight\t1.0" in lines
    assert all(line.count("\t") == 1 for line in lines)
    matched = invoke("params", SMALL, "--match", "states.KAZ.*").output.splitlines()
    assert matched and all(line.startswith("states.KAZ.") for line in matched)


def test_outcomes_are_listed_and_documented():
    generic = invoke("outcomes")
    assert generic.exit_code == 0, generic.output
    for name in ("p_de_jure:STATE", "n_de_jure", "n_de_jure_ca", "months_to_ca:K",
                 "p_cascade_ca"):
        assert name in generic.output
    assert "censored" in generic.output
    named = invoke("outcomes", SMALL).output
    assert "p_de_jure:TJK\t" in named and "months_to_ca:5\t" in named


def test_sweep_writes_table_plots_and_manifest(finished_sweep):
    table = pd.read_csv(finished_sweep / "sweep.csv")
    assert len(table) == 6
    assert list(table.columns[:4]) == ["point", "weights.social", "states.KAZ.level", "runs"]
    for outcome in ("n_de_jure", "n_de_jure_ca", "p_cascade_ca", "months_to_ca:3",
                    "p_de_jure:KAZ"):
        assert outcome in table and f"{outcome}_se" in table
    for name in ("sweep_n_de_jure.png", "sweep_months_to_ca-3.png", "scenario.toml"):
        assert (finished_sweep / name).stat().st_size > 0
    manifest = json.loads((finished_sweep / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["design_points"] == 6
    assert manifest["seed"] == 1 and manifest["runs"] == 20 and manifest["scenario_sha256"]
    assert not list(finished_sweep.glob(".*tmp"))


def test_resume_after_lost_chunks_reproduces_the_bytes(finished_sweep, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(finished_sweep, partial)
    for name in ("sweep.csv", "manifest.json"):
        (partial / name).unlink()
    chunk_files = sorted((partial / "chunks").glob("*.npz"))
    for path in chunk_files[::2]:
        path.unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in chunk_files[1::2]}
    result = invoke("sweep", SMALL, *GRID, *FAST, "--resume", partial)
    assert result.exit_code == 0, result.output
    assert (partial / "sweep.csv").read_bytes() == (finished_sweep / "sweep.csv").read_bytes()
    manifest = json.loads((partial / "manifest.json").read_text())
    assert manifest["chunks_resumed"] == len(kept)
    # nothing finished was rewritten
    assert {n: (partial / "chunks" / n).stat().st_mtime_ns for n in kept} == kept


def test_interrupted_sweep_resumes_to_the_same_result(finished_sweep, tmp_path, monkeypatch):
    out = tmp_path / "cut"
    original = CheckpointStore.save

    def save_then_interrupt(self, index, tally):
        original(self, index, tally)
        if len(list(self.chunk_dir.glob("*.npz"))) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(CheckpointStore, "save", save_then_interrupt)
    result = CliRunner().invoke(cli, ["sweep", SMALL, *GRID, *FAST, "--out", str(out)])
    assert result.exit_code != 0
    assert not (out / "sweep.csv").exists()
    monkeypatch.setattr(CheckpointStore, "save", original)
    resumed = invoke("sweep", SMALL, *GRID, *FAST, "--resume", out)
    assert resumed.exit_code == 0, resumed.output
    assert (out / "sweep.csv").read_bytes() == (finished_sweep / "sweep.csv").read_bytes()
    assert json.loads((out / "manifest.json").read_text())["chunks_resumed"] == 3


def test_process_pool_gives_the_same_bytes(finished_sweep, tmp_path):
    pooled = invoke("sweep", SMALL, *GRID, *FAST, "--workers", "2", "--out", tmp_path / "pool")
    assert pooled.exit_code == 0, pooled.output
    expected = (finished_sweep / "sweep.csv").read_bytes()
    assert (tmp_path / "pool" / "sweep.csv").read_bytes() == expected


@pytest.mark.dask
def test_local_dask_cluster_gives_the_same_bytes(finished_sweep, tmp_path):
    pytest.importorskip("dask.distributed")
    dask = invoke("sweep", SMALL, *GRID, *FAST, "--dask", "local", "--out", tmp_path / "dask")
    assert dask.exit_code == 0, dask.output
    expected = (finished_sweep / "sweep.csv").read_bytes()
    assert (tmp_path / "dask" / "sweep.csv").read_bytes() == expected


@pytest.mark.parametrize(("args", "message"), [
    (["--grid", "weights.socal=1:2:2"], "did you mean 'weights.social'"),
    (["--grid", "model.reversible=0:1:2"], "not numeric"),
    (["--grid", "weights.social=3:2:2"], "LO must be below HI"),
    (["--grid", "weights.social=2:3:0"], "STEPS must be at least 2"),
    (["--grid", "weights.social=2:300:3"], "weights.social: Input should be less"),
    (["--grid", "weights.social=2:3:2", "--outcome", "n_dejure"], "did you mean 'n_de_jure'"),
    ([], "give at least one --grid"),
])
def test_bad_sweep_input_exits_2_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "never"
    result = invoke("sweep", SMALL, *args, *FAST, "--out", out)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_resume_of_a_different_study_is_refused_untouched(finished_sweep):
    before = {p: p.stat().st_mtime_ns for p in finished_sweep.rglob("*")}
    other_grid = ["--grid", "weights.social=2:6:4", "--grid", "states.KAZ.level=1:2:2"]
    for args in ([*GRID, *FAST, "--runs", "30"], [*GRID, *FAST, "--seed", "2"],
                 [*other_grid, *FAST]):
        result = invoke("sweep", SMALL, *args, "--resume", finished_sweep)
        assert result.exit_code == 2, result.output
        assert "holds a different study" in result.output
    assert {p: p.stat().st_mtime_ns for p in finished_sweep.rglob("*")} == before
    taken = invoke("sweep", SMALL, *GRID, *FAST, "--out", finished_sweep)
    assert taken.exit_code == 2 and "--resume" in taken.output


def test_errors_are_one_line_without_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["sweep", SMALL, "--grid", "weights.socal=1:2:2", "--out", str(tmp_path / "x")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --grid: unknown parameter 'weights.socal'")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_dask_is_a_helpful_error(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "dask.distributed", None)
    out = tmp_path / "never"
    result = invoke("sweep", SMALL, *GRID, *FAST, "--dask", "local", "--out", out)
    assert result.exit_code == 2, result.output
    assert "pip install 'recsim[dask]'" in result.output
    assert not out.exists()


@pytest.mark.parametrize(("method", "columns"), [
    ("sobol", ["outcome", "param", "S1", "S1_conf", "ST", "ST_conf", "mc_noise"]),
    ("morris", ["outcome", "param", "mu_star", "mu_star_conf", "sigma", "mc_noise"]),
])
def test_sensitivity_end_to_end(tmp_path, method, columns):
    out = tmp_path / method
    result = invoke("sensitivity", SMALL, "--method", method, "--param",
                    "thresholds.level_3=5:9", "--param", "states.KAZ.minerals=0:3",
                    "--samples", "4", "--runs", "20", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(out)
    indices = pd.read_csv(out / "sensitivity.csv")
    assert list(indices.columns) == columns
    assert set(indices["param"]) == {"thresholds.level_3", "states.KAZ.minerals"}
    samples = pd.read_csv(out / "samples.csv")
    assert len(samples) == (4 * 6 if method == "sobol" else 4 * 3)
    assert samples["thresholds.level_3"].between(5, 9).all()
    assert (out / "sensitivity_n_de_jure.png").stat().st_size > 0
    assert (out / "sensitivity_s2.csv").exists() == (method == "sobol")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"] == method and set(manifest["mc_noise"]) == set(indices["outcome"])


def test_sensitivity_bad_input(tmp_path):
    out = tmp_path / "never"
    for args, message in [
        (["--param", "weights.social=2:6:3"], "expected PATH=LO:HI"),
        (["--param", "weights.social=6:2"], "LO must be below HI"),
        (["--param", "weights.social=1:2", "--outcome", "p_de_jure:XXX"], "no state 'XXX'"),
    ]:
        result = invoke("sensitivity", SMALL, *args, "--samples", "4", "--out", out)
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert not out.exists()


POPULATION = """
name = "ring"
months = 12
[model]
rule = "threshold"
[model.threshold]
distribution = "uniform"
low = 0.1
high = 0.5
[population]
generator = "watts_strogatz"
size = 40
neighbours = 4
rewire = 0.1
[adopters]
random = 2
"""


def test_sweep_of_a_population_measures_the_whole_population(tmp_path):
    """A population's anonymous states get no per-state outcomes, only the totals."""
    scenario = tmp_path / "ring.toml"
    scenario.write_text(POPULATION)
    assert invoke("outcomes", scenario).output.splitlines() == [
        "n_de_jure\tDe jure recognisers at horizon (mean)"]
    out = tmp_path / "out"
    result = invoke("sweep", scenario, "--grid", "model.threshold.high=0.2:0.5:2", *FAST,
                    "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "sweep.csv")
    assert list(table.columns) == ["point", "model.threshold.high", "runs", "n_de_jure",
                                   "n_de_jure_se"]
    assert table["n_de_jure"].between(2, 40).all()  # the two random adopters stay de jure
    single = invoke("sweep", scenario, "--grid", "model.threshold.high=0.2:0.5:2",
                    "--outcome", "p_de_jure:S1", *FAST, "--out", tmp_path / "never")
    assert single.exit_code == 2 and "need states named in [states]" in single.output


def test_design_points_that_clash_are_refused_before_anything_is_written(tmp_path):
    """Each value is valid alone; together low = 0.4 and high = 0.3 are not."""
    scenario = tmp_path / "ring.toml"
    scenario.write_text(POPULATION)
    out = tmp_path / "never"
    result = invoke("sweep", scenario, "--grid", "model.threshold.low=0:0.4:2",
                    "--grid", "model.threshold.high=0.3:0.5:2", *FAST, "--workers", "2",
                    "--out", out)
    assert result.exit_code == 2, result.output
    assert "model.threshold.low = 0.4, model.threshold.high = 0.3" in result.output
    assert "model.threshold.high: must be at least low" in result.output
    assert not out.exists()
