"""Tie weights as an influence matrix: row i says how much state i watches each partner."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..scenario.roster import roster_of
from ..scenario.schema import Scenario

__all__ = ["influence_matrix", "row_normalise", "tie_matrix"]

# Below this many states a dense product is faster than a sparse one.
_DENSE_LIMIT = 400


def tie_matrix(scenario: Scenario) -> sp.csr_array:
    """Raw weights ``A[i, j]``: how much state i watches state j (duplicates add up).

    Inline ties, edge-list files and generated networks all end up here
    (sim/scenario/roster.py).
    """
    return roster_of(scenario).ties


def row_normalise(weights: sp.csr_array) -> sp.csr_array:
    """Divide each row by its sum, so ``W @ x`` is a tie-weighted share; empty rows stay zero."""
    totals = np.asarray(weights.sum(axis=1)).ravel()
    scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    return sp.csr_array(sp.diags_array(scale) @ weights)


def influence_matrix(scenario: Scenario) -> np.ndarray | sp.csr_array:
    """Row-normalised influence, dense for small rosters and sparse for large ones."""
    weights = row_normalise(tie_matrix(scenario))
    return weights.toarray() if weights.shape[0] <= _DENSE_LIMIT else weights
