"""The numbers agents and shocks use, as arrays over replicates where they vary.

A scenario holds one value per parameter. A run with parameter uncertainty gives each
replicate its own values of some key paths (draws from a posterior, or the points of an
exploration): a :class:`ReplicateValues`. :func:`resolve` turns the scenario and those
values into :class:`Parameters`, whose arrays broadcast over replicates: one column where
a parameter is the same in every replicate, one column per replicate where it varies.
Which paths may vary is defined in :mod:`sim.scenario.draws`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..scenario.ladder import FACTORS
from ..scenario.parts import StateSpec
from ..scenario.schema import Scenario

__all__ = ["Parameters", "ReplicateValues", "resolve", "scenario_values", "take_by_level"]

_THRESHOLD_KEYS = ("level_1", "level_2", "level_3")


@dataclass(frozen=True, eq=False)
class ReplicateValues:
    """``values[r, j]``: key path ``paths[j]`` in replicate ``r``."""

    paths: tuple[str, ...]
    values: np.ndarray  # (R, k) float64
    draw_row: np.ndarray | None = None  # (R,) the row of a draws file each replicate took

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[1] != len(self.paths):
            raise ValueError(f"values must be (replicates, {len(self.paths)}), "
                             f"got {self.values.shape}")

    @property
    def replicates(self) -> int:
        return int(self.values.shape[0])

    def column(self, path: str) -> np.ndarray | None:
        """The values of ``path`` in every replicate, or None if it does not vary."""
        if path not in self.paths:
            return None
        return self.values[:, self.paths.index(path)]

    def rows(self, start: int, stop: int) -> ReplicateValues:
        """Replicates ``start`` to ``stop`` (a chunk)."""
        rows = None if self.draw_row is None else self.draw_row[start:stop]
        return ReplicateValues(self.paths, self.values[start:stop], rows)

    @classmethod
    def join(cls, parts: Sequence[ReplicateValues | None]) -> ReplicateValues | None:
        """Side by side (same replicates); later parts win where paths repeat."""
        present = [p for p in parts if p is not None and p.paths]
        if not present:
            return None
        columns: dict[str, np.ndarray] = {}
        for part in present:
            for j, path in enumerate(part.paths):
                columns[path] = part.values[:, j]
        drawn = next((p.draw_row for p in present if p.draw_row is not None), None)
        return cls(tuple(columns), np.column_stack(list(columns.values())), drawn)


@dataclass(frozen=True, eq=False)
class Parameters:
    """Arrays with a last axis of 1 (same in every replicate) or R (one per replicate)."""

    base_utility: np.ndarray  # (n, C): propensity plus the weighted incentive factors
    social: np.ndarray  # (C,): weight of the social share
    threshold_up: np.ndarray  # (4, C): threshold of the rung above each level; inf at the top
    threshold_down: np.ndarray  # (C,)
    factor_weights: np.ndarray  # (F, C): weight of each factor of FACTORS
    intensities: np.ndarray  # (n, F, C): each state's intensity of each factor


def resolve(scenario: Scenario, state_ids: Sequence[str], specs: Sequence[StateSpec],
            values: ReplicateValues | None = None) -> Parameters:
    """The model's numbers for ``scenario``'s states, with ``values`` overriding per replicate.

    The base utility is summed in the same order as :func:`~sim.model.hazards.static_utility`
    (propensity, then the factors in FACTORS order), so a run without varying parameters
    gives the numbers it always has.
    """
    width = values.replicates if values is not None and values.paths else 1

    def value(scenario_value: float, path: str) -> np.ndarray:
        column = None if values is None else values.column(path)
        if column is None:
            return np.full(width, float(scenario_value))
        return np.asarray(column, dtype=float)

    weights, thresholds = scenario.weights, scenario.thresholds
    factor_weights = np.stack([value(getattr(weights, f), f"weights.{f}") for f in FACTORS])
    n = len(state_ids)
    base = np.zeros((n, width))
    intensities = np.zeros((n, len(FACTORS), width))
    for i, (state, spec) in enumerate(zip(state_ids, specs, strict=True)):
        total: np.ndarray | int = 0
        for j, factor in enumerate(FACTORS):
            intensities[i, j] = value(getattr(spec, factor), f"states.{state}.{factor}")
            total = total + factor_weights[j] * intensities[i, j]
        base[i] = value(spec.propensity, f"states.{state}.propensity") + total
    up = [value(getattr(thresholds, key), f"thresholds.{key}") for key in _THRESHOLD_KEYS]
    return Parameters(
        base_utility=base,
        social=value(weights.social, "weights.social"),
        threshold_up=np.stack([*up, np.full(width, np.inf)]),
        threshold_down=value(thresholds.downgrade, "thresholds.downgrade"),
        factor_weights=factor_weights,
        intensities=intensities,
    )


def take_by_level(table: np.ndarray, level: np.ndarray) -> np.ndarray:
    """``table[level[k], k]`` for each replicate k (``table`` is (levels, 1 or R))."""
    if table.shape[1] == 1:
        return table[:, 0].take(level)
    return table[level, np.arange(len(level))]


def scenario_values(scenario: Scenario, paths: Sequence[str]) -> dict[str, float]:
    """The scenario's own values of per-replicate ``paths`` (for priors and reports)."""
    out = {}
    for path in paths:
        head, *rest = path.split(".")
        if head == "weights":
            out[path] = float(getattr(scenario.weights, rest[0]))
        elif head == "thresholds":
            out[path] = float(getattr(scenario.thresholds, rest[0]))
        else:
            out[path] = float(getattr(scenario.states[rest[0]], rest[1]))
    return out
