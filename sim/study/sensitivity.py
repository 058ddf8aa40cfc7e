"""Global sensitivity analysis with SALib: Sobol' variance indices or Morris screening.

SALib samples the design and computes the indices; this module only translates between
parameter paths and SALib's problem, and measures how much of what the indices see is
Monte Carlo noise (every design point is an average of R stochastic runs).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from .design import Range
from .names import METHODS

__all__ = [
    "METHODS",
    "Analysis",
    "analyse",
    "design_points",
    "morris_delta",
    "noise_floor",
    "problem",
    "sample",
]



def problem(ranges: Sequence[Range]) -> dict[str, object]:
    """SALib's problem definition: names are the parameter paths, bounds their ranges."""
    return {
        "num_vars": len(ranges),
        "names": [r.path for r in ranges],
        "bounds": [[r.low, r.high] for r in ranges],
    }


def design_points(method: str, samples: int, k: int, *, second_order: bool = True) -> int:
    """How many design points a method's sample has: N (2k + 2) or N (k + 2) for Sobol'
    (Saltelli's scheme, with or without second-order indices), N (k + 1) for Morris."""
    if method == "sobol":
        return samples * (2 * k + 2 if second_order else k + 2)
    return samples * (k + 1)


def sample(method: str, ranges: Sequence[Range], samples: int, seed: int, *,
           second_order: bool = True, levels: int = 4) -> np.ndarray:
    """The SALib design matrix (points x parameters), reproducible from ``seed``."""
    spec = problem(ranges)
    if method == "sobol":
        with warnings.catch_warnings():  # the power-of-two advice is given by the CLI
            warnings.simplefilter("ignore", UserWarning)
            return sobol_sample.sample(spec, samples, calc_second_order=second_order,
                                       scramble=True, seed=seed)
    if method == "morris":
        return morris_sample.sample(spec, samples, num_levels=levels, seed=seed)
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def morris_delta(levels: int) -> float:
    """Morris step in the unit cube, levels / (2 (levels - 1)) (Morris 1991; SALib's delta)."""
    return levels / (2.0 * (levels - 1))


@dataclass(frozen=True)
class Analysis:
    """Indices of one outcome: ``table`` has one row per parameter; ``second_order`` holds
    Sobol' S2 per pair (or is empty); ``noise`` is the Monte Carlo noise floor."""

    table: pd.DataFrame
    second_order: pd.DataFrame
    noise: float
    constant: bool


def noise_floor(method: str, values: np.ndarray, errors: np.ndarray, *, levels: int = 4) -> float:
    """What Monte Carlo noise alone would show, in the units of the method's main index.

    Sobol': mean squared standard error over the variance of the outcome across design
    points, the share of that variance that is noise. A parameter with no effect has an
    expected total index ST of about this size (Jansen's estimator, used by SALib, is
    E[(f(A) - f(AB_i))^2] / 2V; with no effect the difference is pure noise).

    Morris: the expected mu* of a parameter with no effect, E|e1 - e2| / delta for two
    independent normal errors, i.e. 2 s / (sqrt(pi) delta) with s the root mean square
    standard error.
    """
    errors = errors[np.isfinite(errors)]
    if errors.size == 0:
        return math.nan
    mean_square = float(np.mean(errors**2))
    if method == "sobol":
        variance = float(np.var(values, ddof=1)) if values.size > 1 else 0.0
        return mean_square / variance if variance > 0 else math.nan
    return 2.0 * math.sqrt(mean_square) / (math.sqrt(math.pi) * morris_delta(levels))


def analyse(method: str, ranges: Sequence[Range], design: np.ndarray, values: np.ndarray,
            errors: np.ndarray, *, seed: int, second_order: bool = True, levels: int = 4,
            outcome: str = "") -> Analysis:
    """SALib indices of one outcome; ``design`` is the matrix ``sample`` returned."""
    spec = problem(ranges)
    names = [r.path for r in ranges]
    noise = noise_floor(method, values, errors, levels=levels)
    constant = bool(np.ptp(values) == 0)
    pairs = pd.DataFrame(columns=["outcome", "param_1", "param_2", "S2", "S2_conf"])
    if method == "sobol":
        if constant:
            nan = np.full(len(names), math.nan)
            indices = {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
        else:
            indices = sobol_analyze.analyze(spec, values, calc_second_order=second_order,
                                            seed=seed)
            if second_order:
                pairs = _pairs(indices, names, outcome)
        columns = ("S1", "S1_conf", "ST", "ST_conf")
    else:
        indices = morris_analyze.analyze(spec, design, values, num_levels=levels, seed=seed)
        columns = ("mu_star", "mu_star_conf", "sigma")
    table = pd.DataFrame({"outcome": outcome, "param": names,
                          **{c: np.asarray(indices[c], float) for c in columns}})
    return Analysis(table, pairs, noise, constant)


def _pairs(indices: dict, names: list[str], outcome: str) -> pd.DataFrame:
    rows = [
        {"outcome": outcome, "param_1": names[i], "param_2": names[j],
         "S2": float(indices["S2"][i, j]), "S2_conf": float(indices["S2_conf"][i, j])}
        for i in range(len(names)) for j in range(i + 1, len(names))
    ]
    return pd.DataFrame(rows, columns=["outcome", "param_1", "param_2", "S2", "S2_conf"])
