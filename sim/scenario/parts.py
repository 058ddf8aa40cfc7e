"""The plain tables of a scenario file: weights, thresholds, the model switches, states, ties.

Each is a frozen pydantic model that checks its own fields; checks across tables live in
:mod:`sim.scenario.checks` and the whole scenario in :mod:`sim.scenario.schema`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .ladder import TOP
from .population import ThresholdSpec

__all__ = [
    "Events",
    "Intensity",
    "ModelSpec",
    "Network",
    "StateSpec",
    "Thresholds",
    "Tie",
    "Uncertainty",
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

    # may states step down? unset: yes under the logit rule, no under the threshold rule
    reversible: bool = True
    rule: Literal["logit", "threshold"] = "logit"  # see sim/model/rules.py
    threshold: ThresholdSpec = ThresholdSpec()  # thresholds of the threshold rule

    @model_validator(mode="before")
    @classmethod
    def _rule_default(cls, data: Any) -> Any:
        """``reversible`` defaults to the rule's own: the threshold rule only climbs."""
        if isinstance(data, dict) and "reversible" not in data:
            return data | {"reversible": data.get("rule", "logit") == "logit"}
        return data


class StateSpec(_Frozen):
    """One actor: where it stands at the start and what pulls or pushes it."""

    name: str = Field(min_length=1)
    capital: str = ""
    lat: float = Field(default=0.0, ge=-90.0, le=90.0)
    lon: float = Field(default=0.0, ge=-180.0, le=180.0)
    level: int = Field(default=0, ge=0, le=TOP)
    # with an event log: the level before the state's first logged event (default: level)
    level_before_log: int | None = Field(default=None, ge=0, le=TOP)
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


class Events(_Frozen):
    """An event log (sim/scenario/eventlog.py) the start levels are read from.

    With ``log``, each state starts on its level in the log at the scenario's start month:
    after its latest event in or before that month, else ``level_before_log`` (else
    ``level``). A user who appends an event and reruns starts from the world as it stands.
    """

    log: str | None = None  # CSV file, relative to the scenario file that names it


class Uncertainty(_Frozen):
    """Parameter uncertainty: a file of draws, one row per draw, one column per key path.

    Each replicate of a run takes its parameters from one row, drawn with the run's seed
    (sim/engine/ensemble.py); ``means`` are the parameters a run uses when uncertainty is
    switched off (``recsim calibrate`` writes both).
    """

    draws: str | None = None  # Parquet or CSV file, relative to the scenario file
    means: dict[str, float] = {}
