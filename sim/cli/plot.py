"""``recsim plot``: redraw the figures and report of saved results, without rerunning."""

from __future__ import annotations

from pathlib import Path

import click

from .common import FORMATS, fail

__all__ = ["plot"]


@click.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="png", show_default=True,
              help="File format of the figures (report.html always embeds PNG).")
def plot(results_dir: Path, fmt: str) -> None:
    """Redraw every figure and report.html of RESULTS_DIR from its saved files.

    RESULTS_DIR is a directory written by 'recsim run' or 'recsim batch' (a batch redraws
    its comparison and every scenario in it). Nothing is simulated. If a file is missing or
    unreadable nothing is written. Prints the files written, one a line.

    \b
    Example:
      recsim plot results/baseline/20250701T120000Z-s1
      recsim plot results/batch/20250701T120000Z-s1 --format svg
    """
    from ..results.directory import ResultsDirError, is_batch_dir, read_batch_dir, read_run_dir
    from .drawing import Renderer, write_batch_outputs, write_run_outputs

    try:
        data = (read_batch_dir(results_dir) if is_batch_dir(results_dir)
                else read_run_dir(results_dir))
    except ResultsDirError as exc:
        fail(f"{exc}; nothing was written")
    with Renderer() as renderer:
        if is_batch_dir(results_dir):
            written = write_batch_outputs(data, fmt, renderer=renderer)
        else:
            written = write_run_outputs(data, fmt, renderer=renderer)
    for path in written:
        click.echo(str(results_dir / path.relative_to(results_dir)))
