"""Event logs: dated steps of states on the ladder, read and checked like scenario files.

A log is a CSV file with a header holding at least ``date,state,level_after`` (other columns,
such as ``kind``, ``event``, ``confidence`` and ``source`` in the shipped
``engagement_events.csv``, are kept but not read). ``date`` is ``YYYY-MM-DD`` or ``YYYY-MM``;
``level_after`` is the rung the state stands on after the event (0 none, 1 contacts, 2 de
facto, 3 de jure). Rows are in date order. The model moves once a month, so a state has at
most one event a month: two are an error that says which level the month ends on.

From a log, a state's level in month M is the level after its latest event in or before M;
before its first event, the level the scenario states for it (``level_before_log``, else
``level``). Problems are :class:`EventLogError`: one line naming the file, the line and the
column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .bounded import EVENT_LOG_LIMIT, InputFileError
from .calendar import months_between
from .inputs import read_input
from .ladder import LEVEL_NAMES, TOP

__all__ = ["REQUIRED_COLUMNS", "Event", "EventLog", "EventLogError", "read_event_log"]

REQUIRED_COLUMNS = ("date", "state", "level_after")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_STATE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
_LEVELS = ", ".join(f"{level} {name}" for level, name in enumerate(LEVEL_NAMES))


class EventLogError(ValueError):
    """A log that cannot be used: ``FILE: line N, column C: message``."""

    def __init__(self, file: str | Path, line: int | None, column: str | None,
                 message: str) -> None:
        self.file, self.line, self.column = str(file), line, column
        where = [f"line {line}"] if line is not None else []
        where += [f"column {column}"] if column is not None else []
        place = f": {', '.join(where)}" if where else ""
        super().__init__(f"{self.file}{place}: {message}")


@dataclass(frozen=True)
class Event:
    """One step: ``state`` stands on ``level`` after ``day``; ``line`` is its line in the file."""

    day: date
    state: str
    level: int
    line: int

    @property
    def month(self) -> date:
        """First day of the event's month: the model's time step."""
        return self.day.replace(day=1)


@dataclass(frozen=True)
class EventLog:
    """The events of one file, in date order."""

    file: str
    events: tuple[Event, ...]

    @property
    def states(self) -> tuple[str, ...]:
        """States with at least one event, in order of first appearance."""
        return tuple(dict.fromkeys(e.state for e in self.events))

    @property
    def first_month(self) -> date | None:
        return self.events[0].month if self.events else None

    @property
    def last_month(self) -> date | None:
        return self.events[-1].month if self.events else None

    def until(self, month: date) -> EventLog:
        """The events in or before ``month`` (what was known at its end)."""
        return EventLog(self.file, tuple(e for e in self.events if e.month <= month))

    def before(self, month: date) -> EventLog:
        """The events strictly before ``month``."""
        return EventLog(self.file, tuple(e for e in self.events if e.month < month))

    def level_at(self, state: str, month: date, before_log: int) -> int:
        """``state``'s level at the end of ``month``; ``before_log`` before its first event."""
        level = before_log
        for event in self.events:
            if event.month > month:
                break
            if event.state == state:
                level = event.level
        return level

    def levels_at(self, month: date, before_log: Mapping[str, int]) -> dict[str, int]:
        """Every state of ``before_log`` at the end of ``month``, in its order."""
        latest = {e.state: e.level for e in self.events if e.month <= month}
        return {state: latest.get(state, level) for state, level in before_log.items()}

    def level_path(self, start: date, months: int, state_ids: Iterable[str],
                   before_log: Mapping[str, int]) -> list[list[int]]:
        """Levels at the end of ``start`` and of each of the ``months`` after it:
        ``path[m][i]`` for month m (0 = ``start``) and state i of ``state_ids``."""
        ids = list(state_ids)
        index = {state: i for i, state in enumerate(ids)}
        current = [before_log[state] for state in ids]
        path = []
        events = iter(self.events)
        pending = next(events, None)
        for m in range(months + 1):
            while pending is not None and months_between(start, pending.month) <= m:
                if pending.state in index:
                    current[index[pending.state]] = pending.level
                pending = next(events, None)
            path.append(list(current))
        return path


def _parse_date(text: str) -> date | None:
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 15)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_event_log(path: str | Path, states: Collection[str] | None = None, *,
                   scenario: str = "") -> EventLog:
    """Read and check a log; with ``states``, every state must be one of them.

    A date given to the month only is taken as the 15th, as in the shipped data.
    """
    path = Path(path)
    try:
        text = read_input(path, EVENT_LOG_LIMIT, "an event log (.csv)").decode("utf-8-sig")
    except InputFileError as exc:
        raise EventLogError(path, None, None, str(exc)) from None
    except FileNotFoundError:
        raise EventLogError(path, None, None, "file not found") from None
    except IsADirectoryError:
        raise EventLogError(path, None, None, "is a directory; give a CSV file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EventLogError(path, None, None, f"cannot read: {exc}") from None
    rows = _csv_rows(path, text)
    header = [name.strip() for name in next(rows, [])]
    if not header or header == [""]:
        raise EventLogError(path, 1, None, "the file is empty; expected a header "
                                           "'date,state,level_after[,...]'")
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise EventLogError(path, 1, None, f"missing column {column!r}; the header needs "
                                               "date,state,level_after (other columns are kept)")
    where = {name: header.index(name) for name in REQUIRED_COLUMNS}
    events: list[Event] = []
    last_month_of: dict[str, Event] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise EventLogError(path, line, None,
                                f"expected {len(header)} fields as in the header, saw {len(row)}")
        event = _event(path, line, row, where, states, scenario)
        if events and event.day < events[-1].day:
            raise EventLogError(path, line, "date",
                                f"{event.day} is before the previous row's {events[-1].day}; "
                                "sort the log by date")
        earlier = last_month_of.get(event.state)
        if earlier is not None and earlier.month == event.month:
            raise EventLogError(
                path, line, "date",
                f"{event.state} has two events in {event.month:%Y-%m} (lines {earlier.line} "
                f"and {line}); the model moves once a month, so keep one row: the month ends "
                f"on level {event.level} (this row), which the last row of the month gives")
        last_month_of[event.state] = event
        events.append(event)
    return EventLog(str(path), tuple(events))


def _csv_rows(path: Path, text: str) -> Iterator[list[str]]:
    """The rows of the log; a line the csv module cannot split (a field longer than its
    limit) is an :class:`EventLogError` at that line."""
    reader = csv.reader(text.splitlines())
    try:
        yield from reader
    except csv.Error as exc:
        raise EventLogError(path, reader.line_num, None, f"not valid CSV: {exc}") from None


def _event(path: Path, line: int, row: list[str], where: dict[str, int],
           states: Collection[str] | None, scenario: str) -> Event:
    text = {name: row[column].strip() for name, column in where.items()}
    day = _parse_date(text["date"])
    if day is None:
        raise EventLogError(path, line, "date", f"{text['date']!r} is not a date "
                                                "(YYYY-MM-DD, or YYYY-MM for a month)")
    state = text["state"]
    if not _STATE.match(state):
        raise EventLogError(path, line, "state", f"{state!r} is not a state id "
                                                 "(a letter, then letters, digits or _)")
    if states is not None and state not in states:
        owner = f" of scenario {scenario!r}" if scenario else ""
        raise EventLogError(path, line, "state", f"unknown state {state!r}: not one of the "
                                                 f"{len(states)} states{owner}")
    level = text["level_after"]
    if not (level.isdigit() and 0 <= int(level) <= TOP):
        raise EventLogError(path, line, "level_after",
                            f"{level!r} is not a rung of the ladder ({_LEVELS})")
    return Event(day, state, int(level), line)
