"""Update latency of ``recsim explore``: from a control change to every view redrawn.

    PYTHONPATH=. python benchmarks/explore.py [--runs 2000] [--changes 12] [--scenario FILE]
    PYTHONPATH=. python benchmarks/explore.py --browser     # also end to end, in Chromium

Times the page's own compute path (:func:`sim.explore.update.updates`, what the page runs on
every valid change) on a series of changes to the social weight, one step of its slider at a
time: when the numbers are ready (ensemble, tables, paired differences: the headline and the
table of differences) and when each figure is (cascade, per-state bars, map, drawn by the
page's pool of worker processes). Then the CPU time of each step, one at a time, which the
machine's load changes less than wall time; on an idle machine the update takes about
numbers + max(map, cascade + states). With ``--browser`` it also starts ``recsim explore``,
presses the slider's arrow key in headless Chromium (/usr/bin/chromium) and times each
change until the page reports every view redrawn: what a user sees, round trip included.
Prints medians and the worst, and the load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sim.explore.compute import Request, compute_numbers
from sim.explore.draft import Draft
from sim.explore.figures import FigurePool, draw_png, figure_jobs, warm_up
from sim.explore.update import updates

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# true once every view shows the latest change (sim/explore/app.py, Status)
SETTLED = ("(() => { const s = document.querySelector('.recsim-status');"
           " return s !== null && s.dataset.busy === 'false' && s.dataset.wanted !== ''"
           " && s.dataset.shown === s.dataset.wanted; })()")


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def compute_path(draft: Draft, args: argparse.Namespace) -> None:
    """Wall time of the page's compute path, per view, and CPU time of each step."""
    pool = FigurePool()
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
    print(f"{args.scenario.name}, {args.runs:,} runs, {args.changes} changes, "
          f"{pool.workers} drawing workers, load average {_load()}")
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
    """CPU time of each step, measured one at a time in this process."""
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


def in_browser(args: argparse.Namespace) -> None:
    """End to end: a key press on the social weight's slider to every view redrawn."""
    from playwright.sync_api import sync_playwright

    server = subprocess.Popen(
        [sys.executable, "-m", "sim", "explore", str(args.scenario), "--port", "0", "--runs",
         str(args.runs), "--seed", str(args.seed)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        url = next(m.group(0) for line in server.stdout
                   if (m := re.search(r"http://127\.0\.0\.1:\d+/", line)))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.set_default_timeout(120_000)
            page.goto(url)
            page.wait_for_function(SETTLED)
            thumb = page.locator('[data-path="weights.social"] [role="slider"]')
            seconds = []
            for _ in range(args.changes):
                before = page.get_attribute(".recsim-status", "data-wanted")
                thumb.focus()
                started = time.perf_counter()
                thumb.press("ArrowRight")
                page.wait_for_function("document.querySelector('.recsim-status')"
                                       f".dataset.wanted !== '{before}'")
                page.wait_for_function(SETTLED)
                seconds.append(time.perf_counter() - started)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"in Chromium: key press to every view redrawn, median "
          f"{statistics.median(seconds):.3f} s, worst {max(seconds):.3f} s "
          f"(load average {_load()})")
    print(f"browser_latency_s={statistics.median(seconds):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--changes", type=int, default=12)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.toml")
    parser.add_argument("--browser", action="store_true",
                        help="also time the page end to end in headless Chromium")
    args = parser.parse_args()
    compute_path(Draft.load(args.scenario), args)
    if args.browser:
        in_browser(args)


if __name__ == "__main__":
    main()
