"""Pieces every command shares: one-line errors, scenario loading, progress, saving a run."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from tqdm import tqdm

from .. import __version__
from ..ensemble import CHUNK_SIZE, EnsembleResult
from ..loading import ScenarioError, load_scenario, scenario_from_dict, scenario_hash
from ..outcomes import curve_table, runs_table, shocks_table, summary_table
from ..results_dir import read_run_dir
from ..results_io import (
    atomic_directory,
    command_line,
    file_sha256,
    git_commit,
    is_taken,
    package_versions,
    scenario_toml,
    utc_stamp,
    write_csv,
    write_json,
    write_parquet,
)
from ..scenario import Scenario
from .render import write_run_outputs

__all__ = [
    "RecsimError",
    "check_out_dir",
    "fail",
    "load_or_fail",
    "manifest",
    "progress_bar",
    "save_run",
    "seed_option",
]


class RecsimError(click.ClickException):
    """A problem with the user's input: one line on stderr, exit status 2."""

    exit_code = 2


def fail(message: str) -> NoReturn:
    """Stop the command with ``error: message`` on stderr and exit status 2."""
    raise RecsimError(message)


def load_or_fail(path: str | Path, months: int | None = None) -> Scenario:
    """Load a scenario or stop with its first problem; ``months`` overrides the horizon."""
    if not Path(path).exists():
        fail(f"{path}: file not found; 'recsim list' shows the scenario library")
    try:
        scenario = load_scenario(path)
        if months is not None:
            data = scenario.model_dump(by_alias=True) | {"months": months}
            scenario = scenario_from_dict(data, f"{path} (with --months {months})")
    except ScenarioError as exc:
        first = exc.lines()[0]
        more = len(exc.problems) - 1
        plural = "s" * (more > 1)
        suffix = f" (and {more} more problem{plural}; run 'recsim validate')" if more else ""
        fail(first + suffix)
    return scenario


def seed_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--seed`` option every simulating command shares."""
    return click.option(
        "--seed", type=click.IntRange(min=0), default=1, show_default=True,
        help="Master seed; every replicate's random stream derives from it.",
    )(func)


@contextmanager
def progress_bar(total: int, *, quiet: bool, unit: str = "run",
                 desc: str | None = None, initial: int = 0) -> Iterator[Callable[[int], None]]:
    """A tqdm bar on stderr, shown only on a terminal and without ``--quiet``.

    ``initial`` counts work already done (a resumed study), so the ETA covers the rest.
    """
    disable = quiet or not sys.stderr.isatty()
    with tqdm(total=total, unit=unit, unit_scale=True, desc=desc, file=sys.stderr,
              disable=disable, dynamic_ncols=True, initial=initial) as bar:
        yield bar.update


def _fail_if_taken(target: Path) -> None:
    if is_taken(target):
        fail(f"{target}: results directory already exists and is not empty; "
             "choose another --out")


def check_out_dir(target: Path) -> None:
    """Stop before any simulating if ``target`` cannot become a new results directory.

    It must not exist or be an empty directory, and its nearest existing ancestor must be
    a directory this process can write in (probed with a temporary directory, because
    ``os.access`` says yes to root even on read-only file systems).
    """
    _fail_if_taken(target)
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        fail(f"{target}: {ancestor} is a file, not a directory; choose another --out")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".recsim-probe.", dir=ancestor))
    except OSError as exc:
        fail(f"{target}: cannot write in {ancestor} ({exc.strerror or exc}); "
             "choose another --out")


def manifest(scenario: Scenario, source: Path, *, seed: int, runs: int,
             wall_time: float) -> dict[str, Any]:
    """What a reader needs to reproduce a run."""
    return {
        "scenario": scenario.name,
        "scenario_file": str(source),
        "input_sha256": file_sha256(source),
        "scenario_sha256": scenario_hash(scenario),
        "seed": seed,
        "runs": runs,
        "months": scenario.months,
        "start": scenario.start,
        "chunk_size": CHUNK_SIZE,
        "versions": package_versions() | {"recsim": __version__},
        "git_commit": git_commit(),
        "wall_time_s": round(wall_time, 3),
        "utc_time": utc_stamp(),
        "command": command_line(),
    }


def save_run(target: Path, scenario: Scenario, source: Path, result: EnsembleResult, *,
             seed: int, started: float) -> Path:
    """Write a complete results directory atomically; return its path."""
    summary = summary_table(result, scenario)
    curve = curve_table(result, scenario)
    try:
        with atomic_directory(target) as temp:
            (temp / "scenario.toml").write_text(scenario_toml(scenario))
            write_csv(summary, temp / "summary.csv")
            write_csv(curve, temp / "curve.csv")
            write_parquet(runs_table(result), temp / "runs.parquet")
            write_csv(shocks_table(result, scenario), temp / "shocks.csv")
            info = manifest(scenario, source, seed=seed, runs=result.runs,
                            wall_time=time.perf_counter() - started)
            write_json(info, temp / "manifest.json")
            # figures and report.html are drawn from the files just written, as `recsim plot`
            write_run_outputs(read_run_dir(temp))
    except OSError as exc:
        _fail_if_taken(target)
        fail(f"{target}: cannot write results ({exc.strerror or exc}); nothing was written")
    return target
