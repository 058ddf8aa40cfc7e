"""Writing results: atomic files and directories, table formats, manifests' provenance.

Files are written complete into a temporary name (:mod:`sim.results.temporary`), flushed
to disk, then renamed into place. Imports only the standard library at load time, so the
command line can check an output path cheaply.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import itertools
import json
import os
import shlex
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .temporary import sync_directory, sync_files, temporary_sibling

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario.schema import Scenario

__all__ = [
    "atomic_directory",
    "atomic_write_bytes",
    "command_line",
    "default_run_dir",
    "file_sha256",
    "git_commit",
    "is_taken",
    "package_versions",
    "scenario_toml",
    "utc_stamp",
    "write_csv",
    "write_json",
    "write_parquet",
]

_PACKAGES = ("recsim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "pydantic")


def utc_stamp(now: datetime | None = None) -> str:
    """A sortable UTC timestamp for directory names, e.g. ``20261127T110405Z``."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def default_run_dir(root: Path, scenario_name: str, seed: int, kind: str = "") -> Path:
    """``<root>/<scenario>/<UTC timestamp>-s<seed>``, or ``...-<kind>-s<seed>`` for a kind
    of study (``sweep``, ``calibrate``, ...), created empty now so that two commands started
    in the same second get different directories (the later one adds ``-2``, ``-3``, ...).

    The reservation (and the folders made for it) is removed when the process exits if
    nothing was written into it.
    """
    stem = root / scenario_name / f"{utc_stamp()}{f'-{kind}' if kind else ''}-s{seed}"
    made = [folder for folder in (stem.parent, root) if not folder.exists()]
    stem.parent.mkdir(parents=True, exist_ok=True)
    for number in itertools.count(1):
        target = stem if number == 1 else stem.with_name(f"{stem.name}-{number}")
        try:
            target.mkdir()
        except FileExistsError:
            continue
        atexit.register(_remove_if_empty, [target, *made])
        return target
    raise AssertionError("unreachable")


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove each folder in turn, stopping at the first that holds something."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, so a manifest pins the exact input: as the command
    read it when it started (sim/scenario/inputs.py), even if it changed or moved since."""
    from ..scenario.inputs import input_sha256

    return input_sha256(path)


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    import platform
    from importlib import metadata

    versions = [("python", platform.python_version())]
    for name in _PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append((name, metadata.version(name)))
    return tuple(versions)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a result depends on (looked up once a process)."""
    return dict(_versions())


@functools.cache
def git_commit() -> str | None:
    """The commit of the checkout this package runs from, if it is one (asked once)."""
    import subprocess

    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def scenario_toml(scenario: Scenario) -> str:
    """The resolved scenario as TOML that loads back to an equal scenario."""
    import tomli_w

    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    return tomli_w.dumps(data)


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An error writing ``path`` names it (a failed ``write()`` names no file), so the
    message of a full disk says which file it was."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A table as CSV with a fixed number format and line ending, so reruns match byte for byte."""
    with _naming(path):
        frame.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """A table as zstd-compressed Parquet (pyarrow), keeping nullable and categorical types."""
    with _naming(path):
        frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


def write_json(data: dict[str, Any], path: Path) -> None:
    """A dictionary as indented JSON with sorted keys."""
    with _naming(path):
        path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def is_taken(target: Path) -> bool:
    """True if ``target`` exists as a file or a non-empty directory: not ours to write."""
    return target.exists() and (not target.is_dir() or any(target.iterdir()))


@contextlib.contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``target``; rename it to ``target`` only on success.

    Raises ``FileExistsError`` before doing anything if ``target`` already has contents.
    """
    target = Path(target)
    if is_taken(target):
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    with temporary_sibling(target, directory=True) as temp:
        temp.chmod(0o755)
        yield temp
        sync_files(temp)
        if target.exists() and os.name != "posix":  # POSIX renames over an empty directory
            target.rmdir()
        os.replace(temp, target)  # atomically: the reserved name is never free for another
    sync_directory(target.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary sibling flushed to disk, so a reader never sees half
    a file, even after a power cut; the temporary goes whatever fails (writing, flushing,
    closing or renaming)."""
    path = Path(path)
    with _naming(path), temporary_sibling(path, directory=False) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    sync_directory(path.parent)


def command_line() -> str:
    """The command as typed, quoted for a shell; ``python -m sim`` shows as ``recsim``."""
    program = Path(sys.argv[0]).name
    if program in ("__main__.py", "-m", "-c", ""):
        program = "recsim"
    return shlex.join([program, *sys.argv[1:]])
