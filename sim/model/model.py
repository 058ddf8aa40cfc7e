"""The recognition model: states on a ladder, moving month by month, many replicates at once."""

from __future__ import annotations

import numpy as np

from ..scenario.ladder import DE_FACTO, DE_JURE, TOP
from ..scenario.roster import random_adopters, roster_of
from ..scenario.schema import Scenario
from .agents import StateAgent
from .hazards import RUNGS
from .mesa_core import mesa
from .network import influence_matrix
from .parameters import ReplicateValues, resolve
from .rules import make_rule
from .shocks import ShockEngine

__all__ = ["RecognitionModel", "de_facto_count", "de_jure_count"]


def de_jure_count(model: RecognitionModel) -> np.ndarray:
    """Number of states recognising de jure, per replicate."""
    return (model.levels >= DE_JURE).sum(axis=0, dtype=np.int32)


def de_facto_count(model: RecognitionModel) -> np.ndarray:
    """Number of states at de facto recognition or higher, per replicate."""
    return (model.levels >= DE_FACTO).sum(axis=0, dtype=np.int32)


class RecognitionModel(mesa.Model):
    """Recognition cascade over ``replicates`` independent worlds advanced in lockstep.

    Each month is synchronous: the model computes every state's social shares from last
    month's levels and draws one uniform per state and replicate; every agent then decides
    from those alone, and only after all have decided are the new levels committed. The
    result therefore does not depend on the order in which agents are activated.

    Month 0 is the scenario's start month; ``step`` advances one month. The scenario's
    shocks (see :mod:`sim.model.shocks`) fire at the start of a month, before anyone decides.
    ``values`` gives replicates their own values of some parameters (one row each).
    """

    def __init__(
        self,
        scenario: Scenario,
        replicates: int = 1,
        *,
        rng: np.random.Generator | np.random.SeedSequence | int | None = None,
        values: ReplicateValues | None = None,
    ) -> None:
        if isinstance(rng, np.random.SeedSequence):
            rng = np.random.default_rng(rng)
        super().__init__(rng=rng)
        self.scenario = scenario
        self.replicates = int(replicates)
        roster = roster_of(scenario)
        self.state_ids = roster.state_ids
        if values is not None and values.replicates != self.replicates:
            raise ValueError(f"values for {values.replicates} replicates, model has "
                             f"{self.replicates}")
        self.parameters = resolve(scenario, roster.state_ids, roster.specs, values)
        n = len(roster)
        self.levels = np.repeat(roster.start_levels[:, None], self.replicates, axis=1)
        adopters = scenario.adopters
        if adopters.random:
            random_adopters(self.levels, roster.start_levels, adopters.random, adopters.level,
                            self.rng)
        self.first_month = np.where(self.levels[None] >= RUNGS[:, None, None], 0, -1).astype(
            np.int16
        )
        self.first_downgrade = np.full((n, self.replicates), -1, dtype=np.int16)
        self.influence = influence_matrix(scenario)
        self.utility_offset = np.zeros((n, self.replicates))
        self.shares = np.zeros((TOP, n, self.replicates))
        self.draws = np.zeros((n, self.replicates))
        self.state_agents = tuple(
            StateAgent(self, index, state_id, spec)
            for index, (state_id, spec) in enumerate(zip(roster.state_ids, roster.specs,
                                                         strict=True)))
        self.shocks = ShockEngine(self)
        self.rule = make_rule(self, roster.own_thresholds())
        self.datacollector = mesa.DataCollector(
            model_reporters={"de_jure": de_jure_count, "de_facto": de_facto_count}
        )
        self.datacollector.collect(self)

    @property
    def month(self) -> int:
        """Months elapsed since the start month."""
        return self.steps

    def social_shares(self) -> np.ndarray:
        """``shares[r - 1, i, k]``: tie-weighted share of i's partners at rung >= r in replicate k.

        One (sparse or dense) matrix product over all rungs and replicates.
        """
        n, reps = self.levels.shape
        at_or_above = self.levels[:, None, :] >= RUNGS[None, :, None]  # (n, 3, R)
        stacked = at_or_above.reshape(n, TOP * reps).astype(np.float64)
        return np.asarray(self.influence @ stacked).reshape(n, TOP, reps).transpose(1, 0, 2)

    def step(self) -> None:
        """One month: shocks fire, all decide from the start-of-month world, then all commit."""
        previous = self.levels.copy()
        if self.shocks.start_month(self):  # a forced level counts as reached this month,
            self._record(previous)  # even if the state steps down again before it ends
            previous = self.levels.copy()
        self.shares = self.shocks.adjust_shares(self, self.social_shares())
        self.draws = self.rng.random(self.levels.shape)
        self.rule.prepare(self)
        self.agents.shuffle_do("decide")
        self.shocks.decide_blocs(self)
        self.agents.do("advance")
        self._record(previous)
        self.datacollector.collect(self)

    def _record(self, previous: np.ndarray) -> None:
        reached = (self.levels[None] >= RUNGS[:, None, None]) & (self.first_month < 0)
        self.first_month[reached] = self.month
        dropped = (self.levels < previous) & (self.first_downgrade < 0)
        self.first_downgrade[dropped] = self.month

    def run(self, months: int | None = None) -> None:
        """Advance to the horizon (the scenario's ``months`` unless given)."""
        for _ in range(self.scenario.months if months is None else months):
            self.step()

    def counts(self, reporter: str) -> np.ndarray:
        """A reporter's history as a (months + 1, replicates) array."""
        return np.stack(self.datacollector.model_vars[reporter])
