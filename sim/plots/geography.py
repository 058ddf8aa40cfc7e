"""Country outlines for maps: Natural Earth 1:110m countries, shipped with the package.

The GeoJSON (``sim/plots/data``, public domain; its README gives the source) is read once a
process and turned into one matplotlib :class:`~matplotlib.path.Path` per country, keyed by
ISO3 code, in longitude/latitude. No projection library: maps are drawn equirectangular.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import numpy as np
from matplotlib.path import Path

__all__ = ["COUNTRIES_FILE", "country_names", "country_paths", "ring_path"]

COUNTRIES_FILE = "ne_110m_countries.geojson"


def ring_path(polygons: Iterable[Iterable[Any]]) -> Path:
    """One compound path from GeoJSON polygons (each a list of rings of [lon, lat] points)."""
    vertices, codes = [], []
    for polygon in polygons:
        for ring in polygon:
            points = np.asarray(ring, dtype=float)[:, :2]
            if len(points) < 3:
                continue
            ring_codes = np.full(len(points), Path.LINETO, dtype=Path.code_type)
            ring_codes[0] = Path.MOVETO
            ring_codes[-1] = Path.CLOSEPOLY
            vertices.append(points)
            codes.append(ring_codes)
    if not vertices:
        return Path(np.zeros((0, 2)))
    return Path(np.concatenate(vertices), np.concatenate(codes))


@functools.cache
def _features() -> tuple[tuple[str, str, Path], ...]:
    text = resources.files("sim.plots").joinpath("data", COUNTRIES_FILE).read_text("utf-8")
    out = []
    for feature in json.loads(text)["features"]:
        geometry = feature["geometry"]
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        props = feature["properties"]
        out.append((str(props["iso3"]), str(props["name"]), ring_path(polygons)))
    return tuple(out)


def country_paths() -> Mapping[str, Path]:
    """ISO3 code -> outline in (lon, lat), for the 177 countries of the 1:110m file."""
    return {iso3: path for iso3, _, path in _features()}


def country_names() -> Mapping[str, str]:
    """ISO3 code -> Natural Earth's short name ('Dem. Rep. Congo')."""
    return {iso3: name for iso3, name, _ in _features()}
