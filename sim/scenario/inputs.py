"""Input files read once: the bytes a command parsed are the bytes its manifest hashes.

A command reads its scenario (and the files it names) when it starts and writes the
manifest when it ends, perhaps hours later. Hashing the file again then would pin whatever
is there by that time: an edited file, or nothing if it was moved. So each read through
:func:`read_input` records the SHA-256 of the bytes it returned, and :func:`input_sha256`
answers with the first one recorded since :func:`forget_inputs` (the start of a command).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .bounded import read_bounded

__all__ = ["forget_inputs", "input_sha256", "read_input"]

_HASHES: dict[str, str] = {}


def _key(path: str | Path) -> str:
    return os.path.abspath(path)


def read_input(path: str | Path, limit: int, what: str) -> bytes:
    """The file's bytes (read as :func:`~sim.scenario.bounded.read_bounded` does: a regular
    file of at most ``limit`` bytes), their hash recorded unless this command read the file
    before."""
    data = read_bounded(path, limit, what)
    _HASHES.setdefault(_key(path), hashlib.sha256(data).hexdigest())
    return data


def input_sha256(path: str | Path) -> str:
    """Hex SHA-256 of the file as this command first read it (hashed now if it never was)."""
    key = _key(path)
    if key not in _HASHES:
        with open(path, "rb") as stream:
            _HASHES[key] = hashlib.file_digest(stream, "sha256").hexdigest()
    return _HASHES[key]


def forget_inputs() -> None:
    """Start a new command: files read from now on are hashed afresh."""
    _HASHES.clear()
