"""Cost of shocks: simulation time of each library scenario against the baseline.

    PYTHONPATH=. python benchmarks/shocks.py [RUNS]

Prints the best of three timings of ``run_ensemble`` (serial, no output files) per scenario.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sim.engine.ensemble import run_ensemble
from sim.scenario.loading import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def best_of(runs: int, path: Path, repeats: int = 3) -> float:
    scenario = load_scenario(path)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run_ensemble(scenario, runs, seed=1)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    base = best_of(runs, LIBRARY / "baseline.toml")
    print(f"{runs} runs, serial, best of 3")
    print(f"{'scenario':24s} {'shocks':>6s} {'seconds':>8s} {'x baseline':>10s}")
    for path in sorted(LIBRARY.glob("*.toml")):
        seconds = base if path.stem == "baseline" else best_of(runs, path)
        shocks = len(load_scenario(path).shocks)
        print(f"{path.stem:24s} {shocks:6d} {seconds:8.2f} {seconds / base:10.2f}")


if __name__ == "__main__":
    main()
