"""Runs that carry the posterior: each replicate's parameters, and the spread they cause.

A forecast's runs take their parameters from posterior draws in groups: ``K`` draws,
picked at random, each given to about ``per_draw`` runs (run r takes draw r mod K). The
share of all runs in which an event happens is the forecast: the chance integrated over
the posterior. The groups also show how much that chance depends on the parameters: the
spread of the per-draw shares, less the Monte Carlo noise of ``per_draw`` runs, is the
spread of the chance over the posterior (a beta-binomial model fitted by the method of
moments; D. A. Williams, "The analysis of binary responses from toxicological experiments
involving reproduction and teratogenicity", Biometrics 31(4), 1975, 949-952). Its 5th
and 95th percentiles are the forecast's 90% interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from ..model.parameters import ReplicateValues

__all__ = ["PER_DRAW", "chance_interval", "posterior_values"]

PER_DRAW = 100  # runs per posterior draw


def posterior_values(draws: np.ndarray, paths: Sequence[str], runs: int,
                     seed: np.random.SeedSequence,
                     per_draw: int = PER_DRAW) -> tuple[ReplicateValues, np.ndarray]:
    """Each run's parameters from ``draws`` (D, p), and each run's draw group (0..K-1).

    K = ceil(runs / per_draw) draws are picked with ``seed``, without replacement when the
    posterior holds enough of them.
    """
    groups = max(1, -(-runs // per_draw))
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(draws), size=groups, replace=groups > len(draws))
    group = np.arange(runs) % groups
    return ReplicateValues(tuple(paths), np.asarray(draws, float)[chosen][group]), group


def chance_interval(happened: np.ndarray, group: np.ndarray,
                    level: float = 0.9) -> tuple[float, float, float]:
    """The chance of an event over runs (``happened``, (R,) bools) and its interval over
    the posterior: ``(p, low, high)``.

    With the between-draw variance of the chance estimated above zero, the interval is the
    central ``level`` of the beta distribution with the chance's mean and that variance;
    otherwise (no spread beyond Monte Carlo noise, or a single draw) it is the Jeffreys
    interval of the pooled Monte Carlo estimate.
    """
    happened = np.asarray(happened, bool)
    total, runs = int(happened.sum()), happened.size
    p = total / runs
    tails = ((1 - level) / 2, (1 + level) / 2)
    sizes = np.bincount(group, minlength=int(group.max()) + 1).astype(float)
    counts = np.bincount(group, weights=happened, minlength=sizes.size)
    between = 0.0
    if sizes.size > 1 and 0 < p < 1:
        shares = counts / sizes
        size = sizes.size / np.sum(1.0 / sizes)  # harmonic mean runs per draw
        observed = np.sum(sizes * (shares - p) ** 2) / (sizes.size - 1) / size
        between = (observed - p * (1 - p) / size) / (1 - 1 / size) if size > 1 else 0.0
    if 0 < between < p * (1 - p):
        concentration = p * (1 - p) / between - 1
        low, high = stats.beta.ppf(tails, p * concentration, (1 - p) * concentration)
    else:
        low, high = stats.beta.ppf(tails, total + 0.5, runs - total + 0.5)
    return p, float(low), float(high)
