"""Wall time of an open exploration: 100,000 runs of the baseline, one per parameter vector.

Target (issue 13, 2-core machine): under a minute for
``recsim explore-space scenarios/baseline.toml --param weights.social=1:6
--param thresholds.level_3=4:9 --param states.KAZ.propensity=-2:2 --samples 100000``.

Example:
    .venv/bin/python benchmarks/explore_space.py               # serial, then 2 workers
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ["--param", "weights.social=1:6", "--param", "thresholds.level_3=4:9",
          "--param", "states.KAZ.propensity=-2:2"]


def main() -> None:
    recsim = str(Path(sys.executable).with_name("recsim"))
    scratch = Path(tempfile.mkdtemp())
    try:
        for workers in (1, 2):
            out = scratch / f"w{workers}"
            started = time.perf_counter()
            subprocess.run([recsim, "explore-space", "scenarios/baseline.toml", *PARAMS,
                            "--samples", "100000", "--workers", str(workers), "--out",
                            str(out), "--quiet"], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - started
            print(f"explore-space, 100,000 runs, {workers} worker(s): {wall:.1f} s wall "
                  "(target < 60 s)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
