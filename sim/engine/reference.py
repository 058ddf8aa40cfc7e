"""A hand-vectorised NumPy reference of the recognition dynamics, without Mesa.

This is a cross-check and a speed yardstick, not the production path: ``recsim run`` and
everything else use the Mesa model in :mod:`sim.model`. The equations are re-derived here
from the scenario on their own (tie matrix, static utility, hazards), so that a slip in
either implementation shows up as a statistical disagreement between the two (see
``tests/test_reference.py``) rather than being shared by both.

Every month, for all states ``i`` and replicates ``k`` at once, from last month's levels
``L``:

* ``S[r, i, k] = sum_j W[i, j] * [L[j, k] >= r]`` for rungs r = 1, 2, 3, with ``W`` the
  tie weights divided by their row sums (an undirected tie also runs back, with
  ``back_weight`` when given);
* utility of rung r: ``U_r = b[i] + social * S[r, i, k]``, where ``b`` is propensity plus
  the weighted incentive factors;
* ``p_up = logistic(U_{L+1} - threshold_{L+1})`` if ``U_{L+1} > 0`` (zero otherwise and at
  the top rung), and, when the scenario is reversible, ``p_down = logistic(-U_L -
  downgrade)`` for ``L >= 1`` if ``U_L < 0``;
* one uniform ``u`` per state and replicate: up if ``u < p_up``, otherwise down if
  ``u >= 1 - p_down``; all states move together (a synchronous update).

Utility offsets (shocks) are not modelled here: the reference covers the scenario
dynamics on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..scenario.ladder import DE_FACTO, DE_JURE, FACTORS
from ..scenario.schema import Scenario
from .ensemble import EnsembleResult

__all__ = ["ReferenceDynamics", "simulate_reference"]


def _logistic(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # exp(-x) = inf for x < -709 gives exactly 0
        return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True, eq=False)
class ReferenceDynamics:
    """Everything the monthly update needs, as plain arrays (``n`` states)."""

    state_ids: tuple[str, ...]
    start_level: np.ndarray  # (n,) int8
    base_utility: np.ndarray  # (n,) propensity + weighted factors
    social_weight: float
    influence: np.ndarray  # (n, n) dense, rows sum to 1 (or 0 for a state with no ties)
    threshold_next: np.ndarray  # (4,) threshold of the rung above each level; +inf at the top
    threshold_down: float
    reversible: bool
    months: int

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> ReferenceDynamics:
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
        weights = np.array([getattr(scenario.weights, f) for f in FACTORS])
        factors = np.array([[getattr(s, f) for f in FACTORS] for s in scenario.states.values()])
        propensity = np.array([s.propensity for s in scenario.states.values()])
        t = scenario.thresholds
        return cls(
            state_ids=ids,
            start_level=np.array([s.level for s in scenario.states.values()], dtype=np.int8),
            base_utility=propensity + factors @ weights,
            social_weight=float(scenario.weights.social),
            influence=influence,
            threshold_next=np.array([t.level_1, t.level_2, t.level_3, np.inf]),
            threshold_down=float(t.downgrade),
            reversible=bool(scenario.model.reversible),
            months=scenario.months,
        )

    def simulate(self, runs: int, rng: np.random.Generator) -> EnsembleResult:
        """``runs`` replicates to the horizon, all in one set of (states x runs) matrices."""
        with threadpool_limits(limits=1, user_api="blas"):  # one core, like the engine
            return self._simulate(runs, rng)

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
        base = self.base_utility[:, None]
        for month in range(1, self.months + 1):
            # Shares of partners at >= rung 1, 2, 3: one product over all rungs and runs.
            above = np.concatenate([level >= 1, level >= 2, level >= 3], axis=1, dtype=float)
            share = (self.influence @ above).reshape(n, 3, runs)
            share_next = np.where(level == 0, share[:, 0], np.where(level == 1, share[:, 1],
                                                                    share[:, 2]))
            utility_next = base + self.social_weight * share_next
            # no net gain, no move: the hazard is gated on the sign of utility
            p_up = np.where(utility_next > 0.0,
                            _logistic(utility_next - self.threshold_next.take(level)), 0.0)
            u = rng.random((n, runs))
            up = u < p_up
            step = up.astype(np.int8)
            if self.reversible:
                share_here = np.where(level == 1, share[:, 0], np.where(level == 2, share[:, 1],
                                                                        share[:, 2]))
                utility_here = base + self.social_weight * share_here
                p_down = np.where((level > 0) & (utility_here < 0.0),
                                  _logistic(-utility_here - self.threshold_down), 0.0)
                down = ~up & (u >= 1.0 - p_down)
                step -= down.astype(np.int8)
                first_down[down & (first_down < 0)] = month
            level = level + step
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


def simulate_reference(scenario: Scenario, runs: int, seed: int) -> EnsembleResult:
    """The reference dynamics of ``scenario`` for ``runs`` replicates from one seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    return ReferenceDynamics.from_scenario(scenario).simulate(runs, rng)
