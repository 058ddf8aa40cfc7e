"""Writing a run's results directory: its tables, resolved scenario, manifest and figures."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine.ensemble import CHUNK_SIZE, EnsembleResult
from ..results.directory import RunFiles, read_run_dir
from ..results.effects import EFFECTS_FILE, counterfactual_key, effect_curve
from ..results.files import (
    command_line,
    file_sha256,
    git_commit,
    package_versions,
    scenario_toml,
    utc_stamp,
    write_csv,
    write_json,
    write_parquet,
)
from ..results.selection import run_figure_names
from ..results.tables import curve_table, runs_table, shocks_table, summary_table
from ..scenario.draws import read_draws
from ..scenario.loading import scenario_hash
from ..scenario.schema import Scenario
from .common import results_directory
from .drawing import EARLY_NEEDS, Renderer, submit_early, write_run_outputs

__all__ = ["manifest", "save_run", "uncertainty_record", "write_run_data"]


def manifest(scenario: Scenario, source: Path, *, seed: int, runs: int,
             wall_time: float) -> dict[str, Any]:
    """What a reader needs to reproduce a run."""
    shocks = {"counterfactual": f"the same scenario without its {len(scenario.shocks)} "
                                "shock(s), same seed and runs (shock_effects.csv)",
              "counterfactual_sha256": counterfactual_key(scenario)} if scenario.shocks else {}
    return shocks | {
        "scenario": scenario.name,
        "scenario_file": str(source),
        "input_sha256": file_sha256(source),
        "scenario_sha256": scenario_hash(scenario),
        "seed": seed,
        "runs": runs,
        "months": scenario.months,
        "start": scenario.start,
        "chunk_size": CHUNK_SIZE,
        "parameter_uncertainty": uncertainty_record(scenario),
        "versions": package_versions() | {"recsim": __version__},
        "git_commit": git_commit(),
        "wall_time_s": round(wall_time, 3),
        "utc_time": utc_stamp(),
        "command": command_line(),
    }


def uncertainty_record(scenario: Scenario) -> dict[str, Any] | None:
    """What a manifest says of parameter uncertainty: the draws file, pinned by its hash,
    and how replicates take rows; None when every replicate has the same parameters."""
    path = scenario.uncertainty.draws
    if path is None:
        return None
    draws = read_draws(path)
    return {"draws": path, "draws_sha256": file_sha256(path), "rows": len(draws),
            "parameters": list(draws.paths),
            "per_replicate": "each replicate takes one row, drawn with replacement from its "
                             "chunk's seed"}


def write_run_data(directory: Path, scenario: Scenario, source: Path,
                   result: EnsembleResult, *, seed: int, started: float,
                   counterfactual: EnsembleResult | None = None,
                   extra_files: Callable[[Path], None] | None = None,
                   extra_manifest: Mapping[str, Any] | None = None,
                   written: Callable[[str], None] | None = None) -> None:
    """The tables, the resolved scenario and the manifest (last) into ``directory``.

    ``counterfactual``, the same runs without the scenario's shocks, adds the shocks' effects:
    columns of summary.csv and shock_effects.csv. A command that writes more (``recsim
    forecast``) adds its files with ``extra_files(directory)`` and its keys to the manifest.
    ``written(name)`` is called as each of curve.csv, scenario.toml, summary.csv and
    runs.parquet, written in that order, is complete: a figure that needs no more can start
    while the rest is written.
    """
    def done(name: str) -> None:
        if written is not None:
            written(name)

    write_csv(curve_table(result, scenario), directory / "curve.csv")
    done("curve.csv")
    (directory / "scenario.toml").write_text(scenario_toml(scenario))
    done("scenario.toml")
    write_csv(summary_table(result, scenario, counterfactual), directory / "summary.csv")
    done("summary.csv")
    write_parquet(runs_table(result), directory / "runs.parquet")
    done("runs.parquet")
    write_csv(shocks_table(result, scenario), directory / "shocks.csv")
    if counterfactual is not None:
        write_csv(effect_curve(result, counterfactual, scenario), directory / EFFECTS_FILE)
    if extra_files is not None:
        extra_files(directory)
    info = manifest(scenario, source, seed=seed, runs=result.runs,
                    wall_time=time.perf_counter() - started) | dict(extra_manifest or {})
    write_json(info, directory / "manifest.json")


def save_run(target: Path, scenario: Scenario, source: Path, result: EnsembleResult, *,
             seed: int, started: float, renderer: Renderer,
             counterfactual: EnsembleResult | None = None,
             extra_files: Callable[[Path], None] | None = None,
             extra_manifest: Mapping[str, Any] | None = None) -> Path:
    """Write a complete results directory atomically; return its path (``extra_files`` and
    ``extra_manifest`` as in :func:`write_run_data`)."""
    clash = {"runs", "scenario"} & set(extra_manifest or {})
    if clash:  # the figures drawn early take them from the run, `recsim plot` from the manifest
        raise ValueError(f"extra_manifest may not set {', '.join(sorted(clash))}")
    started_figures: dict[str, Future[dict[str, bytes]]] = {}
    drawn = set(run_figure_names(scenario, shocks_fired=False))
    written: set[str] = set()

    def draw_early(name: str) -> None:  # reads `files`, made below with the directory
        written.add(name)
        if not renderer.workers_ready:  # submitting would wait for them, holding up the rest
            return
        for figure, needs in EARLY_NEEDS.items():
            if figure in drawn and figure not in started_figures and needs <= written:
                started_figures[figure] = submit_early(
                    figure, files, title=scenario.name, runs=result.runs,
                    n_states=len(result.state_ids), renderer=renderer)

    with results_directory(target) as temp:
        files = RunFiles(temp)  # each file read once: by the early figures, then for the rest
        write_run_data(temp, scenario, source, result, seed=seed, started=started,
                       counterfactual=counterfactual, extra_files=extra_files,
                       extra_manifest=extra_manifest,
                       written=draw_early)
        # figures and report.html are drawn from the files just written, as `recsim plot`
        # draws them; those of EARLY_NEEDS as soon as their files were written
        write_run_outputs(read_run_dir(files, check_cells=False), renderer=renderer,
                          started=started_figures)
    return target
