"""Writing a backtest's directory: forecasts, scores, fits, figures, report and manifest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibrate.fit import FitSettings
from ..forecast.backtest import OriginForecast
from ..forecast.naive import FLOOR
from ..forecast.posterior import PER_DRAW
from ..forecast.report import backtest_report
from ..forecast.scores import RESAMPLES
from ..plots.backtest import reliability_figure, timeline_figure
from ..results.files import write_csv, write_json
from .calibrate_output import environment_record, inputs_record
from .common import results_directory
from .forecasting import Inputs
from .render import encode

__all__ = ["origins_table", "write_backtest"]


def origins_table(forecasts: Sequence[OriginForecast]) -> pd.DataFrame:
    """One row per origin: its fit's window, moves, convergence and posterior means."""
    return pd.DataFrame([{"origin": f"{f.origin:%Y-%m}", **f.fit,
                          **{f"mean {path}": value for path, value in f.means.items()}}
                         for f in forecasts])


def _notes(forecasts: Sequence[OriginForecast]) -> list[str]:
    """The origins' notes, each said once."""
    return list(dict.fromkeys(note for f in forecasts for note in f.notes))


def write_backtest(target: Path, *, inputs: Inputs, source: Path,
                   forecasts: Sequence[OriginForecast], table: pd.DataFrame,
                   scores: pd.DataFrame, horizon: int, runs: int, seed: int,
                   settings: FitSettings, started: float) -> None:
    """Every output of ``recsim backtest``, written into a new directory atomically."""
    name = inputs.scenario.name
    origins = origins_table(forecasts)
    images = {
        "reliability": encode(reliability_figure(table, title=name, horizon=horizon),
                              ("png",))["png"],
        "timeline": encode(timeline_figure(table, title=name, horizon=horizon),
                           ("png",))["png"],
    }
    notes = _notes(forecasts)
    manifest: dict[str, Any] = {
        "kind": "backtest",
        **inputs_record(inputs.scenario, source, inputs.log_path),
        "origins": [f"{f.origin:%Y-%m}" for f in forecasts],
        "horizon": horizon,
        "runs": runs,
        "runs_per_draw": PER_DRAW,
        "seed": seed,
        "fit_start": f"{inputs.fit_start:%Y-%m}",
        "priors": {p.path: {"mean": p.mean, "sd": p.sd} for p in inputs.priors},
        "sampler": {"draws": settings.draws, "burn": settings.burn, "block": settings.block,
                    "max_steps": settings.max_steps, "rhat_target": settings.rhat_target,
                    "walkers": "max(32, 4 x parameters), even"},
        "fits_converged": int(origins["converged"].sum()),
        "persistence_floor": FLOOR,
        "bootstrap": {"resamples": RESAMPLES, "resampled": "origins and states",
                      "interval": "percentile, 5% to 95%"},
        "notes": notes,
        **environment_record(started),
    }
    report = backtest_report(manifest, scores, origins, images, notes)
    with results_directory(target) as temp:
        write_csv(table, temp / "backtest.csv")
        write_csv(scores, temp / "scores.csv")
        write_csv(origins, temp / "origins.csv")
        for image, png in images.items():
            (temp / f"{image}.png").write_bytes(png)
        (temp / "report.html").write_text(report, encoding="utf-8")
        write_json(manifest, temp / "manifest.json")
