"""Temporary files and directories that a killed command's successor can tell apart.

A temporary is named ``.<name>.<random>.recsim.tmp`` and locked (``flock``) by the process
writing it for as long as it exists. The lock goes when the process does, however it ends
(``kill -9`` included), so the next write into the same directory removes what a killed
command left and never touches what a live one is writing: two commands racing for one
directory do not disturb each other.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: temporaries are not locked, and none is removed later
    fcntl = None  # type: ignore[assignment]

__all__ = ["TEMP_SUFFIX", "LeftoverWarning", "is_temporary", "remove_leftovers",
           "sync_directory", "sync_file", "sync_files", "temporary_sibling"]

TEMP_SUFFIX = ".recsim.tmp"
_CLAIMING = ".recsim-new"  # the name before the lock is held, never removed by another
# what the versions before TEMP_SUFFIX left: reported, since nothing says if their owner lives
_UNLOCKED = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_swept: set[Path] = set()


def is_temporary(name: str) -> bool:
    """True for the name of a temporary file or directory that recsim writes (or wrote,
    in earlier versions) before renaming it into place."""
    return name.startswith(".") and (name.endswith((TEMP_SUFFIX, _CLAIMING))
                                     or _UNLOCKED.match(name) is not None)


class LeftoverWarning(UserWarning):
    """A temporary file or directory that an earlier, stopped command may have left."""


def remove_leftovers(parent: Path) -> list[Path]:
    """Remove the temporaries in ``parent`` whose writer has ended (killed, say); return
    them. Those still locked belong to a live process and stay. Each directory is looked
    at once a process; the unlocked temporaries of earlier versions are reported
    (:class:`LeftoverWarning`), not removed."""
    parent = Path(parent)
    if fcntl is None or parent in _swept:
        return []
    _swept.add(parent)
    removed = []
    try:
        entries = [e for e in os.scandir(parent) if e.name.startswith(".")]
    except OSError:
        return []
    for entry in entries:
        if entry.name.endswith(TEMP_SUFFIX):
            if _remove_if_unlocked(Path(entry.path)):
                removed.append(Path(entry.path))
        elif _UNLOCKED.match(entry.name):
            warnings.warn(f"{entry.path}: a temporary that a stopped recsim command may have "
                          "left; delete it if no recsim command is writing there",
                          LeftoverWarning, stacklevel=2)
    return removed


def _remove_if_unlocked(path: Path) -> bool:
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:  # gone already (renamed into place, or removed by another)
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held: its writer is alive
        os.close(handle)
        return False
    try:
        _remove(path)
    finally:
        os.close(handle)
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def temporary_sibling(target: Path, *, directory: bool) -> Iterator[Path]:
    """A new, empty temporary file or directory next to ``target``, locked as this process's
    while the block runs and removed if the block fails (it is the block's to rename).

    Clears what killed commands left in the same directory first (:func:`remove_leftovers`).
    """
    target = Path(target)
    remove_leftovers(target.parent)
    prefix = f".{target.name}."
    handle: int | None = None
    if directory:
        made = Path(tempfile.mkdtemp(prefix=prefix, suffix=_CLAIMING, dir=target.parent))
        if fcntl is not None:
            handle = os.open(made, os.O_RDONLY)
    else:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=_CLAIMING, dir=target.parent)
        made = Path(name)
        if fcntl is None:  # Windows renames no file that is open, and there is no lock
            os.close(handle)
            handle = None
    temp = made.with_name(made.name.removesuffix(_CLAIMING) + TEMP_SUFFIX)
    try:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(made, temp)  # only a locked temporary carries the name others may clear
    except BaseException:
        _remove(made)
        if handle is not None:
            os.close(handle)
        raise
    try:
        yield temp
    except BaseException:
        _remove(temp)
        raise
    finally:
        if handle is not None:
            os.close(handle)


def sync_file(path: Path) -> None:
    """Flush one file to disk: a full disk may only say so now."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def sync_files(directory: Path) -> None:
    """Flush every file under ``directory`` to disk (see :func:`sync_file`)."""
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                sync_file(Path(path))


def sync_directory(directory: Path) -> None:
    """Make the renames in ``directory`` durable, where the platform allows it."""
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
