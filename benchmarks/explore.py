"""Update latency of ``recsim explore``: from a control change to every view redrawn.

    PYTHONPATH=. python benchmarks/explore.py [--runs 2000] [--changes 12] [--scenario FILE]

Times the page's own compute path (:func:`sim.explore.update.updates`, what the page runs on
every valid change) on a series of changes to the social weight, as a slider produces them:
the time to the numbers (ensemble, tables, paired differences; the headline and the table
of differences) and to the last figure (cascade, per-state bars, map), drawn by the page's
pool of worker processes. The browser adds the round trip and the redraw on top
(tests/test_explore_browser.py exercises it). Prints the median and the worst over the
changes, and the load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from sim.explore.compute import Request, compute_numbers
from sim.explore.draft import Draft
from sim.explore.figures import FigurePool, draw_png, figure_jobs, warm_up
from sim.explore.update import updates

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--changes", type=int, default=12)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.toml")
    args = parser.parse_args()

    pool = FigurePool()
    draft = Draft.load(args.scenario)
    social = float(draft.get(["weights", "social"]))
    # the first request warms the pool and caches the unmodified scenario, as the page's
    # first load does; it is not counted
    list(updates(Request(draft.check(), draft.base, args.runs, args.seed), pool))
    views: dict[str, list[float]] = {}
    complete = []
    for change in range(args.changes):
        edited = draft.set(["weights", "social"], round(social + 0.1 * (change + 1), 6))
        started = time.perf_counter()
        scenario = edited.check()  # the page validates every change first
        *_, update = updates(Request(scenario, draft.base, args.runs, args.seed), pool)
        complete.append(time.perf_counter() - started)
        for view, seconds in update.seconds.items():
            views.setdefault(view, []).append(seconds)
    pool.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.scenario.name}, {args.runs:,} runs, {args.changes} changes, "
          f"{pool.workers} drawing workers, load average {load}")
    for view, seconds in views.items():
        print(f"{view + ':':9s} ready after median {statistics.median(seconds):.3f} s, "
              f"worst {max(seconds):.3f} s")
    print(f"all views: median {statistics.median(complete):.3f} s, "
          f"worst {max(complete):.3f} s")
    cpu = cpu_seconds(draft, social, args)
    for view, seconds in cpu.items():
        print(f"CPU time of {view}: {seconds:.3f} s (median, one at a time in this process)")
    critical = cpu["numbers"] + max(cpu["map"], cpu["cascade"] + cpu["states"])
    print(f"on an idle machine: numbers + max(map, cascade + states) = {critical:.3f} s")
    print(f"update_latency_s={statistics.median(complete):.3f} idle_estimate_s={critical:.3f}")


def cpu_seconds(draft: Draft, social: float, args: argparse.Namespace) -> dict[str, float]:
    """CPU time of each step, measured one at a time: what the views cost whatever the
    machine's load (on a busy machine wall time is longer by the share others take)."""
    times: dict[str, list[float]] = {}
    warm_up()
    for change in range(args.changes):
        edited = draft.set(["weights", "social"], round(social + 0.1 * (change + 1), 6))
        started = time.process_time()
        numbers = compute_numbers(Request(edited.check(), draft.base, args.runs, args.seed))
        times.setdefault("numbers", []).append(time.process_time() - started)
        for view, job in figure_jobs(numbers).items():
            started = time.process_time()
            draw_png(job)
            times.setdefault(view, []).append(time.process_time() - started)
    return {view: statistics.median(seconds) for view, seconds in times.items()}


if __name__ == "__main__":
    main()
