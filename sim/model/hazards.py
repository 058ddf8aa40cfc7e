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

from collections.abc import Callable
from typing import Any

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
    "transition_probability",
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


def transition_probability(current: int, target: int, up: Callable[[int], Any],
                           down: Callable[[int], Any] | None) -> Any:
    """The chance of standing on ``target`` next month from ``current``, by the draw of the
    module docstring; ``up(r)`` and ``down(r)`` give the hazards of climbing onto and
    dropping off rung r (arrays over whatever cells are asked about), ``down`` None for no
    downgrades. Up k rungs: C_k (1 - h_up(l+k+1)); down k rungs: min(D_k, 1 - C_1) -
    min(D_{k+1}, 1 - C_1), with C_k and D_k the products of the first k hazards.
    """
    room = 1.0 - up(current + 1) if current < TOP else 1.0  # the draws that do not climb
    if target > current:
        reach = 1.0
        for rung in range(current + 1, target + 1):
            reach = reach * up(rung)
        return reach * (1.0 - up(target + 1)) if target < TOP else reach
    if down is None or current == 0:
        return room if target == current else 0.0 * room
    drops = [1.0]  # D_k, k = 0..current
    for rung in range(current, max(target, 1) - 1, -1):
        drops.append(drops[-1] * down(rung))
    k = current - target
    below = np.minimum(drops[k + 1], room) if k + 1 < len(drops) else 0.0
    if target == current:
        return room - np.minimum(drops[1], room)
    return np.minimum(drops[k], room) - below


def move_probabilities(level: np.ndarray, up: np.ndarray, down: np.ndarray | None
                       ) -> np.ndarray:
    """``P[j]``: the chance of standing on rung j next month, j = 0..3, for every cell.

    ``level`` holds the current rungs (any shape S); ``up[r - 1]`` is the hazard of climbing
    onto rung r and ``down[r - 1]`` that of dropping off rung r, for r = 1..3 (shape (3, *S)
    each); ``down`` None means no downgrades. Each entry is :func:`transition_probability`.
    """
    level = np.asarray(level)
    probabilities = np.zeros((TOP + 1, *level.shape))
    for current in range(TOP + 1):
        here = level == current
        if not here.any():
            continue

        def climb(rung: int, here: np.ndarray = here) -> np.ndarray:
            return up[rung - 1][here] if rung <= TOP else np.zeros(int(here.sum()))

        def drop(rung: int, here: np.ndarray = here) -> np.ndarray:
            return down[rung - 1][here]  # type: ignore[index]

        for target in range(TOP + 1):
            probabilities[target][here] = transition_probability(
                current, target, climb, drop if down is not None else None)
    return probabilities
