"""The naive forecasts a model has to beat: persistence and climatology.

* **Persistence** says nothing changes. Said with certainty it would score minus infinity
  in the logarithmic score at the first change, so it gives every change the small chance
  :data:`FLOOR` (1 in 100 over the horizon).
* **Climatology** knows how often states on each rung moved in the months it was fitted on
  (every state of the roster pooled, each month a state spent on a rung one trial): the
  monthly frequencies of going from rung i to rung j form a Markov chain, and its chance
  of the target within H months is the forecast. For a single kind of move this is the
  familiar 1 - (1 - q)^H; the chain also handles targets two rungs up and moves back.
  A rung on which no state stood in the fit window keeps its states where they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..scenario.ladder import TOP

__all__ = ["FLOOR", "climatology", "roster_climatology", "transition_matrix"]

FLOOR = 0.01  # persistence's chance of any change; also where log scores clip forecasts

_RUNGS = TOP + 1


def transition_matrix(before: np.ndarray, after: np.ndarray, scored: np.ndarray) -> np.ndarray:
    """(4, 4) monthly frequencies of moving from rung i (row) to rung j, from the cells
    of a calibration record that are scored; a row without cells stays put."""
    counts = np.zeros((_RUNGS, _RUNGS))
    np.add.at(counts, (before[scored].astype(int), after[scored].astype(int)), 1.0)
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), np.eye(_RUNGS))


def _keeps(target: str, level: int) -> np.ndarray:
    """(4, 4) bools: the moves that do not make ``target`` happen for a state on ``level``."""
    i, j = np.indices((_RUNGS, _RUNGS))
    if target == "up":
        return j <= level
    if target == "de_jure":
        return j < TOP
    if target == "down":
        return j >= i
    raise ValueError(f"unknown target {target!r}")


def climatology(matrix: np.ndarray, level: int, target: str, horizon: int) -> float:
    """The chain's chance that a state on ``level`` does ``target`` within ``horizon``
    months: the mass that makes such a move, summed month by month (exactly 0 when the
    window saw no such move)."""
    keeps = _keeps(target, level)
    quiet, moves = matrix * keeps, matrix * ~keeps
    mass = np.zeros(_RUNGS)
    mass[level] = 1.0
    done = 0.0
    for _ in range(horizon):
        done += float((mass @ moves).sum())
        mass = mass @ quiet
    return min(done, 1.0)


def roster_climatology(matrix: np.ndarray, levels: Sequence[int], horizon: int) -> float:
    """Chance that some state below de jure reaches it, states taken as independent."""
    stay = [1.0 - climatology(matrix, int(level), "de_jure", horizon)
            for level in levels if level < TOP]
    return float(1.0 - np.prod(stay)) if stay else 0.0
