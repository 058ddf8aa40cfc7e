"""The roster a scenario describes: its states, their starting levels, and the tie matrix.

Named rosters come from ``[states]`` with inline ``ties`` and an optional CSV edge list;
populations come from a networkx generator or from the labels of an edge list. Building a
roster for 100,000 states takes a few seconds, so rosters are cached per scenario content.
Named rosters without an edge-list file need no roster to be validated (the schema checks
them), so loading a scenario imports this module only for populations and edge lists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .edgelist import EdgeList, EdgeListError, read_edge_list
from .eventlog import EventLog, EventLogError, read_event_log
from .parts import StateSpec
from .population import Population
from .schema import Scenario

__all__ = ["Roster", "RosterError", "build_roster", "levels_before_log", "random_adopters",
           "read_log", "roster_of"]


class RosterError(ValueError):
    """A roster that cannot be built; ``path`` is the scenario key it comes from."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True, eq=False)
class Roster:
    """States in model order, with what the model needs of each.

    ``ties[i, j]`` is how much state i watches state j (raw weights, duplicates summed).
    Anonymous states of a population share one :class:`StateSpec`.
    """

    state_ids: tuple[str, ...]
    names: tuple[str, ...]
    specs: tuple[StateSpec, ...]
    start_levels: np.ndarray  # (n,) int8, named adopters already raised
    ties: sp.csr_array

    def __len__(self) -> int:
        return len(self.state_ids)

    def own_thresholds(self) -> list[float | None]:
        """Each state's own threshold for the threshold rule, None where it has none."""
        return [spec.threshold for spec in self.specs]


def roster_of(scenario: Scenario) -> Roster:
    """The roster of ``scenario``, built once per distinct content, edge list and event log."""
    key = scenario.model_dump_json(include={"states", "ties", "network", "population",
                                            "adopters", "events", "start"})
    stamps = tuple(_stamp(path) for path in (scenario.network.edges, scenario.events.log))
    return _cached_roster(key, stamps, _Holder(scenario))


def _stamp(path: str | None) -> tuple[int, int] | None:
    """When and how big a file is, so the cache notices it changing."""
    if path is None or not os.path.exists(path):
        return None
    info = os.stat(path)
    return info.st_mtime_ns, info.st_size


class _Holder:
    """Carries the scenario past the cache unhashed: the cache key is its JSON content."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Holder)


@lru_cache(maxsize=4)
def _cached_roster(key: str, stamps: tuple[tuple[int, int] | None, ...],
                   holder: _Holder) -> Roster:
    return build_roster(holder.scenario)


def build_roster(scenario: Scenario) -> Roster:
    """Build the roster without the cache."""
    population = scenario.population
    if population is None:
        ids = tuple(scenario.states)
        specs = tuple(scenario.states.values())
        names = tuple(spec.name for spec in specs)
        index = {state: i for i, state in enumerate(ids)}
        ties = _inline_ties(scenario, index)
        if scenario.network.edges is not None:
            edges = _read(scenario.network.edges)
            ties = ties + _edge_ties(edges, index, scenario.network.directed)
    else:
        spec = StateSpec(name="anonymous state", level=population.level)
        if population.generator == "edge_list":
            edges = _read(scenario.network.edges or "")
            ids = tuple(edges.labels())
            index = {state: i for i, state in enumerate(ids)}
            ties = _edge_ties(edges, index, scenario.network.directed)
        else:
            ids = population.generated_ids() or ()
            ties = _generated_ties(population, scenario.network.directed)
        specs = (spec,) * len(ids)
        names = ids
    levels = np.array([s.level for s in specs], dtype=np.int8)
    if scenario.events.log is not None:
        levels = _logged_levels(scenario, ids, specs)
    _raise_named_adopters(scenario, ids, levels)
    return Roster(ids, names, specs, levels, sp.csr_array(ties))


def levels_before_log(ids: tuple[str, ...], specs: tuple[StateSpec, ...]) -> dict[str, int]:
    """Each state's level before its first logged event: ``level_before_log``, else ``level``."""
    return {state: spec.level if spec.level_before_log is None else spec.level_before_log
            for state, spec in zip(ids, specs, strict=True)}


def read_log(scenario: Scenario, ids: tuple[str, ...]) -> EventLog:
    """The scenario's event log, its states checked against the roster's."""
    try:
        return read_event_log(scenario.events.log or "", set(ids), scenario=scenario.name)
    except EventLogError as exc:
        raise RosterError(("events", "log"), str(exc)) from None


def _logged_levels(scenario: Scenario, ids: tuple[str, ...],
                   specs: tuple[StateSpec, ...]) -> np.ndarray:
    """Levels at the end of the start month: the log's, else the level before it."""
    log = read_log(scenario, ids)
    levels = log.levels_at(scenario.start_date, levels_before_log(ids, specs))
    return np.array([levels[state] for state in ids], dtype=np.int8)


def _read(path: str) -> EdgeList:
    try:
        return read_edge_list(path)
    except EdgeListError as exc:
        raise RosterError(("network", "edges"), str(exc)) from None


def _matrix(rows: Sequence[int] | np.ndarray, cols: Sequence[int] | np.ndarray,
            weights: Sequence[float] | np.ndarray, n: int) -> sp.csr_array:
    """Sparse (n, n) weights; repeated pairs add up."""
    return sp.csr_array((np.asarray(weights, float), (np.asarray(rows, np.int64),
                                                      np.asarray(cols, np.int64))), shape=(n, n))


def _inline_ties(scenario: Scenario, index: dict[str, int]) -> sp.csr_array:
    """``[[ties]]``: ``weight`` one way and ``back_weight`` (or the same, if undirected) back."""
    rows, cols, weights = [], [], []
    for tie in scenario.ties:
        i, j = index[tie.source], index[tie.target]
        rows.append(i)
        cols.append(j)
        weights.append(tie.weight)
        back = tie.back_weight
        if back is None:
            back = 0.0 if scenario.network.directed else tie.weight
        if back > 0:
            rows.append(j)
            cols.append(i)
            weights.append(back)
    return _matrix(rows, cols, weights, len(index))


def _edge_ties(edges: EdgeList, index: dict[str, int], directed: bool) -> sp.csr_array:
    """Ties of an edge list whose labels must all be in ``index``."""
    positions = []
    for labels in (edges.sources, edges.targets):
        found = np.fromiter((index.get(label, -1) for label in labels), np.int64, len(labels))
        missing = np.flatnonzero(found < 0)
        if missing.size:
            row = int(missing[0])
            raise RosterError(("network", "edges"), f"{edges.file}: {edges.line(row)}: "
                                                    f"unknown state {labels[row]!r}")
        positions.append(found)
    rows, cols = positions
    weights = edges.weights
    if not directed:
        rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
        weights = np.concatenate([weights, weights])
    return _matrix(rows, cols, weights, len(index))


def _generated_ties(population: Population, directed: bool) -> sp.csr_array:
    """A networkx random graph with unit weights, seeded by the population's own seed."""
    import networkx as nx  # only generated populations need it

    n, seed = population.size or 0, population.seed
    if population.generator == "erdos_renyi":
        # fast_gnp is O(n + m): the plain G(n, p) generator is O(n^2) and too slow here.
        graph = nx.fast_gnp_random_graph(n, population.mean_degree / (n - 1), seed=seed,
                                         directed=directed)
    elif population.generator == "watts_strogatz":
        graph = nx.watts_strogatz_graph(n, population.neighbours, population.rewire, seed=seed)
    else:
        graph = nx.barabasi_albert_graph(n, population.attach, seed=seed)
    return nx.to_scipy_sparse_array(graph, nodelist=range(n), weight=None, dtype=float,
                                    format="csr")


def _raise_named_adopters(scenario: Scenario, ids: tuple[str, ...], levels: np.ndarray) -> None:
    adopters = scenario.adopters
    if adopters.states:
        index = {state: i for i, state in enumerate(ids)}
        for k, state in enumerate(adopters.states):
            if state not in index:
                raise RosterError(("adopters", "states", k), f"unknown state {state!r}")
            levels[index[state]] = max(levels[index[state]], adopters.level)
    eligible = int(np.count_nonzero(levels < adopters.level))
    if adopters.random > eligible:
        raise RosterError(("adopters", "random"),
                          f"only {eligible} states start below level {adopters.level}")


def random_adopters(levels: np.ndarray, start_levels: np.ndarray, count: int, level: int,
                    rng: np.random.Generator) -> None:
    """Raise ``count`` states per replicate (column of ``levels``) to ``level``, in place.

    They are drawn without replacement among the states that start below ``level``.
    """
    eligible = np.flatnonzero(start_levels < level)
    for replicate in range(levels.shape[1]):
        chosen = rng.choice(eligible, size=count, replace=False)
        levels[chosen, replicate] = level

