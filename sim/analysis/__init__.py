"""Analysis of many runs: scenario discovery (PRIM) over experiments and sweeps.

``where`` parses the condition that marks the cases of interest, ``experiments`` reads the
tables to analyse (an ``experiments.parquet`` of one row per run, or a sweep's
``sweep.csv``), ``discovery`` runs PRIM (EMA Workbench) and chooses a box, and ``report``
writes the HTML section that states it. May import the study and results layers and those
below; never plots or the command line.
"""
