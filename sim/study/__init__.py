"""Studies over parameters: key paths, designs, sweeps, sensitivity and their checkpoints.

Holds parameter paths (``params``), designs (``design``), named outcomes and their
sufficient statistics (``measures``), resumable studies (``sweep``, ``checkpoints``,
``chunk_files``) and SALib's sensitivity analysis (``sensitivity``). The run side of a
study: it may import the scenario, model and engine layers and :mod:`sim.results`
(atomic writes), never plotting or the command line.
"""
