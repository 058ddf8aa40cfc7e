"""The engine keeps freed memory for reuse instead of page-faulting each month's arrays anew."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.engine.heap import keep_freed_memory

ROOT = Path(__file__).resolve().parent.parent

# A second chunk of 5,000 baseline replicates, 60 months, in a fresh process: about 30,000
# minor page faults with glibc's default thresholds (arrays of a few hundred kB mapped and
# unmapped month after month), about 4,500 with freed blocks kept (the model's own new
# arrays); page faults are counted, not timed.
CHUNK_CODE = """
import resource
from sim.engine.ensemble import plan_chunks, simulate_chunk
from sim.scenario.loading import load_scenario
task = plan_chunks(load_scenario('scenarios/baseline.toml'), 5000, 1)[0]
simulate_chunk(task)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
simulate_chunk(task)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_keeping_freed_memory_is_idempotent() -> None:
    assert keep_freed_memory() == keep_freed_memory()


@pytest.mark.skipif(not sys.platform.startswith("linux") or not keep_freed_memory(),
                    reason="tunes glibc's malloc only")
def test_a_chunk_reuses_freed_memory_instead_of_page_faulting_each_month() -> None:
    out = subprocess.run([sys.executable, "-c", CHUNK_CODE], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    faults = int(out.stdout.strip())
    assert faults < 12_000, f"{faults} page faults simulating one chunk"
