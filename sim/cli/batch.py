"""``recsim batch``: several scenarios, same seed and runs, one comparison."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from tqdm import tqdm

from .. import __version__
from ..compare import ScenarioOutcome, comparison_table
from ..ensemble import run_ensemble
from ..executors import make_executor
from ..results_dir import BatchData, read_run_dir
from ..results_io import (
    atomic_directory,
    command_line,
    default_run_dir,
    file_sha256,
    package_versions,
    utc_stamp,
    write_csv,
    write_json,
)
from ..scenario import Scenario
from .common import check_out_dir, load_or_fail, save_run, seed_option
from .render import write_batch_outputs

__all__ = ["batch"]


@dataclass(frozen=True)
class _Failure:
    file: Path
    error: str


class _NothingRan(Exception):
    """Every scenario failed: leave no batch directory behind."""


def _load_all(files: tuple[Path, ...]) -> tuple[list[tuple[Path, Scenario]], list[_Failure]]:
    loaded, failed = [], []
    for file in files:
        try:
            loaded.append((file, load_or_fail(file)))
        except click.ClickException as exc:
            failed.append(_Failure(file, exc.format_message()))
    return loaded, failed


def _directory_names(loaded: list[tuple[Path, Scenario]]) -> list[str]:
    """One directory per scenario, named after it; a repeated name gets -2, -3, ..."""
    names: list[str] = []
    for _, scenario in loaded:
        name, k = scenario.name, 1
        while name in names:
            k += 1
            name = f"{scenario.name}-{k}"
        names.append(name)
    return names


@contextmanager
def _batch_bar(total: int, *, quiet: bool) -> Iterator[tqdm]:
    """One bar over all runs of all scenarios; its label says which scenario and what step."""
    with tqdm(total=total, unit="run", unit_scale=True, file=sys.stderr, dynamic_ncols=True,
              disable=quiet or not sys.stderr.isatty()) as bar:
        yield bar


@click.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Monte Carlo replicates per scenario.")
@seed_option
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes; results do not depend on this.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Batch directory [default: results/batch/<UTC time>-s<seed>].")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def batch(files: tuple[Path, ...], runs: int, seed: int, workers: int, out: Path | None,
          quiet: bool) -> None:
    """Run every scenario FILE with the same seed and runs, and compare them.

    The first file that runs is the reference. Writes one results directory per scenario
    (as 'recsim run' does) under the batch directory, plus comparison.csv (chances per
    scenario and state, and the difference from the reference with a 95% interval),
    comparison.png, curves.png and report.html. A scenario that fails does not stop the
    others: failures are listed at the end and the exit status is 1. The batch directory's
    path is the last line printed.

    \b
    Example:
      recsim batch scenarios/*.toml --runs 2000 --seed 1
      recsim batch scenarios/baseline.toml scenarios/china_first.toml --out results/cf
    """
    target = out or default_run_dir(Path("results"), "batch", seed)
    check_out_dir(target)
    started = time.perf_counter()
    loaded, failed = _load_all(files)
    done: dict[str, Path] = {}
    comparison_error = ""
    try:
        with atomic_directory(target) as temp, _batch_bar(runs * len(loaded),
                                                          quiet=quiet) as bar:
            executor = make_executor(workers)
            names = _directory_names(loaded)
            for index, ((file, scenario), name) in enumerate(zip(loaded, names, strict=True)):
                bar.set_description(f"{name} ({index + 1}/{len(loaded)})")
                try:
                    begun = time.perf_counter()
                    bar.set_postfix_str("simulating")
                    result = run_ensemble(scenario, runs, seed, executor=executor,
                                          progress=bar.update)
                    bar.set_postfix_str("drawing figures")
                    save_run(temp / name, scenario, file, result, seed=seed, started=begun)
                    done[name] = file
                except Exception as exc:  # one scenario's failure must not stop the batch
                    failed.append(_Failure(file, _describe(exc)))
            bar.set_description("comparison")
            bar.set_postfix_str("drawing figures")
            if not done:
                raise _NothingRan
            try:
                _compare(temp, done, failed, runs=runs, seed=seed, started=started)
            except Exception as exc:  # keep the scenarios' results even so
                comparison_error = _describe(exc)
        click.echo(str(target))
    except _NothingRan:
        pass
    if failed:
        click.echo(f"error: {len(failed)} of {len(files)} scenarios failed:", err=True)
        for failure in failed:
            message = failure.error
            shown = message if message.startswith(str(failure.file)) else \
                f"{failure.file}: {message}"
            click.echo(f"  {shown}", err=True)
    if comparison_error:
        click.echo(f"error: the comparison could not be written: {comparison_error}", err=True)
    if failed or comparison_error:
        raise click.exceptions.Exit(1)


def _describe(exc: Exception) -> str:
    if isinstance(exc, click.ClickException):
        return exc.format_message()
    return f"{type(exc).__name__}: {exc}"


def _compare(temp: Path, done: dict[str, Path], failed: list[_Failure], *, runs: int,
             seed: int, started: float) -> None:
    """Write comparison.csv, batch.json, and the batch figures and report."""
    data = {name: read_run_dir(temp / name) for name in done}
    outcomes = {name: ScenarioOutcome.from_runs(d.summary, d.runs) for name, d in data.items()}
    table = comparison_table(outcomes)
    write_csv(table, temp / "comparison.csv")
    manifest = {
        "reference": next(iter(outcomes)),
        "scenarios": [{"name": d.name, "dir": name, "file": str(done[name]),
                       "input_sha256": file_sha256(done[name])} for name, d in data.items()],
        "failed": [{"file": str(f.file), "error": f.error} for f in failed],
        "seed": seed,
        "runs": runs,
        "versions": package_versions() | {"recsim": __version__},
        "utc_time": utc_stamp(),
        "wall_time_s": round(time.perf_counter() - started, 3),
        "command": command_line(),
    }
    write_json(manifest, temp / "batch.json")
    batch_data = BatchData(temp, manifest, table, data)
    write_batch_outputs(batch_data, redraw_runs=False)
