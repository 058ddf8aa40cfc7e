"""The world roster: 193 UN members on file, 192 deciders in the scenario, and it runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model.model import RecognitionModel
from sim.model.network import tie_matrix
from sim.scenario.ladder import TOP
from sim.scenario.loading import load_scenario
from sim.scenario.roster import roster_of

WORLD = Path(__file__).resolve().parents[1] / "scenarios" / "world"


@pytest.fixture(scope="module")
def world():
    return load_scenario(WORLD / "world.toml")


def test_roster_table_lists_the_193_un_members_once():
    table = pd.read_csv(WORLD / "states.csv", keep_default_na=False)
    assert len(table) == 193 and table["state"].is_unique
    assert table["state"].str.fullmatch(r"[A-Z]{3}").all()
    assert table["lat"].between(-90, 90).all() and table["lon"].between(-180, 180).all()
    assert {"AFG", "KAZ", "USA", "TUV", "VAT"} & set(table["state"]) == {"AFG", "KAZ", "USA",
                                                                         "TUV"}


def test_borders_in_the_table_are_symmetric():
    table = pd.read_csv(WORLD / "states.csv", keep_default_na=False).set_index("state")
    borders = {s: set(filter(None, b.split(";"))) for s, b in table["land_borders"].items()}
    assert all(state in borders[other] for state, near in borders.items() for other in near)
    assert {"CHN", "KGZ", "RUS", "TKM", "UZB"} == borders["KAZ"]


def test_world_scenario_has_192_deciders_all_tied_into_the_network(world):
    ids = roster_of(world).state_ids
    assert len(ids) == 192 and "AFG" not in ids
    ties = tie_matrix(world)
    assert np.all(ties.sum(axis=1) > 0)  # nobody isolated: islands share organisations
    edges = pd.read_csv(WORLD / "ties.csv", keep_default_na=False)
    kaz, chn = ids.index("KAZ"), ids.index("CHN")
    listed = edges.query("source == 'CHN' and target == 'KAZ'")["weight"].item()
    assert ties[chn, kaz] > listed > 1.0  # border, SCO; plus the baseline's inline tie


def test_world_scenario_runs_and_keeps_russia_recognising(world):
    model = RecognitionModel(world, 20, rng=1)
    model.run(12)
    russia = roster_of(world).state_ids.index("RUS")
    assert np.all(model.levels[russia] == TOP)
    assert model.levels.min() >= 0 and model.levels.max() <= TOP
