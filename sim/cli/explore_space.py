"""``recsim explore-space``: many parameter vectors, one run each, for scenario discovery."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    check_out_dir,
    fail,
    load_or_fail,
    point_estimates,
    progress_bar,
    results_directory,
    seed_option,
    uncertainty_option,
)
from .limits import cap_workers, count_range, refuse_if_too_big, run_need

if TYPE_CHECKING:
    from ..scenario.schema import Scenario
    from ..study.design import Range
    from ..study.measures import Outcome

__all__ = ["explore_space"]


@click.command(name="explore-space")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--param", "params", multiple=True, metavar="PATH=LO:HI",
              help="A parameter and its range (repeatable): weights.*, thresholds.*, "
                   "states.ID.propensity or states.ID.<factor>.")
@click.option("--samples", type=count_range(2), default=10_000, show_default=True,
              help="Parameter vectors (Latin hypercube), one run each.")
@seed_option
@click.option("--outcome", "outcomes", multiple=True, metavar="NAME",
              help="Outcomes to keep per run (repeatable) [default: every outcome of "
                   "'recsim outcomes SCENARIO'].")
@click.option("--workers", type=count_range(1), default=1, show_default=True,
              help="Worker processes; results do not depend on this.")
@click.option("--dask", metavar="ADDRESS", default=None,
              help="Run chunks on a Dask cluster ('local' or a scheduler address).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="New results directory [default: results/<scenario>/<UTC time>-explore-"
                   "s<seed>].")
@uncertainty_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def explore_space(scenario: Path, params: tuple[str, ...], samples: int, seed: int,
                  outcomes: tuple[str, ...], workers: int, dask: str | None,
                  out: Path | None, point: bool, quiet: bool) -> None:
    """Draw SAMPLES parameter vectors over the ranges given (a Latin hypercube) and run
    SCENARIO once with each, all in one ensemble; write experiments.parquet.

    experiments.parquet has one row per run: the run, each parameter's value, then each
    outcome in that run (a p_ outcome as 0 or 1, a months_ outcome as the month, the
    horizon if never). Parameters not explored keep their posterior draws, one per run
    (--no-uncertainty holds them at the posterior means). 'recsim discover' on the
    directory finds the region of the ranges where an outcome of interest happens.

    \b
    Example:
      recsim explore-space scenarios/baseline.toml --param weights.social=1:6 \\
          --param thresholds.level_3=4:9 --param states.KAZ.propensity=-2:2 --samples 20000
      recsim discover results/baseline/<UTC time>-explore-s1 --outcome n_de_jure_ca \\
          --where '>= 3'
    """
    from ..results.files import default_run_dir
    from ..scenario.params import ParameterError
    from ..study.design import parse_range
    from ..study.space import check_explorable
    from .study import choose_outcomes

    started = time.perf_counter()
    spec = point_estimates(load_or_fail(scenario), point, scenario)
    if not params:
        fail("give at least one --param PATH=LO:HI (e.g. --param weights.social=1:6); "
             "'recsim params SCENARIO' lists the paths")
    try:
        ranges = [parse_range(text, with_steps=False) for text in params]
        if len({r.path for r in ranges}) < len(ranges):
            raise ParameterError("a parameter is given twice")
        check_explorable(spec, ranges)
    except ParameterError as exc:
        fail(f"--param: {exc}")
    chosen = choose_outcomes(spec, outcomes or ("all",))
    workers = cap_workers(workers, dask)
    refuse_if_too_big(run_need(spec, samples, workers), runs="--samples",
                      workers="--workers (each worker simulates a chunk of samples at a time) "
                              "or --samples")
    target = out or default_run_dir(Path("results"), spec.name, seed, "explore")
    check_out_dir(target)
    _run(spec, scenario, ranges, chosen, target, samples=samples, seed=seed,
         workers=workers, dask=dask, quiet=quiet, started=started)
    click.echo(str(target))


def _run(spec: Scenario, source: Path, ranges: list[Range], chosen: tuple[Outcome, ...],
         target: Path, *, samples: int, seed: int, workers: int, dask: str | None,
         quiet: bool, started: float) -> None:
    """Simulate the design and write the directory atomically."""
    from .. import __version__
    from ..engine.ensemble import CHUNK_SIZE, run_ensemble
    from ..results.files import scenario_toml, write_json, write_parquet
    from ..study.space import experiments_table, latin_hypercube
    from .common import open_executor
    from .saving import manifest

    values = latin_hypercube(ranges, samples, seed)
    chunks = -(-samples // CHUNK_SIZE)
    with open_executor(min(workers, chunks), dask) as executor, \
            progress_bar(samples, quiet=quiet, desc=spec.name) as advance:
        result = run_ensemble(spec, samples, seed, executor=executor, progress=advance,
                              values=values)
    table = experiments_table(values, result, spec, chosen)
    info = manifest(spec, source, seed=seed, runs=samples,
                    wall_time=time.perf_counter() - started)
    info |= {"kind": "explore-space", "parameters": [r.path for r in ranges],
             "ranges": {r.path: [r.low, r.high] for r in ranges},
             "design": "Latin hypercube (scipy.stats.qmc), one run per vector",
             "outcomes": [o.name for o in chosen], "samples": samples,
             "recsim": __version__}
    with results_directory(target) as temp:
        write_parquet(table, temp / "experiments.parquet")
        (temp / "scenario.toml").write_text(scenario_toml(spec))
        write_json(info, temp / "manifest.json")
