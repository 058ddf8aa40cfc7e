"""``recsim params`` and ``recsim outcomes``: what a study can vary and what it measures."""

from __future__ import annotations

import fnmatch
import textwrap
from pathlib import Path

import click

from .common import load_or_fail


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--match", "pattern", metavar="GLOB", default=None,
              help="Only paths matching this pattern, e.g. 'states.KAZ.*' or '*.weight'.")
def params(scenario: Path, pattern: str | None) -> None:
    """List every numeric parameter of SCENARIO as PATH<TAB>VALUE.

    A path is the dotted key path as written in the file; list entries (ties, shocks)
    are addressed by position from 0. Use these paths with 'recsim sweep --grid' and
    'recsim sensitivity --param'. Unset optional numbers (a tie's back_weight) are not
    listed but can be set.

    \b
    Example:
      recsim params scenarios/baseline.toml --match 'weights.*'
    """
    from ..scenario.params import numeric_paths

    for path, value in numeric_paths(load_or_fail(scenario)).items():
        if pattern is None or fnmatch.fnmatchcase(path, pattern):
            click.echo(f"{path}\t{value}")


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path), required=False)
def outcomes(scenario: Path | None) -> None:
    """Document the outcomes studies measure; with SCENARIO, list the names it defines.

    \b
    Example:
      recsim outcomes
      recsim outcomes scenarios/baseline.toml
    """
    from ..study.measures import outcome_catalogue
    from ..study.names import OUTCOME_DOCS

    if scenario is not None:
        for outcome in outcome_catalogue(load_or_fail(scenario)):
            click.echo(f"{outcome.name}\t{outcome.label}")
        return
    for name, doc in OUTCOME_DOCS.items():
        click.echo(name)
        click.echo(textwrap.fill(doc, width=88, initial_indent="    ",
                                 subsequent_indent="    "))
    click.echo("\nEvery outcome comes with its Monte Carlo standard error (column <name>_se).")
