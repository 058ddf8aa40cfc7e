"""Decision rules: how a state turns last month's world into this month's move.

A rule is a small strategy object the model builds once. Each month the model calls
``prepare(model)`` (where a rule may compute every state's move in one NumPy pass) and
then every agent's ``decide`` asks the rule for its own next levels with ``decide(agent)``.
Both read only last month's levels, so the update stays synchronous.

- :class:`~sim.model.logit.LogitRule` (``rule = "logit"``): a logistic hazard of the utility
  of the next rung minus that rung's threshold (and, with downgrades, of dropping off the
  rung stood on); every state's hazards over all replicates in one pass a month.
- :class:`ThresholdRule` (``rule = "threshold"``): the fractional threshold rule of
  Granovetter (1978) and Watts (2002): climb when the tie-weighted share of partners at
  or above the next rung reaches the state's threshold. Deterministic.

See docs/model.md, section "Decision rules", for the equations.
"""

from __future__ import annotations

import numpy as np

from ..scenario.ladder import TOP
from ..scenario.population import ThresholdSpec
from .logit import LogitRule
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
