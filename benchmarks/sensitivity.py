"""Benchmark: a Sobol' analysis of the baseline over 8 parameters, end to end.

N = 256 with second-order indices gives N (2k + 2) = 4,608 design points; each is run
200 times (921,600 model runs) on two workers, analysed with SALib and written out,
exactly as a user would run it:

    recsim sensitivity scenarios/baseline.toml --method sobol --samples 256 --runs 200 \\
        --workers 2 --param ... (8 parameters, below)

Target: under 2 minutes on the project machine (2 cores). Prints the wall time, the
throughput and the Monte Carlo noise of each analysed outcome.

Usage: python benchmarks/sensitivity.py [--samples N] [--runs R] [--workers W]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAMS = (
    "weights.social=2:6",
    "weights.connectivity=0:1.2",
    "weights.minerals=0:0.8",
    "weights.security=0:1",
    "weights.western_pressure=-1.6:0",
    "thresholds.level_3=6:10",
    "states.CHN.propensity=-1.5:1.5",
    "states.KAZ.propensity=-0.5:1.5",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recsim-bench-") as temp:
        out = Path(temp) / "sobol"
        command = [sys.executable, "-m", "sim", "sensitivity", "scenarios/baseline.toml",
                   "--method", "sobol", "--samples", str(args.samples), "--runs",
                   str(args.runs), "--workers", str(args.workers), "--seed", "1", "--quiet",
                   "--out", str(out)]
        for param in PARAMS:
            command += ["--param", param]
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        manifest = json.loads((out / "manifest.json").read_text())
    points, total = manifest["design_points"], manifest["total_runs"]
    print(f"sobol k={len(PARAMS)} N={args.samples}: {points:,} design points x "
          f"{args.runs} runs = {total:,} runs on {args.workers} workers")
    for outcome, noise in manifest["mc_noise"].items():
        print(f"  {outcome}: Monte Carlo noise {noise:.2%} of variance across points")
    print(f"runs_per_second={total / wall:,.0f}")
    print(f"wall_time_s={wall:.1f} target_s=120 {'OK' if wall < 120 else 'SLOW'}")


if __name__ == "__main__":
    main()
