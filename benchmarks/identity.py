"""Byte-identity of results between two checkouts: a speed-up must not change any output.

Runs, in each checkout with its own ``.venv``, the same commands with the same seed: the
library as one ``recsim batch`` (every scenario's summary.csv, curve.csv, runs.parquet,
shocks.csv, shock_effects.csv and the batch's comparison.csv), and a few single runs that
the batch does not cover (the world roster, the baseline at its posterior means, two
workers). Then compares every data file byte for byte; figures and reports are compared
too but only reported, since they are drawn from those files and reports hold wall times.
Manifests are skipped: they hold wall times and dates. The resolved scenario.toml names
data files by absolute path, so each checkout's own root is masked before comparing.

Example (from this checkout, against the main checkout):
    .venv/bin/python benchmarks/identity.py --reference /work/main
    .venv/bin/python benchmarks/identity.py --reference /work/main --runs 2000 --seed 3

Exit status 0 when every data file is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = (".csv", ".parquet", ".toml")
SKIPPED = ("manifest.json",)


def commands(runs: int, seed: int) -> dict[str, list[str]]:
    """Output directory name -> arguments of ``recsim`` (``{out}`` is filled in)."""
    library = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.toml"))
    common = ["--runs", str(runs), "--seed", str(seed), "--quiet"]
    return {
        "batch": ["batch", *library, *common],
        "world": ["run", "scenarios/world/world.toml", *common],
        "baseline-means": ["run", "scenarios/baseline.toml", "--no-uncertainty", *common],
        "baseline-2-workers": ["run", "scenarios/baseline.toml", "--workers", "2",
                               "--runs", str(max(runs, 6000)), "--seed", str(seed), "--quiet"],
        # long enough that the drawing workers are up before the tables are written, so
        # the cascade and the map are drawn early, from the files written first
        "baseline-20000": ["run", "scenarios/baseline.toml", "--runs", "20000", "--seed",
                           str(seed), "--quiet"],
        "shocks-20000": ["run", "scenarios/iskp_attack_tapi.toml", "--runs", "20000", "--seed",
                         str(seed), "--quiet"],
    }


def run_all(checkout: Path, out: Path, runs: int, seed: int) -> None:
    """Every command of :func:`commands` with ``checkout``'s own recsim, from its root."""
    recsim = checkout / ".venv" / "bin" / "recsim"
    for name, args in commands(runs, seed).items():
        subprocess.run([str(recsim), *args, "--out", str(out / name)], cwd=checkout,
                       check=True, stdout=subprocess.DEVNULL)


def masked(path: Path, checkout: Path, out: Path) -> bytes:
    """A file's bytes with the checkout's and the output directory's paths masked."""
    content = path.read_bytes() if path.is_file() else b"<missing>"
    if path.suffix in (".toml", ".html", ".json", ".csv"):
        content = content.replace(str(out).encode(), b"<out>")
        content = content.replace(str(checkout).encode(), b"<checkout>")
    return content


def compare(a: Path, a_root: Path, b: Path, b_root: Path
            ) -> tuple[list[str], list[str], list[str]]:
    """(identical data files, differing data files, differing figures and reports)."""
    same, differ, other = [], [], []
    files = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()} |
                   {p.relative_to(b) for p in b.rglob("*") if p.is_file()})
    for rel in files:
        if rel.name in SKIPPED:
            continue
        equal = masked(a / rel, a_root, a) == masked(b / rel, b_root, b)
        if rel.suffix in DATA:
            (same if equal else differ).append(str(rel))
        elif not equal:
            other.append(str(rel))
    return same, differ, other


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, required=True,
                        help="the other checkout (with its own .venv), e.g. /work/main")
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        mine, theirs = Path(scratch) / "this", Path(scratch) / "reference"
        reference = args.reference.resolve()
        run_all(ROOT, mine, args.runs, args.seed)
        run_all(reference, theirs, args.runs, args.seed)
        same, differ, other = compare(theirs, reference, mine, ROOT)
    print(f"{ROOT} against {args.reference}: seed {args.seed}, {args.runs} runs per scenario")
    print(f"data files identical: {len(same)}; differing: {len(differ)}")
    for rel in differ:
        print(f"  DIFFERS: {rel}")
    print(f"figures and reports differing: {len(other)}")
    for rel in other:
        print(f"  (figure/report) {rel}")
    return 1 if differ or not same else 0


if __name__ == "__main__":
    sys.exit(main())
