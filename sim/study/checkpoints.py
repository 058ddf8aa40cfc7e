"""Checkpoints of a study: its plan and every finished chunk, each file written atomically.

Layout of a study directory::

    study.json          what decides the result (see StudyPlan.describe) and its hash
    chunks/c000123.npz  the tally of chunk 123 (see chunk_files), written to a temporary
                        name, flushed to the disk, then renamed

study.json is written first, so a directory either holds a study that ``--resume`` can
continue or only the leftovers of one that never started (which ``--out`` accepts). A file
either exists complete or not at all, so a study killed at any moment can be resumed:
sound chunks are read back, the rest (missing or damaged) are simulated.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..results.files import atomic_write_bytes
from ..results.temporary import (
    is_temporary,
    remove_leftovers,
    sync_directory,
    sync_file,
    temporary_sibling,
)
from .chunk_files import ChunkDamage, NotAChunk, chunk_index, decode_chunk, encode_chunk
from .measures import Tally
from .sweep import StudyPlan

__all__ = ["CheckpointStore", "StudyMismatch", "publish"]

Report = Callable[[Path, str], None]  # a damaged chunk file: what is wrong, what is done


class StudyMismatch(ValueError):
    """A directory that holds a different study (or none) than the one asked for."""


class _Record(BaseModel):
    """What study.json must hold (extra keys are tolerated, for later versions)."""

    model_config = ConfigDict(strict=True)

    fingerprint: str
    study: dict[str, Any]
    chunks: int


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

    def never_started(self) -> bool:
        """True if the directory holds at most what a study that never started leaves:
        temporary files of interrupted writes and an empty ``chunks/`` (no study.json)."""
        if not self.directory.is_dir():
            return False
        for entry in self.directory.iterdir():
            if entry == self.chunk_dir and entry.is_dir():
                if any(not is_temporary(inner.name) for inner in entry.iterdir()):
                    return False
            elif not is_temporary(entry.name):
                return False
        return True

    def create(self) -> None:
        """Start a new study: study.json first (so that from then on ``--resume`` works),
        then ``chunks/``. On failure, what this made is removed again, so the same
        ``--out`` can be used once the cause (a full disk) is gone."""
        record = {"fingerprint": self.fingerprint, "study": self.plan.describe(),
                  "chunks": len(self.plan.chunk_cells)}
        text = json.dumps(record, indent=2, sort_keys=True, default=str) + "\n"
        made: list[Callable[[], None]] = []  # how to undo each step taken
        try:
            if not self.directory.exists():
                self.directory.mkdir(parents=True)
                made.append(self.directory.rmdir)
            self.tidy()
            with contextlib.suppress(OSError):
                self.chunk_dir.rmdir()  # an empty one left by a start that failed
            atomic_write_bytes(self.plan_file, text.encode())
            made.append(self.plan_file.unlink)
            self.chunk_dir.mkdir(exist_ok=True)
        except OSError:
            for undo in reversed(made):
                with contextlib.suppress(OSError):
                    undo()
            raise

    def check(self) -> None:
        """Raise :class:`StudyMismatch` unless the directory holds this very study."""
        if not self.plan_file.is_file():
            if self.never_started():
                raise StudyMismatch(
                    f"{self.directory}: the study never started (no study.json), so there "
                    f"is nothing to resume; start it with --out {self.directory}")
            raise StudyMismatch(f"{self.directory}: not a study directory (no study.json); "
                                "start a new study with --out instead")
        afresh = "--resume cannot continue it; start afresh with another --out"
        try:
            record = _Record.model_validate_json(self.plan_file.read_bytes())
        except OSError as exc:
            raise StudyMismatch(f"{self.plan_file}: unreadable ({exc.strerror or exc}); "
                                f"{afresh}") from None
        except ValidationError as exc:
            raise StudyMismatch(f"{self.plan_file}: damaged ({_first_error(exc)}); "
                                f"{afresh}") from None
        if record.fingerprint == self.fingerprint:
            return
        stored = record.study
        wanted = json.loads(json.dumps(self.plan.describe(), default=str))
        differ = [key for key in wanted if stored.get(key) != wanted[key]] or ["format"]
        if "kind" in differ:  # another command altogether: the rest differs as a matter of course
            differ = ["kind"]
        shown = ", ".join(_difference(key, stored.get(key), wanted[key]) for key in differ)
        raise StudyMismatch(
            f"{self.directory}: holds a different study ({shown}); resume with the "
            "original scenario and arguments, or start a new study with another --out")

    def load(self, report: Report | None = None) -> dict[int, Tally]:
        """Finished chunks, by index. A file that is not a sound chunk of this study
        (unreadable, empty, of another study or chunk, of the wrong shape, failing its
        checksum) is left out, to be recomputed, and passed to ``report`` with what is wrong
        and what happens to it."""
        found: dict[int, Tally] = {}
        if not self.chunk_dir.is_dir():
            return found
        for path in sorted(self.chunk_dir.glob("c*.npz")):
            try:
                index, tally = decode_chunk(path, self.plan, self.fingerprint)
            except NotAChunk as exc:
                problem = f"{exc}; ignoring it"
            except (ChunkDamage, OSError) as exc:
                why = f"unreadable ({exc.strerror or exc})" if isinstance(exc, OSError) else exc
                problem = f"{why}; recomputing chunk {chunk_index(path)}"
            else:
                found[index] = tally
                continue
            if report is not None:
                report(path, problem)
        return found

    def tidy(self) -> None:
        """Remove the temporary files and folders of writes that were cut short by a kill
        (a live writer's stay: see :mod:`sim.results.temporary`). Make ``chunks/`` if it is
        missing, so that the chunks can be written."""
        if self.plan_file.is_file():
            self.chunk_dir.mkdir(exist_ok=True)
        for folder in (self.directory, self.chunk_dir):
            if not folder.is_dir():
                continue
            remove_leftovers(folder)

    def save(self, index: int, tally: Tally) -> None:
        """Write one finished chunk durably and atomically."""
        atomic_write_bytes(self.chunk_file(index), encode_chunk(index, self.fingerprint, tally))


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def _difference(key: str, stored: Any, wanted: Any) -> str:
    """One difference, short enough for a one-line error."""
    shown = f"{key}: {stored} there, {wanted} now"
    if key.endswith("sha256"):
        return f"{key.removesuffix('_sha256')} differs"
    return shown if len(shown) <= 120 else f"{key} differ"


def publish(directory: Path, writers: dict[str, Callable[[Path], None]]) -> None:
    """Write result files into ``directory``, each complete before it appears.

    Every writer fills a path inside a temporary folder, flushed to the disk; only when
    all have succeeded are the files renamed into place, in the given order (put the
    manifest last, so that its presence means the results are complete). An error names
    the result file that could not be written.
    """
    with temporary_sibling(directory / "results", directory=True) as temp:
        for name, write in writers.items():
            try:
                write(temp / name)
                sync_file(temp / name)
            except OSError as exc:
                if exc.filename is None or Path(exc.filename).parent == temp:
                    raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc),
                                  str(directory / name)) from exc
                raise
        for name in writers:
            os.chmod(temp / name, 0o644)
            os.replace(temp / name, directory / name)
        sync_directory(directory)
        temp.rmdir()
