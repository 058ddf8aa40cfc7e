"""Local worker processes: chunks of work on a pool started from a fork server."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

__all__ = ["ProcessExecutor", "warm_context", "worker_context"]

T = TypeVar("T")
R = TypeVar("R")

# Modules the fork server imports before forking any worker; only ever added to, since the
# server is one per process and starts with the list as it stands then.
_PRELOAD: list[str] = []


def worker_context(*preload: str) -> BaseContext:
    """How worker processes start, named here rather than taken from the global default.

    Importing ``mesa`` forces the global start method to "spawn" (mesa/batchrunner.py), and
    spawned workers re-import everything: about two seconds before the first chunk. A fork
    server imports the simulation once and forks each worker from that clean process, which
    is fast and, unlike a plain fork, safe in a parent that runs threads. ``preload`` names
    more modules for the server to import (by name: nothing is imported here).
    """
    if "forkserver" not in mp.get_all_start_methods():  # Windows
        return mp.get_context("spawn")
    _PRELOAD.extend(name for name in preload if name not in _PRELOAD)
    context = mp.get_context("forkserver")
    context.set_forkserver_preload([*_PRELOAD, "sim.engine.worker_start"])
    return context


def warm_context(*preload: str) -> BaseContext:
    """:func:`worker_context`, with the fork server started now: it imports ``preload`` in
    the background while this process goes on, so the first worker forks ready to work."""
    context = worker_context(*preload)
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
    return context


class ProcessExecutor:
    """A local pool of worker processes.

    At most ``window`` items per worker are in flight, so a study of many chunks never
    holds them all (pickled) in memory at once.
    """

    def __init__(self, workers: int, window: int = 4) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.window = window

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        with cf.ProcessPoolExecutor(max_workers=self.workers,
                                    mp_context=worker_context("sim.engine.ensemble")) as pool:
            queue = iter(enumerate(items))
            futures: dict[cf.Future[Any], int] = {}
            try:
                while True:
                    room = self.workers * self.window - len(futures)
                    for index, item in itertools.islice(queue, room):
                        futures[pool.submit(fn, item)] = index
                    if not futures:
                        return
                    finished, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
                    for future in finished:
                        yield futures.pop(future), future.result()
            finally:
                for future in futures:
                    future.cancel()
