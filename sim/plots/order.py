"""Who goes first: the chance that one state recognises de jure before another."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..scenario import Scenario
from ._style import central_asia_first, month_dates, percent

__all__ = ["MAIN_POWERS", "before_matrix", "order_figure", "order_states"]

# Outside powers whose move the seed article expects Central Asian capitals to watch:
# Russia (the first recogniser), China and the Gulf states (expected next movers), the
# neighbours Pakistan and Iran, and the Western holdouts.
MAIN_POWERS = ("RUS", "CHN", "PAK", "IRN", "ARE", "SAU", "QAT", "USA", "EU")


def order_states(scenario: Scenario) -> list[str]:
    """The Central Asian states, then the main powers the scenario has (all, if none match)."""
    chosen = [s for s in scenario.states if scenario.states[s].central_asia or s in MAIN_POWERS]
    return central_asia_first(scenario, chosen or scenario.states)


def before_matrix(first_months: pd.DataFrame) -> pd.DataFrame:
    """P(row state's first de jure month < column state's), across runs.

    ``first_months`` has one row per run and one column per state, NaN where the state never
    recognised; "never" counts as later than any month, and ties count for neither state.
    """
    values = first_months.to_numpy(dtype=float)
    values = np.where(np.isnan(values), np.inf, values)
    before = (values[:, :, None] < values[:, None, :]).mean(axis=0)
    return pd.DataFrame(before, index=first_months.columns, columns=first_months.columns)


def order_figure(runs: pd.DataFrame, scenario: Scenario, *, title: str) -> Figure:
    """Heatmap: row state recognises de jure strictly before column state, share of runs."""
    states = order_states(scenario)
    wide = runs.pivot(index="run", columns="state", values="first_month_level_3")
    wide.columns = wide.columns.astype(str)
    matrix = before_matrix(wide[states].astype("Float64").astype(float))
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
            ax.text(j, i, percent(value), ha="center", va="center", fontsize=7.5,
                    color="white" if value > 0.6 else "black")
    ax.set_xticks(range(n), states)
    ax.set_yticks(range(n), [f"{scenario.states[s].name} ({s})" for s in states])
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ca = sum(scenario.states[s].central_asia for s in states)
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
                 "counts for neither", fontsize=10, pad=14)
    return fig
