"""``recsim batch``: several scenarios, same seed and runs, one comparison."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import (
    cannot_write,
    check_out_dir,
    load_or_fail,
    point_estimates,
    seed_option,
    uncertainty_option,
)
from .limits import batch_need, cap_workers, count_range, refuse_if_too_big

if TYPE_CHECKING:
    from ..results.directory import BatchData, RunData
    from ..scenario.schema import Scenario
    from .drawing import PendingRun
    from .drawing_pool import Renderer

__all__ = ["batch"]


@dataclass(frozen=True)
class _Failure:
    file: Path
    error: str


class _NothingRan(Exception):
    """Every scenario failed: leave no batch directory behind."""


def _load_all(files: tuple[Path, ...], point: bool
              ) -> tuple[list[tuple[Path, Scenario]], list[_Failure]]:
    loaded, failed = [], []
    for file in files:
        try:
            loaded.append((file, point_estimates(load_or_fail(file), point, file)))
        except Exception as exc:  # one file's failure must not stop the batch
            failed.append(_Failure(file, _describe(exc)))
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
def _batch_bar(total: int, *, quiet: bool) -> Iterator[Any]:
    """One bar over all runs of all scenarios; its label says which scenario and what step."""
    from tqdm import tqdm

    with tqdm(total=total, unit="run", unit_scale=True, file=sys.stderr, dynamic_ncols=True,
              disable=quiet or not sys.stderr.isatty()) as bar:
        yield bar


@click.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path))  # a directory fails alone
@click.option("--runs", type=count_range(1), default=1000, show_default=True,
              help="Monte Carlo replicates per scenario.")
@seed_option
@click.option("--workers", type=count_range(1), default=1, show_default=True,
              help="Worker processes; results do not depend on this.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Batch directory [default: results/batch/<UTC time>-s<seed>].")
@uncertainty_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def batch(files: tuple[Path, ...], runs: int, seed: int, workers: int, out: Path | None,
          point: bool, quiet: bool) -> None:
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
    from ..results.files import default_run_dir

    target = out or default_run_dir(Path("results"), "batch", seed)
    check_out_dir(target)
    started = time.perf_counter()
    loaded, failed = _load_all(files, point)
    workers = cap_workers(workers)
    refuse_if_too_big(batch_need([spec for _, spec in loaded], runs, workers))
    from .drawing_pool import Renderer  # its workers import matplotlib in the background

    comparison_error = ""
    try:
        with Renderer(simulating=workers > 1) as renderer:
            comparison_error = _run_batch(target, loaded, failed, renderer, runs=runs,
                                          seed=seed, workers=workers, quiet=quiet,
                                          started=started)
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


def _run_batch(target: Path, loaded: list[tuple[Path, Scenario]], failed: list[_Failure],
               renderer: Renderer, *, runs: int, seed: int, workers: int, quiet: bool,
               started: float) -> str:
    """Simulate every scenario into the batch directory; return the comparison's error.

    Figures are drawn while the next scenario simulates; the comparison is computed as soon
    as the last one has, so its figures queue behind the scenarios' and no worker waits.
    """
    from ..engine.ensemble import run_ensemble
    from ..engine.executors import make_executor
    from ..results.directory import read_run_dir
    from ..results.effects import Counterfactuals
    from .common import results_directory
    from .drawing import start_run_outputs
    from .saving import write_run_data

    with results_directory(target) as temp, _batch_bar(runs * len(loaded), quiet=quiet) as bar:
        executor = make_executor(workers)
        counterfactuals = Counterfactuals(executor)  # one no-shock ensemble serves many
        pending: dict[str, tuple[Path, PendingRun]] = {}
        for index, ((file, scenario), name) in enumerate(
                zip(loaded, _directory_names(loaded), strict=True)):
            bar.set_description(f"{name} ({index + 1}/{len(loaded)})")
            try:
                begun = time.perf_counter()
                result = run_ensemble(scenario, runs, seed, executor=executor,
                                      progress=bar.update)
                counterfactual = counterfactuals.for_scenario(scenario, result, seed=seed)
                (temp / name).mkdir()
                write_run_data(temp / name, scenario, file, result, seed=seed, started=begun,
                               counterfactual=counterfactual)
                written = read_run_dir(temp / name, check_cells=False)  # just written
                pending[name] = (file, start_run_outputs(written, renderer, in_batch=True))
            except Exception as exc:  # one scenario's failure must not stop the batch
                _stop_if_cannot_write(exc, temp)
                shutil.rmtree(temp / name, ignore_errors=True)
                failed.append(_Failure(file, _describe(exc)))
        if not pending:
            raise _NothingRan
        bar.set_description("figures")
        comparison = _Comparison(temp, {n: (f, p.data) for n, (f, p) in pending.items()},
                                 failed, renderer, runs=runs, seed=seed, started=started)
        run_png: dict[str, dict[str, bytes]] = {}
        for name, (file, run) in pending.items():
            try:
                images = run.collect()
                images.write()
                run_png[name] = images.png
            except Exception as exc:  # a figure that cannot be drawn fails its scenario
                _stop_if_cannot_write(exc, temp)
                shutil.rmtree(temp / name, ignore_errors=True)
                failed.append(_Failure(file, _describe(exc)))
        if not run_png:
            raise _NothingRan
        return comparison.finish(run_png, failed)


def _stop_if_cannot_write(exc: Exception, temp: Path) -> None:
    """A full disk (say) stops the whole batch, before it simulates anything more: one line
    naming the file, and nothing left (sim/cli/common.py, ``results_directory``)."""
    if cannot_write(exc, temp):
        raise exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, click.ClickException):
        return exc.format_message()
    return f"{type(exc).__name__}: {exc}"


class _Comparison:
    """comparison.csv, batch.json and the batch figures and report, started early."""

    def __init__(self, temp: Path, runs_done: dict[str, tuple[Path, RunData]],
                 failed: list[_Failure], renderer: Renderer, *, runs: int, seed: int,
                 started: float) -> None:
        self.temp, self.renderer = temp, renderer
        self.settings = {"runs": runs, "seed": seed, "started": started}
        self.error = ""
        self.runs_done = runs_done
        self._start(runs_done, list(failed))

    def _start(self, runs_done: dict[str, tuple[Path, RunData]],
               failed: list[_Failure]) -> None:
        from .drawing import submit_batch_figures

        self.futures: dict[str, Any] = {}
        try:
            self.batch = _write_comparison(self.temp, runs_done, failed, **self.settings)
            self.futures = submit_batch_figures(self.batch, self.renderer)
        except Exception as exc:  # keep the scenarios' results even so
            _stop_if_cannot_write(exc, self.temp)
            self.error = _describe(exc)

    def finish(self, run_png: dict[str, dict[str, bytes]], failed: list[_Failure]) -> str:
        """Wait for the figures and write the report; redo all if a scenario dropped out."""
        from .drawing import batch_images

        if set(run_png) != set(self.runs_done):  # a scenario's figures failed: leave it out
            for future in self.futures.values():
                future.cancel()
            self.error = ""
            self._start({n: v for n, v in self.runs_done.items() if n in run_png}, failed)
        if self.error:
            return self.error
        try:
            batch_images(self.batch, self.futures, run_png).write()
        except Exception as exc:  # keep the scenarios' results even so
            _stop_if_cannot_write(exc, self.temp)
            return _describe(exc)
        return ""


def _write_comparison(temp: Path, runs_done: dict[str, tuple[Path, RunData]],
                      failed: list[_Failure], *, runs: int, seed: int,
                      started: float) -> BatchData:
    """Write comparison.csv and batch.json; return the batch as the figures need it."""
    from .. import __version__
    from ..results.compare import ScenarioOutcome, comparison_table
    from ..results.directory import BatchData
    from ..results.files import (
        command_line,
        file_sha256,
        package_versions,
        utc_stamp,
        write_csv,
        write_json,
    )

    data = {name: run for name, (_, run) in runs_done.items()}
    outcomes = {name: ScenarioOutcome.from_runs(d.summary, d.runs) for name, d in data.items()}
    table = comparison_table(outcomes)
    write_csv(table, temp / "comparison.csv")
    manifest = {
        "reference": next(iter(outcomes)),
        "scenarios": [{"name": d.name, "dir": name, "file": str(runs_done[name][0]),
                       "input_sha256": file_sha256(runs_done[name][0])}
                      for name, d in data.items()],
        "failed": [{"file": str(f.file), "error": f.error} for f in failed],
        "seed": seed,
        "runs": runs,
        "versions": package_versions() | {"recsim": __version__},
        "utc_time": utc_stamp(),
        "wall_time_s": round(time.perf_counter() - started, 3),
        "command": command_line(),
    }
    write_json(manifest, temp / "batch.json")
    return BatchData(temp, manifest, table, data)
