"""Which states a figure or a report table shows, and how numbers read: no drawing here.

Figures (sim/plots/) and the HTML report (sim/results/report.py) make the same choices
from the same tables: Central Asia first, then the main powers, then the states most
likely to recognise; percentages that never round to 0% or 100%.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..scenario.schema import Scenario

__all__ = [
    "BATCH_OMITS",
    "MAIN_POWERS",
    "can_map",
    "central_asia_first",
    "comparison_states",
    "featured_note",
    "featured_states",
    "first_months",
    "is_central_asian",
    "located_states",
    "percent",
    "percentage_points",
    "run_figure_names",
    "shock_names",
    "state_labels",
]

# Outside powers whose move the seed article expects Central Asian capitals to watch:
# Russia (the first recogniser), China and the Gulf states (expected next movers), the
# neighbours Pakistan and Iran, and the Western holdouts.
MAIN_POWERS = ("RUS", "CHN", "PAK", "IRN", "ARE", "SAU", "QAT", "USA", "EU")


def is_central_asian(state: str, *scenarios: Scenario) -> bool:
    """Flagged ``central_asia`` in any of the scenarios (population states never are)."""
    return any(sc.states[state].central_asia for sc in scenarios if state in sc.states)


def central_asia_first(states: Iterable[str], *scenarios: Scenario) -> list[str]:
    """``states`` with the Central Asian ones first, each group in the order given."""
    states = list(states)
    flags = [is_central_asian(s, *scenarios) for s in states]
    return ([s for s, ca in zip(states, flags, strict=True) if ca]
            + [s for s, ca in zip(states, flags, strict=True) if not ca])


def featured_states(summary: pd.DataFrame, *scenarios: Scenario, most: int) -> list[str]:
    """The states a figure has room for, Central Asian first.

    The whole roster when it has at most ``most`` states; otherwise the Central Asian states,
    the main powers, then the states most likely to recognise de jure (``p_de_jure`` of
    ``summary``), up to ``most``.
    """
    states = summary["state"].astype(str).tolist()
    if len(states) <= most:
        return central_asia_first(states, *scenarios)
    present = set(states)
    chosen = [s for s in states if is_central_asian(s, *scenarios)]
    chosen += [s for s in MAIN_POWERS if s in present and s not in chosen]
    ranked = summary.assign(state=summary["state"].astype(str)).sort_values(
        "p_de_jure", ascending=False, kind="stable")["state"]
    for state in ranked:
        if len(chosen) >= most:
            break
        if state not in chosen:
            chosen.append(state)
    return chosen


def featured_note(shown: list[str], total: int, *scenarios: Scenario) -> str:
    """'12 of 193 states: ...' saying how ``featured_states`` chose, or '' if all are shown."""
    if len(shown) >= total:
        return ""
    named = any(is_central_asian(s, *scenarios) or s in MAIN_POWERS for s in shown)
    how = "Central Asia, main powers, then the most likely to recognise" if named else \
        "the most likely to recognise"
    return f"{len(shown)} of {total:,} states: {how}"


def state_labels(summary: pd.DataFrame) -> dict[str, str]:
    """'Name (ID)' per state, or just the id where the name is the id (populations)."""
    return {str(s): str(s) if str(n) == str(s) else f"{n} ({s})"
            for s, n in zip(summary["state"], summary["name"], strict=True)}


def first_months(runs: pd.DataFrame, states: list[str], column: str) -> pd.DataFrame:
    """One row per run, one float column per state in ``states`` (NaN = never), from a runs table.

    A table laid out as ``runs.parquet`` is (every state of run 0, in roster order, then
    run 1, ...) is reshaped directly; any other is pivoted, only the rows of ``states``.
    """
    grid = _run_grid(runs, column)
    if grid is not None:
        values, names = grid
        where = {name: i for i, name in enumerate(names)}
        return pd.DataFrame(values[:, [where[s] for s in states]], columns=states,
                            index=pd.RangeIndex(values.shape[0], name="run"))
    rows = runs[runs["state"].isin(states)]
    wide = rows.assign(state=rows["state"].astype(str)).pivot(index="run", columns="state",
                                                              values=column)
    return wide.reindex(columns=states).astype("Float64").astype(float)


def _run_grid(runs: pd.DataFrame, column: str) -> tuple[np.ndarray, list[str]] | None:
    """``column`` as a (runs, states) float array if ``runs`` is laid out run by run with
    every state of a categorical ``state`` column in category order; else None."""
    state = runs["state"]
    if not isinstance(state.dtype, pd.CategoricalDtype):
        return None
    n = len(state.cat.categories)
    if n == 0 or len(runs) % n:
        return None
    codes = state.cat.codes.to_numpy().reshape(-1, n)
    run = runs["run"].to_numpy()
    if not (codes == np.arange(n)).all() or not (run.reshape(-1, n) ==
                                                 np.arange(len(codes))[:, None]).all():
        return None
    values = runs[column].to_numpy(dtype=float, na_value=np.nan).reshape(-1, n)
    return values, [str(c) for c in state.cat.categories]


def percent(value: float) -> str:
    """A probability as a short percentage: '<1%' and '>99%' instead of rounding to 0 or 100."""
    if np.isnan(value):
        return ""
    text = f"{value:.0%}"
    if value > 0 and text == "0%":
        return "<1%"
    if value < 1 and text == "100%":
        return ">99%"
    return text


def percentage_points(difference: float) -> str:
    """A difference of chances in signed percentage points, one decimal, never '-0.0'."""
    text = f"{100 * difference:+.1f}"
    return "+0.0" if text == "-0.0" else text


def shock_names(shocks: pd.DataFrame, scenario: Scenario) -> list[str]:
    """The shocks that fired, in the scenario file's order (any it does not name last)."""
    fired = list(dict.fromkeys(shocks["shock"].astype(str)))
    declared = [shock.name for shock in scenario.shocks]
    return [n for n in declared if n in fired] + [n for n in fired if n not in declared]


def comparison_states(table: pd.DataFrame, scenarios: Mapping[str, Scenario], *,
                      most: int = 20) -> list[str]:
    """States of a comparison table worth showing, Central Asian first; for rosters over
    ``most``: the Central Asian states, the main powers, then the highest chance anywhere."""
    best = table.assign(state=table["state"].astype(str)).groupby("state", sort=False)[
        "p_de_jure"].max()
    summary = pd.DataFrame({"state": best.index, "p_de_jure": best.to_numpy()})
    return featured_states(summary, *scenarios.values(), most=most)


def located_states(scenario: Scenario) -> list[str]:
    """Named states with capital coordinates (0°, 0° counts as not given)."""
    if scenario.population is not None:
        return []
    return [s for s, spec in scenario.states.items() if (spec.lat, spec.lon) != (0.0, 0.0)]


def can_map(scenario: Scenario) -> bool:
    """A map needs at least two named states with coordinates; populations have none."""
    return len(located_states(scenario)) >= 2


# Figures a batch leaves out of its scenarios' directories: the batch compares scenarios,
# and drawing these for each of many scenarios would take most of its time; 'recsim plot'
# on a scenario's directory draws them.
BATCH_OMITS = ("timing", "order")


def run_figure_names(scenario: Scenario, *, shocks_fired: bool,
                     in_batch: bool = False) -> list[str]:
    """The figures of one run, by file stem: ``map`` only for states with places (not a
    population), ``shocks`` only when a shock fired; in a batch, not :data:`BATCH_OMITS`."""
    names = ["cascade", "timing", "order"]
    if can_map(scenario):
        names.append("map")
    if shocks_fired:
        names.append("shocks")
    return [n for n in names if not (in_batch and n in BATCH_OMITS)]
