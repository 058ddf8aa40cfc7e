"""Executors run independent chunks of work and hand results back as they finish.

The ensemble and the sweeps only need ``map_unordered``; a new backend (Dask, say) is a
new class with that one method, and the model never knows which one ran it.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.context import BaseContext
from typing import Any, Protocol, TypeVar

__all__ = ["DaskExecutor", "Executor", "ProcessExecutor", "SerialExecutor", "make_executor"]

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
                                    mp_context=_worker_context()) as pool:
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


class DaskExecutor:
    """Chunks on a ``dask.distributed`` cluster: an existing scheduler, or a local one.

    ``DaskExecutor("tcp://host:8786")`` connects to a running scheduler (its workers need
    recsim installed, and any edge-list file a scenario names at the same path);
    ``DaskExecutor("local", workers=2)`` starts a LocalCluster bound to 127.0.0.1 only.
    Close it (or use it as a context manager) to release the cluster. Dask is an optional
    extra: ``pip install 'recsim[dask]'``.
    """

    def __init__(self, address: str = "local", *, workers: int = 1, processes: bool = True,
                 window: int = 4, timeout: float = 10.0) -> None:
        distributed = _import_distributed()
        self.window = window
        self._cluster = None
        if address == "local":
            # Worker processes talk over TCP on loopback only; threads talk in-process.
            where = {"host": "127.0.0.1"} if processes else {}
            self._cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=processes,
                dashboard_address=None, **where,
            )
            self._client = distributed.Client(self._cluster)
        else:
            try:
                self._client = distributed.Client(address, timeout=f"{timeout}s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ConnectionError(
                    f"cannot reach the Dask scheduler at {address!r}: {exc}") from None
        self._as_completed = distributed.as_completed

    @property
    def workers(self) -> int:
        """Workers the scheduler knows of now (at least 1, so work is always submitted)."""
        return max(1, len(self._client.scheduler_info().get("workers", {})))

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        queue = iter(enumerate(items))
        futures: dict[Any, int] = {}
        completed = self._as_completed()

        def submit() -> None:
            room = max(1, self.workers * self.window - len(futures))
            for index, item in itertools.islice(queue, room):
                future = self._client.submit(fn, item, pure=False)
                futures[future] = index
                completed.add(future)

        try:
            submit()
            for future in completed:
                index = futures.pop(future)
                result = future.result()
                submit()
                yield index, result
        finally:
            if futures:
                self._client.cancel(list(futures))

    def close(self) -> None:
        """Disconnect, and shut down the local cluster if this executor started one."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _import_distributed() -> Any:
    try:
        import dask.distributed as distributed
    except ImportError:
        raise ImportError(
            "Dask is not installed: install the extra with pip install 'recsim[dask]' "
            "(or pip install 'dask[distributed]')") from None
    return distributed


def make_executor(workers: int = 1) -> Executor:
    """Serial for one worker, a process pool otherwise."""
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)
