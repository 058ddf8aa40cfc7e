"""Keep freed memory for reuse, so that each month's arrays do not page-fault afresh.

An ensemble chunk allocates and frees arrays of (states x replicates) many times a month,
each several hundred kilobytes. With glibc's defaults an allocation that large is mapped
from the operating system and unmapped when freed, or the heap is trimmed back, so every
month touches new pages and pays a page fault per 4 KiB: on the project machine (a
virtual machine) that was a third of the simulation's time. :func:`keep_freed_memory`
raises glibc's thresholds once per process (``mallopt``), so freed blocks stay in the
heap for the next month. It changes no number, only where memory comes from; the
process keeps up to :data:`TRIM_THRESHOLD` of free heap instead of returning it. Where
the C library is not glibc it does nothing.
"""

from __future__ import annotations

import ctypes

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "keep_freed_memory"]

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# Blocks below this come from the heap (glibc's own ceiling for its dynamic threshold) ...
MMAP_THRESHOLD = 32 * 2**20
# ... and free heap above this much is returned to the operating system.
TRIM_THRESHOLD = 256 * 2**20

_applied: bool | None = None


def keep_freed_memory() -> bool:
    """Set the thresholds (once per process); True if the C library took them."""
    global _applied
    if _applied is None:
        _applied = _mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and \
            _mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    return _applied


def _mallopt(parameter: int, value: int) -> bool:
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process runs on
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(parameter, value) == 1)
