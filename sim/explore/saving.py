"""The explorer's two ways to keep its work: a scenario file, and a full results directory.

"Save scenario" writes the edited scenario resolved, as ``recsim show`` prints it
(:func:`~sim.results.files.scenario_toml`), through a temporary file, and never over an
existing one. "Run full" saves it and runs ``recsim run`` on the file it wrote, in a child
process: the results directory, its figures and ``report.html`` are the command line's own,
and the manifest names the saved file, so the directory reproduces from it.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..results.files import atomic_write_bytes, default_run_dir, scenario_toml
from ..scenario.loading import scenario_from_dict
from ..scenario.schema import Scenario

__all__ = [
    "REPORT_ROUTE",
    "FullRun",
    "full_run_command",
    "report_file",
    "report_url",
    "run_full",
    "save_scenario",
    "stop_full_runs",
]

REPORT_ROUTE = "/recsim/report/{token}"  # served by sim/explore/server.py

_children: set[subprocess.Popen[str]] = set()  # full runs under way, stopped with the server
_children_lock = threading.Lock()
_reports: dict[str, Path] = {}  # token in a report's address -> its results directory


def _free_path(directory: Path, stem: str) -> Path:
    """``directory/stem.toml``, or ``stem-2.toml``, ``stem-3.toml``... if that is taken."""
    path = directory / f"{stem}.toml"
    number = 2
    while path.exists():
        path = directory / f"{stem}-{number}.toml"
        number += 1
    return path


def save_scenario(scenario: Scenario, directory: Path, name: str | None = None) -> Path:
    """Write ``scenario`` (renamed ``name``, if given) as a new TOML file in ``directory``.

    The text is read back and checked to load to the same scenario before it is written,
    so a saved file always passes ``recsim validate``. Returns the file's path.
    """
    if name is not None and name != scenario.name:  # a bad name reads as for that file
        data = scenario.model_dump(by_alias=True) | {"name": name}
        scenario = scenario_from_dict(data, directory / f"{name}.toml")
    text = scenario_toml(scenario)
    if scenario_from_dict(tomllib.loads(text)) != scenario:  # scenario_toml's promise
        raise RuntimeError("the scenario does not survive being written as TOML")
    directory.mkdir(parents=True, exist_ok=True)
    path = _free_path(directory, scenario.name)
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def full_run_command(scenario_file: Path, runs: int, seed: int, out: Path) -> list[str]:
    """``recsim run`` on a saved file, in this Python (the same installed package)."""
    return [sys.executable, "-m", "sim", "run", str(scenario_file), "--runs", str(runs),
            "--seed", str(seed), "--out", str(out), "--quiet"]


@dataclass(frozen=True)
class FullRun:
    """A finished full run: its results directory, or the command's one-line error."""

    scenario_file: Path
    directory: Path | None
    error: str | None = None


def run_full(scenario_file: Path, runs: int, seed: int, results: Path, name: str) -> FullRun:
    """Run ``recsim run`` on ``scenario_file`` into a new directory under ``results``.

    Blocks until the command ends (a few seconds for 2,000 runs); :func:`stop_full_runs`
    ends it early, as when the server stops.
    """
    try:
        out = default_run_dir(results, name, seed)  # reserved now: unique even within a second
    except OSError as exc:
        return FullRun(scenario_file, None, f"{results}: cannot create a results directory "
                                            f"({exc.strerror or exc})")
    command = full_run_command(scenario_file, runs, seed, out)
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    with _children_lock:
        _children.add(child)
    try:
        stdout, stderr = child.communicate()
    finally:
        with _children_lock:
            _children.discard(child)
    if child.returncode != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        error = lines[-1] if lines else f"recsim run stopped (exit status {child.returncode})"
        with contextlib.suppress(OSError):  # the reservation, unless the run wrote into it
            out.rmdir()
        return FullRun(scenario_file, None, error.removeprefix("error: "))
    printed = [line for line in stdout.splitlines() if line.strip()]
    return FullRun(scenario_file, Path(printed[-1]) if printed else out)


def stop_full_runs() -> None:
    """End every full run still under way (the server is stopping)."""
    with _children_lock:
        children = list(_children)
    for child in children:  # as Ctrl-C: the command removes its unfinished directory
        child.send_signal(signal.SIGINT)
    for child in children:
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def report_url(directory: Path) -> str:
    """The address (on the explorer's server) of the ``report.html`` of a full run."""
    token = uuid.uuid4().hex
    _reports[token] = directory
    return REPORT_ROUTE.format(token=token)


def report_file(token: str) -> Path | None:
    """The report a :func:`report_url` address names; None for any other token."""
    directory = _reports.get(token)
    return None if directory is None else directory / "report.html"
