"""Shared fixtures. Test helpers live in tests/helpers.py (tests/ is on sys.path under pytest)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def baseline():
    from sim.scenario.loading import load_scenario

    return load_scenario(ROOT / "scenarios" / "baseline.toml")
