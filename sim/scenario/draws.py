"""Parameter draws: parameter vectors in a file, one row per draw, one column per key path.

``recsim calibrate`` writes its posterior sample this way, and a scenario names it under
``[uncertainty] draws``; each replicate of a run then takes its parameters from one row.
Only parameters the engine can vary replicate by replicate may be drawn:

    weights.<weight>    thresholds.<threshold>    states.<ID>.propensity
    states.<ID>.<factor>   (connectivity, minerals, security, water, opposition, ...)

A file is CSV (a header of key paths, then numbers) or Parquet. Loading a scenario checks
the header only; the numbers are read, and checked, when a run needs them.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .bounded import DRAWS_LIMIT, check_bounded
from .inputs import read_input
from .ladder import FACTORS
from .parts import Thresholds, Weights
from .schema import Scenario

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DrawsError", "ParameterDraws", "check_uncertainty", "read_draws",
           "replicate_path_problem", "value_bounds"]

_WEIGHT_RANGE = (-100.0, 100.0)  # parts.Weight
_INTENSITY_RANGE = (0.0, 10.0)  # parts.Intensity


class DrawsError(ValueError):
    """Draws that cannot be used; ``path`` is the scenario key they belong to."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


def replicate_path_problem(scenario: Scenario, path: str) -> str | None:
    """Why ``path`` cannot vary replicate by replicate, or None if it can."""
    parts = path.split(".")
    if parts[0] == "weights" and len(parts) == 2 and parts[1] in Weights.model_fields:
        return None
    if parts[0] == "thresholds" and len(parts) == 2 and parts[1] in Thresholds.model_fields:
        return None
    if parts[0] == "states" and len(parts) == 3 and parts[2] in ("propensity", *FACTORS):
        if parts[1] in scenario.states:
            return None
        return f"{path!r}: no state {parts[1]!r} in scenario {scenario.name!r}"
    return (f"{path!r} cannot vary from replicate to replicate; draws may set weights.*, "
            "thresholds.*, states.ID.propensity and states.ID.<factor>")


def value_bounds(path: str) -> tuple[float, float]:
    """The values a drawn parameter may take: the schema's own range for that key."""
    return _INTENSITY_RANGE if path.rsplit(".", 1)[-1] in FACTORS and \
        path.startswith("states.") else _WEIGHT_RANGE


_WHAT = "a draws file (.csv or .parquet)"  # what a refusal asks for instead


def _columns(path: Path) -> list[str]:
    """The column names of a draws file, without reading its numbers."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    with path.open(newline="", encoding="utf-8") as stream:
        return [name.strip() for name in next(csv.reader(stream), [])]


def check_uncertainty(scenario: Scenario) -> None:
    """The draws file is there with per-replicate columns, and ``means`` name such paths."""
    spec = scenario.uncertainty
    columns: list[str] = []
    if spec.draws is not None:
        path = Path(spec.draws)
        if not path.exists():
            raise DrawsError(("uncertainty", "draws"), f"{path}: no such file (paths are "
                                                       "relative to the scenario file)")
        try:
            check_bounded(path, DRAWS_LIMIT, _WHAT)
            columns = _columns(path)
        except (OSError, ValueError, csv.Error) as exc:
            raise DrawsError(("uncertainty", "draws"), f"{path}: cannot read: {exc}") from None
        if not columns:
            raise DrawsError(("uncertainty", "draws"), f"{path}: no columns; the first row "
                                                       "names a key path per column")
        for column in columns:
            problem = replicate_path_problem(scenario, column)
            if problem is not None:
                raise DrawsError(("uncertainty", "draws"), f"{path}: column {problem}")
    for key, value in spec.means.items():
        problem = replicate_path_problem(scenario, key)
        if problem is not None:
            raise DrawsError(("uncertainty", "means", key), problem)
        low, high = value_bounds(key)
        if not low <= value <= high:
            raise DrawsError(("uncertainty", "means", key), f"must be in [{low:g}, {high:g}]")
        if spec.draws is not None and key not in columns:
            raise DrawsError(("uncertainty", "means", key), "not a column of the draws file")


@dataclass(frozen=True, eq=False)
class ParameterDraws:
    """``values[d, j]``: parameter ``paths[j]`` in draw ``d``."""

    paths: tuple[str, ...]
    values: np.ndarray

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def means(self) -> dict[str, float]:
        return {p: float(v) for p, v in zip(self.paths, self.values.mean(axis=0), strict=True)}


def read_draws(path: str | Path) -> ParameterDraws:
    """Read and check a draws file (cached per file content)."""
    path = Path(path)
    try:
        check_bounded(path, DRAWS_LIMIT, _WHAT)
        info = os.stat(path)
    except OSError as exc:
        raise DrawsError(("uncertainty", "draws"), f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise DrawsError(("uncertainty", "draws"), f"{path}: {exc}") from None
    return _read(str(path), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=4)
def _read(path: str, stamp: int, size: int) -> ParameterDraws:
    import numpy as np  # only runs read the numbers: validating a scenario stays light

    file = Path(path)
    where = ("uncertainty", "draws")
    try:
        data = read_input(file, DRAWS_LIMIT, _WHAT)  # hashed once
        if file.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(io.BytesIO(data))
            paths = tuple(table.column_names)
            values = np.column_stack([table.column(p).to_numpy().astype(float) for p in paths])
        else:
            text = data.decode("utf-8")
            paths = tuple(name.strip() for name in next(csv.reader(io.StringIO(text)), []))
            values = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, ndmin=2,
                                dtype=float)
    except (OSError, ValueError, csv.Error) as exc:
        raise DrawsError(where, f"{path}: cannot read the draws: {exc}") from None
    if values.shape[0] == 0 or values.shape[1] != len(paths):
        raise DrawsError(where, f"{path}: expected at least one row of {len(paths)} numbers")
    for j, column in enumerate(paths):
        low, high = value_bounds(column)
        bad = np.flatnonzero(~np.isfinite(values[:, j]) | (values[:, j] < low) |
                             (values[:, j] > high))
        if bad.size:
            value = values[bad[0], j]
            shown = "nan" if math.isnan(value) else f"{value:g}"
            raise DrawsError(where, f"{path}: draw {bad[0] + 1}, column {column}: {shown} is "
                                    f"outside [{low:g}, {high:g}]")
    values.setflags(write=False)
    return ParameterDraws(paths, values)
