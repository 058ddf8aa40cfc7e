"""The whole scenario: a typed, frozen object with everything a run needs, validated at load.

The plain tables are in :mod:`sim.scenario.parts`, populations in
:mod:`sim.scenario.population` and shocks in :mod:`sim.scenario.shocks`; the checks across
them run here, once, as validators (:mod:`sim.scenario.checks`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .calendar import add_months, parse_month
from .checks import check_roster, shock_problem
from .errors import KeyPathError
from .parts import Events, ModelSpec, Network, StateSpec, Thresholds, Tie, Uncertainty, Weights
from .population import Adopters, Population
from .shocks import Project, Shock

__all__ = ["Scenario"]

_STATE_ID = r"^[A-Za-z][A-Za-z0-9_]{0,31}$"
# A scenario's name becomes a directory name (results/<name>/...): one safe path component,
# so never '.', '..', hidden, or holding a separator.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


class Scenario(BaseModel):
    """A complete, resolved scenario (after ``extends``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
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
    history: tuple[Shock, ...] = ()  # shocks dated in or before the start month
    events: Events = Events()
    uncertainty: Uncertainty = Uncertainty()

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError(
                f"{value!r} cannot name a results directory: use 1 to 100 letters, digits, "
                "'_', '-' or '.', not starting with '.' (e.g. 'my_scenario')")
        return value

    @field_validator("start")
    @classmethod
    def _month(cls, value: str) -> str:
        parse_month(value)
        return value

    @model_validator(mode="after")
    def _roster_fits(self) -> Scenario:
        check_roster(self)
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
    def start_date(self) -> date:
        """First day of the start month (month 0)."""
        return parse_month(self.start)

    def month_date(self, month: int) -> date:
        """Calendar month of a month index (0 = the start month)."""
        return add_months(self.start_date, month)
