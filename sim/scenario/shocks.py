"""Typed, frozen schema of ``[projects]`` and ``[[shocks]]``: what can happen, and when.

A shock has a kind, its targets, a magnitude where one applies, and a timing: a fixed month
(``at``) or a monthly probability (``hazard``). The machinery that applies shocks during a
run lives in :mod:`sim.model.shocks`; this module only describes them, and
:mod:`sim.scenario.checks` checks them against the rest of the scenario.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from .calendar import add_months, months_between, parse_month
from .errors import KeyPathError
from .ladder import FACTORS, TOP

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
    "shock_date",
    "shock_month",
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
    if shock.at is None or isinstance(shock.at, int):
        return shock.at
    return months_between(start, parse_month(shock.at))


def shock_date(shock: _Timed, start: date) -> date | None:
    """The calendar month a fixed-time shock fires in; None for a hazard."""
    month = shock_month(shock, start)
    return None if month is None else add_months(start, month)


def state_refs(shock: _Timed) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every state a shock names, with its key path inside the shock (for error messages)."""
    if isinstance(shock, TieShock):
        yield ("from",), shock.source
        yield ("to",), shock.target
    for j, state in enumerate(getattr(shock, "states", ())):
        yield ("states", j), state
