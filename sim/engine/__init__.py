"""Running the model many times: ensembles cut into seeded chunks, and where chunks run.

Holds the ensemble (``ensemble``) and its chunk size (``chunking``), the executors, one
module per backend (``executors`` for the protocol and the serial one, ``process`` for
local worker processes, ``dask_cluster`` for Dask), a hand-vectorised NumPy reference of
the dynamics used to cross-check the model (``reference``), and the heap tuning that keeps
freed arrays for reuse (``heap``). May import :mod:`sim.scenario` and :mod:`sim.model`.
"""
