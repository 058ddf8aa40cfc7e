"""Schema for synthetic populations, thresholds and starting adopters.

``[population]``, ``[model.threshold]`` (the threshold rule's distribution) and ``[adopters]``.

A population replaces the named ``[states]`` table with N anonymous states (ids ``S0`` ..
``S<N-1>``) joined by a network from a named networkx generator, or with the states named
in an edge-list file. These are plain frozen specifications; sim/scenario/roster.py turns
them into states and ties, and sim/scenario/checks.py checks them against the rest.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import KeyPathError
from .ladder import TOP

__all__ = ["GENERATORS", "Adopters", "Population", "ThresholdSpec", "anonymous_id"]

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
