"""Wall time of the commands a user types first, and of the main jobs, as whole processes.

Each command is run as a fresh process (the ``recsim`` console script of this environment)
``--repeat`` times; the median and the best wall time are printed. Start-up commands are set
against ``python -c pass``, the interpreter's own floor. Targets (issue 10, 2-core machine):
``--help``, ``COMMAND --help``, ``list`` and ``validate`` under 0.3 s; ``recsim run`` of the
baseline with 20,000 runs under 2.5 s; ``make run`` (the library as one batch, 2,000 runs
each) under 8 s.

Example:
    .venv/bin/python benchmarks/startup.py                 # everything
    .venv/bin/python benchmarks/startup.py --only startup  # just the start-up commands
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECSIM = str(Path(sys.executable).with_name("recsim"))
LIBRARY = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.toml"))

# A fixed pure-Python workload, as a fresh process: how fast this machine is just now. The
# project machine is a shared virtual machine whose speed drifts by a third from one
# quarter hour to the next, so every figure below is worth reading beside this one. Run
# twice at once it shows whether both cores are free: the main jobs need both, and lose
# about as much as it does when something else holds one.
REFERENCE = [sys.executable, "-c", "s = 0\nfor i in range(3_000_000):\n    s += i * i"]

STARTUP = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "recsim --help": [RECSIM, "--help"],
    "recsim run --help": [RECSIM, "run", "--help"],
    "recsim list": [RECSIM, "list"],
    "recsim validate scenarios/*.toml": [RECSIM, "validate", *LIBRARY],
}


def wall_times(command: list[str], repeat: int, *, out: Path | None = None) -> list[float]:
    """Wall time of each of ``repeat`` runs; ``out`` is removed before each."""
    times = []
    for _ in range(repeat):
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def pair_times(command: list[str], repeat: int) -> list[float]:
    """Wall time of each of ``repeat`` runs of two copies of ``command`` at once."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        pair = [subprocess.Popen(command, cwd=ROOT) for _ in range(2)]
        for process in pair:
            process.wait()
        times.append(time.perf_counter() - started)
    return times


def report(label: str, times: list[float], target: float | None) -> None:
    median = statistics.median(times)
    verdict = "met" if target is not None and median < target else "MISSED"
    goal = "" if target is None else f"  target < {target:g} s: {verdict}"
    print(f"{label:<44} median {median:6.3f} s  best {min(times):6.3f} s  "
          f"({len(times)} runs){goal}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("startup", "run", "batch"), default=None)
    parser.add_argument("--repeat", type=int, default=15, help="runs per start-up command")
    parser.add_argument("--repeat-jobs", type=int, default=5, help="runs per main job")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}; each command a fresh process, from {ROOT}")
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 minute)")
    report("machine speed: 3M-step Python loop", wall_times(REFERENCE, args.repeat), None)
    # the jobs below use both cores: slower here than above means a core is busy elsewhere
    report("  the same, two at once (both cores)", pair_times(REFERENCE, args.repeat), None)
    if args.only in (None, "startup"):
        for label, command in STARTUP.items():
            target = None if label.startswith("python") else 0.3
            report(label, wall_times(command, args.repeat), target)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        if args.only in (None, "run"):
            command = [RECSIM, "run", "scenarios/baseline.toml", "--runs", "20000", "--seed", "1",
                       "--out", str(out), "--quiet"]
            report("recsim run baseline, 20,000 runs", wall_times(command, args.repeat_jobs,
                                                                  out=out), 2.5)
        if args.only in (None, "batch"):
            command = [RECSIM, "batch", *LIBRARY, "--runs", "2000", "--seed", "1",
                       "--out", str(out), "--quiet"]
            report(f"make run: batch of {len(LIBRARY)} x 2,000 runs",
                   wall_times(command, args.repeat_jobs, out=out), 8.0)


if __name__ == "__main__":
    main()
