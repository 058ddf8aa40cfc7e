"""The explorer's page (Solara): the controls on the left, the live views on the right.

A change to a control makes a new draft (sim/explore/draft.py); a valid draft starts
:func:`compute_views`, which runs the ensemble and yields the views as they are ready
(sim/explore/update.py). A draft the loader refuses shows the loader's one-line message
at the control, and the last valid result stays on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import solara
import solara.lab
from solara.alias import rv

from ..engine.uncertainty import drawn_paths
from ..scenario.loading import ScenarioError, scenario_hash
from ..scenario.schema import Scenario
from .compute import Request
from .config import current
from .controls import (
    ProblemLine,
    SimulationControls,
    StateControls,
    ThresholdControls,
    WeightControls,
    simulation_problems,
)
from .draft import Draft, Problem
from .figures import shared_pool
from .library import Entry, library_entries
from .save_panel import SavePanel, one_line
from .shock_editor import ShockList
from .style import CSS
from .update import Update, updates
from .views import Shown, Views, request_tag

__all__ = ["Layout", "Page", "compute_views"]

PRIMARY = "#1f3a5f"  # the title bar's navy, for buttons and sliders


@solara.lab.task(prefer_threaded=True)
def compute_views(request: Request) -> Iterator[Update]:
    """The views of ``request``, numbers first; a newer call stops this one early."""
    yield from updates(request, shared_pool(), compute_views.is_current)


def _checked(draft: Draft | None) -> tuple[Scenario | None, Problem | None]:
    if draft is None:
        return None, None
    try:
        return draft.check(), None
    except ScenarioError as exc:
        return None, Problem.of(exc)


def _first(entries: list[Entry]) -> Entry | None:
    return next((e for e in entries if e.problem is None), None)


@solara.component
def ScenarioPicker(entries: list[Entry], path: str, on_path: Callable[[str], None],
                   problem: str | None) -> None:
    """The library's scenarios (and the file given on the command line)."""
    items = [{"title": entry.label, "value": str(entry.path)} for entry in entries]
    with rv.Html(tag="div", attributes={"data-path": "scenario"}):
        rv.Select(label="Scenario", items=items, v_model=path, on_v_model=on_path,
                  density="compact", variant="outlined", hide_details=True,
                  class_="recsim-picker")
    ProblemLine(problem, "scenario")


@solara.component
def Panels(titles: list[str], children: list[Callable[[], None]]) -> None:
    """Expansion panels that keep which are open across updates."""
    opened, set_opened = solara.use_state([0])
    with rv.ExpansionPanels(v_model=opened, on_v_model=set_opened, multiple=True,
                            variant="accordion", flat=True, class_="recsim-panels"):
        for title, body in zip(titles, children, strict=True):
            with rv.ExpansionPanel(class_=f"recsim-panel-{title.split()[0].lower()}"):
                rv.ExpansionPanelTitle(children=[title], class_="recsim-section-title")
                with rv.ExpansionPanelText():
                    body()


@solara.component
def Layout(children: list[solara.Element] = []) -> None:  # noqa: B006 (Solara's convention)
    """The frame Solara puts around :func:`Page`: none, the page lays itself out (below)."""
    rv.Html(tag="div", children=children, class_="recsim-root")


@solara.component
def Page() -> None:
    """The whole page: one scenario, edited, compared with itself unmodified."""
    solara.lab.theme.themes.light.primary = PRIMARY
    settings = current()
    extra = [settings.scenario] if settings.scenario is not None else []
    entries = solara.use_memo(lambda: library_entries(settings.library, extra), [])
    first = _first(entries)
    initial = solara.use_memo(lambda: Draft.load(first.path) if first else None, [])
    path, set_path = solara.use_state(str(first.path) if first else "")
    draft, set_draft = solara.use_state(initial)
    load_problem, set_load_problem = solara.use_state(
        None if first else f"{settings.library}: no valid scenario file (*.toml) to open")
    runs, set_runs = solara.use_state(settings.runs)
    seed, set_seed = solara.use_state(settings.seed)
    state, set_state = solara.use_state("")
    uncertain, set_uncertain = solara.use_state(True)  # as recsim run: draws on, if any
    last_valid = solara.use_ref(None)

    def pick(new: str) -> None:
        try:
            loaded = Draft.load(Path(new))
        except ScenarioError as exc:  # the page stays on the scenario it had
            set_load_problem(exc.lines()[0])
            return
        set_path(new)
        set_load_problem(None)
        last_valid.current = None
        set_uncertain(True)
        set_draft(loaded)

    scenario, problem = solara.use_memo(lambda: _checked(draft), [draft])
    if scenario is not None:
        last_valid.current = scenario
    valid: Scenario | None = last_valid.current
    base = draft.base if draft is not None else None
    drawn = solara.use_memo(lambda: drawn_paths(base) if base is not None else frozenset(),
                            [base])
    has_draws = draft is not None and (bool(drawn) or not uncertain)

    def switch_uncertainty(on: bool) -> None:
        """Draws on: the file's draws back, for the draft as edited; off: its point estimates."""
        if draft is None or on == uncertain:
            return
        last_valid.current = None
        set_draft(draft.with_draws(Draft.load(Path(path)).base) if on else
                  draft.at_point_estimates())
        set_uncertain(on)

    solara.Style(CSS)
    solara.Title("recsim explore")
    with rv.Html(tag="div", class_="recsim-app"):
        with rv.Html(tag="header", class_="recsim-bar"):
            rv.Html(tag="div", class_="recsim-brand", children=["recsim explore"])
            rv.Html(tag="div", class_="recsim-tagline",
                    children=["Recognition of the Taliban government: what if?"])
        with rv.Html(tag="aside", class_="recsim-side"):
            ScenarioPicker(entries, path, pick, load_problem)
            if draft is not None:
                ProblemLine(problem if problem is not None and not any(
                    problem.concerns(p) for p in ("weights", "thresholds", "states",
                                                  "shocks", "projects")) else None, "page")
                SimulationControls(runs, seed, set_runs, set_seed,
                                   uncertain if has_draws else None, switch_uncertainty,
                                   can_switch=problem is None)
                on_draft = set_draft
                off = drawn if uncertain else frozenset()
                Panels(
                    ["Weights", "Thresholds", "State incentives",
                     f"Shocks ({len(draft.shocks)})", "Save and run"],
                    [lambda: WeightControls(draft, on_draft, problem, off),
                     lambda: ThresholdControls(draft, on_draft, problem, off),
                     lambda: StateControls(draft, on_draft, problem, state, set_state, off),
                     lambda: ShockList(draft, on_draft, problem),
                     lambda: SavePanel(scenario, problem, runs, seed, settings).key(path)],
                ).key(f"panels-{path}")
                if draft.edited:
                    solara.Button("Undo all edits", icon_name="mdi-undo", text=True,
                                  on_click=lambda: pick(path), classes=["recsim-reset"])
        with rv.Html(tag="main", class_="recsim-content"):
            LiveViews(valid, base, bool(draft is not None and draft.edited), problem, runs,
                      seed)


@solara.component
def LiveViews(valid: Scenario | None, base: Scenario | None, edited: bool,
              problem: Problem | None, runs: int, seed: int) -> None:
    """Start a computation on every valid change and show its views as they come.

    Only this part of the page reads the computation, so only it is drawn again while the
    views arrive; the controls are left alone.
    """
    shown = solara.use_ref(Shown())
    ready = valid is not None and base is not None and not simulation_problems(runs, seed)
    key = (scenario_hash(valid), scenario_hash(base), runs, seed) if ready else None

    def start() -> None:
        if ready:
            assert valid is not None and base is not None
            compute_views(Request(valid, base, runs, seed))

    solara.use_effect(start, [key])
    shown.current = shown.current.merged(compute_views.latest)
    update = shown.current.update
    busy = compute_views.pending or (update is not None and not update.complete)
    if compute_views.error:
        ProblemLine(f"Could not compute the views: {one_line(compute_views.exception)}",
                    "compute")
    wanted = request_tag(valid, runs, seed) if ready and valid is not None else ""
    blocked = problem is not None or bool(simulation_problems(runs, seed))
    Views(shown.current, valid, edited, busy, blocked, wanted)
