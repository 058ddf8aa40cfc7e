"""Names users type for studies: outcomes and their documentation, sensitivity methods.

Plain constants, so the command line can show them in its help without importing NumPy.
The outcomes themselves are computed in :mod:`sim.study.measures`.
"""

from __future__ import annotations

__all__ = ["CASCADE_STATES", "DEFAULT_OUTCOMES", "METHODS", "OUTCOME_DOCS"]

# Global sensitivity methods (sim/study/sensitivity.py).
METHODS = ("sobol", "morris")

# The four Central Asian states the seed article calls close to recognition (Tajikistan,
# the expected holdout, is not among them).
CASCADE_STATES = ("KAZ", "KGZ", "TKM", "UZB")

# The outcomes plotted and analysed unless the user names others.
DEFAULT_OUTCOMES = ("n_de_jure", "n_de_jure_ca", "p_cascade_ca", "months_to_ca:3")

OUTCOME_DOCS: dict[str, str] = {
    "p_de_jure:STATE": (
        "Probability that STATE stands at de jure recognition (level 3) at the horizon. "
        "Defined for the states named in [states], not for a [population]'s anonymous "
        "states. Standard error: sqrt(p (1 - p) / (R - 1)) from R runs."
    ),
    "n_de_jure": (
        "Expected number of states at de jure recognition at the horizon (all actors, the "
        "first recogniser included). Standard error: sample s.d. over runs / sqrt(R)."
    ),
    "n_de_jure_ca": (
        "Expected number of the Central Asian states (those marked central_asia = true, "
        "KAZ KGZ TJK TKM UZB in the baseline) at de jure recognition at the horizon. "
        "Standard error as for n_de_jure."
    ),
    "months_to_ca:K": (
        "Median months until K Central Asian states have recognised de jure. Per run, "
        "T_K is the first month (0 = start month) by which K of them had each reached "
        "level 3 (a later downgrade does not undo it); runs where that never happens "
        "within the horizon H count as H (right-censored), so a value of H means 'H or "
        "later'. The median is the smallest month m with at least half the runs at "
        "T_K <= m. Standard error: width of the distribution-free 95% interval of the "
        "median (order statistics R/2 -/+ 0.98 sqrt(R)) divided by 3.92; it is 0 when "
        "that interval falls within one month."
    ),
    "p_cascade_ca": (
        "Probability that all of KAZ, KGZ, TKM and UZB stand at de jure recognition at "
        "the horizon: the four the seed article's commentator calls close to recognising "
        "(Tajikistan, the expected holdout, excluded). Standard error as for p_de_jure."
    ),
}
