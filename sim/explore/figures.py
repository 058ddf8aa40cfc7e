"""The explorer's figures as PNG bytes, drawn by the plot functions the reports use.

Each view is one function of :mod:`sim.plots` called on the tables of
:mod:`sim.explore.compute`: the cascade curve (:func:`~sim.plots.cascade_figure`, with
the unmodified scenario's mean de jure curve added for comparison), the per-state bars
(:func:`~sim.plots.de_jure_bars_figure`) and the map (:func:`~sim.plots.map_figure`).
Figures are drawn in a small pool of worker processes (:class:`FigurePool`), started from
a fork server that has imported matplotlib, so the three draw at once and the page's
server never waits on matplotlib, which is not thread-safe.
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import threading
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..plots import cascade_figure, de_jure_bars_figure, map_figure
from ..results.selection import can_map
from .compute import Numbers

__all__ = ["DPI", "FigureJob", "FigurePool", "close_shared_pool", "draw_png", "figure_jobs",
           "shared_pool"]

DPI = 110
FigureJob = tuple[str, dict[str, Any]]  # (view name, what its plot function needs)
_MOST_WORKERS = 3  # one per figure
_draw_lock = threading.Lock()  # pyplot's figure registry is global: one drawing at a time
_shared: FigurePool | None = None
_shared_lock = threading.Lock()


def figure_jobs(numbers: Numbers) -> dict[str, FigureJob]:
    """What each view needs, slowest first: the map (if the roster has places), the
    cascade curve and the per-state bars."""
    request = numbers.request
    scenario = request.scenario
    edited = numbers.edited is not numbers.reference  # compute_numbers shares it if unedited
    title = f"{scenario.name} (edited)" if edited else scenario.name
    jobs: dict[str, FigureJob] = {}
    if can_map(scenario):
        jobs["map"] = ("map", {"scenario": scenario, "summary": numbers.edited.summary,
                               "title": title})
    jobs["cascade"] = ("cascade", {
        "curve": numbers.edited.curve, "reference": numbers.reference.curve if edited else None,
        "title": title, "n_states": len(numbers.edited.summary), "runs": request.runs})
    jobs["states"] = ("states", {
        "summary": numbers.edited.summary, "reference": numbers.reference.summary,
        "scenario": scenario, "title": title})
    return jobs


def _cascade(curve: Any, reference: Any, title: str, n_states: int, runs: int) -> Figure:
    fig = cascade_figure(curve, title=title, n_states=n_states, runs=runs)
    fig.set_size_inches(6.0, 4.1)
    if reference is not None:  # the unmodified scenario's mean, to see what the edit changed
        ax = fig.axes[0]
        dates = ax.lines[0].get_xdata()
        ax.plot(dates, reference["de_jure_mean"], color="#C44E52", linewidth=1.4,
                linestyle=(0, (4, 3)), label="De jure recognition: mean, unmodified")
        ax.legend(loc="upper left", frameon=False, fontsize=8.5)
    return fig


def _draw(name: str, data: dict[str, Any]) -> Figure:
    if name == "cascade":
        return _cascade(**data)
    if name == "states":
        return de_jure_bars_figure(data["summary"], data["reference"], data["scenario"],
                                   title=data["title"])
    if name == "map":
        return map_figure(data["scenario"], data["summary"], title=data["title"])
    raise ValueError(f"unknown view {name!r}")


def warm_up() -> None:
    """Draw every view once on a small made-up scenario, so that the first real drawing
    does not pay for loading fonts and caching text layouts (tenths of a second each)."""
    from ..scenario.loading import scenario_from_dict
    from .compute import Request, compute_numbers

    states = {s: {"name": s, "lat": lat, "lon": lon, "central_asia": lat > 38}
              for s, lat, lon in (("AAA", 41.3, 69.2), ("BBB", 39.9, 116.4), ("CCC", 33.7, 73.0))}
    scenario = scenario_from_dict({"name": "warm_up", "months": 12, "states": states,
                                   "ties": [{"from": "AAA", "to": "BBB"}]})
    numbers = compute_numbers(Request(scenario, scenario, 20, 1))
    for job in figure_jobs(numbers).values():
        draw_png(job)


def draw_png(job: FigureJob) -> bytes:
    """Draw one view and encode it as PNG; the figure is closed afterwards."""
    name, data = job
    with _draw_lock:
        figure = _draw(name, data)
        try:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(figure)
    return buffer.getvalue()


class FigurePool:
    """Draws views in worker processes, or in one thread of this process with ``workers=0``
    (tests; matplotlib then draws one figure at a time)."""

    def __init__(self, workers: int | None = None) -> None:
        if workers is None:
            from ..engine.process import usable_cores

            workers = min(usable_cores(), _MOST_WORKERS)
        self.workers = workers
        self._pool: cf.Executor
        if workers > 0:
            from ..engine.process import owned_pool, warm_context

            # workers leave Ctrl-C to this process, end with it, and draw every view once
            self._pool = owned_pool(workers, warm_context("sim.explore.figures"),
                                    initializer=warm_up)
            for _ in range(workers):  # start every worker now (a pool starts them on demand)
                self._pool.submit(int)
        else:
            self._pool = cf.ThreadPoolExecutor(1, thread_name_prefix="draw")

    def submit(self, job: FigureJob) -> cf.Future[bytes]:
        """Start drawing ``job``; the future holds its PNG bytes."""
        return self._pool.submit(draw_png, job)

    def close(self) -> None:
        """Stop the workers; drawings not yet started are dropped."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def shared_pool() -> FigurePool:
    """The pool every page of this process draws with, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FigurePool()
        return _shared


def close_shared_pool() -> None:
    """Stop the shared pool's workers, if it was started."""
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.close()
