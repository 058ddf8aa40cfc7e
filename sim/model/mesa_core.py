"""Mesa's agents, model and data collector, without importing the rest of the package.

``import mesa`` runs mesa/__init__.py, which imports every part of Mesa: its spaces, its
experimental continuous space (SciPy's spatial module), NetworkX, the batch runner. recsim
uses three classes; the rest cost about half a second of every command that simulates.
Importing a submodule does not avoid it (a package's __init__ always runs first), so
:func:`load_mesa` registers the package without running its __init__, imports only
``mesa.agent``, ``mesa.model`` and ``mesa.datacollection``, and puts ``Agent``, ``Model``
and ``DataCollector`` on it. Anything else asked of the package (``mesa.batch_run``,
``mesa.__version__``) runs the real __init__ at that moment, so other code that uses all of
Mesa works unchanged. If Mesa was imported before, that module is used as it is.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

__all__ = ["load_mesa", "mesa"]


def load_mesa() -> ModuleType:
    """The ``mesa`` package, with at least its Agent, Model and DataCollector."""
    loaded = sys.modules.get("mesa")
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec("mesa")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        import mesa as full  # not a plain package on disk: import it the usual way

        return full
    package = importlib.util.module_from_spec(spec)  # __path__ set, __init__ not run
    package.__getattr__ = _completion(package, spec)  # type: ignore[attr-defined]
    sys.modules["mesa"] = package
    try:
        # mesa.model first, before mesa.datacollection imports pandas: it names its logger
        # with inspect.stack(), which looks up the file of every loaded module, so with
        # pandas loaded it costs about 40 ms instead of about 12
        from mesa.model import Model  # noqa: I001  (this order, on purpose)
        from mesa.agent import Agent
        from mesa.datacollection import DataCollector
    except BaseException:
        sys.modules.pop("mesa", None)
        raise
    package.Agent, package.Model, package.DataCollector = Agent, Model, DataCollector
    return package


def _completion(package: ModuleType, spec: ModuleSpec) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that runs the package's own __init__ the first
    time a name is missing, then answers from it."""
    ran = False

    def complete(name: str) -> Any:
        nonlocal ran
        if not ran:
            ran = True
            assert spec.loader is not None
            spec.loader.exec_module(package)
            if name in package.__dict__:
                return package.__dict__[name]
        raise AttributeError(f"module 'mesa' has no attribute {name!r}")

    return complete


mesa = load_mesa()
