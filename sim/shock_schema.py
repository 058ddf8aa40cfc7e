"""Typed, frozen schema of ``[projects]`` and ``[[shocks]]``: what can happen, and when.

A shock has a kind, its targets, a magnitude where one applies, and a timing: a fixed month
(``at``) or a monthly probability (``hazard``). The machinery that applies shocks during a
run lives in :mod:`sim.shocks`; this module only describes and checks them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from .errors import KeyPathError
from .ladder import FACTORS, TOP

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = [
    "SHOCK_KINDS",
    "SHOCK_MODELS",
    "AttackShock",
    "BlocShock",
    "IncentiveShock",
    "Project",
    "RecognizeShock",
    "Shock",
    "TieShock",
    "shock_month",
    "shock_problem",
    "state_refs",
]

_NAME = r"^[A-Za-z0-9_.-]{1,64}$"
_FROZEN = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

StateList = Annotated[tuple[str, ...], Field(min_length=1)]
Factor = Literal["connectivity", "minerals", "security", "water", "opposition",
                 "western_pressure"]
assert get_args(Factor) == FACTORS  # the incentive factors of sim.ladder, in the same order


class Project(BaseModel):
    """A project (or border region) ISKP may attack, and who is hurt when it does."""

    model_config = _FROZEN

    name: str = ""
    stakeholders: tuple[str, ...] = ()
    threatened: tuple[str, ...] = ()
    status: Literal["planned", "construction", "operating", "suspended", "region"] = "planned"


class _Timed(BaseModel):
    """What every shock has: a unique name and a timing, fixed (``at``) or random (``hazard``)."""

    model_config = _FROZEN

    kind: str  # each kind narrows this to its own literal
    name: str = Field(pattern=_NAME)
    description: str = ""
    at: int | str | None = None
    hazard: float | None = Field(default=None, gt=0.0, le=1.0)
    repeat: bool = False

    @field_validator("at", mode="before")
    @classmethod
    def _at_type(cls, value: Any) -> Any:
        if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
            return value
        raise ValueError("must be a month as 'YYYY-MM' or a month index (an integer)")


class RecognizeShock(_Timed):
    """The states move to ``level`` that month (China recognises first, say)."""

    kind: Literal["recognize"] = "recognize"
    states: StateList
    level: int = Field(default=TOP, ge=0, le=TOP)


class AttackShock(_Timed):
    """ISKP hits a project: stakeholders lose connectivity, threatened states need security."""

    kind: Literal["attack"] = "attack"
    project: str
    connectivity_loss: float = Field(default=1.0, ge=0.0, le=10.0)
    security_gain: float = Field(default=1.0, ge=0.0, le=10.0)
    recovery_months: int = Field(default=12, ge=1, le=1200)


class IncentiveShock(_Timed):
    """One incentive factor changes for some states: a step, or decaying with a half-life."""

    kind: Literal["incentive"] = "incentive"
    states: StateList
    factor: Factor
    add: float | None = Field(default=None, ge=-10.0, le=10.0)
    scale: float | None = Field(default=None, ge=0.0, le=10.0)
    half_life: float | None = Field(default=None, gt=0.0, le=1200.0)


class TieShock(_Timed):
    """A tie's weight changes from that month on (a new understanding, a rupture)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              populate_by_name=True)

    kind: Literal["tie"] = "tie"
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    weight: float = Field(ge=0.0, le=100.0)
    back_weight: float | None = Field(default=None, ge=0.0, le=100.0)


class BlocShock(_Timed):
    """From that month the states decide together, climbing as one (see docs/scenarios.md)."""

    kind: Literal["bloc"] = "bloc"
    states: StateList

    @field_validator("states")
    @classmethod
    def _two_or_more(cls, states: tuple[str, ...]) -> tuple[str, ...]:
        if len(states) < 2:
            raise ValueError("a bloc needs at least two states; one state moving on its own "
                             "is the model's ordinary rule")
        return states


SHOCK_MODELS: dict[str, type[_Timed]] = {
    "recognize": RecognizeShock,
    "attack": AttackShock,
    "incentive": IncentiveShock,
    "tie": TieShock,
    "bloc": BlocShock,
}
SHOCK_KINDS = tuple(SHOCK_MODELS)


def _parse_shock(value: Any) -> Any:
    """Pick the model from ``kind``, so errors name ``shocks.N.key`` and not a union branch."""
    if isinstance(value, _Timed):
        return value
    if not isinstance(value, dict):
        raise KeyPathError((), "each shock must be a table, written [[shocks]] or {kind = ...}")
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in SHOCK_MODELS:
        got = "missing" if kind is None else f"unknown kind {kind!r}"
        raise KeyPathError(("kind",), f"{got}; expected one of: {', '.join(SHOCK_KINDS)}")
    return SHOCK_MODELS[kind].model_validate(value)


Shock = Annotated[
    RecognizeShock | AttackShock | IncentiveShock | TieShock | BlocShock,
    BeforeValidator(_parse_shock),
]


def shock_month(shock: _Timed, start: date) -> int | None:
    """Month index of a fixed-time shock (0 = the start month); None for a hazard."""
    from .scenario import parse_month

    if shock.at is None or isinstance(shock.at, int):
        return shock.at
    month = parse_month(shock.at)
    return (month.year - start.year) * 12 + month.month - start.month


Problem = tuple[tuple[str | int, ...], str]


def state_refs(shock: _Timed) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every state a shock names, with its key path inside the shock (for error messages)."""
    if isinstance(shock, TieShock):
        yield ("from",), shock.source
        yield ("to",), shock.target
    for j, state in enumerate(getattr(shock, "states", ())):
        yield ("states", j), state


def _timing_problem(shock: _Timed, scenario: Scenario) -> Problem | None:
    if (shock.at is None) == (shock.hazard is None):
        return ("at",), "give exactly one of 'at' (a fixed month) or 'hazard' (monthly chance)"
    if shock.repeat and shock.at is not None:
        return ("repeat",), "only a 'hazard' shock can repeat"
    if shock.repeat and not isinstance(shock, AttackShock | IncentiveShock):
        return ("repeat",), f"a {shock.kind!r} shock happens once; only attack and incentive repeat"
    if shock.at is None:
        return None
    try:
        month = shock_month(shock, scenario.start_date)
    except ValueError as exc:
        return ("at",), str(exc)
    assert month is not None
    if not 1 <= month <= scenario.months:
        last = scenario.month_date(scenario.months).strftime("%Y-%m")
        first = scenario.month_date(1).strftime("%Y-%m")
        return ("at",), (f"month {month} is outside the horizon: shocks happen in months 1.."
                         f"{scenario.months} ({first} to {last}); the start month is month 0")
    return None


def _known_state(scenario: Scenario, state: str) -> bool:
    population = scenario.population
    if population is None:
        return state in scenario.states
    if population.size is None:  # states named by an edge-list file: read it (cached)
        from .roster import roster_of  # here: sim/roster.py imports sim/scenario.py

        return state in roster_of(scenario).state_ids
    return population.may_hold(state)


def _kind_problem(shock: _Timed, scenario: Scenario) -> Problem | None:
    for path, state in state_refs(shock):
        if not _known_state(scenario, state):
            return path, f"unknown state {state!r}"
    if scenario.model.rule != "logit" and isinstance(shock, AttackShock | IncentiveShock |
                                                     BlocShock):
        return ("kind",), (f"a {shock.kind!r} shock acts through utility, which "
                           f"model.rule = {scenario.model.rule!r} does not use")
    states = getattr(shock, "states", ())
    if len(set(states)) < len(states):
        return ("states",), "a state is listed twice"
    if isinstance(shock, AttackShock) and shock.project not in scenario.projects:
        known = ", ".join(scenario.projects) or "none declared"
        return ("project",), f"unknown project {shock.project!r} (declared: {known})"
    if isinstance(shock, IncentiveShock) and (shock.add is None) == (shock.scale is None):
        return ("add",), "give exactly one of 'add' (intensity change) or 'scale' (multiplier)"
    if isinstance(shock, TieShock) and shock.source == shock.target:
        return ("to",), "a state cannot tie to itself"
    return None


def shock_problem(scenario: Scenario) -> Problem | None:
    """The first cross-field problem of the projects and shocks, with its key path."""
    for project_id, project in scenario.projects.items():
        for key in ("stakeholders", "threatened"):
            for j, state in enumerate(getattr(project, key)):
                if not _known_state(scenario, state):
                    return ("projects", project_id, key, j), f"unknown state {state!r}"
    seen: set[str] = set()
    in_bloc: dict[str, str] = {}
    for i, shock in enumerate(scenario.shocks):
        if shock.name in seen:
            return ("shocks", i, "name"), f"another shock is already named {shock.name!r}"
        seen.add(shock.name)
        problem = _timing_problem(shock, scenario) or _kind_problem(shock, scenario)
        if problem is not None:
            return ("shocks", i, *problem[0]), problem[1]
        for j, state in enumerate(shock.states if isinstance(shock, BlocShock) else ()):
            if state in in_bloc:
                return ("shocks", i, "states", j), (
                    f"{state} is already in bloc {in_bloc[state]!r}; a state joins one bloc")
            in_bloc[state] = shock.name
    return None
