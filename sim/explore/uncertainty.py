"""Parameter uncertainty in the explorer: a scenario's posterior draws, or its point estimates.

A scenario with ``[uncertainty] draws`` (from calibration) gives each replicate its own
weights and thresholds, drawn from the posterior: what ``recsim run`` does by default, and
what the page shows by default. Switched off, the page runs the scenario at its point
estimates, as ``recsim run --no-uncertainty`` does, and the controls of the drawn
parameters come alive. Written against the calibration work (``sim/engine/uncertainty.py``,
``sim/scenario/draws.py``), imported only when a scenario has draws: on a checkout without
it no scenario has any, and the page shows no switch.
"""

from __future__ import annotations

from typing import Any

from ..scenario.schema import Scenario

__all__ = ["drawn_paths", "draws_of", "point_estimates"]


def _uncertainty(scenario: Scenario) -> Any:
    return getattr(scenario, "uncertainty", None)


def draws_of(scenario: Scenario) -> str | None:
    """The scenario's file of parameter draws, if it has one."""
    return getattr(_uncertainty(scenario), "draws", None)


def drawn_paths(scenario: Scenario) -> frozenset[str]:
    """Key paths each replicate draws (``weights.social``, ...): their controls do nothing
    while the draws are on."""
    path = draws_of(scenario)
    if path is None:
        return frozenset()
    from ..scenario.draws import read_draws

    return frozenset(read_draws(path).paths)


def point_estimates(scenario: Scenario) -> Scenario:
    """The scenario as ``recsim run --no-uncertainty`` runs it: no draws, its ``means`` set
    (or the draws' column means); the scenario itself when it has neither."""
    uncertainty = _uncertainty(scenario)
    if draws_of(scenario) is None and not getattr(uncertainty, "means", None):
        return scenario
    from ..engine.uncertainty import without_uncertainty

    return without_uncertainty(scenario)
