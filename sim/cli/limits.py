"""Sizes a command may ask for: integer options' bounds, the workers the machine has, and
refusing a command whose memory estimate (sim/engine/memory.py) exceeds what is available.

Light on purpose, like ``common``: psutil and the estimates are imported when a command runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from .common import fail

if TYPE_CHECKING:
    from ..engine.memory import MemoryNeed
    from ..scenario.schema import Scenario

__all__ = [
    "ADVICE",
    "COUNT_MAX",
    "available_memory",
    "backtest_need",
    "batch_need",
    "cap_workers",
    "count_range",
    "refuse_if_too_big",
    "run_need",
    "study_workers",
]

COUNT_MAX = 10**9  # replicates, samples, draws or steps: far beyond any machine's memory


def count_range(low: int) -> click.IntRange:
    """A count option from ``low`` to :data:`COUNT_MAX`: a huge number is a usage error
    (exit status 2) rather than an overflow somewhere inside NumPy."""
    return click.IntRange(min=low, max=COUNT_MAX)


def cap_workers(workers: int, dask: str | None = None) -> int:
    """``workers``, but no more than the cores this process may use (with a note on
    stderr); a remote Dask cluster (``--dask ADDRESS``) has its own limits and is left be."""
    from ..engine.process import usable_cores

    cores = usable_cores()
    if workers <= cores or (dask is not None and dask != "local"):
        return workers
    plural = "s" * (cores > 1)
    click.echo(f"note: --workers {workers} is more than the {cores} core{plural} this "
               f"process can use; using {cores}", err=True)
    return cores


def available_memory() -> int:
    """Bytes of memory available to a new allocation without swapping: the machine's figure
    (psutil's if it is installed, else the kernel's MemAvailable, else the free physical
    pages), or less if a container's memory limit (cgroup) leaves less."""
    return min(_machine_memory(), _cgroup_room())


def _machine_memory() -> int:
    try:
        import psutil
    except ImportError:
        pass
    else:
        return int(psutil.virtual_memory().available)
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


# (limit, usage) files of the process's memory cgroup: version 2, then version 1
CGROUP_FILES = (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                 "/sys/fs/cgroup/memory/memory.usage_in_bytes"))


def _cgroup_room() -> int:
    """What a container's memory limit leaves, or a huge number where there is none (the
    files are absent, or say "max", or give v1's "no limit" of nearly 2**63)."""
    for limit_file, usage_file in CGROUP_FILES:
        try:
            with open(limit_file, encoding="ascii") as stream:
                limit = stream.read().strip()
            with open(usage_file, encoding="ascii") as stream:
                usage = int(stream.read().strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 2**60:
            return max(int(limit) - usage, 0)
    return 2**63


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if count < 1000 or unit == "PB":
            break
        count /= 1000
    return f"{count:,.1f} {unit}" if unit != "B" else f"{int(count)} B"


ADVICE = {
    "runs": "--runs",
    "workers": "--workers (each worker simulates a chunk of runs at a time) or --runs",
    "steps": "--max-steps",
    "draws": "--draws",
    "points": "the number of design points",
}


def refuse_if_too_big(need: MemoryNeed, **advice: str) -> None:
    """Stop in one line if ``need`` exceeds the memory available: the estimate, the
    machine's memory, and the option to lower (:data:`ADVICE`, or ``advice`` for a part
    that a command names differently)."""
    available = available_memory()
    if need.total <= available:
        return
    fail(f"this needs about {_size(need.total)} of memory, more than the "
         f"{_size(available)} available on this machine; lower "
         f"{(ADVICE | advice)[need.largest]}")


def run_need(scenario: Scenario, runs: int, workers: int, months: int | None = None
             ) -> MemoryNeed:
    """What ``recsim run`` (or ``forecast``) of ``scenario`` needs: its runs, and the same
    runs without its shocks when it has any (their effects)."""
    from ..engine.memory import ensemble_need, scenario_states

    return ensemble_need(scenario_states(scenario), months or scenario.months, runs,
                         workers=workers, copies=2 if scenario.shocks else 1)


def batch_need(scenarios: Sequence[Scenario], runs: int, workers: int) -> MemoryNeed:
    """``recsim batch``: every scenario's results are kept to the end; one simulates at a time."""
    from ..engine.memory import MemoryNeed

    needs = [run_need(scenario, runs, workers) for scenario in scenarios] or [
        MemoryNeed({"runs": 0, "workers": 0})]
    return MemoryNeed({"runs": sum(n.parts["runs"] for n in needs),
                       "workers": max(n.parts["workers"] for n in needs)})


def backtest_need(scenario: Scenario, parameters: int, tasks: Sequence[object], workers: int,
                  *, horizon: int, runs: int, max_steps: int) -> MemoryNeed:
    """``recsim backtest``: ``workers`` origins at a time, each a fit and ``runs`` runs."""
    from ..engine.memory import FIT_DRAWS, MemoryNeed, calibration_need

    one = run_need(scenario, runs, 1, horizon) + calibration_need(parameters, max_steps, FIT_DRAWS)
    active = max(1, min(workers, len(tasks)))
    return MemoryNeed({name: active * size for name, size in one.parts.items()})


def study_workers(scenario: Scenario, points: int, runs: int, parameters: int, *,
                  workers: int, dask: str | None, points_advice: str) -> int:
    """Check a sweep or sensitivity study before its design is built (a grid can hold
    10^12 points); return the workers to use."""
    from ..engine.memory import scenario_states, study_need
    from ..study.measures import outcome_catalogue
    from ..study.sweep import BLOCK

    workers = cap_workers(workers, dask)
    outcomes = outcome_catalogue(scenario)
    medians = sum(outcome.kind == "median" for outcome in outcomes)
    numbers = parameters + 1 + 2 * (len(outcomes) - medians) + medians * (scenario.months + 1)
    need = study_need(scenario_states(scenario), points, runs, numbers=numbers,
                      workers=workers, block=BLOCK)
    refuse_if_too_big(need, points=points_advice)
    return workers
