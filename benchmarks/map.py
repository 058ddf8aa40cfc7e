"""Time map.png: drawing and PNG encoding at 150 dpi, as `recsim run` does in a worker.

Simulates each scenario once (few runs: the map's cost does not depend on them), then
draws and encodes its map ``--repeat`` times and prints the best and median time. The
target is under 0.3 s per map on the shared 2-core machine (docs/performance.md).

Example:
    PYTHONPATH=. python benchmarks/map.py scenarios/baseline.toml scenarios/world/world.toml
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from sim.cli.render import encode
from sim.engine.ensemble import run_ensemble
from sim.plots.map import map_figure
from sim.results.tables import summary_table
from sim.scenario.loading import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="+")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    for file in args.scenarios:
        scenario = load_scenario(file)
        summary = summary_table(run_ensemble(scenario, args.runs, seed=1), scenario)
        encode(map_figure(scenario, summary, title=scenario.name), ("png",))  # warm caches
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            encode(map_figure(scenario, summary, title=scenario.name), ("png",))
            times.append(time.perf_counter() - started)
        print(f"{scenario.name}: best {min(times):.3f} s, median "
              f"{statistics.median(times):.3f} s over {args.repeat}")


if __name__ == "__main__":
    main()
