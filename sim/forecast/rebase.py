"""Scenarios re-based on a month of an event log: the world as it stood then, nothing later.

A forecast made at the end of month M (its *origin*) knows every event dated in or before
M and nothing after. :func:`origin_scenario` starts the scenario there: each state on its
level in the log at M, the history's shocks up to M acting as they do in a run (what
lingers of them), and no fixed-date shock after M unless asked for (in a backtest those
are what happened later; in the forecast as of now they are the scenario's own
assumptions about the future). :func:`fitting_scenario` is the scenario a calibration
starts from: its own values as prior centres, without its event log or posterior draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..scenario.calendar import add_months, months_between, parse_month
from ..scenario.eventlog import EventLog
from ..scenario.loading import scenario_from_dict
from ..scenario.roster import levels_before_log
from ..scenario.schema import Scenario
from ..scenario.shocks import shock_date

__all__ = [
    "DEFAULT_FIT_START",
    "RebaseError",
    "check_origins",
    "fit_start_for",
    "fitting_scenario",
    "origin_scenario",
    "parse_origins",
    "start_levels",
]

# The Taliban took Kabul on 15 August 2021: the month the baseline's levels before the log
# (level_before_log) describe, and the first month of the record a calibration reads.
DEFAULT_FIT_START = date(2021, 8, 1)


class RebaseError(ValueError):
    """Origins, a fit start or a scenario that cannot be re-based: one line, for the user."""


def parse_origins(text: str) -> list[date]:
    """``START:END[:STEP]`` in months (``YYYY-MM``), STEP a positive whole number (1)."""
    parts = [part.strip() for part in text.split(":")]
    if len(parts) not in (2, 3):
        raise RebaseError(f"{text!r}: expected START:END:STEP, e.g. 2023-01:2025-01:6")
    try:
        first, last = parse_month(parts[0]), parse_month(parts[1])
    except ValueError as exc:
        raise RebaseError(f"{text!r}: {exc}") from None
    step_text = parts[2] if len(parts) == 3 else "1"
    if not step_text.isdigit() or int(step_text) < 1:
        raise RebaseError(f"{text!r}: STEP must be a whole number of months, at least 1")
    if last < first:
        raise RebaseError(f"{text!r}: END comes before START")
    span = months_between(first, last)
    return [add_months(first, m) for m in range(0, span + 1, int(step_text))]


def fit_start_for(log: EventLog, given: date | None = None) -> date:
    """The first month of every fit: ``given``, else August 2021 or, for a log that starts
    earlier, the month before its first event."""
    if given is not None:
        return given
    first = log.first_month
    if first is None:
        return DEFAULT_FIT_START
    return min(DEFAULT_FIT_START, add_months(first, -1))


def check_origins(origins: Sequence[date], log: EventLog, horizon: int,
                  fit_start: date) -> None:
    """Every origin lies within the log, after the fit start, with its outcomes known."""
    first, last = log.first_month, log.last_month
    if first is None or last is None:
        raise RebaseError(f"{log.file}: the log holds no events")
    for origin in origins:
        when = f"origin {origin:%Y-%m}"
        if origin < first:
            raise RebaseError(f"{when} is before the log's first event ({first:%Y-%m}): "
                              "there is nothing to calibrate on")
        if origin > last:
            raise RebaseError(f"{when} is after the log's last month ({last:%Y-%m}): "
                              "nothing is known of what followed it")
        if origin <= fit_start:
            raise RebaseError(f"{when} is not after the fit start {fit_start:%Y-%m}; "
                              "give an earlier --fit-start")
        end = add_months(origin, horizon)
        if end > last:
            raise RebaseError(f"{when} + {horizon} months runs to {end:%Y-%m}, past the "
                              f"log's last month ({last:%Y-%m}): its outcomes are not known "
                              "yet; end the origins earlier or shorten --horizon")


def _named(scenario: Scenario) -> None:
    if scenario.population is not None:
        raise RebaseError(f"scenario {scenario.name!r} has a [population]: forecasts re-base "
                          "named states ([states]) on an event log")


def fitting_scenario(scenario: Scenario) -> Scenario:
    """The scenario a calibration starts from: no event log (the log is given apart) and no
    posterior draws (the priors are centred on its own values)."""
    _named(scenario)
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    data |= {"events": {}, "uncertainty": {}}
    return scenario_from_dict(data, f"{scenario.name} (to calibrate)")


def start_levels(scenario: Scenario, log: EventLog, month: date) -> dict[str, int]:
    """Every state's level at the end of ``month`` as ``log`` gives it, in roster order."""
    ids = tuple(scenario.states)
    return log.levels_at(month, levels_before_log(ids, tuple(scenario.states.values())))


def origin_scenario(scenario: Scenario, log: EventLog, origin: date, months: int, *,
                    future_shocks: bool) -> tuple[Scenario, list[str]]:
    """``scenario`` started at the end of ``origin`` for ``months`` months, and notes.

    Each state stands on its level in ``log`` at ``origin`` (only events in or before it
    count); fixed-date shocks in or before ``origin`` join the history; those after it are
    kept (re-dated) only with ``future_shocks``, and those beyond the horizon never; shocks
    with a random timing are kept. The event log and the posterior draws are removed: the
    levels are written in, and the caller gives each replicate its parameters.
    """
    _named(scenario)
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    levels = start_levels(scenario, log, origin)
    for state, level in levels.items():
        spec = dict(data["states"][state])
        spec.pop("level_before_log", None)
        data["states"][state] = spec | {"level": level}
    end = add_months(origin, months)
    history, shocks, later = [], [], []
    for table in ("history", "shocks"):
        for raw, shock in zip(data.get(table, []), getattr(scenario, table), strict=True):
            when = shock_date(shock, scenario.start_date)
            if when is None:
                shocks.append(raw)
            elif when <= origin:
                history.append(raw | {"at": f"{when:%Y-%m}"})
            elif future_shocks and when <= end:
                shocks.append(raw | {"at": f"{when:%Y-%m}"})
            else:
                later.append(shock.name)
    notes = []
    if later:
        why = "after the horizon" if future_shocks else "after the origin"
        notes.append(f"shocks dated {why} are left out of the run from {origin:%Y-%m}: "
                     + ", ".join(later))
    data |= {"start": f"{origin:%Y-%m}", "months": months, "history": history,
             "shocks": shocks, "events": {}, "uncertainty": {}}
    return scenario_from_dict(data, f"{scenario.name} from {origin:%Y-%m}"), notes
