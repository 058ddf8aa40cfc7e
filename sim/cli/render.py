"""Draw every figure and the report of a run or batch directory from its saved files.

``recsim run`` and ``recsim batch`` call this on the files they have just written, and
``recsim plot`` on files written earlier, so a redraw produces the same figures. Everything is
drawn in memory first; files are then replaced one by one, each atomically.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..plots import (
    can_map,
    cascade_figure,
    comparison_figure,
    curves_figure,
    map_figure,
    order_figure,
    shocks_figure,
    timing_figure,
)
from ..report import batch_report, run_report
from ..results_dir import BatchData, RunData
from ..results_io import atomic_write_bytes

__all__ = ["FORMATS", "draw_batch", "draw_run", "write_batch_outputs", "write_run_outputs"]

FORMATS = ("png", "svg", "pdf")
DPI = 150
_BATCH_EMBEDS = ("cascade", "shocks")  # per-scenario figures repeated in a batch report
# No dates or version stamps in the files, so the same data gives the same bytes
_NO_STAMPS = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def draw_run(data: RunData) -> dict[str, Figure]:
    """The figures of one run, by file stem; ``shocks`` only when shocks fired."""
    scenario, title = data.scenario, data.name
    drawers: dict[str, Callable[[], Figure]] = {
        "cascade": lambda: cascade_figure(data.curve, title=title,
                                          n_states=len(data.summary), runs=data.n_runs),
        "timing": lambda: timing_figure(data.runs, scenario, data.summary, title=title),
        "order": lambda: order_figure(data.runs, scenario, data.summary, title=title),
    }
    if can_map(scenario):  # not for populations, whose states have no places
        drawers["map"] = lambda: map_figure(scenario, data.summary, title=title)
    if data.shocks is not None:
        shocks = data.shocks
        drawers["shocks"] = lambda: shocks_figure(shocks, data.runs, scenario, title=title)
    return {name: draw() for name, draw in drawers.items()}


def draw_batch(batch: BatchData) -> dict[str, Figure]:
    """The comparison heatmap and the overlaid de jure curves of a batch."""
    scenarios = {name: data.scenario for name, data in batch.runs.items()}
    n_states = max(len(d.summary) for d in batch.runs.values())
    return {
        "comparison": comparison_figure(batch.comparison, scenarios),
        "curves": curves_figure({n: d.curve for n, d in batch.runs.items()}, n_states=n_states,
                                runs=int(batch.manifest["runs"])),
    }


def _encode(figures: Mapping[str, Figure], fmt: str) -> dict[str, bytes]:
    out = {}
    for name, figure in figures.items():
        buffer = io.BytesIO()
        with plt.rc_context({"svg.hashsalt": "recsim"}):  # stable SVG ids
            figure.savefig(buffer, format=fmt, dpi=DPI, metadata=_NO_STAMPS[fmt])
        out[name] = buffer.getvalue()
    return out


def _render(figures: dict[str, Figure], fmt: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(files in ``fmt``, PNGs for the report); closes the figures."""
    try:
        png = _encode(figures, "png")
        files = png if fmt == "png" else _encode(figures, fmt)
    finally:
        for figure in figures.values():
            plt.close(figure)
    return files, png


def _run_images(data: RunData, fmt: str) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    files, png = _render(draw_run(data), fmt)
    return files, png, run_report(data, png)


def _write(target: Path, files: Mapping[str, bytes], fmt: str, report: str) -> None:
    for name, content in files.items():
        atomic_write_bytes(target / f"{name}.{fmt}", content)
    atomic_write_bytes(target / "report.html", report.encode("utf-8"))


def write_run_outputs(data: RunData, fmt: str = "png", target: Path | None = None) -> list[str]:
    """Draw a run's figures and report and write them into ``target`` (its own directory)."""
    files, _, report = _run_images(data, fmt)
    _write(target or data.path, files, fmt, report)
    return [*(f"{name}.{fmt}" for name in files), "report.html"]


def write_batch_outputs(batch: BatchData, fmt: str = "png", *,
                        redraw_runs: bool = True) -> list[str]:
    """Draw the batch figures and report; with ``redraw_runs`` also each scenario's own.

    Without it, each scenario's figures must already be on disk as PNG (as `run` writes them).

    Everything is drawn before the first file is replaced.
    """
    pending: list[tuple[Path, dict[str, bytes], str]] = []
    embeds = {}
    for name, data in batch.runs.items():
        if redraw_runs:
            run_files, png, run_html = _run_images(data, fmt)
            pending.append((data.path, run_files, run_html))
        else:  # just drawn by save_run
            png = {k: (data.path / f"{k}.png").read_bytes() for k in _BATCH_EMBEDS
                   if (data.path / f"{k}.png").is_file()}
        embeds[name] = {k: v for k, v in png.items() if k in _BATCH_EMBEDS}
    files, png = _render(draw_batch(batch), fmt)
    pending.append((batch.path, files, batch_report(batch, png, embeds)))
    written = []
    for directory, figures, report in pending:
        _write(directory, figures, fmt, report)
        prefix = "" if directory == batch.path else f"{directory.name}/"
        written += [f"{prefix}{name}.{fmt}" for name in figures] + [f"{prefix}report.html"]
    return written
