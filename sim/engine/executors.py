"""Executors run independent chunks of work and hand results back as they finish.

The ensemble and the studies only need ``map_unordered``; each backend is a class with that
one method, in a module of its own: :class:`SerialExecutor` here,
:class:`~sim.engine.process.ProcessExecutor` (local worker processes) and
:class:`~sim.engine.dask_cluster.DaskExecutor` (a Dask cluster). The model never knows which
one ran it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

from .process import ProcessExecutor

__all__ = ["Executor", "SerialExecutor", "make_executor"]

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` on every item; yields ``(index, result)`` in completion order."""

    def map_unordered(
        self, fn: Callable[[T], R], items: Sequence[T]
    ) -> Iterator[tuple[int, R]]:
        """``(index into items, fn(item))`` for every item, as each finishes."""
        ...


class SerialExecutor:
    """Everything in this process, in order: the reference and the default for one worker."""

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        for index, item in enumerate(items):
            yield index, fn(item)


def make_executor(workers: int = 1) -> Executor:
    """Serial for one worker, a process pool otherwise."""
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)
