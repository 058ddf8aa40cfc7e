"""Drawing while a run writes: figures started from the files they need, workers forked ahead.

``recsim run`` starts each figure as soon as the files it needs are written (the cascade
after curve.csv, the map after summary.csv, ...), from those files alone, and the drawing
workers are forked in the background as soon as their server is ready
(sim/cli/drawing.py). Neither may change a figure: the figures a run writes are the ones
``recsim plot`` draws from the whole directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from sim.cli.drawing import Renderer, submit_early
from sim.cli.render import draw_job
from sim.cli.saving import save_run
from sim.engine.ensemble import run_ensemble
from sim.results.directory import RunFiles, read_run_dir
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


def test_a_run_starts_each_figure_once_its_files_are_written(tiny_run):
    _, renderer = tiny_run
    calls = {name: (kind, written) for kind, name, written in renderer.calls}
    assert sorted(calls) == ["cascade", "map", "order", "timing"]
    assert {kind for kind, _ in calls.values()} == {"early"}
    assert "curve.csv" in calls["cascade"][1]
    assert not {"summary.csv", "runs.parquet"} & calls["cascade"][1]
    assert {"scenario.toml", "summary.csv"} <= calls["map"][1]
    assert "runs.parquet" not in calls["map"][1]
    for figure in ("order", "timing"):
        assert {"scenario.toml", "summary.csv", "runs.parquet"} <= calls[figure][1]
    assert all("manifest.json" not in written for _, written in calls.values())


@pytest.mark.parametrize("figure", ["cascade", "map", "order", "timing"])
def test_an_early_figure_is_the_figure_plot_draws(tiny_run, figure):
    target, _ = tiny_run
    data = read_run_dir(target)
    redrawn = draw_job(("run", figure, data, ("png",)))["png"]
    assert (target / f"{figure}.png").read_bytes() == redrawn
    early = submit_early(figure, RunFiles(target), title=data.name, runs=data.n_runs,
                         n_states=len(data.summary), renderer=Renderer(workers=1)).result()
    assert early["png"] == redrawn


def test_a_run_directory_read_after_its_early_figures_reuses_their_reads(tiny_run, tmp_path):
    """The run reads its files once: what its early figures read, read_run_dir takes as
    it is (and what they did not read, it reads)."""
    target, _ = tiny_run
    copy = tmp_path / "run"
    shutil.copytree(target, copy)
    files = RunFiles(copy)
    kept = files.summary, files.scenario
    (copy / "summary.csv").write_text("damaged\n")
    (copy / "scenario.toml").write_text("[damaged\n")
    data = read_run_dir(files, check_cells=False)
    assert (data.summary, data.scenario) == kept and data.summary is kept[0]
    assert data.scenario_toml == (target / "scenario.toml").read_text()
    assert data.curve.equals(read_run_dir(target).curve)  # not read before: read now


def test_a_manifest_may_not_say_other_runs_than_the_figures_drawn_early(tmp_path):
    scenario = load_scenario(TINY)
    with pytest.raises(ValueError, match="runs"):
        save_run(tmp_path / "run", scenario, TINY, run_ensemble(scenario, 40, 2), seed=2,
                 started=time.perf_counter(), renderer=Renderer(workers=1),
                 extra_manifest={"runs": 41})
    assert not (tmp_path / "run").exists()


def test_without_ready_workers_figures_wait_for_the_rest(tmp_path):
    """Submitting to workers not yet forked would wait for their server, holding up the
    writing: every figure is then drawn once the directory is written."""
    scenario = load_scenario(TINY)
    target = tmp_path / "run"
    renderer = _Recording(target)
    renderer.workers_ready = False
    save_run(target, scenario, TINY, run_ensemble(scenario, 40, 2), seed=2,
             started=time.perf_counter(), renderer=renderer)  # type: ignore[arg-type]
    assert {call[0] for call in renderer.calls} == {"run"}
    assert all("runs.parquet" in call[2] for call in renderer.calls)


def test_drawing_workers_are_forked_before_the_first_figure():
    assert not Renderer(workers=1).workers_ready  # drawing in this process: no workers
    with Renderer(workers=2) as renderer:
        deadline = time.monotonic() + 120
        while not renderer.workers_ready and time.monotonic() < deadline:
            time.sleep(0.05)
        assert renderer.workers_ready
        pool = renderer._pool  # private: how many workers the pool has forked
        assert pool is not None and len(pool._processes) == 2
        assert renderer.submit("early", "cascade", None, ("png",)).exception() is not None


def test_starting_a_figure_early_does_not_import_matplotlib(tiny_run):
    """The command's own process never imports matplotlib (its workers do)."""
    target, _ = tiny_run
    code = ("import sys; from pathlib import Path\n"
            "from sim.cli.drawing import submit_early\n"
            "from sim.results.directory import RunFiles\n"
            "class Noting:\n"
            "    def submit(self, *job): self.job = job\n"
            "renderer = Noting()\n"
            f"submit_early('map', RunFiles(Path({str(target)!r})), title='x', runs=40, "
            "n_states=3, renderer=renderer)\n"
            "print(renderer.job[:2], 'matplotlib' in sys.modules)")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout.strip()
    assert printed == "('early', 'map') False"


def test_stopping_does_not_wait_for_the_workers_server(tmp_path):
    """A command stopped while the drawing workers' server is still importing ends at once:
    the thread that forks the workers must not hold the pool while it waits for the server.
    Here the server's imports wait for a file that appears only after the check."""
    release = tmp_path / "release"
    (tmp_path / "slow_import.py").write_text(
        "import pathlib, time\n"
        f"while not pathlib.Path({str(release)!r}).exists():\n"
        "    time.sleep(0.05)\n")
    code = ("import threading, time\n"
            "import sim.engine.process as process\n"
            "process._PRELOAD.append('slow_import')  # the server imports it first\n"
            "from sim.cli.drawing_pool import Renderer\n"
            "renderer = Renderer(workers=2)\n"
            "time.sleep(1.0)  # the forking thread is waiting for the server by now\n"
            "stopping = threading.Thread(target=renderer.close, kwargs={'wait': False})\n"
            "stopping.start(); stopping.join(timeout=20)\n"
            "print(stopping.is_alive(), renderer.workers_ready)\n"
            f"open({str(release)!r}, 'w').close()\n")
    environment = os.environ | {"PYTHONPATH": str(tmp_path)}  # the server's path too
    try:
        printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd=ROOT, timeout=120, env=environment
                                 ).stdout.strip()
    finally:
        release.touch()  # whatever happened, let the server finish and end
    assert printed == "False False"
