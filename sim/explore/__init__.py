"""The browser explorer behind ``recsim explore``: a local Solara page whose controls edit a
scenario and whose views show the ensemble's outcome against the unmodified scenario.

Layer "explore": it may import every layer but the command line. The page (``app``, with
``controls``, ``shock_editor``, ``save_panel`` and ``views``) lays out what plain modules
compute with the library the command line uses: ``draft`` (edits, checked by the scenario
loader), ``compute`` (ensembles, tables, paired differences), ``figures`` (the plot
functions, drawn in worker processes), ``update`` (one change's views, numbers first) and
``saving`` (scenario files and full runs). ``server`` serves it on 127.0.0.1; ``config``
holds what the command was given. Importing this package imports neither Solara nor the
science stack.
"""

from __future__ import annotations

__all__: list[str] = []
