"""Executors run independent chunks of work and hand results back as they finish.

The ensemble and the sweeps only need ``map_unordered``; a new backend (Dask, say) is a
new class with that one method, and the model never knows which one ran it.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.context import BaseContext
from typing import Any, Protocol, TypeVar

__all__ = ["Executor", "ProcessExecutor", "SerialExecutor", "make_executor"]

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` on every item; yields ``(index, result)`` in completion order."""

    def map_unordered(
        self, fn: Callable[[T], R], items: Sequence[T]
    ) -> Iterator[tuple[int, R]]: ...


class SerialExecutor:
    """Everything in this process, in order: the reference and the default for one worker."""

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        for index, item in enumerate(items):
            yield index, fn(item)


def _worker_context() -> BaseContext:
    """How worker processes start, named here rather than taken from the global default.

    Importing ``mesa`` forces the global start method to "spawn" (mesa/batchrunner.py), and
    spawned workers re-import everything: about two seconds before the first chunk. A fork
    server imports the simulation once and forks each worker from that clean process, which
    is fast and, unlike a plain fork, safe in a parent that runs threads.
    """
    if "forkserver" not in mp.get_all_start_methods():  # Windows
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["sim.ensemble"])
    return context


class ProcessExecutor:
    """A local pool of worker processes."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        with cf.ProcessPoolExecutor(max_workers=self.workers,
                                    mp_context=_worker_context()) as pool:
            futures: dict[cf.Future[Any], int] = {
                pool.submit(fn, item): index for index, item in enumerate(items)
            }
            try:
                for future in cf.as_completed(futures):
                    yield futures[future], future.result()
            finally:
                for future in futures:
                    future.cancel()


def make_executor(workers: int = 1) -> Executor:
    """Serial for one worker, a process pool otherwise."""
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)
