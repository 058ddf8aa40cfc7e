"""Damaged checkpoints and full disks: a study recomputes what it must and is never stuck.

Every damaged chunk is named on one line and recomputed, and the results are byte-identical
to an undamaged run; a full disk stops a study with one line naming the file that could not
be written and saying how to go on, and going on that way gives the same bytes.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import cli, main

SMALL = str(Path(__file__).resolve().parent / "data" / "study_small.toml")
SWEEP = ["sweep", SMALL, "--grid", "weights.social=2:6:3", "--grid", "states.KAZ.level=1:2:2",
         "--runs", "20", "--chunk-runs", "20", "--quiet"]  # 6 chunks of one design point
SOBOL = ["sensitivity", SMALL, "--method", "sobol", "--param", "thresholds.level_3=5:9",
         "--param", "states.KAZ.minerals=0:3", "--samples", "4", "--runs", "20",
         "--chunk-runs", "20", "--quiet"]  # 24 chunks
SOBOL_RESULTS = ("samples.csv", "sensitivity.csv", "sensitivity_s2.csv")


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def failing(capsys, *args: object) -> str:
    """What ``recsim ARGS`` prints on stderr, for a command that must exit with status 2."""
    with pytest.raises(SystemExit) as stop:
        main([str(a) for a in args])
    assert stop.value.code == 2
    return capsys.readouterr().err


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "sweep"
    result = invoke(*SWEEP, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _unfinished(finished: Path, tmp_path: Path) -> Path:
    """A copy of a finished study without its results, as an interrupted one looks."""
    partial = tmp_path / "partial"
    shutil.copytree(finished, partial)
    for name in ("sweep.csv", "manifest.json", *SOBOL_RESULTS):
        (partial / name).unlink(missing_ok=True)
    return partial


def _arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def _rewrite(path: Path, **changes: np.ndarray) -> None:
    """Write a chunk file again with some arrays changed, everything else as stored."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **(_arrays(path) | changes))
    path.write_bytes(buffer.getvalue())


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _wrong_shape(path: Path) -> None:
    stored = _arrays(path)
    _rewrite(path, sums=stored["sums"][:, :-1], squares=stored["squares"][:, :-1])


def _copy_of_another(path: Path) -> None:
    shutil.copyfile(path.with_name("c000001.npz"), path)


def _changed_counts(path: Path) -> None:
    _rewrite(path, sums=_arrays(path)["sums"] + 1)


def _named_pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # read as a file, it would block --resume for ever


DAMAGE = {
    "named pipe": (_named_pipe, "is a named pipe (FIFO), not a file"),
    "truncated": (_truncate, "unreadable (BadZipFile: "),
    "empty": (_empty, "empty file (0 bytes)"),
    "wrong shape": (_wrong_shape, "sums is int64 (1, "),
    "copied over another": (_copy_of_another, "holds chunk 1, not 2 (copied or renamed?)"),
    "bad checksum": (_changed_counts, "its arrays do not match their checksum"),
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_chunk_is_named_and_recomputed(reference, tmp_path, kind):
    damage, reason = DAMAGE[kind]
    partial = _unfinished(reference, tmp_path)
    target = partial / "chunks" / "c000002.npz"
    damage(target)
    stale = partial / "chunks" / ".c000004.npz.x1y2z3.recsim.tmp"  # a killed write's
    stale.write_bytes(b"half")
    result = invoke(*SWEEP, "--resume", partial)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"warning: {target}: {reason}")
    assert result.output.splitlines()[0].endswith("; recomputing chunk 2")
    assert (partial / "sweep.csv").read_bytes() == (reference / "sweep.csv").read_bytes()
    assert json.loads((partial / "manifest.json").read_text())["chunks_resumed"] == 5
    rewritten, sound = _arrays(target), _arrays(reference / "chunks" / "c000002.npz")
    assert rewritten.keys() == sound.keys()
    for name, array in sound.items():
        np.testing.assert_array_equal(rewritten[name], array)
    assert not stale.exists()


def test_a_deleted_chunks_folder_is_made_again(reference, tmp_path):
    partial = _unfinished(reference, tmp_path)
    shutil.rmtree(partial / "chunks")
    result = invoke(*SWEEP, "--resume", partial)
    assert result.exit_code == 0, result.output
    assert (partial / "sweep.csv").read_bytes() == (reference / "sweep.csv").read_bytes()
    assert json.loads((partial / "manifest.json").read_text())["chunks_resumed"] == 0
    assert len(list((partial / "chunks").glob("c*.npz"))) == 6


def test_damaged_chunks_of_a_sensitivity_study_are_recomputed(tmp_path):
    finished = tmp_path / "sobol"
    result = invoke(*SOBOL, "--out", finished)
    assert result.exit_code == 0, result.output
    partial = _unfinished(finished, tmp_path)
    _truncate(partial / "chunks" / "c000003.npz")
    shutil.copyfile(partial / "chunks" / "c000004.npz", partial / "chunks" / "c000005.npz")
    resumed = invoke(*SOBOL, "--resume", partial)
    assert resumed.exit_code == 0, resumed.output
    warnings = [line for line in resumed.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2 and "c000003.npz" in warnings[0] and "c000005.npz" in warnings[1]
    for name in SOBOL_RESULTS:
        assert (partial / name).read_bytes() == (finished / name).read_bytes(), name
    assert json.loads((partial / "manifest.json").read_text())["chunks_resumed"] == 22


@pytest.mark.parametrize(("text", "key"), [
    ("[]", "Input should be an object"),
    ('{"fingerprint": 7, "study": {}, "chunks": 6}', "fingerprint: Input should be"),
    ('{"fingerprint": "ab", "study": [], "chunks": 6}', "study: Input should be"),
    ('{"fingerprint": "ab", "study": {}}', "chunks: Field required"),
    ('{"fingerprint": ', "Invalid JSON"),
])
def test_a_damaged_study_json_is_one_line_naming_the_key(reference, tmp_path, capsys, text,
                                                        key):
    partial = _unfinished(reference, tmp_path)
    (partial / "study.json").write_text(text)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in partial.rglob("*"))
    line = failing(capsys, *SWEEP, "--resume", partial)
    assert line.endswith("\n") and "\n" not in line[:-1]
    assert line.startswith(f"error: --resume {partial / 'study.json'}: damaged (")
    assert key in line and "--resume cannot continue it; start afresh with another --out" in line
    assert sorted((p.name, p.stat().st_mtime_ns) for p in partial.rglob("*")) == before


@pytest.fixture
def full_disk(monkeypatch):
    """``full_disk(when)``: flushing a file whose path ``when`` accepts fails with ENOSPC.

    A full disk reports itself when data is written or, with delayed allocation, when it
    is flushed; every checkpoint and result file is flushed (fsync) before it is renamed
    into place, so failing the flush fails the write the way a full disk does.
    """
    real = os.fsync

    def install(when):
        def fsync(fd: int) -> None:
            if when(os.readlink(f"/proc/self/fd/{fd}")):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    return install


def test_a_disk_full_at_the_start_leaves_nothing_in_the_way(reference, tmp_path, full_disk,
                                                           monkeypatch, capsys):
    out = tmp_path / "study"
    full_disk(lambda path: True)
    assert failing(capsys, *SWEEP, "--out", out) == (
        f"error: cannot write {out / 'study.json'}: No space left on device; the study did "
        "not start (nothing to --resume): free some space or choose another --out, then run the "
        "same command again\n")
    assert not out.exists()
    monkeypatch.undo()  # space freed
    again = invoke(*SWEEP, "--out", out)
    assert again.exit_code == 0, again.output
    assert (out / "sweep.csv").read_bytes() == (reference / "sweep.csv").read_bytes()


def test_what_a_study_that_never_started_left_is_accepted_by_out(reference, tmp_path, capsys):
    """An empty chunks/ (older versions made it before study.json) and a temporary file."""
    out = tmp_path / "study"
    (out / "chunks").mkdir(parents=True)
    (out / ".study.json.abc123.recsim.tmp").write_text("{")
    assert failing(capsys, *SWEEP, "--resume", out) == (
        f"error: --resume {out}: the study never started (no study.json), so there is "
        f"nothing to resume; start it with --out {out}\n")
    result = invoke(*SWEEP, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "sweep.csv").read_bytes() == (reference / "sweep.csv").read_bytes()
    assert not list(out.rglob(".*.tmp"))


def test_out_still_refuses_a_folder_with_files_of_its_own(tmp_path, capsys):
    out = tmp_path / "study"
    (out / "chunks").mkdir(parents=True)
    (out / ".notes.tmp").write_text("mine")
    assert failing(capsys, *SWEEP, "--out", out) == (
        f"error: {out}: already exists and is not empty (and is not a study); choose "
        "another --out\n")
    assert (out / ".notes.tmp").read_text() == "mine"


def test_a_disk_full_midway_is_continued_with_resume(reference, tmp_path, full_disk,
                                                    monkeypatch, capsys):
    out = tmp_path / "study"
    full_disk(lambda path: len(list((out / "chunks").glob("*.npz"))) >= 2)
    assert failing(capsys, *SWEEP, "--out", out) == (
        f"error: cannot write {out / 'chunks' / 'c000002.npz'}: No space left on device; "
        f"2 of 6 chunks are saved in {out}: free some space, then continue with --resume {out}\n")
    assert not list(out.rglob(".*.tmp"))
    monkeypatch.undo()
    resumed = invoke(*SWEEP, "--resume", out)
    assert resumed.exit_code == 0, resumed.output
    assert (out / "sweep.csv").read_bytes() == (reference / "sweep.csv").read_bytes()
    assert json.loads((out / "manifest.json").read_text())["chunks_resumed"] == 2


def test_a_disk_full_while_writing_results_is_continued_with_resume(
        reference, tmp_path, full_disk, monkeypatch, capsys):
    out = tmp_path / "study"
    full_disk(lambda path: path.endswith("sweep.csv"))
    assert failing(capsys, *SWEEP, "--out", out) == (
        f"error: cannot write {out / 'sweep.csv'}: No space left on device; the results "
        f"are incomplete (no manifest.json) but every chunk is saved in {out}: free some space, "
        f"then write them with --resume {out}\n")
    assert not (out / "manifest.json").exists() and not list(out.glob(".*"))
    monkeypatch.undo()
    resumed = invoke(*SWEEP, "--resume", out)
    assert resumed.exit_code == 0, resumed.output
    assert (out / "sweep.csv").read_bytes() == (reference / "sweep.csv").read_bytes()
    assert json.loads((out / "manifest.json").read_text())["chunks_resumed"] == 6
