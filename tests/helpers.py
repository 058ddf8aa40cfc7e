"""Tiny scenarios built in code, for tests that need exact, hand-checkable numbers."""

from __future__ import annotations

from pathlib import Path
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


def ring_scenario(months: int = 240, *, social: float = 3.0, level_2: float = 3.5,
                  **extra: Any) -> Scenario:
    """Six states in a ring, one recognising from the start, with known parameters that
    keep them moving up and down (about a hundred moves in 20 years); a record simulated
    from it starts in 2000-01."""
    ids = ["A", "B", "C", "D", "E", "F"]
    states = {s: {"name": s, "level": 3 if s == "A" else 0, "propensity": -0.5,
                  "security": 1.0} for s in ids}
    ties = [{"from": a, "to": b} for a, b in zip(ids, ids[1:] + ids[:1], strict=True)]
    data = {
        "name": "ring", "start": "2000-01", "months": months,
        "weights": {"social": social, "security": 0.5},
        "thresholds": {"level_1": 2.5, "level_2": level_2, "level_3": 4.5, "downgrade": 1.0},
        "states": states, "ties": ties,
    } | extra
    return scenario_from_dict(data)


def ring_files(directory: Path, scenario: Scenario, *, seed: int) -> tuple[Path, Path]:
    """``scenario`` as ring.toml and a record simulated from it as log.csv, in ``directory``."""
    from sim.calibrate.records import simulate_record
    from sim.results.files import scenario_toml

    log = simulate_record(scenario, seed)
    log_path = directory / "log.csv"
    log_path.write_text("date,state,level_after\n" + "".join(
        f"{e.day},{e.state},{e.level}\n" for e in log.events))
    file = directory / "ring.toml"
    file.write_text(scenario_toml(scenario))
    return file, log_path
