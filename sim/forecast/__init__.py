"""Forecasts and their verification: out-of-sample backtests, and the forecast as of now.

A backtest asks how recsim would have done had it been used in the past: at each origin it
calibrates on the events known by then (``rebase`` keeps later ones out), simulates the
months after it from the levels then, and scores what it said against what the log records
(``targets``), beside two naive forecasts anyone could make (``naive``), with the Brier and
logarithmic scores and skill scores with bootstrap intervals (``scores``). ``backtest``
runs the origins, independent of each other, through any executor; ``latest`` is the
forecast as of the log's latest month, with the spread over posterior draws. May import
the scenario, model, engine, calibrate and results layers; never plots or the command line.
"""
