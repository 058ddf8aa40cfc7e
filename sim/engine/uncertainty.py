"""Parameter uncertainty in runs: which draw of the posterior each replicate takes.

A scenario that names draws (``[uncertainty] draws``) gives every replicate one row of that
file. The rows of a chunk are drawn, with replacement, from the chunk's own seed extended by
:data:`DRAWS_STREAM`, so they are fixed by the master seed, the same for any executor or
number of workers, and the same for two scenarios run with the same seed (their runs stay
paired). The model's own random stream is untouched: a run with draws and one without see
the same uniforms.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from ..model.parameters import ReplicateValues
from ..scenario.draws import read_draws
from ..scenario.params import with_values
from ..scenario.schema import Scenario

__all__ = ["DRAWS_STREAM", "DRAW_BLOCK", "draw_rows", "drawn_paths", "drawn_values",
           "without_uncertainty"]

# Appended to a chunk's spawn key for the stream that picks its rows of the draws file.
DRAWS_STREAM = 0xD7A5
# Replicates that share a draw: consecutive blocks of this many take the same row, so the
# spread of a chance across the posterior can be told from chance (sim/results/tables.py).
DRAW_BLOCK = 10


def draw_rows(seed: np.random.SeedSequence, replicates: int, draws: int) -> np.ndarray:
    """Which row of a draws file each of ``replicates`` replicates takes: a row drawn with
    replacement for each block of DRAW_BLOCK consecutive replicates."""
    stream = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, DRAWS_STREAM))
    blocks = -(-replicates // DRAW_BLOCK)
    rows = np.random.default_rng(stream).integers(0, draws, size=blocks)
    return np.repeat(rows, DRAW_BLOCK)[:replicates]


def drawn_values(scenario: Scenario, replicates: int, seed: np.random.SeedSequence, *,
                 exclude: Collection[str] = ()) -> ReplicateValues | None:
    """The drawn parameters of a chunk, without the paths in ``exclude`` (set otherwise)."""
    path = scenario.uncertainty.draws
    if path is None:
        return None
    draws = read_draws(path)
    keep = [j for j, p in enumerate(draws.paths) if p not in exclude]
    if not keep:
        return None
    rows = draw_rows(seed, replicates, len(draws))
    return ReplicateValues(tuple(draws.paths[j] for j in keep), draws.values[rows][:, keep],
                           rows)


def drawn_paths(scenario: Scenario) -> frozenset[str]:
    """Key paths each replicate takes from the scenario's draws file (``weights.social``,
    ...): setting them in the scenario changes nothing while the draws are on."""
    path = scenario.uncertainty.draws
    return frozenset() if path is None else frozenset(read_draws(path).paths)


def without_uncertainty(scenario: Scenario) -> Scenario:
    """The scenario at its point estimates: ``[uncertainty] means`` set, no draws."""
    if scenario.uncertainty.draws is None and not scenario.uncertainty.means:
        return scenario
    means = dict(scenario.uncertainty.means)
    if not means and scenario.uncertainty.draws is not None:
        means = read_draws(scenario.uncertainty.draws).means()
    fixed = with_values(scenario, means) if means else scenario
    data = fixed.model_dump(by_alias=True) | {"uncertainty": {}}
    return type(scenario).model_validate(data)
