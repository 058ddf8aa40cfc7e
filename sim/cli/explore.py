"""``recsim explore``: the interactive explorer, a local web page served on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import click

from ..explore.config import RUNS_MAX
from .common import fail, load_or_fail

__all__ = ["explore"]


@click.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--runs", type=click.IntRange(min=1, max=RUNS_MAX), default=2000,
              show_default=True, help="Monte Carlo replicates the page starts with.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="Master seed the page starts with.")
@click.option("--library", type=click.Path(file_okay=False, path_type=Path),
              default=Path("scenarios"), show_default=True,
              help="Directory of scenario files the page offers.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("results"),
              show_default=True,
              help="Where 'Save scenario' (OUT/explore/) and 'Run full' "
                   "(OUT/<scenario>/<UTC time>-s<seed>) write.")
def explore(scenario: Path | None, port: int, runs: int, seed: int, library: Path,
            out: Path) -> None:
    """Explore SCENARIO in the browser: move weights, thresholds, incentives and shocks and
    watch the cascade, the chances per state, the map and the differences update.

    Serves a local page on 127.0.0.1 and prints its address; stop it with Ctrl-C. SCENARIO
    (default: the library's baseline) is opened first; the page also offers every file
    of --library. Needs the explore extra (pip install -e '.[explore]'; `make run`
    installs it).

    \b
    Example:
      recsim explore
      recsim explore scenarios/china_first.toml --port 8800
    """
    if scenario is not None:
        load_or_fail(scenario)  # a bad file stops here, with the line 'recsim run' prints
    from ..explore.server import ExploreError, bind, check_installation, default_scenario

    opened = scenario or default_scenario(library)
    if opened is None:
        fail(f"{library}: no scenario files (*.toml); give a SCENARIO or --library")
    try:
        from ..explore.config import Settings
        from ..explore.server import serve

        check_installation()
        sock = bind(port)
        settings = Settings(scenario=opened, library=library,
                            results=out, saved=out / "explore", runs=runs, seed=seed)
        click.echo(f"recsim explore: serving {settings.scenario} and the library "
                   f"{library}/; Ctrl-C stops it", err=True)
        serve(settings, sock, announce=click.echo)
    except ExploreError as exc:
        fail(str(exc))
