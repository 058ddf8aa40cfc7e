"""Drawing while a run writes: the cascade from curve.csv alone, drawing workers forked ahead.

``recsim run`` starts the cascade figure as soon as curve.csv is written, from that file
alone, and the drawing workers are forked in the background as soon as their server is
ready (sim/cli/drawing.py). Neither may change a figure: the figures a run writes are the
ones ``recsim plot`` draws from the whole directory.
"""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from sim.cli.drawing import Renderer, submit_cascade
from sim.cli.render import draw_job
from sim.cli.saving import save_run
from sim.engine.ensemble import run_ensemble
from sim.results.directory import read_run_dir
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = Path(__file__).parent / "data" / "tiny.toml"


class _Recording:
    """A renderer that draws in this process and notes, for each figure it is given, which
    files its directory held at that moment."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.inner = directory, Renderer(workers=1)
        self.calls: list[tuple[str, str, set[str]]] = []
        self.workers_ready = True

    def submit(self, kind: str, name: str, data: Any,
               formats: tuple[str, ...]) -> Future[dict[str, bytes]]:
        written = {p.name for d in self.directory.parent.glob(f".{self.directory.name}*")
                   for p in d.iterdir()}
        self.calls.append((kind, name, written))
        return self.inner.submit(kind, name, data, formats)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, _Recording]:
    """The tiny scenario saved as `recsim run` saves it, through a recording renderer."""
    scenario = load_scenario(TINY)
    result = run_ensemble(scenario, 40, 2)
    target = tmp_path_factory.mktemp("drawing") / "run"
    renderer = _Recording(target)
    save_run(target, scenario, TINY, result, seed=2, started=time.perf_counter(),
             renderer=renderer)  # type: ignore[arg-type]
    return target, renderer


def test_a_run_starts_its_cascade_before_writing_the_rest(tiny_run):
    _, renderer = tiny_run
    kind, name, written = renderer.calls[0]
    assert (kind, name) == ("cascade", "cascade")
    assert "curve.csv" in written
    assert not {"summary.csv", "runs.parquet", "manifest.json"} & written
    assert [call[1] for call in renderer.calls].count("cascade") == 1


def test_the_early_cascade_is_the_figure_plot_draws(tiny_run):
    target, _ = tiny_run
    data = read_run_dir(target)
    redrawn = draw_job(("run", "cascade", data, ("png",)))["png"]
    assert (target / "cascade.png").read_bytes() == redrawn
    early = submit_cascade(target, name=data.name, n_states=len(data.summary),
                           runs=data.n_runs, renderer=Renderer(workers=1)).result()
    assert early["png"] == redrawn


def test_without_ready_workers_the_cascade_waits_for_the_rest(tmp_path):
    """Submitting to workers not yet forked would wait for their server, holding up the
    writing: the cascade is then drawn with the other figures."""
    scenario = load_scenario(TINY)
    target = tmp_path / "run"
    renderer = _Recording(target)
    renderer.workers_ready = False
    save_run(target, scenario, TINY, run_ensemble(scenario, 40, 2), seed=2,
             started=time.perf_counter(), renderer=renderer)  # type: ignore[arg-type]
    cascade = next(call for call in renderer.calls if call[1] == "cascade")
    assert cascade[0] == "run" and "summary.csv" in cascade[2]


def test_drawing_workers_are_forked_before_the_first_figure():
    assert not Renderer(workers=1).workers_ready  # drawing in this process: no workers
    with Renderer(workers=2) as renderer:
        deadline = time.monotonic() + 120
        while not renderer.workers_ready and time.monotonic() < deadline:
            time.sleep(0.05)
        assert renderer.workers_ready
        pool = renderer._pool  # private: how many workers the pool has forked
        assert pool is not None and len(pool._processes) == 2
        assert renderer.submit("cascade", "cascade", None, ("png",)).exception() is not None


def test_starting_the_cascade_does_not_import_matplotlib(tmp_path):
    """The command's own process never imports matplotlib (its workers do)."""
    (tmp_path / "curve.csv").write_text("month,de_jure_mean\n0,1.0\n")
    code = ("import sys; from pathlib import Path; from sim.cli.drawing import submit_cascade\n"
            "class Noting:\n"
            "    def submit(self, *job): self.job = job\n"
            "renderer = Noting()\n"
            f"submit_cascade(Path({str(tmp_path)!r}), name='x', n_states=3, runs=40, "
            "renderer=renderer)\n"
            "print(renderer.job[0], 'matplotlib' in sys.modules)")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout.strip()
    assert printed == "cascade False"
