"""What ``recsim sweep`` and ``recsim sensitivity`` share: options, checks, resumable runs."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..results.files import default_run_dir, is_taken
from ..study.names import DEFAULT_OUTCOMES
from .common import (
    check_out_dir,
    fail,
    fail_if_link,
    open_executor,
    progress_bar,
    remedy,
    seed_option,
)
from .limits import count_range

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from ..scenario.schema import Scenario
    from ..study.design import Range
    from ..study.measures import Outcome, Tally
    from ..study.sweep import StudyPlan

__all__ = ["Study", "choose_outcomes", "outcome_file_name", "parse_ranges",
           "study_options"]


def study_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options common to every study command (applied bottom-up, shown top-down)."""
    options = [
        click.option("--runs", type=count_range(1), default=200, show_default=True,
                     help="Monte Carlo replicates per design point."),
        seed_option,
        click.option("--outcome", "outcomes", multiple=True, metavar="NAME",
                     help="Outcome to plot/analyse (repeatable; 'all' for every one; see "
                          "'recsim outcomes') [default: " + ", ".join(DEFAULT_OUTCOMES) + "]."),
        click.option("--workers", type=count_range(1), default=1, show_default=True,
                     help="Worker processes (or local Dask workers); results do not depend "
                          "on this."),
        click.option("--dask", metavar="ADDRESS",
                     help="Run chunks on a Dask cluster: a scheduler address such as "
                          "tcp://10.0.0.5:8786, or 'local' for a cluster on 127.0.0.1. "
                          "Needs the dask extra."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="New results directory [default: results/<scenario>/<UTC time>-"
                          "<kind>-s<seed>]."),
        click.option("--resume", type=click.Path(file_okay=False, path_type=Path),
                     default=None, metavar="DIR",
                     help="Continue the interrupted study in DIR (same scenario and "
                          "arguments); finished chunks are not recomputed."),
        click.option("--chunk-runs", type=count_range(1), default=None, hidden=True),
        click.option("--no-uncertainty", "point", is_flag=True,
                     help="Give every replicate the posterior means instead of its own draw "
                          "of the parameters not in the design."),
        click.option("--quiet", is_flag=True, help="No progress bar or summary."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def parse_ranges(texts: Sequence[str], scenario: Scenario, *, with_steps: bool,
                 option: str) -> list[Range]:
    """Parse and check ``PATH=LO:HI[:STEPS]`` options, or stop with a one-line error."""
    from ..scenario.loading import ScenarioError
    from ..scenario.params import ParameterError
    from ..study.design import check_ranges, parse_range

    if not texts:
        example = "weights.social=2:6:5" if with_steps else "weights.social=2:6"
        fail(f"give at least one {option} PATH=... (e.g. {option} {example}); "
             "'recsim params SCENARIO' lists the paths")
    try:
        ranges = [parse_range(text, with_steps=with_steps) for text in texts]
        check_ranges(scenario, ranges, integral_grid=with_steps)
    except ParameterError as exc:
        fail(f"{option}: {exc}")
    except ScenarioError as exc:
        fail(f"{option}: {exc.lines()[0]}")
    return ranges


def choose_outcomes(scenario: Scenario, names: Sequence[str]) -> tuple[Outcome, ...]:
    """The outcomes the user named, or the defaults this scenario defines."""
    from ..study.measures import OutcomeError, select_outcomes

    try:
        if names:
            return select_outcomes(scenario, names)
        available = {o.name for o in select_outcomes(scenario, ["all"])}
        return select_outcomes(scenario, [n for n in DEFAULT_OUTCOMES if n in available])
    except OutcomeError as exc:
        fail(f"--outcome: {exc}")


def outcome_file_name(prefix: str, outcome: Outcome) -> str:
    """``sweep_months_to_ca-3.png`` for outcome ``months_to_ca:3``."""
    return f"{prefix}_{outcome.name.replace(':', '-')}.png"


class Study:
    """One study command's run: directory, checkpoints, executor, progress, publishing."""

    def __init__(self, plan: StudyPlan, source: Path, *, out: Path | None,
                 resume: Path | None, quiet: bool) -> None:
        from ..scenario.loading import ScenarioError
        from ..study.checkpoints import CheckpointStore, StudyMismatch

        if out is not None and resume is not None:
            fail("give either --out (a new study) or --resume (an interrupted one), not both")
        try:
            plan.check_points()
        except ScenarioError as exc:
            fail(f"a design point is not a valid scenario: {exc.lines()[0]}")
        self.plan = plan
        self.source = source
        self.quiet = quiet
        self.started = time.perf_counter()
        self.directory = resume or out or default_run_dir(
            Path("results"), plan.scenario.name, plan.seed, plan.kind)
        self.store = CheckpointStore(self.directory, plan)
        self.resuming = resume is not None
        if self.resuming:
            if not self.directory.is_dir():
                fail(f"--resume {self.directory}: no such directory")
            try:
                self.store.check()
            except StudyMismatch as exc:
                fail(f"--resume {exc}")
            self.store.tidy()
            damaged: list[tuple[Path, str]] = []
            self.done = self.store.load(report=lambda path, why: damaged.append((path, why)))
            _warn_damaged(damaged)
        else:
            fail_if_link(self.directory)
            if self.store.never_started():
                pass  # only what a study that never started left: it starts here afresh
            elif self.store.plan_file.exists():
                fail(f"{self.directory}: already holds a study; continue it with "
                     f"--resume {self.directory}, or choose another --out")
            elif is_taken(self.directory):
                fail(f"{self.directory}: already exists and is not empty (and is not a "
                     "study); choose another --out")
            else:
                check_out_dir(self.directory)
            self.done = {}
        self.resumed_chunks = len(self.done)

    def run(self, *, workers: int, dask: str | None) -> Tally:
        """Simulate what is missing (checkpointing each chunk) and return the tally."""
        from ..study.sweep import run_study

        plan = self.plan
        with open_executor(workers, dask) as executor:
            if not self.resuming:
                self._create()
            total = plan.points * plan.runs
            done_runs = sum(plan.chunk_runs_of(i) for i in self.done)
            chunks = len(plan.chunk_cells)
            if not self.quiet:
                verb = "resuming" if self.resuming else "writing"
                click.echo(f"{verb} {self.directory}: {plan.points:,} design points × "
                           f"{plan.runs:,} runs in {chunks:,} chunks"
                           + (f", {len(self.done):,} already done" if self.done else ""),
                           err=True)
            try:
                with progress_bar(total, quiet=self.quiet, desc=plan.kind,
                                  initial=done_runs) as advance:
                    tally = run_study(plan, executor=executor, done=self.done,
                                      on_chunk=self._save, progress=advance)
            except KeyboardInterrupt:
                saved = len(self.store.load())
                click.echo(f"interrupted: {saved:,} of {chunks:,} chunks are saved in "
                           f"{self.directory}; rerun the same command with --resume "
                           f"{self.directory} to finish", err=True)
                raise
        return tally

    def _create(self) -> None:
        """Start the study directory, or stop saying that nothing was kept."""
        try:
            self.store.create()
        except OSError as exc:
            _cannot_write(exc, self.store.plan_file, lambda remedy: (
                f"the study did not start (nothing to --resume): {remedy} or choose another "
                "--out, then run the same command again"))

    def _save(self, index: int, tally: Tally) -> None:
        """Checkpoint one chunk, or stop saying how many are saved and how to go on."""
        try:
            self.store.save(index, tally)
        except OSError as exc:
            saved = len(self.store.load())
            _cannot_write(exc, self.store.chunk_file(index), lambda remedy: (
                f"{saved:,} of {len(self.plan.chunk_cells):,} chunks are saved in "
                f"{self.directory}: {remedy}, then continue with --resume {self.directory}"))

    def publish(self, tables: dict[str, pd.DataFrame], figures: dict[str, Figure],
                extra: dict[str, Any]) -> None:
        """Write tables, figures, the resolved scenario and the manifest (last)."""
        from ..results.files import scenario_toml, write_csv, write_json
        from ..study.checkpoints import publish
        from .saving import manifest

        plan = self.plan
        writers: dict[str, Callable[[Path], None]] = {
            "scenario.toml": lambda path: path.write_text(scenario_toml(plan.scenario)),
        }
        for name, frame in tables.items():
            writers[name] = lambda path, frame=frame: write_csv(frame, path)
        for name, figure in figures.items():
            writers[name] = lambda path, figure=figure: figure.savefig(path, dpi=150)
        info = manifest(plan.scenario, self.source, seed=plan.seed, runs=plan.runs,
                        wall_time=time.perf_counter() - self.started)
        info |= {"kind": plan.kind, "design_points": plan.points,
                 "total_runs": plan.points * plan.runs, "chunks": len(plan.chunk_cells),
                 "chunks_resumed": self.resumed_chunks, "study": plan.describe()} | extra
        writers["manifest.json"] = lambda path: write_json(info, path)
        try:
            publish(self.directory, writers)
        except OSError as exc:
            _cannot_write(exc, self.directory, lambda remedy: (
                "the results are incomplete (no manifest.json) but every chunk is saved in "
                f"{self.directory}: {remedy}, then write them with --resume {self.directory}"))


def _cannot_write(exc: OSError, path: Path, then: Callable[[str], str]) -> NoReturn:
    """Stop naming the file that could not be written and why, then what is kept and how
    to go on: ``then(remedy)``, the remedy being "free some space" for a full disk."""
    fail(f"cannot write {exc.filename or path}: {exc.strerror or exc}; {then(remedy(exc))}")


def _warn_damaged(damaged: list[tuple[Path, str]], shown: int = 10) -> None:
    """One line per damaged chunk file found on resume (the first ``shown``), then a count."""
    for path, problem in damaged[:shown]:
        click.echo(f"warning: {path}: {problem}", err=True)
    if len(damaged) > shown:
        click.echo(f"warning: {len(damaged) - shown:,} more damaged chunk files in "
                   f"{damaged[0][0].parent}; recomputing them too", err=True)
