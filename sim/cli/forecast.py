"""``recsim forecast``: the forecast as of the event log's latest month."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import check_out_dir, fail, progress_bar, seed_option, step_progress
from .forecasting import Inputs, check_window, fit_options, read_inputs
from .limits import cap_workers, count_range, refuse_if_too_big, run_need

if TYPE_CHECKING:
    import numpy as np

__all__ = ["forecast"]


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--horizon", type=click.IntRange(min=1, max=1200), default=None,
              help="Months to simulate from the latest month [default: the scenario's "
                   "months].")
@click.option("--runs", type=count_range(1), default=10_000, show_default=True,
              help="Runs; every 100 share one posterior draw, so the draws' spread gives "
                   "each chance its interval.")
@seed_option
@click.option("--calibration", type=click.Path(file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Reuse the posterior.parquet of a 'recsim calibrate' directory instead "
                   "of calibrating on the whole log.")
@fit_options(max_steps=20_000)
@click.option("--workers", type=count_range(1), default=1, show_default=True,
              help="Worker processes for the runs; results do not depend on this.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results directory [default: results/<scenario>/<UTC time>-forecast-"
                   "s<seed>].")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def forecast(scenario: Path, horizon: int | None, runs: int, seed: int,
             calibration: Path | None, events: Path | None, fit_start: str | None,
             params: tuple[str, ...], max_steps: int, workers: int, out: Path | None,
             quiet: bool) -> None:
    """Forecast from the world as the event log leaves it: chances within 6, 12, 24 months.

    Calibrates SCENARIO on every event of the log (or takes the posterior of --calibration
    DIR), starts each state on its level in the log's latest month and runs it for
    --horizon months, each run with a posterior draw. Writes the usual results directory
    ('recsim run') plus forecast.csv: each state's chance of moving up a rung, reaching de
    jure and stepping down within 6, 12 and 24 months, with 90% intervals over the
    posterior, and posterior.parquet. Append an event to the log and run it again for the
    forecast as of then. The directory is the last line printed.

    \b
    Example:
      recsim forecast scenarios/baseline.toml \\
          --events scenarios/data/engagement_events.csv
      recsim forecast scenarios/baseline.toml --events my_log.csv --horizon 24 \\
          --calibration results/baseline/20250801T120000Z-calibrate-s1
    """
    from ..engine.memory import FIT_DRAWS, calibration_need
    from ..forecast.origin import origin_seeds
    from ..results.files import default_run_dir

    started = time.perf_counter()
    inputs = read_inputs(scenario, events, fit_start, params)
    latest = inputs.log.last_month
    assert latest is not None  # read_inputs refuses an empty log
    if latest <= inputs.fit_start:
        fail(f"--fit-start {inputs.fit_start:%Y-%m} is not before the log's latest month "
             f"{latest:%Y-%m}")
    months = horizon or inputs.scenario.months
    name = inputs.scenario.name
    workers = cap_workers(workers)
    refuse_if_too_big(run_need(inputs.scenario, runs, workers, months)
                      + calibration_need(len(inputs.priors), max_steps, FIT_DRAWS))
    target = out or default_run_dir(Path("results"), name, seed, "forecast")
    fit_seed, draw_seq, run_seed = origin_seeds(seed, latest)
    if calibration is not None:
        paths, draws, about = _reuse(calibration, inputs, latest)
    else:
        check_window(inputs, latest)
    check_out_dir(target)
    if calibration is None:
        paths, draws, about = _calibrate(inputs, latest, seed=fit_seed, max_steps=max_steps,
                                         quiet=quiet)
    for note in about.get("notes", []):
        if not quiet:
            click.echo(f"note: {note}", err=True)
    from .drawing_pool import Renderer

    with Renderer(simulating=workers > 1) as renderer:
        from ..engine.ensemble import CHUNK_SIZE, run_ensemble
        from ..engine.executors import make_executor
        from ..forecast.latest import forecast_table
        from ..forecast.origin import simulate_from
        from ..results.effects import without_shocks
        from .forecast_output import forecast_files, forecast_manifest
        from .saving import save_run

        executor = make_executor(min(workers, -(-runs // CHUNK_SIZE)))
        with progress_bar(runs, quiet=quiet, desc=name) as advance:
            simulated = simulate_from(inputs.fitting, inputs.log, latest, months, draws, paths,
                                      runs=runs, seeds=(draw_seq, run_seed),
                                      future_shocks=True, executor=executor,
                                      progress=advance)
        based = simulated.scenario
        counterfactual = None
        if based.shocks:  # the same runs and draws without the shocks, for their effects
            counterfactual = run_ensemble(without_shocks(based), runs, run_seed,
                                          executor=executor, values=simulated.values)
        table = forecast_table(simulated, months)
        about["notes"] = about.get("notes", []) + simulated.notes
        save_run(target, based, scenario, simulated.result, seed=seed, started=started,
                 renderer=renderer, counterfactual=counterfactual,
                 extra_files=forecast_files(table, paths, draws, about),
                 extra_manifest=forecast_manifest(inputs, latest, months, run_seed, about))
    if not quiet:
        _summary(table, latest)
    click.echo(str(target))


def _reuse(directory: Path, inputs: Inputs, latest: date
           ) -> tuple[tuple[str, ...], np.ndarray, dict[str, Any]]:
    """The posterior of a calibration directory, checked against the scenario."""
    from ..scenario.draws import DrawsError, read_draws, replicate_path_problem

    file = directory / "posterior.parquet"
    if not file.is_file():
        fail(f"--calibration {directory}: no posterior.parquet; give a directory that "
             "'recsim calibrate' wrote")
    try:
        draws = read_draws(file)
    except DrawsError as exc:
        fail(f"--calibration {exc}")
    for path in draws.paths:
        problem = replicate_path_problem(inputs.fitting, path)
        if problem is not None:
            fail(f"--calibration {file}: column {problem}")
    notes, window = [], None
    manifest = directory / "manifest.json"
    if manifest.is_file():
        try:
            record = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            fail(f"--calibration {manifest}: cannot be read ({type(exc).__name__}); write it "
                 "again with 'recsim calibrate'")
        window = record.get("window") if isinstance(record, dict) else None
        end = str(window or "").partition(":")[2]
        if end and end < f"{latest:%Y-%m}":
            notes.append(f"the posterior of {directory} was fitted over {window}; the log now "
                         f"runs to {latest:%Y-%m}, and its later events are not in the fit")
    about = {"posterior": str(file), "fit_window": window, "notes": notes}
    return draws.paths, draws.values, about


def _calibrate(inputs: Inputs, latest: date, *, seed: int, max_steps: int, quiet: bool
               ) -> tuple[tuple[str, ...], np.ndarray, dict[str, Any]]:
    """Fit on every event of the log, from the fit start to its latest month."""
    from ..calibrate.fit import FitSettings
    from ..calibrate.window import Window
    from ..forecast.origin import calibrate_at, fit_summary

    window = Window(inputs.fit_start, latest)
    with step_progress(max_steps, quiet=quiet) as progress:
        calibrated = calibrate_at(inputs.fitting, inputs.log, window, inputs.priors, seed=seed,
                                  settings=FitSettings(max_steps=max_steps), progress=progress)
    summary = fit_summary(calibrated)
    notes = [] if summary["converged"] else [
        f"the fit did not converge within {max_steps:,} steps (max R-hat "
        f"{summary['max_rhat']}); raise --max-steps"]
    about = {"posterior": "fitted", "fit_window": str(window), "fit": summary,
             "calibrated": calibrated, "notes": notes}
    return calibrated.fit.paths, calibrated.fit.draws, about


def _summary(table: Any, latest: date) -> None:
    """The chances within 12 months (or the longest horizon run) on stderr."""
    column = next((h for h in ("12", "6") if table[f"p_up_{h}"].notna().any()), None)
    if column is None:
        return
    click.echo(f"forecast as of {latest:%Y-%m}, chance within {column} months "
               "(90% interval over the posterior):", err=True)
    for rec in table.to_dict("records"):
        cells = []
        for target in ("up", "de_jure", "down"):
            p = rec[f"p_{target}_{column}"]
            if p == p:  # not NaN
                cells.append(f"{target} {p:.2f} ({rec[f'p_{target}_{column}_low']:.2f}-"
                             f"{rec[f'p_{target}_{column}_high']:.2f})")
        click.echo(f"  {rec['state']:<5} level {rec['start_level']}  " + "  ".join(cells),
                   err=True)
