"""Shocks during a run: each fires at the start of a month, replicate by replicate.

The whole schedule is drawn once, when the model is built, from a child of the model's
generator (``model.rng.spawn``): it is fixed by the seed, and it leaves the model's own
stream of monthly draws untouched, so a replicate in which no shock fires is exactly the
baseline replicate with the same seed (common random numbers across scenarios).

Effects are per replicate, since a random shock fires at different months in different runs:

* ``recognize`` sets the states' levels in the replicates where it fires that month;
* ``attack`` and ``incentive`` change incentive intensities; the change in utility,
  weight of the factor times change in intensity, goes into ``model.utility_offset``
  (intensities never go below zero);
* ``tie`` corrects the social shares of the affected rows only, in the replicates where
  it is active, instead of building an influence matrix per replicate;
* ``bloc`` overrides its members' upward moves after they decide, before anyone commits.

The scenario's ``history`` (shocks dated in or before the start month) does not fire
during the run, but what lingers of it acts from month 0: an attack's recovery, an
incentive change, a tie or bloc in force. Nothing here reads last month's decisions of
other agents, so the model stays synchronous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.ladder import FACTORS, TOP
from ..scenario.schema import Scenario
from ..scenario.shocks import (
    AttackShock,
    BlocShock,
    IncentiveShock,
    RecognizeShock,
    Shock,
    TieShock,
    shock_month,
)
from .hazards import RUNGS, climb_hazard
from .network import tie_matrix
from .parameters import take_by_level
from .world import Deciding, World

__all__ = ["ShockEngine", "fire_schedule", "strength_profile"]


def fire_schedule(shock: Shock, scenario: Scenario, replicates: int,
                  rng: np.random.Generator) -> np.ndarray:
    """``fires[m, k]``: the shock fires at the start of month m in replicate k.

    A fixed shock fires in its month everywhere; a hazard shock fires in each month with
    probability ``hazard`` (``repeat``), or only in the first such month (a geometric draw).
    """
    months = scenario.months
    fires = np.zeros((months + 1, replicates), dtype=bool)
    if shock.hazard is None:
        fires[shock_month(shock, scenario.start_date)] = True
    elif shock.repeat:
        fires[1:] = rng.random((months, replicates)) < shock.hazard
    else:
        first = rng.geometric(shock.hazard, size=replicates)
        hit = first <= months
        fires[first[hit], np.flatnonzero(hit)] = True
    return fires


def _kernel(shock: AttackShock | IncentiveShock, length: int) -> np.ndarray:
    """Strength of one firing ``d`` months later (1 in the month it fires)."""
    lag = np.arange(length, dtype=float)
    if isinstance(shock, AttackShock):
        return np.clip(1.0 - lag / shock.recovery_months, 0.0, None)
    if shock.half_life is None:
        return np.ones(length)
    return 0.5 ** (lag / shock.half_life)


def strength_profile(fires: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Sum of the kernels of every firing so far: ``sum_f fires[f] * kernel[m - f]``.

    Loops over whichever is shorter: the months in which the shock fires somewhere, or the
    lags at which its kernel is not zero (an attack's recovery period).
    """
    length = len(fires)
    profile = np.zeros(fires.shape)
    firing = np.flatnonzero(fires.any(axis=1))
    lags = np.flatnonzero(kernel[:length])
    if len(firing) <= len(lags):
        for month in firing:
            profile[month:] += fires[month][None, :] * kernel[: length - month, None]
    else:
        for lag in lags:
            profile[lag:] += kernel[lag] * fires[: length - lag]
    return profile


@dataclass(frozen=True)
class _TieRow:
    """One row of the influence matrix that tie shocks change: its columns and weights."""

    row: int
    total: float  # raw row sum without shocks
    cols: np.ndarray  # columns some shock sets
    base: np.ndarray  # their raw weights without shocks
    setters: tuple[tuple[int, int, float], ...]  # (tie shock, position in cols, new weight)


class ShockEngine:
    """Applies a scenario's shocks to a model (:class:`~sim.model.model.RecognitionModel`).

    Months can be given explicitly, so the likelihood (sim/calibrate/likelihood.py) can
    replay an observed record through this same code, month by month.
    """

    def __init__(self, model: World) -> None:
        scenario = model.scenario
        self.shocks = scenario.shocks
        self.history = scenario.history
        self.replicates = model.replicates
        self.months = scenario.months
        self._index = {state: i for i, state in enumerate(model.state_ids)}
        # the schedule's own stream: spawning leaves the model's monthly draws untouched
        rng = model.rng.spawn(1)[0]
        self.fires = [fire_schedule(s, scenario, model.replicates, rng) for s in self.shocks]
        self._fired_by = [  # lasting shocks: fired by month m, in each replicate
            np.logical_or.accumulate(f, axis=0) if isinstance(s, TieShock | BlocShock) else None
            for s, f in zip(self.shocks, self.fires, strict=True)
        ]
        self._past = [-(shock_month(s, scenario.start_date) or 0) for s in self.history]
        self._logged: list[np.ndarray] = []
        self._agents: tuple[Deciding, ...] = model.state_agents
        self._bloc_rng = rng
        self._setup_intensities(scenario, model)
        self._setup_ties(scenario)

    # ------------------------------------------------------------------ set-up
    def _setup_intensities(self, scenario: Scenario, model: World) -> None:
        """One channel per (factor, state) that attacks or incentive shocks move.

        A channel's intensity change is ``add @ strength + (scale @ strength) * base``: an
        ``add`` shock adds its amount, a ``scale`` shock multiplies the state's own
        intensity, which may differ from replicate to replicate.
        """
        channels: dict[tuple[int, int], dict[tuple[bool, int], tuple[float, float]]] = {}
        future, past = [], []

        def add(factor: str, state: str, shock: tuple[bool, int], plus: float,
                times: float) -> None:
            key = (FACTORS.index(factor), self._index[state])
            row = channels.setdefault(key, {})
            old_plus, old_times = row.get(shock, (0.0, 0.0))
            row[shock] = (old_plus + plus, old_times + times)

        tagged = [(True, s, shock) for s, shock in enumerate(self.history)] + \
            [(False, s, shock) for s, shock in enumerate(self.shocks)]
        for is_past, s, shock in tagged:
            if not isinstance(shock, AttackShock | IncentiveShock):
                continue
            slot = (is_past, len(past) if is_past else len(future))
            if isinstance(shock, AttackShock):
                project = scenario.projects[shock.project]
                for state in project.stakeholders:
                    add("connectivity", state, slot, -shock.connectivity_loss, 0.0)
                for state in project.threatened:
                    add("security", state, slot, shock.security_gain, 0.0)
            else:
                for state in shock.states:
                    if shock.add is not None:
                        add(shock.factor, state, slot, shock.add, 0.0)
                    else:
                        add(shock.factor, state, slot, 0.0, shock.scale - 1.0)
            if is_past:
                lag = self._past[s]  # months since it fired, at month 0
                past.append(_kernel(shock, lag + self.months + 1)[lag:])
            else:
                kernel = _kernel(shock, self.months + 1)
                future.append(strength_profile(self.fires[s], kernel))
        keys = sorted(channels)
        self.channel_factors = np.array([f for f, _ in keys], dtype=np.intp)
        self.channel_rows = np.array([i for _, i in keys], dtype=np.intp)
        self._profiles = np.stack(future) if future else \
            np.zeros((0, self.months + 1, self.replicates))
        self._past_profiles = np.stack(past) if past else np.zeros((0, self.months + 1))
        self._plus = {flag: np.zeros((len(keys), n)) for flag, n in ((False, len(future)),
                                                                     (True, len(past)))}
        self._times = {flag: np.zeros((len(keys), n)) for flag, n in ((False, len(future)),
                                                                      (True, len(past)))}
        for c, key in enumerate(keys):
            for (is_past, slot), (plus, times) in channels[key].items():
                self._plus[is_past][c, slot] = plus
                self._times[is_past][c, slot] = times
        parameters = model.parameters
        self._factor_weight = parameters.factor_weights[self.channel_factors]  # (C, 1 or R)
        self._base = parameters.intensities[self.channel_rows, self.channel_factors]
        self._offset_rows, channel_row = np.unique(self.channel_rows, return_inverse=True)
        self._gather = np.zeros((len(self._offset_rows), len(keys)))  # channel -> its state
        self._gather[channel_row, np.arange(len(keys))] = 1.0
        self._applied = np.zeros((len(self._offset_rows), self.replicates))

    def _setup_ties(self, scenario: Scenario) -> None:
        """Rows of the influence matrix that tie shocks touch, and what they set.

        Tie shocks of the history come first, so a later shock setting the same tie wins.
        """
        ties = [(None, shock) for shock in self.history if isinstance(shock, TieShock)] + \
            [(s, shock) for s, shock in enumerate(self.shocks) if isinstance(shock, TieShock)]
        self._tie_ids = [s for s, _ in ties]
        self._tie_rows: list[_TieRow] = []
        if not ties:
            return
        raw = tie_matrix(scenario)
        totals = np.asarray(raw.sum(axis=1)).ravel()
        entries: dict[int, list[tuple[int, int, float]]] = {}  # row -> (tie shock, col, weight)
        for t, (_, shock) in enumerate(ties):
            i, j = self._index[shock.source], self._index[shock.target]
            entries.setdefault(i, []).append((t, j, shock.weight))
            back = shock.back_weight
            if back is None and not scenario.network.directed:
                back = shock.weight
            if back is not None:
                entries.setdefault(j, []).append((t, i, back))
        for row, setters in sorted(entries.items()):
            cols = np.array(sorted({col for _, col, _ in setters}), dtype=np.intp)
            position = {int(col): p for p, col in enumerate(cols)}
            self._tie_rows.append(_TieRow(
                row=row, total=float(totals[row]), cols=cols,
                base=np.array([raw[row, col] for col in cols], dtype=float),
                setters=tuple((t, position[col], w) for t, col, w in setters),
            ))

    # ------------------------------------------------------------------ each month
    def _active(self, s: int | None, month: int) -> np.ndarray:
        """Replicates in which the tie or bloc shock ``s`` has fired by ``month`` (a shock
        of the history, ``s`` None, is in force everywhere)."""
        if s is None:
            return np.ones(self.replicates, dtype=bool)
        fired_by = self._fired_by[s]
        assert fired_by is not None
        return fired_by[min(month, len(fired_by) - 1)]

    def _fires_now(self, s: int, month: int) -> np.ndarray | None:
        """Replicates in which shock ``s`` fires this month; None past the horizon."""
        fires = self.fires[s]
        return fires[month] if month < len(fires) else None

    def start_month(self, model: World, month: int | None = None) -> bool:
        """Fire this month's shocks: log them, move forced levels, update utility offsets.
        True when a ``recognize`` shock moved levels."""
        month = model.month if month is None else month
        forced = False
        for s, shock in enumerate(self.shocks):
            now = self._fires_now(s, month)
            if now is None or not now.any():
                continue
            runs = np.flatnonzero(now)
            self._logged.append(np.column_stack(
                [runs, np.full_like(runs, month), np.full_like(runs, s)]).astype(np.int32))
            if isinstance(shock, RecognizeShock):
                rows = [self._index[state] for state in shock.states]
                model.levels[np.ix_(rows, runs)] = shock.level
                forced = True
        if len(self._offset_rows) and month <= self.months:
            offset = self._gather @ (self._factor_weight * self.effective_change(month))
            model.utility_offset[self._offset_rows] += offset - self._applied
            self._applied = offset
        return forced

    def effective_change(self, month: int) -> np.ndarray:
        """(channels, replicates): each channel's intensity change in ``month``, after the
        floor at zero (channel c is factor ``channel_factors[c]`` of state
        ``channel_rows[c]``)."""
        strength = self._profiles[:, month, :]  # (future shocks, R)
        past = self._past_profiles[:, month]  # (history shocks,)
        plus = self._plus[False] @ strength + (self._plus[True] @ past)[:, None]
        times = self._times[False] @ strength + (self._times[True] @ past)[:, None]
        change = plus + times * self._base
        return np.maximum(self._base + change, 0.0) - self._base

    def adjust_shares(self, model: World, shares: np.ndarray,
                      month: int | None = None) -> np.ndarray:
        """Correct the social shares of rows whose ties are changed, where a tie shock is on."""
        if not self._tie_rows:
            return shares
        month = model.month if month is None else month
        active = [self._active(s, month) for s in self._tie_ids]
        for tie_row in self._tie_rows:
            on = np.zeros(self.replicates, dtype=bool)
            for t, _, _ in tie_row.setters:
                on |= active[t]
            if not on.any():
                continue
            weights = np.repeat(tie_row.base[:, None], on.sum(), axis=1)
            for t, position, weight in tie_row.setters:  # later shocks win
                weights[position, active[t][on]] = weight
            extra = weights - tie_row.base[:, None]  # (cols, a)
            partners = model.levels[tie_row.cols][:, on]  # (cols, a)
            above = partners[None, :, :] >= RUNGS[:, None, None]  # (3, cols, a)
            numerator = shares[:, tie_row.row, on] * tie_row.total + (above * extra).sum(axis=1)
            total = tie_row.total + extra.sum(axis=0)
            shares[:, tie_row.row, on] = np.divide(
                numerator, total, out=np.zeros_like(numerator), where=total > 0)
        return shares

    def decide_blocs(self, model: World) -> None:
        """Where a bloc is active, its members climb together or not at all.

        The bloc stands on its lowest member's rung b. One draw per replicate decides
        whether it climbs: with the climbing hazard of rung b + 1 at the members' mean
        utility there. If it does, every member on rung b climbs one rung; members above b
        wait. Downgrades stay individual.
        """
        month = model.month
        blocs = [(None, shock) for shock in self.history if isinstance(shock, BlocShock)] + \
            [(s, shock) for s, shock in enumerate(self.shocks) if isinstance(shock, BlocShock)]
        for s, shock in blocs:
            draw = self._bloc_rng.random(self.replicates)
            active = self._active(s, month)
            if not active.any():
                continue
            members = [self._agents[self._index[state]] for state in shock.states]
            levels = np.stack([agent.level for agent in members]).astype(np.intp)
            floor = levels.min(axis=0)
            rung = np.minimum(floor + 1, TOP)
            utility = np.mean([agent.utility(rung) for agent in members], axis=0)
            climb = draw < climb_hazard(utility, take_by_level(members[0].threshold_up, floor))
            for agent, level in zip(members, levels, strict=True):
                chosen = agent.next_level
                together = np.where((level == floor) & climb, level + 1, level)
                joint = np.where(chosen < level, chosen, together)
                agent.next_level = np.where(active, joint, chosen).astype(np.int8)

    def events(self) -> np.ndarray:
        """Every firing so far as rows ``(run, month, shock index)``."""
        if not self._logged:
            return np.zeros((0, 3), dtype=np.int32)
        return np.concatenate(self._logged)
