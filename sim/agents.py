"""State agents: each decides, for all replicates at once, whether to climb or drop a rung."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .ladder import FACTORS
from .scenario import StateSpec, Weights

if TYPE_CHECKING:
    from .model import RecognitionModel

__all__ = [
    "StateAgent",
    "climb_probability",
    "drop_probability",
    "logistic",
    "static_utility",
]


def logistic(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``; the same function as scipy's ``expit``, several times faster."""
    with np.errstate(over="ignore"):  # exp overflows to inf below about -709: the result is 0
        return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def _pick_rows(rows: np.ndarray, which: np.ndarray) -> np.ndarray:
    """``rows[which[k], k]`` for every column k: one gather from the flattened block."""
    width = rows.shape[1]
    flat = np.ascontiguousarray(rows).reshape(-1)
    return flat.take(which.astype(np.intp, copy=False) * width + np.arange(width))


def static_utility(spec: StateSpec, weights: Weights) -> float:
    """Propensity plus the weighted incentive factors: the part of utility peers do not move."""
    return spec.propensity + sum(getattr(weights, f) * getattr(spec, f) for f in FACTORS)


def climb_probability(utility: np.ndarray, threshold: np.ndarray | float) -> np.ndarray:
    """Monthly chance of climbing: logistic(utility - threshold), and zero without a net gain.

    The gate keeps a state with nothing to gain where it is, however low the threshold.
    """
    return np.where(utility > 0.0, logistic(utility - threshold), 0.0)


def drop_probability(utility: np.ndarray, threshold: float) -> np.ndarray:
    """Monthly chance of stepping down: logistic(-utility - threshold) for a net loss only."""
    return np.where(utility < 0.0, logistic(-utility - threshold), 0.0)


class StateAgent(mesa.Agent):
    """One state. Its level is a row of the model's level matrix: one entry per replicate.

    ``decide`` reads only last month's levels (through the model's social shares) and
    stores ``next_level``; the model commits all agents afterwards, so the order in which
    agents decide cannot change the outcome.
    """

    model: RecognitionModel

    def __init__(self, model: RecognitionModel, index: int, state_id: str,
                 spec: StateSpec) -> None:
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

        The scenario's decision rule (sim/rules.py) computes it; this agent keeps it until
        ``advance``.
        """
        self.next_level = self.model.rule.decide(self)

    def advance(self) -> None:
        """Commit the decision taken in ``decide``."""
        self.model.levels[self.index] = self.next_level
