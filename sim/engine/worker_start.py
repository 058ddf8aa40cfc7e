"""Imported last by the fork server of worker processes: freeze what it has imported.

The server imports the modules its workers need once, then forks each worker from itself.
Frozen out of the garbage collector, those objects are neither copied into each worker by
collections touching them (copy-on-write) nor collected again when each worker exits: the
use ``gc.freeze`` is documented for. Importing this module anywhere else has the same
effect on that process, so nothing but the fork server should.
"""

from __future__ import annotations

import gc

gc.freeze()
