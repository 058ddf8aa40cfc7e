"""The table scenario discovery reads: parameter values and outcomes, one row per case.

Two layouts, found by the file a directory holds:

* ``experiments.parquet`` (written by ``recsim explore-space``): one row per run, the
  parameter columns named by key path, then one column per outcome of ``recsim outcomes``
  with that run's value;
* ``sweep.csv`` or ``samples.csv`` (``recsim sweep``, ``recsim sensitivity``): one row per
  design point, ``point``, the parameters, ``runs``, then each outcome (the point's
  estimate, which is what is analysed) and its standard error ``<outcome>_se``.

Which columns are parameters is read from ``manifest.json`` (``parameters``) when it lists
them, and otherwise from the names: a column is an outcome if its name is one of
``recsim outcomes`` (``n_de_jure``, ``p_de_jure:KAZ``, ``months_to_ca:3``, ...).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..study.names import OUTCOME_DOCS

__all__ = ["EXPERIMENT_FILES", "Experiments", "ExperimentsError", "is_outcome_name",
           "read_experiments"]

# Tried in this order; the first a directory holds is read.
EXPERIMENT_FILES = ("experiments.parquet", "sweep.csv", "samples.csv")
_FAMILIES = {name.partition(":")[0] for name in OUTCOME_DOCS}
_WITH_ARGUMENT = {name.partition(":")[0] for name in OUTCOME_DOCS if ":" in name}
_BOOKKEEPING = {"point", "run", "runs", "replicate", "seed"}


class ExperimentsError(ValueError):
    """A directory or table that cannot be analysed; the message names the file."""


@dataclass(frozen=True)
class Experiments:
    """Parameters and outcomes of the cases (runs or design points), row by row."""

    source: Path
    per_run: bool  # one row per run (experiments.parquet), else per design point
    parameters: pd.DataFrame
    outcomes: pd.DataFrame

    def outcome(self, name: str) -> pd.Series:
        """An outcome column, or :class:`ExperimentsError` with a close match."""
        if name in self.outcomes.columns:
            return self.outcomes[name]
        close = difflib.get_close_matches(name, list(self.outcomes.columns), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ExperimentsError(f"{self.source}: no outcome {name!r}; {hint}it has: "
                               + ", ".join(self.outcomes.columns))


def is_outcome_name(column: str) -> bool:
    """An outcome of ``recsim outcomes`` (``p_de_jure:KAZ``, ``n_de_jure``, ...), not its
    standard error (``p_de_jure:KAZ_se``, as sweep.csv writes it)."""
    if column.endswith("_se") and is_outcome_name(column[:-3]):
        return False
    family, colon, arg = column.partition(":")
    if family not in _FAMILIES:
        return False
    return bool(arg) if family in _WITH_ARGUMENT else not colon


def read_experiments(directory: str | Path) -> Experiments:
    """Read the experiments of an ``explore-space``, ``sweep`` or ``sensitivity`` directory."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ExperimentsError(f"{directory}: no such directory")
    found = [directory / name for name in EXPERIMENT_FILES if (directory / name).is_file()]
    if not found:
        raise ExperimentsError(f"{directory}: no experiments: expected one of "
                               f"{', '.join(EXPERIMENT_FILES)} ('recsim explore-space' or "
                               "'recsim sweep' writes them)")
    path = found[0]
    try:
        table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExperimentsError(f"{path}: cannot be read ({reason})") from None
    names = _parameter_names(directory, table, path)
    outcomes = [c for c in table.columns if is_outcome_name(str(c)) and c not in names]
    if not outcomes:
        raise ExperimentsError(f"{path}: no outcome columns (names as 'recsim outcomes' "
                               "lists them)")
    parameters = table[names]
    bad = [c for c in names if not pd.api.types.is_numeric_dtype(parameters[c])]
    if bad:
        raise ExperimentsError(f"{path}: parameter column(s) {', '.join(bad)} are not numeric")
    return Experiments(path, path.suffix == ".parquet", parameters.reset_index(drop=True),
                       table[outcomes].reset_index(drop=True))


def _parameter_names(directory: Path, table: pd.DataFrame, path: Path) -> list[str]:
    """The manifest's ``parameters`` if it lists them, else every column that is neither an
    outcome, its standard error, nor bookkeeping (point, run, runs)."""
    manifest = directory / "manifest.json"
    listed = None
    if manifest.is_file():
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8")).get("parameters")
        except (OSError, ValueError, AttributeError, RecursionError):
            listed = None
    if isinstance(listed, list) and listed and all(isinstance(p, str) for p in listed):
        absent = [p for p in listed if p not in table.columns]
        if absent:
            raise ExperimentsError(f"{path}: missing parameter column(s) {', '.join(absent)} "
                                   f"that {manifest.name} lists")
        return list(listed)
    names = [str(c) for c in table.columns
             if not is_outcome_name(str(c)) and str(c) not in _BOOKKEEPING
             and not is_outcome_name(str(c).removesuffix("_se"))]
    if not names:
        raise ExperimentsError(f"{path}: no parameter columns")
    return names
