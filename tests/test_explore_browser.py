"""``recsim explore`` in a real browser: headless Chromium driven through Playwright.

Starts the command on a free port, loads the page, moves a weight, adds a shock, types a
bad month, saves the scenario and runs it in full, and checks that the numbers on the page
change and are those ``recsim run`` gives for the saved file (same seed and runs). The
browser is Debian's ``chromium`` (never a downloaded one); the page must not reach past
127.0.0.1. Skipped, with the reason, where Chromium, Playwright or Solara is missing.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from explore_server import OUTSIDE, group_gone, start_explorer

from sim.explore.draft import Draft, Problem
from sim.scenario.loading import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RUNS, SEED = 2000, 1
WAIT_MS = 120_000  # generous: the machine is shared


def _missing() -> str | None:
    if not CHROMIUM.is_file():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    if importlib.util.find_spec("playwright") is None:
        return "needs playwright (pip install -e '.[dev]')"
    if importlib.util.find_spec("solara") is None:
        return "needs the explore extra (pip install -e '.[explore]')"
    return None


pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``recsim explore`` on a free port in its own process group; stopped as Ctrl-C would
    stop it, and every process it started checked gone."""
    out = tmp_path_factory.mktemp("explore")
    with (out / "server.log").open("w") as log:
        process, url = start_explorer(["scenarios/baseline.toml", "--runs", str(RUNS),
                                       "--seed", str(SEED), "--out", str(out)], log)
        try:
            yield url, out
        finally:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            gone = group_gone(process.pid, timeout=15)
            if not gone:
                os.killpg(process.pid, signal.SIGKILL)
    log_text = (out / "server.log").read_text()
    assert gone, "recsim explore left processes behind after Ctrl-C"
    assert process.returncode == 0, log_text[-2000:]
    assert OUTSIDE not in log_text, "the server reached past 127.0.0.1:\n" + log_text


@pytest.fixture(scope="module")
def page(explorer: tuple[str, Path]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    url, _ = explorer
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.set_default_timeout(WAIT_MS)
        page.outside = []  # type: ignore[attr-defined]
        page.on("request", lambda r: None if r.url.startswith(
            (url, url.replace("http", "ws"), "data:", "blob:")) else page.outside.append(r.url))
        page.goto(url)
        try:
            yield page
        finally:
            browser.close()


def _settled(page: Any) -> None:
    """Wait until every view shows the latest valid change (the status names both)."""
    page.wait_for_function(
        "(() => { const s = document.querySelector('.recsim-status');"
        " return s !== null && s.dataset.busy === 'false' && s.dataset.wanted !== ''"
        " && s.dataset.shown === s.dataset.wanted; })()")
    page.wait_for_function("document.querySelectorAll('[data-figure] img').length === 3")


def _chances(page: Any) -> dict[str, float]:
    """The table's P(de jure) per state, exact (the ``data-p`` of each row)."""
    rows = page.eval_on_selector_all(
        "tr[data-state]", "rows => rows.map(r => [r.dataset.state, r.dataset.p])")
    return {state: float(p) for state, p in rows}


def _stat(page: Any, key: str) -> float:
    return float(page.get_attribute(f'[data-stat="{key}"]', "data-value"))


def _expected_problem(social: float, point: bool) -> str:
    """What the loader (and so ``recsim validate``) says of the page's draft below."""
    draft = Draft.load("scenarios/baseline.toml")
    if point:
        draft = draft.at_point_estimates()
    draft = draft.set(["weights", "social"], social).add_shock().set(["shocks", 0, "at"],
                                                                     "2031-01")
    with pytest.raises(ScenarioError) as caught:
        draft.check()
    return Problem.of(caught.value).line


def _social(page: Any) -> str:
    return page.input_value('[data-path="weights.social"] .recsim-number input')


def test_the_page_follows_the_controls_and_matches_recsim_run(page: Any, explorer,
                                                              tmp_path: Path) -> None:
    _, out = explorer
    page.wait_for_selector("tr[data-state='KAZ']")
    _settled(page)
    assert page.inner_text(".recsim-title") == "baseline"
    assert "Russia's de jure recognition" in page.inner_text(".recsim-lede")
    unmodified = _chances(page)
    assert len(unmodified) == 17
    first = page.get_attribute(".recsim-status", "data-wanted")

    # with parameter draws (a calibrated scenario) the weights are drawn in each run, as in
    # `recsim run`, and their controls are off until the draws are switched off
    point = page.locator('[data-path="uncertainty"]').count() == 1
    if point:
        assert page.locator('[data-path="weights.social"] .recsim-number input').is_disabled()
        page.click('[data-path="uncertainty"] input')
        page.wait_for_function("document.querySelector('.recsim-status').dataset.wanted"
                               f" !== '{first}'")
        _settled(page)
        assert _chances(page) != unmodified  # at the posterior means, not drawn
        unmodified = _chances(page)
        first = page.get_attribute(".recsim-status", "data-wanted")

    # move a weight: five steps of its slider, each shown before the next
    thumb = page.locator('[data-path="weights.social"] [role="slider"]')
    start = float(_social(page))
    for _ in range(5):
        before = _social(page)
        thumb.focus()
        thumb.press("ArrowRight")
        page.wait_for_function(
            "document.querySelector('[data-path=\"weights.social\"] .recsim-number input')"
            f".value !== '{before}'")
    social = float(_social(page))
    assert social == pytest.approx(start + 0.5, abs=0.1)
    page.wait_for_function("document.querySelector('.recsim-badge') !== null")
    page.wait_for_function("document.querySelector('.recsim-status').dataset.wanted"
                           f" !== '{first}'")
    _settled(page)
    moved = _chances(page)
    assert moved != unmodified
    assert moved["KAZ"] > unmodified["KAZ"]  # a stronger pull of partners

    # add a shock: by default China recognises de jure six months in
    wanted = page.get_attribute(".recsim-status", "data-wanted")
    page.click("text=Shocks (0)")
    page.click(".recsim-add-shock")
    page.wait_for_selector('[data-path="shocks.0"]')
    page.wait_for_function("document.querySelector('.recsim-status').dataset.wanted"
                           f" !== '{wanted}'")
    _settled(page)
    shocked = _chances(page)
    assert shocked["CHN"] > moved["CHN"] + 0.2 and shocked != moved  # China moves early

    # a month past the horizon: the loader's line at the shock, the last result kept
    month = page.locator('[data-path="shocks.0.at"] input')
    month.fill("2031-01")
    month.press("Enter")
    problem = page.wait_for_selector('[data-problem="shocks.0"]')
    assert problem.inner_text() == _expected_problem(social, point)
    assert "last valid result" in page.inner_text(".recsim-status")
    assert _chances(page) == shocked
    month.fill("2026-01")
    month.press("Enter")
    page.wait_for_selector('[data-problem="shocks.0"]', state="detached")
    _settled(page)
    assert _chances(page) == shocked

    # save, and run the saved file as a user would
    page.click("text=Save and run")
    page.click(".recsim-save")
    saved = Path(page.wait_for_selector("[data-saved]").get_attribute("data-saved"))
    assert saved.parent == out / "explore" and saved.is_file()
    run = tmp_path / "run"
    for args in (["validate", str(saved)],
                 ["run", str(saved), "--runs", str(RUNS), "--seed", str(SEED), "--out", str(run),
                  "--quiet"]):
        done = subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    summary = pd.read_csv(run / "summary.csv")
    assert dict(zip(summary["state"], summary["p_de_jure"], strict=True)) == \
        pytest.approx(shocked, abs=1e-12)
    curve = pd.read_csv(run / "curve.csv").iloc[-1]
    assert _stat(page, "de_jure") == pytest.approx(curve["de_jure_mean"], rel=1e-5)
    assert _stat(page, "de_facto") == pytest.approx(curve["de_facto_mean"], rel=1e-5)

    # run in full from the page: a results directory with the same numbers, and its report
    page.click(".recsim-run-full")
    report = page.wait_for_selector(".recsim-report")
    directory = Path(page.get_attribute("[data-results]", "data-results"))
    assert directory.parent.parent == out
    pd.testing.assert_frame_equal(pd.read_csv(directory / "summary.csv"), summary)
    response = page.request.get(page.url.rstrip("/") + report.get_attribute("href"))
    assert response.status == 200 and "<html" in response.text()[:500].lower()

    assert page.outside == [], "the page reached past 127.0.0.1"
