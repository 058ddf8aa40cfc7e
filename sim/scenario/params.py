"""Parameter paths: every number in a scenario, addressed by its dotted key path.

A path spells the keys as they are written in the scenario file, joined by dots; array
entries are addressed by their position, counted from 0:

    weights.social          thresholds.level_3      states.KAZ.security
    ties.3.weight           shocks.0.magnitude

The paths are read off the scenario's own dumped structure (``model_dump(by_alias=True)``),
so any numeric field the schema gains later is addressable without changes here.
Setting values returns a new, fully validated :class:`~sim.scenario.schema.Scenario`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .loading import scenario_from_dict
from .schema import Scenario

__all__ = [
    "ParameterError",
    "check_path",
    "get_value",
    "is_integer_path",
    "numeric_paths",
    "with_values",
]


class ParameterError(ValueError):
    """A parameter path that does not name a number of the scenario."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _walk(node: Any, prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf of a dumped scenario with its key path."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _walk(value, (*prefix, str(key)))
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from _walk(value, (*prefix, str(index)))
    else:
        yield prefix, node


def numeric_paths(scenario: Scenario) -> dict[str, int | float]:
    """Every number the scenario holds, by dotted path, in file order (booleans excluded).

    ``[uncertainty] means`` are left out: they describe the draws, they are not parameters.
    """
    data = scenario.model_dump(by_alias=True, exclude={"uncertainty"})
    return {".".join(path): value for path, value in _walk(data, ()) if _is_number(value)}


def _child(node: Any, key: str) -> Any:
    if isinstance(node, Mapping):
        return node[key]
    if isinstance(node, list | tuple) and key.isdigit():
        return node[int(key)]
    raise KeyError(key)


def _lookup(data: Any, path: str) -> Any:
    node = data
    keys = path.split(".")
    for depth, key in enumerate(keys):
        where = ".".join(keys[:depth])
        if not isinstance(node, Mapping | list | tuple):
            raise ParameterError(f"unknown parameter {path!r}: {where!r} is a number, not a table")
        if isinstance(node, list | tuple) and not (key.isdigit() and int(key) < len(node)):
            raise ParameterError(
                f"unknown parameter {path!r}: {where!r} is a list of {len(node)} entries, "
                f"addressed by position 0 to {len(node) - 1}{_example(node[:1], where)}"
            )
        try:
            node = _child(node, key)
        except (KeyError, IndexError):
            raise ParameterError(_unknown(data, path)) from None
    return node


def _unknown(data: Any, path: str) -> str:
    known = [".".join(p) for p, value in _walk(data, ()) if _is_number(value)]
    close = difflib.get_close_matches(path, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else " (see 'recsim params SCENARIO')"
    return f"unknown parameter {path!r}{hint}"


def _example(node: Any, prefix: str) -> str:
    example = next((".".join(p) for p, v in _walk(node, (prefix,)) if _is_number(v)), None)
    return f"; name one of its numbers, e.g. {example!r}" if example else ""


def get_value(scenario: Scenario, path: str) -> Any:
    """The value at ``path``, or :class:`ParameterError` naming the closest valid path."""
    return _lookup(scenario.model_dump(by_alias=True), path)


def _checked(data: Any, path: str) -> Any:
    value = _lookup(data, path)
    if value is None or _is_number(value):
        return value
    if isinstance(value, Mapping | list | tuple):
        kind = "a table" if isinstance(value, Mapping) else "a list"
        raise ParameterError(f"parameter {path!r} is {kind}, not a number{_example(value, path)}")
    kind = "true/false switch" if isinstance(value, bool) else type(value).__name__
    hint = ""
    if path.endswith(".at") and isinstance(value, str):  # a shock's month, 'YYYY-MM'
        hint = "; to vary it, write it in the scenario as a month index (0 = start month)"
    raise ParameterError(
        f"parameter {path!r} is not numeric (it holds a {kind}: {value!r}){hint}")


def check_path(scenario: Scenario, path: str) -> None:
    """Raise :class:`ParameterError` unless ``path`` names a number (or an unset optional one)."""
    _checked(scenario.model_dump(by_alias=True), path)


def is_integer_path(scenario: Scenario, path: str) -> bool:
    """True where the scenario holds a whole number (a level, the horizon in months)."""
    return _is_integer(_checked(scenario.model_dump(by_alias=True), path))


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _replace(node: Any, keys: Sequence[str], value: Any) -> Any:
    """A copy of ``node`` with the leaf at ``keys`` replaced; only the path is copied."""
    if not keys:
        return value
    key, rest = keys[0], keys[1:]
    if isinstance(node, Mapping):
        copy = dict(node)
        copy[key] = _replace(node[key], rest, value)
        return copy
    items = list(node)
    items[int(key)] = _replace(items[int(key)], rest, value)
    return items


def with_values(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """A validated copy of ``scenario`` with each path set to its value.

    Whole-number fields take whole numbers: pass 3.0, not 3.4 (a float with no fraction is
    accepted). Raises :class:`ParameterError` for a bad path and
    :class:`~sim.scenario.loading.ScenarioError` when a value is out of range.
    """
    base = scenario.model_dump(by_alias=True)
    data: Any = base
    for path, value in values.items():
        if _is_integer(_checked(base, path)) and float(value).is_integer():
            value = int(value)
        data = _replace(data, path.split("."), value)
    label = ", ".join(f"{path} = {value:g}" for path, value in values.items())
    return scenario_from_dict(data, f"{scenario.name} with {label}")
