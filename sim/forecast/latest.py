"""The forecast as of the log's latest month: each state's chances within 6, 12 and 24 months.

Every chance comes with its 90% interval over the posterior (sim/forecast/posterior.py):
how far it moves between plausible parameter values. A chance beyond the run's horizon is
left empty, and so is one that does not apply (a state at de jure cannot move up to it;
one at none cannot step down).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .origin import Simulated
from .posterior import chance_interval
from .targets import STATE_TARGETS, applies, simulated_outcomes

__all__ = ["FORECAST_COLUMNS", "FORECAST_HORIZONS", "forecast_table"]

FORECAST_HORIZONS = (6, 12, 24)
_CHANCES = [f"p_{target}_{h}" for target in STATE_TARGETS for h in FORECAST_HORIZONS]
FORECAST_COLUMNS = ("state", "start_level", *_CHANCES,
                    *(f"{name}_{end}" for name in _CHANCES for end in ("low", "high")))


def forecast_table(simulated: Simulated, horizon: int) -> pd.DataFrame:
    """One row per state: its level now, the chances of FORECAST_COLUMNS and their 90%
    intervals (``_low``, ``_high``)."""
    ids, start = simulated.result.state_ids, simulated.start
    table = pd.DataFrame({"state": list(ids), "start_level": start.astype(int)})
    for name in FORECAST_COLUMNS[2:]:
        table[name] = np.nan
    for h in FORECAST_HORIZONS:
        if h > horizon:
            continue
        happens = simulated_outcomes(simulated.result, start, h)
        for target in STATE_TARGETS:
            name = f"p_{target}_{h}"
            for i in range(len(ids)):
                if applies(target, int(start[i])):
                    table.loc[i, [name, f"{name}_low", f"{name}_high"]] = chance_interval(
                        happens[target][i], simulated.group)
    return table[list(FORECAST_COLUMNS)]
