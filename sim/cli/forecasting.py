"""What ``recsim backtest`` and ``recsim forecast`` share: options, the log, the priors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import fail, load_or_fail
from .limits import count_range

if TYPE_CHECKING:
    from ..calibrate.fit import Prior
    from ..scenario.eventlog import EventLog
    from ..scenario.schema import Scenario

__all__ = ["Inputs", "check_window", "fit_options", "read_inputs"]


def fit_options(max_steps: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--events``, ``--fit-start``, ``--param`` and ``--max-steps`` (with its default)."""
    options = [
        click.option("--events", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, metavar="LOG",
                     help="Event log (date,state,level_after) [default: the scenario's "
                          "[events] log]."),
        click.option("--fit-start", metavar="YYYY-MM", default=None,
                     help="First month of every fit: its levels start the record [default: "
                          "2021-08, the Taliban's takeover, or the month before the log's "
                          "first event if earlier]."),
        click.option("--param", "params", multiple=True, metavar="PATH[=SD]",
                     help="A parameter to fit, with its prior SD (repeatable) [default: "
                          "every weight and threshold, SD 1]."),
        click.option("--max-steps", type=count_range(200), default=max_steps,
                     show_default=True,
                     help="Sampler steps per fit at most; whether each fit converged "
                          "(R-hat < 1.01) is reported."),
    ]

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@dataclass(frozen=True)
class Inputs:
    """A command's scenario (as loaded, and ready to calibrate), log, fit start and priors."""

    scenario: Scenario
    fitting: Scenario
    log: EventLog
    log_path: str
    fit_start: date
    priors: list[Prior]


def read_inputs(source: Path, events: Path | None, fit_start: str | None,
                params: tuple[str, ...]) -> Inputs:
    """Load and check everything before any work: one-line errors, exit status 2."""
    from ..forecast.rebase import RebaseError, fit_start_for, fitting_scenario
    from ..scenario.calendar import parse_month
    from .calibrate import parse_priors, read_log

    spec = load_or_fail(source)
    try:
        fitting = fitting_scenario(spec)
    except RebaseError as exc:
        fail(str(exc))
    log, log_path = read_log(spec, events)
    if not log.events:
        fail(f"{log_path}: the log holds no events")
    given = None
    if fit_start is not None:
        try:
            given = parse_month(fit_start)
        except ValueError as exc:
            fail(f"--fit-start: {exc}")
    return Inputs(spec, fitting, log, log_path, fit_start_for(log, given),
                  parse_priors(params, fitting))


def check_window(inputs: Inputs, end: date) -> None:
    """Stop now if the likelihood cannot be computed over fit start to ``end`` (a bloc, the
    threshold rule): the record is replayed in a hundredth of a second."""
    from ..calibrate.likelihood import LikelihoodError, observe
    from ..calibrate.window import Window

    try:
        observe(inputs.fitting, inputs.log.until(end), Window(inputs.fit_start, end))
    except LikelihoodError as exc:
        fail(str(exc))
