"""Figures of a backtest: reliability of the forecast chances, and each state's timeline.

Functions take the ``backtest.csv`` table (origin, state, target, outcome, p_model,
p_persistence, p_climatology) and return figures; none writes files.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.special import betaincinv  # not scipy.stats: a seventh of its import time

from ._style import format_date_axis

__all__ = ["RELIABILITY_BINS", "reliability_figure", "reliability_table", "timeline_figure"]

# Most forecasts of rare moves are small: narrow bins there, wide ones above.
RELIABILITY_BINS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
_COLOURS = {"model": "#C44E52", "climatology": "#4C72B0", "persistence": "#7f7f7f"}
_TARGET_STYLE = {  # colour, marker, label
    "up": ("#4C72B0", "o", "moves up a rung"),
    "de_jure": ("#C44E52", "*", "reaches de jure"),
    "down": ("#8172B2", "v", "steps down"),
    "any_de_jure": ("#C44E52", "*", "some state reaches de jure"),
}
_TICKS = (0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)


def reliability_table(backtest: pd.DataFrame, forecast: str) -> pd.DataFrame:
    """Per bin of ``p_<forecast>``: count, mean forecast, observed frequency and its 90%
    Jeffreys interval (Beta(k + 1/2, n - k + 1/2) quantiles)."""
    p = backtest[f"p_{forecast}"].to_numpy(float)
    outcome = backtest["outcome"].to_numpy(float)
    edges = np.array(RELIABILITY_BINS)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for b in range(len(edges) - 1):
        chosen = which == b
        n = int(chosen.sum())
        if not n:
            continue
        k = float(outcome[chosen].sum())
        low, high = betaincinv(k + 0.5, n - k + 0.5, [0.05, 0.95])  # beta quantiles
        rows.append({"low_edge": edges[b], "high_edge": edges[b + 1], "n": n,
                     "events": int(k), "mean_forecast": float(p[chosen].mean()),
                     "observed": k / n, "observed_low": low, "observed_high": high})
    return pd.DataFrame(rows)


def _sqrt_axis(ax, axis: str, top: float = 1.0) -> None:
    """A square-root scale from 0 to ``top``: small chances, where most forecasts are, get
    room."""
    scale = getattr(ax, f"set_{axis}scale")
    scale("function", functions=(lambda v: np.sqrt(np.clip(v, 0, None)), np.square))
    getattr(ax, f"set_{axis}lim")(0, top)
    ticks = [t for t in _TICKS if t <= top + 1e-9]
    getattr(ax, f"set_{axis}ticks")(ticks, [f"{t:g}" for t in ticks])


def reliability_figure(backtest: pd.DataFrame, *, title: str, horizon: int) -> Figure:
    """Observed frequency against forecast chance, binned, for the model and climatology
    (persistence is one point, at its floor); each point's count beside it, its 90% interval
    as a bar; below, how many forecasts fell in each bin."""
    fig = Figure(figsize=(7.2, 7.6), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=(3, 1), sharex=True)
    top.plot([0, 1], [0, 1], color="#999999", linewidth=1, linestyle="--",
             label="perfectly reliable")
    width = np.diff(RELIABILITY_BINS)
    for k, forecast in enumerate(("model", "climatology", "persistence")):
        table = reliability_table(backtest, forecast)
        colour = _COLOURS[forecast]
        error = np.vstack([table["observed"] - table["observed_low"],
                           table["observed_high"] - table["observed"]])
        top.errorbar(table["mean_forecast"], table["observed"], yerr=np.maximum(error, 0),
                     fmt="o" if forecast == "model" else "s", color=colour, markersize=6,
                     elinewidth=1, capsize=2, alpha=0.9, label=forecast, zorder=3 - k,
                     clip_on=False)
        offset, align = ((-7, -3), "right") if forecast == "persistence" else ((5, 4 - 9 * k),
                                                                               "left")
        for row in table.itertuples(index=False):
            top.annotate(f"{row.n}", (row.mean_forecast, row.observed), fontsize=7,
                         color=colour, xytext=offset, textcoords="offset points", ha=align)
        if forecast != "persistence":
            left = np.array(RELIABILITY_BINS[:-1])
            counts = np.zeros(len(left))
            counts[[RELIABILITY_BINS.index(e) for e in table["low_edge"]]] = table["n"]
            bottom.bar(left + width * (0.1 + 0.4 * k), counts, width=width * 0.4,
                       align="edge", color=colour, alpha=0.7, label=forecast)
    for ax in (top, bottom):
        _sqrt_axis(ax, "x")
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    _sqrt_axis(top, "y")
    top.set_ylabel("Observed frequency (90% interval)")
    top.legend(loc="upper left", frameon=False, fontsize=9)
    bottom.set_yscale("symlog", linthresh=10)
    bottom.set_ylabel("Forecasts per bin")
    bottom.set_xlabel(f"Forecast chance of the event within {horizon} months "
                      "(square-root scale)")
    n_events = int(backtest["outcome"].sum())
    fig.suptitle(f"{title}: reliability of {len(backtest):,} forecasts "
                 f"({n_events} events); numbers are forecasts per point", fontsize=11)
    return fig


def timeline_figure(backtest: pd.DataFrame, *, title: str, horizon: int) -> Figure:
    """One panel per state (and one for the roster): the model's chance of each target at
    each origin, filled where the target happened within the horizon, hollow where not."""
    states = list(dict.fromkeys(backtest["state"]))
    cols = min(6, len(states))
    rows = math.ceil(len(states) / cols)
    fig = Figure(figsize=(2.45 * cols + 0.6, 2.0 * rows + 1.3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False, sharex=True,
                                      sharey=True)).ravel()
    dates = pd.to_datetime(backtest["origin"], format="%Y-%m")
    top = next(t for t in _TICKS if t >= min(1.0, float(backtest["p_model"].max())))
    for ax, state in zip(axes, states, strict=False):
        mine = backtest["state"] == state
        for target, (colour, marker, _label) in _TARGET_STYLE.items():
            chosen = mine & (backtest["target"] == target)
            if not chosen.any():
                continue
            x, p = dates[chosen], backtest.loc[chosen, "p_model"]
            happened = backtest.loc[chosen, "outcome"].to_numpy(bool)
            ax.plot(x, p, color=colour, linewidth=1, alpha=0.8)
            ax.scatter(x[~happened], p[~happened], marker=marker, s=22, facecolors="white",
                       edgecolors=colour, linewidths=1, zorder=3, clip_on=False)
            ax.scatter(x[happened], p[happened], marker=marker, s=90, color=colour,
                       edgecolors="black", linewidths=0.8, zorder=5, clip_on=False)
        ax.set_title("any state" if state.startswith("(") else state, fontsize=9)
        _sqrt_axis(ax, "y", top)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(states):]:
        ax.set_visible(False)
    format_date_axis(axes[0], dates.min(), dates.max())
    for ax in axes:
        for label in ax.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")
    handles = [axes[0].scatter([], [], marker=m, color=c, s=40, label=text)
               for key, (c, m, text) in _TARGET_STYLE.items() if key != "any_de_jure"]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=9)
    fig.supylabel(f"Model's chance within {horizon} months (square-root scale)", fontsize=9)
    fig.suptitle(f"{title}: forecast at each origin against what happened "
                 f"(filled, black edge: it happened within {horizon} months; hollow: it did "
                 "not)", fontsize=10)
    return fig
