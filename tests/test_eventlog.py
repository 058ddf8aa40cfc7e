"""Event logs: reading, checking, levels in any month, and start levels from a log."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from sim.cli import cli, main
from sim.scenario.eventlog import EventLogError, read_event_log
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.roster import roster_of

LOG = ROOT / "scenarios" / "data" / "engagement_events.csv"
HEADER = "date,state,kind,level_after,event\n"


def write(tmp_path: Path, rows: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows)
    return path


def test_the_shipped_log_reads_in_date_order():
    log = read_event_log(LOG)
    assert len(log.events) == 22
    assert log.first_month == date(2021, 10, 1) and log.last_month == date(2025, 7, 1)
    assert [e.day for e in log.events] == sorted(e.day for e in log.events)
    # a date given to the month only is the 15th, as in the shared data's README
    assert next(e for e in log.events if e.state == "KAZ").day == date(2023, 4, 15)


def test_levels_follow_the_latest_event_and_the_stated_level_before():
    log = read_event_log(LOG)
    before = {"KAZ": 1, "CHN": 1, "QAT": 1}
    assert log.levels_at(date(2023, 3, 1), before) == {"KAZ": 1, "CHN": 1, "QAT": 1}
    assert log.levels_at(date(2023, 4, 1), before) == {"KAZ": 2, "CHN": 1, "QAT": 1}
    assert log.levels_at(date(2024, 1, 1), before) == {"KAZ": 2, "CHN": 2, "QAT": 1}
    assert log.level_at("RUS", date(2025, 6, 1), 1) == 2
    assert log.level_at("RUS", date(2025, 7, 1), 1) == 3


def test_level_path_agrees_with_levels_at_every_month():
    log = read_event_log(LOG)
    before = {s: 0 for s in log.states}
    path = log.level_path(date(2021, 8, 1), 47, log.states, before)
    for m, row in enumerate(path):
        month = date(2021 + (7 + m) // 12, (7 + m) % 12 + 1, 1)
        assert row == list(log.levels_at(month, before).values()), month


@pytest.mark.parametrize(("rows", "where", "message"), [
    ("2023-02-30,KAZ,x,2,e\n", "line 2, column date", "'2023-02-30' is not a date"),
    ("2023-02,KAZ,x,4,e\n", "line 2, column level_after", "'4' is not a rung of the ladder"),
    ("2023-02,KAZ,x,,e\n", "line 2, column level_after", "'' is not a rung"),
    ("2023-02,K-Z,x,1,e\n", "line 2, column state", "'K-Z' is not a state id"),
    ("2024-01-05,KAZ,x,1,e\n2023-02-01,UZB,x,1,e\n", "line 3, column date",
     "2023-02-01 is before the previous row's 2024-01-05; sort the log by date"),
    ("2024-01-05,KAZ,x,1,e\n2024-01-20,KAZ,x,2,e\n", "line 3, column date",
     "KAZ has two events in 2024-01 (lines 2 and 3)"),
    ("2024-01-05,KAZ,x\n", "line 2", "expected 5 fields as in the header, saw 3"),
])
def test_bad_rows_name_the_line_and_column(tmp_path, rows, where, message):
    path = write(tmp_path, rows)
    with pytest.raises(EventLogError) as info:
        read_event_log(path)
    text = str(info.value)
    assert text.startswith(f"{path}: {where}: "), text
    assert message in text and "\n" not in text


def test_unknown_state_and_missing_column(tmp_path):
    path = write(tmp_path, "2024-01-05,XYZ,x,1,e\n")
    with pytest.raises(EventLogError, match=r"line 2, column state: unknown state 'XYZ'"):
        read_event_log(path, {"KAZ", "UZB"}, scenario="two")
    bad = tmp_path / "bad.csv"
    bad.write_text("when,state,level_after\n2024-01,KAZ,1\n")
    with pytest.raises(EventLogError, match="line 1: missing column 'date'"):
        read_event_log(bad)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(EventLogError, match="the file is empty"):
        read_event_log(empty)


def _scenario_with_log(tmp_path: Path) -> Path:
    """The baseline's files in a scratch folder, so the log can be changed."""
    shutil.copytree(ROOT / "scenarios" / "data", tmp_path / "data")
    shutil.copytree(ROOT / "scenarios" / "calibration", tmp_path / "calibration")
    shutil.copy(ROOT / "scenarios" / "baseline.toml", tmp_path / "baseline.toml")
    return tmp_path / "baseline.toml"


def test_start_levels_come_from_the_log_and_an_appended_event_moves_them(tmp_path):
    path = _scenario_with_log(tmp_path)
    scenario = load_scenario(path)
    roster = roster_of(scenario)
    start = dict(zip(roster.state_ids, roster.start_levels.tolist(), strict=True))
    assert start["RUS"] == 3 and start["KAZ"] == 2 and start["TJK"] == 0
    assert start["QAT"] == scenario.states["QAT"].level  # no event: its stated level
    # a user appends Kazakhstan's recognition in the start month and reruns
    log = tmp_path / "data" / "engagement_events.csv"
    log.write_text(log.read_text() + "2025-07-25,KAZ,recognition,3,a test event,H,none\n")
    roster = roster_of(load_scenario(path))
    assert dict(zip(roster.state_ids, roster.start_levels.tolist(), strict=True))["KAZ"] == 3


def test_a_bad_log_is_a_scenario_error_naming_file_line_and_column(tmp_path):
    path = _scenario_with_log(tmp_path)
    log = tmp_path / "data" / "engagement_events.csv"
    log.write_text(log.read_text() + "2025-08-01,XYZ,recognition,3,e,H,none\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.lines() == [
        f"{path}: events.log: {log}: line 24, column state: unknown state 'XYZ': not one of "
        "the 17 states of scenario 'baseline'"]


def test_levels_command_prints_csv_and_fails_in_one_line(tmp_path, capsys):
    result = CliRunner().invoke(cli, ["levels", str(LOG), "--at", "2025-07",
                                      "--scenario", str(ROOT / "scenarios" / "baseline.toml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "state,level" and len(lines) == 18
    assert "RUS,3" in lines and "TJK,0" in lines and "USA,0" in lines
    bad = write(tmp_path, "2023-02,KAZ,x,9,e\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["levels", str(bad), "--at", "2025-07"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == f"error: {bad}: line 2, column level_after: '9' is not a rung of the " \
                  "ladder (0 none, 1 contacts, 2 de facto, 3 de jure)\n"
