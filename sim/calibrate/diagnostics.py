"""How a fit compares with the record: expected against observed moves, and what data moved.

Under each posterior draw the likelihood gives every state's chance of each level at the
end of every month of the window, from what it saw before; summing the chance of moving up
(or down) over the months gives the number of moves the model expects. A model that fits
expects about as many moves as the record holds, state by state and year by year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fit import Fit
from .likelihood import Likelihood

__all__ = ["CALIBRATION_COLUMNS", "calibration_table", "contraction", "expected_moves"]

CALIBRATION_COLUMNS = ("param", "prior_mean", "prior_sd", "map", "mean", "q05", "q95", "rhat",
                       "ess")


def calibration_table(fit: Fit) -> pd.DataFrame:
    """One row per fitted parameter: prior, MAP, posterior mean and 90% interval, R-hat, ESS."""
    q05, q95 = np.quantile(fit.draws, [0.05, 0.95], axis=0)
    return pd.DataFrame({
        "param": list(fit.paths),
        "prior_mean": [p.mean for p in fit.priors],
        "prior_sd": [p.sd for p in fit.priors],
        "map": fit.map_point,
        "mean": fit.draws.mean(axis=0),
        "q05": q05,
        "q95": q95,
        "rhat": fit.rhat,
        "ess": fit.ess,
    }, columns=list(CALIBRATION_COLUMNS))


def contraction(fit: Fit) -> pd.Series:
    """Posterior contraction 1 - (posterior sd / prior sd)^2 per parameter: near 0, the data
    say little and the prior stands; near 1, the data decide (Betancourt 2018)."""
    prior_sd = np.array([p.sd for p in fit.priors])
    return pd.Series(1.0 - (fit.draws.std(axis=0) / prior_sd) ** 2, index=list(fit.paths))


def expected_moves(likelihood: Likelihood, draws: np.ndarray, *, most: int = 200,
                   seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observed and expected moves up and down, per state and per calendar year.

    Each table has ``observed_up``, ``expected_up`` (posterior mean) with ``up_q05`` and
    ``up_q95``, and the same for ``down``; at most ``most`` draws are used (a seeded
    subset).
    """
    record = likelihood.record
    rng = np.random.default_rng(seed)
    chosen = draws if len(draws) <= most else draws[rng.choice(len(draws), most, replace=False)]
    probabilities = np.concatenate([likelihood.probabilities(batch)
                                    for batch in np.array_split(chosen, -(-len(chosen) // 50))])
    levels = np.arange(probabilities.shape[1])[None, :, None, None]
    before = record.before[None, None]
    up = (probabilities * (levels > before)).sum(axis=1) * record.scored  # (K, M, n)
    down = (probabilities * (levels < before)).sum(axis=1) * record.scored
    moves = record.moves()
    observed_up = ((moves > 0) & record.scored).astype(int)
    observed_down = ((moves < 0) & record.scored).astype(int)
    years = np.array([int(month[:4]) for month in record.months])

    def table(groups: np.ndarray, labels: list, axis: int) -> pd.DataFrame:
        """Totals over the months (axis 0) or states (axis 1) of each label."""
        rows = []
        for label in labels:
            mask = groups == label
            index = (slice(None), mask, slice(None)) if axis == 0 else \
                (slice(None), slice(None), mask)
            e_up, e_down = up[index].sum(axis=(1, 2)), down[index].sum(axis=(1, 2))
            rows.append({
                "group": label,
                "observed_up": int(observed_up[None][index].sum()),
                "expected_up": float(e_up.mean()),
                "up_q05": float(np.quantile(e_up, 0.05)),
                "up_q95": float(np.quantile(e_up, 0.95)),
                "observed_down": int(observed_down[None][index].sum()),
                "expected_down": float(e_down.mean()),
                "down_q05": float(np.quantile(e_down, 0.05)),
                "down_q95": float(np.quantile(e_down, 0.95)),
            })
        return pd.DataFrame(rows)

    by_state = table(np.array(record.state_ids), list(record.state_ids), axis=1)
    by_year = table(years, sorted(set(years.tolist())), axis=0)
    return by_state.rename(columns={"group": "state"}), by_year.rename(columns={"group": "year"})
