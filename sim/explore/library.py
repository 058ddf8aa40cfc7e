"""The scenarios the explorer's picker offers: the library's files and any given by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..scenario.loading import ScenarioError, load_scenario

__all__ = ["Entry", "library_entries"]


@dataclass(frozen=True)
class Entry:
    """One file of the picker: its path, a label, and its description or its first problem."""

    path: Path
    label: str
    description: str = ""
    problem: str | None = None  # the line 'recsim validate' prints first, if invalid


def _entry(path: Path) -> Entry:
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        return Entry(path, f"{path.stem} (invalid)", problem=exc.lines()[0])
    return Entry(path, scenario.name, " ".join(scenario.description.split()))


def library_entries(directory: Path, extra: Iterable[Path] = ()) -> list[Entry]:
    """``extra`` files first, then every ``*.toml`` of ``directory`` (as ``recsim list``)."""
    paths = [Path(p) for p in extra]
    if directory.is_dir():
        known = {p.resolve() for p in paths}
        paths += [p for p in sorted(directory.glob("*.toml")) if p.resolve() not in known]
    return [_entry(path) for path in paths]
