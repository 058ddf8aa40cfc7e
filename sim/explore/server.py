"""Serve the explorer: Solara's Starlette app under uvicorn, on 127.0.0.1 only, offline.

Solara would load its page front-end from a public CDN; with ``solara-assets`` installed
(the ``explore`` extra pins both to one version) it serves the same files itself. Its
usage telemetry and version check, which call out to the network, are switched off.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import warnings
from collections.abc import Callable
from pathlib import Path

from .config import Settings, configure

__all__ = ["HOST", "ExploreError", "bind", "check_installation", "default_scenario", "serve"]

HOST = "127.0.0.1"
APP = "sim.explore.app"
# Solara reads its settings from the environment when first imported
_SOLARA_ENVIRONMENT = {
    "SOLARA_APP": APP,
    "SOLARA_MODE": "production",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_THEME_SHOW_BANNER": "false",
    "SOLARA_THEME_TITLE": "recsim explore",
    "SOLARA_THEME_LOADER": "plain",
}


class ExploreError(RuntimeError):
    """The explorer cannot start (the port is taken, Solara is not installed): one line."""


_INSTALL = "pip install -e '.[explore]' (make run installs it)"


def check_installation() -> None:
    """Solara, and its page front-end at the same version, or :class:`ExploreError`.

    Without ``solara-assets`` Solara loads the front-end from a public CDN, and offline the
    page stays blank; with another version than Solara's, files are missing.
    """
    from importlib import metadata

    try:
        solara = metadata.version("solara")
    except metadata.PackageNotFoundError:
        raise ExploreError(f"the explorer needs Solara: {_INSTALL}") from None
    try:
        assets = metadata.version("solara-assets")
    except metadata.PackageNotFoundError:
        raise ExploreError("the explorer needs solara-assets, or the page loads Solara's "
                           f"front-end from the internet: {_INSTALL}") from None
    if assets != solara:
        raise ExploreError(f"solara {solara} needs solara-assets {solara}, not {assets}: "
                           f"{_INSTALL}")


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port), or :class:`ExploreError`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = "; choose another --port (0 picks a free one)"
        if exc.errno in (98, 48):  # EADDRINUSE on Linux, macOS
            raise ExploreError(f"port {port} on {HOST} is already in use{hint}") from None
        raise ExploreError(f"cannot listen on {HOST}:{port} ({exc.strerror or exc}){hint}"
                           ) from None
    sock.set_inheritable(True)
    return sock


def _report(request):  # type: ignore[no-untyped-def]
    """The ``report.html`` of a full run started from a page of this server."""
    from starlette.responses import FileResponse, PlainTextResponse

    from .saving import report_file

    path = report_file(request.path_params["token"])
    if path is None or not path.is_file():
        return PlainTextResponse("no such report", status_code=404)
    return FileResponse(path, media_type="text/html")


def _app():  # type: ignore[no-untyped-def]
    """Solara's Starlette app with the report route in front of its catch-all page route."""
    os.environ.update(_SOLARA_ENVIRONMENT)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")
    try:
        import uvicorn  # noqa: F401 (checked here, used by serve)
        from solara.server.starlette import app
    except ImportError as exc:
        raise ExploreError(
            f"the explorer needs Solara ({exc.name or exc} is missing): {_INSTALL}") from None
    from starlette.routing import Route

    from .saving import REPORT_ROUTE

    if not any(getattr(route, "path", None) == REPORT_ROUTE for route in app.router.routes):
        app.router.routes.insert(0, Route(REPORT_ROUTE, endpoint=_report))
    return app


def serve(settings: Settings, sock: socket.socket,
          announce: Callable[[str], None] = print) -> None:
    """Serve pages on ``sock`` until interrupted; ``announce`` is given the address first.

    On the way out (Ctrl-C, SIGTERM) full runs still under way are stopped and the drawing
    workers shut down, so nothing is left running.
    """
    configure(settings)
    app = _app()
    import uvicorn  # installed with Solara

    from .figures import close_shared_pool, shared_pool
    from .saving import stop_full_runs

    shared_pool()  # the drawing workers start importing matplotlib now
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2,
                            lifespan="on", ws_ping_interval=20)
    server = uvicorn.Server(config)
    # uvicorn stops on SIGINT or SIGTERM, then raises the signal again for the handler
    # that was there before it: ours, which ends serving normally so the cleanup runs
    previous = {sig: signal.signal(sig, _stop) for sig in _STOP_SIGNALS}
    announce(f"http://{host}:{port}/")
    try:
        server.run(sockets=[sock])
    except _Stop:
        pass
    finally:
        for sig in _STOP_SIGNALS:  # a second Ctrl-C must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        stop_full_runs()
        with contextlib.suppress(Exception):
            close_shared_pool()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Stop(Exception):
    """Raised by the signal handler once uvicorn has shut down."""


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop(signum: int, frame: object) -> None:
    raise _Stop


def default_scenario(library: Path) -> Path | None:
    """The library's baseline, or its first file; None for an empty library."""
    baseline = library / "baseline.toml"
    if baseline.is_file():
        return baseline
    return next(iter(sorted(library.glob("*.toml"))), None)
