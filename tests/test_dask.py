"""Dask executor: a LocalCluster on loopback gives exactly the serial result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine.dask_cluster import DaskExecutor
from sim.scenario.loading import load_scenario
from sim.study.design import grid_design, parse_range
from sim.study.sweep import StudyPlan, run_study

pytest.importorskip("dask.distributed")

pytestmark = pytest.mark.dask

SMALL = Path(__file__).resolve().parent / "data" / "study_small.toml"


def _square(x: int) -> int:
    return x * x


@pytest.fixture(scope="module")
def dask_executor():
    with DaskExecutor("local", workers=2, processes=False, window=1) as executor:
        yield executor


def test_map_unordered_returns_every_index_once(dask_executor):
    """More items than the in-flight window: results keep their indices."""
    results = dict(dask_executor.map_unordered(_square, list(range(25))))
    assert results == {i: i * i for i in range(25)}


def test_dask_gives_the_serial_result(dask_executor):
    ranges = [parse_range("thresholds.level_3=5:9:3", with_steps=True),
              parse_range("states.UZB.propensity=0:1:2", with_steps=True)]
    plan = StudyPlan(load_scenario(SMALL), tuple(r.path for r in ranges), grid_design(ranges),
                     runs=40, seed=11, chunk_runs=40)
    serial = run_study(plan)
    distributed = run_study(plan, executor=dask_executor)
    for name in ("runs", "sums", "squares", "months"):
        np.testing.assert_array_equal(getattr(distributed, name), getattr(serial, name))


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ConnectionError, match="cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1.0)
