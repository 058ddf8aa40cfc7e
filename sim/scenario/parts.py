"""The plain tables of a scenario file: weights, thresholds, the model switches, states, ties.

Each is a frozen pydantic model that checks its own fields; checks across tables live in
:mod:`sim.scenario.checks` and the whole scenario in :mod:`sim.scenario.schema`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .ladder import TOP
from .population import ThresholdSpec

__all__ = [
    "Intensity",
    "ModelSpec",
    "Network",
    "StateSpec",
    "Thresholds",
    "Tie",
    "Weight",
    "Weights",
]

Intensity = Annotated[float, Field(ge=0.0, le=10.0)]
Weight = Annotated[float, Field(ge=-100.0, le=100.0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
    rule: Literal["logit", "threshold"] = "logit"  # see sim/model/rules.py
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
    edges: str | None = None  # CSV edge list source,target[,weight]; see edgelist.py
