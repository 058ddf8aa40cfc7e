"""Backtests: origins and re-basing, no information after an origin, executors, and the
model's skill on records simulated from itself."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import numpy as np
import pytest
from conftest import ROOT
from helpers import ring_scenario

from sim.calibrate.fit import FitSettings, Prior
from sim.calibrate.records import simulate_record
from sim.engine.executors import SerialExecutor
from sim.engine.process import ProcessExecutor
from sim.forecast.backtest import backtest_table, forecast_origin, plan_backtest, run_backtest
from sim.forecast.rebase import (
    RebaseError,
    check_origins,
    fit_start_for,
    fitting_scenario,
    origin_scenario,
    parse_origins,
)
from sim.forecast.scores import brier_score
from sim.scenario.calendar import add_months
from sim.scenario.eventlog import Event, EventLog, read_event_log
from sim.scenario.loading import scenario_from_dict

FAST = FitSettings(draws=200, burn=300, block=300, max_steps=1200)
PRIORS = (Prior("weights.social", 3.0), Prior("thresholds.level_2", 3.5))
START = date(2000, 1, 1)


@pytest.fixture(scope="module")
def ring_log() -> EventLog:
    """Ten years simulated from the ring with its own (known) parameters."""
    return simulate_record(ring_scenario(120), 1003)


def _plan(log: EventLog, origins: str, horizon: int = 12, seed: int = 1):
    return plan_backtest(fitting_scenario(ring_scenario(120)), log, parse_origins(origins),
                         horizon=horizon, runs=300, seed=seed, priors=PRIORS,
                         fit_start=START, settings=FAST)


def test_origins_are_parsed_in_months():
    assert parse_origins("2023-01:2025-01:6") == [date(2023, 1, 1), date(2023, 7, 1),
                                                  date(2024, 1, 1), date(2024, 7, 1),
                                                  date(2025, 1, 1)]
    assert parse_origins("2024-11:2025-02") == [date(2024, 11, 1), date(2024, 12, 1),
                                                date(2025, 1, 1), date(2025, 2, 1)]
    for bad, message in [("2023-01", "expected START:END:STEP"),
                         ("2023-01:2022-01:1", "END comes before START"),
                         ("2023-01:2024-01:0", "STEP must be a whole number"),
                         ("2023-13:2024-01:1", "expected a month as YYYY-MM")]:
        with pytest.raises(RebaseError, match=message):
            parse_origins(bad)


def test_the_fit_starts_in_august_2021_or_before_an_earlier_log():
    shipped = read_event_log(ROOT / "scenarios" / "data" / "engagement_events.csv")
    assert fit_start_for(shipped) == date(2021, 8, 1)
    early = EventLog("x.csv", (Event(date(2019, 3, 15), "A", 1, 2),))
    assert fit_start_for(early) == date(2019, 2, 1)
    assert fit_start_for(early, date(2018, 1, 1)) == date(2018, 1, 1)


@pytest.mark.parametrize(("origin", "horizon", "message"), [
    ("2021-09", 6, "before the log's first event (2021-10)"),
    ("2025-08", 1, "after the log's last month (2025-07)"),
    ("2025-03", 6, "runs to 2025-09, past the log's last month (2025-07)"),
])
def test_origins_outside_the_log_are_refused(origin, horizon, message):
    shipped = read_event_log(ROOT / "scenarios" / "data" / "engagement_events.csv")
    with pytest.raises(RebaseError, match=re.escape(message)):
        check_origins(parse_origins(f"{origin}:{origin}"), shipped, horizon, date(2021, 8, 1))
    with pytest.raises(RebaseError, match="not after the fit start"):
        check_origins([date(2022, 1, 1)], shipped, 6, date(2022, 1, 1))


def test_an_origin_scenario_starts_from_the_log_and_keeps_later_shocks_out(baseline):
    log = read_event_log(ROOT / "scenarios" / "data" / "engagement_events.csv")
    based, notes = origin_scenario(baseline, log, date(2024, 1, 1), 12, future_shocks=False)
    assert based.start == "2024-01" and based.months == 12
    assert based.events.log is None and based.uncertainty.draws is None
    levels = {s: spec.level for s, spec in based.states.items()}
    assert levels["KAZ"] == 2 and levels["UZB"] == 1 and levels["CHN"] == 2  # Xi, 2024-01
    assert levels["KGZ"] == 0 and levels["RUS"] == 2 and levels["SAU"] == 0
    history = {s.name for s in based.history}
    assert "qosh_tepa_phase_1" in history and "tapi_construction" not in history
    assert not based.shocks
    assert "tapi_construction" in notes[0] and "after the origin" in notes[0]
    # with future shocks (the forecast as of now) a dated shock within the horizon is kept
    data = baseline.model_dump(by_alias=True, exclude_none=True)
    data["shocks"] = [{"kind": "recognize", "name": "cn", "states": ["CHN"], "at": "2026-01"},
                      {"kind": "recognize", "name": "late", "states": ["IND"], "at": "2029-01"}]
    ahead = scenario_from_dict(data)
    kept, notes = origin_scenario(ahead, log, date(2025, 7, 1), 12, future_shocks=True)
    assert [s.name for s in kept.shocks] == ["cn"] and kept.shocks[0].at == "2026-01"
    assert "late" in notes[0] and "after the horizon" in notes[0]
    dropped, _ = origin_scenario(ahead, log, date(2025, 7, 1), 12, future_shocks=False)
    assert not dropped.shocks


def _forecasts(forecast):
    """An origin's forecasts as bytes: what must not change."""
    return forecast.rows.to_csv(index=False).encode(), repr(sorted(forecast.means.items()))


def test_no_information_after_an_origin_reaches_its_forecast(ring_log):
    origin = date(2004, 1, 1)
    (task,) = _plan(ring_log, "2004-01:2004-01")
    reference = forecast_origin(task)
    later = [e for e in ring_log.events if e.month > origin]
    assert len(later) > 20
    # every later event deleted (the task is built directly: the horizon check would refuse)
    deleted = EventLog(ring_log.file, tuple(e for e in ring_log.events if e.month <= origin))
    assert _forecasts(forecast_origin(dataclasses.replace(task, log=deleted))) == \
        _forecasts(reference)
    # every later event altered: another level, and one more event in the last month
    altered = tuple(dataclasses.replace(e, level=(e.level + 2) % 4) if e.month > origin else e
                    for e in ring_log.events)
    extra = Event(date(2009, 12, 20), "A", 0, 999)
    altered_log = EventLog(ring_log.file, (*altered, extra))
    (other_task,) = _plan(altered_log, "2004-01:2004-01")
    other = forecast_origin(other_task)
    assert _forecasts(other) == _forecasts(reference)
    # ... while the outcomes the forecasts are scored on do change: the check can fail
    scenario = fitting_scenario(ring_scenario(120))
    first = backtest_table([reference], ring_log, scenario, 12)
    second = backtest_table([other], altered_log, scenario, 12)
    forecast_columns = ["origin", "state", "target", "p_model", "p_persistence", "p_climatology"]
    assert first[forecast_columns].equals(second[forecast_columns])
    assert not first["outcome"].equals(second["outcome"])


def test_executors_give_the_same_backtest(ring_log):
    tasks = _plan(ring_log, "2003-01:2005-01:12")
    serial = run_backtest(tasks, executor=SerialExecutor())
    pooled = run_backtest(tasks, executor=ProcessExecutor(2))
    assert [_forecasts(f) for f in serial] == [_forecasts(f) for f in pooled]
    assert [f.origin for f in pooled] == [date(2003, 1, 1), date(2004, 1, 1),
                                          date(2005, 1, 1)]


@pytest.mark.dask
def test_dask_gives_the_same_backtest(ring_log):
    pytest.importorskip("dask.distributed")
    from sim.engine.dask_cluster import DaskExecutor

    tasks = _plan(ring_log, "2003-01:2004-01:12")
    serial = run_backtest(tasks)
    with DaskExecutor("local", workers=2, processes=False) as executor:
        distributed = run_backtest(tasks, executor=executor)
    assert [_forecasts(f) for f in serial] == [_forecasts(f) for f in distributed]


def _skill(seed: int, origins: str, settings: FitSettings = FAST) -> float:
    """The model's Brier skill over persistence, every target pooled, on a record simulated
    from the ring with the parameters the fit's priors are centred on."""
    log = simulate_record(ring_scenario(120), 1000 + seed)
    scenario = fitting_scenario(ring_scenario(120))
    # a record's last month is its last event's: origins whose horizon runs past it go
    known = [o for o in parse_origins(origins) if add_months(o, 12) <= log.last_month]
    tasks = plan_backtest(scenario, log, known, horizon=12, runs=500, seed=seed,
                          priors=PRIORS, fit_start=START, settings=settings)
    table = backtest_table(run_backtest(tasks), log, scenario, 12)
    return 1 - brier_score(table["p_model"], table["outcome"]) / \
        brier_score(table["p_persistence"], table["outcome"])


def test_the_model_beats_persistence_on_a_record_of_its_own():
    """One record, three origins; tolerance: skill above 0 (the slow test below checks ten
    records)."""
    assert _skill(3, "2004-01:2008-01:24") > 0


@pytest.mark.slow
def test_the_model_beats_persistence_on_records_of_its_own():
    """Ten records simulated from the ring (120 months, about 60 events each), six origins
    each (fewer if a record falls quiet early), horizon 12: the pooled Brier skill over
    persistence is above 0 in at least nine and above 0.2 on average."""
    settings = dataclasses.replace(FAST, max_steps=2000)
    skills = np.array([_skill(seed, "2003-01:2008-01:12", settings) for seed in range(10)])
    assert (skills > 0).sum() >= 9, skills
    assert skills.mean() > 0.2, skills
