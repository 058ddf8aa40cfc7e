"""The package's layers, read from the import statements of every module under sim/.

Layers, lowest first (a module may import its own layer and the layers below, never above):

    scenario < model < engine < study, results, calibrate, forecast < analysis < plots < explore
    < cli

No module may import another that imports it back, directly or through others, at any
level (function-level and ``TYPE_CHECKING`` imports count: they are cycles all the same).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sim"

# Rank of each subpackage; modules at the package root have rank 0 (``sim.__main__`` is the
# command line's entry point and counts as the cli).
LAYERS = {
    "scenario": 1,
    "model": 2,
    "engine": 3,
    "study": 4,
    "results": 4,
    "calibrate": 4,
    "forecast": 4,
    "analysis": 5,
    "plots": 6,
    "explore": 7,
    "cli": 8,
}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports_of(path: Path, known: set[str], root: Path = ROOT) -> set[str]:
    """Modules of ``known`` that ``path`` imports anywhere in its body (relative resolved)."""
    name = module_name(path, root)
    package = name if _is_package(path) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # ``from pkg import mod`` imports the module pkg.mod; ``from mod import name``
            # imports mod
            targets = [f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in known else stem
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # ``import sim.x.y`` names sim.x.y
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Every module of sim/ and the modules of sim/ it imports."""
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, known) for p in paths}


def layer(module: str) -> int:
    parts = module.split(".")
    if module == "sim.__main__":
        return LAYERS["cli"]
    if len(parts) == 1 or (len(parts) == 2 and f"{parts[1]}" not in LAYERS):
        return 0
    return LAYERS[parts[1]]


def problems(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Cycles and upward imports of an import graph, each as one readable line."""
    found = []
    digraph = nx.DiGraph((a, b) for a, targets in graph.items() for b in targets)
    digraph.add_nodes_from(graph)
    for component in nx.strongly_connected_components(digraph):
        if len(component) > 1:
            cycle = nx.find_cycle(digraph.subgraph(component))
            found.append("import cycle: " + " -> ".join([a for a, _ in cycle] + [cycle[0][0]]))
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer(target) > layer(module):
                found.append(f"upward import: {module} (layer {layer(module)}) imports "
                             f"{target} (layer {layer(target)})")
    return found


def test_every_subpackage_has_a_layer() -> None:
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages <= set(LAYERS), f"no layer for: {sorted(subpackages - set(LAYERS))}"


def test_no_cycles_and_no_upward_imports() -> None:
    found = problems(import_graph())
    assert not found, "\n".join(found)


def test_checker_finds_a_cycle_and_an_upward_import() -> None:
    """The check itself can fail: a made-up graph with both faults is reported."""
    graph = {
        "sim.scenario.a": {"sim.scenario.b"},
        "sim.scenario.b": {"sim.scenario.a"},
        "sim.model.c": {"sim.plots.d"},
        "sim.plots.d": set(),
    }
    found = problems(graph)
    assert any(line.startswith("import cycle:") and "sim.scenario.a" in line for line in found)
    assert "upward import: sim.model.c (layer 2) imports sim.plots.d (layer 6)" in found


def test_reader_sees_lazy_and_type_checking_imports(tmp_path: Path) -> None:
    """Imports inside functions and ``if TYPE_CHECKING:`` blocks are edges too."""
    source = tmp_path / "sim" / "model" / "mod.py"
    source.parent.mkdir(parents=True)
    source.write_text("from typing import TYPE_CHECKING\n"
                      "if TYPE_CHECKING:\n    from sim.cli import main\n"
                      "def f():\n    from ..plots.map import map_figure\n"
                      "from . import rules\n")
    known = {"sim.cli", "sim.plots.map", "sim.plots", "sim.model", "sim.model.rules"}
    assert imports_of(source, known, tmp_path) == {"sim.cli", "sim.plots.map",
                                                   "sim.model.rules"}


def _printed_by(code: str) -> str:
    """What ``python -c code`` prints, run afresh (so nothing is imported beforehand)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout.strip()


# Modules that must stay light, and what each must not import
LIGHT = {
    # `recsim --help` must not pay for the science stack: it imports click and little else
    "sim.cli": ["numpy", "pandas", "scipy", "matplotlib", "mesa", "SALib", "pyarrow",
                "networkx", "pydantic", "solara", "uvicorn"],
    # commands check their memory need before they import the engine, and start the drawing
    # workers' server in between
    "sim.engine.memory, sim.cli.limits": ["numpy", "pandas", "mesa", "scipy"],
    # a command starts the drawing workers' server before it imports the science stack, so
    # the server's imports run beside its own
    "sim.cli.drawing_pool": ["numpy", "pandas", "pyarrow", "matplotlib", "mesa"],
}


@pytest.mark.parametrize("entry", list(LIGHT))
def test_light_modules_import_no_heavy_library(entry: str) -> None:
    code = (f"import sys, {entry}; "
            f"print(' '.join(m for m in {LIGHT[entry]!r} if m in sys.modules))")
    printed = _printed_by(code)
    assert printed == "", f"importing {entry} imports: {printed}"


def test_validating_a_scenario_needs_no_science_stack() -> None:
    """``recsim validate`` and ``recsim list`` read TOML and pydantic models, nothing more."""
    code = ("import sys; from sim.scenario.loading import load_scenario; "
            "load_scenario('scenarios/china_first.toml'); "
            "print(' '.join(m for m in ['numpy', 'pandas', 'scipy', 'matplotlib', 'mesa', "
            "'networkx'] if m in sys.modules))")
    printed = _printed_by(code)
    assert printed == "", f"loading a scenario imports: {printed}"


def test_simulating_imports_only_the_mesa_it_uses() -> None:
    """The engine imports Mesa's agent, model and data collector, not the rest of the package
    (its spaces import SciPy's spatial module and NetworkX: half a second of every run);
    anything else asked of ``mesa`` then imports the whole package, as before."""
    code = ("import sys; import sim.engine.ensemble; "
            "skipped = [m for m in ['mesa.space', 'mesa.experimental', 'mesa.batchrunner', "
            "'scipy.spatial', 'networkx'] if m in sys.modules]; "
            "import mesa; assert callable(mesa.batch_run) and mesa.Agent is mesa.agent.Agent; "
            "assert 'mesa.space' in sys.modules and mesa.__version__; "
            "print(' '.join(skipped))")
    printed = _printed_by(code)
    assert printed == "", f"simulating imports: {printed}"


def test_mesa_model_loads_before_pandas() -> None:
    """mesa.model names its logger through inspect.stack(), which looks up the file of
    every loaded module: loaded before pandas (which mesa.datacollection imports), that
    costs a third as much (sim/model/mesa_core.py)."""
    code = ("import sys; import sim.engine.ensemble; loaded = list(sys.modules); "
            "print(loaded.index('mesa.model') < loaded.index('pandas'))")
    assert _printed_by(code) == "True"
