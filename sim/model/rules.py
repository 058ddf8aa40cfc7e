"""Decision rules: how a state turns last month's world into this month's move.

A rule is a small strategy object the model builds once. Each month the model calls
``prepare(model)`` (where a rule may compute every state's move in one NumPy pass) and
then every agent's ``decide`` asks the rule for its own next levels with ``decide(agent)``.
Both read only last month's levels, so the update stays synchronous.

- :class:`LogitRule` (``rule = "logit"``): a logistic hazard of the utility of the next rung
  minus that rung's threshold; each agent computes its own hazard over all replicates.
- :class:`ThresholdRule` (``rule = "threshold"``): the fractional threshold rule of
  Granovetter (1978) and Watts (2002): climb when the tie-weighted share of partners at
  or above the next rung reaches the state's threshold. Deterministic.

See docs/model.md, section "Decision rules", for the equations.
"""

from __future__ import annotations

import numpy as np

from ..scenario.ladder import TOP
from ..scenario.population import ThresholdSpec
from .hazards import climb_hazard, drop_hazard
from .parameters import take_by_level
from .world import Deciding, DecisionRule, World

__all__ = [
    "SHARE_TOLERANCE",
    "LogitRule",
    "ThresholdRule",
    "draw_thresholds",
    "make_rule",
]

# A share within this much of a threshold counts as reaching it: the tie-weighted sum of
# k partners' weights 1/d can fall one rounding step short of the exact fraction k/d.
SHARE_TOLERANCE = 1e-9


def draw_thresholds(spec: ThresholdSpec, own: list[float | None], replicates: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Thresholds (n states x replicates): a state's own value, else drawn from ``spec``.

    Draws cover every state (own values overwrite them afterwards), so which states set
    their own threshold does not shift the random stream of the others.
    """
    shape = (len(own), replicates)
    if spec.distribution == "fixed":
        thresholds = np.full(shape, np.nan if spec.value is None else spec.value)
    elif spec.distribution == "uniform":
        thresholds = rng.uniform(*spec.bounds(), size=shape)
    else:
        from scipy.stats import truncnorm  # scipy.stats takes a second to import: only here

        mean, sd = spec.mean or 0.0, spec.sd or 1.0  # both set: the schema requires them
        thresholds = truncnorm.rvs(-mean / sd, (1.0 - mean) / sd, loc=mean, scale=sd,
                                   size=shape, random_state=rng)
    for index, value in enumerate(own):
        if value is not None:
            thresholds[index] = value
    return thresholds


class LogitRule:
    """Logistic hazards of the next rung up and, with downgrades, of the rung stood on.

    One uniform per state and replicate decides (sim/model/hazards.py): up while it stays
    below the running product of the climbing hazards of the rungs above, else down while
    its upper tail stays below the product of the dropping hazards of the rungs below. A
    state rarely moves two rungs in a month; the products make it possible, as in the
    record (a recognition straight from no engagement, a withdrawal to none).
    """

    name = "logit"

    def __init__(self, world: World) -> None:
        self.world = world

    def prepare(self, world: World) -> None:
        """Nothing to share across agents: each computes its own hazards."""

    def decide(self, agent: Deciding) -> np.ndarray:
        """Climb, drop or stay in every replicate; keeps the first hazards on the agent."""
        level = agent.level.astype(np.intp)
        draw = self.world.draws[agent.index]
        up_rung = np.minimum(level + 1, TOP)
        agent.p_up = climb_hazard(agent.utility(up_rung),
                                  take_by_level(agent.threshold_up, level))
        up = draw < agent.p_up
        next_level = agent.level + up
        _climb_on(agent, draw, next_level, np.flatnonzero(up & (level + 1 < TOP)), agent.p_up)
        if agent.reversible:
            here = np.maximum(level, 1)
            p_down = drop_hazard(agent.utility(here), agent.threshold_down)
            agent.p_down = np.where(level > 0, p_down, 0.0)
            down = ~up & (draw >= 1.0 - agent.p_down)
            next_level -= down
            _drop_on(agent, draw, next_level, np.flatnonzero(down & (level > 1)),
                     agent.p_down)
        return next_level


def _climb_on(agent: Deciding, draw: np.ndarray, next_level: np.ndarray, where: np.ndarray,
              reach: np.ndarray) -> None:
    """Replicates ``where`` have just climbed: each climbs on while the draw stays below
    the product of the hazards so far (``reach``) and the next rung's (in place)."""
    reach = reach[where]
    while where.size:
        rung = next_level[where].astype(np.intp) + 1
        threshold = _threshold_at(agent.threshold_up, rung - 1, where)
        reach = reach * climb_hazard(agent.utility(rung, where), threshold)
        on = draw[where] < reach
        next_level[where[on]] += 1
        keep = on & (rung < TOP)
        where, reach = where[keep], reach[keep]


def _drop_on(agent: Deciding, draw: np.ndarray, next_level: np.ndarray, where: np.ndarray,
             reach: np.ndarray) -> None:
    """Replicates ``where`` have just dropped: each drops on while the draw's upper tail
    stays below the product of the dropping hazards so far and the next rung's."""
    reach = reach[where]
    while where.size:
        rung = next_level[where].astype(np.intp)  # the rung now stood on, above 0
        threshold = _at(agent.threshold_down, where)
        reach = reach * drop_hazard(agent.utility(rung, where), threshold)
        on = draw[where] >= 1.0 - reach
        next_level[where[on]] -= 1
        keep = on & (rung > 1)
        where, reach = where[keep], reach[keep]


def _at(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """A per-replicate parameter (one or R entries) at replicates ``where``."""
    return values if len(values) == 1 else values[where]


def _threshold_at(table: np.ndarray, index: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``table[index[k], where[k]]``, for a table with one column or one per replicate."""
    return table[index, 0] if table.shape[1] == 1 else table[index, where]


class ThresholdRule:
    """Fractional threshold rule: climb one rung when share(next rung) >= threshold.

    ``thresholds`` holds one threshold per state and replicate. Every state's move is
    computed for the whole world in one pass in :meth:`prepare`; an agent's ``decide``
    reads its own row, so ten thousand agents cost ten thousand row look-ups a month.
    """

    name = "threshold"

    def __init__(self, thresholds: np.ndarray) -> None:
        self.thresholds = thresholds
        self.next_level: np.ndarray | None = None

    def prepare(self, world: World) -> None:
        level = world.levels
        rung = np.minimum(level, TOP - 1).astype(np.intp)  # index of the next rung's share
        share = np.take_along_axis(world.shares, rung[None], axis=0)[0]
        climb = (level < TOP) & (share >= self.thresholds - SHARE_TOLERANCE)
        self.next_level = level + climb.astype(np.int8)

    def decide(self, agent: Deciding) -> np.ndarray:
        if self.next_level is None:
            raise RuntimeError("ThresholdRule.prepare must run before agents decide")
        return self.next_level[agent.index]


def make_rule(world: World, own_thresholds: list[float | None]) -> DecisionRule:
    """The rule the scenario names; threshold draws come from the model's generator."""
    spec = world.scenario.model
    if spec.rule == "logit":
        return LogitRule(world)
    thresholds = draw_thresholds(spec.threshold, own_thresholds, world.replicates, world.rng)
    return ThresholdRule(thresholds)
