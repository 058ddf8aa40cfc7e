"""``recsim validate``, ``recsim list`` and ``recsim show``: look at scenario files."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import load_or_fail

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

__all__ = ["list_scenarios", "show", "validate"]

_WIDTH = 88


def _wrapped(text: str) -> str:
    return textwrap.fill(text, _WIDTH, initial_indent="    ", subsequent_indent="    ",
                         break_long_words=False, break_on_hyphens=False)


def _summary(spec: Scenario) -> str:
    if spec.population is None:
        states = len(spec.states)
    else:  # generated or read from a file: only the roster knows
        from ..scenario.roster import roster_of

        states = len(roster_of(spec))
    shocks = len(spec.shocks)
    history = f", {len(spec.history)} in its history" if spec.history else ""
    return f"{states} states, {shocks} shock{'s' * (shocks != 1)}{history}"


@click.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path))  # a directory fails alone
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Check scenario FILES: exit 0 if all are valid, else 2 with one line per problem.

    Every file is checked, with its `extends` chain; problems go to stderr as
    `error: FILE: KEY: what is wrong`, valid files to stdout as `ok: FILE`.
    The file format is described in docs/scenarios.md.

    \b
    Example:
      recsim validate scenarios/*.toml
    """
    from ..scenario.loading import ScenarioError, load_scenario

    bad = False
    for path in files:
        try:
            spec = load_scenario(path)
        except ScenarioError as exc:
            bad = True
            for line in exc.lines():
                click.echo(f"error: {line}", err=True)
        else:
            click.echo(f"ok: {path} ({spec.name}: {_summary(spec)})")
    if bad:
        ctx.exit(2)


@click.command(name="list")
@click.argument("directory", required=False, default=Path("scenarios"),
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def list_scenarios(directory: Path) -> None:
    """List the scenarios in DIRECTORY (default: scenarios) with their descriptions.

    A file that does not validate is listed with its first problem.

    \b
    Example:
      recsim list
      recsim list my_scenarios/
    """
    from ..scenario.loading import ScenarioError, load_scenario

    files = sorted(directory.glob("*.toml"))
    if not files:
        click.echo(f"no scenario files (*.toml) in {directory}", err=True)
        return
    for path in files:
        try:
            spec = load_scenario(path)
        except ScenarioError as exc:
            click.echo(f"{path}  INVALID")
            click.echo(_wrapped(f"{exc.lines()[0]}; run 'recsim validate {path}'"))
            continue
        click.echo(f"{path}  {spec.name} ({_summary(spec)})")
        text = " ".join(spec.description.split()) or "(no description)"
        click.echo(_wrapped(text))


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def show(file: Path) -> None:
    """Print scenario FILE resolved (its `extends` chain merged, defaults filled) as TOML.

    The output is itself a valid scenario file: the same one `recsim run` writes into a
    results directory as scenario.toml.

    \b
    Example:
      recsim show scenarios/china_first.toml
      recsim show scenarios/tajik_deal.toml > my_deal.toml
    """
    from ..results.files import scenario_toml

    spec = load_or_fail(file)
    click.echo(f"# {file} resolved: extends merged, defaults filled in")
    click.echo(scenario_toml(spec), nl=False)
