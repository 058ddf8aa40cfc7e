"""Study engine: designs, chunking, seeding, checkpoints and resuming."""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np
import pytest

from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.params import ParameterError
from sim.study.checkpoints import CheckpointStore, StudyMismatch
from sim.study.design import check_ranges, grid_design, parse_range, round_whole_numbers
from sim.study.sweep import StudyPlan, run_study, simulate_study_chunk, study_table

SMALL = Path(__file__).resolve().parent / "data" / "study_small.toml"


@pytest.fixture(scope="module")
def small():
    return load_scenario(SMALL)


def _plan(small, runs=30, chunk_runs=60, **kwargs):
    ranges = [parse_range("weights.social=2:6:3", with_steps=True),
              parse_range("states.KAZ.level=1:2:2", with_steps=True)]
    return StudyPlan(small, tuple(r.path for r in ranges), grid_design(ranges), runs=runs,
                     seed=5, chunk_runs=chunk_runs, **kwargs)


def _same(a, b):
    for name in ("runs", "sums", "squares", "months"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_grid_is_full_factorial_last_parameter_fastest():
    ranges = [parse_range("a=0:1:2", with_steps=True), parse_range("b=10:30:3", with_steps=True)]
    np.testing.assert_array_equal(
        grid_design(ranges), [[0, 10], [0, 20], [0, 30], [1, 10], [1, 20], [1, 30]])


@pytest.mark.parametrize(("text", "message"), [
    ("weights.social=6:2:3", "LO must be below HI"),
    ("weights.social=2:2:3", "LO must be below HI"),
    ("weights.social=2:6:0", "STEPS must be at least 2"),
    ("weights.social=2:6:1", "STEPS must be at least 2"),
    ("weights.social=2:6:x", "STEPS must be a whole number"),
    ("weights.social=a:6:3", "LO and HI must be numbers"),
    ("weights.social:2:6:3", "expected PATH=LO:HI:STEPS"),
    ("weights.social=2:6", "expected PATH=LO:HI:STEPS"),
])
def test_bad_ranges(text, message):
    with pytest.raises(ParameterError, match=message):
        parse_range(text, with_steps=True)


def test_range_checks_against_the_scenario(small):
    def check(*texts):
        check_ranges(small, [parse_range(t, with_steps=True) for t in texts], integral_grid=True)

    with pytest.raises(ParameterError, match="takes whole numbers"):
        check("states.KAZ.level=0:3:3")
    with pytest.raises(ParameterError, match="given twice"):
        check("weights.social=1:2:2", "weights.social=1:3:2")
    with pytest.raises(ScenarioError, match=r"weights\.social: Input should be less"):
        check("weights.social=0:500:3")
    check("states.KAZ.level=0:3:4", "ties.2.weight=0.5:2:4")


def test_sampled_whole_number_parameters_are_rounded(small):
    sampled = np.array([[1.4, 2.6], [2.5, 0.2], [3.6, 5.5]])
    rounded = round_whole_numbers(small, ("months", "weights.social"), sampled)
    assert rounded.tolist() == [[1, 2.6], [2, 0.2], [4, 5.5]]  # half to even, like np.rint
    assert sampled[0, 0] == 1.4  # the sample SALib analyses is left as it was


def test_chunking_does_not_change_the_result(small):
    """Cells are seeded by (design point, block), so chunk size is irrelevant."""
    _same(run_study(_plan(small, chunk_runs=1)), run_study(_plan(small, chunk_runs=10_000)))


def test_blocks_split_a_point_and_combine_exactly(small):
    plan = _plan(small, runs=25, block=10)
    assert [c[2] for c in plan.cells[:3]] == [10, 10, 5]
    tally = run_study(plan)
    assert (tally.runs == 25).all()
    table = study_table(plan, tally)
    assert list(table.columns[:4]) == ["point", "weights.social", "states.KAZ.level", "runs"]
    assert ((table["p_de_jure:KAZ"] >= 0) & (table["p_de_jure:KAZ"] <= 1)).all()
    assert (table["n_de_jure"] >= 1).all()  # Russia starts de jure and stays


def test_seeds_matter_and_social_weight_pushes_recognition(small):
    plan = _plan(small, runs=200, chunk_runs=400)
    table = study_table(plan, run_study(plan))
    other = StudyPlan(plan.scenario, plan.paths, plan.design, runs=200, seed=6, chunk_runs=400)
    assert not table.equals(study_table(other, run_study(other)))
    by_social = table.groupby("weights.social")["n_de_jure"].mean()
    assert by_social.is_monotonic_increasing and by_social.iloc[-1] > by_social.iloc[0] + 1


def test_interrupted_study_resumes_to_the_uninterrupted_result(small, tmp_path):
    plan = _plan(small, chunk_runs=30)
    chunks = len(plan.chunk_cells)
    assert chunks >= 4
    store = CheckpointStore(tmp_path, plan)
    store.create()

    class Interrupt(Exception):
        pass

    def save_then_die(index, tally):
        store.save(index, tally)
        if len(store.load()) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_study(plan, on_chunk=save_then_die)
    CheckpointStore(tmp_path, plan).check()
    done = CheckpointStore(tmp_path, plan).load()
    assert len(done) == 2
    recomputed = []
    resumed = run_study(plan, done=done, on_chunk=lambda i, t: recomputed.append(i))
    assert sorted(recomputed) == sorted(set(range(chunks)) - set(done))
    _same(resumed, run_study(plan))


def test_checkpoints_of_another_study_are_refused(small, tmp_path):
    CheckpointStore(tmp_path, _plan(small)).create()
    with pytest.raises(StudyMismatch, match="runs: 30 there, 40 now"):
        CheckpointStore(tmp_path, _plan(small, runs=40)).check()
    changed = load_scenario(SMALL).model_copy(update={"months": 12})
    with pytest.raises(StudyMismatch, match="scenario differs"):
        CheckpointStore(tmp_path, _plan(changed)).check()
    with pytest.raises(StudyMismatch, match=r"\(kind: sweep there, sobol now\);"):
        CheckpointStore(tmp_path, _plan(small, runs=40, kind="sobol")).check()
    with pytest.raises(StudyMismatch, match="not a study directory"):
        CheckpointStore(tmp_path / "elsewhere", _plan(small)).check()


def test_finished_models_are_released(small):
    """Mesa keeps every model in a class-level counter; a study must not pile them up."""
    ids = mesa.Agent._ids
    before = len(ids)
    run_study(_plan(small))
    assert len(ids) == before


def test_the_horizon_itself_can_be_swept(small):
    """Month outcomes are censored at each design point's own horizon."""
    ranges = [parse_range("months=4:24:3", with_steps=True)]
    plan = StudyPlan(small, ("months",), grid_design(ranges), runs=40, seed=2)
    assert plan.width == 25
    table = study_table(plan, run_study(plan))
    assert table["months"].tolist() == [4, 14, 24]
    assert (table["months_to_ca:5"] <= table["months"]).all()
    assert table["months_to_ca:5"].iloc[0] == 4  # five recognitions within 4 months: never
    assert table["n_de_jure"].is_monotonic_increasing


def test_damaged_or_foreign_chunk_files_are_recomputed(small, tmp_path):
    plan = _plan(small, chunk_runs=30)
    store = CheckpointStore(tmp_path, plan)
    store.create()
    expected = run_study(plan, on_chunk=store.save)
    store.chunk_file(0).write_bytes(b"not an npz file")
    foreign = CheckpointStore(tmp_path, _plan(small, chunk_runs=30, runs=31))
    foreign.save(1, simulate_study_chunk(plan.chunk(1)))  # right shape, another study
    done = store.load()
    assert 0 not in done and 1 not in done and len(done) == len(plan.chunk_cells) - 2
    _same(run_study(plan, done=done), expected)
