"""What decision rules and shocks may read and write of the model and its agents.

Rules (sim/model/rules.py) and the shock engine (sim/model/shocks.py) work on the model
that calls them, but must not import it: the model imports them. They see it through the
structural types below, which :class:`~sim.model.model.RecognitionModel` and
:class:`~sim.model.agents.StateAgent` satisfy.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..scenario.parts import StateSpec
from ..scenario.schema import Scenario
from .parameters import Parameters

__all__ = ["Deciding", "DecisionRule", "World"]


class Deciding(Protocol):
    """One state's agent, as a rule or a bloc sees it (all arrays: one entry per replicate)."""

    index: int
    spec: StateSpec
    threshold_up: np.ndarray  # (4, 1 or R): threshold of the rung above each level
    threshold_down: np.ndarray  # (1 or R,)
    reversible: bool
    p_up: np.ndarray
    p_down: np.ndarray
    next_level: np.ndarray

    @property
    def level(self) -> np.ndarray: ...

    def utility(self, rung: np.ndarray) -> np.ndarray: ...


class World(Protocol):
    """The model's state during a month, as agents, rules and shocks see it."""

    scenario: Scenario
    parameters: Parameters
    rule: DecisionRule
    replicates: int
    rng: np.random.Generator
    state_ids: tuple[str, ...]
    state_agents: tuple[Deciding, ...]  # in roster order: state_agents[i].index == i
    levels: np.ndarray  # (n, R) int8
    shares: np.ndarray  # (3, n, R): share of partners at >= rung 1, 2, 3
    draws: np.ndarray  # (n, R) this month's uniforms
    utility_offset: np.ndarray  # (n, R) utility change from shocks

    @property
    def month(self) -> int: ...


class DecisionRule(Protocol):
    """What the model and its agents need from a rule (sim/model/rules.py)."""

    def prepare(self, world: World) -> None:
        """Called once a month after the shares and draws are set, before agents decide."""

    def decide(self, agent: Deciding) -> np.ndarray:
        """The agent's level next month in every replicate (int8)."""
