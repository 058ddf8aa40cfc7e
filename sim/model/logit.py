"""The logit decision rule, computed for every state and replicate in one pass a month.

Each month :meth:`LogitRule.prepare` computes the hazards and moves of all states at once,
over (states x replicates) arrays held in a workspace that lives as long as the model: the
month's work writes into the same buffers instead of allocating a dozen fresh arrays of the
whole ensemble, each of whose first touch costs page faults. Every element still goes
through exactly the arithmetic of a state deciding alone, in the same order
(:meth:`StateAgent.utility <sim.model.agents.StateAgent.utility>`, then
:func:`~sim.model.hazards.climb_hazard` and :func:`~sim.model.hazards.drop_hazard`), so the
numbers, and with them every outcome, are the same to the last bit. An agent's ``decide``
then reads its own row. See sim/model/rules.py for the rules and docs/model.md for the
equations.
"""

from __future__ import annotations

import numpy as np

from ..scenario.ladder import TOP
from .hazards import climb_hazard, drop_hazard
from .world import Deciding, World

__all__ = ["LogitRule"]


class LogitRule:
    """Logistic hazards of the next rung up and, with downgrades, of the rung stood on.

    One uniform per state and replicate decides (sim/model/hazards.py): up while it stays
    below the running product of the climbing hazards of the rungs above, else down while
    its upper tail stays below the product of the dropping hazards of the rungs below. A
    state rarely moves two rungs in a month; the products make it possible, as in the
    record (a recognition straight from no engagement, a withdrawal to none).

    ``p_up``, ``p_down`` and ``next_level`` are this month's (n x R) arrays; next month
    overwrites them in place, rows that agents hold included.
    """

    name = "logit"

    def __init__(self, world: World) -> None:
        self.world = world
        self.reversible = world.scenario.model.reversible
        n, replicates = len(world.state_ids), world.replicates
        shape = (n, replicates)
        self.p_up = np.zeros(shape)
        self.p_down = np.zeros(shape)
        self.next_level = np.zeros(shape, dtype=np.int8)
        self._prepared = False
        self._base = np.empty(shape)  # own incentives plus shocks: the part peers do not move
        self._work = np.empty(shape)
        self._index = np.empty(shape, dtype=np.intp)
        self._up = np.empty(shape, dtype=bool)
        self._mask = np.empty(shape, dtype=bool)
        # flat position of (state i, rung 1, replicate k) in the shares stored state-major
        self._share_origin = (np.arange(n, dtype=np.intp)[:, None] * (TOP * replicates)
                              + np.arange(replicates, dtype=np.intp)[None, :])
        self._columns = np.arange(replicates, dtype=np.intp)

    def prepare(self, world: World) -> None:
        """Climb, drop or stay, for every state in every replicate."""
        parameters = world.parameters
        levels, draws = world.levels, world.draws
        np.add(parameters.base_utility, world.utility_offset, out=self._base)
        p_up, up = self.p_up, self._up
        # climbing onto the rung above: index of its share is min(level, TOP - 1)
        np.minimum(levels, TOP - 1, out=self._index)
        utility = self._utility(world)
        threshold = self._by_level(parameters.threshold_up, levels)
        np.subtract(utility, threshold, out=threshold)  # climb_hazard: U - theta_up, logistic
        _logistic(threshold, out=p_up)
        np.less(draws, p_up, out=up)
        next_level = self.next_level
        np.add(levels, up, out=next_level)
        np.less(levels, TOP - 1, out=self._mask)
        self._mask &= up
        _climb_on(world, next_level, np.flatnonzero(self._mask), p_up)
        if self.reversible:
            p_down, down = self.p_down, self._mask
            # dropping off the rung stood on (rung 1 for states on none): share index max(l, 1) - 1
            np.maximum(levels, 1, out=self._index)
            self._index -= 1
            utility = self._utility(world)
            np.negative(utility, out=utility)  # drop_hazard: -U - theta_down, logistic
            np.subtract(utility, parameters.threshold_down, out=utility)
            _logistic(utility, out=p_down)
            np.greater(levels, 0, out=down)  # np.where(level > 0, p_down, 0.0): p_down is
            np.multiply(p_down, down, out=p_down)  # finite and >= 0, so times 0 gives +0.0
            np.subtract(1.0, p_down, out=self._work)
            np.greater_equal(draws, self._work, out=down)
            np.invert(up, out=up)
            down &= up
            np.subtract(next_level, down, out=next_level)
            np.greater(levels, 1, out=up)
            up &= down
            _drop_on(world, next_level, np.flatnonzero(up), p_down)
        self._prepared = True

    def decide(self, agent: Deciding) -> np.ndarray:
        """The agent's row of this month's moves; keeps its hazards on the agent."""
        if not self._prepared:
            raise RuntimeError("LogitRule.prepare must run before agents decide")
        agent.p_up = self.p_up[agent.index]
        if self.reversible:
            agent.p_down = self.p_down[agent.index]
        return self.next_level[agent.index]

    def _utility(self, world: World) -> np.ndarray:
        """Utility of the rung whose share index (0..TOP-1) is in ``_index``, for every state
        and replicate, into ``_work``: share times the social weight, plus the base, in the
        order StateAgent.utility sums them."""
        index = self._index
        index *= world.levels.shape[1]
        index += self._share_origin
        by_state = world.shares.transpose(1, 0, 2).reshape(-1)  # a view unless shocks copied
        share = np.take(by_state, index, out=self._work, mode="clip")  # indices in range
        share *= world.parameters.social
        share += self._base
        return share

    def _by_level(self, table: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """``table[level, k]`` for every state and replicate (a fresh array: the caller
        writes into it), as :func:`~sim.model.parameters.take_by_level` gives one state's."""
        if table.shape[1] == 1:
            return table[:, 0].take(levels)
        return table[levels, self._columns]


def _logistic(x: np.ndarray, *, out: np.ndarray) -> np.ndarray:
    """:func:`~sim.model.hazards.logistic` of ``x`` into ``out``, step by step in place
    (``x`` is overwritten): the same operations in the same order, so the same bits."""
    np.negative(x, out=x)
    with np.errstate(over="ignore"):  # exp overflows to inf below about -709: the result is 0
        np.exp(x, out=x)
    x += 1.0
    return np.divide(1.0, x, out=out)


def _utility_at(world: World, rung: np.ndarray, rows: np.ndarray, cols: np.ndarray
                ) -> np.ndarray:
    """Utility of state ``rows[j]`` standing on ``rung[j]`` in replicate ``cols[j]``,
    summed as StateAgent.utility sums it for a subset of replicates."""
    parameters = world.parameters
    share = world.shares[rung - 1, rows, cols] * _at(parameters.social, cols)
    static = parameters.base_utility
    static = static[rows, 0] if static.shape[1] == 1 else static[rows, cols]
    return share + static + world.utility_offset[rows, cols]


def _climb_on(world: World, next_level: np.ndarray, where: np.ndarray,
              reach: np.ndarray) -> None:
    """Cells ``where`` (flat indices of states x replicates) have just climbed: each climbs
    on while the draw stays below the product of the hazards so far (``reach``) and the
    next rung's (in place)."""
    flat_next, draws = next_level.reshape(-1), world.draws.reshape(-1)
    reach = reach.reshape(-1)[where]
    table = world.parameters.threshold_up
    while where.size:
        rows, cols = np.divmod(where, next_level.shape[1])
        rung = flat_next[where].astype(np.intp) + 1
        threshold = table[rung - 1, 0] if table.shape[1] == 1 else table[rung - 1, cols]
        reach = reach * climb_hazard(_utility_at(world, rung, rows, cols), threshold)
        on = draws[where] < reach
        flat_next[where[on]] += 1
        keep = on & (rung < TOP)
        where, reach = where[keep], reach[keep]


def _drop_on(world: World, next_level: np.ndarray, where: np.ndarray,
             reach: np.ndarray) -> None:
    """Cells ``where`` have just dropped: each drops on while the draw's upper tail stays
    below the product of the dropping hazards so far and the next rung's."""
    flat_next, draws = next_level.reshape(-1), world.draws.reshape(-1)
    reach = reach.reshape(-1)[where]
    while where.size:
        rows, cols = np.divmod(where, next_level.shape[1])
        rung = flat_next[where].astype(np.intp)  # the rung now stood on, above 0
        threshold = _at(world.parameters.threshold_down, cols)
        reach = reach * drop_hazard(_utility_at(world, rung, rows, cols), threshold)
        on = draws[where] >= 1.0 - reach
        flat_next[where[on]] -= 1
        keep = on & (rung > 1)
        where, reach = where[keep], reach[keep]


def _at(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """A per-replicate parameter (one or R entries) at replicates ``where``."""
    return values if len(values) == 1 else values[where]
