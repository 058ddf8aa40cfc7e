"""Files no scenario should be: devices, pipes, huge or absurdly nested files
(sim/scenario/bounded.py). Each is refused in one line with exit status 2, and in a batch
it fails only its own scenario.

Commands that could read without end or block run in a child process with a memory limit
and a timeout, so a regression fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.scenario.bounded import EDGE_LIST_LIMIT, SCENARIO_LIMIT

TINY = Path(__file__).parent / "data" / "tiny.toml"
DEEP = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _limited() -> None:
    limit = 4 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def recsim(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``recsim ARGS`` in a child with 4 GB of address space and a minute to answer."""
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=60, preexec_fn=_limited,
                          check=False)


def refused_in_one_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def _tiny_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(TINY.read_text() + extra)
    return path


def test_dev_zero_is_refused_without_reading_it(tmp_path):
    refused_in_one_line(recsim("validate", "/dev/zero", cwd=tmp_path),
                        "/dev/zero: is a device, not a file; give a scenario file (.toml)")


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    refused_in_one_line(recsim("validate", "pipe.toml", cwd=tmp_path),
                        "pipe.toml: is a named pipe (FIFO), not a file")


def test_a_scenario_over_the_size_limit_is_refused(tmp_path):
    # valid TOML (a long comment), so only the size can be wrong with it
    path = _tiny_with(tmp_path, "# " + "x" * SCENARIO_LIMIT + "\n")
    result = invoke("validate", path)
    assert result.exit_code == 2, result.output
    assert f"{path}: is 4.0 MB" in result.output
    assert "a scenario file (.toml) may be at most 4 MB" in result.output


def test_toml_nested_100000_deep_is_one_line(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text('name = "deep"\n' + DEEP)
    result = invoke("validate", path)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (f"error: {path}: tables or arrays nested too deeply to "
                                     "read (hundreds of levels); a scenario nests a few levels "
                                     "at most (see docs/scenarios.md)")


def test_a_long_chain_of_extends_is_one_line(tmp_path):
    (tmp_path / "c70.toml").write_text(TINY.read_text())
    for i in range(70):
        (tmp_path / f"c{i}.toml").write_text(f'extends = "c{i + 1}.toml"\nname = "c{i}"\n')
    result = invoke("validate", tmp_path / "c0.toml")
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert "c0.toml: extends: more than 64 files in a chain of extends" in result.output


# (the file a scenario names, how to make it hostile, the message)
NAMED_FILES = {
    "event log pipe": ('[events]\nlog = "log.csv"\n', lambda p: os.mkfifo(p / "log.csv"),
                       "log.csv: is a named pipe (FIFO), not a file; give an event log"),
    "draws pipe": ('[uncertainty]\ndraws = "draws.csv"\n',
                   lambda p: os.mkfifo(p / "draws.csv"),
                   "draws.csv: cannot read: is a named pipe (FIFO), not a file"),
    "edge list /dev/zero": ('[network]\nedges = "edges.csv"\n',
                            lambda p: (p / "edges.csv").symlink_to("/dev/zero"),
                            "edges.csv: file: is a device, not a file; give an edge list"),
    "edge list too large": (
        '[network]\nedges = "edges.csv"\n',
        lambda p: os.truncate(_touch(p / "edges.csv"), EDGE_LIST_LIMIT + 1),
        "edges.csv: file: is 512.0 MB (536,870,913 bytes); an edge list (.csv) may be at "
        "most 512 MB"),
}


def _touch(path: Path) -> Path:
    path.write_text("source,target\n")
    return path


@pytest.mark.parametrize("what", list(NAMED_FILES))
def test_files_a_scenario_names_are_refused_in_one_line(tmp_path, what):
    table, make, message = NAMED_FILES[what]
    _tiny_with(tmp_path, table)
    make(tmp_path)
    refused_in_one_line(recsim("validate", "mine.toml", cwd=tmp_path), message)


def test_an_event_log_field_longer_than_csv_allows(tmp_path):
    (tmp_path / "log.csv").write_text('date,state,level_after\n2025-01-01,"' + "K" * 200_000
                                      + '",1\n')
    path = _tiny_with(tmp_path, '[events]\nlog = "log.csv"\n')
    result = invoke("validate", path)
    assert result.exit_code == 2, result.output
    assert "log.csv: line 2: not valid CSV: field larger than field limit" in result.output


def test_a_batch_goes_on_past_a_hostile_file(tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY.read_text())
    (tmp_path / "deep.toml").write_text('name = "deep"\n' + DEEP)
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "folder.toml").mkdir()
    result = recsim("batch", "deep.toml", "pipe.toml", "folder.toml", "tiny.toml", "--runs", 10,
                    "--out", "out", "--quiet", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "3 of 4 scenarios failed" in result.stderr
    assert "folder.toml: is a directory" in result.stderr
    assert "deep.toml: tables or arrays nested too deeply" in result.stderr
    assert "pipe.toml: is a named pipe (FIFO)" in result.stderr
    assert result.stdout.strip().splitlines()[-1] == "out"
    assert (tmp_path / "out" / "tiny" / "summary.csv").is_file()
    failed = json.loads((tmp_path / "out" / "batch.json").read_text())["failed"]
    assert [f["file"] for f in failed] == ["deep.toml", "pipe.toml", "folder.toml"]
