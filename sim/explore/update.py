"""One update of the page's views after a change: the numbers first, then each figure.

:func:`updates` is what the page runs on every valid change and what
``benchmarks/explore.py`` times: the tables come from :func:`~sim.explore.compute.compute_numbers`
(the edited and unmodified scenarios, same seed and runs), the figures from
:mod:`sim.explore.figures`, drawn in parallel. Each step yields the views so far, so the
numbers show at once and each figure as soon as it is drawn.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .compute import Numbers, Request, compute_numbers
from .figures import FigurePool, figure_jobs

__all__ = ["Update", "updates"]

_numbers_lock = threading.Lock()  # one ensemble at a time: the machine has few cores
_POLL_SECONDS = 0.05


@dataclass(frozen=True, eq=False)
class Update:
    """The views computed so far for one request; ``seconds`` since the change, per view."""

    numbers: Numbers
    images: dict[str, bytes] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    expected: tuple[str, ...] = ()  # every figure this request will draw

    @property
    def complete(self) -> bool:
        """Whether every figure has been drawn."""
        return set(self.expected) <= set(self.images)


def updates(request: Request, pool: FigurePool,
            is_current: Callable[[], bool] = lambda: True) -> Iterator[Update]:
    """Compute ``request``'s views; stop early once ``is_current()`` turns false (a newer
    change has come in), dropping figures not yet started."""
    started = time.perf_counter()
    with _numbers_lock:
        if not is_current():
            return
        numbers = compute_numbers(request)
    jobs = figure_jobs(numbers)
    seconds = {"numbers": time.perf_counter() - started}
    update = Update(numbers, {}, dict(seconds), tuple(jobs))
    yield update
    if not is_current():
        return
    futures = {pool.submit(job): name for name, job in jobs.items()}
    images: dict[str, bytes] = {}
    try:
        while len(images) < len(futures):
            # wake often: a newer change must free the pool of this one's figures at once,
            # or a slider's drag would queue the figures of every position it passed
            done, _ = cf.wait([f for f in futures if futures[f] not in images],
                              timeout=_POLL_SECONDS, return_when=cf.FIRST_COMPLETED)
            if not is_current():
                return
            for future in done:
                name = futures[future]
                images[name] = future.result()
                seconds[name] = time.perf_counter() - started
                yield Update(numbers, dict(images), dict(seconds), tuple(jobs))
    finally:
        for future in futures:
            future.cancel()
