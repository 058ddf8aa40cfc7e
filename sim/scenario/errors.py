"""The one error type validators raise when a problem belongs to a known key path."""

from __future__ import annotations

__all__ = ["KeyPathError"]


class KeyPathError(ValueError):
    """A cross-field problem that knows its key path, relative to the table it was raised in.

    Pydantic reports the table's own location; :mod:`sim.loading` appends ``path`` to it, so
    the user reads e.g. ``ties.3.to`` rather than just ``ties``.
    """

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
