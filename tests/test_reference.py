"""The Mesa ensemble engine against the independent NumPy reference (sim/reference.py).

The two use different random streams, so they can only agree in distribution. For every
state we compare, with a chi-square test of homogeneity, the distribution of the final
level and of the first month at de jure recognition ("never" is its own category), and,
in a reversible scenario, of the first downgrade month. Sparse categories are pooled
with their neighbours so that every pooled category holds at least ``MIN_POOLED`` runs.

Tolerance: the family of all these tests has a false-alarm rate of at most ``ALPHA``
(Bonferroni: each test is held to ``ALPHA / number of tests``). The seeds are fixed, so
the outcome is deterministic; the perturbation tests show the check has the power to
see a social weight 5% off, a de jure threshold moved by 0.15 and missing downgrades
(at these seeds the smallest p-values are then below 1e-30, against a level near 3e-5,
while the unperturbed comparison's smallest p-value is about 0.03 of 30 tests).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from sim.engine.ensemble import EnsembleResult, run_ensemble
from sim.engine.reference import ReferenceDynamics, simulate_reference
from sim.scenario.loading import load_scenario, scenario_from_dict
from sim.scenario.schema import Scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"
RUNS = 20_000
ALPHA = 1e-3
MIN_POOLED = 40


def pooled_table(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2 x k counts of two integer samples over ordered categories, sparse ones pooled."""
    categories, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    counts = np.zeros((2, categories.size), dtype=np.int64)
    np.add.at(counts, (np.repeat([0, 1], [a.size, b.size]), inverse), 1)
    columns, current = [], np.zeros(2, dtype=np.int64)
    for column in counts.T:
        current = current + column
        if current.sum() >= MIN_POOLED:
            columns.append(current)
            current = np.zeros(2, dtype=np.int64)
    if current.sum() and columns:
        columns[-1] = columns[-1] + current
    elif current.sum():
        columns.append(current)
    return np.array(columns).T


def never_last(months: np.ndarray, horizon: int) -> np.ndarray:
    """First months with "never" (-1) moved after the horizon, so categories stay ordered."""
    return np.where(months < 0, horizon + 1, months)


def comparisons(a: EnsembleResult, b: EnsembleResult) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The samples compared per state: final level, first de jure month, first downgrade."""
    pairs = {}
    for i, state in enumerate(a.state_ids):
        pairs[f"{state} final level"] = (a.final_level[i], b.final_level[i])
        pairs[f"{state} first de jure month"] = (never_last(a.first_month[2, i], a.months),
                                                 never_last(b.first_month[2, i], b.months))
        pairs[f"{state} first downgrade month"] = (never_last(a.first_downgrade[i], a.months),
                                                   never_last(b.first_downgrade[i], b.months))
    return pairs


def disagreements(a: EnsembleResult, b: EnsembleResult) -> list[str]:
    """Comparisons whose chi-square p-value falls below the Bonferroni-corrected level."""
    p_values = {}
    for name, (x, y) in comparisons(a, b).items():
        table = pooled_table(x, y)
        if table.shape[1] > 1:  # one pooled category: nothing to compare
            p_values[name] = chi2_contingency(table).pvalue
    level = ALPHA / max(len(p_values), 1)
    return [f"{name}: p = {p:.2g} < {level:.2g}" for name, p in p_values.items() if p < level]


def with_changes(scenario: Scenario, **changes: object) -> Scenario:
    return scenario_from_dict(scenario.model_dump(by_alias=True) | changes)


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    """The baseline at its own parameters, without its history: the reference leaves shocks
    out, and draws are checked separately below."""
    return with_changes(load_scenario(BASELINE), history=[], uncertainty={})


@pytest.fixture(scope="module")
def reversible(baseline: Scenario) -> Scenario:
    """The baseline with downgrades allowed and a low downgrade threshold, so they happen."""
    thresholds = baseline.thresholds.model_dump() | {"downgrade": 1.0}
    return with_changes(baseline, model={"reversible": True}, thresholds=thresholds, months=36)


@pytest.fixture(scope="module")
def engine_baseline(baseline: Scenario) -> EnsembleResult:
    return run_ensemble(baseline, RUNS, seed=101)


@pytest.fixture(scope="module")
def engine_reversible(reversible: Scenario) -> EnsembleResult:
    return run_ensemble(reversible, RUNS // 2, seed=102)


def test_pooled_table_pools_sparse_categories_in_order() -> None:
    a = np.array([0] * 50 + [1] * 3 + [2] * 60)
    b = np.array([0] * 45 + [1] * 4 + [3] * 70)
    # 0: 95 runs; 1 (7 runs) is pooled with 2 (60); 3: 70.
    assert pooled_table(a, b).tolist() == [[50, 63, 0], [45, 4, 70]]


def test_engine_agrees_with_reference_on_baseline(baseline, engine_baseline) -> None:
    reference = simulate_reference(baseline, RUNS, seed=201)
    assert disagreements(engine_baseline, reference) == []


def test_engine_agrees_with_reference_when_reversible(reversible, engine_reversible) -> None:
    assert (engine_reversible.first_downgrade >= 0).mean() > 0.05  # downgrades do happen
    reference = simulate_reference(reversible, RUNS // 2, seed=202)
    assert disagreements(engine_reversible, reference) == []


def test_check_detects_a_different_social_weight(baseline, engine_baseline) -> None:
    dynamics = ReferenceDynamics.from_scenario(baseline)
    perturbed = dataclasses.replace(dynamics, social_weight=dynamics.social_weight * 0.95)
    reference = perturbed.simulate(RUNS, np.random.default_rng(201))
    assert disagreements(engine_baseline, reference) != []


def test_check_detects_a_shifted_de_jure_threshold(baseline, engine_baseline) -> None:
    dynamics = ReferenceDynamics.from_scenario(baseline)
    thresholds = dynamics.threshold_rung + np.array([[0.0], [0.0], [0.15]])
    perturbed = dataclasses.replace(dynamics, threshold_rung=thresholds)
    reference = perturbed.simulate(RUNS, np.random.default_rng(201))
    assert disagreements(engine_baseline, reference) != []


def test_check_detects_missing_downgrades(reversible, engine_reversible) -> None:
    dynamics = dataclasses.replace(ReferenceDynamics.from_scenario(reversible), reversible=False)
    reference = dynamics.simulate(RUNS // 2, np.random.default_rng(202))
    assert disagreements(engine_reversible, reference) != []


def test_reference_hazard_matches_hand_computation() -> None:
    """Two states, one month: A (level 0) climbs with logistic(1 + 2 * 1 - 2) = logistic(1)."""
    scenario = scenario_from_dict({
        "name": "pair", "months": 1,
        "weights": {"social": 2.0},
        "thresholds": {"level_1": 2.0, "level_2": 4.0, "level_3": 6.0},
        "states": {"A": {"name": "A", "level": 0, "propensity": 1.0},
                   "B": {"name": "B", "level": 1, "propensity": 3.0}},
        "ties": [{"from": "A", "to": "B"}],
    })
    result = simulate_reference(scenario, 40_000, seed=3)
    # B, at contacts, sees no partner at de facto: logistic(3 + 0 - 4) = logistic(-1).
    for i, expected in ((0, 1 / (1 + np.exp(-1.0))), (1, 1 / (1 + np.exp(1.0)))):
        moved = (result.final_level[i] > scenario.states["AB"[i]].level).mean()
        assert moved == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / 40_000))


def test_reference_known_limits(baseline) -> None:
    still = with_changes(baseline, weights={"social": 0.0},
                         thresholds={"level_1": 100.0, "level_2": 100.0, "level_3": 100.0,
                                     "downgrade": 100.0})
    result = simulate_reference(still, 200, seed=4)
    assert (result.final_level == np.array([s.level for s in baseline.states.values()])[:, None]
            ).all()
    states = {k: v.model_dump() | {"level": 0, "propensity": 100.0}
              for k, v in baseline.states.items()}
    eager = with_changes(baseline, states=states, months=5, events={})  # all start at 0
    result = simulate_reference(eager, 50, seed=4)
    assert (result.first_month == 1).all()  # every hazard ~1: all rungs in the first month
    assert (result.final_level == 3).all()


def test_engine_agrees_with_reference_when_parameters_vary_by_replicate(baseline) -> None:
    """Per-replicate weights and thresholds: one code path in the engine, another in the
    reference; the same values for the same replicates, so the distributions must agree."""
    from sim.model.parameters import ReplicateValues

    rng = np.random.default_rng(9)
    paths = ("weights.social", "thresholds.level_3", "states.KAZ.propensity")
    values = ReplicateValues(paths, np.column_stack([
        rng.choice([2.0, 6.0], RUNS // 2), rng.choice([6.0, 9.0], RUNS // 2),
        rng.normal(0.5, 1.0, RUNS // 2)]))
    engine = run_ensemble(baseline, RUNS // 2, seed=103, values=values)
    reference = simulate_reference(baseline, RUNS // 2, seed=203, values=values)
    assert disagreements(engine, reference) == []
    # and the values matter: the same comparison against fixed parameters fails
    assert disagreements(engine, simulate_reference(baseline, RUNS // 2, seed=203)) != []
