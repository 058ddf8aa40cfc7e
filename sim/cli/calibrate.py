"""``recsim calibrate``: fit a scenario's parameters to a dated event log."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import check_out_dir, fail, load_or_fail, seed_option
from .limits import count_range, refuse_if_too_big

if TYPE_CHECKING:
    from ..calibrate.fit import Prior
    from ..scenario.eventlog import EventLog
    from ..scenario.schema import Scenario

__all__ = ["calibrate", "parse_priors", "read_log"]


def parse_priors(texts: tuple[str, ...], scenario: Scenario) -> list[Prior]:
    """``PATH[=SD]`` options as priors centred on the scenario's values (the defaults: every
    weight and threshold with the default SD)."""
    from ..calibrate.fit import DEFAULT_PRIOR_SD, Prior, default_paths
    from ..model.parameters import scenario_values
    from ..scenario.params import ParameterError, check_path

    wanted: dict[str, float] = {}
    for text in texts or tuple(default_paths(scenario)):
        path, sep, sd_text = text.partition("=")
        path = path.strip()
        try:
            check_path(scenario, path)
        except ParameterError as exc:
            fail(f"--param: {exc}")
        sd = DEFAULT_PRIOR_SD
        if sep:
            try:
                sd = float(sd_text)
            except ValueError:
                fail(f"--param {text!r}: SD must be a number, e.g. weights.social=2")
            if not (math.isfinite(sd) and sd > 0):
                fail(f"--param {text!r}: SD must be a positive number")
        if path in wanted:
            fail(f"--param: {path!r} is given twice")
        wanted[path] = sd
    try:
        values = scenario_values(scenario, list(wanted))
    except (AttributeError, KeyError):
        fail(f"--param: only weights.*, thresholds.* and states.ID.propensity can be fitted "
             f"(got {', '.join(wanted)})")
    return [Prior(path, values[path], sd) for path, sd in wanted.items()]


def read_log(scenario: Scenario, events: Path | None) -> tuple[EventLog, str]:
    from ..scenario.eventlog import EventLogError, read_event_log
    from ..scenario.roster import roster_of

    path = events if events is not None else scenario.events.log
    if path is None:
        fail("give the event log with --events LOG (the scenario names none under [events])")
    try:
        log = read_event_log(path, set(roster_of(scenario).state_ids), scenario=scenario.name)
    except EventLogError as exc:
        fail(str(exc))
    return log, str(path)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--events", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="LOG", help="Event log (date,state,level_after) [default: the "
                                  "scenario's [events] log].")
@click.option("--window", required=True, metavar="START:END",
              help="Months to fit: from the levels at the end of START, every move up to END.")
@click.option("--param", "params", multiple=True, metavar="PATH[=SD]",
              help="A parameter to fit, with its prior SD (repeatable) [default: every "
                   "weight and threshold, SD 1].")
@click.option("--draws", type=count_range(10), default=1000, show_default=True,
              help="Posterior draws to keep.")
@seed_option
@click.option("--max-steps", type=count_range(200), default=20_000, show_default=True,
              help="Stop sampling here even if R-hat has not fallen below 1.01.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results directory [default: results/<scenario>/<UTC time>-calibrate-"
                   "s<seed>].")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def calibrate(scenario: Path, events: Path | None, window: str, params: tuple[str, ...],
              draws: int, seed: int, max_steps: int, out: Path | None, quiet: bool) -> None:
    """Fit SCENARIO's parameters to the moves an event log records; write the posterior.

    The likelihood of every recorded move (and of every month without one) is exact: each
    month, each state's chance of its next level follows from what it saw the month
    before. Priors are normal, centred on the scenario's own values. Writes
    posterior.parquet (one row per draw), calibration.csv, calibrated.toml (SCENARIO with
    the posterior: 'recsim run' it), priors.png, moves.png, moves.csv, a manifest and
    report.html; the directory is the last line printed.

    \b
    Example:
      recsim calibrate scenarios/baseline.toml --window 2021-08:2025-07
      recsim calibrate scenarios/baseline.toml --events my_log.csv \\
          --window 2021-08:2025-07 --param weights.social=2 --param thresholds.level_3
    """
    from ..calibrate.likelihood import Likelihood, LikelihoodError, observe
    from ..calibrate.window import WindowError, parse_window
    from ..engine.memory import calibration_need
    from ..results.files import default_run_dir

    started = time.perf_counter()
    spec = load_or_fail(scenario)
    try:
        span = parse_window(window)
    except WindowError as exc:
        fail(f"--window {exc}")
    log, log_path = read_log(spec, events)
    priors = parse_priors(params, spec)
    try:
        record = observe(spec, log, span)
        likelihood = Likelihood(record, [p.path for p in priors])
    except LikelihoodError as exc:
        fail(str(exc))
    refuse_if_too_big(calibration_need(len(priors), max_steps, draws))
    target = out or default_run_dir(Path("results"), spec.name, seed, "calibrate")
    check_out_dir(target)
    notes = _notes(spec, record, log)
    if not quiet:
        for note in notes:
            click.echo(f"note: {note}", err=True)
    fitted = _fit(likelihood, priors, seed=seed, draws=draws, max_steps=max_steps, quiet=quiet)
    from .calibrate_output import write_calibration

    write_calibration(target, scenario=spec, source=scenario, log_path=log_path,
                      likelihood=likelihood, fit=fitted, notes=notes, seed=seed,
                      started=started)
    if not quiet:
        _summary(fitted)
    click.echo(str(target))


def _notes(scenario: Scenario, record: Any, log: EventLog) -> list[str]:
    notes = []
    if log.last_month is not None and record.window.end > log.last_month:
        notes.append(f"the log's last event is in {log.last_month:%Y-%m} and the window runs "
                     f"to {record.window.end:%Y-%m}: the months between count as months in "
                     "which nothing happened")
    if record.dropped:
        notes.append("shocks with a random timing play no part in the likelihood: "
                     + ", ".join(record.dropped))
    if scenario.uncertainty.draws is not None:
        notes.append("the scenario already names posterior draws; they are ignored: the "
                     "priors are centred on its own values")
    return notes


def _fit(likelihood: Any, priors: list[Prior], *, seed: int, draws: int, max_steps: int,
         quiet: bool) -> Any:
    from ..calibrate.fit import FitSettings, fit
    from .common import step_progress

    settings = FitSettings(draws=draws, max_steps=max_steps)
    with step_progress(max_steps, quiet=quiet) as progress:
        return fit(likelihood, priors, seed=seed, settings=settings, progress=progress)


def _summary(fitted: Any) -> None:
    """The posterior in a few lines on stderr."""
    verdict = "converged" if fitted.converged else "NOT converged (raise --max-steps)"
    click.echo(f"{len(fitted.draws):,} draws; {fitted.steps:,} steps, {verdict}; "
               f"max R-hat {max(fitted.rhat):.3f}", err=True)
    for prior, mean, low, high in zip(fitted.priors, fitted.draws.mean(axis=0),
                                      *_quantiles(fitted.draws), strict=True):
        click.echo(f"  {prior.path:<30} prior {prior.mean:6.2f}  posterior {mean:6.2f} "
                   f"({low:.2f} to {high:.2f})", err=True)


def _quantiles(draws: Any) -> tuple[Any, Any]:
    import numpy as np

    q05, q95 = np.quantile(draws, [0.05, 0.95], axis=0)
    return q05, q95
