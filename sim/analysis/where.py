"""The condition that marks the cases of interest: a comparison such as ``>= 3``, parsed
without ``eval``."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Condition", "ConditionError", "parse_condition"]

_OPERATORS: dict[str, Callable[[object, object], object]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
    ">": operator.gt, "<": operator.lt,
}
_PATTERN = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_WORDS = {">=": "at least", "<=": "at most", "==": "exactly", "!=": "other than",
          ">": "above", "<": "below"}


class ConditionError(ValueError):
    """A condition that cannot be read; the message says what is expected."""


@dataclass(frozen=True)
class Condition:
    """``outcome OP value``: which runs (or design points) are cases of interest."""

    op: str
    value: float

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """True where ``values`` meet the condition (NaN never does)."""
        values = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            met = np.asarray(_OPERATORS[self.op](values, self.value), dtype=bool)
        return met & ~np.isnan(values)

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"

    def words(self) -> str:
        """'at least 3', for sentences."""
        return f"{_WORDS[self.op]} {self.value:g}"


def parse_condition(text: str) -> Condition:
    """``'>= 3'``, ``'> 0.5'``, ``'== 4'``: an operator (>=, <=, ==, !=, >, <) and a number."""
    match = _PATTERN.match(text)
    if match is None:
        raise ConditionError(f"{text!r} is not a comparison: write an operator (>=, <=, ==, "
                             "!=, >, <) and a number, e.g. '>= 3'")
    value = float(match.group(2))
    if not math.isfinite(value):
        raise ConditionError(f"{text!r}: the number must be finite")
    return Condition(match.group(1), value)
