"""Figures and reports of runs and batches, drawn in parallel and written atomically.

``recsim run`` and ``recsim batch`` call this on the files they have just written, and
``recsim plot`` on files written earlier, so a redraw produces the same figures. A
:class:`~sim.cli.drawing_pool.Renderer` draws each figure in a pool of worker processes;
this process never imports matplotlib. Files are written only when every figure of a
directory is ready, each atomically.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..results.directory import BatchData, RunData, RunFiles
from ..results.files import atomic_write_bytes
from ..results.report import batch_report, run_report
from ..results.selection import run_figure_names
from .drawing_pool import Renderer

__all__ = [
    "EARLY_NEEDS",
    "PendingRun",
    "Renderer",
    "RunImages",
    "batch_images",
    "start_run_outputs",
    "submit_batch_figures",
    "submit_early",
    "write_batch_outputs",
    "write_run_outputs",
]

BATCH_EMBEDS = ("cascade", "shocks")  # per-scenario figures repeated in a batch report
# Figures a run draws while it writes the rest, and the files each needs (sim/cli/saving.py
# writes these four first), the longest first when several become ready at once
_TABLES = frozenset({"scenario.toml", "summary.csv", "runs.parquet"})
EARLY_NEEDS = {
    "order": _TABLES,
    "timing": _TABLES,
    "map": frozenset({"scenario.toml", "summary.csv"}),
    "cascade": frozenset({"curve.csv"}),
}
# Relative cost of drawing each figure, so the longest start first and finish together
_DRAWING_COST = {"map": 6, "order": 5, "timing": 3, "shocks": 3, "cascade": 2}


def _formats(fmt: str) -> tuple[str, ...]:
    """The report always embeds PNG; files are in ``fmt``."""
    return ("png",) if fmt == "png" else ("png", fmt)


@dataclass(frozen=True)
class RunImages:
    """A directory's figures as bytes and its report, ready to be written."""

    target: Path
    fmt: str
    files: dict[str, bytes]
    png: dict[str, bytes]
    report: str

    def write(self) -> list[Path]:
        """Write the figures and report.html, each atomically; return the paths."""
        written = []
        for name, content in self.files.items():
            path = self.target / f"{name}.{self.fmt}"
            atomic_write_bytes(path, content)
            written.append(path)
        atomic_write_bytes(self.target / "report.html", self.report.encode("utf-8"))
        return [*written, self.target / "report.html"]


@dataclass
class PendingRun:
    """A run's figures being drawn; :meth:`collect` waits for them."""

    data: RunData
    target: Path
    fmt: str
    futures: dict[str, cf.Future[dict[str, bytes]]] = field(default_factory=dict)
    omitted: tuple[str, ...] = ()

    def collect(self) -> RunImages:
        """Wait for every figure; the files and the report, ready to write."""
        drawn = {name: future.result() for name, future in self.futures.items()}
        png = {name: images["png"] for name, images in drawn.items()}
        files = {name: images[self.fmt] for name, images in drawn.items()}
        return RunImages(self.target, self.fmt, files, png,
                         run_report(self.data, png, self.omitted))


def submit_early(name: str, files: RunFiles, *, title: str, runs: int, n_states: int,
                 renderer: Renderer, fmt: str = "png") -> cf.Future[dict[str, bytes]]:
    """Start drawing figure ``name`` of the run being written as soon as the files it needs
    are there (:data:`EARLY_NEEDS`): the figure :func:`start_run_outputs` would draw from
    the whole directory, from the same files read the same way. The keys are the arguments
    of ``sim.cli.render.EARLY_FIGURES[name]`` (importing it here would import matplotlib
    into this process)."""
    inputs: dict[str, Any]
    if name == "cascade":
        inputs = {"curve": files.curve, "name": title, "n_states": n_states, "runs": runs}
    elif name in EARLY_NEEDS:
        inputs = {"scenario": files.scenario, "summary": files.summary, "name": title}
        if "runs.parquet" in EARLY_NEEDS[name]:
            inputs["runs"] = files.runs
    else:
        raise ValueError(f"no early drawing of {name!r}")
    return renderer.submit("early", name, inputs, _formats(fmt))


def start_run_outputs(data: RunData, renderer: Renderer, fmt: str = "png",
                      target: Path | None = None, *, in_batch: bool = False,
                      started: Mapping[str, cf.Future[dict[str, bytes]]] | None = None
                      ) -> PendingRun:
    """Start drawing a run's figures (to be written into ``target``, by default its own
    directory); a scenario of a batch gets the figures a batch draws (BATCH_OMITS).
    ``started`` holds figures already being drawn (:func:`submit_early`)."""
    fired = data.shocks is not None
    names = run_figure_names(data.scenario, shocks_fired=fired, in_batch=in_batch)
    omitted = [n for n in run_figure_names(data.scenario, shocks_fired=fired) if n not in names]
    pending = PendingRun(data, target or data.path, fmt, omitted=tuple(omitted))
    started = started or {}
    for name in sorted(names, key=_DRAWING_COST.get, reverse=True):  # longest first
        pending.futures[name] = (started[name] if name in started
                                 else renderer.submit("run", name, data, _formats(fmt)))
    return pending


def write_run_outputs(data: RunData, fmt: str = "png", target: Path | None = None, *,
                      renderer: Renderer,
                      started: Mapping[str, cf.Future[dict[str, bytes]]] | None = None
                      ) -> list[Path]:
    """Draw a run's figures and report and write them; return the paths written
    (``started`` as in :func:`start_run_outputs`)."""
    return start_run_outputs(data, renderer, fmt, target, started=started).collect().write()


def _batch_parts(batch: BatchData) -> dict[str, Any]:
    """What the batch figures need (sim/cli/render.py, ``draw_batch_figure``)."""
    return {
        "comparison": batch.comparison,
        "scenarios": {n: d.scenario for n, d in batch.runs.items()},
        "curves": {n: d.curve for n, d in batch.runs.items()},
        "n_states": max(len(d.summary) for d in batch.runs.values()),
        "runs": int(batch.manifest["runs"]),
    }


def submit_batch_figures(batch: BatchData, renderer: Renderer, fmt: str = "png"
                         ) -> dict[str, cf.Future[dict[str, bytes]]]:
    """Start drawing the comparison heatmap and the overlaid curves of a batch."""
    parts = _batch_parts(batch)
    return {name: renderer.submit("batch", name, parts, _formats(fmt))
            for name in ("comparison", "curves")}


def batch_images(batch: BatchData, futures: Mapping[str, cf.Future[dict[str, bytes]]],
                 run_png: Mapping[str, Mapping[str, bytes]], fmt: str = "png") -> RunImages:
    """Wait for the batch figures; with each scenario's PNGs, the batch report."""
    drawn = {name: future.result() for name, future in futures.items()}
    embeds = {name: {k: v for k, v in png.items() if k in BATCH_EMBEDS}
              for name, png in run_png.items()}
    png = {name: images["png"] for name, images in drawn.items()}
    return RunImages(batch.path, fmt, {n: d[fmt] for n, d in drawn.items()}, png,
                     batch_report(batch, png, embeds))


def write_batch_outputs(batch: BatchData, fmt: str = "png", *, renderer: Renderer
                        ) -> list[Path]:
    """Redraw a batch: every scenario's figures and report, then the batch's own.

    Everything is drawn before the first file is replaced. Returns the paths written.
    """
    pending = [start_run_outputs(data, renderer, fmt, in_batch=True)
               for data in batch.runs.values()]
    futures = submit_batch_figures(batch, renderer, fmt)
    collected = [p.collect() for p in pending]
    run_png = {name: done.png for name, done in zip(batch.runs, collected, strict=True)}
    own = batch_images(batch, futures, run_png, fmt)
    written = []
    for done in [*collected, own]:
        written += done.write()
    return written
