"""State agents: each decides, for all replicates at once, whether to climb or drop a rung."""

from __future__ import annotations

import mesa
import numpy as np

from ..scenario.parts import StateSpec
from .hazards import static_utility
from .world import World

__all__ = ["StateAgent"]


def _pick_rows(rows: np.ndarray, which: np.ndarray) -> np.ndarray:
    """``rows[which[k], k]`` for every column k: one gather from the flattened block."""
    width = rows.shape[1]
    flat = np.ascontiguousarray(rows).reshape(-1)
    return flat.take(which.astype(np.intp, copy=False) * width + np.arange(width))


class StateAgent(mesa.Agent):
    """One state. Its level is a row of the model's level matrix: one entry per replicate.

    ``decide`` reads only last month's levels (through the model's social shares) and
    stores ``next_level``; the model commits all agents afterwards, so the order in which
    agents decide cannot change the outcome.
    """

    model: World  # a RecognitionModel (sim/model/model.py), which imports this module

    def __init__(self, model: World, index: int, state_id: str, spec: StateSpec) -> None:
        super().__init__(model)
        self.index = index
        self.state_id = state_id
        self.spec = spec
        scenario = model.scenario
        self.static_utility = static_utility(spec, scenario.weights)
        self.social_weight = scenario.weights.social
        self.threshold_up = np.asarray(scenario.thresholds.up())  # by current level
        self.threshold_down = scenario.thresholds.downgrade
        self.reversible = scenario.model.reversible
        self.next_level = self.level.copy()
        self.p_up = np.zeros(model.replicates)
        self.p_down = np.zeros(model.replicates)

    @property
    def level(self) -> np.ndarray:
        """This state's rung in every replicate (a view: writing it moves the state)."""
        return self.model.levels[self.index]

    def utility(self, rung: np.ndarray) -> np.ndarray:
        """Utility of standing on ``rung`` (1..3): own incentives plus the social pull."""
        shares = self.model.shares[:, self.index, :]  # share of partners at >= rung 1, 2, 3
        share = _pick_rows(shares, rung - 1)
        share *= self.social_weight  # a fresh array: scale and shift it in place
        share += self.static_utility + self.model.utility_offset[self.index]
        return share

    def decide(self) -> None:
        """Draw this month's move in every replicate from last month's state of the world.

        The scenario's decision rule (sim/model/rules.py) computes it; this agent keeps it
        until ``advance``.
        """
        self.next_level = self.model.rule.decide(self)

    def advance(self) -> None:
        """Commit the decision taken in ``decide``."""
        self.model.levels[self.index] = self.next_level
