"""``recsim validate``, ``list``, ``show``, and the shocks.csv that ``recsim run`` writes."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.scenario.loading import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def library() -> list[Path]:
    return sorted(LIBRARY.glob("*.toml"))


def test_validate_accepts_the_library(runner):
    result = runner.invoke(cli, ["validate", *map(str, library())])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ok: ") == len(library())
    assert result.stderr == ""


def test_validate_reports_every_problem_and_still_checks_the_rest(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nmonths = 0\n[states.A]\nname = "A"\nlevel = 9\n')
    good = LIBRARY / "baseline.toml"
    result = runner.invoke(cli, ["validate", str(bad), str(good)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines == [f"error: {bad}: months: Input should be greater than or equal to 1",
                     f"error: {bad}: states.A.level: Input should be less than or equal to 3"]
    assert f"ok: {good}" in result.stdout


def test_list_shows_names_and_descriptions(runner):
    result = runner.invoke(cli, ["list", str(LIBRARY)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    for path in library():
        scenario = load_scenario(path)
        assert f"{path} {scenario.name} (" in flat
        assert " ".join(scenario.description.split())[:60] in flat


def test_list_marks_invalid_files_and_rejects_missing_directories(runner, tmp_path):
    shutil.copy(LIBRARY / "baseline.toml", tmp_path / "baseline.toml")
    (tmp_path / "broken.toml").write_text('extends = "baseline.toml"\nname = "b"\nmonths = "x"\n')
    result = runner.invoke(cli, ["list", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'broken.toml'}  INVALID" in result.stdout
    assert "months: Input should be a valid integer" in " ".join(result.stdout.split())
    missing = runner.invoke(cli, ["list", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2


@pytest.mark.parametrize("path", library(), ids=lambda p: p.stem)
def test_show_prints_a_scenario_that_loads_back_equal(runner, tmp_path, path):
    result = runner.invoke(cli, ["show", str(path)])
    assert result.exit_code == 0, result.output
    copy = tmp_path / path.name
    copy.write_text(result.stdout)
    assert "\nextends =" not in result.stdout
    assert load_scenario(copy) == load_scenario(path)


def test_show_of_a_bad_file_is_one_line_and_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "nowhere.toml"\n')
    result = runner.invoke(cli, ["show", str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{bad}: extends: no such file" in result.stderr


@pytest.mark.parametrize("command", ["validate", "list", "show"])
def test_help_has_an_example(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.stdout and f"recsim {command}" in result.stdout


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def test_run_writes_the_shocks_that_fired(runner, tmp_path):
    out = tmp_path / "china"
    args = ["run", str(LIBRARY / "china_first.toml"), "--runs", "30", "--months", "12",
            "--quiet", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    header, rows = read_rows(out / "shocks.csv")
    assert header == ["run", "month", "shock"]
    assert rows == [[str(run), "6", "china_recognises"] for run in range(30)]


def test_run_writes_random_shocks_deterministically(runner, tmp_path):
    def shocks_csv(name: str, seed: int) -> bytes:
        out = tmp_path / name
        result = runner.invoke(cli, ["run", str(LIBRARY / "iskp_random_attacks.toml"),
                                     "--runs", "40", "--months", "24", "--seed", str(seed),
                                     "--quiet", "--out", str(out)])
        assert result.exit_code == 0, result.output
        return (out / "shocks.csv").read_bytes()

    first = shocks_csv("a", 1)
    assert first == shocks_csv("b", 1)
    assert first != shocks_csv("c", 2)
    _, rows = read_rows(tmp_path / "a" / "shocks.csv")
    keys = [(int(run), int(month)) for run, month, _ in rows]
    assert keys == sorted(keys) and all(1 <= month <= 24 for _, month in keys)


def test_run_without_shocks_writes_an_empty_shocks_table(runner, tmp_path):
    out = tmp_path / "base"
    result = runner.invoke(cli, ["run", str(LIBRARY / "baseline.toml"), "--runs", "5",
                                 "--months", "3", "--quiet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "shocks.csv").read_text() == "run,month,shock\n"
