"""Hazards: a state's monthly chance of climbing or dropping rungs, from its utility.

These functions are the model's behavioural core. The agents draw their moves from them
(sim/model/rules.py) and the likelihood of an observed record is computed from them
(sim/calibrate/likelihood.py): one definition, so a change here changes simulation and
calibration together. See docs/model.md, sections "Hazards" and "Moves".

A state on rung l climbs to rung r = l + 1 with hazard ``h_up(r) = logistic(U(r) - theta_r)``
and, having climbed, goes on to the next rung within the same month with that rung's
hazard, and so on: it reaches rung l + k with probability ``h_up(l+1) ... h_up(l+k)``.
With downgrades allowed it drops from rung l with hazard ``h_down(l) = logistic(-U(l) -
theta_down)`` and goes on down the same way. One uniform ``u`` per state and month decides:
up k rungs if ``u`` falls below the k-th product, otherwise down k rungs if ``1 - u`` falls
below the k-th product of the drop hazards (so climbing and dropping never both happen).
"""

from __future__ import annotations

import numpy as np

from ..scenario.ladder import FACTORS, TOP
from ..scenario.parts import StateSpec, Weights

__all__ = [
    "RUNGS",
    "climb_hazard",
    "drop_hazard",
    "logistic",
    "move_probabilities",
    "static_utility",
]

# The rungs a state can climb to, for comparisons broadcast over levels.
RUNGS = np.arange(1, TOP + 1, dtype=np.int8)


def logistic(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``; the same function as scipy's ``expit``, several times faster."""
    with np.errstate(over="ignore"):  # exp overflows to inf below about -709: the result is 0
        return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def static_utility(spec: StateSpec, weights: Weights) -> float:
    """Propensity plus the weighted incentive factors: the part of utility peers do not move."""
    return spec.propensity + sum(getattr(weights, f) * getattr(spec, f) for f in FACTORS)


def climb_hazard(utility: np.ndarray, threshold: np.ndarray | float) -> np.ndarray:
    """Monthly chance of climbing onto a rung: logistic(utility of the rung - its threshold).

    A threshold of +inf (the rung above the top) gives 0.
    """
    return logistic(np.asarray(utility) - threshold)


def drop_hazard(utility: np.ndarray, threshold: np.ndarray | float) -> np.ndarray:
    """Monthly chance of stepping down off a rung: logistic(-utility of the rung - threshold)."""
    return logistic(-np.asarray(utility) - threshold)


def move_probabilities(level: np.ndarray, up: np.ndarray, down: np.ndarray | None
                       ) -> np.ndarray:
    """``P[j]``: the chance of standing on rung j next month, j = 0..3.

    ``level`` holds the current rungs (any shape S); ``up[r - 1]`` is the hazard of climbing
    onto rung r and ``down[r - 1]`` that of dropping off rung r, for r = 1..3 (shape (3, *S)
    each); ``down`` None means no downgrades. The probabilities of the draw described in
    the module docstring: P(up >= k) = C_k, the product of the first k climbing hazards;
    P(down >= k) = min(D_k, 1 - C_1), D_k the product of the first k dropping hazards.
    """
    level = np.asarray(level)
    probabilities = np.zeros((TOP + 1, *level.shape))
    for current in range(TOP + 1):
        here = level == current
        if not here.any():
            continue
        climbs = [np.ones(level.shape)]
        for rung in range(current + 1, TOP + 1):
            climbs.append(climbs[-1] * up[rung - 1])
        climbs.append(np.zeros(level.shape))
        room = 1.0 - climbs[1]  # the draws that do not climb
        product = np.ones(level.shape)
        drops = [room]  # drops[k] = P(down >= k) = min(D_k, 1 - C_1)
        if down is not None:
            for rung in range(current, 0, -1):
                product = product * down[rung - 1]
                drops.append(np.minimum(product, room))
        drops.append(np.zeros(level.shape))
        for k in range(1, TOP + 1 - current):
            probabilities[current + k] += np.where(here, climbs[k] - climbs[k + 1], 0.0)
        for k in range(1, len(drops) - 1):
            probabilities[current - k] += np.where(here, drops[k] - drops[k + 1], 0.0)
        probabilities[current] += np.where(here, drops[0] - drops[1], 0.0)
    return probabilities
