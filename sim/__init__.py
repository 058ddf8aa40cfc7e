"""recsim: agent-based simulation of diplomatic recognition cascades (Mesa 3).

The package is layered; a module imports its own layer and those below, never above
(tests/test_architecture.py checks it):

* :mod:`sim.scenario`: the typed description of a world and its files;
* :mod:`sim.model`: the Mesa model, its agents, rules and shocks;
* :mod:`sim.engine`: ensembles of many runs and the executors that run them;
* :mod:`sim.study`, :mod:`sim.results`, :mod:`sim.calibrate` and :mod:`sim.forecast`:
  studies over parameters; result tables, directories, comparisons, shock effects and
  reports; calibration to an event log; backtests and the forecast as of now;
* :mod:`sim.analysis`: scenario discovery (PRIM) over experiments and sweeps;
* :mod:`sim.plots`: figures from result data;
* :mod:`sim.explore`: the browser explorer (``recsim explore``), a Solara page over the same
  library functions;
* :mod:`sim.cli`: the ``recsim`` command line, which alone writes files (and the explorer,
  when asked to save or run in full).
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
