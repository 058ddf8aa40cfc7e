"""Speed of calibration: one log-likelihood of the baseline's record, and a whole fit.

Targets (issue 11, 2-core machine): the baseline's log-likelihood over the 47 months of
2021-08:2025-07 under 5 ms; ``recsim calibrate scenarios/baseline.toml`` with its default
parameters under 2 minutes.

Example:
    .venv/bin/python benchmarks/calibration.py            # both
    .venv/bin/python benchmarks/calibration.py --no-fit   # the likelihood only
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sim.calibrate.fit import default_paths
from sim.calibrate.likelihood import Likelihood, observe
from sim.calibrate.window import parse_window
from sim.scenario.loading import load_scenario
from sim.scenario.roster import read_log, roster_of

ROOT = Path(__file__).resolve().parent.parent
WINDOW = "2021-08:2025-07"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-fit", action="store_true", help="time the likelihood only")
    parser.add_argument("--repeat", type=int, default=2000, help="likelihood evaluations")
    args = parser.parse_args(argv)
    scenario = load_scenario(ROOT / "scenarios" / "baseline.toml")
    log = read_log(scenario, roster_of(scenario).state_ids)
    started = time.perf_counter()
    record = observe(scenario, log, parse_window(WINDOW))
    setup = time.perf_counter() - started
    paths = default_paths(scenario)
    likelihood = Likelihood(record, paths)
    theta = np.array([likelihood.base_values[p] for p in paths])
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        likelihood(theta)
        times.append(time.perf_counter() - started)
    batch = np.tile(theta, (22, 1))
    batch_times = []
    for _ in range(args.repeat // 10):
        started = time.perf_counter()
        likelihood(batch)
        batch_times.append(time.perf_counter() - started)
    months, states = record.before.shape
    print(f"baseline record {WINDOW}: {months} months x {states} states, {len(paths)} "
          f"parameters; replaying the record once: {setup * 1e3:.1f} ms")
    print(f"log-likelihood, one parameter vector: median {statistics.median(times) * 1e3:.3f} "
          f"ms, best {min(times) * 1e3:.3f} ms ({args.repeat} evaluations; target < 5 ms)")
    print(f"log-likelihood, 22 vectors at once (what each sampler step asks): median "
          f"{statistics.median(batch_times) * 1e3:.3f} ms")
    if args.no_fit:
        return
    recsim = str(Path(sys.executable).with_name("recsim"))
    scratch = Path(tempfile.mkdtemp())
    try:
        started = time.perf_counter()
        subprocess.run([recsim, "calibrate", "scenarios/baseline.toml", "--window", WINDOW,
                        "--seed", "1", "--out", str(scratch / "cal"), "--quiet"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"recsim calibrate scenarios/baseline.toml --window {WINDOW} --seed 1: "
          f"{wall:.1f} s wall (target < 120 s)")


if __name__ == "__main__":
    main()
