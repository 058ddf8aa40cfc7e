"""Synthetic populations, edge-list files and starting adopters."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import tiny

from sim.model.model import RecognitionModel
from sim.model.network import influence_matrix, tie_matrix
from sim.scenario.ladder import TOP
from sim.scenario.loading import ScenarioError, load_scenario, scenario_from_dict
from sim.scenario.roster import build_roster, roster_of


def _population(months: int = 6, **population):
    data = {"name": "pop", "months": months, "population": population}
    return scenario_from_dict(data, "pop.toml")


@pytest.mark.parametrize(
    "spec",
    [
        {"generator": "erdos_renyi", "size": 300, "mean_degree": 4.0},
        {"generator": "watts_strogatz", "size": 300, "neighbours": 4, "rewire": 0.2},
        {"generator": "barabasi_albert", "size": 300, "attach": 2},
    ],
)
def test_generators_are_reproducible_from_the_seed(spec):
    same = [build_roster(_population(**spec, seed=7)).ties for _ in range(2)]
    other = build_roster(_population(**spec, seed=8)).ties
    assert (same[0] != same[1]).nnz == 0
    assert (same[0] != other).nnz > 0
    assert (same[0] != same[0].T).nnz == 0  # undirected: watched both ways


def test_generated_networks_have_the_requested_size_and_degree():
    er = build_roster(_population(generator="erdos_renyi", size=4000, mean_degree=4.0)).ties
    assert er.shape == (4000, 4000)
    # Mean degree of G(n, p) with p = 4 / (n - 1): 4, s.e. about sqrt(2 * 4 / n) = 0.045.
    assert er.nnz / 4000 == pytest.approx(4.0, abs=0.2)
    ws = build_roster(_population(generator="watts_strogatz", size=500, neighbours=6,
                                  rewire=0.3)).ties
    assert ws.nnz == 500 * 6  # rewiring moves edges but keeps their number
    ba = build_roster(_population(generator="barabasi_albert", size=500, attach=3)).ties
    assert ba.nnz == 2 * (3 + (500 - 3 - 1) * 3)  # a star of 3 edges, then 3 per new state


def test_population_ids_and_large_networks_stay_sparse():
    scenario = _population(generator="erdos_renyi", size=1000, mean_degree=3.0)
    ids = roster_of(scenario).state_ids
    assert ids[:3] == ("S0", "S1", "S2") and len(ids) == 1000
    model = RecognitionModel(scenario, 2, rng=1)
    assert sp.issparse(model.influence)  # never an n x n dense array at this size
    assert model.levels.shape == (1000, 2)


def test_random_adopters_are_k_distinct_states_per_replicate():
    data = {"name": "pop", "months": 3, "population": {"generator": "erdos_renyi",
                                                       "size": 200, "mean_degree": 2.0},
            "adopters": {"random": 7, "level": 2}}
    scenario = scenario_from_dict(data)
    model = RecognitionModel(scenario, 50, rng=3)
    assert np.all((model.levels == 2).sum(axis=0) == 7)
    assert np.all(model.levels[model.levels != 2] == 0)
    assert len({tuple(np.flatnonzero(col)) for col in model.levels.T}) > 40
    again = RecognitionModel(scenario, 50, rng=3)
    assert np.array_equal(model.levels, again.levels)


def test_named_adopters_start_on_the_adopter_level():
    scenario = tiny({"A": {"level": 1}, "B": {}}, adopters={"states": ["A"], "level": 2})
    model = RecognitionModel(scenario, 2, rng=1)
    assert model.levels[:, 0].tolist() == [2, 0]


def _write(path, text):
    path.write_text(text)
    return path


def test_edge_list_ties_add_to_inline_ties_and_respect_direction(tmp_path):
    _write(tmp_path / "ties.csv", "source,target,weight\nA,B,2\nB,C,0.5\nA,B,1\n")
    _write(tmp_path / "s.toml", """
name = "s"
ties = [{ from = "A", to = "C", weight = 4.0 }]
[network]
edges = "ties.csv"
[states.A]
name = "A"
[states.B]
name = "B"
[states.C]
name = "C"
""")
    ties = tie_matrix(load_scenario(tmp_path / "s.toml")).toarray()
    assert ties.tolist() == [[0, 3, 4], [3, 0, 0.5], [4, 0.5, 0]]
    text = (tmp_path / "s.toml").read_text().replace("[network]", "[network]\ndirected = true")
    _write(tmp_path / "d.toml", text)
    directed = tie_matrix(load_scenario(tmp_path / "d.toml")).toarray()
    assert directed.tolist() == [[0, 3, 4], [0, 0, 0.5], [0, 0, 0]]


def test_edge_list_path_is_relative_to_the_file_that_names_it(tmp_path):
    (tmp_path / "nets").mkdir()
    _write(tmp_path / "nets" / "ring.csv", "source,target\nX,Y\nY,Z\nZ,X\n")
    _write(tmp_path / "nets" / "base.toml", """
name = "base"
[network]
edges = "ring.csv"
[population]
generator = "edge_list"
""")
    (tmp_path / "runs").mkdir()
    _write(tmp_path / "runs" / "child.toml", 'extends = "../nets/base.toml"\nname = "child"\n')
    scenario = load_scenario(tmp_path / "runs" / "child.toml")
    assert roster_of(scenario).state_ids == ("X", "Y", "Z")
    assert influence_matrix(scenario).tolist() == [[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("source,target\nA,B\nA,Q\n", "line 3: unknown state 'Q'"),
        ("source,target,weight\nA,B,x\n", "line 2: weight 'x' must be a number"),
        ("source,target,weight\nA,B,-1\n", "line 2: weight '-1' must be a number"),
        ("source,target\nA,B\n\nB,A\n", "line 3: source is empty"),
        ("source,target\nB,B\n", "line 2: 'B' cannot tie to itself"),
        ("source,target\nA,B\nA,B,1,2\n", "line 3: expected 2 fields, saw 4"),
        # pandas would read a long first row as an index column plus shifted labels
        ("source,target\nA,B,7\nB,A\n", "line 2: expected 2 fields, saw 3"),
        ("source,target,weight\nA,B,1,3\n", "line 2: expected 3 fields, saw 4"),
        ("from,to\nA,B\n", "header: unknown column 'from'"),
        ("source\nA\n", "header: missing column 'target'"),
        ("", "header: the file is empty"),
    ],
)
def test_edge_list_errors_name_the_scenario_key_the_file_and_the_line(tmp_path, text, where):
    _write(tmp_path / "ties.csv", text)
    _write(tmp_path / "s.toml", 'name = "s"\n[network]\nedges = "ties.csv"\n'
                                '[states.A]\nname = "A"\n[states.B]\nname = "B"\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "s.toml")
    line = caught.value.lines()[0]
    assert line.startswith(f"{tmp_path / 's.toml'}: network.edges: {tmp_path / 'ties.csv'}: ")
    assert where in line, line


def test_missing_edge_list_file_is_reported(tmp_path):
    _write(tmp_path / "s.toml", 'name = "s"\n[network]\nedges = "nope.csv"\n'
                                '[states.A]\nname = "A"\n')
    with pytest.raises(ScenarioError, match=r"network\.edges: .*nope\.csv: file: not found"):
        load_scenario(tmp_path / "s.toml")


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"population": {"generator": "erdos_renyi", "size": 10}}, "population.mean_degree",
         "required by generator = 'erdos_renyi'"),
        ({"population": {"generator": "erdos_renyi", "size": 10, "mean_degree": 2,
                         "attach": 2}}, "population.attach", "not used by generator"),
        ({"population": {"generator": "barabasi_albert", "size": 10, "attach": 10}},
         "population.attach", "less than size"),
        ({"population": {"generator": "edge_list"}}, "network.edges", "required by"),
        ({"population": {"generator": "smallworld"}}, "population.generator", "Input should"),
        ({"population": {"generator": "watts_strogatz", "size": 10, "neighbours": 2,
                         "rewire": 0.1}, "network": {"directed": True}}, "network.directed",
         "undirected"),
        ({"population": {"generator": "erdos_renyi", "size": 10, "mean_degree": 2},
          "adopters": {"states": ["S10"]}}, "adopters.states.0", "unknown state 'S10'"),
        ({"population": {"generator": "erdos_renyi", "size": 10, "mean_degree": 2},
          "adopters": {"random": 11}}, "adopters.random", "more than the 10 states"),
        ({"population": {"generator": "erdos_renyi", "size": 10, "mean_degree": 2},
          "states": {"A": {"name": "A"}}}, "population", "not both"),
        ({}, "states", "at least one [states.ID] table, or a [population]"),
    ],
)
def test_population_settings_are_validated_with_their_key(data, key, words):
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict({"name": "p", **data}, "p.toml")
    line = caught.value.lines()[0]
    assert line.startswith(f"p.toml: {key}: "), line
    assert words in line, line


def test_resolved_population_scenario_round_trips_through_toml(tmp_path):
    from sim.results.files import scenario_toml

    scenario = _population(generator="watts_strogatz", size=50, neighbours=4, rewire=0.1)
    _write(tmp_path / "again.toml", scenario_toml(scenario))
    assert load_scenario(tmp_path / "again.toml") == scenario


def test_threshold_cascade_on_a_population_reaches_the_top(tmp_path):
    data = {"name": "p", "months": 40,
            "population": {"generator": "watts_strogatz", "size": 60, "neighbours": 4,
                           "rewire": 0.0},
            "model": {"rule": "threshold", "threshold": {"value": 0.25}},
            "adopters": {"states": ["S0"]}}
    model = RecognitionModel(scenario_from_dict(data), 2, rng=1)
    model.run()
    # A ring lattice where each state watches 4 neighbours: one recogniser is a quarter.
    assert np.all(model.levels == TOP)


def test_recsim_run_writes_the_usual_results_for_a_threshold_population(tmp_path):
    import pandas as pd
    from click.testing import CliRunner

    from sim.cli import cli

    _write(tmp_path / "pop.toml", """
name = "pop"
months = 24
[model]
rule = "threshold"
[model.threshold]
distribution = "uniform"
high = 0.4
[population]
generator = "barabasi_albert"
size = 500
attach = 2
[adopters]
random = 5
""")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "pop.toml"), "--runs", "30",
                                      "--seed", "3", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 500 and summary["state"].iloc[-1] == "S499"
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 500 * 30
    start = runs.groupby("run")["first_month_level_3"].apply(lambda s: (s == 0).sum())
    assert (start == 5).all()  # five random adopters in every run, de jure from month 0
    curve = pd.read_csv(out / "curve.csv")
    assert curve["de_jure_mean"].is_monotonic_increasing  # the threshold rule only climbs
    assert (out / "cascade.png").stat().st_size > 10_000
    from sim.cli.render import draw_run
    from sim.results.directory import read_run_dir

    axes = draw_run(read_run_dir(out))["cascade"].axes[0]
    assert "of 500" in axes.get_ylabel()  # the roster is the population, not [states]
    assert axes.get_ylim()[1] >= 500
