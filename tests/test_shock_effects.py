"""Shock effects as paired counterfactuals: each run against the same run without the shocks."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.engine.ensemble import EnsembleResult, run_ensemble
from sim.plots.shocks import shocks_figure
from sim.results.directory import ResultsDirError, read_run_dir
from sim.results.effects import (
    EFFECT_COLUMNS,
    EFFECTS_FILE,
    Counterfactuals,
    counterfactual_key,
    effect_curve,
    state_effects,
    without_shocks,
)
from sim.results.tables import runs_table, shocks_table, summary_table
from sim.scenario.loading import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
CHINA_FIRST = ROOT / "scenarios" / "china_first.toml"


def _with_shocks(scenario, *shocks):
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    return scenario_from_dict(data | {"name": "shocked", "shocks": list(shocks)})


NOTHING = {"name": "nothing", "kind": "incentive", "states": ["KAZ", "UZB"],
           "factor": "security", "add": 0.0, "at": 3}


def test_a_shock_that_changes_nothing_has_an_effect_band_containing_zero(baseline):
    shocked = _with_shocks(baseline, NOTHING)
    result = run_ensemble(shocked, 600, seed=4)
    counterfactual = run_ensemble(without_shocks(shocked), 600, seed=4)
    curve = effect_curve(result, counterfactual, shocked)
    assert len(curve) == shocked.months + 1 and list(curve.columns) == list(EFFECT_COLUMNS)
    assert (curve["diff_de_jure_low90"] <= 0).all() and (curve["diff_de_jure_high90"] >= 0).all()
    states = state_effects(result, counterfactual)
    assert (states["diff_p_de_jure_low90"] <= 0).all()
    assert (states["diff_p_de_jure_high90"] >= 0).all()
    # common random numbers: the shock fired in every run, yet each run is the no-shock run
    assert np.array_equal(result.final_level, counterfactual.final_level)


def test_china_first_raises_kazakhstans_chance(baseline):
    china_first = load_scenario(CHINA_FIRST)
    cache = Counterfactuals()
    runs, seed = 1500, 11
    assert cache.for_scenario(baseline, run_ensemble(baseline, runs, seed), seed=seed) is None
    result = run_ensemble(china_first, runs, seed)
    counterfactual = cache.for_scenario(china_first, result, seed=seed)
    assert cache.simulated == 0  # the baseline is china_first without its shock: reused
    effects = state_effects(result, counterfactual).set_index("state")
    kaz = effects.loc["KAZ"]
    assert kaz["diff_p_de_jure_low90"] > 0  # interval above 0
    assert kaz["diff_p_de_jure"] == pytest.approx(
        (result.final_level[0] >= 3).mean() - (counterfactual.final_level[0] >= 3).mean())
    # China itself moves to de jure in month 6 of every run (and may step down later)
    chn = list(result.state_ids).index("CHN")
    assert ((result.first_month[2, chn] >= 0) & (result.first_month[2, chn] <= 6)).all()
    assert effects.loc["CHN", "diff_p_de_jure"] == pytest.approx(
        (result.final_level[chn] >= 3).mean() - (counterfactual.final_level[chn] >= 3).mean())
    assert effects.loc["CHN", "diff_p_de_jure"] > 0.3
    curve = effect_curve(result, counterfactual, china_first)
    assert (curve.loc[curve["month"] < 6, "diff_de_jure_mean"] == 0).all()  # before the shock
    assert curve.loc[curve["month"] == 6, "diff_de_jure_low90"].item() > 0.5


def test_counterfactual_key_ignores_names_and_shocks_only(baseline):
    china_first = load_scenario(CHINA_FIRST)
    assert counterfactual_key(china_first) == counterfactual_key(baseline)
    other = _with_shocks(baseline, NOTHING)
    assert counterfactual_key(other) == counterfactual_key(baseline)
    data = baseline.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["weights"]["social"] += 0.5
    assert counterfactual_key(scenario_from_dict(data)) != counterfactual_key(baseline)


def test_counterfactuals_simulate_once_per_key(baseline):
    cache = Counterfactuals()
    first = _with_shocks(baseline, NOTHING)
    second = _with_shocks(baseline, NOTHING | {"name": "other", "at": 5})
    a = cache.for_scenario(first, run_ensemble(first, 50, seed=2), seed=2)
    b = cache.for_scenario(second, run_ensemble(second, 50, seed=2), seed=2)
    assert a is b and cache.simulated == 1
    c = cache.for_scenario(second, run_ensemble(second, 50, seed=3), seed=3)  # other seed
    assert c is not a and cache.simulated == 2
    assert np.array_equal(a.final_level, run_ensemble(baseline, 50, seed=2).final_level)


def _result(de_jure: list[list[int]]) -> EnsembleResult:
    counts = np.array(de_jure, dtype=np.int32)  # (months + 1, runs)
    runs = counts.shape[1]
    final = (counts[-1:] >= 1).astype(np.int8) * 3
    return EnsembleResult(("A",), final, np.full((3, 1, runs), -1, np.int16),
                          np.full((1, runs), -1, np.int16), counts, counts.copy())


def test_effect_curve_known_answer(baseline):
    shocked = _result([[0, 0, 0, 0], [1, 0, 1, 1], [1, 1, 1, 1]])
    plain = _result([[0, 0, 0, 0], [0, 0, 1, 0], [1, 0, 1, 0]])
    curve = effect_curve(shocked, plain, baseline.model_copy(update={"months": 2}))
    # month 1: differences 1, 0, 0, 1 -> mean 0.5, sd 0.57735, se 0.288675, z(90%) 1.644854
    assert curve["diff_de_jure_mean"].tolist() == [0.0, 0.5, 0.5]
    assert curve.loc[1, "diff_de_jure_low90"] == pytest.approx(0.5 - 1.644854 * 0.288675,
                                                               abs=1e-6)
    assert curve.loc[0, "diff_de_jure_high90"] == 0.0
    assert curve["date"].tolist() == ["2025-07", "2025-08", "2025-09"]
    with pytest.raises(ValueError, match="same runs"):
        effect_curve(shocked, _result([[0, 0], [0, 0], [0, 0]]), baseline)


@pytest.fixture(scope="module")
def china_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cf") / "run"
    result = CliRunner().invoke(cli, ["run", str(CHINA_FIRST), "--runs", "400", "--seed", "3",
                                      "--months", "36", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def test_run_writes_the_effects_and_plot_redraws_them(china_run):
    summary = pd.read_csv(china_run / "summary.csv").set_index("state")
    assert summary.loc["KAZ", "diff_p_de_jure_low90"] > 0
    assert (summary["diff_p_de_jure_low90"] <= summary["diff_p_de_jure"]).all()
    effects = pd.read_csv(china_run / EFFECTS_FILE)
    assert len(effects) == 37 and list(effects.columns) == list(EFFECT_COLUMNS)
    manifest = json.loads((china_run / "manifest.json").read_text())
    assert manifest["counterfactual_sha256"] == counterfactual_key(
        load_scenario(china_run / "scenario.toml"))  # with --months 36
    assert (china_run / "shocks.png").is_file()
    report = (china_run / "report.html").read_text()
    assert "Shocks&#x27; effect on P(de jure)" in report
    before = (china_run / "shocks.png").read_bytes()
    result = CliRunner().invoke(cli, ["plot", str(china_run)])
    assert result.exit_code == 0, result.output
    assert (china_run / "shocks.png").read_bytes() == before
    data = read_run_dir(china_run)
    assert data.effects is not None and len(data.effects) == 37


def test_batch_pairs_each_shocked_scenario_with_the_baseline(tmp_path, china_run):
    out = tmp_path / "batch"
    result = CliRunner().invoke(cli, ["batch", str(ROOT / "scenarios" / "baseline.toml"),
                                      str(CHINA_FIRST), "--runs", "400", "--seed", "3",
                                      "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert not (out / "baseline" / EFFECTS_FILE).exists()
    assert "diff_p_de_jure" not in pd.read_csv(out / "baseline" / "summary.csv").columns
    cf = pd.read_csv(out / "china_first" / "summary.csv")
    # the batch's comparison with the baseline and the counterfactual are the same pairs
    comparison = pd.read_csv(out / "comparison.csv")
    compared = comparison[comparison["scenario"] == "china_first"].set_index("state")
    assert np.allclose(cf.set_index("state")["diff_p_de_jure"], compared["diff_p_de_jure"])


def test_a_damaged_effects_file_is_refused(china_run, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in china_run.iterdir():
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    effects = pd.read_csv(copy / EFFECTS_FILE)
    effects.iloc[:-1].to_csv(copy / EFFECTS_FILE, index=False)
    with pytest.raises(ResultsDirError, match=f"{EFFECTS_FILE}: expected 37 months"):
        read_run_dir(copy)
    result = CliRunner().invoke(cli, ["plot", str(copy)])
    assert result.exit_code == 2


def test_shocks_figure_with_and_without_effects(baseline):
    shocked = _with_shocks(baseline, NOTHING)
    result = run_ensemble(shocked, 100, seed=1)
    counterfactual = run_ensemble(without_shocks(shocked), 100, seed=1)
    summary = summary_table(result, shocked, counterfactual)
    shocks, runs = shocks_table(result, shocked), runs_table(result)
    fig = shocks_figure(shocks, runs, shocked, title="t",
                        effects=effect_curve(result, counterfactual, shocked), summary=summary)
    assert len(fig.axes) == 3
    low, high = fig.axes[1].get_ylim()
    assert low <= -0.25 and high >= 0.25  # no effect: noise about zero is not magnified
    plt.close(fig)
    fig = shocks_figure(shocks, runs, shocked, title="t")  # a directory without effects
    assert len(fig.axes) == 1 and "shock_effects.csv" in fig._suptitle.get_text()
    plt.close(fig)


def test_a_population_with_a_shock_gets_effects_and_no_map(tmp_path):
    scenario = tmp_path / "pop.toml"
    scenario.write_text('name = "pop"\nmonths = 12\n[model]\nreversible = false\n'
                        '[population]\ngenerator = "erdos_renyi"\nsize = 40\nmean_degree = 3.0\n'
                        '[[shocks]]\nkind = "recognize"\nname = "s7_up"\nstates = ["S7"]\n'
                        'at = 2\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(scenario), "--runs", "200", "--out", str(out),
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    assert (out / "shocks.png").is_file() and not (out / "map.png").exists()
    summary = pd.read_csv(out / "summary.csv").set_index("state")
    assert summary.loc["S7", "p_de_jure"] == 1.0  # the shock put it there in every run
    assert summary.loc["S7", "diff_p_de_jure_low90"] > 0.5  # rarely there without it
    assert summary["diff_p_de_jure"].drop("S7").abs().max() < 0.5
