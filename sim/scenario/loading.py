"""Read scenario files: TOML, ``extends`` inheritance, and errors that name file and key."""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
import os
import pickle
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from .bounded import SCENARIO_LIMIT, InputFileError
from .checks import unknown_states
from .eventlog import EventLogError, read_event_log
from .inputs import read_input
from .schema import Scenario

__all__ = ["ScenarioError", "load_scenario", "resolve_file", "scenario_from_dict", "scenario_hash"]


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` holds (key path, message) pairs."""

    def __init__(self, file: str | Path, problems: list[tuple[str, str]]) -> None:
        self.file = str(file)
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem: ``FILE: KEY: message``."""
        return [
            f"{self.file}: {path}: {message}" if path else f"{self.file}: {message}"
            for path, message in self.problems
        ]


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


@functools.cache
def _vocabulary() -> dict[str, list[str]]:
    """Every key (field name or alias) a scenario file can hold, with the tables that hold
    it ('' for the top level)."""
    owners: dict[str, list[str]] = {}
    seen: set[type] = set()

    def visit(annotation: Any, table: str) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            for name, field in annotation.model_fields.items():
                key = field.alias or name
                if table not in owners.setdefault(key, []):
                    owners[key].append(table)
                visit(field.annotation, f"{table}.{key}" if table else key)
        for arg in get_args(annotation):
            visit(arg, table)

    visit(Scenario, "")
    return owners


def _unknown_key(key: Any) -> str:
    owners = _vocabulary()
    if str(key) in owners:  # a real key in the wrong table
        tables = ", ".join(f"[{table}]" if table else "the top level"
                           for table in owners[str(key)][:3])
        hint = f"'{key}' is a key of {tables}, not of this table; "
    else:
        close = difflib.get_close_matches(str(key), list(owners), n=1, cutoff=0.75)
        hint = f"did you mean '{close[0]}'? " if close else "check the spelling; "
    return f"unknown key ({hint}see docs/scenarios.md)"


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        loc = loc + tuple(getattr(cause, "path", ()))
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = _unknown_key(loc[-1] if loc else "")
        elif item["type"] == "missing":
            message = "required key is missing"
        problems.append((_dotted(loc), message))
    return problems


# Tables taken as a whole: a child that sets one replaces its parent's (posterior means
# belong to the draws file next to them, never to another).
_WHOLE_TABLES = ("uncertainty",)


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key (but those of ``_WHOLE_TABLES``); any other value, arrays
    included, replaces the parent's."""
    merged = dict(base)
    for key, value in override.items():
        if key in _WHOLE_TABLES:
            merged[key] = value
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    """The parsed file; a parent read before (``extends``) is parsed once per content."""
    try:
        raw = read_input(path, SCENARIO_LIMIT, "a scenario file (.toml)")  # bytes hashed once
    except InputFileError as exc:
        raise ScenarioError(shown, [("", str(exc))]) from None
    except FileNotFoundError:
        raise ScenarioError(shown, [("", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(shown, [("", "is a directory; give a scenario file (.toml)")]) from None
    except OSError as exc:
        raise ScenarioError(shown, [("", f"cannot read file: {exc}")]) from None
    # a fresh copy, since callers merge into it; pickle copies plain data fastest
    return pickle.loads(_parse_toml(raw, shown))


@functools.lru_cache(maxsize=32)
def _parse_toml(raw: bytes, shown: str) -> bytes:
    """The table of a TOML text, pickled: parsing is the slow part of loading a scenario."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(shown, [("", f"cannot read file: {exc}")]) from None
    try:
        data = tomllib.loads(text)
        bad = _non_finite(data, ())
        pickled = pickle.dumps(data)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(shown, [("", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise ScenarioError(shown, [("", _TOO_DEEP)]) from None
    if bad is not None:
        raise ScenarioError(shown, [(bad, "must be a finite number, not nan or inf")])
    return pickled


_TOO_DEEP = ("tables or arrays nested too deeply to read (hundreds of levels); a scenario "
             "nests a few levels at most (see docs/scenarios.md)")


def _non_finite(value: Any, loc: tuple[Any, ...]) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return _dotted(loc)
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite(item, (*loc, key))
        if found is not None:
            return found
    return None


_MOST_EXTENDS = 64  # files in one chain of extends: far more than anyone writes


class _ChainTooLong(ScenarioError):
    """Raised deep in a chain and reported as is, for the first file of the chain."""


def resolve_file(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The raw table of a scenario file with its ``extends`` chain merged in."""
    path = Path(path)
    shown = str(path)
    real = path.resolve()
    data = _read_toml(path, shown)
    _anchor_files(data, path.parent)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(shown, [("extends", "must be a file name such as 'baseline.toml'")])
    parent_path = path.parent / parent
    if len(_seen) >= _MOST_EXTENDS:
        raise _ChainTooLong(_seen[0], [("extends", f"more than {_MOST_EXTENDS} files in a "
                                                   "chain of extends; merge some of them")])
    if parent_path.resolve() in (*_seen, real):
        raise ScenarioError(shown, [("extends", f"cycle: {parent} is already in this chain of "
                                                "extends (it leads back here)")])
    if parent_path.is_dir():
        raise ScenarioError(shown, [("extends", f"{parent_path} is a directory; name a "
                                                "scenario file such as 'baseline.toml'")])
    if not parent_path.is_file():
        raise ScenarioError(
            shown, [("extends", f"no such file {parent_path} (paths are relative to this file)")]
        )
    try:
        base = resolve_file(parent_path, (*_seen, real))
    except _ChainTooLong:
        raise
    except ScenarioError as exc:
        problems = [("extends", f"{exc.file}: {path_}: {msg}") for path_, msg in exc.problems]
        raise ScenarioError(shown, problems) from None
    base.pop("name", None)
    base.pop("description", None)
    return _merge(base, data)


# Keys that name files, by table: read relative to the scenario file that names them.
_FILE_KEYS = (("network", "edges"), ("events", "log"), ("uncertainty", "draws"))


def _anchor_files(data: dict[str, Any], folder: Path) -> None:
    """Make the file names of ``_FILE_KEYS`` absolute, relative to the file naming them."""
    for table, key in _FILE_KEYS:
        section = data.get(table)
        if isinstance(section, dict) and isinstance(section.get(key), str) and section[key]:
            section[key] = os.path.abspath(folder / section[key])


def scenario_from_dict(data: Mapping[str, Any], file: str | Path = "<scenario>") -> Scenario:
    """Validate a raw table into a frozen :class:`Scenario`, or raise :class:`ScenarioError`.

    A population's roster, or one with an edge-list file, is built too
    (sim/scenario/roster.py), so generated networks and edge-list files are checked here.
    """
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(file, _problems(exc)) from None
    if scenario.population is not None or scenario.network.edges is not None:
        _check_roster(scenario, file)
    elif scenario.events.log is not None:  # named states: the log needs no roster
        _check_log(scenario, file)
    if scenario.uncertainty.draws is not None or scenario.uncertainty.means:
        _check_draws(scenario, file)
    return scenario


def _check_log(scenario: Scenario, file: str | Path) -> None:
    """The event log reads, and names only the scenario's states."""
    try:
        read_event_log(scenario.events.log or "", set(scenario.states), scenario=scenario.name)
    except EventLogError as exc:
        raise ScenarioError(file, [("events.log", str(exc))]) from None


def _check_draws(scenario: Scenario, file: str | Path) -> None:
    """The draws file exists, and its columns (and the means) name per-replicate parameters."""
    from .draws import DrawsError, check_uncertainty

    try:
        check_uncertainty(scenario)
    except DrawsError as exc:
        raise ScenarioError(file, [(_dotted(exc.path), str(exc))]) from None


def _check_roster(scenario: Scenario, file: str | Path) -> None:
    """Build the roster (reading edge lists) and check the states shocks and projects name."""
    from .roster import RosterError, roster_of  # numpy and scipy: only when a roster is needed

    try:
        roster = roster_of(scenario)
    except RosterError as exc:
        raise ScenarioError(file, [(_dotted(exc.path), str(exc))]) from None
    problem = unknown_states(scenario, roster.state_ids)
    if problem is not None:
        raise ScenarioError(file, [(_dotted(problem[0]), problem[1])])


def load_scenario(path: str | Path) -> Scenario:
    """Load, inherit and validate a scenario file.

    Every problem is a :class:`ScenarioError`, even one that exhausts Python's recursion,
    so a batch can go on to the next file.
    """
    try:
        return scenario_from_dict(resolve_file(path), path)
    except RecursionError:
        raise ScenarioError(path, [("", _TOO_DEEP)]) from None


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario, so a manifest pins exactly what ran."""
    canonical = json.dumps(scenario.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
