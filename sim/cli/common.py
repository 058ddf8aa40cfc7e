"""Pieces every command shares: one-line errors, scenario loading, options, progress bars.

Light on purpose: importing this module (and so ``recsim --help``) loads click and the
standard library only; the library behind each command is imported when it runs.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..results.files import atomic_directory, is_taken

if TYPE_CHECKING:
    from ..engine.executors import Executor
    from ..scenario.schema import Scenario

__all__ = [
    "FORMATS",
    "RecsimError",
    "cannot_write",
    "check_out_dir",
    "fail",
    "fail_if_link",
    "fail_if_taken",
    "load_or_fail",
    "open_executor",
    "point_estimates",
    "progress_bar",
    "remedy",
    "results_directory",
    "seed_option",
    "step_progress",
    "uncertainty_option",
]

FORMATS = ("png", "svg", "pdf")  # figure file formats 'recsim plot' writes


class RecsimError(click.ClickException):
    """A problem with the user's input: one line on stderr, exit status 2."""

    exit_code = 2


def fail(message: str) -> NoReturn:
    """Stop the command with ``error: message`` on stderr and exit status 2."""
    raise RecsimError(message)


def load_or_fail(path: str | Path, months: int | None = None) -> Scenario:
    """Load a scenario or stop with its first problem; ``months`` overrides the horizon."""
    from ..scenario.loading import ScenarioError, load_scenario, scenario_from_dict

    if not Path(path).exists():
        fail(f"{path}: file not found; 'recsim list' shows the scenario library")
    try:
        scenario = load_scenario(path)
        if months is not None:
            data = scenario.model_dump(by_alias=True) | {"months": months}
            scenario = scenario_from_dict(data, f"{path} (with --months {months})")
    except ScenarioError as exc:
        first = exc.lines()[0]
        more = len(exc.problems) - 1
        plural = "s" * (more > 1)
        suffix = f" (and {more} more problem{plural}; run 'recsim validate')" if more else ""
        fail(first + suffix)
    return scenario


def uncertainty_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--no-uncertainty``: every replicate at the posterior means, no draws."""
    return click.option(
        "--no-uncertainty", "point", is_flag=True,
        help="Give every replicate the posterior means ([uncertainty] means) instead of its "
             "own draw of the parameters.",
    )(func)


def point_estimates(scenario: Scenario, point: bool, source: str | Path = "") -> Scenario:
    """The scenario as run: at its posterior means with ``--no-uncertainty``, else with its
    draws read and checked now, so a bad number stops the command before it simulates."""
    from ..engine.uncertainty import without_uncertainty
    from ..scenario.draws import DrawsError, read_draws

    try:
        if point:
            return without_uncertainty(scenario)
        if scenario.uncertainty.draws is not None:
            read_draws(scenario.uncertainty.draws)
    except DrawsError as exc:
        where = f"{source}: " if source else ""
        fail(f"{where}uncertainty.draws: {exc}")
    return scenario


def seed_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--seed`` option every simulating command shares."""
    return click.option(
        "--seed", type=click.IntRange(min=0), default=1, show_default=True,
        help="Master seed; every replicate's random stream derives from it.",
    )(func)


@contextmanager
def progress_bar(total: int, *, quiet: bool, unit: str = "run",
                 desc: str | None = None, initial: int = 0) -> Iterator[Callable[[int], None]]:
    """A tqdm bar on stderr, shown only on a terminal and without ``--quiet``.

    ``initial`` counts work already done (a resumed study), so the ETA covers the rest.
    """
    from tqdm import tqdm

    disable = quiet or not sys.stderr.isatty()
    with tqdm(total=total, unit=unit, unit_scale=True, desc=desc, file=sys.stderr,
              disable=disable, dynamic_ncols=True, initial=initial) as bar:
        yield bar.update


@contextmanager
def step_progress(limit: int, *, quiet: bool,
                  desc: str = "sampling") -> Iterator[Callable[[int, int], None]]:
    """A bar for a sampler that reports ``(steps done, step limit)`` (sim/calibrate/fit.py)."""
    with progress_bar(limit, quiet=quiet, unit="step", desc=desc) as advance:
        done = [0]

        def progress(steps: int, _limit: int) -> None:
            advance(steps - done[0])
            done[0] = steps

        yield progress


@contextmanager
def open_executor(workers: int, dask: str | None) -> Iterator[Executor]:
    """Worker processes (serial for one), or a Dask cluster at ``dask`` ('local' for one on
    this machine); a cluster that cannot be reached stops the command in one line."""
    from ..engine.dask_cluster import DaskExecutor
    from ..engine.executors import make_executor

    if dask is None:
        yield make_executor(workers)
        return
    try:
        executor = DaskExecutor(dask, workers=workers)
    except (ImportError, ConnectionError) as exc:
        fail(f"--dask: {exc}")
    with executor:
        yield executor


def fail_if_taken(target: Path) -> None:
    """Stop if ``target`` exists as a file or a non-empty directory."""
    if is_taken(target):
        fail(f"{target}: results directory already exists and is not empty; "
             "choose another --out")


# errors that say the disk takes nothing more, whichever file is written next
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}
_WHAT_TO_DO = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space",
               errno.EFBIG: "raise the file size limit ('ulimit -f')"}


def remedy(exc: OSError, otherwise: str = "fix that") -> str:
    """What to do about a failed write: free space, raise the size limit, or ``otherwise``."""
    return _WHAT_TO_DO.get(exc.errno, otherwise)  # type: ignore[arg-type]


def cannot_write(exc: BaseException, directory: Path) -> bool:
    """True if ``exc`` says nothing more can be written into ``directory`` (a full disk,
    say): a command writing many results should stop rather than compute more."""
    if not isinstance(exc, OSError):
        return False
    if exc.errno in _NO_ROOM:
        return True
    return bool(exc.filename) and Path(os.fsdecode(exc.filename)).is_relative_to(directory)


@contextmanager
def results_directory(target: Path) -> Iterator[Path]:
    """The temporary directory that becomes ``target`` when the block ends
    (:func:`sim.results.files.atomic_directory`); a failure to write is one line naming the
    file, and nothing is left behind."""
    temp = None
    try:
        with atomic_directory(target) as temp:
            yield temp
    except OSError as exc:
        fail_if_taken(target)
        where = target
        if exc.filename:  # a file of the temporary directory, by the name it would have had
            where = Path(os.fsdecode(exc.filename))
            if temp is not None and where.is_relative_to(temp):
                where = target / where.relative_to(temp)
        hint = remedy(exc, "choose another --out or fix the problem")
        fail(f"{where}: cannot write results ({exc.strerror or exc}); nothing was written "
             f"and there is nothing to --resume: {hint}, then run the command again")


def fail_if_link(target: Path) -> None:
    """Stop if ``target`` is a symbolic link or a mount point: results go to a directory of
    their own, made (or renamed into place) at that very path."""
    if target.is_symlink():
        fail(f"{target}: is a symbolic link (to {os.readlink(target)}); results are written "
             "to a new directory: give its real path as --out")
    if target.is_dir() and os.path.ismount(target):
        fail(f"{target}: is a mount point, which cannot be replaced by the results "
             "directory; choose a new directory inside it as --out")


def check_out_dir(target: Path) -> None:
    """Stop before any simulating if ``target`` cannot become a new results directory.

    It must not exist or be an empty directory, and its nearest existing ancestor must be
    a directory this process can write in (probed with a temporary directory, because
    ``os.access`` says yes to root even on read-only file systems). A symbolic link or a
    mount point cannot be replaced by the finished directory, so they are refused too.
    """
    fail_if_link(target)
    fail_if_taken(target)
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        fail(f"{target}: {ancestor} is a file, not a directory; choose another --out")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".recsim-probe.", dir=ancestor))
    except OSError as exc:
        fail(f"{target}: cannot write in {ancestor} ({exc.strerror or exc}); "
             "choose another --out")
