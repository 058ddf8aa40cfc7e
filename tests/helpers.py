"""Tiny scenarios built in code, for tests that need exact, hand-checkable numbers."""

from __future__ import annotations

from typing import Any

from sim.scenario.loading import scenario_from_dict
from sim.scenario.schema import Scenario


def tiny(states: dict[str, dict[str, Any]], ties: list[dict[str, Any]] | None = None,
         **top: Any) -> Scenario:
    """A validated scenario from plain dicts; ``top`` sets root keys such as weights."""
    data: dict[str, Any] = {"name": "tiny", "months": 12, "states": {}, "ties": ties or []}
    for state, spec in states.items():
        data["states"][state] = {"name": state, **spec}
    data.update(top)
    return scenario_from_dict(data, "tiny.toml")
