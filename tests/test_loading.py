"""Scenario loading: validation errors name the file and key path; extends merges tables."""

from __future__ import annotations

import re
import textwrap

import pytest
from pydantic import ValidationError

from sim.results.files import scenario_toml
from sim.scenario.loading import ScenarioError, load_scenario, scenario_hash

GOOD = """
name = "t"
months = 12
[weights]
social = 2.0
[states.AAA]
name = "A"
level = 2
[states.BBB]
name = "B"
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _problem(tmp_path, text):
    path = _write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.file == str(path)
    return info.value.problems[0]


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("colour = 'red'\n" + GOOD, "colour", "unknown key"),
        (GOOD + "colour = 'red'\n", "states.BBB.colour", "unknown key"),
        (GOOD.replace("level = 2", "level = 4"), "states.AAA.level", "less than or equal"),
        (GOOD.replace("level = 2", "level = 2\nsecurity = -1"), "states.AAA.security", "greater"),
        (GOOD.replace("social = 2.0", "social = nan"), "weights.social", "finite"),
        (GOOD.replace("social = 2.0", "social = inf"), "weights.social", "finite"),
        (GOOD.replace("social = 2.0", "socal = 2.0"), "weights.socal", "did you mean 'social'"),
        ("reversible = true\n" + GOOD, "reversible", "'reversible' is a key of [model], not"),
        (GOOD.replace("months = 12", "months = 0"), "months", "greater"),
        (GOOD.replace('name = "t"', 'name = "t"\nstart = "2025-13"'), "start", "YYYY-MM"),
        (GOOD + "[[ties]]\nfrom = 'AAA'\nto = 'ZZZ'\n", "ties.0.to", "unknown state 'ZZZ'"),
        (GOOD + "[[ties]]\nfrom = 'AAA'\nto = 'AAA'\n", "ties.0.to", "itself"),
        (GOOD + "[[ties]]\nfrom = 'AAA'\nto = 'BBB'\nweight = 0\n", "ties.0.weight", "greater"),
        (GOOD.replace("level = 2", "level = 'two'"), "states.AAA.level", "integer"),
        (GOOD.replace('name = "A"\n', ""), "states.AAA.name", "missing"),
    ],
)
def test_bad_values_are_reported_with_their_key_path(tmp_path, text, key, fragment):
    path, message = _problem(tmp_path, text)
    assert path == key
    assert fragment in message


def test_malformed_toml_names_the_file(tmp_path):
    path, message = _problem(tmp_path, "name = \n")
    assert path == ""
    assert "not valid TOML" in message


def test_every_problem_is_listed(tmp_path):
    text = GOOD.replace("level = 2", "level = 9\nfoo = 1")
    path = _write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    keys = {key for key, _ in info.value.problems}
    assert keys == {"states.AAA.level", "states.AAA.foo"}
    assert all(line.startswith(f"{path}: ") for line in info.value.lines())


def test_extends_merges_tables_and_replaces_arrays(tmp_path):
    _write(tmp_path, "base.toml", GOOD + "[[ties]]\nfrom = 'AAA'\nto = 'BBB'\n")
    child = _write(
        tmp_path,
        "child.toml",
        """
        extends = "base.toml"
        name = "child"
        [weights]
        security = 1.5
        [states.BBB]
        level = 1
        """,
    )
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.weights.social == 2.0  # inherited
    assert scenario.weights.security == 1.5  # added
    assert scenario.states["BBB"].level == 1  # overridden
    assert scenario.states["BBB"].name == "B"  # inherited inside the overridden table
    assert len(scenario.ties) == 1


def test_extends_missing_file_and_cycles_are_errors(tmp_path):
    _write(tmp_path, "a.toml", 'extends = "b.toml"\n' + GOOD)
    _write(tmp_path, "b.toml", 'extends = "a.toml"\n' + GOOD)
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")
    _write(tmp_path, "c.toml", 'extends = "nowhere.toml"\n' + GOOD)
    with pytest.raises(ScenarioError, match="extends: no such file"):
        load_scenario(tmp_path / "c.toml")


def test_scenarios_are_frozen(baseline):
    with pytest.raises(ValidationError, match="frozen"):
        baseline.months = 3
    with pytest.raises(ValidationError, match="frozen"):
        baseline.states["KAZ"].level = 3
    assert baseline.months == 60 and baseline.states["KAZ"].level == 2


def test_resolved_scenario_round_trips_through_toml(tmp_path, baseline):
    path = tmp_path / "resolved.toml"
    path.write_text(scenario_toml(baseline))
    again = load_scenario(path)
    assert again == baseline
    assert scenario_hash(again) == scenario_hash(baseline)


def test_baseline_roster_and_start_levels(baseline):
    required = "KAZ KGZ TJK TKM UZB RUS CHN PAK IRN IND TUR AZE ARE QAT SAU USA EU".split()
    assert set(required) <= set(baseline.states)
    assert baseline.start == "2025-07" and baseline.months == 60
    # Starting levels as of July 2025 from shared/data/engagement_events.csv
    levels = {s: baseline.states[s].level for s in ["RUS", "KAZ", "KGZ", "TJK", "TKM", "UZB"]}
    assert levels == {"RUS": 3, "KAZ": 2, "KGZ": 1, "TJK": 0, "TKM": 2, "UZB": 2}
    assert sum(spec.central_asia for spec in baseline.states.values()) == 5


def test_every_number_in_the_baseline_carries_a_comment(baseline):
    from conftest import ROOT

    for number, line in enumerate((ROOT / "scenarios/baseline.toml").read_text().splitlines(), 1):
        code = re.sub(r'"[^"]*"', "", line.split("#", 1)[0])  # numbers, not strings
        if re.search(r"=\s*-?\d", code):
            assert "#" in line, f"baseline.toml:{number} has a number without a comment: {line}"
