"""SIGTERM handled as Ctrl-C is: the same clean-up, then one line and exit status 143.

``kill PID`` (or a scheduler's, a container's or ``timeout``'s stop) would otherwise end
the process at once, leaving its temporary results directory and its worker processes
behind. Raised as a :class:`KeyboardInterrupt`, a SIGTERM runs every ``finally`` and
``except KeyboardInterrupt`` a Ctrl-C runs (a study saying how to ``--resume``, say).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["TERMINATED_STATUS", "Terminated", "stop_on_sigterm"]

TERMINATED_STATUS = 128 + signal.SIGTERM  # what a shell reports for a process SIGTERM ended


class Terminated(KeyboardInterrupt):
    """A SIGTERM, raised where a Ctrl-C would be."""


def _raise_terminated(number: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # clean up once, undisturbed by a second
    raise Terminated


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` and a file-size limit
    (``ulimit -f``) is an error (EFBIG) rather than a silent kill (SIGXFSZ).

    Only in the main thread, and only where SIGTERM has its default action (a command that
    handles it itself, such as the explorer's server, keeps its own handling).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _raise_terminated)
    if hasattr(signal, "SIGXFSZ") and signal.getsignal(signal.SIGXFSZ) == signal.SIG_DFL:
        previous[signal.SIGXFSZ] = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
