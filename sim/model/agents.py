"""State agents: each decides, for all replicates at once, whether to climb or drop a rung."""

from __future__ import annotations

import numpy as np

from ..scenario.parts import StateSpec
from .mesa_core import mesa
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
    agents decide cannot change the outcome. Its parameters are arrays over replicates
    (sim/model/parameters.py): one column when every replicate shares them.
    """

    model: World  # a RecognitionModel (sim/model/model.py), which imports this module

    def __init__(self, model: World, index: int, state_id: str, spec: StateSpec) -> None:
        super().__init__(model)
        self.index = index
        self.state_id = state_id
        self.spec = spec
        parameters = model.parameters
        self.static_utility = parameters.base_utility[index]  # (1,) or (R,)
        self.social_weight = parameters.social
        self.threshold_up = parameters.threshold_up  # (4, 1 or R), by current level
        self.threshold_down = parameters.threshold_down
        self.reversible = model.scenario.model.reversible
        self.next_level = self.level.copy()
        self.p_up = np.zeros(model.replicates)
        self.p_down = np.zeros(model.replicates)

    @property
    def level(self) -> np.ndarray:
        """This state's rung in every replicate (a view: writing it moves the state)."""
        return self.model.levels[self.index]

    def utility(self, rung: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        """Utility of standing on ``rung`` (1..3): own incentives plus the social pull.

        With ``where`` (replicate indices), for those replicates only; ``rung`` then holds
        one rung per index.
        """
        shares = self.model.shares[:, self.index, :]  # share of partners at >= rung 1, 2, 3
        if where is None:
            share = _pick_rows(shares, rung - 1)
            share *= self.social_weight  # a fresh array: scale and shift it in place
            share += self.static_utility + self.model.utility_offset[self.index]
            return share
        share = shares[rung - 1, where] * _at(self.social_weight, where)
        return share + _at(self.static_utility, where) + \
            self.model.utility_offset[self.index, where]

    def decide(self) -> None:
        """Draw this month's move in every replicate from last month's state of the world.

        The scenario's decision rule (sim/model/rules.py) computes it; this agent keeps it
        until ``advance``.
        """
        self.next_level = self.model.rule.decide(self)

    def advance(self) -> None:
        """Commit the decision taken in ``decide``."""
        self.model.levels[self.index] = self.next_level


def _at(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``values`` (one or R entries) at replicates ``where``."""
    return values if len(values) == 1 else values[where]
