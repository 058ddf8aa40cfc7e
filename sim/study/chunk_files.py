"""One checkpoint file: a chunk's tally with its index, its study's fingerprint and a checksum.

A chunk file is an ``.npz`` archive holding the four arrays of a :class:`Tally` and

- ``index``: the chunk it holds, so a file copied or renamed over another is noticed;
- ``fingerprint``: the study it belongs to (:meth:`StudyPlan.fingerprint`);
- ``sha256``: a checksum of the arrays (:func:`tally_sha256`), so flipped bytes that
  still decompress are noticed.

:func:`decode_chunk` checks all of these and the arrays' shapes against the plan, and says
in a few words what is wrong (:class:`ChunkDamage`) instead of raising whatever numpy or
zipfile raise on a damaged file; a damaged chunk is then simply recomputed.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import numpy as np

from ..scenario.bounded import InputFileError, read_bounded
from .measures import Tally
from .sweep import StudyPlan

__all__ = ["ChunkDamage", "NotAChunk", "chunk_index", "decode_chunk", "encode_chunk",
           "tally_sha256"]

FIELDS = ("runs", "sums", "squares", "months")
_NAME = re.compile(r"c(\d{6,})\.npz")


class ChunkDamage(ValueError):
    """A chunk file that cannot be used; the message says why, in a few words."""


class NotAChunk(ChunkDamage):
    """A file whose name is not that of a chunk of this study."""


def chunk_index(path: Path) -> int:
    """The index in a chunk file's name (``c000123.npz`` is chunk 123)."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        raise NotAChunk("not a chunk file name (cNNNNNN.npz)")
    return int(match.group(1))


def tally_sha256(tally: Tally) -> str:
    """SHA-256 over each array's name, shape and little-endian int64 bytes, in order."""
    digest = hashlib.sha256()
    for name in FIELDS:
        array = np.ascontiguousarray(getattr(tally, name), dtype="<i8")
        digest.update(f"{name}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def encode_chunk(index: int, fingerprint: str, tally: Tally) -> bytes:
    """The bytes of chunk ``index``'s file."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, index=np.int64(index), fingerprint=np.array(fingerprint),
                        sha256=np.array(tally_sha256(tally)),
                        **{name: getattr(tally, name) for name in FIELDS})
    return buffer.getvalue()


_CHUNK_LIMIT = 1024 * 1024 * 1024  # bytes: far above any chunk a study writes


def decode_chunk(path: Path, plan: StudyPlan, fingerprint: str) -> tuple[int, Tally]:
    """Chunk index and tally of a file, or :class:`ChunkDamage` saying what is wrong."""
    index = chunk_index(path)
    chunks = len(plan.chunk_cells)
    if index >= chunks:
        raise NotAChunk(f"this study has chunks 0 to {chunks - 1} only")
    try:  # a pipe or device put in a chunk's place must not block or fill memory
        data = read_bounded(path, _CHUNK_LIMIT, "a chunk file (.npz)")
    except InputFileError as exc:
        raise ChunkDamage(str(exc)) from None
    if not data:
        raise ChunkDamage("empty file (0 bytes)")
    stored = _arrays(data)
    missing = [key for key in ("index", "fingerprint", "sha256", *FIELDS) if key not in stored]
    if missing:
        raise ChunkDamage(f"no {', '.join(missing)} in it (written by an older recsim?)")
    if str(stored["fingerprint"]) != fingerprint:
        raise ChunkDamage("belongs to another study (its fingerprint differs)")
    stored_index = stored["index"]
    if stored_index.shape != () or stored_index.dtype.kind not in "iu" or stored_index != index:
        raise ChunkDamage(f"holds chunk {stored['index']}, not {index} (copied or renamed?)")
    tally = Tally(*(stored[name] for name in FIELDS))
    _check_shapes(tally, _expected_shapes(plan, index))
    if str(stored["sha256"]) != tally_sha256(tally):
        raise ChunkDamage("its arrays do not match their checksum")
    return index, tally


def _arrays(data: bytes) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` file's bytes, or :class:`ChunkDamage`."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {name: np.array(archive[name]) for name in archive.files}
    except Exception as exc:  # zipfile, zlib, numpy and EOF errors alike mean a damaged file
        text = str(exc).splitlines()[0] if str(exc) else ""
        reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        raise ChunkDamage(f"unreadable ({reason})") from None


def _expected_shapes(plan: StudyPlan, index: int) -> dict[str, tuple[int, ...]]:
    cells = len(plan.chunk_cells[index])
    empty = plan.empty_tally()
    return {name: (cells, *getattr(empty, name).shape[1:]) for name in FIELDS}


def _check_shapes(tally: Tally, expected: dict[str, tuple[int, ...]]) -> None:
    for name, shape in expected.items():
        array = getattr(tally, name)
        if array.shape != shape or array.dtype != np.int64:
            raise ChunkDamage(f"{name} is {array.dtype} {array.shape}, expected int64 {shape}")
