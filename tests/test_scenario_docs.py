"""docs/scenarios.md documents every key the schema accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from sim.scenario.parts import (
    Events,
    ModelSpec,
    Network,
    StateSpec,
    Thresholds,
    Tie,
    Uncertainty,
    Weights,
)
from sim.scenario.population import Adopters, Population, ThresholdSpec
from sim.scenario.schema import Scenario
from sim.scenario.shocks import SHOCK_KINDS, SHOCK_MODELS, Project

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
MODELS = [Scenario, Weights, Thresholds, ModelSpec, ThresholdSpec, Network, StateSpec, Tie,
          Population, Adopters, Project, Events, Uncertainty, *SHOCK_MODELS.values()]


def keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_key_is_in_a_table_row(model):
    text = DOC.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    for key in keys(model):
        assert any(f"`{key}`" in row for row in rows), f"{model.__name__}.{key} undocumented"


def test_extends_and_every_shock_kind_have_a_section_and_an_example():
    text = DOC.read_text()
    assert "## `extends`" in text
    for kind in SHOCK_KINDS:
        assert f"### `{kind}`" in text
        assert re.search(rf'```toml\n\[\[shocks\]\]\nkind = "{kind}"', text), kind
