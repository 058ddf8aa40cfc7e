"""The drawing workers: a pool of processes that import matplotlib ahead of the figures.

A :class:`Renderer` draws each figure in a pool of worker processes forked from a server
that imports matplotlib while the command is still simulating: drawing costs no start-up on
the critical path and uses every core, and the command's own process never imports
matplotlib. A module of its own, importing neither pandas nor the results readers, so a
command can start the server before it imports anything heavy (sim/cli/drawing.py says
what is drawn).
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from multiprocessing.context import BaseContext
from typing import Any

__all__ = ["Renderer"]

_MOST_DRAW_WORKERS = 4


def _draw(job: tuple[str, str, Any, tuple[str, ...]]) -> dict[str, bytes]:
    """Draw one figure (in a worker, where the fork server has imported sim.cli.render)."""
    from .render import draw_job

    return draw_job(job)


def _ready() -> None:
    """A worker's first job: nothing; submitting it is what forks the worker."""


def _draw_workers() -> int:
    """Worker processes for drawing: the cores this process may use, at most four."""
    from ..engine.process import usable_cores

    return min(usable_cores(), _MOST_DRAW_WORKERS)


class Renderer:
    """Draws figures in worker processes (or in this one, given one worker or one core).

    Create it early: the workers' server starts importing matplotlib at once, in the
    background, while this process goes on simulating, and a thread of this process forks
    the workers as soon as the server is ready. When the command also simulates in worker
    processes, set ``simulating`` so the same server imports the engine too.
    """

    def __init__(self, workers: int | None = None, *, simulating: bool = False) -> None:
        self.workers = _draw_workers() if workers is None else workers
        self._pool: cf.ProcessPoolExecutor | None = None
        self._started = threading.Event()
        if self.workers > 1:
            from ..engine.process import owned_pool, warm_context

            engine = ("sim.engine.ensemble",) if simulating else ()
            context = warm_context("sim.cli.render", *engine)
            self._pool = owned_pool(self.workers, context)  # its workers end with us
            if context.get_start_method() == "forkserver":  # spawning does not wait
                threading.Thread(target=self._start_workers, args=(self._pool, context),
                                 daemon=True, name="recsim-drawing-workers").start()

    def _start_workers(self, pool: cf.ProcessPoolExecutor, context: BaseContext) -> None:
        """Fork every worker once the server has imported what they need, in a thread of
        its own, so only that thread waits for the server; and not inside the pool's
        ``submit``, which holds the pool's lock, needed at once by a command being stopped
        (:func:`~sim.engine.process.wait_for_server`)."""
        from ..engine.process import wait_for_server

        try:
            wait_for_server(context)
            for _ in range(self.workers):
                pool.submit(_ready)
        except Exception:  # a pool shut down meanwhile, say: nothing left to start
            return
        self._started.set()

    @property
    def workers_ready(self) -> bool:
        """Whether the drawing workers are up (never, drawing in this process or without a
        fork server): a figure submitted now starts at once, and submitting it does not
        wait for the server."""
        return self._started.is_set()

    def submit(self, kind: str, name: str, data: Any,
               formats: tuple[str, ...]) -> cf.Future[dict[str, bytes]]:
        """Draw figure ``name`` of job ``kind`` (``run``, ``batch`` or ``early``: see
        ``sim.cli.render.draw_job``) from ``data``, in the background."""
        job = (kind, name, data, formats)
        if self._pool is not None:
            return self._pool.submit(_draw, job)
        future: cf.Future[dict[str, bytes]] = cf.Future()
        try:
            future.set_result(_draw(job))
        except Exception as exc:  # handed to whoever waits, as a pool would
            future.set_exception(exc)
        return future

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers; figures not yet drawn are dropped, and with ``wait=False`` (the
        command is being stopped) so are those being drawn."""
        if self._pool is not None:
            from ..engine.process import stop_pool

            stop_pool(self._pool, wait=wait)
            self._pool = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(wait=kind is None)
