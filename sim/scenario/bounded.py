"""Read a file the user names without trusting it: a regular file, of bounded size.

A scenario, an event log, an edge list or a draws file is text a person or a program wrote;
``/dev/zero`` would be read until memory runs out, a named pipe would block forever and a
directory cannot be read at all. :func:`read_bounded` refuses each of these in one line before
reading, opens without blocking, and reads at most the limit for that kind of file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = [
    "DRAWS_LIMIT",
    "EDGE_LIST_LIMIT",
    "EVENT_LOG_LIMIT",
    "SCENARIO_LIMIT",
    "InputFileError",
    "check_bounded",
    "read_bounded",
    "size_text",
]

_MB = 1024 * 1024
SCENARIO_LIMIT = 4 * _MB  # the world roster, the largest shipped scenario, is ~0.1 MB
EVENT_LOG_LIMIT = 64 * _MB  # a dated step per row: about a million events
EDGE_LIST_LIMIT = 512 * _MB  # a tie per row: tens of millions of ties for a large population
DRAWS_LIMIT = 512 * _MB  # a posterior sample: a million draws of fifty parameters


class InputFileError(ValueError):
    """A file that is not one to read: a device, pipe or socket, or larger than its limit."""


def size_text(size: int) -> str:
    """Bytes as MB (mebibytes, as the docs state the limits): ``4 MB``, ``5.3 MB``."""
    return f"{size // _MB} MB" if size % _MB == 0 else f"{size / _MB:.1f} MB"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_mode(info: os.stat_result, limit: int, what: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"is a directory; give {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(f"is {_kind(info.st_mode)}, not a file; give {what}")
    if info.st_size > limit:
        raise InputFileError(f"is {size_text(info.st_size)} ({info.st_size:,} bytes); {what} "
                             f"may be at most {size_text(limit)}")


def check_bounded(path: str | Path, limit: int, what: str) -> None:
    """Raise unless ``path`` is a regular file of at most ``limit`` bytes, without opening it.

    For readers that take a path (pandas, pyarrow). ``what`` names the file expected, as in
    "a scenario file (.toml)". A missing file raises ``FileNotFoundError`` and a directory
    ``IsADirectoryError``, as ``open`` would; anything else :class:`InputFileError`.
    """
    _check_mode(os.stat(path), limit, what)


def read_bounded(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, checked as :func:`check_bounded` does, reading at most ``limit``.

    Opened without blocking (a pipe put in the file's place after the check does not hang
    the reader), and read only up to the limit, since some files grow or report size 0.
    """
    check_bounded(path, limit, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)  # POSIX
    descriptor = os.open(path, flags)
    try:
        _check_mode(os.fstat(descriptor), limit, what)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(limit + 1 - size, _MB))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > limit:
        raise InputFileError(f"is larger than {size_text(limit)}, the most {what} may be")
    return b"".join(chunks)
