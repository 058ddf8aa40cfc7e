"""Hazards: a state's monthly chance of climbing or dropping a rung, from its utility.

These few functions are the model's behavioural core. Agents (sim/model/agents.py), decision
rules (sim/model/rules.py) and bloc shocks (sim/model/shocks.py) all call them, so they live
here, below all three. See docs/model.md for the equations.
"""

from __future__ import annotations

import numpy as np

from ..scenario.ladder import FACTORS, TOP
from ..scenario.parts import StateSpec, Weights

__all__ = ["RUNGS", "climb_probability", "drop_probability", "logistic", "static_utility"]

# The rungs a state can climb to, for comparisons broadcast over levels.
RUNGS = np.arange(1, TOP + 1, dtype=np.int8)


def logistic(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``; the same function as scipy's ``expit``, several times faster."""
    with np.errstate(over="ignore"):  # exp overflows to inf below about -709: the result is 0
        return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


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
