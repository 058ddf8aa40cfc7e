"""``recsim run``: one scenario, many Monte Carlo replicates, one results directory."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .common import (
    check_out_dir,
    load_or_fail,
    point_estimates,
    progress_bar,
    seed_option,
    uncertainty_option,
)
from .limits import cap_workers, count_range, refuse_if_too_big, run_need

__all__ = ["run"]


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=count_range(1), default=1000, show_default=True,
              help="Monte Carlo replicates.")
@seed_option
@click.option("--months", type=click.IntRange(min=1, max=1200), default=None,
              help="Override the scenario's horizon in months.")
@click.option("--workers", type=count_range(1), default=1, show_default=True,
              help="Worker processes; results do not depend on this.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results directory [default: results/<scenario>/<UTC time>-s<seed>].")
@uncertainty_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def run(scenario: Path, runs: int, seed: int, months: int | None, workers: int,
        out: Path | None, point: bool, quiet: bool) -> None:
    """Run SCENARIO and write a results directory; its path is the last line printed.

    \b
    Example:
      recsim run scenarios/baseline.toml --runs 2000 --seed 1
      recsim run scenarios/china_first.toml --months 24 --workers 2 --out results/cf
    """
    from ..results.files import default_run_dir

    started = time.perf_counter()
    spec = point_estimates(load_or_fail(scenario, months), point, scenario)
    workers = cap_workers(workers)
    refuse_if_too_big(run_need(spec, runs, workers))
    target = out or default_run_dir(Path("results"), spec.name, seed)
    check_out_dir(target)
    from .drawing_pool import Renderer  # its workers import matplotlib in the background

    with Renderer(simulating=workers > 1) as renderer:
        from ..engine.ensemble import CHUNK_SIZE, run_ensemble
        from ..engine.executors import make_executor
        from ..results.effects import Counterfactuals
        from .saving import save_run

        chunks = -(-runs // CHUNK_SIZE)  # no more workers than chunks: a pool costs a second
        executor = make_executor(min(workers, chunks))
        with progress_bar(runs, quiet=quiet, desc=spec.name) as advance:
            result = run_ensemble(spec, runs, seed, executor=executor, progress=advance)
        # the same runs without the scenario's shocks, for their effects
        counterfactual = Counterfactuals(executor).for_scenario(spec, result, seed=seed)
        save_run(target, spec, scenario, result, seed=seed, started=started,
                 renderer=renderer, counterfactual=counterfactual)
    click.echo(str(target))
