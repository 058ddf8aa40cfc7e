"""The page's "Save and run" panel: name the edited scenario, save it, or run it in full.

Saving writes the resolved scenario (sim/explore/saving.py); running in full saves it and
runs ``recsim run`` on the file, in the background, then links the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import solara
import solara.lab
from solara.alias import rv

from ..scenario.loading import ScenarioError
from ..scenario.schema import Scenario
from .config import Settings
from .controls import ProblemLine, simulation_problems
from .draft import Problem
from .saving import FullRun, report_url, run_full, save_scenario

__all__ = ["FullRunDone", "SavePanel", "full_run", "one_line"]


def one_line(error: BaseException | None) -> str:
    """An error as one line: the first of its message (a ScenarioError's first problem)."""
    lines = str(error).splitlines()
    return lines[0] if lines else type(error).__name__


@dataclass(frozen=True)
class FullRunDone:
    """A full run as the page shows it: the saved file, and the report's address."""

    run: FullRun
    report: str | None = None


@solara.lab.task(prefer_threaded=True)
def full_run(scenario: Scenario, name: str, runs: int, seed: int,
             settings: Settings) -> FullRunDone:
    """Save the scenario, then ``recsim run`` it into a new results directory."""
    path = save_scenario(scenario, settings.saved, name)
    run = run_full(path, runs, seed, settings.results, name)
    return FullRunDone(run, report_url(run.directory) if run.directory else None)


@solara.component
def SavePanel(scenario: Scenario | None, problem: Problem | None, runs: int, seed: int,
              settings: Settings) -> None:
    """Name the edited scenario; save it as a file, or run it in full with its report."""
    base = scenario.name if scenario is not None else ""
    name, set_name = solara.use_state(f"{base}_explored")
    saved, set_saved = solara.use_state(None)  # type: ignore[arg-type]
    save_problem, set_save_problem = solara.use_state(None)  # type: ignore[arg-type]
    blocked = scenario is None or problem is not None or bool(simulation_problems(runs, seed))

    def save() -> None:
        assert scenario is not None
        try:
            set_saved(str(save_scenario(scenario, settings.saved, name)))
            set_save_problem(None)
        except ScenarioError as exc:
            set_save_problem(exc.lines()[0])
        except OSError as exc:
            set_save_problem(f"{settings.saved}: cannot write ({exc.strerror or exc})")

    def run() -> None:
        assert scenario is not None
        full_run(scenario, name, runs, seed, settings)

    with rv.Html(tag="div", attributes={"data-path": "name"}):
        solara.InputText("Name of the saved scenario", value=name, on_value=set_name,
                         dense=True)
    with solara.Row(classes=["recsim-actions"]):
        solara.Button("Save scenario", icon_name="mdi-content-save", color="primary",
                      on_click=save, disabled=blocked, classes=["recsim-save"])
        solara.Button("Run full", icon_name="mdi-play", outlined=True, color="primary",
                      on_click=run, disabled=blocked or full_run.pending,
                      classes=["recsim-run-full"])
    if blocked and problem is not None:
        solara.Text("Fix the problem shown above to save or run.", classes=["recsim-note"])
    ProblemLine(save_problem, "save")
    if saved:
        rv.Html(tag="div", class_="recsim-saved", attributes={"data-saved": saved},
                children=[f"Saved {saved}. Reproduce with: recsim run {saved} "
                          f"--runs {runs} --seed {seed}"])
    if full_run.pending:
        solara.Text(f"Running {runs:,} runs and drawing the report…", classes=["recsim-note"])
        solara.ProgressLinear(True)
    elif full_run.error:
        ProblemLine(f"Run full failed: {one_line(full_run.exception)}", "run")
    elif full_run.value is not None:
        done = full_run.value
        if done.run.error:
            ProblemLine(done.run.error, "run")
        else:
            with rv.Html(tag="div", class_="recsim-saved",
                         attributes={"data-results": str(done.run.directory)}):
                rv.Html(tag="div", children=[f"Results in {done.run.directory}"])
                solara.Button("Open report", icon_name="mdi-open-in-new", href=done.report,
                              attributes={"target": "_blank"}, outlined=True, color="primary",
                              classes=["recsim-report"])
