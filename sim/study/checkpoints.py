"""Checkpoints of a study: its plan and every finished chunk, each file written atomically.

Layout of a study directory::

    study.json          what decides the result (see StudyPlan.describe) and its hash
    chunks/c000123.npz  the tally of chunk 123, written to a temporary name, then renamed

A file either exists complete or not at all, so a study killed at any moment can be
resumed: finished chunks are read back, the rest are simulated.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..results.files import atomic_write_bytes
from .measures import Tally
from .sweep import StudyPlan

__all__ = ["CheckpointStore", "StudyMismatch", "publish"]

_FIELDS = ("runs", "sums", "squares", "months")


class StudyMismatch(ValueError):
    """A directory that holds a different study (or none) than the one asked for."""


class CheckpointStore:
    """Reads and writes the checkpoints of one study in ``directory``."""

    def __init__(self, directory: Path, plan: StudyPlan) -> None:
        self.directory = Path(directory)
        self.plan = plan
        self.fingerprint = plan.fingerprint()

    @property
    def plan_file(self) -> Path:
        return self.directory / "study.json"

    @property
    def chunk_dir(self) -> Path:
        return self.directory / "chunks"

    def chunk_file(self, index: int) -> Path:
        return self.chunk_dir / f"c{index:06d}.npz"

    def create(self) -> None:
        """Start a new study directory (it must not exist or be empty)."""
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        record = {"fingerprint": self.fingerprint, "study": self.plan.describe(),
                  "chunks": len(self.plan.chunk_cells)}
        text = json.dumps(record, indent=2, sort_keys=True, default=str) + "\n"
        atomic_write_bytes(self.plan_file, text.encode())

    def check(self) -> None:
        """Raise :class:`StudyMismatch` unless the directory holds this very study."""
        if not self.plan_file.is_file():
            raise StudyMismatch(f"{self.directory}: not a study directory (no study.json); "
                                "start a new study with --out instead")
        try:
            record = json.loads(self.plan_file.read_text())
        except (OSError, ValueError) as exc:
            raise StudyMismatch(f"{self.plan_file}: unreadable ({exc})") from None
        if record.get("fingerprint") == self.fingerprint:
            return
        stored: dict[str, Any] = record.get("study", {})
        wanted = json.loads(json.dumps(self.plan.describe(), default=str))
        differ = [key for key in wanted if stored.get(key) != wanted[key]] or ["format"]
        if "kind" in differ:  # another command altogether: the rest differs as a matter of course
            differ = ["kind"]
        shown = ", ".join(_difference(key, stored.get(key), wanted[key]) for key in differ)
        raise StudyMismatch(
            f"{self.directory}: holds a different study ({shown}); resume with the "
            "original scenario and arguments, or start a new study with another --out")

    def load(self) -> dict[int, Tally]:
        """Finished chunks, by index; unreadable or foreign files are ignored (recomputed)."""
        found: dict[int, Tally] = {}
        if not self.chunk_dir.is_dir():
            return found
        for path in sorted(self.chunk_dir.glob("c*.npz")):
            try:
                index = int(path.stem[1:])
                tally = self._read(path, index)
            except (ValueError, OSError, KeyError):
                continue
            if tally is not None:
                found[index] = tally
        return found

    def _read(self, path: Path, index: int) -> Tally | None:
        if not 0 <= index < len(self.plan.chunk_cells):
            return None
        with np.load(path, allow_pickle=False) as data:
            if str(data["fingerprint"]) != self.fingerprint:
                return None
            tally = Tally(*(np.array(data[name]) for name in _FIELDS))
        if tally.runs.shape != (len(self.plan.chunk_cells[index]),):
            return None
        return tally

    def save(self, index: int, tally: Tally) -> None:
        """Write one finished chunk atomically."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, fingerprint=np.array(self.fingerprint),
                 **{name: getattr(tally, name) for name in _FIELDS})
        atomic_write_bytes(self.chunk_file(index), buffer.getvalue())


def _difference(key: str, stored: Any, wanted: Any) -> str:
    """One difference, short enough for a one-line error."""
    shown = f"{key}: {stored} there, {wanted} now"
    if key.endswith("sha256"):
        return f"{key.removesuffix('_sha256')} differs"
    return shown if len(shown) <= 120 else f"{key} differ"


def publish(directory: Path, writers: dict[str, Callable[[Path], None]]) -> None:
    """Write result files into ``directory``, each complete before it appears.

    Every writer fills a path inside a temporary folder; only when all have succeeded are
    the files renamed into place, in the given order (put the manifest last, so that its
    presence means the results are complete).
    """
    temp = Path(tempfile.mkdtemp(prefix=".results.", suffix=".tmp", dir=directory))
    try:
        for name, write in writers.items():
            write(temp / name)
        for name in writers:
            os.chmod(temp / name, 0o644)
            os.replace(temp / name, directory / name)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
