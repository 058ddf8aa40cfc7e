"""A self-contained HTML report: figures embedded as data URIs, inline CSS, no scripts or fonts.

The report opens from the file system with no network access and carries what a reader needs
to reproduce it: the resolved scenario, the seed, the versions and the input hashes.
Functions here build strings; the CLI writes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from ..scenario.calendar import add_months
from ..scenario.ladder import LEVEL_NAMES
from .directory import BatchData, RunData
from .html import escape, manifest_rows
from .html import figure as _figure_of
from .html import page as html_page
from .html import table as html_table
from .selection import (
    comparison_states,
    featured_states,
    percent,
    percentage_points,
    shock_names,
)

__all__ = ["FIGURE_CAPTIONS", "batch_report", "run_report"]

FIGURE_CAPTIONS = {
    "cascade": "How many states recognise the Taliban government de facto and de jure, "
               "month by month (mean over runs, with the range of the middle 90% of runs).",
    "timing": "When each state first recognises de jure, and how often it never does.",
    "order": "How often one state recognises de jure before another.",
    "map": "Each state's country coloured by its chance of de jure recognition by the "
           "horizon (grey: not in the scenario; hatched: Afghanistan), with ties as lines "
           "between capitals.",
    "shocks": "When each shock fired, and the shocks' own effect: each run minus the same "
              "run without the shocks (same seed, common random numbers), in de jure "
              "recognisers month by month (mean with its 90% interval) and in each state's "
              "chance of de jure recognition by the horizon (90% paired Newcombe intervals).",
    "comparison": "Chance of de jure recognition by the horizon, scenario by scenario.",
    "curves": "De jure adoption curves of all scenarios on one axis.",
}



def html_figure(name: str, png: bytes, caption: str | None = None) -> str:
    """A figure of a run or batch, with its caption from FIGURE_CAPTIONS by default."""
    return _figure_of(name, png, caption or FIGURE_CAPTIONS.get(name, ""))


def _pct(value: Any) -> str:
    return "–" if pd.isna(value) else percent(float(value))


def _chance(rec: Mapping[str, Any]) -> str:
    """'20.1% (0.5–59.0%)': P(de jure) with its interval when the summary has one."""
    if pd.isna(rec.get("p_de_jure_low90", float("nan"))):
        return _pct(rec["p_de_jure"])
    return (f"{_pct(rec['p_de_jure'])} ({_pct(rec['p_de_jure_low90'])}"
            f"–{_pct(rec['p_de_jure_high90'])})")


def _month(start: date, month: Any) -> str:
    if pd.isna(month):
        return "–"
    return f"{add_months(start, int(month)):%b %Y}"


_TABLE_ROWS = 40  # larger rosters list their featured states; the CSV files have them all


def _summary_rows(data: RunData) -> list[dict[str, Any]]:
    start = data.scenario.start_date
    summary = data.summary
    if len(summary) > _TABLE_ROWS:
        shown = featured_states(summary, data.scenario, most=_TABLE_ROWS)
        summary = summary.set_index(summary["state"].astype(str)).loc[shown]
    rows = []
    for rec in summary.to_dict("records"):
        row = {
            "State": f"{rec['name']} ({rec['state']})",
            "Start": LEVEL_NAMES[int(rec["start_level"])],
            "P(de facto or higher)": _pct(rec["p_de_facto"]),
            "P(de jure) (90% interval)": _chance(rec),
            "Median month of de jure": _month(start, rec["median_month_de_jure"]),
        }
        if "p_downgrade" in rec:
            row["P(downgrade)"] = _pct(rec["p_downgrade"])
        if "diff_p_de_jure" in rec:
            row["Shocks' effect on P(de jure), points (90% interval)"] = _difference(rec, 90)
        rows.append(row)
    return rows


def _shock_rows(data: RunData) -> list[dict[str, Any]]:
    if data.shocks is None:
        return []
    start = data.scenario.start_date
    rows = []
    by_name = dict(iter(data.shocks.groupby(data.shocks["shock"].astype(str), sort=False)))
    for name in shock_names(data.shocks, data.scenario):
        group = by_name[name]
        first = group.groupby("run")["month"].min()
        rows.append({
            "Shock": name,
            "Fired in (share of runs)": _pct(first.size / data.n_runs),
            "Firings per run that had it": f"{len(group) / first.size:.2f}",
            "Median month first fired": _month(start, first.median() // 1),
        })
    return rows


# the table's columns; forecast.csv also has 6 months and steps down within 6 and 24
_FORECAST_CELLS = (("up", 12), ("up", 24), ("de_jure", 12), ("de_jure", 24), ("down", 12))
_FORECAST_TARGETS = {"up": "Up a rung", "de_jure": "De jure", "down": "Steps down"}


def _with_interval(rec: Mapping[str, Any], name: str) -> str:
    """'4% (<1%–19%)' from columns ``name``, ``name_low`` and ``name_high``."""
    if pd.isna(rec.get(name, float("nan"))):
        return "–"
    return f"{_pct(rec[name])} ({_pct(rec[f'{name}_low'])}–{_pct(rec[f'{name}_high'])})"


def _forecast_rows(data: RunData) -> list[dict[str, Any]]:
    assert data.forecast is not None
    names = dict(zip(data.summary["state"].astype(str), data.summary["name"], strict=True))
    shown = featured_states(data.summary, data.scenario, most=_TABLE_ROWS)
    by_state = data.forecast.set_index(data.forecast["state"].astype(str))
    cells = _forecast_cells(data.forecast)
    rows = []
    for state in (s for s in shown if s in by_state.index):
        rec = by_state.loc[state].to_dict()
        row = {"State": f"{names.get(state, state)} ({state})",
               "Now": LEVEL_NAMES[int(rec["start_level"])]}
        for target, months in cells:
            row[f"{_FORECAST_TARGETS[target]}, {months} months"] = _with_interval(
                rec, f"p_{target}_{months}")
        rows.append(row)
    return rows


def _forecast_cells(forecast: pd.DataFrame) -> list[tuple[str, int]]:
    """The table's (target, months) columns that the forecast has within its horizon."""
    return [(target, months) for target, months in _FORECAST_CELLS
            if f"p_{target}_{months}" in forecast.columns
            and forecast[f"p_{target}_{months}"].notna().any()]


def _forecast_section(data: RunData, h: str) -> list[str]:
    if data.forecast is None or not _forecast_cells(data.forecast):
        return []
    months = sorted({m for _, m in _forecast_cells(data.forecast)})
    within = " and ".join(str(m) for m in months)
    return [f"<{h}>Forecast</{h}>",
            f'<p class="muted">Chance of each event within {within} months of the log\'s '
            "latest month, with its 90% interval over the posterior of the parameters; "
            "for a state at de facto, moving up a rung is de jure recognition. "
            "forecast.csv also has 6 months. \u2013: beyond the horizon, or the event cannot "
            "happen from where the state stands.</p>",
            html_table(_forecast_rows(data), ("State", "Now"))]


def _horizon(data: RunData) -> str:
    scenario = data.scenario
    end = add_months(scenario.start_date, scenario.months)
    return f"{scenario.start_date:%b %Y} to {end:%b %Y} ({scenario.months} months)"


def _run_section(data: RunData, images: Mapping[str, bytes], *, level: int,
                 omitted: Sequence[str] = ()) -> str:
    h = f"h{level}"
    scenario = data.scenario
    parts = [f'<p class="lead">{escape(scenario.description or "(no description)")}</p>',
             f'<p class="muted">{escape(data.n_runs)} runs, seed '
             f'{escape(data.manifest.get("seed"))}, {escape(_horizon(data))}. '
             f"Source: {escape(scenario.source or 'not given')}</p>",
             *_forecast_section(data, h)]
    for name in ("cascade", "shocks", "timing", "order", "map"):
        if name in images:
            parts.append(html_figure(name, images[name]))
    if omitted:
        parts.append(f'<p class="muted">Not drawn in a batch: {escape(", ".join(omitted))}. '
                     f"<code>recsim plot {escape(data.path.name)}</code> on this scenario's "
                     "directory draws them.</p>")
    parts.append(f"<{h}>Summary by state</{h}>")
    more = (f" Shown: {_TABLE_ROWS} of {len(data.summary):,} states (Central Asia, the main "
            "powers, then the most likely to recognise); summary.csv has them all."
            if len(data.summary) > _TABLE_ROWS else "")
    effect = (" The shocks' effect is this scenario's chance minus that of the same runs "
              "without its shocks, in percentage points." if "diff_p_de_jure" in
              data.summary.columns else "")
    parts.append('<p class="muted">Chances are shares of runs at the horizon; the median month '
                 "is empty where fewer than half the runs reach de jure recognition."
                 f"{escape(effect)}{escape(more)}</p>")
    parts.append(html_table(_summary_rows(data), ("State", "Start")))
    if data.shocks is not None:
        parts.append(f"<{h}>Shocks</{h}>")
        parts.append(html_table(_shock_rows(data), ("Shock",)))
    return "\n".join(parts)


def _reproduce(data: RunData) -> str:
    m = data.manifest
    command = f"recsim run scenario.toml --runs {m.get('runs')} --seed {m.get('seed')}"
    return (f"<p>To reproduce, save the scenario below as <code>scenario.toml</code> and run "
            f"<code>{escape(command)}</code> with the versions listed.</p>"
            f"<details><summary>Resolved scenario (scenario.toml)</summary>"
            f"<pre>{escape(data.scenario_toml)}</pre></details>")


def run_report(data: RunData, images: Mapping[str, bytes], omitted: Sequence[str] = ()) -> str:
    """The report of one run; ``images`` maps figure names to PNG bytes, ``omitted`` names
    figures left out (in a batch)."""
    title = f"recsim: {data.name}"
    body = [f"<h1>{escape(title)}</h1>", _run_section(data, images, level=2, omitted=omitted),
            "<h2>Reproducibility</h2>", _reproduce(data),
            html_table(manifest_rows(data.manifest), ("Key", "Value"))]
    return html_page(title, "\n".join(body))


def _wide_rows(batch: BatchData, cell: Any, names: list[str]) -> list[dict[str, Any]]:
    """One row per state, one column per scenario in ``names``; ``cell(record)`` fills it."""
    keyed = {(r["scenario"], r["state"]): r for r in batch.comparison.to_dict("records")}
    return [{"State": state} | {name: cell(keyed[(name, state)]) if (name, state) in keyed
                                else "n/a" for name in names}
            for state in comparison_states(
                batch.comparison, {n: d.scenario for n, d in batch.runs.items()},
                most=_TABLE_ROWS)]


def _difference(rec: Mapping[str, Any], level: int = 95) -> str:
    """'+12.3 (+10.1 to +14.5)' from ``diff_p_de_jure`` and its interval at ``level``%."""
    if pd.isna(rec["diff_p_de_jure"]):
        return "–"
    estimate, low, high = (percentage_points(rec[f"diff_p_de_jure{end}"])
                           for end in ("", f"_low{level}", f"_high{level}"))
    return f"{estimate} ({low} to {high})"


def batch_report(batch: BatchData, images: Mapping[str, bytes],
                 scenario_images: Mapping[str, Mapping[str, bytes]]) -> str:
    """The report of a batch: comparison first, then each scenario in brief."""
    names = list(batch.runs)
    m = batch.manifest
    title = f"recsim: comparison of {len(names)} scenario{'s' * (len(names) > 1)}"
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="lead">Every scenario ran {escape(m.get("runs"))} times with seed '
            f"{escape(m.get('seed'))}, so run <i>i</i> of each scenario starts from the same "
            "random stream (common random numbers). The reference is "
            f"<b>{escape(names[0])}</b>.</p>"]
    failed = m.get("failed") or []
    if failed:
        body.append("<p><b>Scenarios that failed and are missing here:</b></p>")
        body.append(html_table([{"File": f.get("file"), "Problem": f.get("error")} for f in failed],
                           ("File", "Problem")))
    body.append("<h2>Scenarios</h2>")
    body.append(html_table([{"Scenario": n, "Description": d.scenario.description}
                        for n, d in batch.runs.items()], ("Scenario", "Description")))
    body.append("<h2>Comparison</h2>")
    for name in ("comparison", "curves"):
        if name in images:
            body.append(html_figure(name, images[name]))
    body.append("<h3>Chance of de jure recognition by the horizon</h3>")
    body.append(html_table(_wide_rows(batch, lambda r: _pct(r["p_de_jure"]), names), ("State",)))
    body.append(f"<h3>Differences from {escape(names[0])}</h3>")
    body.append('<p class="muted">Change in the chance of de jure recognition by the horizon, '
                "in percentage points, with its 95% interval for paired runs (Newcombe's "
                "square-and-add method) in brackets; an interval that excludes zero marks a "
                "difference the number of runs can resolve.</p>")
    if len(names) > 1:
        body.append(html_table(_wide_rows(batch, _difference, names[1:]), ("State",)))
    body.append("<h2>Each scenario</h2>")
    for name, data in batch.runs.items():
        body.append(f"<details><summary>{escape(name)}</summary>")
        body.append(_run_section(data, scenario_images.get(name, {}), level=4))
        body.append(_reproduce(data))
        body.append("</details>")
    body.append("<h2>Reproducibility</h2>")
    body.append(html_table(manifest_rows(m), ("Key", "Value")))
    body.append(html_table([{"Scenario": n, "File": d.manifest.get("scenario_file"),
                         "Input SHA-256": d.manifest.get("input_sha256")}
                        for n, d in batch.runs.items()], ("Scenario", "File", "Input SHA-256")))
    return html_page(title, "\n".join(body))
