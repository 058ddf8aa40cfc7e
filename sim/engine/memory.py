"""How much memory a command will need, estimated from its sizes before it allocates anything.

The dominant arrays are known from a handful of numbers (states, months, replicates, design
points, sampler steps), so a command too large for the machine can be refused at once
instead of failing with a MemoryError, or an allocation of terabytes, minutes later. The
byte counts are measured (tracemalloc: 120 to 150 bytes per state and replicate of a chunk
being simulated, for 5,000 to 20,000 states and either rule; the peak resident memory of
whole runs of 1 to 20 states for the rest) and rounded up.
Each estimate names its parts, so the refusal can say which option to lower.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario.schema import Scenario
from .chunking import CHUNK_SIZE

__all__ = ["BASE_BYTES", "FIT_DRAWS", "MemoryNeed", "calibration_need", "ensemble_need",
           "scenario_states", "study_need"]

WORKING_BYTES = 160  # per state and replicate of a chunk being simulated
# per state and finished replicate: outcomes, their join, the tables and their Parquet
# encoding (a whole `recsim run` of 20 states measured 133)
KEPT_BYTES = 150
MONTH_BYTES = 20  # per month and finished replicate: two counts, their join, the curve's
BASE_BYTES = 350 * 10**6  # the interpreter, NumPy, pandas, Mesa and matplotlib, loaded
CELL_BYTES = 200  # per (design point, block) cell of a study: its bookkeeping in Python
NUMBER_BYTES = 8 * 4  # per number a study keeps per point: tally, checkpoint, table, copy
FIT_DRAWS = 1000  # posterior draws a forecast's or backtest's fit keeps (sim/calibrate/fit.py)


@dataclass(frozen=True)
class MemoryNeed:
    """Estimated peak bytes, split by what drives them (``runs``, ``workers``, ...)."""

    parts: dict[str, int]

    @property
    def total(self) -> int:
        """All parts, and the libraries every command loads."""
        return BASE_BYTES + sum(self.parts.values())

    @property
    def largest(self) -> str:
        """The part that dominates: the option to lower first."""
        return max(self.parts, key=lambda name: self.parts[name])

    def __add__(self, other: MemoryNeed) -> MemoryNeed:
        names = self.parts.keys() | other.parts.keys()
        return MemoryNeed({n: self.parts.get(n, 0) + other.parts.get(n, 0) for n in names})


def scenario_states(scenario: Scenario) -> int:
    """How many states a run simulates (a population's roster is built, and cached, at load)."""
    if scenario.population is None and scenario.network.edges is None:
        return len(scenario.states)
    from ..scenario.roster import roster_of

    return len(roster_of(scenario))


def ensemble_need(states: int, months: int, runs: int, *, workers: int = 1,
                  copies: int = 1, chunk: int = CHUNK_SIZE) -> MemoryNeed:
    """``runs`` replicates in chunks of ``chunk``, ``workers`` chunks at a time; ``copies``
    ensembles kept (two with the no-shock counterfactual)."""
    chunks = -(-runs // chunk)
    return MemoryNeed({
        "runs": copies * runs * (states * KEPT_BYTES + (months + 1) * MONTH_BYTES),
        "workers": min(workers, chunks) * min(runs, chunk) * states * WORKING_BYTES,
    })


def study_need(states: int, points: int, runs: int, *, numbers: int, workers: int = 1,
               block: int = 1000) -> MemoryNeed:
    """A study of ``points`` design points with ``runs`` replicates each, keeping
    ``numbers`` numbers per point, simulating at most ``block`` replicates of a point in one
    model and ``workers`` models at a time."""
    blocks = -(-runs // block)
    return MemoryNeed({
        "points": points * (numbers * NUMBER_BYTES + blocks * CELL_BYTES),
        "workers": workers * min(runs, block) * states * WORKING_BYTES,
    })


def calibration_need(parameters: int, steps: int, draws: int) -> MemoryNeed:
    """An emcee fit: every walker's position and log-probability at every step, then the
    draws kept (walkers as in :mod:`sim.calibrate.fit`)."""
    walkers = max(32, 4 * parameters) + 1
    return MemoryNeed({"steps": 2 * walkers * steps * (parameters + 1) * 8,
                       "draws": 4 * draws * parameters * 8})
