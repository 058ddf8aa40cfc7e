"""Designs of a study: parameter ranges as users type them, and the full factorial grid.

A design is a matrix of parameter values, one row per design point and one column per
parameter path (see :mod:`sim.params`). ``recsim sweep`` builds a grid here;
``recsim sensitivity`` has SALib sample one (sim/sensitivity.py) within the same ranges.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..scenario.params import ParameterError, check_path, is_integer_path, with_values
from ..scenario.schema import Scenario

__all__ = ["CHECKED_STEPS", "Range", "check_ranges", "grid_design", "parse_range",
           "round_whole_numbers"]


# A grid of at most this many values has each checked against the field's rules; a longer
# one (which the memory estimate may refuse next) only its ends, without being built: the
# rules of a single number are bounds, so its ends decide.
CHECKED_STEPS = 10_000


@dataclass(frozen=True)
class Range:
    """A parameter's range: ``path`` from ``low`` to ``high`` (``steps`` values on a grid)."""

    path: str
    low: float
    high: float
    steps: int | None = None

    def grid(self) -> np.ndarray:
        """``steps`` evenly spaced values from ``low`` to ``high`` (both ends without steps)."""
        return np.linspace(self.low, self.high, self.steps or 2)


def parse_range(text: str, *, with_steps: bool) -> Range:
    """Parse ``PATH=LO:HI:STEPS`` (grid) or ``PATH=LO:HI`` (sampling range)."""
    form = "PATH=LO:HI:STEPS" if with_steps else "PATH=LO:HI"
    path, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or not path or len(parts) != 2 + with_steps:
        raise ParameterError(f"{text!r}: expected {form}, e.g. "
                             + ("'weights.social=2:6:5'" if with_steps else "'weights.social=2:6'"))
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise ParameterError(f"{text!r}: LO and HI must be numbers") from None
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ParameterError(f"{text!r}: LO and HI must be finite")
    if low >= high:
        raise ParameterError(f"{text!r}: LO must be below HI")
    steps = None
    if with_steps:
        if not parts[2].strip().isdigit():
            raise ParameterError(f"{text!r}: STEPS must be a whole number of at least 2")
        steps = int(parts[2])
        if steps < 2:
            raise ParameterError(f"{text!r}: STEPS must be at least 2 (got {steps})")
    return Range(path.strip(), low, high, steps)


def check_ranges(scenario: Scenario, ranges: Sequence[Range], *, integral_grid: bool) -> None:
    """Every path names a number, appears once, and every value it will take is valid.

    For a grid each value is checked (a grid of more than :data:`CHECKED_STEPS` values, its
    ends and step); for sampling both ends are. Whole-number fields
    (levels, months) need whole grid values when ``integral_grid``. Values that are valid
    alone but not together are caught by :meth:`sim.sweep.StudyPlan.check_points`.
    """
    seen = set()
    for item in ranges:
        if item.path in seen:
            raise ParameterError(f"parameter {item.path!r} is given twice")
        seen.add(item.path)
        check_path(scenario, item.path)
        long_grid = item.steps is not None and item.steps > CHECKED_STEPS
        values = item.grid() if item.steps and not long_grid else np.array([item.low, item.high])
        if is_integer_path(scenario, item.path):
            if integral_grid and not _whole_grid(item, values):
                shown = ", ".join(f"{v:g}" for v in values[:12]) + ", ..." * (len(values) > 12)
                raise ParameterError(
                    f"parameter {item.path!r} takes whole numbers, but the grid gives {shown}; "
                    f"choose STEPS so that (HI - LO) / (STEPS - 1) is whole")
            values = np.rint(values)
        for value in values:
            with_values(scenario, {item.path: float(value)})


def _whole_grid(item: Range, values: np.ndarray) -> bool:
    """Every grid value is whole: checked one by one, or, for a grid too long to build, by
    its ends and its step."""
    if item.steps is None or item.steps <= CHECKED_STEPS:
        return all(float(v).is_integer() for v in values)
    return float(item.low).is_integer() and ((item.high - item.low) / (item.steps - 1)).is_integer()


def grid_design(ranges: Sequence[Range]) -> np.ndarray:
    """Full factorial design: every combination of the grid values, last parameter fastest."""
    axes = [r.grid() for r in ranges]
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(ranges))


def round_whole_numbers(scenario: Scenario, paths: Sequence[str], design: np.ndarray
                        ) -> np.ndarray:
    """A copy of a sampled design with whole-number parameters rounded to the nearest."""
    rounded = np.array(design, dtype=float)
    for column, path in enumerate(paths):
        if is_integer_path(scenario, path):
            rounded[:, column] = np.rint(rounded[:, column])
    return rounded
