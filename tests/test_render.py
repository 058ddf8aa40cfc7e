"""Encoding figures: the PNG painted in one pass is the file ``savefig`` writes.

``sim.cli.render.encode`` paints a PNG by drawing the Agg canvas once, where ``savefig``
draws a figure with a layout engine twice (sim/cli/render.py, ``_png``). The figures of
runs, batches, backtests, calibrations and discoveries go through it, so it must give
``savefig``'s bytes exactly, for every kind of figure (made with pyplot or as a bare
``Figure``, with constrained layout or none, with a colour bar, rotated labels and texts
left out of the layout) and whatever ``savefig.*`` settings a matplotlibrc makes.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from sim.cli.render import _NO_STAMPS, DPI, draw_run_figure, encode
from sim.cli.saving import save_run
from sim.engine.ensemble import run_ensemble
from sim.results.directory import RunData, read_run_dir
from sim.scenario.loading import load_scenario

TINY = Path(__file__).parent / "data" / "tiny.toml"


def _heatmap() -> Figure:
    """pyplot, constrained layout, an image with a colour bar, texts out of the layout."""
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained", linewidth=3)  # an edge
    values = np.linspace(0, 1, 16).reshape(4, 4)
    image = ax.imshow(values, cmap="Blues")
    for (i, j), value in np.ndenumerate(values):
        ax.text(j, i, f"{value:.0%}", ha="center", va="center").set_in_layout(False)
    ax.set_xticks(range(4), ["KAZ", "KGZ", "TJK", "UZB"], rotation=30)
    fig.colorbar(image, ax=ax, label="share of runs")
    ax.set_title("A title\non two lines")
    return fig


def _bare() -> Figure:
    """A Figure made without pyplot (no Agg canvas yet), constrained layout, two panels."""
    fig = Figure(figsize=(6, 3), layout="constrained")
    for k, ax in enumerate(fig.subplots(1, 2)):
        ax.plot([0, 1, 2], [k, 1 - k, 0.5], marker="*")
        ax.set_ylabel("P(de jure)")
    fig.suptitle("Two panels")
    return fig


def _no_layout() -> Figure:
    """pyplot without a layout engine: savefig draws it once too."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.step([0, 1, 2, 3], [0, 2, 1, 3], where="post", label="states")
    ax.legend()
    return fig


def _savefig(figure: Figure, *formats: str) -> dict[str, bytes]:
    """What encode wrote before it painted PNGs once: savefig, format after format."""
    out = {}
    for fmt in formats:
        buffer = io.BytesIO()
        with plt.rc_context({"svg.hashsalt": "recsim"}):
            figure.savefig(buffer, format=fmt, dpi=DPI, metadata=_NO_STAMPS[fmt])
        out[fmt] = buffer.getvalue()
    plt.close(figure)
    return out


@pytest.mark.parametrize("build", [_heatmap, _bare, _no_layout], ids=lambda b: b.__name__)
def test_png_is_the_file_savefig_writes(build: Callable[[], Figure]) -> None:
    png = encode(build(), ("png",))["png"]
    assert png.startswith(b"\x89PNG")
    assert png == _savefig(build(), "png")["png"]


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_other_formats_after_the_png_are_as_before(fmt: str) -> None:
    out = encode(_heatmap(), ("png", fmt))
    assert out == _savefig(_heatmap(), "png", fmt)


@pytest.mark.parametrize("setting", [
    {"savefig.facecolor": "0.9"},
    {"savefig.edgecolor": "red"},
    {"savefig.transparent": True},
    {"savefig.bbox": "tight"},
], ids=lambda setting: next(iter(setting)))
def test_a_matplotlibrcs_savefig_settings_still_apply(setting: dict[str, object]) -> None:
    """A user's matplotlibrc may change what savefig adds to the canvas; then it saves."""
    with plt.rc_context(setting):
        changed = encode(_heatmap(), ("png",))["png"]
        assert changed == _savefig(_heatmap(), "png")["png"]
    assert changed != encode(_heatmap(), ("png",))["png"]  # the setting made a difference


def test_encoding_leaves_a_bare_figure_at_its_own_dpi() -> None:
    figure = _bare()  # pyplot's close would reset a pyplot figure's dpi anyway
    dpi = figure.dpi
    assert DPI != dpi  # else the check below could not fail
    encode(figure, ("png",))
    assert figure.dpi == dpi


def test_encoding_closes_a_pyplot_figure() -> None:
    figure = _heatmap()
    encode(figure, ("png",))
    assert figure.number not in plt.get_fignums()


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    scenario = load_scenario(TINY)
    target = tmp_path_factory.mktemp("render") / "run"
    from sim.cli.drawing_pool import Renderer

    with Renderer(workers=1) as renderer:
        save_run(target, scenario, TINY, run_ensemble(scenario, 40, 3), seed=3,
                 started=time.perf_counter(), renderer=renderer)
    return read_run_dir(target)


@pytest.mark.parametrize("name", ["cascade", "map", "order", "timing"])
def test_each_figure_of_a_run_is_savefigs_png(tiny_run: RunData, name: str) -> None:
    assert encode(draw_run_figure(name, tiny_run), ("png",))["png"] == \
        _savefig(draw_run_figure(name, tiny_run), "png")["png"]
