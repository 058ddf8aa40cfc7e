"""Local worker processes: chunks of work on a pool started from a fork server.

Every pool here is an :func:`owned_pool`: its workers end when the process that started
them ends, however it ends. A worker is forked from the fork server, not from its owner,
and holds the server's and the resource tracker's pipes open; a worker left waiting for
work after ``kill -9`` of its owner would keep all three alive for good. (A parent-death
signal would not do: a worker's parent is the fork server, which lives as long as any
worker does.) So each worker watches its owner; once the workers are gone, the fork server
and the resource tracker see their pipes close and end too.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import multiprocessing as mp
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from multiprocessing.context import BaseContext
from types import FrameType
from typing import Any, TypeVar

__all__ = ["ProcessExecutor", "end_with", "owned_pool", "signals_deferred", "stop_pool",
           "usable_cores", "wait_first", "wait_for_server", "warm_context", "worker_context"]

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


def usable_cores() -> int:
    """The cores this process may run on (its affinity on Linux, else all of them)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def warm_context(*preload: str) -> BaseContext:
    """:func:`worker_context`, with the fork server started now: it imports ``preload`` in
    the background while this process goes on, so the first worker forks ready to work."""
    context = worker_context(*preload)
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
    return context


def _nothing() -> None:
    """What the process :func:`wait_for_server` forks does."""


def wait_for_server(context: BaseContext) -> None:
    """Return once the fork server of ``context`` has imported its modules and forks.

    A pool forks its first worker inside ``submit``, which waits for the server while it
    holds the pool's lock and, in :func:`owned_pool`, Ctrl-C and SIGTERM. A throwaway
    process forked first takes that wait, holding nothing, so a command stopped meanwhile
    ends at once. Without a fork server there is nothing to wait for.
    """
    if context.get_start_method() != "forkserver":
        return
    probe = context.Process(target=_nothing, name="recsim-server-probe", daemon=True)
    probe.start()  # returns once the server has forked it: its imports are done
    probe.join()


def end_with(owner: int) -> None:
    """End this process when process ``owner`` ends, even if it is killed outright.

    Watched through a pidfd where there is one (Linux), else by asking every second whether
    ``owner`` still exists, in a daemon thread either way.
    """
    try:
        handle = os.pidfd_open(owner)
    except ProcessLookupError:  # gone already
        os._exit(0)
    except (AttributeError, OSError):  # no pidfd here
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while _exists(owner):
                time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="end-with-owner", daemon=True).start()


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


def _start_worker(owner: int, then: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    """A worker's first act: leave Ctrl-C to its owner (which stops the pool; a worker
    interrupted too would print a traceback), end with the owner, then ``then(*args)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with(owner)
    if then is not None:
        then(*args)


_HELD = (signal.SIGINT, signal.SIGTERM)


class _OwnedPool(cf.ProcessPoolExecutor):
    """Ctrl-C or SIGTERM waits while work is submitted: submitting may start a worker, and
    one stopped halfway would be started but unknown to the pool, so neither killed nor
    waited for (it then prints a traceback, failing to find the queues it was to use)."""

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> cf.Future[R]:
        with signals_deferred():
            return super().submit(fn, *args, **kwargs)


@contextlib.contextmanager
def signals_deferred() -> Iterator[Callable[[], None]]:
    """Ctrl-C and SIGTERM, as this process handles them, wait within the block: for the
    ``check()`` it yields, or the block's end. Signals run their Python handlers in the main
    thread only; elsewhere, and for a signal ignored, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    pending: list[int] = []
    deferred = {number: handler for number in _HELD
                if callable(handler := signal.getsignal(number))}

    def hold(number: int, frame: FrameType | None) -> None:
        pending.append(number)

    for number in deferred:
        signal.signal(number, hold)

    def check() -> None:
        if not pending:
            return
        restore()  # a handler run now may set its own (SIGTERM's ignores a second one)
        while pending:
            number = pending.pop(0)
            deferred[number](number, None)
        for number, handler in deferred.items():  # they returned: hold again what they kept
            if signal.getsignal(number) is handler:
                signal.signal(number, hold)

    def restore() -> None:
        for number, handler in deferred.items():
            if signal.getsignal(number) is hold:
                signal.signal(number, handler)

    try:
        yield check
    finally:
        check()
        restore()


_SIGNAL_POLL_S = 0.1  # how long a deferred Ctrl-C or SIGTERM may wait in wait_first


def wait_first(futures: Collection[cf.Future[Any]]) -> set[cf.Future[Any]]:
    """Wait for at least one of ``futures`` to finish; return those that have.

    Ctrl-C and SIGTERM are raised here only between waits, never inside
    ``concurrent.futures.wait``: that takes the futures' locks one by one, and an exception
    raised between two of them leaves the first held for good (as CPython 3.11 has it). The
    pool's thread then hangs setting a result, and the command's clean-up hangs joining it.
    A signal waits at most ``_SIGNAL_POLL_S``.
    """
    with signals_deferred() as check:
        while True:
            finished, _ = cf.wait(futures, timeout=_SIGNAL_POLL_S,
                                  return_when=cf.FIRST_COMPLETED)
            if finished:
                return finished
            check()


def owned_pool(workers: int, context: BaseContext, initializer: Callable[..., None] | None = None,
               initargs: tuple[Any, ...] = ()) -> cf.ProcessPoolExecutor:
    """A process pool whose workers ignore Ctrl-C and end when this process ends; each then
    runs ``initializer(*initargs)``, as ``ProcessPoolExecutor`` would."""
    return _OwnedPool(workers, mp_context=context, initializer=_start_worker,
                      initargs=(os.getpid(), initializer, initargs))


def stop_pool(pool: cf.ProcessPoolExecutor, *, wait: bool = True) -> None:
    """Shut ``pool`` down; with ``wait=False`` (the command is being stopped) its workers
    are killed at once rather than finishing the chunks they hold."""
    if not wait:
        _kill_workers(pool)
    pool.shutdown(wait=True, cancel_futures=True)


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Kill the workers, then close this process's end of the pipe they write results to:
    the pool's manager thread, perhaps reading a result a worker was killed writing, then
    sees the pipe end, declares the pool broken and closes the pipe of work to them, which
    frees its feeder thread if that was blocked writing work nobody reads. (Closing that
    one here too raced the manager thread closing it: one of the two got EBADF, and in its
    thread that printed a traceback. The attributes are private to ``concurrent.futures``,
    hence ``getattr``.)"""
    calls = getattr(pool, "_call_queue", None)
    if calls is not None:
        calls.cancel_join_thread()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=10)
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):  # closed already (EBADF) is as good
            writer.close()


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
        context = worker_context("sim.engine.ensemble")
        pool = owned_pool(self.workers, context)
        queue = iter(enumerate(items))
        futures: dict[cf.Future[Any], int] = {}
        complete = False
        try:
            wait_for_server(context)  # not within submit, where Ctrl-C waits
            while True:
                room = self.workers * self.window - len(futures)
                for index, item in itertools.islice(queue, room):
                    futures[pool.submit(fn, item)] = index
                if not futures:
                    complete = True
                    return
                for future in wait_first(futures):
                    yield futures.pop(future), future.result()
        finally:
            # stopped early (Ctrl-C, SIGTERM, an error): no chunk is worth finishing
            stop_pool(pool, wait=complete)
