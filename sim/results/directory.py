"""Read a results directory back, checking that everything a figure or report needs is there.

``recsim run`` writes a *run directory*; ``recsim batch`` writes a *batch directory* holding
``batch.json``, ``comparison.csv`` and one run directory per scenario. The readers here turn
either into plain data, or raise :class:`ResultsDirError` naming the file and what is wrong.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..scenario.calendar import parse_month
from ..scenario.loading import ScenarioError, scenario_from_dict
from ..scenario.schema import Scenario
from .checks import (
    ResultsDirError,
    check_table,
    comparison_columns,
    curve_columns,
    effect_columns,
    forecast_columns,
    runs_columns,
    summary_columns,
)
from .effects import EFFECTS_FILE, STATE_EFFECT_COLUMNS

__all__ = [
    "BATCH_FILES",
    "RUN_FILES",
    "BatchData",
    "ResultsDirError",
    "RunData",
    "RunFiles",
    "is_batch_dir",
    "read_batch_dir",
    "read_run_dir",
]

RUN_FILES = ("manifest.json", "scenario.toml", "summary.csv", "curve.csv", "runs.parquet")
BATCH_FILES = ("batch.json", "comparison.csv")
SHOCKS_FILE = "shocks.csv"

_RUNS = ("run", "state", "final_level", "first_month_level_3")  # what figures read
_SHOCKS = ("run", "month", "shock")
FORECAST_FILE = "forecast.csv"  # written by `recsim forecast` beside a run's files
_MANIFEST = ("scenario", "seed", "runs")


@dataclass(frozen=True)
class RunData:
    """Everything saved by one run, as read back from its directory."""

    path: Path
    manifest: dict[str, Any]
    scenario: Scenario
    scenario_toml: str
    summary: pd.DataFrame
    curve: pd.DataFrame
    runs: pd.DataFrame
    shocks: pd.DataFrame | None  # run, month, shock; None when the scenario had no shocks
    # shock_effects.csv: the shocks' effect, month by month; None without a counterfactual
    effects: pd.DataFrame | None = None
    # forecast.csv of `recsim forecast`: chances within 6, 12 and 24 months with intervals
    forecast: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def n_runs(self) -> int:
        return int(self.manifest["runs"])


@dataclass(frozen=True)
class BatchData:
    """A batch: its manifest, the comparison table and each scenario's run, in batch order.

    ``runs`` is keyed by the scenario's directory in the batch: its name, made unique.
    """

    path: Path
    manifest: dict[str, Any]
    comparison: pd.DataFrame
    runs: dict[str, RunData]


def is_batch_dir(path: str | Path) -> bool:
    """Written by ``recsim batch`` (it has a ``batch.json``), rather than by ``recsim run``."""
    return (Path(path) / "batch.json").is_file()


def _missing(path: Path, needed: tuple[str, ...], what: str) -> None:
    if not path.exists():
        raise ResultsDirError(f"{path}: no such directory")
    if not path.is_dir():
        raise ResultsDirError(f"{path}: not a directory")
    absent = [name for name in needed if not (path / name).is_file()]
    if len(absent) == len(needed):
        raise ResultsDirError(f"{path}: not a {what}: none of {', '.join(needed)} is there")
    if absent:
        raise ResultsDirError(f"{path}: missing {', '.join(absent)}")


def _read(path: Path, reader: Any, columns: tuple[str, ...]) -> Any:
    try:
        data = reader(path)
    except (OSError, ValueError, pa.ArrowException, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ResultsDirError(f"{path}: cannot be read ({reason})") from None
    if isinstance(data, pd.DataFrame):
        absent = [c for c in columns if c not in data.columns]
        if absent:
            raise ResultsDirError(f"{path}: missing column(s) {', '.join(absent)}")
    elif isinstance(data, dict):
        absent = [c for c in columns if c not in data]
        if absent:
            raise ResultsDirError(f"{path}: missing key(s) {', '.join(absent)}")
    else:
        raise ResultsDirError(f"{path}: expected a table, found {type(data).__name__}")
    return data


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=True)


def _runs(path: Path) -> pd.DataFrame:
    """The columns of runs.parquet the figures read (those there: the check names the rest)."""
    import pyarrow.parquet as pq

    present = set(pq.read_schema(path).names)
    return pd.read_parquet(path, columns=[c for c in _RUNS if c in present])


class RunFiles:
    """The tables and scenario of run directory ``path``, each read the first time it is
    asked for and kept, before any check. A run that starts figures as soon as the files they
    need are written (sim/cli/saving.py) reads each file once, for those figures and for
    :func:`read_run_dir` after them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def curve(self) -> pd.DataFrame:
        return _read(self.path / "curve.csv", _csv, ())

    @cached_property
    def summary(self) -> pd.DataFrame:
        return _read(self.path / "summary.csv", _csv, ())

    @cached_property
    def runs(self) -> pd.DataFrame:
        """The columns of runs.parquet that the figures read."""
        return _read(self.path / "runs.parquet", _runs, ())

    @cached_property
    def scenario_toml(self) -> str:
        """scenario.toml as written (read through :attr:`scenario`, which reports errors)."""
        return (self.path / "scenario.toml").read_text(encoding="utf-8")

    @cached_property
    def scenario(self) -> Scenario:
        text_path = self.path / "scenario.toml"
        raw = _read(text_path, lambda _: tomllib.loads(self.scenario_toml), ())
        try:
            return scenario_from_dict(raw, text_path)
        except ScenarioError as exc:
            raise ResultsDirError(exc.lines()[0]) from None


def read_run_dir(path: str | Path | RunFiles, *, check_cells: bool = True) -> RunData:
    """Read and check a run directory; raise :class:`ResultsDirError` on the first problem.

    ``path`` may be the :class:`RunFiles` of the directory, whose files already read are
    not read again.

    ``check_cells=False`` skips checking every cell's type and range (:mod:`.checks`), for
    files this process has just written from its own tables (``run`` and ``batch``, which
    draw from what they wrote): the check is for files that come from elsewhere.
    """
    files = path if isinstance(path, RunFiles) else RunFiles(Path(path))
    path = files.path
    check = check_table if check_cells else _trusted
    _missing(path, RUN_FILES, "results directory ('recsim run' or 'recsim batch' writes them)")
    manifest = _read(path / "manifest.json", _json, _MANIFEST)
    scenario = files.scenario
    n_runs = _run_count(path, manifest)
    months = scenario.months
    summary = files.summary
    check(summary, path / "summary.csv", summary_columns(months))
    curve = files.curve
    check(curve, path / "curve.csv", curve_columns(months, len(summary)))
    runs = files.runs
    check(runs, path / "runs.parquet", runs_columns(months, n_runs), header_lines=None)
    _check_consistent(path, n_runs, scenario, summary, curve, runs)
    shocks = None
    if (path / SHOCKS_FILE).is_file():
        shocks = _read(path / SHOCKS_FILE, _csv, _SHOCKS)
        _check_shocks(path / SHOCKS_FILE, shocks, scenario, int(manifest["runs"]))
        shocks = shocks if len(shocks) else None
    effects = None
    if (path / EFFECTS_FILE).is_file():
        effects = _read(path / EFFECTS_FILE, _csv, ())
        check(effects, path / EFFECTS_FILE, effect_columns(months, len(summary)))
        if len(effects) != scenario.months + 1:
            raise ResultsDirError(f"{path / EFFECTS_FILE}: expected {scenario.months + 1} "
                                  f"months, found {len(effects)}")
        absent = [c for c in STATE_EFFECT_COLUMNS if c not in summary.columns]
        if absent:
            raise ResultsDirError(f"{path / 'summary.csv'}: missing column(s) "
                                  f"{', '.join(absent)} (the shocks' effects, as "
                                  f"{EFFECTS_FILE} has them)")
    forecast = None
    if (path / FORECAST_FILE).is_file():
        forecast = _read(path / FORECAST_FILE, _csv, ())
        check(forecast, path / FORECAST_FILE, forecast_columns(forecast.columns),
                    fix="write it again with 'recsim forecast'")
    return RunData(path, manifest, scenario, files.scenario_toml, summary, curve, runs, shocks,
                   effects, forecast)


def _trusted(*_: Any, **__: Any) -> None:
    """The stand-in for :func:`check_table` on files this process has just written."""


def _run_count(path: Path, manifest: dict[str, Any]) -> int:
    n_runs = manifest["runs"]
    if not isinstance(n_runs, int) or isinstance(n_runs, bool) or n_runs < 1:
        raise ResultsDirError(f"{path / 'manifest.json'}: runs: expected a positive integer")
    return n_runs


def _check_consistent(path: Path, n_runs: int, scenario: Scenario,
                      summary: pd.DataFrame, curve: pd.DataFrame, runs: pd.DataFrame) -> None:
    states = summary["state"].astype(str)
    twice = states[states.duplicated()]
    if len(twice):
        raise ResultsDirError(f"{path / 'summary.csv'}: state {twice.iloc[0]} has two rows")
    if scenario.population is None and scenario.network.edges is None and \
            states.tolist() != list(scenario.states):
        raise ResultsDirError(f"{path / 'summary.csv'}: states do not match scenario.toml")
    if len(curve) != scenario.months + 1:
        raise ResultsDirError(f"{path / 'curve.csv'}: expected {scenario.months + 1} months, "
                              f"found {len(curve)}")
    if len(runs) != n_runs * len(states) or \
            set(map(str, runs["state"].unique())) != set(states):
        raise ResultsDirError(f"{path / 'runs.parquet'}: expected {n_runs} runs of "
                              f"{len(states)} states (as in summary.csv), found {len(runs)} rows")


def _month_index(value: Any, start: date) -> float:
    """A month given as an index or as ``YYYY-MM``, as an index from ``start`` (NaN if neither)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        month = parse_month(str(value))
    except ValueError:
        return float("nan")
    return (month.year - start.year) * 12 + month.month - start.month


def _check_shocks(path: Path, shocks: pd.DataFrame, scenario: Scenario, n_runs: int) -> None:
    months = pd.to_numeric(shocks["month"], errors="coerce")
    text = months.isna()  # months written as YYYY-MM (or nonsense): parse those one by one
    if text.any():
        months[text] = [_month_index(v, scenario.start_date) for v in shocks["month"][text]]
    shocks["month"] = months
    for column, top in (("run", n_runs - 1), ("month", scenario.months)):
        values = pd.to_numeric(shocks[column], errors="coerce")
        bad = values.isna() | (values % 1 != 0) | (values < 0) | (values > top)
        if bad.any():
            line = int(bad.to_numpy().argmax()) + 2
            raise ResultsDirError(f"{path}: line {line}: {column} must be a whole number "
                                  f"from 0 to {top}" + (" or a month YYYY-MM within the horizon"
                                                        if column == "month" else ""))
        shocks[column] = values.astype(int)


def read_batch_dir(path: str | Path) -> BatchData:
    """Read and check a batch directory and every scenario directory it lists."""
    path = Path(path)
    _missing(path, BATCH_FILES, "batch directory ('recsim batch' writes them)")
    manifest = _read(path / "batch.json", _json, ("scenarios", "seed", "runs"))
    comparison = _read(path / "comparison.csv", _csv, ())
    check_table(comparison, path / "comparison.csv", comparison_columns())
    where = path / "batch.json"
    if not isinstance(manifest["scenarios"], list):
        raise ResultsDirError(f"{where}: scenarios: expected a list of {{name, dir}} tables")
    runs = {}
    for entry in manifest["scenarios"]:
        name = entry.get("dir") if isinstance(entry, dict) else None
        if not isinstance(name, str) or name in ("", ".", "..") or Path(name).name != name:
            raise ResultsDirError(f"{where}: scenarios: each needs a 'dir', the name of a "
                                  "directory inside the batch directory")
        runs[name] = read_run_dir(path / name)
    if not runs:
        raise ResultsDirError(f"{where}: lists no scenarios")
    n_runs = {name: data.n_runs for name, data in runs.items()}
    if manifest["runs"] not in n_runs.values() or len(set(n_runs.values())) > 1:
        raise ResultsDirError(f"{where}: runs: the batch has {manifest['runs']!r} runs per "
                              f"scenario but its scenario directories have {n_runs}")
    compared = set(comparison["scenario"].astype(str))
    if compared != set(runs):
        raise ResultsDirError(f"{path / 'comparison.csv'}: its scenarios "
                              f"({', '.join(sorted(compared))}) are not the batch's "
                              f"({', '.join(runs)})")
    return BatchData(path, manifest, comparison, runs)
