"""Ties from a CSV edge list: a header ``source,target`` with optional ``weight`` and ``kind``.

Each row says ``source`` watches ``target`` with ``weight`` (default 1); unless the
scenario's network is directed, ``target`` watches ``source`` just as much. Rows that
repeat a pair add up. Problems are reported with the file and the line.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .bounded import EDGE_LIST_LIMIT, InputFileError, read_bounded

__all__ = ["EdgeList", "EdgeListError", "read_edge_list"]

_COLUMNS = ("source", "target", "weight", "kind")
_MAX_WEIGHT = 100.0
_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


class EdgeListError(ValueError):
    """An edge list that cannot be used; ``where`` is e.g. ``line 12`` or ``header``."""

    def __init__(self, file: str | Path, where: str, message: str) -> None:
        self.file = _shown(Path(file))
        self.where = where
        self.message = message
        super().__init__(f"{self.file}: {where}: {message}")


@dataclass(frozen=True, eq=False)
class EdgeList:
    """Rows of an edge list; ``line(i)`` is the file line of row i (the header is line 1)."""

    file: str
    sources: np.ndarray  # object array of labels
    targets: np.ndarray
    weights: np.ndarray  # float64 > 0

    def __len__(self) -> int:
        return len(self.sources)

    @staticmethod
    def line(row: int) -> str:
        return f"line {row + 2}"

    def labels(self) -> list[str]:
        """Distinct labels in order of first appearance (row by row, source before target)."""
        both = np.column_stack([self.sources, self.targets]).ravel()
        return list(dict.fromkeys(both.tolist()))


def _shown(path: Path) -> str:
    """The path as a reader would type it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_table(path: Path) -> pd.DataFrame:
    try:
        raw = read_bounded(path, EDGE_LIST_LIMIT, "an edge list (.csv)")
        with warnings.catch_warnings():
            # index_col=False: a first row longer than the header must not silently become
            # an index column (pandas' default), shifting every label one column left
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.BytesIO(raw), encoding="utf-8", dtype=str,
                               keep_default_na=False, na_filter=False, skip_blank_lines=False,
                               skipinitialspace=True, index_col=False)
    except pd.errors.ParserWarning:
        raise _long_row(path, raw) from None
    except InputFileError as exc:
        raise EdgeListError(path, "file", str(exc)) from None
    except FileNotFoundError:
        raise EdgeListError(path, "file", "not found (paths are relative to the scenario "
                                          "file that names them)") from None
    except pd.errors.EmptyDataError:
        raise EdgeListError(path, "header", "the file is empty; expected "
                                            "'source,target[,weight]'") from None
    except pd.errors.ParserError as exc:
        match = _FIELDS.search(str(exc))
        if match:
            expected, line, saw = match.groups()
            raise EdgeListError(path, f"line {line}",
                                f"expected {expected} fields, saw {saw}") from None
        raise EdgeListError(path, "file", f"not a valid CSV file: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EdgeListError(path, "file", f"cannot read: {exc}") from None


def _long_row(path: Path, raw: bytes) -> EdgeListError:
    """The first row with more fields than the header (pandas only says that there is one)."""
    with io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream, skipinitialspace=True)
        width = len(next(rows, []))
        for row in rows:
            if len(row) > width:
                return EdgeListError(path, f"line {rows.line_num}",
                                     f"expected {width} fields, saw {len(row)}")
    return EdgeListError(path, "file", "a row has more fields than the header")


def read_edge_list(path: str | Path) -> EdgeList:
    """Read and check an edge list (labels are checked against states by the caller)."""
    path = Path(path)
    table = _read_table(path)
    columns = [str(c).strip() for c in table.columns]
    for column in columns:
        if column not in _COLUMNS:
            raise EdgeListError(path, "header", f"unknown column {column!r}; expected "
                                                "source,target and optionally weight, kind")
    for column in ("source", "target"):
        if column not in columns:
            raise EdgeListError(path, "header", f"missing column {column!r}; the first line "
                                                "must be 'source,target[,weight]'")
    table.columns = columns
    sources = table["source"].str.strip().to_numpy(dtype=object)
    targets = table["target"].str.strip().to_numpy(dtype=object)
    for name, values in (("source", sources), ("target", targets)):
        empty = np.flatnonzero(values == "")
        if empty.size:
            raise EdgeListError(path, EdgeList.line(int(empty[0])), f"{name} is empty")
    loops = np.flatnonzero(sources == targets)
    if loops.size:
        raise EdgeListError(path, EdgeList.line(int(loops[0])),
                            f"{sources[loops[0]]!r} cannot tie to itself")
    weights = np.ones(len(table))
    if "weight" in columns:
        text = table["weight"].str.strip()
        weights = pd.to_numeric(text.where(text != "", "1"), errors="coerce").to_numpy(float)
        bad = np.flatnonzero(~(np.isfinite(weights) & (weights > 0) & (weights <= _MAX_WEIGHT)))
        if bad.size:
            row = int(bad[0])
            raise EdgeListError(path, EdgeList.line(row), f"weight {text.iloc[row]!r} must be "
                                                          f"a number in (0, {_MAX_WEIGHT:g}]")
    return EdgeList(_shown(path), sources, targets, weights)
