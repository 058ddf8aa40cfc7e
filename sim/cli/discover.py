"""``recsim discover``: scenario discovery (PRIM) on experiments or a sweep."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..results.files import utc_stamp
from .common import check_out_dir, fail

if TYPE_CHECKING:
    import numpy as np

    from ..analysis.discovery import Discovery
    from ..analysis.experiments import Experiments
    from ..analysis.where import Condition

__all__ = ["discover"]


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--outcome", required=True, metavar="NAME",
              help="Outcome column to classify (see 'recsim outcomes'), e.g. n_de_jure_ca.")
@click.option("--where", "where", required=True, metavar="EXPR",
              help="Which cases are of interest: an operator (>=, <=, ==, !=, >, <) and a "
                   "number, e.g. '>= 3'.")
@click.option("--box", type=click.IntRange(min=0), default=None, metavar="N",
              help="Report box N of the peeling trajectory instead of the default choice "
                   "(the box closest to coverage and density of 100%).")
@click.option("--min-density", type=click.FloatRange(0.0, 1.0), default=0.0,
              show_default=True,
              help="Choose only among boxes with at least this density (0 to 1).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="New directory for the results [default: DIRECTORY/discover-<outcome>-"
                   "<UTC time>].")
def discover(directory: Path, outcome: str, where: str, box: int | None, min_density: float,
             out: Path | None) -> None:
    """Find the boxes of parameter space where an outcome is met (PRIM).

    DIRECTORY holds experiments.parquet (one row per run, from 'recsim explore-space') or
    sweep.csv / samples.csv (one row per design point, from 'recsim sweep' or 'recsim
    sensitivity'; each point's estimate is classified). Runs EMA Workbench's PRIM on the
    cases where OUTCOME meets --where, chooses a box (by default the one closest to
    coverage and density of 100%), and writes boxes.csv, trajectory.png, pairs.png,
    report.html and manifest.json into a new directory, whose path is the last line
    printed. Needs the 'discover' extra (pip install 'recsim[discover]').

    \b
    Example:
      recsim discover results/baseline/20250701T120000Z-explore-s1 \\
          --outcome n_de_jure_ca --where '>= 3'
      recsim discover results/baseline/20250701T120000Z-sweep-s1 \\
          --outcome p_de_jure:KAZ --where '> 0.5' --box 12
    """
    from ..analysis.where import ConditionError, parse_condition

    started = time.perf_counter()
    try:
        condition = parse_condition(where)
    except ConditionError as exc:
        fail(f"--where: {exc}")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", outcome)
    target = out or directory / f"discover-{safe}-{utc_stamp()}"
    check_out_dir(target)

    from ..analysis.experiments import ExperimentsError, read_experiments

    try:
        experiments = read_experiments(directory)
        values = experiments.outcome(outcome).to_numpy(dtype=float, na_value=float("nan"))
    except ExperimentsError as exc:
        fail(str(exc))
    except (TypeError, ValueError):
        fail(f"{directory}: outcome {outcome!r} is not numeric")
    _discover(experiments, outcome, condition, values, target, box=box,
              min_density=min_density, started=started)
    click.echo(str(target))


def _discover(experiments: Experiments, outcome: str, condition: Condition,
              values: np.ndarray, target: Path, *, box: int | None, min_density: float,
              started: float) -> None:
    """Run PRIM, draw, and write the results directory atomically."""
    import numpy as np

    from ..analysis.discovery import DiscoveryError, box_sentence
    from ..analysis.discovery import discover as run_discovery
    from ..analysis.report import discovery_report
    from ..plots.discovery import pairs_figure, trajectory_figure
    from ..results.files import atomic_directory, write_csv, write_json
    from .render import encode

    known = ~np.isnan(values)
    parameters = experiments.parameters[known].reset_index(drop=True)
    interest = condition(values[known])
    try:
        found = run_discovery(parameters, interest, box=box, min_density=min_density)
    except DiscoveryError as exc:
        fail(f"{experiments.source}: {outcome} {condition}: {exc}")
    except ImportError:
        fail("scenario discovery needs EMA Workbench: pip install 'recsim[discover]' "
             "(or 'make venv', which installs it)")
    unit = "runs" if experiments.per_run else "design points"
    what = f"{outcome} {condition.words()}"
    images = {
        "trajectory": encode(trajectory_figure(found, what=what, unit=unit), ("png",))["png"],
        "pairs": encode(pairs_figure(parameters, interest, found, what=what, unit=unit),
                        ("png",))["png"],
    }
    info = _manifest(experiments, outcome, condition, found, int((~known).sum()),
                     min_density=min_density, started=started)
    info["sentence"] = box_sentence(found, outcome, condition, per_run=experiments.per_run)
    report = discovery_report(found, outcome=outcome, condition=condition,
                              per_run=experiments.per_run, source=str(experiments.source),
                              images=images, manifest=info)
    with atomic_directory(target) as temp:
        write_csv(found.table(), temp / "boxes.csv")
        for name, png in images.items():
            (temp / f"{name}.png").write_bytes(png)
        (temp / "report.html").write_text(report, encoding="utf-8")
        write_json(info, temp / "manifest.json")


def _manifest(experiments: Experiments, outcome: str, condition: Condition, found: Discovery,
              skipped: int, *, min_density: float, started: float) -> dict[str, Any]:
    """What the discovery read, how PRIM ran, and which box it chose."""
    from importlib import metadata

    from .. import __version__
    from ..analysis.discovery import MASS_MIN, PASTE_ALPHA, PEEL_ALPHA
    from ..results.files import command_line, file_sha256, git_commit, package_versions

    return {
        "source": str(experiments.source),
        "source_sha256": file_sha256(experiments.source),
        "cases": found.cases,
        "per_run": experiments.per_run,
        "skipped_missing_outcome": skipped,
        "outcome": outcome,
        "where": str(condition),
        "cases_of_interest": found.interesting,
        "parameters": list(found.ranges),
        "parameters_not_varied": list(found.dropped),
        "chosen_box": found.chosen,
        "choice": found.rule,
        "min_density": min_density,
        "prim": {"implementation": "ema_workbench.analysis.prim",
                 "peel_alpha": PEEL_ALPHA, "paste_alpha": PASTE_ALPHA, "mass_min": MASS_MIN},
        "versions": package_versions() | {"recsim": __version__,
                                          "ema_workbench": metadata.version("ema_workbench")},
        "git_commit": git_commit(),
        "utc_time": utc_stamp(),
        "wall_time_s": round(time.perf_counter() - started, 3),
        "command": command_line(),
    }
