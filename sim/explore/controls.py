"""The explorer's controls: numbers with a slider and a typed value, and the parameter panels.

Every control reports a new value for one key path of the draft (sim/explore/draft.py);
the page validates the whole draft and shows the loader's one-line message under the
control whose key it names. Controls carry their key path as ``data-path`` so a reader
(and the browser test) can find them.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
from solara.alias import rv

from ..scenario.ladder import FACTORS, LEVEL_NAMES
from .config import RUNS_MAX
from .draft import Draft, Problem

__all__ = [
    "NumberControl",
    "NumberTable",
    "ProblemLine",
    "SimulationControls",
    "StateControls",
    "ThresholdControls",
    "WeightControls",
    "simulation_problems",
]

# label, slider range and step of each weight and threshold; typed values may go beyond
WEIGHTS = {
    "social": ("Partners' pull (social)", 0.0, 10.0, 0.1),
    "connectivity": ("Connectivity projects", -3.0, 3.0, 0.05),
    "minerals": ("Minerals", -3.0, 3.0, 0.05),
    "security": ("Counter-terrorism need", -3.0, 3.0, 0.05),
    "water": ("Water (Qosh Tepa)", -3.0, 3.0, 0.05),
    "opposition": ("Hosting opposition", -3.0, 3.0, 0.05),
    "western_pressure": ("Western pressure", -3.0, 3.0, 0.05),
}
THRESHOLDS = {
    "level_1": ("Working contacts (rung 1)", 0.0, 15.0, 0.1),
    "level_2": ("De facto (rung 2)", 0.0, 15.0, 0.1),
    "level_3": ("De jure (rung 3)", 0.0, 15.0, 0.1),
    "downgrade": ("Stepping down", 0.0, 15.0, 0.1),
}
INCENTIVES = {
    "propensity": ("Own propensity", -5.0, 5.0, 0.1),
    "connectivity": ("Connectivity", 0.0, 5.0, 0.1),
    "minerals": ("Minerals", 0.0, 5.0, 0.1),
    "security": ("Counter-terrorism need", 0.0, 5.0, 0.1),
    "water": ("Water", 0.0, 5.0, 0.1),
    "opposition": ("Opposition hosted", 0.0, 5.0, 0.1),
    "western_pressure": ("Western pressure", 0.0, 5.0, 0.1),
}
assert tuple(INCENTIVES)[1:] == FACTORS


def _shown(value: float) -> str:
    return f"{value:g}"


@solara.component
def ProblemLine(problem: Problem | str | None, data_path: str = "") -> None:
    """The loader's one-line message, in red, where the problem is."""
    if problem is None:
        return
    line = problem.line if isinstance(problem, Problem) else problem
    rv.Html(tag="div", class_="recsim-problem", children=[line],
            attributes={"data-problem": data_path or "page", "role": "alert"})


@solara.component
def NumberControl(label: str, path: str, value: float, on_value: Callable[[float], None],
                  low: float, high: float, step: float, problem: Problem | None = None,
                  integer: bool = False, drawn: bool = False) -> None:
    """A slider with the value typed beside it; typed values may leave the slider's range,
    and the scenario's own limits then answer (under the control). ``drawn``: each run
    draws this parameter (parameter uncertainty), so the control is off."""
    text, set_text = solara.use_state(_shown(value))
    solara.use_effect(lambda: set_text(_shown(value)), [value])

    def typed(entry: str | None) -> None:
        set_text(entry or "")
        try:
            number = float(entry or "")
        except ValueError:
            return
        if number != value:
            on_value(int(number) if integer and number.is_integer() else number)

    def slid(position: float) -> None:
        number = round(float(position), 6)
        if number != value:
            on_value(int(number) if integer else number)

    field = rv.TextField(v_model="drawn" if drawn else text, on_v_model=typed,
                         type="text" if drawn else "number", density="compact",
                         hide_details=True, single_line=True, variant="underlined",
                         class_="recsim-number", attributes={"step": str(step)},
                         disabled=drawn)
    title = f"{path}: drawn in each run from the posterior" if drawn else path
    with rv.Html(tag="div", class_="recsim-control", attributes={"data-path": path}):
        rv.Html(tag="div", class_="recsim-label", children=[label],
                attributes={"title": title})
        rv.Slider(v_model=value, on_v_model=slid, min=min(low, value), max=max(high, value),
                  disabled=drawn,
                  step=step, density="compact", hide_details=True, class_="recsim-slider",
                  thumb_size=14, track_size=3, color="primary", thumb_label=False,
                  v_slots=[{"name": "append", "children": [field]}])
        if problem is not None and problem.path == path:
            ProblemLine(problem, path)


def _section_problem(problem: Problem | None, prefix: str, shown: list[str]) -> Problem | None:
    """A problem inside ``prefix`` that no control of ``shown`` displays itself."""
    if problem is None or not problem.concerns(prefix) or problem.path in shown:
        return None
    return problem


@solara.component
def NumberTable(draft: Draft, on_draft: Callable[[Draft], None], problem: Problem | None,
                table: tuple[str, ...], specs: dict[str, tuple[str, float, float, float]],
                drawn: frozenset[str] = frozenset()) -> None:
    """A control per number of one table of the draft (``weights``, ``states.KAZ``), and a
    problem of that table that no control shows itself; ``drawn`` key paths are off."""
    prefix = ".".join(table)
    paths = [f"{prefix}.{key}" for key in specs]
    for (key, (label, low, high, step)), path in zip(specs.items(), paths, strict=True):
        NumberControl(label, path, float(draft.get([*table, key])),
                      lambda v, key=key: on_draft(draft.set([*table, key], v)),
                      low, high, step, problem, drawn=path in drawn)
    ProblemLine(_section_problem(problem, prefix, paths), prefix)


@solara.component
def WeightControls(draft: Draft, on_draft: Callable[[Draft], None], problem: Problem | None,
                   drawn: frozenset[str] = frozenset()) -> None:
    """The utility weights: what each factor is worth (negative: a cost)."""
    NumberTable(draft, on_draft, problem, ("weights",), WEIGHTS, drawn)


@solara.component
def ThresholdControls(draft: Draft, on_draft: Callable[[Draft], None],
                      problem: Problem | None, drawn: frozenset[str] = frozenset()) -> None:
    """The utility each rung needs before the monthly chance of climbing reaches 50%."""
    NumberTable(draft, on_draft, problem, ("thresholds",), THRESHOLDS, drawn)


@solara.component
def StateControls(draft: Draft, on_draft: Callable[[Draft], None], problem: Problem | None,
                  state: str | None, on_state: Callable[[str], None],
                  drawn: frozenset[str] = frozenset()) -> None:
    """One state's propensity and incentives, the state chosen from the roster."""
    states = draft.data.get("states") or {}
    if not states:
        solara.Text("This scenario's states come from a population: no state to edit.",
                    classes=["recsim-note"])
        return
    first = next((sid for sid, spec in states.items() if spec.get("central_asia")),
                 next(iter(states)))
    chosen = state if state in states else first
    items = [{"title": f"{spec['name']} ({sid})", "value": sid} for sid, spec in states.items()]
    with rv.Html(tag="div", attributes={"data-path": "states"}):
        rv.Autocomplete(label="State (type to search)", items=items, v_model=chosen,
                        on_v_model=lambda sid: on_state(sid) if sid else None,
                        density="compact", variant="outlined", hide_details=True,
                        class_="recsim-state-select")
    level = int(states[chosen]["level"])
    solara.Text(f"Starts at: {LEVEL_NAMES[level]}", classes=["recsim-note"])
    if problem is not None and problem.concerns("states") and \
            not problem.concerns(f"states.{chosen}"):  # another state's: shown above it
        ProblemLine(problem, "states")
    NumberTable(draft, on_draft, problem, ("states", chosen), INCENTIVES, drawn)


def simulation_problems(runs: int, seed: int) -> dict[str, str]:
    """What is wrong with runs and seed, by control (empty when both are fine)."""
    problems = {}
    if not 1 <= runs <= RUNS_MAX:
        problems["runs"] = f"--runs: {runs} is not in the range 1<=x<={RUNS_MAX}"
    if seed < 0:
        problems["seed"] = f"--seed: {seed} is not in the range x>=0"
    return problems


@solara.component
def SimulationControls(runs: int, seed: int, on_runs: Callable[[int], None],
                       on_seed: Callable[[int], None], uncertain: bool | None = None,
                       on_uncertain: Callable[[bool], None] | None = None,
                       can_switch: bool = True) -> None:
    """Runs, master seed and parameter uncertainty, as ``recsim run --runs --seed`` and
    ``--no-uncertainty`` take them. ``uncertain`` is None for a scenario without parameter
    draws (no switch); the switch is off while the draft has a problem."""
    problems = simulation_problems(runs, seed)
    with solara.Row(classes=["recsim-simulation"]):
        with rv.Html(tag="div", attributes={"data-path": "runs"}, class_="recsim-field"):
            solara.InputInt("Runs", value=runs, on_value=lambda v: on_runs(int(v or 0)),
                            dense=True)
        with rv.Html(tag="div", attributes={"data-path": "seed"}, class_="recsim-field"):
            solara.InputInt("Seed", value=seed, on_value=lambda v: on_seed(int(v or 0)),
                            dense=True)
    ProblemLine(problems.get("runs"), "runs")
    ProblemLine(problems.get("seed"), "seed")
    if uncertain is None or on_uncertain is None:
        return
    with rv.Html(tag="div", attributes={"data-path": "uncertainty"}, class_="recsim-field"):
        rv.Switch(label="Include parameter uncertainty", v_model=uncertain,
                  on_v_model=lambda on: on_uncertain(bool(on)), disabled=not can_switch,
                  density="compact", hide_details=True, color="primary",
                  class_="recsim-uncertainty")
    solara.Text("Each run draws its weights and thresholds from the calibrated posterior, as "
                "recsim run does; switch off to set them (posterior means, as "
                "--no-uncertainty)." if uncertain else
                "Runs at the posterior means (recsim run --no-uncertainty).",
                classes=["recsim-note"])
