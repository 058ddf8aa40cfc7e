"""Start ``recsim explore`` as a user would, in its own process group, and stop it.

Shared by tests/test_explore.py (stopping and killing the server) and
tests/test_explore_browser.py (the page in Chromium).
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = "OUTSIDE-NETWORK"  # what the server writes to stderr on reaching past loopback

# ``recsim`` with an audit hook that reports any name lookup or connection beyond this
# machine: nothing the explorer runs may need the network
_AUDITED_RECSIM = f"""
import sys

LOCAL = (None, "", "localhost", "127.0.0.1", "::1", b"localhost", b"127.0.0.1")


def report(event, args):
    if event == "socket.getaddrinfo" and args[0] not in LOCAL:
        sys.stderr.write(f"{OUTSIDE} {{event}} {{args[:2]}}\\n")
    elif event == "socket.connect" and isinstance(args[1], tuple) and args[1][0] not in LOCAL:
        sys.stderr.write(f"{OUTSIDE} {{event}} {{args[1]}}\\n")


sys.addaudithook(report)
sys.argv[0] = "recsim"
from sim.cli import main
main()
"""


def start_explorer(args: list[str], log: IO[str] | int = subprocess.DEVNULL,
                   timeout: float = 120) -> tuple[subprocess.Popen[str], str]:
    """``recsim explore ARGS --port 0`` from the repository root; the process and the
    address it prints (waiting at most ``timeout`` seconds). Any attempt to reach past
    127.0.0.1 is written to ``log`` as a line with :data:`OUTSIDE`."""
    process = subprocess.Popen(
        [sys.executable, "-c", _AUDITED_RECSIM, "explore", *args, "--port", "0"], cwd=ROOT,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True,
        start_new_session=True)
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.5):
            found = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())
            if found:
                return process, found.group(0)
    os.killpg(process.pid, 9)
    raise AssertionError(f"recsim explore printed no address (exit status {process.poll()})")


def group_members(group: int) -> list[int]:
    """Processes of process group ``group`` still running (zombies do not count)."""
    out = subprocess.run(["ps", "-eo", "pid=,pgid=,stat="], capture_output=True, text=True,
                         check=True).stdout
    return [int(pid) for pid, pgid, stat in (line.split()[:3] for line in out.splitlines())
            if int(pgid) == group and not stat.startswith("Z")]


def group_gone(group: int, timeout: float) -> bool:
    """Wait until no process of ``group`` is left; False if some still are after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not group_members(group):
            return True
        time.sleep(0.2)
    return False
