"""What ``recsim forecast`` adds to a run's results directory: its table, the posterior used,
and a manifest section saying how the forecast was made."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..calibrate.diagnostics import calibration_table
from ..forecast.latest import FORECAST_HORIZONS
from ..forecast.posterior import PER_DRAW
from ..results.files import file_sha256, write_csv, write_parquet
from .forecasting import Inputs

__all__ = ["forecast_files", "forecast_manifest"]


def forecast_files(table: pd.DataFrame, paths: Sequence[str], draws: np.ndarray,
                   about: Mapping[str, Any]) -> Callable[[Path], None]:
    """A writer of forecast.csv, posterior.parquet and (after a fit) calibration.csv."""

    def write(directory: Path) -> None:
        write_csv(table, directory / "forecast.csv")
        write_parquet(pd.DataFrame(np.asarray(draws), columns=list(paths)),
                      directory / "posterior.parquet")
        if "calibrated" in about:
            write_csv(calibration_table(about["calibrated"].fit), directory / "calibration.csv")

    return write


def forecast_manifest(inputs: Inputs, latest: date, months: int, run_seed: int,
                      about: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest's ``forecast`` section (the rest is a run's manifest)."""
    return {"kind": "forecast", "forecast": {
        "as_of": f"{latest:%Y-%m}",
        "events": inputs.log_path,
        "events_sha256": file_sha256(inputs.log_path),
        "events_count": len(inputs.log.events),
        "horizons": [h for h in FORECAST_HORIZONS if h <= months],
        "posterior": about.get("posterior"),
        "fit_window": about.get("fit_window"),
        "fit": about.get("fit"),
        "priors": {p.path: {"mean": p.mean, "sd": p.sd} for p in inputs.priors}
        if "calibrated" in about else None,
        "runs_per_draw": PER_DRAW,
        "ensemble_seed": run_seed,
        "intervals": "90% over the posterior: beta-binomial spread of the per-draw chances "
                     "(method of moments); Wilson interval where the draws show no spread",
        "notes": list(about.get("notes", [])),
    }}
