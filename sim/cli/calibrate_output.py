"""Writing a calibration's directory: posterior, tables, calibrated scenario, figures, report."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from .. import __version__
from ..calibrate.diagnostics import calibration_table, contraction, expected_moves
from ..calibrate.fit import Fit
from ..calibrate.likelihood import Likelihood
from ..results.calibration_report import calibration_report
from ..results.files import (
    command_line,
    file_sha256,
    git_commit,
    package_versions,
    utc_stamp,
    write_csv,
    write_json,
    write_parquet,
)
from ..scenario.loading import scenario_hash
from ..scenario.schema import Scenario
from .common import results_directory
from .render import encode

__all__ = ["calibrated_toml", "environment_record", "inputs_record", "write_calibration"]


def calibrated_toml(scenario: Scenario, source: Path, target: Path, fit: Fit,
                    window: str, log_path: str) -> str:
    """SCENARIO extended with the posterior: its draws file and its means."""
    parent = os.path.relpath(Path(source).resolve(), Path(target).resolve())
    means = {path: round(value, 4) for path, value in fit.means().items()}
    data: dict[str, Any] = {
        "extends": parent,
        "name": f"{scenario.name}_calibrated",
        "description": f"{scenario.name} with its parameters drawn from the posterior "
                       f"fitted to {Path(log_path).name} over {window}",
        "uncertainty": {"draws": "posterior.parquet", "means": means},
    }
    header = (f"# Written by recsim calibrate on {utc_stamp()}: {scenario.name} fitted to the\n"
              f"# event log {log_path}\n"
              f"# over {window} (calibration.csv, report.html). Each replicate of a run takes\n"
              "# its parameters from one row of posterior.parquet; with --no-uncertainty a\n"
              "# run uses the posterior means below.\n")
    return header + tomli_w.dumps(data)


def inputs_record(scenario: Scenario, source: Path, log_path: str) -> dict[str, Any]:
    """A manifest's inputs when a scenario meets an event log: both files, pinned by hash."""
    return {
        "scenario": scenario.name,
        "scenario_file": str(source),
        "input_sha256": file_sha256(source),
        "scenario_sha256": scenario_hash(scenario),
        "events": log_path,
        "events_sha256": file_sha256(log_path),
    }


def environment_record(started: float) -> dict[str, Any]:
    """A manifest's closing keys: versions, commit, wall time, UTC time, command line."""
    return {
        "versions": package_versions() | {"recsim": __version__},
        "git_commit": git_commit(),
        "wall_time_s": round(time.perf_counter() - started, 3),
        "utc_time": utc_stamp(),
        "command": command_line(),
    }


def write_calibration(target: Path, *, scenario: Scenario, source: Path, log_path: str,
                      likelihood: Likelihood, fit: Fit, notes: list[str], seed: int,
                      started: float) -> None:
    """Every output of ``recsim calibrate``, written into a new directory atomically."""
    from ..plots.calibration import moves_figure, priors_figure

    record = likelihood.record
    window = str(record.window)
    table = calibration_table(fit)
    draws = pd.DataFrame(fit.draws, columns=list(fit.paths))
    by_state, by_year = expected_moves(likelihood, fit.draws, seed=seed)
    shrink = contraction(fit)
    images = {
        "priors": encode(priors_figure(table, draws, title=scenario.name), ("png",))["png"],
        "moves": encode(moves_figure(by_state, by_year, title=scenario.name, window=window),
                        ("png",))["png"],
    }
    map_loglik = float(likelihood(fit.map_point))
    manifest = {
        "kind": "calibration",
        **inputs_record(scenario, source, log_path),
        "window": window,
        "params": list(fit.paths),
        "priors": {p.path: {"mean": p.mean, "sd": p.sd} for p in fit.priors},
        "seed": seed,
        "draws": len(fit.draws),
        "fit": {
            "walkers": int(fit.chains.shape[0]),
            "steps": fit.steps,
            "burn": fit.steps - int(fit.chains.shape[1]),
            "converged": fit.converged,
            "rhat_target": 1.01,
            "max_rhat": round(float(np.max(fit.rhat)), 4),
            "min_ess": round(float(np.min(fit.ess)), 1),
            "acceptance": round(fit.acceptance, 3),
            "log_likelihood_at_map": round(map_loglik, 3),
            "moves_scored": int(((record.moves() != 0) & record.scored).sum()),
            "cells_scored": int(record.scored.sum()),
            "sampler": "emcee EnsembleSampler, DEMove 0.8 + DESnookerMove 0.2",
        },
        "notes": notes,
        **environment_record(started),
    }
    report = calibration_report(manifest, table, shrink, images, by_state, notes)
    moves = pd.concat([by_state.assign(group="state"), by_year.assign(group="year")],
                      ignore_index=True)
    with results_directory(target) as temp:
        write_parquet(draws, temp / "posterior.parquet")
        write_csv(table, temp / "calibration.csv")
        write_csv(moves, temp / "moves.csv")
        (temp / "calibrated.toml").write_text(
            calibrated_toml(scenario, source, target, fit, window, log_path))
        for name, png in images.items():
            (temp / f"{name}.png").write_bytes(png)
        (temp / "report.html").write_text(report, encoding="utf-8")
        write_json(manifest, temp / "manifest.json")
