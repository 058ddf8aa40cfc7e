"""Sensitivity analysis: known answers on the model and on pure noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.scenario.loading import load_scenario
from sim.study.design import parse_range
from sim.study.sensitivity import analyse, design_points, noise_floor, sample
from sim.study.sweep import StudyPlan, run_study, study_table

SMALL = Path(__file__).resolve().parent / "data" / "study_small.toml"
# The threshold of de jure recognition dominates; the other two provably do nothing:
# minerals carry weight 0 in this scenario, and Russia starts de jure in an irreversible
# model, so its own propensity can never move it or anyone else.
PARAMS = ("thresholds.level_3=5:9", "states.KAZ.minerals=0:3", "states.RUS.propensity=-2:2")
DOMINANT, *INERT = (p.split("=")[0] for p in PARAMS)
OUTCOMES = ("n_de_jure_ca", "p_de_jure:KAZ", "months_to_ca:2")


def _study(method, samples, **options):
    ranges = [parse_range(p, with_steps=False) for p in PARAMS]
    design = sample(method, ranges, samples, seed=3, **options)
    assert design.shape == (design_points(method, samples, 3, **options), 3)
    plan = StudyPlan(load_scenario(SMALL), tuple(r.path for r in ranges), design, runs=60,
                     seed=1, kind=method)
    table = study_table(plan, run_study(plan))
    results = {}
    for outcome in OUTCOMES:
        results[outcome] = analyse(
            method, ranges, design, table[outcome].to_numpy(float),
            table[f"{outcome}_se"].to_numpy(float), seed=5, outcome=outcome, **options)
    return results


def test_sobol_ranks_the_dominant_parameter_first_and_the_inert_near_zero():
    for outcome, result in _study("sobol", 32, second_order=False).items():
        table = result.table.set_index("param")
        assert table["ST"].idxmax() == DOMINANT, outcome
        assert table.loc[DOMINANT, "S1"] > 0.7, outcome
        for inert in INERT:
            # an inert parameter's ST is Monte Carlo noise: about the noise share
            assert table.loc[inert, "ST"] < max(0.05, 4 * result.noise), outcome
            assert abs(table.loc[inert, "S1"]) < 0.1, outcome
        assert 0 < result.noise < 0.05, outcome


def test_morris_ranks_the_dominant_parameter_first_and_the_inert_at_the_noise_floor():
    for outcome, result in _study("morris", 10).items():
        table = result.table.set_index("param")
        assert table["mu_star"].idxmax() == DOMINANT, outcome
        assert table.loc[DOMINANT, "mu_star"] > 10 * result.noise, outcome
        for inert in INERT:
            assert table.loc[inert, "mu_star"] < 3 * result.noise, outcome


def test_noise_floor_is_what_pure_noise_produces():
    """An outcome that is nothing but Monte Carlo noise of known s.e.: Sobol' sees a noise
    share of 1 and every ST near 1; Morris sees every mu* at the noise floor."""
    rng = np.random.default_rng(2)
    ranges = [parse_range("a=0:1", with_steps=False), parse_range("b=0:1", with_steps=False)]
    sigma = 0.3
    for method, samples, options in (("sobol", 512, {"second_order": False}),
                                     ("morris", 400, {})):
        design = sample(method, ranges, samples, seed=4, **options)
        values = rng.normal(5.0, sigma, len(design))
        errors = np.full(len(design), sigma)
        result = analyse(method, ranges, design, values, errors, seed=6, **options)
        index = "ST" if method == "sobol" else "mu_star"
        floor = noise_floor(method, values, errors)
        assert result.noise == pytest.approx(floor)
        np.testing.assert_allclose(result.table[index], floor, rtol=0.15)


def test_constant_outcome_has_undefined_indices():
    ranges = [parse_range("a=0:1", with_steps=False), parse_range("b=0:1", with_steps=False)]
    design = sample("sobol", ranges, 8, seed=1)
    result = analyse("sobol", ranges, design, np.ones(len(design)), np.zeros(len(design)),
                     seed=1)
    assert result.constant and result.table["ST"].isna().all()
