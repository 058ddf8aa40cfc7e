"""``recsim sweep``: a full factorial grid over scenario parameters."""

from __future__ import annotations

import math
from pathlib import Path

import click

from .common import load_or_fail, point_estimates
from .limits import study_workers
from .study import Study, choose_outcomes, outcome_file_name, parse_ranges, study_options


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--grid", "grids", multiple=True, metavar="PATH=LO:HI:STEPS",
              help="A parameter and its grid: STEPS evenly spaced values from LO to HI "
                   "(repeatable; every combination is run).")
@study_options
def sweep(scenario: Path, grids: tuple[str, ...], runs: int, seed: int,
          outcomes: tuple[str, ...], workers: int, dask: str | None, out: Path | None,
          resume: Path | None, chunk_runs: int | None, point: bool, quiet: bool) -> None:
    """Run SCENARIO over a grid of parameter values; write sweep.csv and plots.

    Parameters are dotted key paths as written in the scenario file (list them with
    'recsim params SCENARIO'). sweep.csv has one row per design point: the parameter
    values, then every outcome and its Monte Carlo standard error (<outcome>_se). One
    figure per plotted outcome: a line with a 95% band for one parameter, a heatmap for
    two, small multiples beyond. Interrupted? Rerun the same command with --resume DIR.

    \b
    Example:
      recsim sweep scenarios/baseline.toml --grid weights.social=2:6:9 --runs 500
      recsim sweep scenarios/baseline.toml --grid weights.social=2:6:5 \\
          --grid thresholds.level_3=6:10:5 --outcome p_de_jure:KAZ --workers 2
    """
    from ..plots.study import MAX_PANELS, outcome_limits, sweep_figure
    from ..study.design import grid_design
    from ..study.sweep import CHUNK_RUNS, StudyPlan, study_table

    spec = point_estimates(load_or_fail(scenario), point, scenario)
    ranges = parse_ranges(grids, spec, with_steps=True, option="--grid")
    plotted = choose_outcomes(spec, outcomes)
    paths = tuple(r.path for r in ranges)
    workers = study_workers(spec, math.prod(r.steps or 2 for r in ranges), runs, len(paths),
                            workers=workers, dask=dask, points_advice="the STEPS of --grid")
    plan = StudyPlan(spec, paths, grid_design(ranges), runs=runs, seed=seed, kind="sweep",
                     settings={"grid": [f"{r.path}={r.low:g}:{r.high:g}:{r.steps}"
                                        for r in ranges]},
                     chunk_runs=chunk_runs or CHUNK_RUNS)
    study = Study(plan, scenario, out=out, resume=resume, quiet=quiet)
    tally = study.run(workers=workers, dask=dask)
    table = study_table(plan, tally)
    figures = {}
    panels = 1
    for r in ranges[2:]:
        panels *= r.steps or 1
    horizon = int(table["months"].max()) if "months" in paths else spec.months
    if panels <= MAX_PANELS:
        for outcome in plotted:
            limits = outcome_limits(outcome, horizon)
            figures[outcome_file_name("sweep", outcome)] = sweep_figure(
                table, paths, outcome, scenario=spec.name, runs=runs, limits=limits)
    elif not quiet:
        click.echo(f"note: {panels} panels per figure are too many to plot (at most "
                   f"{MAX_PANELS}); sweep.csv has every value", err=True)
    study.publish({"sweep.csv": table}, figures,
                  {"parameters": list(paths), "plotted_outcomes": [o.name for o in plotted]})
    click.echo(str(study.directory))
