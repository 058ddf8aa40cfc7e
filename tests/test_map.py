"""map.png: country outlines shipped with the package, coloured by the chance of recognition."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import PathPatch
from matplotlib.text import Annotation

from sim.plots.geography import country_names, country_paths
from sim.plots.map import (
    REGION,
    SUBJECT,
    WORLD,
    MapLabel,
    fit_extent,
    interior_point,
    map_figure,
    place_labels,
)
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _summary(scenario, chances: dict[str, float]) -> pd.DataFrame:
    states = list(scenario.states)
    return pd.DataFrame({"state": states, "name": states,
                         "start_level": [scenario.states[s].level for s in states],
                         "p_de_jure": [chances.get(s, 0.0) for s in states]})


def test_outlines_ship_with_the_package_and_cover_every_baseline_actor(baseline):
    paths = country_paths()
    assert len(paths) == 177 and country_names()["COD"] == "Dem. Rep. Congo"
    assert [s for s in baseline.states if s not in paths] == ["EU"]  # a bloc, no outline
    # Kabul lies inside Afghanistan's outline and not inside Pakistan's
    assert paths[SUBJECT].contains_point((69.21, 34.56))
    assert not paths["PAK"].contains_point((69.21, 34.56))


def _collections(fig):
    """(path, facecolour) of every country drawn in the figure's first panel."""
    ax = fig.axes[0]
    out = []
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and len(collection.get_paths()) > 5:
            colours = collection.get_facecolors()
            for i, path in enumerate(collection.get_paths()):
                out.append((path, colours[i % len(colours)]))
    return out


def test_each_state_is_filled_by_its_chance_and_others_are_grey(baseline):
    chances = {"KAZ": 0.9, "UZB": 0.25, "RUS": 1.0}
    fig = map_figure(baseline, _summary(baseline, chances), title="t")
    drawn = {id(path): colour for path, colour in _collections(fig)}
    paths = country_paths()
    cmap = plt.get_cmap("YlOrRd")
    for state, chance in [*chances.items(), ("TKM", 0.0)]:
        assert np.allclose(drawn[id(paths[state])], cmap(chance)), state
    assert np.allclose(drawn[id(paths["BRA"])], to_rgba("#dcdcdc"))  # not in the roster
    assert id(paths[SUBJECT]) not in drawn  # Afghanistan: hatched, never coloured
    hatched = [p for p in fig.axes[0].patches if isinstance(p, PathPatch) and p.get_hatch()]
    assert [p.get_path() for p in hatched] == [paths[SUBJECT]]
    # the EU has no outline: a marker at its capital in its colour
    markers = [c for c in fig.axes[0].collections if not isinstance(c, PathCollection)
               or len(c.get_paths()) <= 5]
    eu = baseline.states["EU"]
    assert any(np.allclose(c.get_offsets(), [[eu.lon, eu.lat]]) for c in markers
               if len(c.get_offsets()) == 1)
    plt.close(fig)


def test_world_view_and_central_asia_inset_with_labels_that_do_not_overlap(baseline):
    fig = map_figure(baseline, _summary(baseline, {"KAZ": 0.5}), title="t")
    world, inset = fig.axes[0], fig.axes[1]
    assert inset.get_xlim() == REGION[0] and inset.get_ylim() == REGION[1]
    (west, east), (south, north) = world.get_xlim(), world.get_ylim()
    assert west < -77 and east > 116 and south < 24 and north > 56  # Washington to Beijing
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in (world, inset):
        boxes = [t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)]
        assert len(boxes) >= 5
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), (a, b)
    inset_labels = {t.get_text() for t in inset.texts}
    assert {"KAZ", "KGZ", "TJK", "TKM", "UZB", "Afghanistan"} <= inset_labels
    assert {"RUS", "CHN"} <= inset_labels  # capitals outside: labelled inside their shapes
    world_labels = {t.get_text() for t in world.texts}
    assert "USA" in world_labels and "KAZ" not in world_labels  # the inset labels KAZ
    plt.close(fig)


@pytest.mark.slow
def test_world_roster_map():
    world = load_scenario(ROOT / "scenarios" / "world" / "world.toml")
    rng = np.random.default_rng(3)
    summary = _summary(world, dict(zip(world.states, rng.random(len(world.states)),
                                       strict=True)))
    fig = map_figure(world, summary, title="world")
    main = fig.axes[0]
    assert main.get_xlim() == WORLD[0]  # the roster spans the globe
    labels = [t for t in main.texts if isinstance(t, Annotation)]
    assert 5 <= len(labels) <= 30
    assert "featured states only" in fig._suptitle.get_text()
    plt.close(fig)


def test_fit_extent_holds_the_points_fills_the_panel_and_stays_in_the_world():
    lons, lats = [-77.0, 116.4, 69.2], [38.9, 39.9, 34.5]
    (x0, x1), (y0, y1) = fit_extent(lons, lats, ratio=2.7)
    assert x0 <= min(lons) and x1 >= max(lons) and y0 <= min(lats) and y1 >= max(lats)
    middle = np.radians((y0 + y1) / 2)
    assert (x1 - x0) / ((y1 - y0) / np.cos(middle)) == pytest.approx(2.7, rel=0.02)
    (x0, x1), (y0, y1) = fit_extent([-170.0, 175.0], [-50.0, 80.0], ratio=2.7)
    assert WORLD[0][0] <= x0 < x1 <= WORLD[0][1]
    assert WORLD[1][0] <= y0 < y1 <= WORLD[1][1]


def test_interior_point_lies_inside_the_shape_and_the_frame():
    paths = country_paths()
    point = interior_point(paths["RUS"], *REGION)
    assert point is not None and paths["RUS"].contains_point(point)
    assert REGION[0][0] < point[0] < REGION[0][1] and REGION[1][0] < point[1] < REGION[1][1]
    assert interior_point(paths["BRA"], *REGION) is None  # not in the frame at all


def test_crowded_labels_are_left_out_rather_than_overlap():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    labels = [MapLabel(f"S{i:02d}", 5.0, 5.0, 9, False) for i in range(10)]
    labels.append(MapLabel("KEEP", 5.0, 5.0, 9, True))
    placed = place_labels(ax, labels, keep={"KEEP"})
    assert 2 <= len(placed) <= 7 and "KEEP" in placed  # six offsets, and the one kept
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text() != "KEEP"]
    assert all(not a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close(fig)
