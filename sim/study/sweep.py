"""Studies over many design points: each point a scenario variant, each run R times.

A study is a design (a matrix of parameter values, one row per design point; see
sim/design.py) applied to a base scenario. The work is cut into cells (one design point,
at most ``BLOCK`` replicates) and cells into chunks of about ``CHUNK_RUNS`` runs. Cell
(d, b) always draws from ``SeedSequence(seed, spawn_key=(1, d, b))``, and chunks depend
only on the plan, so the result is the same whatever the executor, the number of
workers, or how often the study was interrupted and resumed. Each chunk returns a
:class:`~sim.measures.Tally`; tallies are integer sums, so combining them is exact.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..engine.ensemble import ChunkTask, simulate_chunk
from ..engine.executors import Executor, SerialExecutor
from ..engine.uncertainty import drawn_values
from ..model.mesa_core import mesa
from ..model.parameters import ReplicateValues
from ..scenario.loading import scenario_hash
from ..scenario.params import is_integer_path, with_values
from ..scenario.schema import Scenario
from .measures import Outcome, Tally, estimates, outcome_catalogue, tally_runs

__all__ = [
    "ANALYSIS_STREAM",
    "BLOCK",
    "CHUNK_RUNS",
    "FORMAT",
    "StudyChunk",
    "StudyPlan",
    "combine",
    "run_study",
    "simulate_study_chunk",
    "stream_seed",
    "study_table",
]

BLOCK = 1000  # most replicates of one design point simulated in one model
CHUNK_RUNS = 4000  # runs per chunk, roughly: the unit of parallel work and of checkpoints
FORMAT = 2  # bump when chunk contents change meaning, so old checkpoints are refused

# Streams spawned from the master seed (spawn_key's first entry).
_DESIGN_STREAM = 0  # sampling of the design (SALib)
_SIMULATION_STREAM = 1  # replicates of every design point
ANALYSIS_STREAM = 2  # SALib's bootstrap of confidence intervals


def _file_hash(path: str | None) -> str | None:
    """SHA-256 of a file's bytes, so a resumed study notices draws that changed."""
    if path is None:
        return None
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def stream_seed(seed: int, stream: int = _DESIGN_STREAM) -> int:
    """A nonzero 32-bit seed for a library that wants an int, derived from the master seed."""
    state = np.random.SeedSequence(seed, spawn_key=(stream,)).generate_state(1)[0]
    return int(state) + 1


@dataclass(frozen=True)
class StudyChunk:
    """One unit of work: some cells, each a design point with a block of replicates."""

    scenario: Scenario
    paths: tuple[str, ...]
    values: np.ndarray  # (cells, k) parameter values
    replicates: tuple[int, ...]
    seeds: tuple[np.random.SeedSequence, ...]
    outcomes: tuple[Outcome, ...]
    width: int
    drawn: tuple[ReplicateValues | None, ...] = ()  # each cell's posterior draws, if any


def simulate_study_chunk(chunk: StudyChunk) -> Tally:
    """Simulate every cell of a chunk; one tally row per cell."""
    rows = []
    drawn = chunk.drawn or (None,) * len(chunk.replicates)
    for values, replicates, seed, draws in zip(chunk.values, chunk.replicates, chunk.seeds,
                                               drawn, strict=True):
        scenario = with_values(chunk.scenario, dict(zip(chunk.paths, values, strict=True)))
        with _forget_finished_models():
            result = simulate_chunk(ChunkTask(scenario, replicates, seed, draws))
        rows.append(tally_runs(result, scenario, chunk.outcomes, chunk.width))
    return Tally(*(np.concatenate(parts) for parts in zip(
        *((t.runs, t.sums, t.squares, t.months) for t in rows), strict=True)))


@contextlib.contextmanager
def _forget_finished_models() -> Iterator[None]:
    """Let the models made inside the block be freed once it ends.

    Mesa 3.3 keeps every model that ever created an agent in the class-level id counter
    ``mesa.Agent._ids`` (mesa issue #3179), so a worker simulating thousands of design
    points would otherwise keep every model alive (about 0.5 MB each for the baseline).
    """
    ids = getattr(mesa.Agent, "_ids", None)
    before = set(ids) if isinstance(ids, dict) else set()
    try:
        yield
    finally:
        if isinstance(ids, dict):
            for model in set(ids) - before:
                ids.pop(model, None)


@dataclass(frozen=True)
class StudyPlan:
    """A base scenario, a design over some of its parameters, and how to run it."""

    scenario: Scenario
    paths: tuple[str, ...]
    design: np.ndarray  # (points, k) values as set in the scenario
    runs: int
    seed: int
    kind: str = "sweep"  # recorded in the fingerprint: 'sweep', 'sobol', 'morris'
    settings: Mapping[str, object] = field(default_factory=dict)  # method options, recorded
    block: int = BLOCK
    chunk_runs: int = CHUNK_RUNS

    def __post_init__(self) -> None:
        if self.runs < 1:
            raise ValueError("runs must be at least 1")
        if self.design.ndim != 2 or self.design.shape[1] != len(self.paths):
            raise ValueError("design must have one column per path")

    @property
    def points(self) -> int:
        return int(self.design.shape[0])

    @cached_property
    def outcomes(self) -> tuple[Outcome, ...]:
        return outcome_catalogue(self.scenario)

    @cached_property
    def width(self) -> int:
        """Histogram width for month outcomes: one more than the longest horizon."""
        horizon = self.scenario.months
        if "months" in self.paths:
            horizon = max(horizon, int(np.max(self.design[:, self.paths.index("months")])))
        return horizon + 1

    @cached_property
    def cells(self) -> list[tuple[int, int, int]]:
        """(design point, block, replicates) for every cell, point-major."""
        blocks = -(-self.runs // self.block)
        return [(d, b, min(self.block, self.runs - b * self.block))
                for d in range(self.points) for b in range(blocks)]

    @cached_property
    def chunk_cells(self) -> list[list[int]]:
        """Cell indices of each chunk: consecutive cells of about ``chunk_runs`` runs."""
        per_chunk = max(1, self.chunk_runs // min(self.runs, self.block))
        n = len(self.cells)
        return [list(range(start, min(start + per_chunk, n))) for start in range(0, n, per_chunk)]

    def chunk_runs_of(self, index: int) -> int:
        """Runs simulated by chunk ``index``."""
        return sum(self.cells[c][2] for c in self.chunk_cells[index])

    def point_scenario(self, point: int) -> Scenario:
        """The validated scenario of one design point (or :class:`~sim.loading.ScenarioError`)."""
        return with_values(self.scenario, dict(zip(self.paths, self.design[point], strict=True)))

    def check_points(self) -> None:
        """Raise :class:`~sim.loading.ScenarioError` for the first design point that is not
        a valid scenario (values valid alone can clash, e.g. a low bound above a high one),
        so that a study fails before it starts rather than halfway."""
        for point in range(self.points):
            self.point_scenario(point)

    def chunk(self, index: int) -> StudyChunk:
        """The work of chunk ``index``; a cell's posterior draws (if the scenario names any)
        are picked here, from the cell's seed, for every parameter the design does not set."""
        cells = [self.cells[c] for c in self.chunk_cells[index]]
        seeds = tuple(np.random.SeedSequence(self.seed, spawn_key=(_SIMULATION_STREAM, d, b))
                      for d, b, _ in cells)
        drawn = tuple(drawn_values(self.scenario, r, seed, exclude=self.paths)
                      for (_, _, r), seed in zip(cells, seeds, strict=True))
        return StudyChunk(
            scenario=self.scenario,
            paths=self.paths,
            values=self.design[[d for d, _, _ in cells]],
            replicates=tuple(r for _, _, r in cells),
            seeds=seeds,
            outcomes=self.outcomes,
            width=self.width,
            drawn=drawn,
        )

    def chunk_points(self, index: int) -> np.ndarray:
        """Design point of each cell of chunk ``index``: its rows in the study's tally."""
        return np.array([self.cells[c][0] for c in self.chunk_cells[index]], dtype=np.int64)

    def describe(self) -> dict[str, object]:
        """Everything that decides the result, as plain data (what a resume must match)."""
        return {
            "format": FORMAT,
            "kind": self.kind,
            "scenario_sha256": scenario_hash(self.scenario),
            "parameters": list(self.paths),
            "design_sha256": hashlib.sha256(
                np.ascontiguousarray(self.design, dtype="<f8").tobytes()).hexdigest(),
            "points": self.points,
            "runs": self.runs,
            "seed": self.seed,
            "draws_sha256": _file_hash(self.scenario.uncertainty.draws),
            "settings": dict(self.settings),
            "block": self.block,
            "chunk_runs": self.chunk_runs,
            "outcomes": [o.name for o in self.outcomes],
        }

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`describe`: equal exactly when two plans give the same result."""
        text = json.dumps(self.describe(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def empty_tally(self) -> Tally:
        """A zero tally with one row per design point."""
        n_mean = sum(o.kind == "mean" for o in self.outcomes)
        return Tally.zeros(self.points, n_mean, len(self.outcomes) - n_mean, self.width)


def run_study(
    plan: StudyPlan,
    *,
    executor: Executor | None = None,
    done: Mapping[int, Tally] | None = None,
    on_chunk: Callable[[int, Tally], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Tally:
    """Simulate the chunks not in ``done``; return one tally row per design point.

    ``on_chunk(index, tally)`` is called as each chunk finishes (to checkpoint it) and
    ``progress`` with its number of runs.
    """
    done = dict(done or {})
    todo = [i for i in range(len(plan.chunk_cells)) if i not in done]
    executor = executor or SerialExecutor()
    results: dict[int, Tally] = dict(done)
    tasks = _LazyChunks(plan, todo)
    for position, tally in executor.map_unordered(simulate_study_chunk, tasks):
        index = todo[position]
        results[index] = tally
        if on_chunk is not None:
            on_chunk(index, tally)
        if progress is not None:
            progress(plan.chunk_runs_of(index))
    return combine(plan, results.items())


def combine(plan: StudyPlan, chunks: Iterable[tuple[int, Tally]]) -> Tally:
    """Sum chunk tallies into one row per design point."""
    total = plan.empty_tally()
    for index, tally in chunks:
        tally.add_into(total, plan.chunk_points(index))
    return total


class _LazyChunks(Sequence[StudyChunk]):
    """Chunks built on demand, so a large plan never holds every chunk at once."""

    def __init__(self, plan: StudyPlan, indices: list[int]) -> None:
        self.plan = plan
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, position: int | slice) -> Any:  # a chunk, or a list for a slice
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        return self.plan.chunk(self.indices[position])


def study_table(plan: StudyPlan, tally: Tally) -> pd.DataFrame:
    """One row per design point: its parameter values, runs, then each outcome and its
    Monte Carlo standard error (``<outcome>_se``)."""
    values, errors = estimates(tally, plan.outcomes)
    columns: dict[str, object] = {"point": np.arange(plan.points)}
    for j, path in enumerate(plan.paths):
        column = plan.design[:, j]
        integral = is_integer_path(plan.scenario, path)
        columns[path] = column.astype(np.int64) if integral else column
    columns["runs"] = tally.runs
    for j, outcome in enumerate(plan.outcomes):
        columns[outcome.name] = values[:, j]
        columns[f"{outcome.name}_se"] = errors[:, j]
    return pd.DataFrame(columns)
