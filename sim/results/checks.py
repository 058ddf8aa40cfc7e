"""What each table of a results directory may hold, checked when it is read back.

``recsim plot`` draws whatever it reads, so a damaged file (a word where a number belongs, a
chance of 7.5, a missing column) must stop it with one line naming the file, the line and
the column, before anything is drawn. Each table is described once here, as columns of
:class:`Number` or :class:`Text`; :func:`check_table` checks a whole column at a time with
pandas and raises :class:`ResultsDirError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "RERUN",
    "Number",
    "ResultsDirError",
    "Text",
    "check_table",
    "comparison_columns",
    "curve_columns",
    "effect_columns",
    "forecast_columns",
    "runs_columns",
    "summary_columns",
]

RERUN = "write it again with 'recsim run' (or 'recsim batch')"
_MONTH = re.compile(r"^\d{4}-\d{2}$")


class ResultsDirError(ValueError):
    """A results directory that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Number:
    """A column of numbers from ``low`` to ``high``: whole numbers if ``whole``, and empty
    cells allowed if ``empty``; an ``optional`` column may be absent (older directories)."""

    low: float
    high: float
    whole: bool = False
    empty: bool = False
    optional: bool = False

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        if (self.low, self.high, self.whole) == (0, 1, False):
            span = "a chance from 0 to 1"
        elif np.isinf(self.high):
            span = f"{kind}, {self.low:g} or more"
        else:
            span = f"{kind} from {self.low:g} to {self.high:g}"
        return span + (", or empty" if self.empty else "")


@dataclass(frozen=True)
class Text:
    """A column of non-empty text; with ``month``, a calendar month ``YYYY-MM``."""

    month: bool = False
    optional: bool = False

    def describe(self) -> str:
        return "a month YYYY-MM" if self.month else "text"


Column = Number | Text
_CHANCE = Number(0, 1)
_DIFFERENCE = Number(-1, 1, empty=True)


def summary_columns(months: int) -> dict[str, Column]:
    """summary.csv: one row per state (sim/results/tables.py, ``summary_table``)."""
    return {
        "state": Text(), "name": Text(optional=True), "start_level": Number(0, 3, whole=True),
        "p_de_facto": _CHANCE, "p_de_jure": _CHANCE,
        "p_de_jure_low90": Number(0, 1, optional=True),
        "p_de_jure_high90": Number(0, 1, optional=True),
        "median_month_de_jure": Number(0, months, whole=True, empty=True),
        "p_downgrade": Number(0, 1, optional=True),
        **{name: Number(-1, 1, empty=True, optional=True)
           for name in ("diff_p_de_jure", "diff_p_de_jure_low90", "diff_p_de_jure_high90")},
    }


def curve_columns(months: int, states: int) -> dict[str, Column]:
    """curve.csv: one row per month, counts of states at de jure and at de facto or more."""
    counts: dict[str, Column] = {
        f"{rung}_{stat}": Number(0, states, optional=stat == "q50")
        for rung in ("de_jure", "de_facto") for stat in ("mean", "q05", "q50", "q95")}
    return {"month": Number(0, months, whole=True), "date": Text(month=True), **counts}


def effect_columns(months: int, states: int) -> dict[str, Column]:
    """shock_effects.csv: per month, recognisers with the shocks minus without."""
    spread = Number(-states, states, empty=True)  # no interval from a single run
    return {"month": Number(0, months, whole=True), "date": Text(month=True),
            "diff_de_jure_mean": Number(-states, states), "diff_de_jure_low90": spread,
            "diff_de_jure_high90": spread, "diff_de_jure_q05": Number(-states, states),
            "diff_de_jure_q95": Number(-states, states)}


def forecast_columns(names: Iterable[str]) -> dict[str, Column]:
    """forecast.csv of ``recsim forecast``: the state, its level now, then chances (empty
    where a target does not apply: a state already at the top cannot move up)."""
    return {"state": Text(), "start_level": Number(0, 3, whole=True),
            **{name: Number(0, 1, empty=True) for name in names
               if name not in ("state", "start_level")}}


def runs_columns(months: int, runs: int) -> dict[str, Column]:
    """runs.parquet: one row per run and state; a first month is empty if never reached."""
    first = Number(0, months, whole=True, empty=True)
    return {"run": Number(0, runs - 1, whole=True), "state": Text(),
            "final_level": Number(0, 3, whole=True), "first_month_level_3": first,
            **{name: Number(0, months, whole=True, empty=True, optional=True) for name in
               ("first_month_level_1", "first_month_level_2", "first_month_downgrade")}}


def comparison_columns() -> dict[str, Column]:
    """comparison.csv of a batch (sim/results/compare.py, ``comparison_table``)."""
    return {"scenario": Text(), "state": Text(), "p_de_facto": _CHANCE, "p_de_jure": _CHANCE,
            "median_month_de_jure": Number(0, np.inf, whole=True, empty=True),
            "diff_p_de_jure": _DIFFERENCE, "diff_p_de_jure_low95": _DIFFERENCE,
            "diff_p_de_jure_high95": _DIFFERENCE}


def _bad_rows(values: pd.Series, column: Column) -> np.ndarray:
    """Which rows break ``column``'s rule, as a boolean array."""
    empty = values.isna().to_numpy(dtype=bool)
    if isinstance(column, Text):
        text = values.astype("string").str.strip().fillna("")
        bad = empty | (text == "").to_numpy(dtype=bool)
        if column.month:
            bad |= ~text.str.match(_MONTH).to_numpy(dtype=bool)
        return bad
    if pd.api.types.is_bool_dtype(values):  # True/False read as booleans, not numbers
        array = np.full(len(values), np.nan)
    else:
        array = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = (np.isnan(array) & ~empty) | (array < column.low) | (array > column.high)
        if column.whole:
            bad |= np.isfinite(array) & (array % 1 != 0)
    return bad if column.empty else bad | empty


def check_table(frame: pd.DataFrame, path: Path, columns: Mapping[str, Column], *,
                fix: str = RERUN, header_lines: int | None = 1) -> None:
    """Raise :class:`ResultsDirError` at the first column missing or cell out of its rule;
    a column of numbers that passes but was read as text is converted in place.

    Cells are named by file line (``header_lines`` before the first row; a CSV's header is
    line 1) or, for a file without lines (Parquet, ``header_lines=None``), by row from 1.
    """
    absent = [name for name, column in columns.items()
              if not column.optional and name not in frame.columns]
    if absent:
        raise ResultsDirError(f"{path}: missing column(s) {', '.join(absent)}; {fix}")
    for name, column in columns.items():
        if name not in frame.columns:
            continue
        bad = _bad_rows(frame[name], column)
        if not bad.any():
            if isinstance(column, Number) and not pd.api.types.is_numeric_dtype(frame[name]):
                frame[name] = pd.to_numeric(frame[name])  # numbers the parser left as text
            continue
        row = int(bad.argmax())
        where = f"row {row + 1}" if header_lines is None else f"line {row + header_lines + 1}"
        value = frame[name].iloc[row]
        problem = "is empty, but must be" if _is_empty(value) else f"{_shown(value)} is not"
        raise ResultsDirError(f"{path}: {where}, column {name}: {problem} "
                              f"{column.describe()}; {fix}")


def _is_empty(value: object) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _shown(value: object) -> str:
    """A cell as the file shows it, quoted: '3' rather than numpy's 3.0 or np.int64(3); a
    cell that is not a number (text, bytes, a list in a Parquet file) as Python shows it."""
    if isinstance(value, (bool, np.bool_)):
        return repr(str(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return repr(int(number) if number.is_integer() else number)
    return repr(value)
