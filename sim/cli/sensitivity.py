"""``recsim sensitivity``: global sensitivity analysis (Sobol' or Morris) with SALib."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..study.names import METHODS
from .common import fail, load_or_fail, point_estimates
from .limits import count_range, study_workers
from .study import Study, choose_outcomes, outcome_file_name, parse_ranges, study_options

if TYPE_CHECKING:
    import pandas as pd

# Above this share of Monte Carlo noise in an outcome's variance, indices are blurred.
NOISE_WARNING = 0.05


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(METHODS), default="sobol", show_default=True,
              help="Sobol' variance decomposition, or Morris elementary-effects screening.")
@click.option("--param", "params", multiple=True, metavar="PATH=LO:HI",
              help="A parameter and its range, sampled uniformly (repeatable).")
@click.option("--samples", type=count_range(2), default=64, show_default=True,
              help="Base sample size N: N(2k+2) design points for Sobol' (N(k+2) with "
                   "--no-second-order), N(k+1) for Morris (N trajectories).")
@click.option("--second-order/--no-second-order", default=True, show_default=True,
              help="Sobol' only: also estimate pairwise interactions S2.")
@click.option("--levels", type=count_range(2), default=4, show_default=True,
              help="Morris only: grid levels per parameter.")
@study_options
def sensitivity(scenario: Path, method: str, params: tuple[str, ...], samples: int,
                second_order: bool, levels: int, runs: int, seed: int,
                outcomes: tuple[str, ...], workers: int, dask: str | None, out: Path | None,
                resume: Path | None, chunk_runs: int | None, point: bool, quiet: bool) -> None:
    """Which parameters drive the outcomes? Sample SCENARIO's parameters with SALib,
    simulate every design point RUNS times, and analyse.

    Writes samples.csv (each design point: parameter values, every outcome and its
    Monte Carlo standard error), sensitivity.csv (outcome,param,S1,S1_conf,ST,ST_conf for
    Sobol', outcome,param,mu_star,mu_star_conf,sigma for Morris, then mc_noise),
    sensitivity_s2.csv (Sobol' pairs) and a bar chart per outcome.

    mc_noise is what Monte Carlo noise alone would produce: for Sobol' the share of
    the outcome's variance across design points that is noise (an ST below it cannot be
    told from zero), for Morris the mu* of a parameter without effect. Raise --runs if
    it is not small next to the indices you care about.

    \b
    Example:
      recsim sensitivity scenarios/baseline.toml --method sobol --samples 256 \\
          --param weights.social=2:6 --param thresholds.level_3=6:10 \\
          --param states.KAZ.propensity=-1:2 --runs 200 --workers 2
    """
    import pandas as pd

    from ..plots.study import sensitivity_figure
    from ..study.design import round_whole_numbers
    from ..study.sensitivity import analyse, sample
    from ..study.sweep import ANALYSIS_STREAM, CHUNK_RUNS, StudyPlan, stream_seed, study_table

    spec = point_estimates(load_or_fail(scenario), point, scenario)
    ranges = parse_ranges(params, spec, with_steps=False, option="--param")
    analysed = choose_outcomes(spec, outcomes)
    if method == "sobol" and samples & (samples - 1) and not quiet:
        lower = 1 << (samples.bit_length() - 1)
        click.echo(f"note: Sobol' sequences are balanced at powers of 2; consider --samples "
                   f"{lower} or {lower * 2}", err=True)
    if method == "morris" and len(ranges) < 2:
        fail("--param: Morris screening needs at least two parameters")
    k = len(ranges)
    points = samples * ((2 * k + 2 if second_order else k + 2) if method == "sobol" else k + 1)
    workers = study_workers(spec, points, runs, k, workers=workers, dask=dask,
                            points_advice="--samples")
    x = sample(method, ranges, samples, stream_seed(seed), second_order=second_order,
               levels=levels)
    paths = tuple(r.path for r in ranges)
    design = round_whole_numbers(spec, paths, x)
    settings = {"method": method, "samples": samples,
                "params": [f"{r.path}={r.low:g}:{r.high:g}" for r in ranges]}
    settings |= {"second_order": second_order} if method == "sobol" else {"levels": levels}
    plan = StudyPlan(spec, paths, design, runs=runs, seed=seed,
                     kind=method, settings=settings, chunk_runs=chunk_runs or CHUNK_RUNS)
    study = Study(plan, scenario, out=out, resume=resume, quiet=quiet)
    tally = study.run(workers=workers, dask=dask)
    table = study_table(plan, tally)

    indices, pairs, figures, noise = [], [], {}, {}
    for outcome in analysed:
        values = table[outcome.name].to_numpy(float)
        errors = table[f"{outcome.name}_se"].to_numpy(float)
        result = analyse(method, ranges, x, values, errors, seed=stream_seed(
            seed, ANALYSIS_STREAM), second_order=second_order, levels=levels,
            outcome=outcome.name)
        indices.append(result.table.assign(mc_noise=result.noise))
        pairs.append(result.second_order)
        noise[outcome.name] = result.noise
        if result.constant:
            click.echo(f"note: {outcome.name} is the same at every design point; its indices "
                       "are undefined (left empty)", err=True)
            continue
        figures[outcome_file_name("sensitivity", outcome)] = sensitivity_figure(
            result.table, outcome, method=method, noise=result.noise, scenario=spec.name,
            runs=runs, points=plan.points)
    tables = {"samples.csv": table, "sensitivity.csv": pd.concat(indices, ignore_index=True)}
    if method == "sobol" and second_order:
        tables["sensitivity_s2.csv"] = pd.concat(pairs, ignore_index=True)
    study.publish(tables, figures, {"method": method, "settings": settings,
                                    "analysed_outcomes": [o.name for o in analysed],
                                    "mc_noise": noise})
    if not quiet:
        _summary(tables["sensitivity.csv"], method)
    click.echo(str(study.directory))


def _summary(indices: pd.DataFrame, method: str) -> None:
    """A short ranking per outcome on stdout, with its noise floor and a warning if large."""
    key, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    for outcome, rows in indices.groupby("outcome", sort=False):
        noise = float(rows["mc_noise"].iloc[0])
        if method == "sobol":
            floor = f"Monte Carlo noise {noise:.1%} of variance" if math.isfinite(noise) else ""
        else:
            floor = f"noise-only mu* {noise:.3g}"
        click.echo(f"{outcome} ({floor}); {key} ± 95%:")
        for _, row in rows.sort_values(key, ascending=False).iterrows():
            click.echo(f"  {row['param']:<32} {row[key]:8.3f} ± {row[conf]:.3f}")
        if method == "sobol" and math.isfinite(noise) and noise > NOISE_WARNING:
            click.echo(f"warning: {outcome}: Monte Carlo noise is {noise:.0%} of its variance "
                       "across design points; raise --runs for sharper indices", err=True)
