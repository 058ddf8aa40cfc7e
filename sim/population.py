"""Schema for synthetic populations, thresholds and starting adopters.

``[population]``, ``[model.threshold]`` (the threshold rule's distribution) and ``[adopters]``.

A population replaces the named ``[states]`` table with N anonymous states (ids ``S0`` ..
``S<N-1>``) joined by a network from a named networkx generator, or with the states named
in an edge-list file. These are plain frozen specifications; sim/roster.py turns them
into states and ties.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import KeyPathError
from .ladder import TOP

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["GENERATORS", "Adopters", "Population", "ThresholdSpec", "anonymous_id",
           "check_scenario"]

GENERATORS = ("erdos_renyi", "watts_strogatz", "barabasi_albert", "edge_list")

# Keys each choice reads; setting another choice's key is a mistake worth reporting.
_GENERATOR_KEYS = {
    "erdos_renyi": ("size", "mean_degree"),
    "watts_strogatz": ("size", "neighbours", "rewire"),
    "barabasi_albert": ("size", "attach"),
    "edge_list": (),
}
_DISTRIBUTION_KEYS = {"fixed": ("value",), "uniform": ("low", "high"), "normal": ("mean", "sd")}
_ANONYMOUS = re.compile(r"^S(0|[1-9][0-9]*)$")


def _keys_fit(spec: BaseModel, keys: dict[str, tuple[str, ...]], choice: str, what: str,
              optional: tuple[str, ...] = ()) -> None:
    """Keys of other choices must be unset; the choice's own keys set unless optional.

    Unset keys are None rather than defaults, so a dumped scenario loads back unchanged.
    """
    for key in sorted({k for ks in keys.values() for k in ks} - set(keys[choice])):
        if getattr(spec, key) is not None:
            raise KeyPathError((key,), f"not used by {what} = {choice!r}")
    for key in keys[choice]:
        if key not in optional and getattr(spec, key) is None:
            raise KeyPathError((key,), f"required by {what} = {choice!r}")


def anonymous_id(index: int) -> str:
    """Id of the ``index``-th anonymous state of a generated population."""
    return f"S{index}"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Population(_Spec):
    """N anonymous states with default parameters and a generated (or loaded) network.

    ``generator``: ``erdos_renyi`` (``mean_degree``), ``watts_strogatz`` (``neighbours``,
    ``rewire``), ``barabasi_albert`` (``attach``), or ``edge_list`` (the states and ties of
    ``[network] edges``). ``seed`` seeds the generator, so the network is part of the
    scenario: every replicate and every ``--seed`` sees the same network.
    """

    generator: Literal["erdos_renyi", "watts_strogatz", "barabasi_albert", "edge_list"]
    size: int | None = Field(default=None, ge=2, le=10_000_000)
    mean_degree: float | None = Field(default=None, gt=0.0)
    neighbours: int | None = Field(default=None, ge=2)
    rewire: float | None = Field(default=None, ge=0.0, le=1.0)
    attach: int | None = Field(default=None, ge=1)
    seed: int = Field(default=1, ge=0)
    level: int = Field(default=0, ge=0, le=TOP)

    @model_validator(mode="after")
    def _parameters_fit(self) -> Population:
        _keys_fit(self, _GENERATOR_KEYS, self.generator, "generator")
        size = self.size or 0
        if self.mean_degree is not None and self.mean_degree > size - 1:
            raise KeyPathError(("mean_degree",), f"must be at most size - 1 = {size - 1}")
        if self.neighbours is not None and self.neighbours >= size:
            raise KeyPathError(("neighbours",), f"must be less than size ({size})")
        if self.attach is not None and self.attach >= size:
            raise KeyPathError(("attach",), f"must be less than size ({size})")
        return self

    def generated_ids(self) -> tuple[str, ...] | None:
        """Ids of a generated population; None when they come from an edge list."""
        if self.size is None:
            return None
        return tuple(anonymous_id(i) for i in range(self.size))

    def may_hold(self, state_id: str) -> bool:
        """Whether ``state_id`` can name one of this population's states (checked early)."""
        if self.size is None:
            return True  # edge-list labels are checked when the file is read
        match = _ANONYMOUS.match(state_id)
        return match is not None and int(match.group(1)) < self.size


class ThresholdSpec(_Spec):
    """Where states' thresholds come from when they do not set their own ``threshold``.

    ``fixed`` gives every state ``value`` (needed unless every state has its own);
    ``uniform`` draws from [low, high] (default [0, 1]); ``normal`` draws from a normal of
    ``mean`` and ``sd`` truncated to [0, 1]. Draws are made once per state and replicate,
    from the model's generator, when the model is set up.
    """

    distribution: Literal["fixed", "uniform", "normal"] = "fixed"
    value: float | None = Field(default=None, ge=0.0, le=100.0)
    low: float | None = Field(default=None, ge=0.0, le=1.0)
    high: float | None = Field(default=None, ge=0.0, le=1.0)
    mean: float | None = Field(default=None, ge=0.0, le=1.0)
    sd: float | None = Field(default=None, gt=0.0, le=10.0)

    @model_validator(mode="after")
    def _consistent(self) -> ThresholdSpec:
        _keys_fit(self, _DISTRIBUTION_KEYS, self.distribution, "distribution",
                  optional=("value", "low", "high"))
        low, high = self.bounds()
        if low > high:
            raise KeyPathError(("high",), f"must be at least low ({low})")
        return self

    def bounds(self) -> tuple[float, float]:
        """The uniform distribution's [low, high], [0, 1] where not given."""
        return (0.0 if self.low is None else self.low, 1.0 if self.high is None else self.high)


class Adopters(_Spec):
    """States that start on ``level``: the ones named, plus ``random`` more per replicate.

    The random ones are drawn without replacement, independently in every replicate, from
    the model's generator when the model is set up.
    """

    states: tuple[str, ...] = ()
    random: int = Field(default=0, ge=0)
    level: int = Field(default=TOP, ge=1, le=TOP)


def check_scenario(scenario: Scenario) -> None:
    """Cross-checks between the roster, its network, the adopters and the rule.

    Raises a ValueError whose ``path`` names the offending key.
    """
    population, network = scenario.population, scenario.network
    if population is None and not scenario.states:
        raise KeyPathError(("states",),
                           "required: at least one [states.ID] table, or a [population]")
    if population is not None:
        _check_population(scenario, population)
    n_states = len(scenario.states) if population is None else population.size
    for index, state in enumerate(scenario.adopters.states):
        known = state in scenario.states if population is None else population.may_hold(state)
        if not known:
            raise KeyPathError(("adopters", "states", index), f"unknown state {state!r}")
    if n_states is not None and scenario.adopters.random > n_states:
        raise KeyPathError(("adopters", "random"),
                           f"more than the {n_states} states of the scenario")
    if scenario.model.rule == "threshold":
        _check_threshold_rule(scenario)
    if network.edges is not None and not network.edges.strip():
        raise KeyPathError(("network", "edges"), "must name a CSV file")


def _check_population(scenario: Scenario, population: Population) -> None:
    if scenario.states:
        raise KeyPathError(("population",), "give either [states] or a [population], not both")
    if scenario.ties:
        raise KeyPathError(("ties",), "inline ties need named [states]; a population takes "
                                      "its ties from its generator or from [network] edges")
    edges = scenario.network.edges
    if population.generator == "edge_list" and edges is None:
        raise KeyPathError(("network", "edges"), "required by [population] generator = 'edge_list'")
    if population.generator != "edge_list" and edges is not None:
        raise KeyPathError(("network", "edges"),
                           "a generated population has its own ties; use "
                           "[population] generator = 'edge_list' to read a file")
    if scenario.network.directed and population.generator not in ("erdos_renyi", "edge_list"):
        raise KeyPathError(("network", "directed"),
                           f"{population.generator} networks are undirected")


def _check_threshold_rule(scenario: Scenario) -> None:
    model = scenario.model
    if model.reversible:
        raise KeyPathError(("model", "reversible"),
                           "the threshold rule only climbs; set it to false")
    spec = model.threshold
    if spec.distribution == "fixed" and spec.value is None:
        missing = [s for s, state in scenario.states.items() if state.threshold is None]
        if scenario.population is not None or missing:
            who = "the population's states" if scenario.population else f"{missing[0]!r}"
            raise KeyPathError(("model", "threshold", "value"),
                               f"required: {who} have no own threshold (or choose a distribution)")
