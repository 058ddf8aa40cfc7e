"""The scenario library: every file validates, is documented, and moves outcomes the right way.

Direction tests compare each scenario with the baseline on the same seed. Shocks draw from
their own child generator, so the two share the agents' random draws (common random
numbers) and the per-run differences are paired; an effect must exceed three standard
errors of the paired mean difference, i.e. it is not noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sim.engine.ensemble import EnsembleResult, run_ensemble
from sim.scenario.ladder import DE_FACTO, DE_JURE
from sim.scenario.loading import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
REQUIRED = ("baseline", "china_first", "gulf_first", "iskp_attack_tapi", "iskp_random_attacks",
            "qosh_tepa_water_crisis", "tajik_deal", "western_pressure", "casa1000_online")
RUNS = 1000
SEED = 20250703
# Source tags defined in the header of baseline.toml.
TAGS = {"seed", "events", "shocks", "states", "1997", "judgement"}
CENTRAL_FOUR = ("KAZ", "KGZ", "TKM", "UZB")


def files() -> list[Path]:
    return sorted(LIBRARY.glob("*.toml"))


def test_library_has_the_required_scenarios():
    assert set(REQUIRED) <= {path.stem for path in files()}


@pytest.mark.parametrize("path", files(), ids=lambda p: p.stem)
def test_scenario_loads_and_is_named_after_its_file(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem


@pytest.mark.parametrize("path", [p for p in files() if p.stem != "baseline"],
                         ids=lambda p: p.stem)
def test_scenario_extends_baseline_asks_a_question_and_sources_every_number(path):
    text = path.read_text()
    assert re.search(r'^extends = "baseline.toml"', text, re.M)
    scenario = load_scenario(path)
    assert "?" in scenario.description, "the description should state the question it answers"
    assert scenario.shocks, "a library scenario changes something"
    for number, line in enumerate(text.splitlines(), 1):
        value, _, comment = line.partition("#")
        if not re.search(r'=\s*(-?\d|"\d{4}-\d{2}")', value):
            continue  # sets neither a number nor a month
        tags = {t.strip().split()[0] for group in re.findall(r"\[([^\]]+)\]", comment)
                for t in group.split(";")}
        assert tags and tags <= TAGS, f"{path.name}:{number}: cite a baseline.toml source tag"


@pytest.fixture(scope="module")
def baseline_runs() -> EnsembleResult:
    return run_ensemble(load_scenario(LIBRARY / "baseline.toml"), RUNS, SEED)


@pytest.fixture(scope="module")
def results() -> dict[str, EnsembleResult]:
    cache: dict[str, EnsembleResult] = {}

    def get(name: str) -> EnsembleResult:
        if name not in cache:
            cache[name] = run_ensemble(load_scenario(LIBRARY / f"{name}.toml"), RUNS, SEED)
        return cache[name]

    return get  # type: ignore[return-value]


def de_jure_by(month: int) -> Callable[[EnsembleResult, int], np.ndarray]:
    def outcome(result: EnsembleResult, i: int) -> np.ndarray:
        first = result.first_month[DE_JURE - 1, i]
        return (first >= 0) & (first <= month)
    return outcome


def final_at_least(level: int) -> Callable[[EnsembleResult, int], np.ndarray]:
    return lambda result, i: result.final_level[i] >= level


def paired_z(base: EnsembleResult, other: EnsembleResult, state: str,
             outcome: Callable[[EnsembleResult, int], np.ndarray]) -> float:
    """Mean paired difference (other - base) in units of its standard error."""
    i = base.state_ids.index(state)
    diff = outcome(other, i).astype(float) - outcome(base, i)
    spread = diff.std(ddof=1)
    return np.inf * np.sign(diff.mean()) if spread == 0 else diff.mean() / (spread / np.sqrt(
        diff.size))


TWO_YEARS = de_jure_by(24)
BY_HORIZON = final_at_least(DE_JURE)
DE_FACTO_BY_HORIZON = final_at_least(DE_FACTO)

# (scenario, state, outcome, +1 raises / -1 lowers it, why)
EFFECTS = [
    *[("china_first", s, TWO_YEARS, +1, "the four may wait for Beijing") for s in CENTRAL_FOUR],
    *[("gulf_first", s, TWO_YEARS, +1, "or for some Gulf states") for s in CENTRAL_FOUR],
    ("iskp_attack_tapi", "TKM", TWO_YEARS, -1, "TAPI is its main connectivity stake"),
    ("iskp_attack_tapi", "PAK", BY_HORIZON, -1, "a TAPI stakeholder, not threatened"),
    ("iskp_random_attacks", "PAK", BY_HORIZON, -1, "stakeholder of all three projects"),
    ("iskp_random_attacks", "CHN", BY_HORIZON, +1, "threatened at the Tajik border only"),
    ("iskp_random_attacks", "TJK", DE_FACTO_BY_HORIZON, +1, "border attacks raise its need"),
    ("qosh_tepa_water_crisis", "UZB", BY_HORIZON, -1, "loses Amu Darya water"),
    ("qosh_tepa_water_crisis", "TKM", BY_HORIZON, -1, "loses Amu Darya water"),
    ("tajik_deal", "TJK", DE_FACTO_BY_HORIZON, +1, "hosting the NRF costs less"),
    *[("western_pressure", s, TWO_YEARS, -1, "sanctions threat") for s in CENTRAL_FOUR],
    ("casa1000_online", "TJK", DE_FACTO_BY_HORIZON, +1, "power exports through Afghanistan"),
    ("casa1000_online", "KGZ", BY_HORIZON, +1, "power exports through Afghanistan"),
    ("ca_security_bloc", "TJK", DE_FACTO_BY_HORIZON, +1, "pulled along by the bloc"),
    ("ca_security_bloc", "KAZ", BY_HORIZON, -1, "waits for the laggard"),
]


@pytest.mark.parametrize(("name", "state", "outcome", "sign", "why"), EFFECTS,
                         ids=[f"{e[0]}-{e[1]}-{'up' if e[3] > 0 else 'down'}" for e in EFFECTS])
def test_scenario_effect_has_the_expected_direction(baseline_runs, results, name, state,
                                                    outcome, sign, why):
    z = paired_z(baseline_runs, results(name), state, outcome)
    assert sign * z > 3, f"{name}: {state} should move {'up' if sign > 0 else 'down'} ({why})"


def test_china_first_leaves_the_runs_before_it_identical(baseline_runs, results):
    """Before January 2026 (month 6) nothing differs: the shock alone makes the difference."""
    china = results("china_first")
    assert np.array_equal(baseline_runs.de_jure[:6], china.de_jure[:6])
    assert (china.de_jure[6:] >= baseline_runs.de_jure[6:]).all()  # fixed move, paired draws


def test_random_attacks_strike_at_different_months_in_different_runs(results):
    fired = results("iskp_random_attacks").fired
    per_run = np.bincount(fired[:, 0], minlength=RUNS)
    assert per_run.min() < per_run.max()  # some runs see more attacks than others
    first_tapi = {run: month for run, month, shock in fired[::-1] if shock == 1}
    assert len(set(first_tapi.values())) > 12  # the first TAPI attack falls in many months
