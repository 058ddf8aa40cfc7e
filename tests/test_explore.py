"""The explorer's library side: drafts, messages, numbers, saving, and the command's refusals.

The page itself is driven in a real browser by tests/test_explore_browser.py; everything
here runs without Solara or a browser, through the functions the page calls.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import time
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import tomli_w
from click.testing import CliRunner
from explore_server import group_gone, group_members, start_explorer

from sim.cli import cli, main
from sim.engine.ensemble import run_ensemble
from sim.engine.uncertainty import drawn_paths, without_uncertainty
from sim.explore.compute import Request, compute_numbers
from sim.explore.draft import Draft, Problem, month_value, shock_with_kind, with_value
from sim.explore.figures import FigurePool, figure_jobs
from sim.explore.library import library_entries
from sim.explore.saving import report_file, report_url, save_scenario
from sim.explore.server import ExploreError, bind, check_installation
from sim.explore.update import updates
from sim.results.tables import summary_table
from sim.scenario.loading import ScenarioError, load_scenario, scenario_from_dict
from sim.scenario.shocks import SHOCK_KINDS

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def _without_none(value: Any) -> Any:
    """A raw scenario table TOML can hold: keys whose value is None left out."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


def _cli_first_error(path: Path) -> str:
    """The first line ``recsim validate FILE`` prints for an invalid file, without 'error: '."""
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    return result.stderr.splitlines()[0].removeprefix("error: ")


# ----------------------------------------------------------------------------- drafts


def test_with_value_copies_only_the_path() -> None:
    data = {"weights": {"social": 4.0, "water": -0.6}, "shocks": [{"at": 3}], "name": "x"}
    changed = with_value(data, ["shocks", 0, "at"], 7)
    assert changed["shocks"][0]["at"] == 7
    assert data["shocks"][0]["at"] == 3  # the original is untouched
    assert changed["weights"] is data["weights"]  # what the path does not cross is shared


def test_month_value_reads_indices_and_calendar_months() -> None:
    assert month_value(" 12 ") == 12
    assert month_value("2026-07") == "2026-07"
    assert month_value("-3") == -3


def test_an_unedited_draft_is_the_file() -> None:
    draft = Draft.load(BASELINE)
    assert not draft.edited
    assert draft.check() == load_scenario(BASELINE)
    edited = draft.set(["weights", "social"], 5.0)
    assert edited.edited and not draft.edited
    assert edited.check().weights.social == 5.0


def test_added_shocks_get_unused_names_and_validate(baseline) -> None:
    draft = Draft.load(BASELINE).add_shock().add_shock()
    names = [s["name"] for s in draft.shocks]
    assert names == ["shock_1", "shock_2"]
    scenario = draft.check()
    assert [s.kind for s in scenario.shocks] == ["recognize", "recognize"]
    assert scenario.shocks[0].states == ("CHN",)
    assert draft.remove_shock(0).shocks[0]["name"] == "shock_2"


@pytest.mark.parametrize("kind", SHOCK_KINDS)
def test_every_kind_of_new_shock_is_valid_and_keeps_name_and_month(kind: str) -> None:
    draft = Draft.load(BASELINE).add_shock()
    before = draft.shocks[0]
    changed = draft.change_kind(0, kind)
    shock = changed.check().shocks[0]
    assert shock.kind == kind
    assert shock.name == before["name"] and shock.at == before["at"]


def test_a_hazard_shock_keeps_repeat_only_where_the_kind_repeats(baseline) -> None:
    attack = shock_with_kind({"name": "a", "hazard": 0.1, "repeat": True, "kind": "recognize",
                              "states": ["KAZ"]}, "attack", baseline)
    assert attack["repeat"] is True
    assert shock_with_kind(attack, "recognize", baseline)["repeat"] is False


def test_a_scenario_without_draws_has_nothing_to_switch(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "scenarios" / "china_first.toml")
    data = scenario.model_dump(by_alias=True)
    if "uncertainty" in data:  # a calibrated checkout: the same scenario without its draws
        data["uncertainty"] = {}
        scenario = scenario_from_dict(data)
    assert scenario.uncertainty.draws is None and drawn_paths(scenario) == frozenset()
    assert without_uncertainty(scenario) is scenario


def test_switching_draws_off_and_on_keeps_the_edits() -> None:
    """On a calibrated checkout (sim/engine/uncertainty.py): off gives the point estimates,
    as `recsim run --no-uncertainty`; on gives the file's draws back."""
    loaded = Draft.load(BASELINE)
    drawn = drawn_paths(loaded.base)
    assert "weights.social" in drawn
    edited = loaded.add_shock()
    point = edited.at_point_estimates()
    assert point.check().uncertainty.draws is None and point.base.uncertainty.draws is None
    assert point.check() == without_uncertainty(edited.check())
    assert len(point.shocks) == 1 and not Draft(point.source, point.base,
                                                point.base.model_dump(by_alias=True)).edited
    back = point.with_draws(loaded.base)
    assert back.check() == edited.check() and back.base == loaded.base


# ------------------------------------------------------------- messages, as the CLI


@pytest.mark.parametrize(("path", "value", "where"), [
    (["shocks", 0, "at"], "2031-01", "shocks.0.at"),  # past the five-year horizon
    (["shocks", 0, "states"], ["CHN", "XYZ"], "shocks.0.states.1"),  # an unknown state
    (["weights", "social"], 1000.0, "weights.social"),  # out of the schema's range
])
def test_a_bad_value_reads_as_recsim_validate_prints_it(tmp_path: Path, path, value,
                                                        where: str) -> None:
    target = tmp_path / "edited.toml"
    draft = Draft.load(BASELINE).add_shock()
    draft = Draft(target, draft.base, draft.data).set(path, value)
    with pytest.raises(ScenarioError) as caught:
        draft.check()
    problem = Problem.of(caught.value)
    assert problem.path == where
    target.write_text(tomli_w.dumps(_without_none(draft.data)))
    assert problem.line == _cli_first_error(target)
    assert problem.concerns(where.rsplit(".", 1)[0]) and not problem.concerns("thresholds")


def test_the_library_lists_the_given_file_first_and_invalid_files_with_their_problem(
        tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text((ROOT / "scenarios" / "baseline.toml").read_text())
    (tmp_path / "bad.toml").write_text('name = "bad"\nmonths = 0\n[states.A]\nname = "A"\n')
    given = ROOT / "scenarios" / "china_first.toml"
    entries = library_entries(tmp_path, [given])
    assert [e.path for e in entries] == [given, tmp_path / "a.toml", tmp_path / "bad.toml"]
    assert entries[0].label == "china_first" and "China" in entries[0].description
    assert entries[2].problem is not None and entries[2].problem.startswith(
        f"{tmp_path / 'bad.toml'}: months:")


# -------------------------------------------------------------------------- numbers


@pytest.fixture(scope="module")
def edited_numbers():
    draft = Draft.load(BASELINE).set(["weights", "social"], 5.0).add_shock()
    request = Request(draft.check(), draft.base, 400, 7)
    return request, compute_numbers(request)


def test_numbers_are_those_of_an_ensemble_run_of_each_scenario(edited_numbers) -> None:
    request, numbers = edited_numbers
    for scenario, outcome in ((request.scenario, numbers.edited),
                              (request.reference, numbers.reference)):
        alone = summary_table(run_ensemble(scenario, request.runs, request.seed), scenario)
        pd.testing.assert_frame_equal(outcome.summary, alone)


def test_differences_are_paired_from_the_unmodified_scenario(edited_numbers) -> None:
    _, numbers = edited_numbers
    table = numbers.differences.set_index("state")
    before = numbers.reference.summary.set_index("state")["p_de_jure"]
    after = numbers.edited.summary.set_index("state")["p_de_jure"]
    assert np.allclose(table["diff_p_de_jure"], after - before.reindex(after.index))
    assert (table["diff_p_de_jure_low95"] <= table["diff_p_de_jure"]).all()
    assert (table["diff_p_de_jure"] <= table["diff_p_de_jure_high95"]).all()
    # the new shock: China recognises de jure six months in
    assert table.loc["CHN", "p_de_jure"] > before["CHN"] + 0.2


def test_an_unedited_scenario_differs_by_nothing() -> None:
    scenario = load_scenario(BASELINE)
    numbers = compute_numbers(Request(scenario, scenario, 300, 3))
    assert (numbers.differences["diff_p_de_jure"] == 0).all()
    assert numbers.edited is numbers.reference  # computed once


def test_views_arrive_numbers_first_then_every_figure_as_png(edited_numbers) -> None:
    request, _ = edited_numbers
    steps = list(updates(request, FigurePool(workers=0)))
    assert steps[0].images == {} and not steps[0].complete
    final = steps[-1]
    assert final.complete and set(final.images) == {"map", "cascade", "states"}
    assert all(image.startswith(b"\x89PNG") for image in final.images.values())
    assert list(figure_jobs(final.numbers)) == ["map", "cascade", "states"]  # slowest first


def test_a_newer_change_stops_an_update_early(edited_numbers) -> None:
    request, _ = edited_numbers
    assert list(updates(request, FigurePool(workers=0), is_current=lambda: False)) == []


class _CountingPool(FigurePool):
    def __init__(self) -> None:
        super().__init__(workers=0)
        self.submitted: list[str] = []

    def submit(self, job):  # type: ignore[no-untyped-def]
        self.submitted.append(job[0])
        return super().submit(job)


def test_a_change_during_the_numbers_draws_no_figure_for_them(edited_numbers) -> None:
    """Dragging a slider makes many changes: the figures of those overtaken by a newer one
    are never drawn, so they cannot hold up the newest one's."""
    request, _ = edited_numbers
    answers = iter([True, False])  # current when the numbers start, overtaken by their end
    pool = _CountingPool()
    steps = list(updates(request, pool, is_current=lambda: next(answers, False)))
    assert len(steps) == 1 and steps[0].images == {}
    assert pool.submitted == []


# --------------------------------------------------------------------------- saving


def test_a_saved_scenario_validates_and_reruns_to_the_page_numbers(tmp_path: Path,
                                                                   edited_numbers) -> None:
    request, numbers = edited_numbers
    path = save_scenario(request.scenario, tmp_path, "my_what_if")
    assert path == tmp_path / "my_what_if.toml"
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["run", str(path), "--runs", str(request.runs), "--seed",
                                      str(request.seed), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    saved = pd.read_csv(out / "summary.csv")
    assert np.allclose(saved["p_de_jure"], numbers.edited.summary["p_de_jure"], rtol=0,
                       atol=1e-9)
    assert tomllib.loads(path.read_text())["name"] == "my_what_if"


def test_saving_never_overwrites(tmp_path: Path, baseline) -> None:
    first = save_scenario(baseline, tmp_path)
    second = save_scenario(baseline, tmp_path)
    assert (first.name, second.name) == ("baseline.toml", "baseline-2.toml")
    assert load_scenario(second) == baseline


def test_a_bad_name_is_refused_with_the_loader_message(tmp_path: Path, baseline) -> None:
    with pytest.raises(ScenarioError) as caught:
        save_scenario(baseline, tmp_path, "no spaces please")
    assert caught.value.lines()[0].startswith(
        f"{tmp_path / 'no spaces please.toml'}: name: 'no spaces please' cannot name a "
        "results directory")
    assert not list(tmp_path.iterdir())


def test_reports_are_served_only_for_runs_of_this_server(tmp_path: Path) -> None:
    url = report_url(tmp_path)
    assert report_file(url.rsplit("/", 1)[1]) == tmp_path / "report.html"
    assert report_file("not-a-token") is None


# ------------------------------------------------------------------------ the command


def test_a_taken_port_is_one_line() -> None:
    sock = bind(0)
    port = sock.getsockname()[1]
    try:
        with pytest.raises(ExploreError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind(port)
    finally:
        sock.close()


def _main_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """``recsim ARGV``'s stderr, checking that it is one line and the exit status 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def test_explore_refuses_a_bad_scenario_before_serving(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text((ROOT / "scenarios" / "china_first.toml").read_text().replace(
        'at = "2026-01"', 'at = "2040-01"').replace('extends = "baseline.toml"',
                                                    f'extends = "{BASELINE}"'))
    err = _main_error(["explore", str(bad), "--port", "0"], capsys)
    assert err.startswith(f"error: {bad}: shocks.0.at: month 174 is outside the horizon")


@pytest.mark.parametrize(("installed", "message"), [
    ({"solara-assets": "1.58.2"}, "the explorer needs Solara: pip install -e '.[explore]'"),
    ({"solara": "1.58.2"}, "the explorer needs solara-assets, or the page loads Solara's"),
    ({"solara": "1.58.2", "solara-assets": "1.57.0"},
     "solara 1.58.2 needs solara-assets 1.58.2, not 1.57.0"),
])
def test_solara_and_its_assets_must_both_be_installed_at_one_version(
        monkeypatch, installed: dict[str, str], message: str) -> None:
    from importlib import metadata

    def version(name: str) -> str:
        if name not in installed:
            raise metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(metadata, "version", version)
    with pytest.raises(ExploreError, match=re.escape(message)):
        check_installation()


def test_the_installed_explorer_passes_its_own_check() -> None:
    pytest.importorskip("solara")
    check_installation()


def test_explore_refuses_a_taken_port(capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = _main_error(["explore", str(BASELINE), "--port", str(port)], capsys)
    assert err == (f"error: port {port} on 127.0.0.1 is already in use; choose another --port "
                   "(0 picks a free one)")


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["ctrl-c", "sigterm", "sigkill"])
def test_a_stopped_server_leaves_no_process_behind(how: signal.Signals) -> None:
    """Stopped any way (even killed outright), the server takes its drawing workers, their
    fork server and everything else it started with it."""
    pytest.importorskip("solara")
    process, url = start_explorer([])
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            assert response.status == 200
        deadline = time.monotonic() + 60  # the drawing workers start with the server
        while len(group_members(process.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(group_members(process.pid)) >= 4  # server, fork server, workers, tracker
        os.kill(process.pid, how)  # the server alone, not its group
        assert group_gone(process.pid, timeout=30), group_members(process.pid)
        assert process.wait(timeout=5) == (-signal.SIGKILL if how == signal.SIGKILL else 0)
    finally:
        if group_members(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
