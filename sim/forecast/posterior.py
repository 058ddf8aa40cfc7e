"""Runs that carry the posterior: each replicate's parameters, and the spread they cause.

A forecast's runs take their parameters from posterior draws in groups: ``K`` draws,
picked at random, each given to about ``per_draw`` runs (run r takes draw r mod K). The
share of all runs in which an event happens is the forecast: the chance integrated over
the posterior. The groups also show how much that chance depends on the parameters: the
spread of the per-draw shares, less the Monte Carlo noise of ``per_draw`` runs, is the
spread of the chance over the posterior (a beta-binomial model fitted by the method of
moments; D. A. Williams, "The analysis of binary responses from toxicological experiments
involving reproduction and teratogenicity", Biometrics 31(4), 1975, 949-952). Its 5th
and 95th percentiles are the forecast's 90% interval; the estimate is the one every run's
P(de jure) uses (sim/results/tables.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model.parameters import ReplicateValues
from ..results.tables import chance_interval as interval_over_draws

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
    the posterior: ``(p, low, high)``, as for a run's P(de jure)
    (:func:`sim.results.tables.chance_interval`)."""
    happened = np.asarray(happened, bool)
    return (float(happened.mean()), *interval_over_draws(happened, group, level))
