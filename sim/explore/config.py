"""What ``recsim explore`` was started with, read by every page the server serves.

The command line sets it (:func:`configure`) before the server imports the page; tests
set it the same way. Nothing else here, so the page and the server share no other state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RUNS_MAX", "Settings", "configure", "current"]

# the most runs the page and `recsim explore --runs` take; it answers in about a second up
# to a few thousand
RUNS_MAX = 100_000


@dataclass(frozen=True)
class Settings:
    """The scenario opened first, the library the picker lists, and where files go."""

    scenario: Path | None = None  # opened first; None: the library's baseline or first file
    library: Path = Path("scenarios")
    results: Path = Path("results")  # 'Run full' writes here, as 'recsim run' does
    saved: Path = field(default_factory=lambda: Path("results") / "explore")  # 'Save scenario'
    runs: int = 2000
    seed: int = 1


_current = Settings()


def configure(settings: Settings) -> None:
    """Use ``settings`` for every page served from now on."""
    global _current
    _current = settings


def current() -> Settings:
    """The settings pages are served with."""
    return _current
