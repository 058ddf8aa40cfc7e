"""``recsim backtest``: forecasts made at past origins, scored against what followed."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import check_out_dir, fail, open_executor, progress_bar, seed_option
from .forecasting import check_window, fit_options, read_inputs
from .limits import backtest_need, cap_workers, count_range, refuse_if_too_big

if TYPE_CHECKING:
    import pandas as pd

    from ..forecast.backtest import OriginForecast

__all__ = ["backtest"]


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--origins", required=True, metavar="START:END:STEP",
              help="Forecast origins, in months: a forecast is made at the end of each, "
                   "knowing only the events in or before it.")
@click.option("--horizon", type=click.IntRange(min=1, max=1200), required=True,
              help="Months after each origin that its forecast covers and is scored on.")
@click.option("--runs", type=count_range(1), default=2000, show_default=True,
              help="Runs per origin, each with its own posterior draw.")
@seed_option
@click.option("--workers", type=count_range(1), default=1, show_default=True,
              help="Worker processes (or local Dask workers), one origin each; results do "
                   "not depend on this.")
@click.option("--dask", metavar="ADDRESS",
              help="Run the origins on a Dask cluster: a scheduler address such as "
                   "tcp://10.0.0.5:8786, or 'local'. Needs the dask extra.")
@fit_options(max_steps=8000)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results directory [default: results/<scenario>/<UTC time>-backtest-"
                   "s<seed>].")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def backtest(scenario: Path, origins: str, horizon: int, runs: int, seed: int, workers: int,
             dask: str | None, events: Path | None, fit_start: str | None,
             params: tuple[str, ...], max_steps: int, out: Path | None, quiet: bool) -> None:
    """Score SCENARIO's out-of-sample forecasts at past ORIGINS against the event log.

    At each origin the scenario is calibrated on the log's events in or before that month
    only (from --fit-start), started from the levels the log gives then, and run for
    --horizon months with each run's parameters drawn from that posterior. Its chances that
    each state moves up a rung, reaches de jure or steps down, and that some state reaches
    de jure, are scored against what the log records next, beside persistence and
    climatology. Writes backtest.csv, scores.csv, origins.csv, reliability.png,
    timeline.png, report.html and a manifest; the directory is the last line printed.

    \b
    Example:
      recsim backtest scenarios/baseline.toml \\
          --events scenarios/data/engagement_events.csv --origins 2023-01:2025-01:6 \\
          --horizon 6
    """
    from ..calibrate.fit import FitSettings
    from ..forecast.backtest import backtest_table, plan_backtest, run_backtest
    from ..forecast.origin import BACKTEST_SETTINGS
    from ..forecast.rebase import RebaseError, parse_origins
    from ..forecast.scores import score_table
    from ..results.files import default_run_dir

    started = time.perf_counter()
    inputs = read_inputs(scenario, events, fit_start, params)
    settings = FitSettings(draws=BACKTEST_SETTINGS.draws, block=BACKTEST_SETTINGS.block,
                           burn=BACKTEST_SETTINGS.burn, max_steps=max_steps)
    try:
        months = parse_origins(origins)
        tasks = plan_backtest(inputs.fitting, inputs.log, months, horizon=horizon, runs=runs,
                              seed=seed, priors=inputs.priors, fit_start=inputs.fit_start,
                              settings=settings)
    except RebaseError as exc:
        fail(f"--origins {exc}")
    for task in tasks:
        check_window(inputs, task.origin)
    name = inputs.scenario.name
    workers = min(cap_workers(workers, dask), len(tasks))
    refuse_if_too_big(backtest_need(inputs.scenario, len(inputs.priors), tasks, workers,
                                    horizon=horizon, runs=runs, max_steps=max_steps))
    target = out or default_run_dir(Path("results"), name, seed, "backtest")
    check_out_dir(target)
    if not quiet:
        click.echo(f"{len(tasks)} origins x (a fit of {len(inputs.priors)} parameters, "
                   f"{runs:,} runs of {horizon} months)", err=True)
    with open_executor(workers, dask) as executor, \
            progress_bar(len(tasks), quiet=quiet, unit="origin", desc="backtest") as advance:
        forecasts = run_backtest(tasks, executor=executor, progress=advance)
    table = backtest_table(forecasts, inputs.log, inputs.fitting, horizon)
    scores = score_table(table, seed=seed)
    from .backtest_output import write_backtest

    write_backtest(target, inputs=inputs, source=scenario, forecasts=forecasts, table=table,
                   scores=scores, horizon=horizon, runs=runs, seed=seed, settings=settings,
                   started=started)
    if not quiet:
        _summary(scores, forecasts)
    click.echo(str(target))


def _summary(scores: pd.DataFrame, forecasts: Sequence[OriginForecast]) -> None:
    """The model's skill in a few lines on stderr."""
    unconverged = [f"{f.origin:%Y-%m}" for f in forecasts if not f.fit["converged"]]
    if unconverged:
        click.echo(f"note: the fits at {', '.join(unconverged)} did not converge within "
                   "--max-steps; read those origins with care", err=True)
    def signed(value: float) -> str:
        return "–" if value != value else f"{value:+.2f}"  # NaN: the reference is perfect

    for rec in scores[scores["forecast"] == "model"].to_dict("records"):
        click.echo(f"  {rec['target']:<12} n={rec['n']:<4} Brier {rec['brier']:.4f}  skill vs "
                   f"persistence {signed(rec['brier_skill_vs_persistence'])} "
                   f"({signed(rec['low90'])} to {signed(rec['high90'])}), vs climatology "
                   f"{signed(rec['brier_skill_vs_climatology'])}", err=True)
