"""The shocks as an editable list: add, remove, change kind, timing, states and strength.

Each card edits one ``[[shocks]]`` table of the draft, key by key, with the names the
scenario file uses (docs/scenarios.md); the loader checks the result, and its one-line
message appears on the card whose shock it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from solara.alias import rv

from ..scenario.ladder import FACTORS, LEVEL_NAMES
from ..scenario.shocks import SHOCK_KINDS
from .controls import ProblemLine
from .draft import Draft, Problem, default_shock_month, month_value

__all__ = ["ShockList"]

KIND_TEXT = {
    "recognize": "Recognition (move to a rung)",
    "attack": "Attack on a project",
    "incentive": "Incentive change",
    "tie": "Tie change",
    "bloc": "Bloc (decide together)",
}
assert tuple(KIND_TEXT) == SHOCK_KINDS


def _field(path: str, child: Any) -> None:
    rv.Html(tag="div", class_="recsim-field", attributes={"data-path": path}, children=[child])


def _states_items(draft: Draft) -> list[dict[str, str]]:
    states = draft.data.get("states") or {}
    return [{"title": f"{sid} · {spec['name']}", "value": sid} for sid, spec in states.items()]


def _ids(chosen: Any) -> list[str]:
    """State ids from a combobox: picked items arrive as tables, typed ones as text."""
    if not isinstance(chosen, list):
        chosen = [chosen] if chosen else []
    ids = [item["value"] if isinstance(item, dict) else str(item).strip() for item in chosen]
    return [state for state in ids if state]


@solara.component
def _Timing(draft: Draft, index: int, shock: dict[str, Any],
            set_key: Callable[[str, Any], None], on_draft: Callable[[Draft], None]) -> None:
    fixed = shock.get("hazard") is None
    base = f"shocks.{index}"

    def switch(mode: str) -> None:
        if mode == "month" and not fixed:
            month = default_shock_month(draft.base)
            on_draft(draft.set(["shocks", index],
                               shock | {"at": month, "hazard": None, "repeat": False}))
        elif mode == "hazard" and fixed:
            on_draft(draft.set(["shocks", index], shock | {"at": None, "hazard": 0.02}))

    with solara.Row(classes=["recsim-timing"]):
        with solara.ToggleButtonsSingle(value="month" if fixed else "hazard", on_value=switch,
                                        dense=True, classes=["recsim-toggle"]):
            solara.Button("Fixed month", value="month", text=True)
            solara.Button("Monthly chance", value="hazard", text=True)
    if fixed:
        at = shock.get("at")
        _field(f"{base}.at", solara.InputText(
            "Month (YYYY-MM, or months after the start)", value="" if at is None else str(at),
            on_value=lambda text: set_key("at", month_value(text or "")), dense=True))
    else:
        with solara.Row(classes=["recsim-pair"]):
            _field(f"{base}.hazard", solara.InputFloat(
                "Chance each month", value=shock.get("hazard"), optional=True,
                on_value=lambda v: set_key("hazard", v), dense=True))
            if shock["kind"] in ("attack", "incentive"):
                _field(f"{base}.repeat", rv.Checkbox(
                    label="Repeats", v_model=bool(shock.get("repeat")), density="compact",
                    hide_details=True, on_v_model=lambda v: set_key("repeat", bool(v))))


@solara.component
def _Targets(draft: Draft, index: int, shock: dict[str, Any],
             set_key: Callable[[str, Any], None]) -> None:
    base = f"shocks.{index}"
    kind = shock["kind"]
    items = _states_items(draft)
    if kind in ("recognize", "incentive", "bloc"):
        _field(f"{base}.states", rv.Combobox(
            label="States (pick, or type an id and press Enter)", items=items,
            v_model=list(shock.get("states") or []), multiple=True, chips=True,
            return_object=False,
            closable_chips=True, density="compact", hide_details=True,
            on_v_model=lambda chosen: set_key("states", _ids(chosen))))
    elif kind == "tie":
        with solara.Row(classes=["recsim-pair"]):
            for key, label in (("from", "From (who watches)"), ("to", "To (who is watched)")):
                _field(f"{base}.{key}", rv.Combobox(
                    label=label, items=items, v_model=shock.get(key) or "", density="compact",
                    return_object=False,
                    hide_details=True,
                    on_v_model=lambda chosen, key=key: set_key(key, (_ids(chosen) or [""])[0])))
    elif kind == "attack":
        projects = draft.data.get("projects") or {}
        choices = [{"title": f"{spec.get('name') or pid} ({pid})", "value": pid}
                   for pid, spec in projects.items()]
        _field(f"{base}.project", rv.Select(
            label="Project or region attacked", items=choices, v_model=shock.get("project"),
            density="compact", hide_details=True, on_v_model=lambda v: set_key("project", v)))


def _number(path: str, label: str, value: Any, on_value: Callable[[Any], None],
            optional: bool = False, integer: bool = False) -> None:
    widget = solara.InputInt if integer else solara.InputFloat
    _field(path, widget(label, value=value, optional=optional, on_value=on_value, dense=True))


@solara.component
def _Strength(index: int, shock: dict[str, Any], set_key: Callable[[str, Any], None],
              set_keys: Callable[[dict[str, Any]], None]) -> None:
    base = f"shocks.{index}"
    kind = shock["kind"]
    if kind == "recognize":
        items = [{"title": f"{name} ({level})", "value": level}
                 for level, name in enumerate(LEVEL_NAMES)]
        _field(f"{base}.level", rv.Select(label="Moves to", items=items,
                                          v_model=shock.get("level"), density="compact",
                                          hide_details=True,
                                          on_v_model=lambda v: set_key("level", int(v))))
    elif kind == "attack":
        with solara.Row(classes=["recsim-pair"]):
            _number(f"{base}.connectivity_loss", "Connectivity lost",
                    shock.get("connectivity_loss"), lambda v: set_key("connectivity_loss", v))
            _number(f"{base}.security_gain", "Security need gained",
                    shock.get("security_gain"), lambda v: set_key("security_gain", v))
        _number(f"{base}.recovery_months", "Months to recover", shock.get("recovery_months"),
                lambda v: set_key("recovery_months", v), integer=True)
    elif kind == "incentive":
        mode = "scale" if shock.get("scale") is not None else "add"
        _field(f"{base}.factor", rv.Select(label="Factor", items=list(FACTORS),
                                           v_model=shock.get("factor"), density="compact",
                                           hide_details=True,
                                           on_v_model=lambda v: set_key("factor", v)))

        def switch(new: str) -> None:
            if new != mode:
                set_keys({"add": 1.0 if new == "add" else None,
                          "scale": 1.5 if new == "scale" else None})

        with solara.Row(classes=["recsim-pair"]):
            with solara.ToggleButtonsSingle(value=mode, on_value=switch, dense=True,
                                            classes=["recsim-toggle"]):
                solara.Button("Add", value="add", text=True)
                solara.Button("Scale", value="scale", text=True)
            _number(f"{base}.{mode}", "Added to intensity" if mode == "add" else "Multiplier",
                    shock.get(mode), lambda v: set_key(mode, v))
        _number(f"{base}.half_life", "Half-life in months (blank: permanent)",
                shock.get("half_life"), lambda v: set_key("half_life", v), optional=True)
    elif kind == "tie":
        with solara.Row(classes=["recsim-pair"]):
            _number(f"{base}.weight", "Weight", shock.get("weight"),
                    lambda v: set_key("weight", v))
            _number(f"{base}.back_weight", "Back weight (blank: same)",
                    shock.get("back_weight"), lambda v: set_key("back_weight", v),
                    optional=True)


@solara.component
def ShockCard(draft: Draft, index: int, on_draft: Callable[[Draft], None],
              problem: Problem | None) -> None:
    """One shock: kind, name and delete; timing; targets; strength; its problem, if any."""
    shock = draft.shocks[index]
    base = f"shocks.{index}"

    def set_key(key: str, value: Any) -> None:
        on_draft(draft.set(["shocks", index, key], value))

    def set_keys(values: dict[str, Any]) -> None:
        on_draft(draft.set(["shocks", index], shock | values))

    with rv.Html(tag="div", class_="recsim-shock", attributes={"data-path": base}):
        with solara.Row(classes=["recsim-shock-head"]):
            _field(f"{base}.kind", rv.Select(
                label="Kind", items=[{"title": t, "value": k} for k, t in KIND_TEXT.items()],
                v_model=shock["kind"], density="compact", hide_details=True,
                on_v_model=lambda kind: on_draft(draft.change_kind(index, kind))))
            solara.Button(icon_name="mdi-delete", icon=True, text=True,
                          classes=["recsim-remove-shock"],
                          attributes={"title": "Remove this shock"},
                          on_click=lambda: on_draft(draft.remove_shock(index)))
        _field(f"{base}.name", solara.InputText(
            "Name", value=str(shock.get("name") or ""),
            on_value=lambda text: set_key("name", (text or "").strip()), dense=True))
        _Timing(draft, index, shock, set_key, on_draft)
        _Targets(draft, index, shock, set_key)
        _Strength(index, shock, set_key, set_keys)
        if problem is not None and problem.concerns(base):
            ProblemLine(problem, base)


@solara.component
def ShockList(draft: Draft, on_draft: Callable[[Draft], None], problem: Problem | None) -> None:
    """Every shock of the draft as a card, and a button to add one."""
    shocks = draft.shocks
    if not shocks:
        solara.Text("No shocks: the world as it stands, month after month.",
                    classes=["recsim-note"])
    for index in range(len(shocks)):
        ShockCard(draft, index, on_draft, problem).key(f"shock-{index}-{len(shocks)}")
    if problem is not None and problem.concerns("shocks") and \
            not any(problem.concerns(f"shocks.{i}") for i in range(len(shocks))):
        ProblemLine(problem, "shocks")
    if problem is not None and problem.concerns("projects"):
        ProblemLine(problem, "projects")
    solara.Button("Add shock", icon_name="mdi-plus", outlined=True, color="primary",
                  on_click=lambda: on_draft(draft.add_shock()), classes=["recsim-add-shock"])
