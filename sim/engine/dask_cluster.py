"""Chunks of work on a ``dask.distributed`` cluster (the optional ``dask`` extra)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

__all__ = ["DaskExecutor"]

T = TypeVar("T")
R = TypeVar("R")


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
