"""Reproducibility of the ensemble engine: workers, seeds and chunk scheduling."""

from __future__ import annotations

import gc
import random
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.special import expit

import sim.engine.ensemble as ensemble
from sim.cli import cli
from sim.engine.ensemble import (
    CHUNK_SIZE,
    EnsembleResult,
    plan_chunks,
    run_ensemble,
    simulate_chunk,
)
from sim.engine.process import ProcessExecutor
from sim.model.agents import _pick_rows
from sim.model.hazards import logistic
from sim.scenario.loading import load_scenario, scenario_from_dict
from sim.scenario.schema import Scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"
RUNS = CHUNK_SIZE + 1000  # two chunks, the second one short
MONTHS = 24
OUTPUTS = ("summary.csv", "curve.csv", "runs.parquet")
FIELDS = ("final_level", "first_month", "first_downgrade", "de_jure", "de_facto")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """The baseline, shorter, with downgrades allowed so that every output field varies."""
    base = load_scenario(BASELINE)
    thresholds = base.thresholds.model_dump() | {"downgrade": 1.0}
    return scenario_from_dict(base.model_dump(by_alias=True) | {
        "months": MONTHS, "model": {"reversible": True}, "thresholds": thresholds})


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Results directories from ``recsim run`` with different seeds and worker counts."""
    root = tmp_path_factory.mktemp("runs")
    runner = CliRunner()
    dirs = {}
    for name, seed, workers in (("w1", 7, 1), ("w2", 7, 2), ("again", 7, 1), ("seed8", 8, 1)):
        out = root / name
        result = runner.invoke(cli, [
            "run", str(BASELINE), "--runs", str(RUNS), "--months", str(MONTHS),
            "--seed", str(seed), "--workers", str(workers), "--out", str(out), "--quiet",
        ])
        assert result.exit_code == 0, result.output
        assert result.output.strip().splitlines()[-1] == str(out)
        dirs[name] = out
    return dirs


def same_result(a: EnsembleResult, b: EnsembleResult) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in FIELDS)


def test_cli_runs_span_more_than_one_chunk(scenario: Scenario) -> None:
    assert len(plan_chunks(scenario, RUNS, 7)) == 2


@pytest.mark.parametrize("output", OUTPUTS)
def test_cli_one_and_two_workers_write_identical_bytes(cli_runs, output) -> None:
    assert (cli_runs["w1"] / output).read_bytes() == (cli_runs["w2"] / output).read_bytes()


@pytest.mark.parametrize("output", OUTPUTS)
def test_cli_same_seed_reproduces_bytes(cli_runs, output) -> None:
    assert (cli_runs["w1"] / output).read_bytes() == (cli_runs["again"] / output).read_bytes()


@pytest.mark.parametrize("output", OUTPUTS)
def test_cli_different_seed_differs(cli_runs, output) -> None:
    assert (cli_runs["w1"] / output).read_bytes() != (cli_runs["seed8"] / output).read_bytes()


class ShuffledExecutor:
    """Runs chunks in a random order and hands them back in that order."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]
                      ) -> Iterator[tuple[int, Any]]:
        order = list(range(len(items)))
        random.Random(self.seed).shuffle(order)
        for index in order:
            yield index, fn(items[index])


def test_results_do_not_depend_on_chunk_order(scenario: Scenario) -> None:
    serial = run_ensemble(scenario, 2500, 3, chunk_size=500)
    for seed in (0, 1):
        assert same_result(serial, run_ensemble(scenario, 2500, 3, chunk_size=500,
                                                executor=ShuffledExecutor(seed)))


def test_process_pool_matches_serial(scenario: Scenario) -> None:
    serial = run_ensemble(scenario, 1200, 5, chunk_size=400)
    assert same_result(serial, run_ensemble(scenario, 1200, 5, chunk_size=400,
                                            executor=ProcessExecutor(2)))


def test_a_chunk_depends_only_on_its_own_seed(scenario: Scenario) -> None:
    whole = run_ensemble(scenario, 1500, 9, chunk_size=500)
    third = simulate_chunk(plan_chunks(scenario, 1500, 9, chunk_size=500)[2])
    assert np.array_equal(whole.final_level[:, 1000:], third.final_level)
    assert np.array_equal(whole.first_month[:, :, 1000:], third.first_month)


def test_seeds_give_different_ensembles(scenario: Scenario) -> None:
    assert not same_result(run_ensemble(scenario, 300, 1), run_ensemble(scenario, 300, 2))


def test_chunk_models_are_freed(scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mesa 3.3 would keep every chunk's model alive (mesa#3179) without ``_let_go``."""
    made = []

    class Tracked(ensemble.RecognitionModel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(ensemble, "RecognitionModel", Tracked)
    run_ensemble(scenario, 30, 1, chunk_size=10)
    gc.collect()
    assert len(made) == 3
    assert [ref() for ref in made] == [None, None, None]


def test_logistic_is_expit() -> None:
    x = np.concatenate([np.linspace(-40, 40, 801), [-1e4, 1e4, -np.inf, np.inf, 0.0]])
    with np.errstate(over="raise"):
        assert np.allclose(logistic(x), expit(x), rtol=1e-14, atol=0)
    assert logistic(0.0) == 0.5


def test_pick_rows_gathers_one_row_per_column() -> None:
    rng = np.random.default_rng(0)
    rows = rng.random((3, 300))  # wide enough that int8 index arithmetic would overflow
    which = rng.integers(0, 3, 300)
    expected = np.take_along_axis(rows, which[None, :], axis=0)[0]
    assert np.array_equal(_pick_rows(rows, which), expected)
    assert np.array_equal(_pick_rows(rows, which.astype(np.int8)), expected)
    strided = rng.random((3, 4, 300))[:, 1, :]  # not contiguous
    assert np.array_equal(_pick_rows(strided, which),
                          np.take_along_axis(strided, which[None, :], axis=0)[0])
