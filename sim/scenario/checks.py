"""Checks across the tables of a scenario: the roster, its network, adopters, rule and shocks.

Each check returns or raises a problem with the key path it belongs to, so the loader can
report ``FILE: shocks.2.states.0: unknown state 'XYZ'``. The checks read the scenario through
:class:`ScenarioParts`, a structural type, so this module does not import the schema that
calls it. States of an edge-list population are only known once its file is read; the
loader checks those (:func:`unknown_states`) after building the roster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Protocol

from .errors import KeyPathError
from .parts import ModelSpec, Network, StateSpec, Tie
from .population import Adopters, Population
from .shocks import (
    AttackShock,
    BlocShock,
    IncentiveShock,
    Project,
    Shock,
    TieShock,
    shock_month,
    state_refs,
)

__all__ = ["Problem", "ScenarioParts", "check_roster", "shock_problem", "unknown_states"]

Problem = tuple[tuple[str | int, ...], str]


class ScenarioParts(Protocol):
    """What the checks read of a scenario (:class:`sim.scenario.schema.Scenario` has it all)."""

    @property
    def states(self) -> Mapping[str, StateSpec]: ...
    @property
    def ties(self) -> tuple[Tie, ...]: ...
    @property
    def population(self) -> Population | None: ...
    @property
    def network(self) -> Network: ...
    @property
    def adopters(self) -> Adopters: ...
    @property
    def model(self) -> ModelSpec: ...
    @property
    def projects(self) -> Mapping[str, Project]: ...
    @property
    def shocks(self) -> tuple[Shock, ...]: ...
    @property
    def history(self) -> tuple[Shock, ...]: ...
    @property
    def start(self) -> str: ...
    @property
    def months(self) -> int: ...
    @property
    def start_date(self) -> date: ...
    def month_date(self, month: int) -> date: ...


def check_roster(scenario: ScenarioParts) -> None:
    """Cross-checks between the roster, its network, the adopters and the rule.

    Raises :class:`KeyPathError` naming the offending key.
    """
    population, network = scenario.population, scenario.network
    if population is None and not scenario.states:
        raise KeyPathError(("states",),
                           "required: at least one [states.ID] table, or a [population]")
    if population is not None:
        _check_population(scenario, population)
    n_states = len(scenario.states) if population is None else population.size
    for index, state in enumerate(scenario.adopters.states):
        known = state in scenario.states if population is None else population.may_hold(state)
        if not known:
            raise KeyPathError(("adopters", "states", index), f"unknown state {state!r}")
    if n_states is not None and scenario.adopters.random > n_states:
        raise KeyPathError(("adopters", "random"),
                           f"more than the {n_states} states of the scenario")
    if population is None:
        _check_random_adopters(scenario)
    if scenario.model.rule == "threshold":
        _check_threshold_rule(scenario)
    if network.edges is not None and not network.edges.strip():
        raise KeyPathError(("network", "edges"), "must name a CSV file")


def _check_random_adopters(scenario: ScenarioParts) -> None:
    """Enough named states start below the adopters' level to draw ``random`` of them.

    The same check as the roster's for populations (sim/scenario/roster.py).
    """
    adopters = scenario.adopters
    named = set(adopters.states)
    eligible = sum(state not in named and spec.level < adopters.level
                   for state, spec in scenario.states.items())
    if adopters.random > eligible:
        raise KeyPathError(("adopters", "random"),
                           f"only {eligible} states start below level {adopters.level}")


def _check_population(scenario: ScenarioParts, population: Population) -> None:
    if scenario.states:
        raise KeyPathError(("population",), "give either [states] or a [population], not both")
    if scenario.ties:
        raise KeyPathError(("ties",), "inline ties need named [states]; a population takes "
                                      "its ties from its generator or from [network] edges")
    edges = scenario.network.edges
    if population.generator == "edge_list" and edges is None:
        raise KeyPathError(("network", "edges"), "required by [population] generator = 'edge_list'")
    if population.generator != "edge_list" and edges is not None:
        raise KeyPathError(("network", "edges"),
                           "a generated population has its own ties; use "
                           "[population] generator = 'edge_list' to read a file")
    if scenario.network.directed and population.generator not in ("erdos_renyi", "edge_list"):
        raise KeyPathError(("network", "directed"),
                           f"{population.generator} networks are undirected")


def _check_threshold_rule(scenario: ScenarioParts) -> None:
    model = scenario.model
    if model.reversible:
        raise KeyPathError(("model", "reversible"),
                           "the threshold rule only climbs; set it to false")
    spec = model.threshold
    if spec.distribution == "fixed" and spec.value is None:
        missing = [s for s, state in scenario.states.items() if state.threshold is None]
        if scenario.population is not None or missing:
            who = "the population's states" if scenario.population else f"{missing[0]!r}"
            raise KeyPathError(("model", "threshold", "value"),
                               f"required: {who} have no own threshold (or choose a distribution)")


def _timing_problem(shock: Shock, scenario: ScenarioParts) -> Problem | None:
    if (shock.at is None) == (shock.hazard is None):
        return ("at",), "give exactly one of 'at' (a fixed month) or 'hazard' (monthly chance)"
    if shock.repeat and shock.at is not None:
        return ("repeat",), "only a 'hazard' shock can repeat"
    if shock.repeat and not isinstance(shock, AttackShock | IncentiveShock):
        return ("repeat",), f"a {shock.kind!r} shock happens once; only attack and incentive repeat"
    if shock.at is None:
        return None
    try:
        month = shock_month(shock, scenario.start_date)
    except ValueError as exc:
        return ("at",), str(exc)
    assert month is not None
    if not 1 <= month <= scenario.months:
        last = scenario.month_date(scenario.months).strftime("%Y-%m")
        first = scenario.month_date(1).strftime("%Y-%m")
        return ("at",), (f"month {month} is outside the horizon: shocks happen in months 1.."
                         f"{scenario.months} ({first} to {last}); the start month is month 0")
    return None


def _history_timing_problem(shock: Shock, scenario: ScenarioParts) -> Problem | None:
    """A shock of the history happened: a fixed month, written YYYY-MM, not after the start."""
    if shock.hazard is not None or shock.repeat or shock.at is None:
        return ("at",), "a shock of the history happened: give its month as at = 'YYYY-MM'"
    if not isinstance(shock.at, str):
        return ("at",), "give the month as 'YYYY-MM' (a month index counts from the start)"
    try:
        month = shock_month(shock, scenario.start_date)
    except ValueError as exc:
        return ("at",), str(exc)
    assert month is not None
    if month > 0:
        return ("at",), (f"{shock.at} is after the start month {scenario.start}; a shock "
                         "still to come belongs in [[shocks]]")
    return None


def _kind_problem(shock: Shock, scenario: ScenarioParts,
                  known: Callable[[str], bool]) -> Problem | None:
    for path, state in state_refs(shock):
        if not known(state):
            return path, f"unknown state {state!r}"
    if scenario.model.rule != "logit" and isinstance(shock, AttackShock | IncentiveShock |
                                                     BlocShock):
        return ("kind",), (f"a {shock.kind!r} shock acts through utility, which "
                           f"model.rule = {scenario.model.rule!r} does not use")
    states = getattr(shock, "states", ())
    if len(set(states)) < len(states):
        return ("states",), "a state is listed twice"
    if isinstance(shock, AttackShock) and shock.project not in scenario.projects:
        known_projects = ", ".join(scenario.projects) or "none declared"
        return ("project",), f"unknown project {shock.project!r} (declared: {known_projects})"
    if isinstance(shock, IncentiveShock) and (shock.add is None) == (shock.scale is None):
        return ("add",), "give exactly one of 'add' (intensity change) or 'scale' (multiplier)"
    if isinstance(shock, TieShock) and shock.source == shock.target:
        return ("to",), "a state cannot tie to itself"
    return None


def _may_hold(scenario: ScenarioParts) -> Callable[[str], bool]:
    """Whether a state id can belong to the roster, as far as is known before reading files."""
    population = scenario.population
    if population is None:
        return lambda state: state in scenario.states
    return population.may_hold


def shock_problem(scenario: ScenarioParts) -> Problem | None:
    """The first cross-field problem of the projects and shocks, with its key path."""
    known = _may_hold(scenario)
    for path, state in _project_refs(scenario):
        if not known(state):
            return path, f"unknown state {state!r}"
    seen: set[str] = set()
    in_bloc: dict[str, str] = {}
    for table, timing in (("history", _history_timing_problem), ("shocks", _timing_problem)):
        for i, shock in enumerate(getattr(scenario, table)):
            if shock.name in seen:
                return (table, i, "name"), f"another shock is already named {shock.name!r}"
            seen.add(shock.name)
            problem = timing(shock, scenario) or _kind_problem(shock, scenario, known)
            if problem is not None:
                return (table, i, *problem[0]), problem[1]
            for j, state in enumerate(shock.states if isinstance(shock, BlocShock) else ()):
                if state in in_bloc:
                    return (table, i, "states", j), (
                        f"{state} is already in bloc {in_bloc[state]!r}; a state joins one "
                        "bloc")
                in_bloc[state] = shock.name
    return None


def _project_refs(scenario: ScenarioParts) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for project_id, project in scenario.projects.items():
        for key in ("stakeholders", "threatened"):
            for j, state in enumerate(getattr(project, key)):
                yield ("projects", project_id, key, j), state


def unknown_states(scenario: ScenarioParts, state_ids: tuple[str, ...]) -> Problem | None:
    """The first project or shock naming a state outside ``state_ids`` (the built roster)."""
    roster = set(state_ids)
    for path, state in _project_refs(scenario):
        if state not in roster:
            return path, f"unknown state {state!r}"
    for table in ("history", "shocks"):
        for i, shock in enumerate(getattr(scenario, table)):
            for path, state in state_refs(shock):
                if state not in roster:
                    return (table, i, *path), f"unknown state {state!r}"
    return None
