"""Monte Carlo ensembles: fixed-size chunks of replicates, each seeded from one master seed.

Chunk ``c`` always gets child ``c`` of ``SeedSequence(seed)`` and always holds the same
replicates, so the result is identical whatever the executor or the number of workers.
A replicate may have its own parameter values: drawn from the scenario's posterior draws
(sim/engine/uncertainty.py) and, over those, values given for every run (the points of an
exploration). Each chunk carries its replicates' values to the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from ..model.mesa_core import mesa
from ..model.model import RecognitionModel
from ..model.parameters import ReplicateValues
from ..scenario.schema import Scenario
from .chunking import CHUNK_SIZE
from .executors import Executor, SerialExecutor
from .heap import keep_freed_memory
from .uncertainty import drawn_values

__all__ = ["CHUNK_SIZE", "ChunkTask", "EnsembleResult", "plan_chunks", "run_ensemble",
           "simulate_chunk"]


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of replicates: what a worker needs to simulate it."""

    scenario: Scenario
    replicates: int
    seed: np.random.SeedSequence
    values: ReplicateValues | None = None  # per-replicate parameters, one row each


@dataclass(frozen=True)
class EnsembleResult:
    """Per-replicate outcomes; arrays are indexed [state, run] or [month, run]."""

    state_ids: tuple[str, ...]
    final_level: np.ndarray  # (n, R) int8
    first_month: np.ndarray  # (3, n, R) int16: first month at rung >= 1, 2, 3; -1 never
    first_downgrade: np.ndarray  # (n, R) int16, -1 never
    de_jure: np.ndarray  # (months + 1, R) int32: de jure recognisers per month
    de_facto: np.ndarray  # (months + 1, R) int32: states at de facto or higher per month
    fired: np.ndarray = field(  # (k, 3) int32 rows: run, month, index of the shock that fired
        default_factory=lambda: np.zeros((0, 3), dtype=np.int32))
    draw_row: np.ndarray | None = None  # (R,) row of the draws file each run took, if any

    @property
    def runs(self) -> int:
        """Number of replicates."""
        return int(self.final_level.shape[1])

    @property
    def months(self) -> int:
        """Horizon in months (the counts also hold month 0)."""
        return int(self.de_jure.shape[0] - 1)

    @classmethod
    def from_model(cls, model: RecognitionModel,
                   draw_row: np.ndarray | None = None) -> EnsembleResult:
        """The outcomes of a model that has run to its horizon."""
        return cls(
            draw_row=draw_row,
            state_ids=model.state_ids,
            final_level=model.levels.copy(),
            first_month=model.first_month,
            first_downgrade=model.first_downgrade,
            de_jure=model.counts("de_jure"),
            de_facto=model.counts("de_facto"),
            fired=model.shocks.events(),
        )

    @classmethod
    def concat(cls, parts: Sequence[EnsembleResult]) -> EnsembleResult:
        """Join chunks along the run axis, in chunk order."""
        first = parts[0]
        offsets = np.cumsum([0] + [p.runs for p in parts[:-1]])
        return cls(
            state_ids=first.state_ids,
            final_level=np.concatenate([p.final_level for p in parts], axis=1),
            first_month=np.concatenate([p.first_month for p in parts], axis=2),
            first_downgrade=np.concatenate([p.first_downgrade for p in parts], axis=1),
            de_jure=np.concatenate([p.de_jure for p in parts], axis=1),
            de_facto=np.concatenate([p.de_facto for p in parts], axis=1),
            fired=np.concatenate([p.fired + np.array([o, 0, 0], dtype=np.int32)
                                  for p, o in zip(parts, offsets, strict=True)]),
            draw_row=None if any(p.draw_row is None for p in parts) else
            np.concatenate([p.draw_row for p in parts]),
        )


def simulate_chunk(task: ChunkTask) -> EnsembleResult:
    """Run one chunk of replicates to the scenario's horizon, on one BLAS thread.

    The monthly products are small: extra BLAS threads barely help, and on a busy machine
    (or beside other workers) their spin-waiting makes a chunk many times slower. Freed
    arrays are kept for reuse (sim/engine/heap.py).
    """
    keep_freed_memory()
    with threadpool_limits(limits=1, user_api="blas"):
        model = RecognitionModel(task.scenario, task.replicates, rng=task.seed,
                                 values=task.values)
        model.run()
    result = EnsembleResult.from_model(
        model, None if task.values is None else task.values.draw_row)
    _let_go(model)
    return result


def _let_go(model: mesa.Model) -> None:
    """Drop Mesa 3.3's class-level reference to ``model`` so that it can be freed.

    ``mesa.Agent._ids`` maps every model that ever made an agent to its id counter and is
    never cleared (mesa issue #3179, fixed upstream by moving the counter onto the model),
    so without this each chunk's model, with all its arrays, lives as long as the process.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)


def plan_chunks(
    scenario: Scenario, runs: int, seed: int, chunk_size: int = CHUNK_SIZE,
    values: ReplicateValues | None = None,
) -> list[ChunkTask]:
    """Cut ``runs`` replicates into chunks; chunk c is seeded by child c of the master seed.

    A chunk's replicates take the scenario's drawn parameters (if it names draws) and then
    ``values`` (one row per run) over them.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if values is not None and values.replicates != runs:
        raise ValueError(f"values has {values.replicates} rows for {runs} runs")
    n_chunks = -(-runs // chunk_size)
    seeds = np.random.SeedSequence(seed).spawn(n_chunks)
    tasks = []
    for c, child in enumerate(seeds):
        start = c * chunk_size
        size = min(chunk_size, runs - start)
        given = None if values is None else values.rows(start, start + size)
        drawn = drawn_values(scenario, size, child,
                             exclude=() if given is None else given.paths)
        tasks.append(ChunkTask(scenario, size, child, ReplicateValues.join([drawn, given])))
    return tasks


def run_ensemble(
    scenario: Scenario,
    runs: int,
    seed: int,
    *,
    executor: Executor | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    values: ReplicateValues | None = None,
) -> EnsembleResult:
    """Simulate ``runs`` replicates; ``progress`` is called with each finished chunk's size.

    ``values`` gives every run its own values of some parameters (one row per run).
    """
    tasks = plan_chunks(scenario, runs, seed, chunk_size, values)
    executor = executor or SerialExecutor()
    parts: list[EnsembleResult | None] = [None] * len(tasks)
    for index, part in executor.map_unordered(simulate_chunk, tasks):
        parts[index] = part
        if progress is not None:
            progress(tasks[index].replicates)
    return EnsembleResult.concat([p for p in parts if p is not None])
