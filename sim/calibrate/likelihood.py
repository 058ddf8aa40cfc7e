"""The exact likelihood of an observed record under the model.

Given last month's levels of every state, the model's chance of each state's move this
month is known in closed form (sim/model/hazards.py). The log-likelihood of a record over
a window is the sum, over months and states, of the log of the chance of the move the log
records. What a state saw before each move (its partners' levels, the social shares with
tie shocks, the intensity changes of attacks and incentive shocks, levels forced by
recognition shocks) does not depend on the parameters fitted: it is computed once, by
replaying the record through the model's own shock engine (:func:`observe`), and the
likelihood of many parameter vectors is then a few array operations.

Recognitions forced by a shock are outside events: those states' moves in that month are
not scored. Blocs decide jointly, which this likelihood does not model: a scenario with a
bloc in the window is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model.hazards import (
    climb_hazard,
    drop_hazard,
    move_probabilities,
    transition_probability,
)
from ..model.model import RecognitionModel
from ..model.parameters import resolve, scenario_values
from ..scenario.calendar import add_months
from ..scenario.eventlog import EventLog
from ..scenario.ladder import FACTORS, TOP
from ..scenario.roster import levels_before_log, roster_of
from ..scenario.schema import Scenario
from ..scenario.shocks import BlocShock, RecognizeShock, shock_month
from .window import Window, window_scenario

__all__ = ["FITTABLE", "Likelihood", "LikelihoodError", "Record", "observe"]

# Paths a calibration may fit: those the likelihood varies without replaying the shocks.
FITTABLE = ("weights.*", "thresholds.*", "states.ID.propensity")
_FLOOR = 1e-300  # a move of probability 0 scores log(1e-300) ~ -691, not -inf


class LikelihoodError(ValueError):
    """A scenario, log or window the likelihood cannot be computed for."""


@dataclass(frozen=True, eq=False)
class Record:
    """What each state saw before each move of the window, and the move it made.

    Arrays are (months, states) or (months, 3 rungs, states) or (months, factors, states);
    month m of these arrays is the window's month m + 1.
    """

    scenario: Scenario  # re-based on the window
    window: Window
    state_ids: tuple[str, ...]
    before: np.ndarray  # level at the start of the month (after forced recognitions)
    after: np.ndarray  # level at its end, as the log records it
    shares: np.ndarray  # social shares of rungs 1..3
    changes: np.ndarray  # intensity change of each factor from shocks
    scored: np.ndarray  # moves that count: not forced by a shock
    dropped: tuple[str, ...]  # hazard shocks left out

    @property
    def months(self) -> list[str]:
        return [f"{add_months(self.window.start, m + 1):%Y-%m}"
                for m in range(self.before.shape[0])]

    def moves(self) -> np.ndarray:
        """(months, states): +k for k rungs up, -k down, 0 staying."""
        return self.after - self.before


def _check(scenario: Scenario) -> None:
    if scenario.model.rule != "logit":
        raise LikelihoodError(f"scenario {scenario.name!r} uses model.rule = "
                              f"{scenario.model.rule!r}: only the logit rule has a likelihood")
    for shock in (*scenario.history, *scenario.shocks):
        if isinstance(shock, BlocShock):
            raise LikelihoodError(f"bloc {shock.name!r}: its members decide together, which "
                                  "the likelihood does not model; calibrate without it")


def observe(scenario: Scenario, log: EventLog, window: Window) -> Record:
    """Replay ``log`` over ``window`` through the model's shock engine (see module doc)."""
    based, dropped = window_scenario(scenario, window)
    _check(based)
    roster = roster_of(based)
    ids = roster.state_ids
    if log.last_month is None:
        raise LikelihoodError(f"{log.file}: the log holds no events")
    path = np.array(log.level_path(window.start, window.months, ids,
                                   levels_before_log(ids, roster.specs)), dtype=np.int8)
    model = RecognitionModel(based, 1, rng=0)
    engine = model.shocks
    months = window.months
    n = len(ids)
    before = np.zeros((months, n), dtype=np.int8)
    shares = np.zeros((months, TOP, n))
    changes = np.zeros((months, len(FACTORS), n))
    scored = np.ones((months, n), dtype=bool)
    forced_at = _forced(based, ids)
    for m in range(1, months + 1):
        model.levels[:, 0] = path[m - 1]
        engine.start_month(model, m)
        before[m - 1] = model.levels[:, 0]
        shares[m - 1] = engine.adjust_shares(model, model.social_shares(), m)[..., 0]
        if len(engine.channel_rows):
            np.add.at(changes[m - 1], (engine.channel_factors, engine.channel_rows),
                      engine.effective_change(m)[:, 0])
        for state in forced_at.get(m, ()):
            scored[m - 1, state] = False
    return Record(based, window, ids, before, path[1:].copy(), shares, changes, scored,
                  tuple(dropped))


def _forced(scenario: Scenario, ids: Sequence[str]) -> dict[int, list[int]]:
    """States whose level a recognition shock sets, by month of the (re-based) scenario."""
    index = {state: i for i, state in enumerate(ids)}
    forced: dict[int, list[int]] = {}
    for shock in scenario.shocks:
        if isinstance(shock, RecognizeShock):
            month = shock_month(shock, scenario.start_date)
            forced.setdefault(month or 0, []).extend(index[s] for s in shock.states)
    return forced


class Likelihood:
    """The log-likelihood of a record as a function of some parameters (key paths).

    The other parameters keep the scenario's values. Call it with one vector (p,) or a batch
    (K, p); it returns a float or (K,) values.
    """

    def __init__(self, record: Record, paths: Sequence[str]) -> None:
        scenario = record.scenario
        roster = roster_of(scenario)
        self.record = record
        self.paths = tuple(paths)
        self.reversible = scenario.model.reversible
        for path in self.paths:
            head, *rest = path.split(".")
            if not ((head in ("weights", "thresholds") and len(rest) == 1) or
                    (head == "states" and len(rest) == 2 and rest[1] == "propensity"
                     and rest[0] in record.state_ids)):
                raise LikelihoodError(f"{path!r} cannot be fitted; the likelihood varies "
                                      f"{', '.join(FITTABLE)}")
        fixed = resolve(scenario, roster.state_ids, roster.specs)
        self.base_values = scenario_values(scenario, self.paths)
        self._intensities = fixed.intensities[:, :, 0]  # (n, F)
        self._propensity = np.array([spec.propensity for spec in roster.specs])
        self._weights = fixed.factor_weights[:, 0]  # (F,)
        self._social = float(fixed.social[0])
        self._up = fixed.threshold_up[:3, 0]  # rungs 1..3
        self._down = float(fixed.threshold_down[0])
        # the scored moves, grouped by (level before, level after): the same formula for all
        self._groups: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        months, states = np.nonzero(record.scored)
        pairs = record.before[months, states] * (TOP + 1) + record.after[months, states]
        for pair in np.unique(pairs):
            chosen = pairs == pair
            self._groups[divmod(int(pair), TOP + 1)] = (months[chosen], states[chosen])

    def _unpack(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Per-vector arrays of every parameter, from the fitted paths and the fixed rest."""
        k = theta.shape[0]
        out = {
            "weights": np.tile(self._weights, (k, 1)),
            "social": np.full(k, self._social),
            "up": np.tile(self._up, (k, 1)),
            "down": np.full(k, self._down),
            "propensity": np.tile(self._propensity, (k, 1)),
        }
        for j, path in enumerate(self.paths):
            head, *rest = path.split(".")
            if head == "weights" and rest[0] == "social":
                out["social"] = theta[:, j]
            elif head == "weights":
                out["weights"][:, FACTORS.index(rest[0])] = theta[:, j]
            elif head == "thresholds" and rest[0] == "downgrade":
                out["down"] = theta[:, j]
            elif head == "thresholds":
                out["up"][:, int(rest[0][-1]) - 1] = theta[:, j]
            else:
                out["propensity"][:, self.record.state_ids.index(rest[0])] = theta[:, j]
        return out

    def probabilities(self, theta: np.ndarray) -> np.ndarray:
        """(K, 4, months, states): the chance of each level at the end of each month."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        p = self._unpack(theta)
        record = self.record
        base = p["propensity"] + p["weights"] @ self._intensities.T  # (K, n)
        offset = np.einsum("kf,mfn->kmn", p["weights"], record.changes)  # (K, M, n)
        utility = (base[:, None, None, :] + offset[:, :, None, :]
                   + p["social"][:, None, None, None] * record.shares[None])  # (K, M, 3, n)
        utility = np.moveaxis(utility, 2, 0)  # (3, K, M, n)
        up = climb_hazard(utility, p["up"].T[:, :, None, None])
        down = drop_hazard(utility, p["down"][None, :, None, None]) if self.reversible \
            else None
        level = np.broadcast_to(record.before, (theta.shape[0], *record.before.shape))
        return np.moveaxis(move_probabilities(level, up, down), 0, 1)

    def terms(self, theta: np.ndarray) -> np.ndarray:
        """(K, months, states): the log-chance of each recorded move (0 where not scored).

        Computed group by group of (level before, level after), with the hazards of only
        the rungs each group's formula needs (sim/model/hazards.py,
        ``transition_probability``).
        """
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        p = self._unpack(theta)
        record = self.record
        base = p["propensity"] + p["weights"] @ self._intensities.T  # (K, n)
        out = np.zeros((theta.shape[0], *record.before.shape))
        for (current, target), (months, states) in self._groups.items():
            offset = p["weights"] @ record.changes[months, :, states].T  # (K, cells)
            fixed = base[:, states] + offset
            utilities: dict[int, np.ndarray] = {}

            def utility(rung: int, months=months, states=states, fixed=fixed,
                        utilities=utilities) -> np.ndarray:
                if rung not in utilities:
                    share = record.shares[months, rung - 1, states]
                    utilities[rung] = fixed + p["social"][:, None] * share
                return utilities[rung]

            def up(rung: int, utility=utility) -> np.ndarray | float:
                return climb_hazard(utility(rung), p["up"][:, rung - 1, None]) \
                    if rung <= TOP else 0.0

            def down(rung: int, utility=utility) -> np.ndarray:
                return drop_hazard(utility(rung), p["down"][:, None])

            chance = transition_probability(current, target, up,
                                            down if self.reversible else None)
            out[:, months, states] = np.log(np.maximum(chance, _FLOOR))
        return out

    def __call__(self, theta: np.ndarray) -> np.ndarray | float:
        values = self.terms(theta).sum(axis=(1, 2))
        return float(values[0]) if np.ndim(theta) == 1 else values
