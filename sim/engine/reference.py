"""A hand-vectorised NumPy reference of the recognition dynamics, without Mesa.

This is a cross-check and a speed yardstick, not the production path: ``recsim run`` and
everything else use the Mesa model in :mod:`sim.model`. The equations are re-derived here
from the scenario on their own (tie matrix, static utility, hazards, the multi-rung draw),
so that a slip in either implementation shows up as a statistical disagreement between the
two (see ``tests/test_reference.py``) rather than being shared by both.

Every month, for all states ``i`` and replicates ``k`` at once, from last month's levels
``L``:

* ``S[r, i, k] = sum_j W[i, j] * [L[j, k] >= r]`` for rungs r = 1, 2, 3, with ``W`` the
  tie weights divided by their row sums (an undirected tie also runs back, with
  ``back_weight`` when given);
* utility of rung r: ``U_r = b[i] + social * S[r, i, k]``, where ``b`` is propensity plus
  the weighted incentive factors;
* climbing hazard of rung r ``h_r = logistic(U_r - threshold_r)`` and, with downgrades,
  dropping hazard of rung r ``d_r = logistic(-U_r - downgrade)``;
* one uniform ``u`` per state and replicate: up k rungs while ``u < h_{L+1} ... h_{L+k}``,
  otherwise down k rungs while ``1 - u < d_L ... d_{L-k+1}``; all states move together.

Every parameter may differ from replicate to replicate (the columns of ``values``).
Utility offsets (shocks) are not modelled here: the reference covers the scenario dynamics
on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..model.parameters import ReplicateValues
from ..scenario.ladder import DE_FACTO, DE_JURE, FACTORS, TOP
from ..scenario.roster import roster_of
from ..scenario.schema import Scenario
from .ensemble import EnsembleResult

__all__ = ["ReferenceDynamics", "simulate_reference"]


def _logistic(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # exp(-x) = inf for x < -709 gives exactly 0
        return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True, eq=False)
class ReferenceDynamics:
    """Everything the monthly update needs, as plain arrays (``n`` states, ``C`` columns:
    one, or one per replicate)."""

    state_ids: tuple[str, ...]
    start_level: np.ndarray  # (n,) int8
    base_utility: np.ndarray  # (n, C) propensity + weighted factors
    social_weight: np.ndarray  # (C,)
    influence: np.ndarray  # (n, n) dense, rows sum to 1 (or 0 for a state with no ties)
    threshold_rung: np.ndarray  # (3, C) threshold of rungs 1, 2, 3
    threshold_down: np.ndarray  # (C,)
    reversible: bool
    months: int

    @classmethod
    def from_scenario(cls, scenario: Scenario,
                      values: ReplicateValues | None = None) -> ReferenceDynamics:
        ids = tuple(scenario.states)
        where = {state: i for i, state in enumerate(ids)}
        ties = np.zeros((len(ids), len(ids)))
        for tie in scenario.ties:
            i, j = where[tie.source], where[tie.target]
            ties[i, j] += tie.weight
            if tie.back_weight is not None:
                ties[j, i] += tie.back_weight
            elif not scenario.network.directed:
                ties[j, i] += tie.weight
        totals = ties.sum(axis=1, keepdims=True)
        influence = np.divide(ties, totals, out=np.zeros_like(ties), where=totals > 0)

        def get(path: str, default: float) -> np.ndarray:
            column = None if values is None else values.column(path)
            return np.array([default]) if column is None else np.asarray(column, float)

        weights = {f: get(f"weights.{f}", getattr(scenario.weights, f)) for f in FACTORS}
        base = [get(f"states.{s}.propensity", spec.propensity)
                + sum(weights[f] * get(f"states.{s}.{f}", getattr(spec, f)) for f in FACTORS)
                for s, spec in scenario.states.items()]
        width = max(len(b) for b in base)
        t = scenario.thresholds
        rungs = [get(f"thresholds.{k}", getattr(t, k)) for k in ("level_1", "level_2",
                                                                  "level_3")]
        return cls(
            state_ids=ids,
            start_level=roster_of(scenario).start_levels.copy(),
            base_utility=np.stack([np.broadcast_to(b, width) for b in base]),
            social_weight=get("weights.social", scenario.weights.social),
            influence=influence,
            threshold_rung=np.stack(np.broadcast_arrays(*rungs)),
            threshold_down=get("thresholds.downgrade", t.downgrade),
            reversible=scenario.model.reversible,
            months=scenario.months,
        )

    def simulate(self, runs: int, rng: np.random.Generator) -> EnsembleResult:
        """``runs`` replicates to the horizon, all in one set of (states x runs) matrices."""
        with threadpool_limits(limits=1, user_api="blas"):  # one core, like the engine
            return self._simulate(runs, rng)

    def _hazards(self, level: np.ndarray, runs: int) -> tuple[np.ndarray, np.ndarray]:
        """Climbing and dropping hazards of rungs 0..4, (5, n, runs): padded with zeros, so
        products past the top or below the bottom are zero."""
        n = len(self.state_ids)
        above = np.concatenate([level >= 1, level >= 2, level >= 3], axis=1, dtype=float)
        share = (self.influence @ above).reshape(n, 3, runs).transpose(1, 0, 2)
        utility = self.base_utility[None] + self.social_weight * share  # (3, n, runs)
        up = np.zeros((TOP + 2, n, runs))
        down = np.zeros((TOP + 2, n, runs))
        up[1:TOP + 1] = _logistic(utility - self.threshold_rung[:, None, :])
        if self.reversible:
            down[1:TOP + 1] = _logistic(-utility - self.threshold_down)
        return up, down

    def _simulate(self, runs: int, rng: np.random.Generator) -> EnsembleResult:
        n = len(self.state_ids)
        level = np.repeat(self.start_level[:, None], runs, axis=1)
        first = np.full((3, n, runs), -1, dtype=np.int16)
        first[level[None] >= np.arange(1, 4)[:, None, None]] = 0
        first_down = np.full((n, runs), -1, dtype=np.int16)
        de_jure = np.empty((self.months + 1, runs), dtype=np.int16)
        de_facto = np.empty_like(de_jure)
        de_jure[0] = (level == DE_JURE).sum(axis=0)
        de_facto[0] = (level >= DE_FACTO).sum(axis=0)
        for month in range(1, self.months + 1):
            up, down = self._hazards(level, runs)
            u = rng.random((n, runs))
            current = level.astype(np.intp)
            reach = np.ones((n, runs))
            climbed = np.zeros((n, runs), dtype=np.int8)
            for k in range(1, TOP + 1):  # up k rungs while u < h_{L+1} ... h_{L+k}
                rung = np.minimum(current + k, TOP + 1)
                reach = reach * np.take_along_axis(up, rung[None], axis=0)[0]
                climbed += u < reach
            fell = np.zeros((n, runs), dtype=np.int8)
            if self.reversible:
                reach = np.ones((n, runs))
                for k in range(TOP):  # down while 1 - u < d_L ... d_{L-k}
                    rung = np.maximum(current - k, 0)
                    reach = reach * np.take_along_axis(down, rung[None], axis=0)[0]
                    fell += (climbed == 0) & (u >= 1.0 - reach)
                first_down[(fell > 0) & (first_down < 0)] = month
            level = level + climbed - fell
            for rung in range(1, 4):
                first[rung - 1][(level >= rung) & (first[rung - 1] < 0)] = month
            de_jure[month] = (level == DE_JURE).sum(axis=0)
            de_facto[month] = (level >= DE_FACTO).sum(axis=0)
        return EnsembleResult(
            state_ids=self.state_ids,
            final_level=level,
            first_month=first,
            first_downgrade=first_down,
            de_jure=de_jure,
            de_facto=de_facto,
        )


def simulate_reference(scenario: Scenario, runs: int, seed: int,
                       values: ReplicateValues | None = None) -> EnsembleResult:
    """The reference dynamics of ``scenario`` for ``runs`` replicates from one seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    return ReferenceDynamics.from_scenario(scenario, values).simulate(runs, rng)
