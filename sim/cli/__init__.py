"""The ``recsim`` command line: a thin layer over the library, and the only code that writes.

One module per command or group of commands; ``common`` holds what they share and
``render`` draws and writes figures and reports. Commands import the library when they
run, not when the command line starts, so ``recsim --help`` answers at once. The top
layer: it may import every other.
"""

from __future__ import annotations

import functools
import gc
import sys
import warnings
from collections.abc import Callable
from typing import Any

import click

from .. import __version__
from ..results.temporary import LeftoverWarning
from .backtest import backtest
from .batch import batch
from .calibrate import calibrate
from .discover import discover
from .explore import explore
from .explore_space import explore_space
from .forecast import forecast
from .levels import levels
from .params import outcomes, params
from .plot import plot
from .run import run
from .scenarios import list_scenarios, show, validate
from .sensitivity import sensitivity
from .signals import TERMINATED_STATUS, Terminated, stop_on_sigterm
from .sweep import sweep

__all__ = ["cli", "main"]


class _Stopped(BaseException):
    """A SIGTERM once the command has cleaned up: past click, which would print a blank
    line for it as for a Ctrl-C at a terminal."""


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Terminated:
            raise _Stopped from None


@click.group(cls=_Group,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="recsim")
def cli() -> None:
    """Simulate how recognition of the Taliban government spreads, state by state.

    \b
    Example:
      recsim run scenarios/baseline.toml --runs 2000 --seed 1
      recsim sweep scenarios/baseline.toml --grid weights.social=2:6:9
      recsim batch scenarios/*.toml --runs 2000 --seed 1
      recsim list
      recsim explore scenarios/china_first.toml
    """
    from ..scenario.inputs import forget_inputs

    forget_inputs()  # this command's manifest hashes the files as this command reads them


cli.add_command(run)
cli.add_command(validate)
cli.add_command(list_scenarios)
cli.add_command(show)
cli.add_command(params)
cli.add_command(outcomes)
cli.add_command(sweep)
cli.add_command(sensitivity)
cli.add_command(batch)
cli.add_command(plot)
cli.add_command(levels)
cli.add_command(calibrate)
cli.add_command(discover)
cli.add_command(explore_space)
cli.add_command(explore)
cli.add_command(backtest)
cli.add_command(forecast)


# click >= 8.2 raises this for a bare `recsim`; its message is the whole help text.
_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main(argv: list[str] | None = None) -> None:
    """Entry point: click's errors become one line on stderr with exit status 2.

    So do operating-system errors (a full disk, a file that cannot be read or written),
    which are about the user's environment rather than bugs; anything else keeps its
    traceback. SIGTERM is handled as Ctrl-C is (clean up, one line), with exit status 143.
    Run as the ``recsim`` command (no ``argv``), the process ends right after:
    every object is then frozen out of the garbage collector, whose final pass over pandas,
    SciPy and Mesa would otherwise add most of a second to every command's exit.
    """
    try:
        with stop_on_sigterm(), warnings.catch_warnings():
            warnings.showwarning = functools.partial(_show_warning, warnings.showwarning)
            _main(argv)
    finally:
        if argv is None:
            gc.freeze()


def _show_warning(fallback: Callable[..., None], message: Warning | str,
                  category: type[Warning], *args: Any, **kwargs: Any) -> None:
    """A temporary left by a stopped command, as one line; other warnings by ``fallback``."""
    if issubclass(category, LeftoverWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        fallback(message, category, *args, **kwargs)


def _main(argv: list[str] | None) -> None:
    try:
        code = cli.main(args=argv, prog_name="recsim", standalone_mode=False)
    except (_Stopped, Terminated):
        click.echo("error: terminated", err=True)
        sys.exit(TERMINATED_STATUS)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, Terminated):  # a SIGTERM outside a command's body
            click.echo("error: terminated", err=True)
            sys.exit(TERMINATED_STATUS)
        click.echo("error: aborted", err=True)
        sys.exit(130)
    except _NO_ARGS as exc:
        click.echo(exc.format_message())
        sys.exit(0)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
