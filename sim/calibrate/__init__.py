"""Calibration: the model fitted to the dated event record, and how far to trust it.

Holds the calibration window (``window``: a scenario re-based on the months of a record),
the exact likelihood of an observed record (``likelihood``), priors and the fit (``fit``:
the maximum a posteriori point with scipy.optimize, a posterior sample with emcee and its
diagnostics with ArviZ), and simulated records for known-answer tests (``records``). May
import the scenario, model and engine layers; its outputs are written by the command line.
"""
