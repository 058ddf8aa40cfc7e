"""Typed, frozen scenario objects: everything a run needs, validated once at load time."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import KeyPathError
from .ladder import TOP
from .population import Adopters, Population, ThresholdSpec, check_scenario
from .shock_schema import Project, Shock, shock_problem

__all__ = [
    "ModelSpec",
    "Scenario",
    "StateSpec",
    "Thresholds",
    "Tie",
    "Weights",
    "add_months",
    "parse_month",
]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_STATE_ID = r"^[A-Za-z][A-Za-z0-9_]{0,31}$"

Intensity = Annotated[float, Field(ge=0.0, le=10.0)]
Weight = Annotated[float, Field(ge=-100.0, le=100.0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def parse_month(text: str) -> date:
    """Parse ``YYYY-MM`` into the first day of that month."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def add_months(start: date, months: int) -> date:
    """The first day of the month ``months`` after ``start``."""
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class Weights(_Frozen):
    """Utility per unit of each factor; costs carry negative weights."""

    social: Weight = 3.0
    connectivity: Weight = 0.0
    minerals: Weight = 0.0
    security: Weight = 0.0
    water: Weight = 0.0
    opposition: Weight = 0.0
    western_pressure: Weight = 0.0


class Thresholds(_Frozen):
    """Utility a state needs before the monthly chance of climbing to a rung reaches 50%."""

    level_1: Weight = 2.0
    level_2: Weight = 4.0
    level_3: Weight = 6.0
    downgrade: Weight = 4.0

    def up(self) -> tuple[float, float, float, float]:
        """Threshold of the rung above each level (index = current level; the top has none)."""
        return (self.level_1, self.level_2, self.level_3, float("inf"))


class ModelSpec(_Frozen):
    """Switches of the decision model."""

    reversible: bool = False
    rule: Literal["logit", "threshold"] = "logit"  # see sim/rules.py
    threshold: ThresholdSpec = ThresholdSpec()  # thresholds of the threshold rule


class StateSpec(_Frozen):
    """One actor: where it stands at the start and what pulls or pushes it."""

    name: str = Field(min_length=1)
    capital: str = ""
    lat: float = Field(default=0.0, ge=-90.0, le=90.0)
    lon: float = Field(default=0.0, ge=-180.0, le=180.0)
    level: int = Field(default=0, ge=0, le=TOP)
    central_asia: bool = False
    propensity: Weight = 0.0
    connectivity: Intensity = 0.0
    minerals: Intensity = 0.0
    security: Intensity = 0.0
    water: Intensity = 0.0
    opposition: Intensity = 0.0
    western_pressure: Intensity = 0.0
    threshold: float | None = Field(default=None, ge=0.0, le=100.0)  # threshold rule only


class Tie(_Frozen):
    """How much ``from`` watches ``to`` (``weight``) and, unless directed, the reverse."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    weight: float = Field(default=1.0, gt=0.0, le=100.0)
    back_weight: float | None = Field(default=None, ge=0.0, le=100.0)
    kind: str = ""


class Network(_Frozen):
    """How ties are read: their direction, and an optional CSV edge-list file."""

    directed: bool = False
    edges: str | None = None  # CSV edge list source,target[,weight]; see sim/edgelist.py


class Scenario(_Frozen):
    """A complete, resolved scenario (after ``extends``)."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    source: str = ""
    start: str = "2025-07"
    months: int = Field(default=60, ge=1, le=1200)
    weights: Weights = Weights()
    thresholds: Thresholds = Thresholds()
    model: ModelSpec = ModelSpec()
    network: Network = Network()
    states: dict[Annotated[str, Field(pattern=_STATE_ID)], StateSpec] = {}
    ties: tuple[Tie, ...] = ()
    population: Population | None = None  # anonymous states instead of [states]
    adopters: Adopters = Adopters()
    projects: dict[Annotated[str, Field(pattern=_STATE_ID)], Project] = {}
    shocks: tuple[Shock, ...] = ()

    @field_validator("start")
    @classmethod
    def _month(cls, value: str) -> str:
        parse_month(value)
        return value

    @model_validator(mode="after")
    def _roster_fits(self) -> Scenario:
        check_scenario(self)
        return self

    @model_validator(mode="after")
    def _ties_known(self) -> Scenario:
        for index, tie in enumerate(self.ties):
            for key, state in (("from", tie.source), ("to", tie.target)):
                if state not in self.states:
                    raise KeyPathError(("ties", index, key), f"unknown state {state!r}")
            if tie.source == tie.target:
                raise KeyPathError(("ties", index, "to"), "a state cannot tie to itself")
        return self

    @model_validator(mode="after")
    def _shocks_known(self) -> Scenario:
        problem = shock_problem(self)
        if problem is not None:
            raise KeyPathError(*problem)
        return self

    @property
    def state_ids(self) -> tuple[str, ...]:
        """Every state's id in roster order: the named states, or a population's."""
        if self.population is None:
            return tuple(self.states)
        from .roster import roster_of  # here, not at the top: sim/roster.py imports this module

        return roster_of(self).state_ids

    @property
    def start_date(self) -> date:
        """First day of the start month (month 0)."""
        return parse_month(self.start)

    def month_date(self, month: int) -> date:
        """Calendar month of a month index (0 = the start month)."""
        return add_months(self.start_date, month)
