"""The explorer's views: headline numbers, the table of differences, the figures, the status.

The numbers are the tables of :mod:`sim.explore.compute` as they come; only their
formatting is here. Exact values travel with each cell as ``data-`` attributes, so a
reader (and the browser test) can compare them with a results directory.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd
import solara
from solara.alias import rv

from ..results.selection import featured_note, featured_states, percent, percentage_points
from ..scenario.loading import scenario_hash
from ..scenario.schema import Scenario
from .compute import Numbers
from .update import Update

__all__ = ["DifferencesTable", "FigureView", "Headline", "Shown", "Status", "Views",
           "differences_html", "request_tag"]

FIGURE_TITLES = {"cascade": "Cascade: states recognising, month by month",
                 "states": "Chance of de jure recognition, against the unmodified scenario",
                 "map": "Map"}

_MOST_ROWS = 30


def _month(scenario: Scenario, month: object) -> str:
    if month is None or pd.isna(month):
        return f"not by {scenario.month_date(scenario.months):%b %Y}"
    return f"{scenario.month_date(int(month)):%b %Y}"  # type: ignore[call-overload]


def differences_html(numbers: Numbers) -> str:
    """The paired differences per state as an HTML table (Central Asia first)."""
    scenario = numbers.request.scenario
    table = numbers.differences.assign(state=numbers.differences["state"].astype(str))
    summary = numbers.edited.summary
    states = featured_states(summary, scenario, most=_MOST_ROWS)
    names = dict(zip(summary["state"].astype(str), summary["name"].astype(str), strict=True))
    reference = numbers.reference.summary.assign(
        state=numbers.reference.summary["state"].astype(str)).set_index("state")["p_de_jure"]
    rows = table.set_index("state")
    body = []
    for state in states:
        row = rows.loc[state]
        p, before = float(row["p_de_jure"]), float(reference.get(state, math.nan))
        diff, low, high = (float(row[c]) for c in
                           ("diff_p_de_jure", "diff_p_de_jure_low95", "diff_p_de_jure_high95"))
        resolved = low > 0 or high < 0
        kind = "recsim-up" if resolved and diff > 0 else "recsim-down" if resolved else ""
        name = names.get(state, state)
        label = state if name == state else f"{html.escape(name)} <span>{state}</span>"
        body.append(
            f'<tr data-state="{html.escape(state)}" data-p="{p!r}" data-reference="{before!r}" '
            f'data-diff="{diff!r}" data-low="{low!r}" data-high="{high!r}">'
            f'<td class="recsim-name">{label}</td><td>{percent(p)}</td>'
            f'<td class="recsim-muted">{percent(before)}</td>'
            f'<td class="{kind}">{percentage_points(diff)}</td>'
            f'<td class="recsim-muted">{percentage_points(low)} to {percentage_points(high)}</td>'
            f'<td>{html.escape(_month(scenario, row["median_month_de_jure"]))}</td></tr>')
    note = featured_note(states, len(summary), scenario)
    caption = ("Chance of de jure recognition by the horizon; change in percentage points "
               "with its 95% paired interval (Newcombe), coloured where it excludes zero"
               + (f". {note}" if note else ""))
    return (f'<table class="recsim-differences"><caption>{html.escape(caption)}</caption>'
            "<thead><tr><th>State</th><th>Edited</th><th>Unmodified</th><th>Change</th>"
            "<th>95% interval</th><th>Median de jure</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


@solara.component
def DifferencesTable(numbers: Numbers) -> None:
    """The table of paired differences from the unmodified scenario."""
    solara.HTML(tag="div", unsafe_innerHTML=differences_html(numbers),
                classes=["recsim-table-wrap"])


def _count(value: float) -> str:
    return f"{value:.1f}"


@solara.component
def Headline(numbers: Numbers) -> None:
    """How many states stand at de jure and at de facto or higher by the horizon."""
    scenario = numbers.request.scenario
    last, before = numbers.edited.curve.iloc[-1], numbers.reference.curve.iloc[-1]
    horizon = f"{scenario.month_date(scenario.months):%b %Y}"
    total = len(numbers.edited.summary)
    table = numbers.differences
    moved = int(((table["diff_p_de_jure_low95"] > 0) | (table["diff_p_de_jure_high95"] < 0)
                 ).sum())
    cards = [
        ("de_jure", f"De jure by {horizon}", last["de_jure_mean"], before["de_jure_mean"],
         f"5–95%: {last['de_jure_q05']:.0f}–{last['de_jure_q95']:.0f} of {total}"),
        ("de_facto", f"De facto or de jure by {horizon}", last["de_facto_mean"],
         before["de_facto_mean"],
         f"5–95%: {last['de_facto_q05']:.0f}–{last['de_facto_q95']:.0f} of {total}"),
    ]
    with rv.Html(tag="div", class_="recsim-headline"):
        for key, title, mean, reference, band in cards:
            with rv.Html(tag="div", class_="recsim-stat",
                         attributes={"data-stat": key, "data-value": repr(float(mean))}):
                rv.Html(tag="div", class_="recsim-stat-title", children=[title])
                rv.Html(tag="div", class_="recsim-stat-value",
                        children=[f"{_count(mean)} states"])
                rv.Html(tag="div", class_="recsim-stat-note",
                        children=[f"unmodified {_count(reference)} · {band}"])
        with rv.Html(tag="div", class_="recsim-stat", attributes={"data-stat": "changed"}):
            rv.Html(tag="div", class_="recsim-stat-title", children=["States whose chance moved"])
            rv.Html(tag="div", class_="recsim-stat-value", children=[f"{moved} of {total}"])
            rv.Html(tag="div", class_="recsim-stat-note",
                    children=["95% paired interval of the change excludes zero"])


@solara.component
def FigureView(name: str, image: bytes | None, alt: str) -> None:
    """One figure, or a placeholder until it is first drawn."""
    with rv.Html(tag="div", class_="recsim-figure", attributes={"data-figure": name}):
        if image is None:
            rv.Html(tag="div", class_="recsim-placeholder", children=[f"Drawing the {alt}…"])
        else:
            solara.Image(image, width="100%")


@dataclass(frozen=True, eq=False)
class Shown:
    """What is on screen: the latest numbers and, per figure, its latest drawing.

    Never changed in place: components are drawn again only when their arguments change.
    """

    update: Update | None = None
    images: dict[str, bytes] = field(default_factory=dict)

    def merged(self, update: Update | None) -> Shown:
        """What to show once ``update`` has come in: its figures, and older ones it lacks."""
        if update is None or update is self.update:
            return self
        kept = {name: image for name, image in self.images.items() if name in update.expected}
        return Shown(update, kept | update.images)


def request_tag(scenario: Scenario, runs: int, seed: int) -> str:
    """A short tag naming what a computation is of (the page shows which one is on screen)."""
    return f"{scenario_hash(scenario)[:16]}-r{runs}-s{seed}"


@solara.component
def Status(update: Update | None, busy: bool, blocked: bool, wanted: str) -> None:
    """How fresh the views are; ``data-busy`` is false once every view shows ``wanted``."""
    if blocked:
        text, kind = "Showing the last valid result: see the problem in the controls", ""
    elif busy or update is None:
        text, kind = "Updating…", " recsim-busy"
    else:
        request = update.numbers.request
        seconds = max(update.seconds.values())
        text, kind = (f"{request.runs:,} runs · seed {request.seed} · updated in "
                      f"{seconds:.2f} s"), ""
    shown = "" if update is None else request_tag(update.numbers.request.scenario,
                                                  update.numbers.request.runs,
                                                  update.numbers.request.seed)
    rv.Html(tag="div", class_="recsim-status" + kind, children=[text],
            attributes={"data-busy": "true" if busy or shown != wanted else "false",
                        "data-shown": shown, "data-wanted": wanted})


@solara.component
def Views(shown: Shown, scenario: Scenario | None, edited: bool, busy: bool,
          blocked: bool, wanted: str) -> None:
    """The header, the headline numbers, the figures and the table of differences."""
    update = shown.update
    with rv.Html(tag="div", class_="recsim-header"):
        rv.Html(tag="div", class_="recsim-title",
                children=[scenario.name if scenario is not None else "No scenario"])
        if edited:
            rv.Html(tag="span", class_="recsim-badge", children=["edited"])
        Status(update, busy, blocked, wanted)
    if scenario is not None:
        rv.Html(tag="div", class_="recsim-lede",
                children=[" ".join(scenario.description.split()) or "(no description)"])
    if update is None:
        solara.ProgressLinear(True)
        return
    freshness = "recsim-stale" if busy else "recsim-fresh"
    with rv.Html(tag="div", class_=freshness):
        Headline(update.numbers)
        with rv.Html(tag="div", class_="recsim-grid"):
            for name in ("cascade", "states"):
                with rv.Html(tag="div", class_="recsim-panel"):
                    FigureView(name, shown.images.get(name), FIGURE_TITLES[name].lower())
        with rv.Html(tag="div", class_="recsim-panel recsim-wide"):
            rv.Html(tag="div", class_="recsim-panel-title",
                    children=["Differences from the unmodified scenario, state by state"])
            DifferencesTable(update.numbers)
        if "map" in update.expected:
            with rv.Html(tag="div", class_="recsim-panel recsim-wide"):
                FigureView("map", shown.images.get("map"), "map")
