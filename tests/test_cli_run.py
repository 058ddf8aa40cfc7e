"""`recsim run` through click's runner: outputs, determinism, and one-line errors."""

from __future__ import annotations

import errno
import importlib
import json
import shlex

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli, main

ENSEMBLE = importlib.import_module("sim.engine.ensemble")  # commands import it when they run

# no map.png: the small scenario has no coordinates; no shocks.png: it has no shocks
FILES = ["manifest.json", "scenario.toml", "summary.csv", "curve.csv", "runs.parquet",
         "shocks.csv", "cascade.png", "timing.png", "order.png", "report.html"]
SMALL = """
name = "small"
months = 12
[weights]
social = 3.0
security = 1.0
[thresholds]
level_3 = 5.0
[states.AAA]
name = "Alpha"
level = 3
[states.BBB]
name = "Beta"
level = 2
security = 1.5
[states.CCC]
name = "Gamma"
level = 1
[[ties]]
from = "BBB"
to = "AAA"
weight = 2.0
[[ties]]
from = "CCC"
to = "BBB"
"""


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def _run(*args):
    result = CliRunner().invoke(cli, ["run", *map(str, args)])
    return result


def test_run_writes_a_complete_results_directory(tmp_path, small):
    out = tmp_path / "out"
    result = _run(small, "--runs", 300, "--seed", 4, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)

    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["state", "name", "start_level", "p_de_facto", "p_de_jure",
                                     "p_de_jure_low90", "p_de_jure_high90",
                                     "median_month_de_jure", "p_downgrade"]
    assert summary["p_de_jure"].between(0, 1).all()
    assert (summary["p_de_jure_low90"] <= summary["p_de_jure"]).all()
    assert (summary["p_de_jure"] <= summary["p_de_jure_high90"]).all()
    assert summary.set_index("state").loc["AAA", "median_month_de_jure"] == 0

    curve = pd.read_csv(out / "curve.csv")
    assert list(curve["month"]) == list(range(13))
    assert curve["date"].iloc[0] == "2025-07" and curve["date"].iloc[-1] == "2026-07"
    assert (curve["de_jure_q05"] <= curve["de_jure_q50"]).all()
    assert (curve["de_jure_q50"] <= curve["de_jure_q95"]).all()

    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 300 * 3
    assert runs["final_level"].between(0, 3).all()
    # a state at de jure got there some month; one that never did is below it
    never = runs["first_month_level_3"].isna()
    assert not (never & (runs["final_level"] == 3)).any()
    assert (runs.loc[runs["final_level"] == 3, "first_month_level_3"] >= 0).all()
    # the curve's month-12 mean equals the mean de jure count per run at the horizon
    per_run = runs.groupby("run")["final_level"].apply(lambda s: (s == 3).sum())
    assert curve["de_jure_mean"].iloc[-1] == pytest.approx(per_run.mean(), rel=1e-5)  # %.6g

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4 and manifest["runs"] == 300 and manifest["months"] == 12
    assert {"python", "mesa", "numpy"} <= set(manifest["versions"])
    assert len(manifest["input_sha256"]) == 64


def test_same_seed_gives_identical_bytes_and_other_seeds_differ(tmp_path, small):
    for name, seed in [("a", 9), ("b", 9), ("c", 10)]:
        result = _run(small, "--runs", 1500, "--seed", seed, "--out", tmp_path / name)
        assert result.exit_code == 0, result.output
    for file in ["summary.csv", "curve.csv", "runs.parquet"]:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert (tmp_path / "a/runs.parquet").read_bytes() != (tmp_path / "c/runs.parquet").read_bytes()


def test_months_override_is_used_and_recorded(tmp_path, small):
    out = tmp_path / "m"
    result = _run(small, "--runs", 50, "--months", 5, "--out", out)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out / "curve.csv")) == 6
    assert "months = 5" in (out / "scenario.toml").read_text()


def test_default_directory_is_under_results(tmp_path, small, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run(small, "--runs", 20, "--seed", 3)
    assert result.exit_code == 0, result.output
    path = result.output.strip().splitlines()[-1]
    assert path.startswith("results/small/") and path.endswith("-s3")
    assert (tmp_path / path / "summary.csv").is_file()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("level = 2", "level = 7"), "small.toml: states.BBB.level:"),
        (lambda t: t + "bogus = 1\n", "small.toml: ties.1.bogus: unknown key"),
        (lambda t: t.replace("[states.AAA]", "[states.AAA"), "small.toml: not valid TOML"),
    ],
)
def test_bad_scenario_exits_2_with_one_line_and_writes_nothing(tmp_path, small, capsys,
                                                                 edit, expected):
    small.write_text(edit(SMALL))
    out = tmp_path / "never"
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(small), "--runs", "10", "--out", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and expected in err
    assert "Traceback" not in err
    assert not out.exists()


def test_bad_arguments_exit_2_with_one_line(small, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(small), "--runs", "0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--runs" in err and err.count("\n") == 1


def test_existing_results_directory_is_not_overwritten(tmp_path, small, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(small), "--runs", "10", "--out", str(out)])
    assert exit_info.value.code == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_failure_while_writing_leaves_no_directory(tmp_path, small, monkeypatch):
    import sim.cli.saving as saving

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(saving, "write_parquet", broken)
    out = tmp_path / "half"
    result = _run(small, "--runs", 10, "--out", out)
    assert isinstance(result.exception, RuntimeError), result.output
    assert str(result.exception) == "disk full"
    assert not out.exists()
    assert list(tmp_path.glob(".half*")) == []


def test_disk_error_while_writing_is_one_line_and_leaves_nothing(tmp_path, small, monkeypatch,
                                                                 capsys):
    import sim.cli.saving as saving

    def full(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(saving, "write_parquet", full)
    out = tmp_path / "half"
    err = _main_error(["run", str(small), "--runs", "10", "--out", str(out)], capsys)
    # the file that failed, by the name it would have had, and what to do next
    assert err == f"error: {out / 'runs.parquet'}: cannot write results (No space left on " \
                  "device); nothing was written and there is nothing to --resume: free some " \
                  "space, then run the command again\n"
    assert not out.exists()
    assert list(tmp_path.glob(".half*")) == []


def _main_error(argv, capsys, status=2):
    """Run ``main`` and return its stderr, checking the exit status and that it is one line."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == status
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail loudly if a command starts simulating: bad --out must be caught before."""
    def refuse(*args, **kwargs):
        raise AssertionError("simulated before checking --out")

    monkeypatch.setattr(ENSEMBLE, "run_ensemble", refuse)


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("afile", "Directory 'afile' is a file"),
        ("afile/sub", "afile is a file, not a directory; choose another --out"),
        ("afile/sub/deeper", "afile is a file, not a directory"),
        ("full", "full: results directory already exists and is not empty"),
    ],
)
def test_bad_out_is_refused_before_simulating(tmp_path, small, capsys, monkeypatch,
                                              no_simulation, out, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    err = _main_error(["run", str(small), "--out", out], capsys)
    assert expected in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "full", "small.toml"]


def test_unwritable_out_is_refused_before_simulating(tmp_path, small, capsys, monkeypatch,
                                                     no_simulation):
    import sim.cli.common as common

    def denied(*args, **kwargs):  # chmod cannot stop root, so deny the probe itself
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(common.tempfile, "mkdtemp", denied)
    out = tmp_path / "locked" / "out"
    err = _main_error(["run", str(small), "--out", str(out)], capsys)
    assert err == f"error: {out}: cannot write in {tmp_path} (Permission denied); " \
                  "choose another --out\n"
    assert not (tmp_path / "locked").exists()


def test_a_missing_scenario_points_to_the_library(tmp_path, capsys):
    err = _main_error(["run", str(tmp_path / "nope.toml")], capsys)
    assert err == f"error: {tmp_path / 'nope.toml'}: file not found; " \
                  "'recsim list' shows the scenario library\n"


def test_a_directory_given_as_scenario_is_a_clear_error(tmp_path, capsys):
    err = _main_error(["run", str(tmp_path)], capsys)
    assert "is a directory" in err
    err = _main_error(["run", ""], capsys)
    assert "is a directory; give a scenario file" in err


def test_operating_system_errors_become_one_line(small, capsys, monkeypatch):
    def unreadable(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error", "some/file")

    monkeypatch.setattr(ENSEMBLE, "run_ensemble", unreadable)
    err = _main_error(["run", str(small), "--runs", "5"], capsys)
    assert err == "error: some/file: Input/output error\n"


def test_bare_recsim_prints_the_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Usage: recsim") and "Commands:" in captured.out
    assert captured.err == ""


@pytest.mark.parametrize("command", [None, *sorted(cli.commands)])
def test_every_help_has_an_example(command):
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    example = result.output.split("Example:", 1)[-1]
    assert "Example:" in result.output and f"recsim {command or ''}".strip() in example


def test_python_dash_m_entry_point(small, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "pm"
    done = subprocess.run([sys.executable, "-m", "sim", "run", str(small), "--runs", "10",
                           "--out", str(out), "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out)
    command = json.loads((out / "manifest.json").read_text())["command"]
    assert command == shlex.join(["recsim", "run", str(small), "--runs", "10", "--out",
                                  str(out), "--quiet"])
