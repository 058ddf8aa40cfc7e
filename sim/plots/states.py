"""Each state's chance of de jure recognition in one scenario, against a reference scenario."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..results.selection import featured_note, featured_states, is_central_asian, percent
from ..scenario.schema import Scenario
from ._style import month_dates

__all__ = ["de_jure_bars_figure"]

_COLOUR = "#C44E52"  # de jure, as in the cascade figure (sim/plots/cascade.py)
_REFERENCE = "#4d4d4d"


def de_jure_bars_figure(summary: pd.DataFrame, reference: pd.DataFrame, scenario: Scenario, *,
                        title: str, reference_label: str = "unmodified", most: int = 20
                        ) -> Figure:
    """Horizontal bars of P(de jure by the horizon) per state, with the reference's as ticks.

    ``summary`` and ``reference`` are summary tables (``state``, ``name``, ``p_de_jure``);
    states are those :func:`~sim.results.selection.featured_states` picks, Central Asia
    first, in roster order, so the rows stay put while the numbers change.
    """
    states = featured_states(summary, scenario, most=most)
    mine = summary.assign(state=summary["state"].astype(str)).set_index("state")
    theirs = reference.assign(state=reference["state"].astype(str)).set_index("state")
    values = mine.loc[states, "p_de_jure"].to_numpy(dtype=float)
    before = theirs["p_de_jure"].reindex(states).to_numpy(dtype=float)
    names = [str(mine.at[s, "name"]) for s in states]
    rows = np.arange(len(states))

    fig, ax = plt.subplots(figsize=(5.6, 1.1 + 0.19 * len(states)), layout="constrained")
    ax.barh(rows, values, height=0.62, color=_COLOUR, alpha=0.85, label=f"{title}")
    ax.scatter(before, rows, marker="|", s=260, linewidths=2.2, color=_REFERENCE, zorder=3,
               label=reference_label)
    for row, value in zip(rows, values, strict=True):
        ax.text(min(value, 1.0) + 0.012, row, percent(value), va="center", fontsize=8)
    ax.set_yticks(rows, names, fontsize=8.5)
    for label, state in zip(ax.get_yticklabels(), states, strict=True):
        if is_central_asian(state, scenario):
            label.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.grid(True, axis="x", alpha=0.3)
    horizon = month_dates(scenario.start_date, [scenario.months])[0]
    ax.set_xlabel(f"Chance of de jure recognition by {horizon:%b %Y} (share of runs)",
                  fontsize=9)
    note = textwrap.fill(featured_note(states, len(summary), scenario), 64)
    ax.set_title("Chance of de jure recognition, state by state"
                 + (f"\n{note}" if note else ""), fontsize=10)
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    return fig
