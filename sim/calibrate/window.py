"""A calibration window: the scenario re-based on the months of an observed record.

Over a window START:END the model is run, as far as the likelihood is concerned, from the
levels recorded at the end of START through the months after it up to END. Shocks dated in
that span fire in their months, as they would in a run that started at START; those dated
by START join the history (what lingers of them acts from the start); hazard shocks, whose
timing is random, are left out: the record says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..scenario.calendar import months_between, parse_month
from ..scenario.loading import scenario_from_dict
from ..scenario.schema import Scenario
from ..scenario.shocks import shock_date

__all__ = ["Window", "WindowError", "parse_window", "window_scenario"]


class WindowError(ValueError):
    """A window that cannot be used with the scenario or the log."""


@dataclass(frozen=True)
class Window:
    """Months ``start`` (its end: the first levels) to ``end`` (the last move scored)."""

    start: date
    end: date

    @property
    def months(self) -> int:
        """Moves scored: one per month after ``start``, up to ``end``."""
        return months_between(self.start, self.end)

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}:{self.end:%Y-%m}"


def parse_window(text: str) -> Window:
    """``START:END`` as two months ``YYYY-MM``, END after START."""
    first, sep, last = text.partition(":")
    if not sep:
        raise WindowError(f"{text!r}: expected START:END, two months such as 2021-08:2025-07")
    try:
        window = Window(parse_month(first.strip()), parse_month(last.strip()))
    except ValueError as exc:
        raise WindowError(f"{text!r}: {exc}") from None
    if window.months < 1:
        raise WindowError(f"{text!r}: END must come after START")
    return window


def window_scenario(scenario: Scenario, window: Window) -> tuple[Scenario, list[str]]:
    """The scenario re-based on ``window``, and the names of the hazard shocks left out."""
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    history, shocks, dropped = [], [], []
    for table in ("history", "shocks"):
        for raw, shock in zip(data.get(table, []), getattr(scenario, table), strict=True):
            when = shock_date(shock, scenario.start_date)
            if when is None:
                dropped.append(shock.name)
                continue
            entry = raw | {"at": f"{when:%Y-%m}"}
            if when <= window.start:
                history.append(entry)
            elif when <= window.end:
                shocks.append(entry)
    data |= {"start": f"{window.start:%Y-%m}", "months": window.months,
             "history": history, "shocks": shocks}
    return scenario_from_dict(data, f"{scenario.name} over {window}"), dropped
