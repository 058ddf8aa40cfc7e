"""Scenario discovery with PRIM: boxes of parameter space where the cases of interest gather.

PRIM (Friedman and Fisher 1999) peels the parameter space, a little at a time, towards a
box in which the share of cases of interest (the *density*) is high, while keeping as many
of them as it can (the *coverage*); each step is a box on the *peeling trajectory*.
Bryant and Lempert (2010) made it the tool of scenario discovery and added quasi-p values
(a one-sided binomial test of whether each restriction matters). The algorithm is EMA
Workbench's (``ema_workbench.analysis.prim``, maintained by J. Kwakkel); this module
prepares its input, reads its trajectory into plain data and chooses a box.

**The default choice** is the *knee* of the trajectory: the box closest to the ideal corner
(coverage 1, density 1), among the boxes whose density is at least ``min_density`` (none
required unless given). Ties go to the box with fewer restricted parameters, then the
earlier one. ``--box N`` overrides it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .where import Condition

__all__ = ["BOX_COLUMNS", "Box", "Discovery", "DiscoveryError", "box_sentence", "choose_box",
           "discover", "limit_words", "prim_boxes"]

BOX_COLUMNS = ("box", "param", "low", "high", "coverage", "density", "mass", "qp_value")
PEEL_ALPHA = 0.05  # share of the box peeled off at each step (EMA's default)
PASTE_ALPHA = 0.05
MASS_MIN = 0.05  # smallest share of all cases a box may hold


class DiscoveryError(ValueError):
    """Data PRIM cannot work on, or a box that does not exist; the message says why."""


@dataclass(frozen=True)
class Box:
    """One box of the peeling trajectory; ``limits`` holds the restricted parameters only."""

    index: int
    coverage: float
    density: float
    mass: float
    limits: dict[str, tuple[float, float]]
    qp_values: dict[str, float]  # per restricted parameter: the larger of its limits' values

    def contains(self, parameters: pd.DataFrame) -> np.ndarray:
        """True for the rows inside the box."""
        inside = np.ones(len(parameters), dtype=bool)
        for name, (low, high) in self.limits.items():
            values = parameters[name].to_numpy(dtype=float)
            inside &= (values >= low) & (values <= high)
        return inside


@dataclass(frozen=True)
class Discovery:
    """PRIM's peeling trajectory over some cases, and the box chosen from it."""

    boxes: tuple[Box, ...]
    chosen: int
    rule: str  # how the box was chosen, in words
    ranges: dict[str, tuple[float, float]]  # each analysed parameter's full range
    integral: frozenset[str]  # parameters with whole-number values
    dropped: tuple[str, ...]  # parameters with one value only: nothing to restrict
    cases: int
    interesting: int

    @property
    def box(self) -> Box:
        return self.boxes[self.chosen]

    def table(self) -> pd.DataFrame:
        """boxes.csv: one row per box and restricted parameter (one row with an empty
        ``param`` for a box that restricts nothing, the first)."""
        rows = []
        for box in self.boxes:
            stats = {"coverage": box.coverage, "density": box.density, "mass": box.mass}
            if not box.limits:
                rows.append({"box": box.index, "param": "", "low": math.nan,
                             "high": math.nan, **stats, "qp_value": math.nan})
            for name, (low, high) in box.limits.items():
                rows.append({"box": box.index, "param": name, "low": low, "high": high,
                             **stats, "qp_value": box.qp_values[name]})
        return pd.DataFrame(rows, columns=list(BOX_COLUMNS))


def _prepared(parameters: pd.DataFrame) -> tuple[pd.DataFrame, frozenset[str], tuple[str, ...]]:
    """Plain float and int64 columns (EMA's PRIM treats any other dtype as categorical),
    without the parameters that take one value only."""
    columns, integral, dropped = {}, set(), []
    for name in parameters.columns:
        values = parameters[name]
        if values.isna().any():
            raise DiscoveryError(f"parameter {name!r} has missing values")
        if values.nunique() < 2:
            dropped.append(str(name))
            continue
        as_float = values.to_numpy(dtype=float)
        if pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
            columns[str(name)] = as_float.astype(np.int64)
            integral.add(str(name))
        else:
            columns[str(name)] = as_float
    if not columns:
        raise DiscoveryError("no parameter varies across the cases: nothing to restrict")
    return pd.DataFrame(columns), frozenset(integral), tuple(dropped)


def prim_boxes(parameters: pd.DataFrame, interest: np.ndarray, *,
               peel_alpha: float = PEEL_ALPHA, paste_alpha: float = PASTE_ALPHA,
               mass_min: float = MASS_MIN) -> list[Box]:
    """The peeling trajectory of EMA Workbench's PRIM (one box search, binary mode)."""
    y = np.asarray(interest, dtype=bool).astype(np.int64)
    # EMA Workbench warns on import about optional extras it lacks (ipyparallel, altair)
    # and, with pandas 3, about its own use of deprecated pandas arguments: not ours to fix
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        # In binary mode the threshold only decides whether PRIM keeps the box it found
        # (mean >= threshold) and which cases count (y >= threshold): just above 0, it keeps
        # the trajectory and counts the ones; the box is chosen afterwards (choose_box).
        algorithm = prim.Prim(parameters, y, threshold=1e-9, peel_alpha=peel_alpha,
                              paste_alpha=paste_alpha, mass_min=mass_min)
        found = algorithm.find_box()
    initial = algorithm.box_init
    trajectory = found.peeling_trajectory
    boxes = []
    for i, limits in enumerate(found.box_lims):
        restricted = {}
        for name in parameters.columns:
            low, high = float(limits.loc[0, name]), float(limits.loc[1, name])
            if (low, high) != (float(initial.loc[0, name]), float(initial.loc[1, name])):
                restricted[str(name)] = (low, high)
        qp = {name: float(max(found.qp[i].get(name, [math.nan]))) for name in restricted}
        boxes.append(Box(i, float(trajectory.loc[i, "coverage"]),
                         float(trajectory.loc[i, "density"]), float(trajectory.loc[i, "mass"]),
                         restricted, qp))
    return boxes


def choose_box(boxes: Sequence[Box], *, min_density: float = 0.0) -> tuple[int, str]:
    """The knee: the box closest to (coverage 1, density 1) among those with density at
    least ``min_density``; ties to fewer restrictions, then the earlier box."""
    eligible = [b for b in boxes if b.density >= min_density]
    if not eligible:
        densest = max(b.density for b in boxes)
        raise DiscoveryError(f"no box reaches a density of {min_density:.0%} (the densest "
                             f"has {densest:.0%}); lower --min-density or choose with --box")
    best = min(eligible, key=lambda b: (round(math.hypot(1 - b.coverage, 1 - b.density), 12),
                                        len(b.limits), b.index))
    floor = f" among boxes with density of at least {min_density:.0%}" if min_density else ""
    return best.index, f"closest to coverage 100% and density 100%{floor}"


def discover(parameters: pd.DataFrame, interest: np.ndarray, *, box: int | None = None,
             min_density: float = 0.0) -> Discovery:
    """Run PRIM on the cases and choose a box (``box``, or by :func:`choose_box`)."""
    interest = np.asarray(interest, dtype=bool)
    if len(interest) != len(parameters):
        raise DiscoveryError("one outcome per case is needed")
    hits = int(interest.sum())
    if hits == 0 or hits == len(interest):
        share = "no case" if hits == 0 else "every case"
        raise DiscoveryError(f"{share} meets the condition: nothing to discover")
    prepared, integral, dropped = _prepared(parameters)
    boxes = prim_boxes(prepared, interest)
    if box is None:
        chosen, rule = choose_box(boxes, min_density=min_density)
    elif 0 <= box < len(boxes):
        chosen, rule = box, "given with --box"
    else:
        raise DiscoveryError(f"--box {box}: the trajectory has boxes 0 to {len(boxes) - 1}")
    ranges = {name: (float(prepared[name].min()), float(prepared[name].max()))
              for name in prepared.columns}
    return Discovery(tuple(boxes), chosen, rule, ranges, integral, dropped, len(interest), hits)


def _number(value: float, integral: bool) -> str:
    return f"{round(value):d}" if integral else f"{value:.3g}"


def limit_words(limits: Mapping[str, tuple[float, float]],
                ranges: Mapping[str, tuple[float, float]], integral: frozenset[str]) -> str:
    """'weights.social ≥ 4.1 and thresholds.level_3 ≤ 6.8' (a limit at the edge of the
    range sampled is no restriction and is left out)."""
    parts = []
    for name, (low, high) in limits.items():
        whole = name in integral
        lo = None if low <= ranges[name][0] else _number(low, whole)
        hi = None if high >= ranges[name][1] else _number(high, whole)
        if lo is not None and hi is not None:
            parts.append(f"{lo} ≤ {name} ≤ {hi}")
        elif lo is not None:
            parts.append(f"{name} ≥ {lo}")
        elif hi is not None:
            parts.append(f"{name} ≤ {hi}")
    return " and ".join(parts)


def box_sentence(discovery: Discovery, outcome: str, condition: Condition, *,
                 per_run: bool) -> str:
    """The chosen box in words: 'when A ≥ 4.1 and B ≤ 6.8: 84% of runs have n_de_jure_ca at
    least 3, covering 71% of all such runs (31% of runs fall in the box).'"""
    box = discovery.box
    unit = "runs" if per_run else "design points"
    what = f"{outcome} {condition.words()}"
    if not box.limits:
        return (f"No box is chosen that restricts the parameters: over all {unit}, "
                f"{box.density:.0%} have {what}.")
    where = limit_words(box.limits, discovery.ranges, discovery.integral)
    return (f"When {where}: {box.density:.0%} of {unit} have {what}, covering "
            f"{box.coverage:.0%} of all such {unit} ({box.mass:.0%} of {unit} fall in the box).")
