"""Results: tables from an ensemble, results directories, comparisons and the HTML report.

Holds the result tables (``tables``), atomic file writing and manifests (``files``),
the temporaries written through, which a later command can clear (``temporary``),
reading directories back (``directory``), paired comparison of scenarios (``compare``),
which states a figure or table shows (``selection``) and the self-contained report
(``report``, which embeds figures it is given as PNG bytes). May import the scenario,
model, engine and study layers; never plotting or the command line.
"""
