"""How many replicates a chunk holds: the unit of seeding and of parallel work.

A module of its own, without NumPy or the model, so that a command can size its memory
from it (sim/engine/memory.py) before it imports the engine.
"""

from __future__ import annotations

__all__ = ["CHUNK_SIZE"]

# Chunk c of an ensemble holds replicates [c * CHUNK_SIZE, (c + 1) * CHUNK_SIZE) and is
# seeded by child c of SeedSequence(seed): changing it changes every result.
CHUNK_SIZE = 5000
