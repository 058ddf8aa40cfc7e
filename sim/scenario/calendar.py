"""Calendar months as the model counts them: ``YYYY-MM`` text, dates and month offsets."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["add_months", "months_between", "parse_month"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """Parse ``YYYY-MM`` into the first day of that month."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def add_months(start: date, months: int) -> date:
    """The first day of the month ``months`` after ``start``."""
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s (negative if earlier)."""
    return (end.year - start.year) * 12 + end.month - start.month
