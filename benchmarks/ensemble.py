"""Throughput of the ensemble engine against a per-run Mesa loop and the NumPy reference.

Runs one scenario (the baseline by default) three ways in this process, over the same
months, on one core (BLAS is held to one thread and the engine runs serially):

1. a per-run loop: one ``RecognitionModel`` per run with R = 1, as plain Mesa would be
   used; a sample of runs is timed and the rate extrapolated to all runs;
2. the ensemble engine, ``sim.engine.ensemble.run_ensemble`` (Mesa agents over replicate arrays);
3. the hand-vectorised reference, ``sim.engine.reference`` (no Mesa).

Then, each in a fresh subprocess, peak memory for ``--memory-runs`` runs. Both timings are
taken twice: with the scenario's own parameters, and with every replicate drawing its
weights and thresholds from the scenario's posterior draws (the baseline's, by default),
fed to engine and reference alike. The last two lines are
``speedup_vs_per_run=<x> engine_vs_reference=<y>`` for each (targets: x >= 50, y >= 0.5).

Example:
    PYTHONPATH=. python benchmarks/ensemble.py --runs 20000
"""

from __future__ import annotations

import os

# One core: keep BLAS single-threaded. Must happen before NumPy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from sim.engine.ensemble import CHUNK_SIZE, plan_chunks, run_ensemble  # noqa: E402
from sim.engine.reference import simulate_reference  # noqa: E402
from sim.engine.uncertainty import without_uncertainty  # noqa: E402
from sim.model.model import RecognitionModel  # noqa: E402
from sim.model.parameters import ReplicateValues  # noqa: E402
from sim.results.tables import curve_table, runs_table, summary_table  # noqa: E402
from sim.scenario.loading import load_scenario, scenario_from_dict  # noqa: E402
from sim.scenario.schema import Scenario  # noqa: E402

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"
MEMORY_MODES = ("engine", "engine+tables", "reference")


def load(path: Path, months: int | None) -> Scenario:
    scenario = load_scenario(path)
    if months is not None:
        scenario = scenario_from_dict(scenario.model_dump(by_alias=True) | {"months": months})
    return scenario


def best_times(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Shortest of ``repeat`` wall times of each function, taken in turns.

    Alternating the functions exposes them to the same moments of a busy machine, and the
    shortest time is the one least disturbed by other work.
    """
    times = [float("inf")] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            started = time.perf_counter()
            fn()
            times[k] = min(times[k], time.perf_counter() - started)
    return times


def per_run_loop(scenario: Scenario, sample: int, seed: int) -> float:
    """Seconds for ``sample`` runs, one R = 1 model each, seeded like ensemble chunks (and
    with its own draw of the parameters when the scenario names draws)."""
    tasks = plan_chunks(scenario, sample, seed, chunk_size=1)
    started = time.perf_counter()
    for task in tasks:
        RecognitionModel(scenario, 1, rng=task.seed, values=task.values).run()
    return time.perf_counter() - started


def memory_child(mode: str, path: Path, months: int | None, runs: int, seed: int) -> None:
    """Run one mode and print its peak memory as JSON (called in a fresh subprocess)."""
    scenario = load(path, months)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    if mode == "reference":
        simulate_reference(scenario, runs, seed)
    else:
        result = run_ensemble(scenario, runs, seed)
        if mode == "engine+tables":
            summary_table(result, scenario)
            curve_table(result, scenario)
            runs_table(result)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"rss_mib": peak / 1024, "imports_rss_mib": before / 1024,
                      "traced_mib": traced / 2**20}))


def measure_memory(mode: str, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--memory-child", mode, "--scenario", str(args.scenario),
               "--memory-runs", str(args.memory_runs), "--seed", str(args.seed)]
    if args.months is not None:
        command += ["--months", str(args.months)]
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=BASELINE, help="scenario TOML")
    parser.add_argument("--runs", type=int, default=20_000, help="runs for engine and reference")
    parser.add_argument("--months", type=int, default=None, help="override the horizon")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE,
                        help="engine chunk size (to explore; recsim run always uses the default)")
    parser.add_argument("--sample", type=int, default=100,
                        help="runs timed in the per-run loop (extrapolated to --runs)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="time engine and reference this many times, in turns; keep the best")
    parser.add_argument("--memory-runs", type=int, default=100_000,
                        help="runs for the peak-memory measurement (0 to skip it)")
    parser.add_argument("--memory-child", choices=MEMORY_MODES, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.scenario, args.months, args.memory_runs, args.seed)
        return
    scenario = load(args.scenario, args.months)
    runs = args.runs
    print(f"scenario {scenario.name}: {len(scenario.states)} states, {scenario.months} months; "
          f"{runs:,} runs, seed {args.seed}; one core (BLAS threads = "
          f"{os.environ['OPENBLAS_NUM_THREADS']}, serial executor)")

    fixed = without_uncertainty(scenario)
    results = [_time_modes(fixed, "own parameters (posterior means)", None, args)]
    if scenario.uncertainty.draws is not None:
        tasks = plan_chunks(scenario, runs, args.seed, args.chunk_size)
        values = ReplicateValues(tasks[0].values.paths,
                                 np.concatenate([t.values.values for t in tasks]))
        results.append(_time_modes(scenario, f"posterior draws ({len(values.paths)} "
                                              "parameters per replicate)", values, args))

    if args.memory_runs > 0:
        print(f"peak memory for {args.memory_runs:,} runs, each mode in a fresh subprocess "
              "(peak RSS: resource.getrusage ru_maxrss of the whole process, imports included; "
              "traced peak: tracemalloc, Python and NumPy allocations during the run only):")
        for mode in MEMORY_MODES:
            peak = measure_memory(mode, args)
            print(f"  {mode:14s}: peak RSS {peak['rss_mib']:6.1f} MiB (after imports alone "
                  f"{peak['imports_rss_mib']:.1f} MiB), traced peak {peak['traced_mib']:6.1f} MiB")

    for label, speedup, versus in results:
        print(f"{label}: engine/per-run {speedup:,.1f} (target >= 50), "
              f"engine/reference {versus:.2f} (target >= 0.5)")
    for _, speedup, versus in results:
        print(f"speedup_vs_per_run={speedup:.1f} engine_vs_reference={versus:.2f}")


def _time_modes(scenario: Scenario, label: str, values: ReplicateValues | None,
                args: argparse.Namespace) -> tuple[str, float, float]:
    """Per-run loop, engine and reference on ``scenario``; ``values`` are the replicates'
    drawn parameters (the engine draws them itself; the reference is given the same)."""
    runs = args.runs
    print(f"-- {label}")
    sample = min(args.sample, runs)
    loop_rate = sample / per_run_loop(scenario, sample, args.seed)
    print(f"per-run loop : {loop_rate:10,.0f} runs/s  (timed {sample:,} of {runs:,} runs, "
          f"extrapolated: {runs / loop_rate:,.0f} s for all)")
    engine_time, reference_time = best_times([
        lambda: run_ensemble(scenario, runs, args.seed, chunk_size=args.chunk_size),
        lambda: simulate_reference(scenario, runs, args.seed, values),
    ], args.repeat)
    engine_rate = runs / engine_time
    print(f"engine       : {engine_rate:10,.0f} runs/s  ({engine_time:.2f} s, chunks of "
          f"{args.chunk_size:,}, best of {args.repeat})")
    reference_rate = runs / reference_time
    print(f"reference    : {reference_rate:10,.0f} runs/s  ({reference_time:.2f} s, "
          f"best of {args.repeat})")
    return label, engine_rate / loop_rate, engine_rate / reference_rate


if __name__ == "__main__":
    main()
