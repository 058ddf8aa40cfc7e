"""``recsim backtest`` and ``recsim forecast`` end to end, on a ring and its simulated record."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import ring_files, ring_scenario

from sim.cli import cli
from sim.results.html import escape
from sim.results.selection import percent

FIT = ["--param", "weights.social", "--param", "thresholds.level_2", "--max-steps", "600"]


@pytest.fixture
def ring(tmp_path: Path) -> tuple[Path, Path]:
    """ring.toml and log.csv: ten years (2000-01 on) simulated from the ring."""
    return ring_files(tmp_path, ring_scenario(120), seed=5)


def _backtest(file: Path, log: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["backtest", str(file), "--events", str(log),
                                    "--origins", "2004-01:2006-01:12", "--horizon", "12",
                                    "--runs", "200", *FIT, "--out", str(out), "--quiet",
                                    *extra])


def test_backtest_writes_its_directory(ring, tmp_path):
    file, log = ring
    out = tmp_path / "bt"
    result = _backtest(file, log, out)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(out)
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "backtest.csv", "scores.csv", "origins.csv", "reliability.png", "timeline.png",
        "report.html", "manifest.json"])
    table = pd.read_csv(out / "backtest.csv")
    assert list(table.columns) == ["origin", "state", "target", "outcome", "p_model",
                                   "p_persistence", "p_climatology"]
    assert sorted(set(table["origin"])) == ["2004-01", "2005-01", "2006-01"]
    assert table[["p_model", "p_climatology"]].stack().between(0, 1).all()
    assert (table["p_persistence"] == 0.01).all() and set(table["outcome"]) <= {0, 1}
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.columns)[:9] == ["forecast", "target", "n", "brier", "log_score",
                                        "brier_skill_vs_persistence",
                                        "brier_skill_vs_climatology", "low90", "high90"]
    assert set(scores["forecast"]) == {"model", "persistence", "climatology"}
    assert (scores.groupby("target")["n"].nunique() == 1).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "backtest" and manifest["horizon"] == 12
    assert manifest["fit_start"] == "2000-01" and manifest["sampler"]["max_steps"] == 600
    assert "Scores" in (out / "report.html").read_text()


def test_workers_and_later_events_leave_the_forecasts_alone(ring, tmp_path):
    file, log = ring
    assert _backtest(file, log, tmp_path / "serial").exit_code == 0
    pooled = _backtest(file, log, tmp_path / "pooled", "--workers", "2")
    assert pooled.exit_code == 0, pooled.output
    for name in ("backtest.csv", "scores.csv", "origins.csv"):
        assert (tmp_path / "serial" / name).read_bytes() == \
            (tmp_path / "pooled" / name).read_bytes(), name
    # every event after the last origin (2006-01) moved to another rung
    lines = log.read_text().splitlines()
    altered = [line if line < "2006-02" else
               line[:-1] + str((int(line[-1]) + 2) % 4) for line in lines[1:]]
    other_log = tmp_path / "altered.csv"
    other_log.write_text("\n".join([lines[0], *altered]) + "\n")
    assert _backtest(file, other_log, tmp_path / "altered").exit_code == 0
    first = pd.read_csv(tmp_path / "serial" / "backtest.csv")
    second = pd.read_csv(tmp_path / "altered" / "backtest.csv")
    last = first["origin"] == "2006-01"
    forecasts = ["origin", "state", "target", "p_model", "p_persistence", "p_climatology"]
    assert first[forecasts].equals(second[forecasts])
    assert not first.loc[last, "outcome"].equals(second.loc[last, "outcome"])


@pytest.mark.parametrize(("args", "message"), [
    (["--origins", "2010-03:2010-03:1", "--horizon", "1"],
     "origin 2010-03 is after the log's last month"),
    (["--origins", "1999-06:2004-01:6", "--horizon", "6"],
     "origin 1999-06 is before the log's first event"),
    (["--origins", "2009-06:2009-06:1", "--horizon", "12"], "past the log's last month"),
    (["--origins", "2004-01", "--horizon", "6"], "expected START:END:STEP"),
    (["--origins", "2004-01:2005-01:6", "--horizon", "6", "--fit-start", "2004-06"],
     "not after the fit start 2004-06"),
    (["--origins", "2004-01:2005-01:6", "--horizon", "6", "--fit-start", "June"],
     "--fit-start: expected a month as YYYY-MM"),
])
def test_bad_backtest_input_is_one_line_and_writes_nothing(ring, tmp_path, args, message):
    file, log = ring
    out = tmp_path / "never"
    result = CliRunner().invoke(cli, ["backtest", str(file), "--events", str(log), *args,
                                      "--out", str(out), "--quiet"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def _forecast(file: Path, log: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["forecast", str(file), "--events", str(log),
                                    "--horizon", "12", "--runs", "400", *extra,
                                    "--out", str(out), "--quiet"])


def test_forecast_writes_a_run_directory_and_its_table(ring, tmp_path):
    file, log = ring
    out = tmp_path / "fc"
    result = _forecast(file, log, out, *FIT)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(out)
    names = {p.name for p in out.iterdir()}
    assert {"summary.csv", "curve.csv", "runs.parquet", "report.html", "cascade.png",
            "forecast.csv", "posterior.parquet", "calibration.csv"} <= names
    table = pd.read_csv(out / "forecast.csv")
    spec = ["state", "start_level"] + [f"p_{t}_{h}" for t in ("up", "de_jure", "down")
                                       for h in (6, 12, 24)]
    assert list(table.columns)[:11] == spec
    assert table[[c for c in table.columns if c.endswith("_24")]].isna().all().all()
    below = table["start_level"] < 3
    assert table.loc[below, "p_up_12"].notna().all()
    assert table.loc[~below, "p_up_12"].isna().all()
    assert table.loc[table["start_level"] == 0, "p_down_6"].isna().all()
    for name in ("p_up_6", "p_up_12", "p_de_jure_12", "p_down_12"):
        rows = table[name].notna()
        assert (table.loc[rows, f"{name}_low"] <= table.loc[rows, name]).all()
        assert (table.loc[rows, name] <= table.loc[rows, f"{name}_high"]).all()
    assert (table.loc[below, "p_up_6"] <= table.loc[below, "p_up_12"]).all()  # 6 within 12
    manifest = json.loads((out / "manifest.json").read_text())
    last = pd.read_csv(log)["date"].max()[:7]
    assert manifest["kind"] == "forecast" and manifest["forecast"]["as_of"] == last
    assert manifest["start"] == last and manifest["months"] == 12
    # the report shows the forecast with its intervals, 12 months on (24 is past the horizon)
    report = (out / "report.html").read_text()
    assert "<h2>Forecast</h2>" in report and "Up a rung, 12 months" in report
    assert "Up a rung, 24 months" not in report
    first = table.loc[below].iloc[0]
    cell = (f"{percent(first['p_up_12'])} ({percent(first['p_up_12_low'])}"
            f"–{percent(first['p_up_12_high'])})")
    assert escape(cell) in report


def test_an_appended_event_moves_the_forecast_on(ring, tmp_path):
    """The README's use: append a row to the log, run one command, read the new forecast."""
    file, log = ring
    assert _forecast(file, log, tmp_path / "before", *FIT).exit_code == 0
    before = pd.read_csv(tmp_path / "before" / "forecast.csv").set_index("state")
    state = before.index[before["start_level"] < 3][0]
    new_level = int(before.loc[state, "start_level"]) + 1
    with log.open("a") as stream:
        stream.write(f"2010-02-15,{state},{new_level}\n")
    result = _forecast(file, log, tmp_path / "after", *FIT)
    assert result.exit_code == 0, result.output
    after = pd.read_csv(tmp_path / "after" / "forecast.csv").set_index("state")
    assert after.loc[state, "start_level"] == new_level
    manifest = json.loads((tmp_path / "after" / "manifest.json").read_text())
    assert manifest["forecast"]["as_of"] == "2010-02"


def test_forecast_reuses_a_calibration(ring, tmp_path):
    file, log = ring
    calibration = tmp_path / "cal"
    done = CliRunner().invoke(cli, ["calibrate", str(file), "--events", str(log), "--window",
                                    "2000-01:2008-12", "--draws", "100", *FIT,
                                    "--out", str(calibration), "--quiet"])
    assert done.exit_code == 0, done.output
    result = CliRunner().invoke(cli, ["forecast", str(file), "--events", str(log),
                                      "--horizon", "6", "--runs", "300", "--calibration",
                                      str(calibration), "--out", str(tmp_path / "fc")])
    assert result.exit_code == 0, result.output
    assert "was fitted over 2000-01:2008-12" in result.output  # the log runs on to 2009
    manifest = json.loads((tmp_path / "fc" / "manifest.json").read_text())
    assert manifest["forecast"]["posterior"] == str(calibration / "posterior.parquet")
    assert not (tmp_path / "fc" / "calibration.csv").exists()
    missing = CliRunner().invoke(cli, ["forecast", str(file), "--events", str(log),
                                       "--calibration", str(tmp_path), "--quiet",
                                       "--out", str(tmp_path / "never")])
    assert missing.exit_code == 2 and "no posterior.parquet" in missing.output
    assert not (tmp_path / "never").exists()
