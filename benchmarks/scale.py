"""Scale benchmark: the threshold rule on large Erdős-Rényi populations.

Cases (each in a fresh process, so peak memory is its own):
  er10k   10,000 states, mean degree 4, 100 replicates, 100 months (target: < 30 s, < 2 GB)
  er100k  100,000 states, mean degree 4, 10 replicates, 100 months (target: completes)

Wall time covers everything a run needs: building the network, setting up the Mesa
model (one agent per state) and simulating. Peak memory is the process's maximum
resident set size.

Usage:
  PYTHONPATH=. python benchmarks/scale.py            # both cases
  PYTHONPATH=. python benchmarks/scale.py er10k      # one case
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

CASES = {
    "er10k": {"states": 10_000, "replicates": 100, "months": 100, "seconds": 30.0,
              "megabytes": 2048.0},
    "er100k": {"states": 100_000, "replicates": 10, "months": 100, "seconds": None,
               "megabytes": None},
}


def _scenario(states: int, months: int):
    from sim.scenario.loading import scenario_from_dict

    return scenario_from_dict({
        "name": f"scale_{states}",
        "months": months,
        "model": {"rule": "threshold",
                  "threshold": {"distribution": "uniform", "low": 0.1, "high": 0.5}},
        "population": {"generator": "erdos_renyi", "size": states, "mean_degree": 4.0,
                       "seed": 1},
        "adopters": {"random": max(1, states // 1000)},
    }, "<benchmark>")


def _peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_case(name: str) -> None:
    """Run one case in this process and print its figures on one line."""
    from sim.engine.ensemble import run_ensemble

    case = CASES[name]
    started = time.perf_counter()
    scenario = _scenario(case["states"], case["months"])
    built = time.perf_counter()
    result = run_ensemble(scenario, case["replicates"], seed=1)
    wall = time.perf_counter() - started
    peak = _peak_megabytes()
    verdict = "n/a"
    if case["seconds"] is not None:
        ok = wall < case["seconds"] and peak < case["megabytes"]
        limits = f"< {case['seconds']:g} s, < {case['megabytes']:g} MB"
        verdict = f"{'ok' if ok else 'MISSED'} ({limits})"
    print(f"case={name} states={case['states']} replicates={case['replicates']} "
          f"months={case['months']} network_s={built - started:.2f} wall_s={wall:.2f} "
          f"peak_mb={peak:.0f} de_jure_mean={result.de_jure[-1].mean():.1f} "
          f"target={verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=list(CASES),
                        help=f"cases to run: {', '.join(CASES)} (default: all)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = sorted(set(args.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; choose from {', '.join(CASES)}")
    if args.in_process:
        for name in args.cases:
            run_case(name)
        return
    for name in args.cases:  # a fresh interpreter per case: its own peak memory
        subprocess.run([sys.executable, __file__, "--in-process", name], check=True)


if __name__ == "__main__":
    main()
