"""Stopped commands (SIGKILL, SIGTERM), full disks and what they leave behind.

Processes are real here: a command runs as a subprocess, is signalled once its worker
processes exist, and every process it started must be gone a few seconds later.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
RECSIM = [sys.executable, "-m", "sim"]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="processes and signals as Linux has them")


def _parents() -> dict[int, int]:
    """Every live process's parent (from /proc), so a test needs no psutil."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            if fields[0] != "Z":  # a zombie has ended; only its parent has not asked yet
                parents[int(entry.name)] = int(fields[1])
    return parents


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_parents())


def _wait_for(condition, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def _start(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    out, err = (cwd / "stdout.txt").open("wb"), (cwd / "stderr.txt").open("wb")
    return subprocess.Popen([*RECSIM, *args], cwd=cwd, stdout=out, stderr=err,
                            stdin=subprocess.DEVNULL, env=os.environ | {"PYTHONPATH": str(ROOT)})


def _started_workers(process: subprocess.Popen[bytes], workers: int) -> set[int]:
    """Wait until ``process`` has its resource tracker, fork server and ``workers`` workers."""
    _wait_for(lambda: len(_descendants(process.pid)) >= 2 + workers or process.poll() is not None,
              "worker processes")
    assert process.poll() is None, f"ended early, with status {process.returncode}"
    return _descendants(process.pid)


def _all_gone(pids: set[int]) -> None:
    """Wait for ``pids`` to end; kill those that do not (and fail), so that a failing test
    leaves no worker busy behind it."""
    try:
        _wait_for(lambda: not _alive(pids), "the processes to end", 20.0)
    except AssertionError:
        left = _alive(pids)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        raise AssertionError(f"processes {sorted(left)} outlived their command") from None


def test_workers_end_when_their_run_is_killed(tmp_path):
    """kill -9 leaves no worker, fork server or resource tracker behind (each held the
    others alive, and the caller's output, for good)."""
    process = _start(["run", str(BASELINE), "--runs", "200000", "--workers", "2", "--quiet",
                      "--out", "X"], tmp_path)
    started = _started_workers(process, 2)
    process.kill()
    process.wait()
    _all_gone(started)
    assert not (tmp_path / "X").exists()


@pytest.mark.parametrize("command", ["run", "batch"])
def test_sigterm_cleans_up_as_ctrl_c_does(tmp_path, command):
    """One line, exit status 143, no temporary directory and no process left."""
    extra = [str(BASELINE)] if command == "batch" else []
    process = _start([command, str(BASELINE), *extra, "--runs", "200000", "--workers", "2",
                      "--quiet", "--out", "X"], tmp_path)
    started = _started_workers(process, 2)
    if command == "batch":  # its temporary directory is there from the start
        _wait_for(lambda: any(tmp_path.glob(".X.*")), "the temporary directory")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 143
    assert (tmp_path / "stderr.txt").read_text() == "error: terminated\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stderr.txt", "stdout.txt"]
    _all_gone(started)


DRAWING = """
import sys, time
from sim.cli.drawing import Renderer
renderer = Renderer(workers=2)
for _ in range(4):
    renderer._pool.submit(time.sleep, 0.1)
print("ready", flush=True)
time.sleep(600)
"""


def test_drawing_workers_end_with_their_owner(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", DRAWING], stdout=subprocess.PIPE,
                               cwd=tmp_path, env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert process.stdout.readline() == b"ready\n"
    started = _started_workers(process, 2)
    process.kill()
    process.wait()
    process.stdout.close()
    _all_gone(started)


def test_a_file_size_limit_is_one_line_and_leaves_nothing(tmp_path):
    """``ulimit -f`` makes writes fail (EFBIG) instead of killing the command (SIGXFSZ)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = subprocess.run([*RECSIM, "run", str(ROOT / "tests" / "data" / "tiny.toml"), "--quiet",
                           "--out", "X"], cwd=tmp_path, capture_output=True, text=True,
                          preexec_fn=limit, env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: X/") and done.stderr.count("\n") == 1, done.stderr
    assert "(File too large)" in done.stderr and "ulimit -f" in done.stderr
    assert list(tmp_path.iterdir()) == []


# -- temporaries a killed command left ------------------------------------------------------


def test_leftover_of_a_dead_writer_is_removed_and_a_live_ones_kept(tmp_path):
    import fcntl

    from sim.results.files import atomic_write_bytes

    dead = tmp_path / ".X.abcd1234.recsim.tmp"  # nobody holds its lock: its writer is gone
    (dead / "sub").mkdir(parents=True)
    (dead / "sub" / "runs.parquet").write_bytes(b"x" * 1000)
    live = tmp_path / ".Y.efgh5678.recsim.tmp"
    live.mkdir()
    handle = os.open(live, os.O_RDONLY)  # as a running command holds it
    fcntl.flock(handle, fcntl.LOCK_EX)
    other = tmp_path / ".cache.tmp"  # not ours
    other.write_text("keep")
    try:
        atomic_write_bytes(tmp_path / "report.html", b"<html/>")
    finally:
        os.close(handle)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".Y.efgh5678.recsim.tmp",
                                                          ".cache.tmp", "report.html"]


def test_leftover_of_a_killed_process_is_removed_by_the_next_write(tmp_path):
    """A real owner, killed while it holds its temporary directory."""
    code = ("import sys, time; from pathlib import Path; "
            "from sim.results.temporary import temporary_sibling\n"
            "with temporary_sibling(Path(sys.argv[1]), directory=True) as temp:\n"
            "    print(temp, flush=True); time.sleep(600)\n")
    process = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "X")],
                               stdout=subprocess.PIPE, env=os.environ | {"PYTHONPATH": str(ROOT)})
    temp = Path(process.stdout.readline().decode().strip())
    from sim.results.files import atomic_directory

    try:
        with atomic_directory(tmp_path / "Y"):
            pass
        assert temp.is_dir()  # alive: kept
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    from sim.results import temporary

    temporary._swept.clear()  # a new command, as far as leftovers go
    with atomic_directory(tmp_path / "Z"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Y", "Z"]


def test_leftover_of_an_earlier_version_is_reported_not_removed(tmp_path, capsys):
    import warnings

    from sim.cli import _show_warning
    from sim.results.files import atomic_write_bytes
    from sim.results.temporary import LeftoverWarning

    old = tmp_path / ".X.abcd1234.tmp"  # no lock to ask: it might be a live run's
    old.mkdir()
    with pytest.warns(LeftoverWarning) as caught:
        atomic_write_bytes(tmp_path / "a.csv", b"a")
        atomic_write_bytes(tmp_path / "b.csv", b"b")  # a directory is looked at once
    assert len(caught) == 1 and old.is_dir()
    _show_warning(warnings.showwarning, caught[0].message, caught[0].category, "", 0)
    assert capsys.readouterr().err == (
        f"warning: {old}: a temporary that a stopped recsim command may have left; "
        "delete it if no recsim command is writing there\n")


def test_two_writers_racing_for_one_directory_do_not_disturb_each_other(tmp_path):
    from sim.results.files import atomic_directory

    with pytest.raises(OSError), atomic_directory(tmp_path / "X") as first:
        (first / "a.csv").write_text("first")
        with atomic_directory(tmp_path / "X") as second:
            (second / "a.csv").write_text("second")
            assert first.is_dir()  # the second writer's sweep left the first one's alone
    # the second finished first and keeps X; the first could not replace it, and its
    # temporary directory went
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X"]
    assert [p.read_text() for p in (tmp_path / "X").iterdir()] == ["second"]


# -- full disks ---------------------------------------------------------------------------


def _no_room(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_atomic_write_leaves_no_temporary_when_flushing_or_renaming_fails(
        tmp_path, monkeypatch, failing):
    from sim.results.files import atomic_write_bytes

    monkeypatch.setattr(os, failing, _no_room)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_bytes(tmp_path / "a.png", b"png")
    assert list(tmp_path.iterdir()) == []


def test_directory_is_flushed_before_it_appears(tmp_path, monkeypatch):
    """A full disk may say so only when data reaches it: then the directory never appears."""
    from sim.results.files import atomic_directory

    monkeypatch.setattr(os, "fsync", _no_room)
    with pytest.raises(OSError), atomic_directory(tmp_path / "X") as temp:
        (temp / "a.csv").write_text("a")
    assert list(tmp_path.iterdir()) == []


def test_batch_stops_simulating_once_it_cannot_write(tmp_path, monkeypatch, capsys):
    import importlib

    from sim.cli import main

    saving = importlib.import_module("sim.cli.saving")
    ensemble = importlib.import_module("sim.engine.ensemble")
    simulated = []
    run_ensemble = ensemble.run_ensemble

    def counted(scenario, *args, **kwargs):
        simulated.append(scenario.name)
        return run_ensemble(scenario, *args, **kwargs)

    def full(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(ensemble, "run_ensemble", counted)
    monkeypatch.setattr(saving, "write_parquet", full)
    out = tmp_path / "B"
    with pytest.raises(SystemExit) as exit_info:
        main(["batch", str(BASELINE), str(BASELINE), "--runs", "20", "--quiet",
              "--out", str(out)])
    assert exit_info.value.code == 2
    assert simulated == ["baseline"]  # not the second scenario (the baseline has no shocks,
    # so no counterfactual either)
    err = capsys.readouterr().err
    assert err == f"error: {out / 'baseline' / 'runs.parquet'}: cannot write results (No " \
                  "space left on device); nothing was written and there is nothing to " \
                  "--resume: free some space, then run the command again\n"
    assert list(tmp_path.iterdir()) == []


STOPPED_POOL = """
from sim.engine.process import ProcessExecutor
from big_work import big

if __name__ == "__main__":
    for attempt in range(10):
        try:
            for done, _ in enumerate(ProcessExecutor(2).map_unordered(big, [b""] * 1000)):
                if done == 3:  # as Ctrl-C would, while the workers send results
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            print("stopped", flush=True)
"""


def test_a_stopped_pool_does_not_wait_for_its_workers(tmp_path):
    """Stopping (Ctrl-C, SIGTERM) kills busy workers and does not hang on the pipes that
    joined them: a result half sent, work half received. Each of those hangs comes about
    one stop in six, so this stops ten pools."""
    (tmp_path / "big_work.py").write_text("def big(item):\n    return bytes(30_000_000)\n")
    (tmp_path / "stop.py").write_text(STOPPED_POOL)
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    done = subprocess.run([sys.executable, "stop.py"], capture_output=True, text=True,
                          env=env, timeout=120, cwd=tmp_path)
    assert done.stdout == "stopped\n" * 10, done.stderr


def test_signals_wait_for_the_check_within_a_deferring_block():
    """As calibration's sampler uses it: a SIGTERM inside emcee would print its traceback."""
    from sim.engine.process import signals_deferred

    seen = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: seen.append(number))
    try:
        with signals_deferred() as check:
            signal.raise_signal(signal.SIGTERM)
            signal.raise_signal(signal.SIGINT)
            assert seen == []
            with pytest.raises(KeyboardInterrupt):  # each handler, in the order sent
                check()
            assert seen == [signal.SIGTERM]
            check()  # nothing more is pending
            assert seen == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        signal.raise_signal(signal.SIGTERM)
        assert seen == [signal.SIGTERM] * 2
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_second_sigterm_does_not_break_into_the_clean_up_of_the_first():
    """SIGTERM's handler ignores a second one while the first is cleaned up; a deferred
    SIGTERM (calibration's sampler) must not put the handler back for the clean-up."""
    from sim.cli.signals import Terminated, stop_on_sigterm
    from sim.engine.process import signals_deferred

    with stop_on_sigterm():
        with pytest.raises(Terminated), signals_deferred() as check:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # the handler runs between bytecodes: let it
            check()
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN


def _set_results(futures) -> bool:
    """Whether another thread, as a pool's own does, can finish every one of ``futures``."""
    import threading

    setter = threading.Thread(target=lambda: [f.set_result(None) for f in futures], daemon=True)
    setter.start()
    setter.join(timeout=10)
    return not setter.is_alive()


def test_ctrl_c_between_the_locks_of_a_wait_leaves_none_held(monkeypatch):
    """``concurrent.futures.wait`` takes its futures' locks one at a time. A Ctrl-C or
    SIGTERM raised after the first left it held for good: the pool's thread then hung
    setting a result, and the command hung joining it (CI, ``recsim run`` stopped by
    SIGTERM). Here the signal comes exactly there."""
    import concurrent.futures as cf
    import concurrent.futures._base as base

    from sim.engine.process import wait_first

    sent = []

    def enter(self) -> None:  # _AcquireFutures.__enter__, signalled after the first lock
        for future in self.futures:
            future._condition.acquire()
            if not sent:
                sent.append(True)
                signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(base._AcquireFutures, "__enter__", enter)
    futures = [cf.Future() for _ in range(4)]
    with pytest.raises(KeyboardInterrupt):
        wait_first(futures)
    finished = _set_results(futures)
    if not finished:  # let the setter go, so that the failing test leaves no thread behind
        for future in futures:
            with contextlib.suppress(RuntimeError):
                future._condition.release()
    assert sent and finished, "a future's lock was left held"


def test_wait_first_returns_what_finished_and_raises_a_signal_sent_while_waiting():
    import concurrent.futures as cf
    import threading

    from sim.engine.process import wait_first

    futures = [cf.Future() for _ in range(3)]
    futures[1].set_result(7)
    assert wait_first(futures) == {futures[1]}
    waiting = futures[::2]
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    rescue = threading.Timer(30, futures[0].set_result, (None,))  # should it not be raised
    rescue.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            wait_first(waiting)
    finally:
        rescue.cancel()
    assert _set_results(waiting)


def test_stopping_a_pool_whose_pipes_its_own_thread_closed_is_quiet():
    """The pool's manager thread may close a pipe just before _kill_workers does (EBADF);
    SIGTERM's clean-up then ended in 'error: Bad file descriptor' (exit 2, not 143)."""
    from sim.engine.process import owned_pool, stop_pool, worker_context

    pool = owned_pool(1, worker_context())
    assert pool.submit(abs, -1).result(timeout=60) == 1
    os.close(pool._result_queue._writer.fileno())  # as if the manager thread had closed it
    stop_pool(pool, wait=False)


def test_ctrl_c_while_the_workers_server_imports_stops_the_engine_at_once(tmp_path):
    """The engine's pool forks its first worker inside ``submit``, where Ctrl-C waits; so a
    Ctrl-C while the fork server was still importing waited for it (up to about a second
    of a real run). The wait now happens before, with nothing held. Here the server's
    imports wait for a file that appears 30 s after the Ctrl-C, unless the test ends first."""
    release = tmp_path / "release"
    (tmp_path / "slow_import.py").write_text(
        "import pathlib, time\n"
        f"while not pathlib.Path({str(release)!r}).exists():\n"
        "    time.sleep(0.05)\n")
    code = ("import os, signal, threading, time\n"
            "import sim.engine.process as process\n"
            "process._PRELOAD.append('slow_import')  # the server imports it first\n"
            "threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
            f"threading.Timer(31.0, open, ({str(release)!r}, 'w')).start()\n"
            "started = time.monotonic()\n"
            "try:\n"
            "    list(process.ProcessExecutor(2).map_unordered(abs, [-1, -2]))\n"
            "except KeyboardInterrupt:\n"
            "    print('stopped within 10 s:', time.monotonic() - started < 10)\n"
            f"open({str(release)!r}, 'w').close()\n"
            "os._exit(0)\n")
    environment = os.environ | {"PYTHONPATH": str(tmp_path)}  # the server's path too
    try:
        printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 cwd=ROOT, timeout=120, env=environment).stdout.strip()
    finally:
        release.touch()  # whatever happened, let the server finish and end
    assert printed == "stopped within 10 s: True"
