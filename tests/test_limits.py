"""Hostile sizes, output paths and names (issue 15, items 5, 7 and 8): refused in one line
before anything is simulated, and inputs pinned as they were read."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import cli, main
from sim.scenario.loading import load_scenario

ENSEMBLE = importlib.import_module("sim.engine.ensemble")  # commands import it when they run
LIMITS = importlib.import_module("sim.cli.limits")
FILES = importlib.import_module("sim.results.files")
DESIGN = importlib.import_module("sim.study.design")

SMALL = """
name = "{name}"
months = 6
[states.AAA]
name = "Alpha"
level = 3
[states.BBB]
name = "Beta"
level = 1
[[ties]]
from = "BBB"
to = "AAA"
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL.format(name="small"))
    return path


@pytest.fixture
def simulated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records the runs of every ensemble simulated (the real one still runs)."""
    calls: list[int] = []
    real = ENSEMBLE.run_ensemble

    def spy(scenario, runs, *args, **kwargs):
        calls.append(runs)
        return real(scenario, runs, *args, **kwargs)

    monkeypatch.setattr(ENSEMBLE, "run_ensemble", spy)
    return calls


def _invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _refused(capsys: pytest.CaptureFixture[str], *args: object) -> str:
    """The one line on stderr of a command that exits with status 2."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err.strip()


def test_an_absurd_run_count_is_a_usage_error(small: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    line = _refused(capsys, "run", small, "--runs", "9" * 26, "--out", tmp_path / "out")
    assert "--runs" in line and "1<=x<=1000000000" in line


def test_more_memory_than_available_is_refused_before_simulating(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        simulated: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(LIMITS, "available_memory", lambda: 50_000)
    out = tmp_path / "out"
    line = _refused(capsys, "run", small, "--runs", 1000, "--out", out)
    # 350 MB of libraries, 1000 runs x (2 states x 150 bytes + 7 months x 20 bytes) and a
    # chunk of 1000 runs x 2 states x 160 bytes
    assert line == ("error: this needs about 350.8 MB of memory, more than the 50.0 KB "
                    "available on this machine; lower --runs")
    assert simulated == [] and not out.exists()


def test_a_grid_of_a_trillion_points_is_refused_before_it_is_built(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def grid_design(*args, **kwargs):
        raise AssertionError("the design was built")

    monkeypatch.setattr(DESIGN, "grid_design", grid_design)
    line = _refused(capsys, "sweep", small, "--grid", "weights.social=1:6:1000000",
                    "--grid", "thresholds.level_3=5:9:1000000", "--out", tmp_path / "s")
    assert line.startswith("error: this needs about ") and " TB of memory" in line
    assert line.endswith("lower the STEPS of --grid")


@pytest.mark.parametrize("steps", ["1000000000000", "9" * 23])
def test_a_grid_too_long_to_build_is_checked_by_its_ends(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], steps: str) -> None:
    """Its values are not made one by one (np.linspace raised, or allocated terabytes, or
    checking a million values took minutes): the ends are checked, then memory refuses."""
    checked: list[object] = []
    real = DESIGN.with_values

    def count(scenario, values):
        checked.append(values)
        return real(scenario, values)

    monkeypatch.setattr(DESIGN, "with_values", count)
    line = _refused(capsys, "sweep", small, "--grid", f"weights.social=1:6:{steps}",
                    "--out", tmp_path / "s")
    assert line.endswith("lower the STEPS of --grid")
    assert checked == [{"weights.social": 1.0}, {"weights.social": 6.0}]


def test_a_long_grid_of_whole_numbers_is_checked_by_its_step(
        small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.scenario.params import ParameterError

    monkeypatch.setattr(DESIGN, "CHECKED_STEPS", 3)  # grids of 4 or more values are "long"
    spec = load_scenario(small)
    DESIGN.check_ranges(spec, [DESIGN.Range("months", 12, 24, 7)], integral_grid=True)
    with pytest.raises(ParameterError, match="takes whole numbers"):
        DESIGN.check_ranges(spec, [DESIGN.Range("months", 12, 25, 7)], integral_grid=True)


@pytest.mark.parametrize("command", [["sweep", "--grid", "weights.social=1:6:3"],
                                     ["sensitivity", "--param", "weights.social=1:6",
                                      "--samples", "8"]])
def test_a_study_does_not_write_through_a_symbolic_link(
        small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    line = _refused(capsys, command[0], small, *command[1:], "--runs", 10,
                    "--out", tmp_path / "link")
    assert line.startswith(f"error: {tmp_path / 'link'}: is a symbolic link")
    assert list((tmp_path / "real").iterdir()) == []


def test_workers_beyond_the_cores_are_capped_with_a_note(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.import_module("sim.engine.process"), "usable_cores", lambda: 1)
    result = _invoke("run", small, "--runs", 20, "--workers", 1000, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == [
        "note: --workers 1000 is more than the 1 core this process can use; using 1"]


@pytest.mark.parametrize("kind", ["symlink to a directory", "dangling symlink",
                                  "non-empty directory", "mount point"])
def test_an_output_path_that_cannot_become_the_results_is_refused_before_simulating(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, simulated: list[int],
        kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    if kind == "symlink to a directory":
        (tmp_path / "real").mkdir()
        out.symlink_to(tmp_path / "real")
    elif kind == "dangling symlink":
        out.symlink_to(tmp_path / "nowhere")
    elif kind == "non-empty directory":
        out.mkdir()
        (out / "keep.txt").write_text("mine")
    else:
        out.mkdir()
        real = os.path.ismount
        monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == out or real(path))
    line = _refused(capsys, "run", small, "--runs", 20, "--out", out)
    assert line.startswith(f"error: {out}: ")
    assert simulated == []


@pytest.mark.parametrize("change", ["edited", "moved"])
def test_a_scenario_changed_during_the_run_is_pinned_as_it_was_read(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    original = small.read_bytes()
    real = ENSEMBLE.run_ensemble

    def meddle(*args, **kwargs):
        if change == "edited":
            small.write_text(SMALL.format(name="edited"))
        else:
            small.rename(tmp_path / "elsewhere.toml")
        return real(*args, **kwargs)

    monkeypatch.setattr(ENSEMBLE, "run_ensemble", meddle)
    out = tmp_path / "out"
    result = _invoke("run", small, "--runs", 20, "--out", out)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input_sha256"] == hashlib.sha256(original).hexdigest()
    assert manifest["scenario"] == "small"


@pytest.mark.parametrize("name", [".", "..", ".hidden", "a/b"])
def test_a_name_that_is_not_one_safe_path_component_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "dots.toml"
    path.write_text(SMALL.format(name=name))
    line = _refused(capsys, "run", path, "--runs", 20)
    assert line.startswith(f"error: {path}: name: {name!r} cannot name a results directory")
    assert not (tmp_path / "results").exists()


def test_two_runs_in_the_same_second_get_their_own_directories(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(FILES, "utc_stamp", lambda now=None: "20260101T000000Z")
    shown = []
    for _ in range(2):
        result = _invoke("run", small, "--runs", 20, "--seed", 5)
        assert result.exit_code == 0, result.output
        shown.append(result.stdout.strip().splitlines()[-1])
    assert shown == ["results/small/20260101T000000Z-s5", "results/small/20260101T000000Z-s5-2"]
    assert all((tmp_path / folder / "manifest.json").is_file() for folder in shown)


def test_the_estimate_assumes_the_fits_own_number_of_draws() -> None:
    from sim.calibrate.fit import FitSettings
    from sim.engine.memory import FIT_DRAWS
    from sim.forecast.origin import BACKTEST_SETTINGS

    assert FIT_DRAWS == FitSettings().draws == BACKTEST_SETTINGS.draws


def test_a_container_memory_limit_counts_as_available_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """psutil and MemAvailable give the host's memory; inside a container with a limit the
    command would be killed without a word, so the cgroup's room is taken when smaller."""
    limit, usage = tmp_path / "memory.max", tmp_path / "memory.current"
    limit.write_text("1000000000\n")
    usage.write_text("400000000\n")
    monkeypatch.setattr(LIMITS, "CGROUP_FILES", ((str(limit), str(usage)),))
    monkeypatch.setattr(LIMITS, "_machine_memory", lambda: 8 * 10**9)
    assert LIMITS.available_memory() == 600_000_000
    limit.write_text("max\n")
    assert LIMITS.available_memory() == 8 * 10**9
