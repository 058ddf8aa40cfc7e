"""Scenarios: the typed, frozen description of a world and how it is read from files.

Holds the ladder and its incentive factors (``ladder``), calendar months (``calendar``), the
schema (``parts``, ``population``, ``shocks``, ``schema``) and its cross-checks
(``checks``), TOML loading with ``extends`` (``loading``), edge-list files (``edgelist``), the
size-capped reading of every file a user names (``bounded``) and the roster a scenario
describes (``roster``). The lowest layer: it imports nothing else of
recsim, and validating a file needs neither NumPy nor pandas.
"""
