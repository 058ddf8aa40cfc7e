"""HTML for self-contained reports: inline CSS, figures as data URIs, no scripts or fonts.

Every report of recsim (a run, a batch, a calibration, a backtest) is built from these
pieces, so they look alike and open from the file system with no network access.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["escape", "figure", "manifest_rows", "page", "provenance", "table"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid
#ddd; } h3 { margin-top: 1.4em; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.8em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f4f4f4; } td.text, th.text { text-align: left; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.lead { color: #444; } .muted { color: #777; font-size: 0.9em; }
details { margin: 0.8em 0; } summary { cursor: pointer; font-weight: 600; }
.scroll { overflow-x: auto; } .scroll td:not(.text) { white-space: nowrap; }
"""


def escape(value: Any) -> str:
    """Text safe inside HTML, quotes included."""
    return html.escape(str(value), quote=True)


def page(title: str, body: str) -> str:
    """A whole document around ``body``."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")


def figure(name: str, png: bytes, caption: str = "") -> str:
    """A PNG embedded as a data URI, with its caption."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{escape(name)}"><img alt="{escape(caption or name)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{escape(caption)}</figcaption>'
            "</figure>")


def table(rows: list[dict[str, Any]], text_columns: tuple[str, ...] = ()) -> str:
    """Rows of dicts as a table; ``text_columns`` are left-aligned."""
    if not rows:
        return '<p class="muted">(none)</p>'
    head = "".join(f'<th class="{"text" if c in text_columns else ""}">{escape(c)}</th>'
                   for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f'<td class="{"text" if c in text_columns else ""}">{escape(v)}</td>'
                         for c, v in row.items()) + "</tr>"
        for row in rows)
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            "</table></div>")


def manifest_rows(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """A manifest as Key/Value rows: nested tables flattened, lists left out."""
    rows = []
    for key, value in sorted(manifest.items()):
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in sorted(value.items()))
        elif isinstance(value, list):
            continue
        rows.append({"Key": key, "Value": value})
    return rows


def provenance(manifest: Mapping[str, Any], notes: Sequence[str] = ()) -> list[str]:
    """A report's closing sections: its notes (if any), the command and the manifest."""
    parts = []
    if notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes)
                     + "</ul>")
    parts += ["<h2>Reproducibility</h2>",
              f"<p><code>{escape(manifest.get('command', ''))}</code></p>",
              table(manifest_rows(dict(manifest)), ("Key", "Value"))]
    return parts
