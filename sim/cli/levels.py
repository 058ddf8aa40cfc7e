"""``recsim levels``: every state's rung in a month, as an event log records it."""

from __future__ import annotations

from pathlib import Path

import click

from .common import fail, load_or_fail

__all__ = ["levels"]


@click.command()
@click.argument("log", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--at", "month", required=True, metavar="YYYY-MM",
              help="The month: levels at its end, after every event in or before it.")
@click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="List every state of this scenario, those without an event by then on "
                   "their level_before_log (else level), and check the log's states.")
def levels(log: Path, month: str, scenario: Path | None) -> None:
    """Print each state's level in a month from the event log LOG, as CSV (state,level).

    LOG has a header with at least date,state,level_after (docs/scenarios.md, [events]).
    Without --scenario only states with an event in or before the month are listed.

    \b
    Example:
      recsim levels scenarios/data/engagement_events.csv --at 2024-12
      recsim levels my_log.csv --scenario scenarios/baseline.toml --at 2025-07
    """
    from ..scenario.calendar import parse_month
    from ..scenario.eventlog import EventLogError, read_event_log

    try:
        at = parse_month(month)
    except ValueError as exc:
        fail(f"--at: {exc}")
    spec = load_or_fail(scenario) if scenario is not None else None
    before: dict[str, int] | None = None
    if spec is not None:
        from ..scenario.roster import levels_before_log, roster_of

        roster = roster_of(spec)
        before = levels_before_log(roster.state_ids, roster.specs)
    try:
        events = read_event_log(log, None if before is None else set(before),
                                scenario=spec.name if spec is not None else "")
    except EventLogError as exc:
        fail(str(exc))
    if before is None:
        known = events.until(at)
        before = {state: 0 for state in known.states}
        events = known
    click.echo("state,level")
    for state, level in events.levels_at(at, before).items():
        click.echo(f"{state},{level}")
