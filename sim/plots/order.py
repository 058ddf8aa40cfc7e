"""Who goes first: the chance that one state recognises de jure before another."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..results.selection import (
    MAIN_POWERS,
    featured_note,
    featured_states,
    first_months,
    is_central_asian,
    percent,
    state_labels,
)
from ..scenario.schema import Scenario
from ._style import month_dates

__all__ = ["before_matrix", "order_figure", "order_states"]

_MOST = 16  # rows and columns the matrix has room for


def order_states(summary: pd.DataFrame, scenario: Scenario) -> list[str]:
    """The Central Asian states and the main powers the roster has, Central Asia first.

    A roster with fewer than three of them (a population, say) shows its states most likely
    to recognise instead.
    """
    states = summary["state"].astype(str).tolist()
    chosen = [s for s in states if is_central_asian(s, scenario)]
    chosen += [s for s in MAIN_POWERS if s in set(states) and s not in chosen]
    if len(chosen) >= 3:
        return chosen
    return featured_states(summary, scenario, most=min(12, _MOST))


def before_matrix(first: pd.DataFrame) -> pd.DataFrame:
    """P(row state's first de jure month < column state's), across runs.

    ``first`` has one row per run and one column per state, NaN where the state never
    recognised; "never" counts as later than any month, and ties count for neither state.
    """
    values = first.to_numpy(dtype=float)
    values = np.where(np.isnan(values), np.inf, values)
    before = (values[:, :, None] < values[:, None, :]).mean(axis=0)
    return pd.DataFrame(before, index=first.columns, columns=first.columns)


def order_figure(runs: pd.DataFrame, scenario: Scenario, summary: pd.DataFrame, *,
                 title: str) -> Figure:
    """Heatmap: row state recognises de jure strictly before column state, share of runs."""
    states = order_states(summary, scenario)
    labels = state_labels(summary)
    wide = first_months(runs, states, "first_month_level_3")
    matrix = before_matrix(wide)
    named = all(is_central_asian(s, scenario) or s in MAIN_POWERS for s in states)
    note = featured_note(states, len(summary), scenario)
    if named and note:
        note = f"{len(states)} of {len(summary):,} states: Central Asia and the main powers"
    shown = matrix.to_numpy().copy()
    np.fill_diagonal(shown, np.nan)
    n = len(states)
    horizon = month_dates(scenario.start_date, [scenario.months])[0]

    fig, ax = plt.subplots(figsize=(max(8.5, 2.4 + 0.55 * n), max(6.5, 1.8 + 0.5 * n)),
                           layout="constrained")
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            value = shown[i, j]
            # inside its cell, so out of the layout, which then skips measuring it
            ax.text(j, i, percent(value), ha="center", va="center", fontsize=7.5,
                    color="white" if value > 0.6 else "black").set_in_layout(False)
    ax.set_xticks(range(n), states)
    ax.set_yticks(range(n), [labels[s] for s in states])
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ca = sum(is_central_asian(s, scenario) for s in states)
    if 0 < ca < n:
        ax.axhline(ca - 0.5, color="black", linewidth=1)
        ax.axvline(ca - 0.5, color="black", linewidth=1)
    ax.set_xlabel("… before this state (column)")
    ax.xaxis.set_label_position("top")
    ax.set_ylabel("This state (row) recognises de jure …")
    bar = fig.colorbar(image, ax=ax, shrink=0.8, format=lambda v, _: f"{v:.0%}")
    bar.set_label("Share of runs in which the row state recognises first")
    bar.ax.yaxis.label.set_size(9)
    ax.set_title(f"{title}: who recognises the Taliban de jure first?\n"
                 f"{wide.shape[0]:,} runs to {horizon:%b %Y}; same month or neither by then "
                 "counts for neither" + (f"\n{note}" if note else ""), fontsize=10, pad=14)
    return fig
