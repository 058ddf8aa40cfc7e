"""Figures of sweeps and sensitivity analyses. Functions take tables and return figures.

Figures are made without pyplot, so a study plotting dozens of outcomes never piles them up
in pyplot's registry; they are freed with the last reference.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..study.measures import Outcome

__all__ = ["MAX_PANELS", "outcome_limits", "sensitivity_figure", "sweep_figure"]

MAX_PANELS = 36  # small multiples beyond this are unreadable; the CSV still has everything
_BAND = 1.959963984540054  # bands are +/- 1.96 Monte Carlo standard errors (95%)


def outcome_limits(outcome: Outcome, horizon: int) -> tuple[float, float | None]:
    """Natural axis range of an outcome: probabilities 0-1, months 0-horizon, counts from 0
    (upper end from the data)."""
    if outcome.name.startswith("p_"):
        return 0.0, 1.0
    if outcome.name.startswith("months_"):
        return 0.0, float(horizon)
    return 0.0, None


def _title(outcome: Outcome, scenario: str, runs: int) -> str:
    return f"{outcome.label}\n{scenario}: {runs:,} runs per design point"


def sweep_figure(table: pd.DataFrame, paths: Sequence[str], outcome: Outcome, *,
                 scenario: str, runs: int, limits: tuple[float, float | None]) -> Figure:
    """A line with a 95% Monte Carlo band for one parameter, a heatmap for two, and small
    multiples of lines (one panel per combination of the others) beyond."""
    fixed_horizon = "months" not in paths
    if len(paths) == 1:
        fig = Figure(figsize=(7.5, 4.8), layout="constrained")
        ax = fig.subplots()
        _line(ax, table, paths[0], outcome, colour="#C44E52", label="estimate",
              limits=limits)
        _frame(ax, table, outcome, limits, note=fixed_horizon, line=fixed_horizon)
        if not fixed_horizon and outcome.name.startswith("months_"):
            x = table["months"].sort_values()
            ax.plot(x, x, color="0.4", linestyle=":", linewidth=1.2,
                    label="horizon: not reached by half the runs")
        ax.set_xlabel(paths[0])
        ax.legend(handles=[*ax.get_legend_handles_labels()[0], _band_patch("#C44E52")],
                  loc="best", fontsize=8, frameon=False)
        fig.suptitle(_title(outcome, scenario, runs), fontsize=11)
        return fig
    if len(paths) == 2:
        return _heatmap(table, paths, outcome, scenario=scenario, runs=runs, limits=limits)
    return _facets(table, paths, outcome, scenario=scenario, runs=runs, limits=limits)


def _band_patch(colour: str) -> Patch:
    return Patch(color=colour, alpha=0.2, label="95% Monte Carlo interval (±1.96 s.e.)")


def _upper(table: pd.DataFrame, outcome: Outcome, limits: tuple[float, float | None]) -> float:
    if limits[1] is not None:
        return limits[1]
    high = table[outcome.name] + _BAND * np.nan_to_num(table[f"{outcome.name}_se"])
    return max(float(high.max()), 1.0)


def _frame(ax: Axes, table: pd.DataFrame, outcome: Outcome,
           limits: tuple[float, float | None], *, note: bool = True, line: bool = True) -> None:
    """Y range and label; for months, mark the (fixed) horizon that censors the median."""
    low, high = limits[0], _upper(table, outcome, limits)
    pad = 0.04 * (high - low)
    ax.set_ylim(low - pad, high + pad)
    ax.set_ylabel(outcome.name)
    if outcome.name.startswith("months_") and line:
        ax.axhline(high, color="0.4", linestyle=":", linewidth=1.2)
    if outcome.name.startswith("months_") and note:
        ax.annotate("horizon: not reached by half the runs", (0.01, high), xycoords=(
            "axes fraction", "data"), xytext=(0, -11), textcoords="offset points",
            fontsize=7, color="0.3")


def _line(ax: Axes, table: pd.DataFrame, path: str, outcome: Outcome, *, colour: str,
          label: str | None, limits: tuple[float, float | None], width: float = 1.8) -> None:
    data = table.sort_values(path)
    x = data[path].to_numpy(float)
    y = data[outcome.name].to_numpy(float)
    se = np.nan_to_num(data[f"{outcome.name}_se"].to_numpy(float))
    low, high = limits[0], limits[1] if limits[1] is not None else np.inf
    ax.fill_between(x, np.clip(y - _BAND * se, low, high), np.clip(y + _BAND * se, low, high),
                    color=colour, alpha=0.2, linewidth=0)
    ax.plot(x, y, color=colour, marker="o", markersize=1.9 * width, linewidth=width,
            label=label)
    ax.grid(True, alpha=0.3)


def _heatmap(table: pd.DataFrame, paths: Sequence[str], outcome: Outcome, *, scenario: str,
             runs: int, limits: tuple[float, float | None]) -> Figure:
    x_path, y_path = paths
    grid = table.pivot_table(index=y_path, columns=x_path, values=outcome.name)
    errors = table.pivot_table(index=y_path, columns=x_path, values=f"{outcome.name}_se")
    nx, ny = grid.shape[1], grid.shape[0]
    fig = Figure(figsize=(min(4 + 0.75 * nx, 13), min(2.8 + 0.5 * ny, 10)),
                 layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(float), origin="lower", aspect="auto", cmap="viridis",
                      vmin=limits[0], vmax=limits[1] if limits[1] is not None else None)
    _ticks(ax.set_xticks, grid.columns)
    _ticks(ax.set_yticks, grid.index)
    ax.set_xlabel(x_path)
    ax.set_ylabel(y_path)
    annotated = nx * ny <= 150
    if annotated:
        _annotate(ax, image, grid.to_numpy(float), errors.to_numpy(float), outcome)
    colourbar = fig.colorbar(image, ax=ax)
    censored = " (horizon = not reached by half the runs)"
    colourbar.set_label(outcome.name + (censored if outcome.name.startswith("months_") else ""))
    note = "  (cell text: estimate ± 1.96 s.e.)" if annotated else ""
    fig.suptitle(_title(outcome, scenario, runs) + note, fontsize=11)
    return fig


def _ticks(set_ticks, values: pd.Index, most: int = 12) -> None:
    """Label at most ``most`` evenly spaced grid values, with 3 significant digits."""
    step = max(1, math.ceil(len(values) / most))
    positions = list(range(0, len(values), step))
    set_ticks(positions, [f"{values[i]:.3g}" for i in positions])


def _annotate(ax: Axes, image, values: np.ndarray, errors: np.ndarray,
              outcome: Outcome) -> None:
    digits = 0 if outcome.name.startswith("months_") else 2
    for (row, col), value in np.ndenumerate(values):
        if not math.isfinite(value):
            continue
        red, green, blue, _ = image.cmap(image.norm(value))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        text = f"{value:.{digits}f}"
        if math.isfinite(errors[row, col]):
            text += f"\n±{_BAND * errors[row, col]:.{max(digits, 1)}f}"
        ax.text(col, row, text, ha="center", va="center", fontsize=7,
                color="white" if dark else "black")


def _facets(table: pd.DataFrame, paths: Sequence[str], outcome: Outcome, *, scenario: str,
            runs: int, limits: tuple[float, float | None]) -> Figure:
    x_path, colour_path, *facet_paths = paths
    levels = [sorted(table[p].unique()) for p in facet_paths]
    combos = list(itertools.product(*levels))
    if len(combos) > MAX_PANELS:
        raise ValueError(f"{len(combos)} panels are too many to plot (at most {MAX_PANELS})")
    cols = min(len(combos), 4 if len(combos) > 9 else 3)
    rows = math.ceil(len(combos) / cols)
    fig = Figure(figsize=(3.4 * cols + 1.5, 2.7 * rows + 1.2), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    shades = sorted(table[colour_path].unique())
    palette = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, len(shades)))
    # each line is drawn thinner than the one before, so lines that coincide stay visible
    widths = np.linspace(3.2, 1.3, len(shades)) if len(shades) > 1 else [1.8]
    for ax, combo in zip(axes.flat, combos, strict=False):
        mask = np.logical_and.reduce([table[p] == v for p, v in zip(facet_paths, combo,
                                                                      strict=True)])
        subset = table[mask]
        for shade, colour, width in zip(shades, palette, widths, strict=True):
            _line(ax, subset[subset[colour_path] == shade], x_path, outcome, colour=colour,
                  label=f"{shade:g}", limits=limits, width=width)
        ax.set_title(", ".join(f"{p} = {v:g}" for p, v in zip(facet_paths, combo, strict=True)),
                     fontsize=8)
        _frame(ax, table, outcome, limits, note=False, line="months" not in paths)
        if outcome.name.startswith("months_"):
            _panel_horizon(ax, subset, x_path, facet_paths, combo)
    for ax in axes.flat[len(combos):]:
        ax.set_visible(False)
    for ax in axes.flat:
        ax.set_ylabel(outcome.name if ax in axes[:, 0] else "", fontsize=9)
        ax.set_xlabel(x_path if ax in axes[-1] else "", fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, title=colour_path, loc="outside right upper", fontsize=8,
               title_fontsize=8, frameon=False)
    months = outcome.name.startswith("months_") and colour_path != "months"
    horizon = "; dotted line: horizon" if months else ""
    fig.suptitle(_title(outcome, scenario, runs) + f"  (bands: ±1.96 s.e.{horizon})",
                 fontsize=11)
    return fig


def _panel_horizon(ax: Axes, subset: pd.DataFrame, x_path: str, facet_paths: Sequence[str],
                   combo: tuple[float, ...]) -> None:
    """Mark a panel's own horizon when the horizon is swept: flat when it is the panel's,
    the diagonal when it is on the x axis."""
    style = {"color": "0.4", "linestyle": ":", "linewidth": 1.2}
    if "months" in facet_paths:
        ax.axhline(combo[list(facet_paths).index("months")], **style)
    elif x_path == "months":
        x = np.sort(subset["months"].unique())
        ax.plot(x, x, **style)


def sensitivity_figure(table: pd.DataFrame, outcome: Outcome, *, method: str, noise: float,
                       scenario: str, runs: int, points: int) -> Figure:
    """Bars of each parameter's indices with their confidence intervals, largest on top,
    and the Monte Carlo noise floor as a dashed line."""
    if method == "sobol":
        order = table.sort_values("ST", na_position="first")
        bars = (("ST", "ST_conf", "Total effect ST", "#4C72B0"),
                ("S1", "S1_conf", "First order S1", "#DD8452"))
        xlabel = "Sobol' index (share of the outcome's variance)"
        noise_label = f"Monte Carlo noise share ({noise:.3f}): ST below this is noise"
    else:
        order = table.sort_values("mu_star", na_position="first")
        bars = (("mu_star", "mu_star_conf", "mu* (mean |elementary effect|)", "#4C72B0"),
                ("sigma", None, "sigma (interactions, non-linearity)", "#DD8452"))
        xlabel = f"Elementary effect: change in {outcome.name} across the parameter's range"
        noise_label = f"mu* from Monte Carlo noise alone ({noise:.3g})"
    k = len(order)
    fig = Figure(figsize=(8.5, 1.6 + 0.55 * k), layout="constrained")
    ax = fig.subplots()
    y = np.arange(k)
    height = 0.38
    for offset, (column, conf, label, colour) in zip((height / 2, -height / 2), bars,
                                                      strict=True):
        values = order[column].to_numpy(float)
        xerr = None
        if conf:
            half = order[conf].to_numpy(float)
            # mu* is a mean of absolute values: its interval stops at 0
            below = np.minimum(half, np.maximum(values, 0.0)) if column == "mu_star" else half
            xerr = np.vstack([below, half])
        ax.barh(y + offset, values, height=height, xerr=xerr,
                color=colour, label=label, error_kw={"elinewidth": 1, "capsize": 2})
    ax.axvline(0, color="black", linewidth=0.8)
    if math.isfinite(noise):
        ax.axvline(noise, color="0.35", linestyle="--", linewidth=1.2, label=noise_label)
    ax.set_yticks(y, order["param"])
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()  # noise line first, then the bars
    # two columns filled column by column: the bars side by side, the noise line below
    shown = [1, 0, 2] if len(handles) == 3 else list(range(len(handles)))
    fig.legend([handles[i] for i in shown], [labels[i] for i in shown],
               loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    name = "Sobol'" if method == "sobol" else "Morris"
    fig.suptitle(f"{name} sensitivity of {outcome.name}: {outcome.label}\n"
                 f"{scenario}: {points:,} design points × {runs:,} runs each "
                 "(error bars: 95% bootstrap intervals)", fontsize=10)
    return fig
