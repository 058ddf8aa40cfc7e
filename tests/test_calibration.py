"""Calibration: parameters recovered from records simulated with them, on any roster,
and ``recsim calibrate`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import ring_files, ring_scenario

from sim.calibrate.fit import FitSettings, Prior, fit
from sim.calibrate.likelihood import Likelihood, observe
from sim.calibrate.records import simulate_record
from sim.calibrate.window import Window
from sim.cli import cli
from sim.scenario.calendar import add_months
from sim.scenario.loading import load_scenario, scenario_from_dict

TRUTH = {"weights.social": 3.0, "thresholds.level_2": 3.5}
FAST = FitSettings(draws=300, burn=300, block=400, max_steps=3000)


def ring(months: int = 240, **extra: object):
    """The six-state ring of tests/helpers.py with the parameters of TRUTH."""
    return ring_scenario(months, social=TRUTH["weights.social"],
                         level_2=TRUTH["thresholds.level_2"], **extra)


def fit_record(scenario, seed: int, offset: float = 0.8, settings: FitSettings = FAST):
    """Simulate a record with ``scenario``'s parameters, fit them from priors set off."""
    log = simulate_record(scenario, seed)
    window = Window(scenario.start_date, add_months(scenario.start_date, scenario.months))
    likelihood = Likelihood(observe(scenario, log, window), list(TRUTH))
    priors = [Prior(path, value + offset, 1.5) for path, value in TRUTH.items()]
    return fit(likelihood, priors, seed=seed, settings=settings), log


def test_a_simulated_record_gives_back_its_parameters():
    # One record: its 90% intervals miss the truth one time in ten (seed 1 does, for
    # level_2); the slow test below checks that rate over 40 records.
    fitted, log = fit_record(ring(), seed=2)
    assert len(log.events) > 80  # enough moves to learn from
    q05, q95 = np.quantile(fitted.draws, [0.05, 0.95], axis=0)
    for j, (path, truth) in enumerate(TRUTH.items()):
        assert q05[j] <= truth <= q95[j], (path, q05[j], q95[j])
        assert q95[j] - q05[j] < 2 * 1.645 * 1.5  # narrower than the prior: data informed it
    assert fitted.converged and np.all(fitted.rhat < 1.01)


@pytest.mark.slow
def test_ninety_percent_intervals_cover_the_truth_about_ninety_percent_of_the_time():
    """40 records, 2 parameters: 80 intervals. Binomial(80, 0.9) lies in [66, 78] with
    probability ~0.98, so coverage below 66/80 or above 78/80 fails the test."""
    covered = 0
    for seed in range(100, 140):
        fitted, _ = fit_record(ring(months=180), seed=seed)
        q05, q95 = np.quantile(fitted.draws, [0.05, 0.95], axis=0)
        covered += sum(q05[j] <= t <= q95[j] for j, t in enumerate(TRUTH.values()))
    assert 66 <= covered <= 78, covered


def test_records_that_jump_straight_from_none_to_de_jure_are_fitted():
    # every rung's hazard is high: states often climb two or three rungs in one month
    scenario = ring(months=60, thresholds={"level_1": -1.0, "level_2": -1.0,
                                           "level_3": 1.0, "downgrade": 4.0})
    log = simulate_record(scenario, 3)
    jumps = [e for e in log.events if e.level == 3 and not any(
        p.state == e.state and p.day < e.day for p in log.events)]
    assert jumps, "the record must hold a recognition straight from none"
    window = Window(scenario.start_date, add_months(scenario.start_date, scenario.months))
    likelihood = Likelihood(observe(scenario, log, window), ["thresholds.level_3"])
    assert likelihood.terms(np.array([1.0])).min() > -50  # no move treated as impossible
    fitted = fit(likelihood, [Prior("thresholds.level_3", 2.5, 1.5)], seed=3, settings=FAST)
    q05, q95 = np.quantile(fitted.draws[:, 0], [0.05, 0.95])
    assert q05 <= 1.0 <= q95, (q05, q95)


def test_the_world_roster_calibrates_on_a_log_naming_any_of_its_states():
    world = load_scenario(ROOT / "scenarios" / "world" / "world.toml")
    data = world.model_dump(by_alias=True) | {"months": 36, "history": [], "shocks": []}
    scenario = scenario_from_dict(data)
    log = simulate_record(scenario, 11)
    named = {e.state for e in log.events}
    assert len(named) > 20  # many of the 192 states move
    window = Window(scenario.start_date, add_months(scenario.start_date, 36))
    record = observe(scenario, log, window)
    assert record.before.shape == (36, 192)
    likelihood = Likelihood(record, ["weights.social", "thresholds.level_1"])
    truth = np.array([world.weights.social, world.thresholds.level_1])
    assert likelihood(truth) > likelihood(truth + np.array([3.0, -3.0]))
    priors = [Prior(p, v + 0.5, 1.0) for p, v in zip(likelihood.paths, truth, strict=True)]
    fitted = fit(likelihood, priors, seed=2, settings=FAST)
    q05, q95 = np.quantile(fitted.draws, [0.05, 0.95], axis=0)
    assert np.all((q05 <= truth) & (truth <= q95))


# ---------------------------------------------------------------- the command

def _ring_files(tmp_path: Path) -> tuple[Path, Path]:
    return ring_files(tmp_path, ring(months=120), seed=5)


def _calibrate(file: Path, log: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["calibrate", str(file), "--events", str(log),
                                    "--window", "2000-01:2009-12", "--draws", "100",
                                    "--max-steps", "1200", "--param", "weights.social=1.5",
                                    "--param", "thresholds.level_2=1.5", "--out", str(out),
                                    "--quiet", *extra])


def test_calibrate_writes_its_directory_and_the_calibrated_scenario_runs(tmp_path):
    file, log = _ring_files(tmp_path)
    out = tmp_path / "cal"
    result = _calibrate(file, log, out)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(out)
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "posterior.parquet", "calibration.csv", "calibrated.toml", "moves.csv", "priors.png",
        "moves.png", "manifest.json", "report.html"])
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["weights.social", "thresholds.level_2"]
    assert len(posterior) == 100
    table = pd.read_csv(out / "calibration.csv")
    assert list(table.columns) == ["param", "prior_mean", "prior_sd", "map", "mean", "q05",
                                   "q95", "rhat", "ess"]
    assert (table["q05"] <= table["mean"]).all() and (table["mean"] <= table["q95"]).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["window"] == "2000-01:2009-12" and manifest["draws"] == 100
    calibrated = load_scenario(out / "calibrated.toml")
    assert calibrated.uncertainty.draws == str((out / "posterior.parquet").resolve())
    assert set(calibrated.uncertainty.means) == {"weights.social", "thresholds.level_2"}
    run = CliRunner().invoke(cli, ["run", str(out / "calibrated.toml"), "--runs", "30",
                                   "--out", str(tmp_path / "run"), "--quiet"])
    assert run.exit_code == 0, run.output


def test_calibrate_is_deterministic(tmp_path):
    file, log = _ring_files(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    assert _calibrate(file, log, first).exit_code == 0
    assert _calibrate(file, log, second).exit_code == 0
    assert (first / "posterior.parquet").read_bytes() == \
        (second / "posterior.parquet").read_bytes()
    other = tmp_path / "c"
    assert _calibrate(file, log, other, "--seed", "2").exit_code == 0
    assert (other / "posterior.parquet").read_bytes() != \
        (first / "posterior.parquet").read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (["--window", "2000-01"], "--window '2000-01': expected START:END"),
    (["--window", "2000-01:2000-01"], "END must come after START"),
    (["--param", "ties.0.weight"], "only weights.*, thresholds.* and states.ID.propensity"),
    (["--param", "weights.socal"], "did you mean 'weights.social'"),
    (["--param", "weights.social=-1"], "SD must be a positive number"),
])
def test_bad_calibrate_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    file, log = _ring_files(tmp_path)
    out = tmp_path / "never"
    base = ["calibrate", str(file), "--events", str(log), "--window", "2000-01:2009-12",
            "--out", str(out), "--quiet"]
    result = CliRunner().invoke(cli, base + args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


class _InterruptedLikelihood:
    """A standard normal log-density in one parameter that presses Ctrl-C at its 40th call
    (inside the sampler, as a user's Ctrl-C mostly lands)."""

    paths = ("a",)

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        import os
        import signal

        self.calls += 1
        if self.calls == 40:
            os.kill(os.getpid(), signal.SIGINT)
        return -0.5 * np.sum(np.atleast_2d(theta) ** 2, axis=1)


def test_ctrl_c_while_sampling_stops_quietly_and_restores_the_handler(capsys):
    import signal

    likelihood = _InterruptedLikelihood()
    with pytest.raises(KeyboardInterrupt):
        fit(likelihood, [Prior("a", 0.0, 1.0)], seed=1, settings=FAST)
    assert 40 <= likelihood.calls < 45  # stopped at the end of that sampler step
    assert capsys.readouterr().out == ""  # emcee's wrapper printed no traceback
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
