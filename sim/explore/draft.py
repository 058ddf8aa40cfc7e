"""The scenario being edited in the explorer: a raw table the controls change, checked on load.

A :class:`Draft` holds the scenario as loaded (the reference of every comparison) and the
raw table of the edited one, in the shape a scenario file has (``model_dump(by_alias=True)``).
Every control replaces one value of that table; :meth:`Draft.check` validates it with the
same loader as ``recsim validate`` (:func:`~sim.scenario.loading.scenario_from_dict`), naming
the file it came from, so a bad value reads exactly as the command line would print it.
Tables are never changed in place: each edit returns a new draft, which is what lets the
page notice a change. No Solara here: the page and the tests use the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.uncertainty import drawn_paths, without_uncertainty
from ..scenario.ladder import FACTORS, TOP
from ..scenario.loading import ScenarioError, load_scenario, scenario_from_dict
from ..scenario.schema import Scenario
from ..scenario.shocks import SHOCK_KINDS

__all__ = [
    "Draft",
    "Problem",
    "blank_shock",
    "default_shock_month",
    "month_value",
    "shock_with_kind",
    "with_value",
]

# Keys every kind of shock has (sim/scenario/shocks.py, ``_Timed``)
_TIMING_KEYS = ("name", "description", "at", "hazard", "repeat")
_REPEATS = ("attack", "incentive")  # the kinds that may repeat
_STATES_KINDS = ("recognize", "incentive", "bloc")  # the kinds that name ``states``


@dataclass(frozen=True)
class Problem:
    """What is wrong with a draft: the key path (``shocks.0.at``) and the CLI's one line."""

    path: str
    line: str

    @classmethod
    def of(cls, error: ScenarioError) -> Problem:
        """The first problem of ``error``, as ``recsim validate`` prints it first."""
        path = error.problems[0][0] if error.problems else ""
        return cls(path, error.lines()[0])

    def concerns(self, prefix: str) -> bool:
        """Whether the problem lies at ``prefix`` or below (``shocks.0`` holds ``shocks.0.at``)."""
        return self.path == prefix or self.path.startswith(prefix + ".")


def with_value(data: Any, path: Sequence[str | int], value: Any) -> Any:
    """A copy of ``data`` with the value at ``path`` replaced; only the path is copied."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(data, Mapping):
        copy = dict(data)
        copy[key] = with_value(data.get(key), rest, value)
        return copy
    items = list(data)
    items[int(key)] = with_value(items[int(key)], rest, value)
    return items


def month_value(text: str) -> int | str:
    """A shock month as typed: a month index (``12``) or a calendar month (``2026-07``)."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def _unique_name(taken: set[str], stem: str) -> str:
    number = 1
    while f"{stem}_{number}" in taken:
        number += 1
    return f"{stem}_{number}"


def default_shock_month(scenario: Scenario) -> str:
    """Where a new fixed-date shock starts: six months in (or at the horizon), YYYY-MM."""
    return scenario.month_date(min(6, scenario.months)).strftime("%Y-%m")


def blank_shock(scenario: Scenario, kind: str = "recognize",
                taken: set[str] | None = None) -> dict[str, Any]:
    """A new shock of ``kind`` with sensible defaults: six months in, the first states."""
    states = list(scenario.states)
    first = "CHN" if "CHN" in states else (states[0] if states else "")
    base = {
        "name": _unique_name(taken or set(), "shock"),
        "description": "",
        "at": default_shock_month(scenario),
        "hazard": None,
        "repeat": False,
        "kind": "recognize",
        "states": [first] if first else [],
        "level": TOP,
    }
    return shock_with_kind(base, kind, scenario)


def shock_with_kind(shock: Mapping[str, Any], kind: str, scenario: Scenario) -> dict[str, Any]:
    """``shock`` turned into a ``kind`` shock: its name, timing and states kept where the
    new kind has them, every other key at a default that makes sense for this scenario."""
    if kind not in SHOCK_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of: {', '.join(SHOCK_KINDS)}")
    new: dict[str, Any] = {key: shock.get(key) for key in _TIMING_KEYS}
    new["description"] = new["description"] or ""
    new["repeat"] = bool(new["repeat"]) and kind in _REPEATS
    new["kind"] = kind
    roster = list(scenario.states)
    states = list(shock.get("states") or [])
    if not states:  # from a tie shock, or none at all: take what the shock named
        states = [s for s in (shock.get("from"), shock.get("to")) if s] or roster[:1]
    if kind == "recognize":
        new |= {"states": states, "level": shock.get("level", TOP)}
    elif kind == "attack":
        projects = list(scenario.projects)
        new |= {"project": shock.get("project") or (projects[0] if projects else ""),
                "connectivity_loss": 1.0, "security_gain": 1.0, "recovery_months": 12}
    elif kind == "incentive":
        new |= {"states": states, "factor": shock.get("factor") or FACTORS[0], "add": 1.0,
                "scale": None, "half_life": None}
    elif kind == "tie":
        source = states[0] if states else (roster[0] if roster else "")
        target = states[1] if len(states) > 1 else next((s for s in roster if s != source), "")
        new |= {"from": source, "to": target, "weight": 1.0, "back_weight": None}
    else:  # bloc
        extra = [s for s in roster if s not in states]
        new |= {"states": states + extra[: max(0, 2 - len(states))]}
    return new


@dataclass(frozen=True)
class Draft:
    """A scenario file as loaded (``base``) and as edited (``data``, a raw table).

    ``source`` is the file's path as the user gave it: problems name it, as the command
    line does.
    """

    source: Path
    base: Scenario
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Draft:
        """The scenario file at ``path``, unedited; :class:`ScenarioError` if it is invalid."""
        base = load_scenario(path)
        return cls(Path(path), base, base.model_dump(by_alias=True))

    def check(self) -> Scenario:
        """The edited scenario, validated; :class:`ScenarioError` naming the file if not."""
        return scenario_from_dict(self.data, self.source)

    def set(self, path: Sequence[str | int], value: Any) -> Draft:
        """A draft with one value of the table replaced."""
        return Draft(self.source, self.base, with_value(self.data, path, value))

    def get(self, path: Sequence[str | int]) -> Any:
        """The value at ``path`` of the edited table (None where there is none)."""
        node: Any = self.data
        for key in path:
            if isinstance(node, Mapping):
                node = node.get(key)
            elif isinstance(node, list | tuple) and int(key) < len(node):
                node = node[int(key)]
            else:
                return None
        return node

    @property
    def shocks(self) -> list[dict[str, Any]]:
        """The edited shocks, in file order."""
        return list(self.data.get("shocks") or [])

    def add_shock(self, kind: str = "recognize") -> Draft:
        """A draft with one more shock, named so that no other shock has its name."""
        taken = {str(s.get("name")) for s in self.shocks}
        return self.set(["shocks"], [*self.shocks, blank_shock(self.base, kind, taken)])

    def remove_shock(self, index: int) -> Draft:
        """A draft without shock ``index``."""
        shocks = self.shocks
        return self.set(["shocks"], shocks[:index] + shocks[index + 1:])

    def change_kind(self, index: int, kind: str) -> Draft:
        """A draft whose shock ``index`` is of ``kind`` (see :func:`shock_with_kind`)."""
        return self.set(["shocks", index], shock_with_kind(self.shocks[index], kind, self.base))

    def at_point_estimates(self) -> Draft:
        """This draft as ``recsim run --no-uncertainty`` runs it: the file and the edits at
        their point estimates, no draws (the draft must be valid)."""
        edited = without_uncertainty(self.check())
        return Draft(self.source, without_uncertainty(self.base),
                     edited.model_dump(by_alias=True))

    def with_draws(self, loaded: Scenario) -> Draft:
        """This draft with the draws of ``loaded`` (the file as loaded) back on; the drawn
        parameters read as in the file again, since each run draws its own."""
        dump = loaded.model_dump(by_alias=True)
        data = dict(self.data) | {"uncertainty": dump.get("uncertainty")}
        as_loaded = Draft(self.source, loaded, dump)
        for path in drawn_paths(loaded):
            keys = path.split(".")
            data = with_value(data, keys, as_loaded.get(keys))
        return Draft(self.source, loaded, data)

    @property
    def edited(self) -> bool:
        """Whether any value differs from the file as loaded."""
        return self.data != self.base.model_dump(by_alias=True)
