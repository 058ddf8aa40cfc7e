"""`recsim plot` on results files with damaged cells: one line naming file, line and column,
exit status 2, no traceback, and nothing drawn or replaced (sim/results/checks.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli

TINY = Path(__file__).parent / "data" / "tiny.toml"
RERUN = "write it again with 'recsim run'"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A run of tiny.toml (4 states, 12 months) and a batch of it and a keener China."""
    tmp = tmp_path_factory.mktemp("saved")
    run = invoke("run", TINY, "--runs", 20, "--seed", 3, "--out", tmp / "run", "--quiet")
    assert run.exit_code == 0, run.output
    (tmp / "tiny.toml").write_text(TINY.read_text())
    (tmp / "keen.toml").write_text('extends = "tiny.toml"\nname = "keen"\n'
                                   "[states.CHN]\npropensity = 4.0\n")
    batch = invoke("batch", tmp / "tiny.toml", tmp / "keen.toml", "--runs", 20, "--seed", 3,
                   "--out", tmp / "batch", "--quiet")
    assert batch.exit_code == 0, batch.output
    return tmp


def _cell(name: str, line: int, column: str, value: str):
    """Put ``value`` in ``column`` at file line ``line`` (the header is line 1) of a CSV."""
    def change(directory: Path) -> None:
        table = pd.read_csv(directory / name, dtype=str, keep_default_na=False)
        table.loc[line - 2, column] = value
        table.to_csv(directory / name, index=False)
    return change


def _drop(name: str, column: str):
    def change(directory: Path) -> None:
        pd.read_csv(directory / name).drop(columns=[column]).to_csv(directory / name,
                                                                     index=False)
    return change


def _final_level(directory: Path) -> None:
    runs = pd.read_parquet(directory / "runs.parquet")
    runs.loc[5, "final_level"] = 7
    runs.to_parquet(directory / "runs.parquet")


def _final_level_as(value: object):
    """final_level of runs.parquet as a column of ``value`` (bytes, lists: what a program
    other than recsim might write)."""
    def change(directory: Path) -> None:
        runs = pd.read_parquet(directory / "runs.parquet")
        runs["final_level"] = [value] * len(runs)
        runs.to_parquet(directory / "runs.parquet")
    return change


def _deep_toml(directory: Path) -> None:
    (directory / "scenario.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")


# (what is broken, how, the message it must give)
RUN_DAMAGE = {
    "summary word": (_cell("summary.csv", 3, "p_de_facto", "often"),
                     "summary.csv: line 3, column p_de_facto: 'often' is not a chance from 0 "
                     "to 1; " + RERUN),
    "summary chance 7.5": (_cell("summary.csv", 2, "p_de_jure", "7.5"),
                           "summary.csv: line 2, column p_de_jure: 7.5 is not a chance"),
    "summary level": (_cell("summary.csv", 4, "start_level", "2.5"),
                      "line 4, column start_level: 2.5 is not a whole number from 0 to 3"),
    "summary month past the horizon": (
        _cell("summary.csv", 2, "median_month_de_jure", "13"),
        "column median_month_de_jure: 13 is not a whole number from 0 to 12, or empty"),
    "summary empty chance": (_cell("summary.csv", 5, "p_de_jure", ""),
                             "line 5, column p_de_jure: is empty, but must be a chance"),
    "summary missing column": (_drop("summary.csv", "p_de_jure"),
                               "summary.csv: missing column(s) p_de_jure; " + RERUN),
    "curve word": (_cell("curve.csv", 4, "de_jure_mean", "x"),
                   "curve.csv: line 4, column de_jure_mean: 'x' is not a number from 0 to 4"),
    "curve count above the roster": (_cell("curve.csv", 2, "de_facto_q95", "9"),
                                     "column de_facto_q95: 9 is not a number from 0 to 4"),
    "curve date": (_cell("curve.csv", 3, "date", "soon"),
                   "curve.csv: line 3, column date: 'soon' is not a month YYYY-MM"),
    "curve negative month": (_cell("curve.csv", 2, "month", "-1"),
                             "column month: -1 is not a whole number from 0 to 12"),
    "runs level": (_final_level, "runs.parquet: row 6, column final_level: 7 is not a whole "
                                 "number from 0 to 3"),
    "runs bytes": (_final_level_as(b"x"), "runs.parquet: row 1, column final_level: b'x' is "
                                          "not a whole number from 0 to 3"),
    "runs list": (_final_level_as([1, 2]), "runs.parquet: row 1, column final_level: "),
    "scenario nested too deeply": (_deep_toml, "scenario.toml: cannot be read"),
}

BATCH_DAMAGE = {
    "comparison word": (_cell("comparison.csv", 3, "p_de_jure", "high"),
                        "comparison.csv: line 3, column p_de_jure: 'high' is not a chance"),
    "comparison difference": (_cell("comparison.csv", 7, "diff_p_de_jure", "1.5"),
                              "column diff_p_de_jure: 1.5 is not a number from -1 to 1"),
    "comparison missing column": (_drop("comparison.csv", "p_de_facto"),
                                  "comparison.csv: missing column(s) p_de_facto; " + RERUN),
}


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*")) if p.is_file()}


def _refused(directory: Path, message: str) -> None:
    before = snapshot(directory)
    result = invoke("plot", directory)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert snapshot(directory) == before  # no figure drawn, none left half-written


@pytest.mark.parametrize(("kind", "what"), [("run", what) for what in RUN_DAMAGE]
                         + [("batch", what) for what in BATCH_DAMAGE])
def test_plot_refuses_a_damaged_directory(saved, tmp_path, kind, what):
    directory = Path(shutil.copytree(saved / kind, tmp_path / kind))
    damage, message = (RUN_DAMAGE if kind == "run" else BATCH_DAMAGE)[what]
    damage(directory)
    _refused(directory, message)


def test_plot_still_draws_the_undamaged_copies(saved, tmp_path):
    for name in ("run", "batch"):
        directory = Path(shutil.copytree(saved / name, tmp_path / name))
        result = invoke("plot", directory)
        assert result.exit_code == 0, result.output


def test_only_files_just_written_skip_the_cell_checks(saved, tmp_path):
    """run and batch read back what they wrote without checking every cell (the speed of
    `make run`); every other reader, `recsim plot` included, checks them."""
    from sim.results.checks import ResultsDirError
    from sim.results.directory import read_run_dir

    copy = tmp_path / "run"
    shutil.copytree(saved / "run", copy)
    _cell("summary.csv", 2, "p_de_jure", "7.5")(copy)
    assert read_run_dir(copy, check_cells=False).summary["p_de_jure"].iloc[0] == 7.5
    with pytest.raises(ResultsDirError, match="column p_de_jure"):
        read_run_dir(copy)
