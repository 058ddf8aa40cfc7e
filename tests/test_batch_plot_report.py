"""`recsim batch`, `recsim plot` and report.html through click's test runner, on a tiny roster."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.results.compare import COMPARISON_COLUMNS
from sim.results.directory import RUN_FILES, read_run_dir

TINY = Path(__file__).parent / "data" / "tiny.toml"
FIGURES = ("cascade.png", "timing.png", "order.png", "map.png")
BATCH_FIGURES = ("cascade.png", "map.png")  # a batch leaves out timing and order


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def scenario_files(tmp_path: Path) -> dict[str, Path]:
    """tiny, keen (China more willing) and broken (a misspelt key), side by side."""
    files = {"tiny": tmp_path / "tiny.toml", "keen": tmp_path / "keen.toml",
             "broken": tmp_path / "broken.toml"}
    files["tiny"].write_text(TINY.read_text())
    files["keen"].write_text('extends = "tiny.toml"\nname = "keen"\n'
                             'description = "China leans in."\n[states.CHN]\npropensity = 4.0\n')
    files["broken"].write_text('extends = "tiny.toml"\nname = "broken"\n[weights]\nsocal = 1\n')
    return files


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    """tiny (the reference), broken, keen, and tiny again: same runs and seed as saved_run."""
    tmp = tmp_path_factory.mktemp("batch")
    files = scenario_files(tmp)
    out = tmp / "out"
    result = invoke("batch", files["tiny"], files["broken"], files["keen"], files["tiny"],
                    "--runs", 40, "--seed", 2, "--out", out, "--quiet")
    return out, result


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- batch

def test_batch_with_a_failing_scenario_exits_1_and_writes_the_others(batch_dir):
    out, result = batch_dir
    assert result.exit_code == 1, result.output
    assert "1 of 4 scenarios failed" in result.output
    assert "broken.toml: weights.socal: unknown key" in result.output
    assert result.stdout.strip().splitlines()[-1] == str(out)
    for name in ("tiny", "keen"):
        for file in (*RUN_FILES, *BATCH_FIGURES, "report.html"):
            assert (out / name / file).is_file(), f"{name}/{file}"
        assert not (out / name / "timing.png").exists()
        report = (out / name / "report.html").read_text(encoding="utf-8")
        assert "Not drawn in a batch: timing, order" in report
    assert not (out / "broken").exists()
    for file in ("comparison.csv", "comparison.png", "curves.png", "report.html", "batch.json"):
        assert (out / file).is_file(), file
    manifest = json.loads((out / "batch.json").read_text())
    assert manifest["reference"] == "tiny"
    assert [f["file"].endswith("broken.toml") for f in manifest["failed"]] == [True]
    assert not list(out.parent.glob(".*tmp"))  # no temporary directory left behind


def test_comparison_csv_matches_each_scenarios_results(batch_dir):
    out, _ = batch_dir
    table = pd.read_csv(out / "comparison.csv")
    assert tuple(table.columns) == COMPARISON_COLUMNS
    assert list(table["scenario"].unique()) == ["tiny", "keen", "tiny-2"]
    reference = table[table["scenario"] == "tiny"]
    assert reference["diff_p_de_jure"].isna().all()
    for name in ("tiny", "keen"):
        summary = pd.read_csv(out / name / "summary.csv")
        mine = table[table["scenario"] == name]
        assert mine["state"].tolist() == summary["state"].tolist()
        assert mine["p_de_jure"].tolist() == summary["p_de_jure"].tolist()
    keen = table[table["scenario"] == "keen"].set_index("state")
    tiny = reference.set_index("state")
    # The difference is the difference of the two columns, inside its own interval.
    diff = keen["p_de_jure"] - tiny["p_de_jure"]
    assert keen["diff_p_de_jure"].to_numpy() == pytest.approx(diff.to_numpy(), abs=1e-5)
    assert (keen["diff_p_de_jure_low95"] <= keen["diff_p_de_jure"] + 1e-9).all()
    assert (keen["diff_p_de_jure"] <= keen["diff_p_de_jure_high95"] + 1e-9).all()
    assert keen.loc["CHN", "diff_p_de_jure_low95"] > 0  # a keener China recognises more often


def test_same_scenario_twice_gives_identical_runs(batch_dir, saved_run):
    # Common random numbers: same seed and runs, so the same file twice is the same result,
    # and equal to what `recsim run` writes with that seed.
    out, _ = batch_dir
    assert (out / "tiny" / "runs.parquet").read_bytes() == \
        (out / "tiny-2" / "runs.parquet").read_bytes()
    table = pd.read_csv(out / "comparison.csv")
    assert (table.loc[table["scenario"] == "tiny-2", "diff_p_de_jure"] == 0).all()
    for name in ("summary.csv", "curve.csv", "runs.parquet"):
        assert (saved_run / name).read_bytes() == (out / "tiny" / name).read_bytes(), name


def test_batch_where_everything_fails_leaves_nothing(tmp_path):
    files = scenario_files(tmp_path)
    out = tmp_path / "out"
    result = invoke("batch", files["broken"], tmp_path / "missing.toml", "--out", out)
    assert result.exit_code == 1
    assert "2 of 2 scenarios failed" in result.output
    assert "missing.toml: file not found" in result.output
    assert not out.exists()


def test_batch_refuses_a_non_empty_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = invoke("batch", TINY, "--out", out)
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


# ---------------------------------------------------------------- plot

@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("saved") / "run"
    result = invoke("run", TINY, "--runs", 40, "--seed", 2, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def run_dir(saved_run, tmp_path):
    """A fresh copy of one saved run, for tests that change it."""
    return Path(shutil.copytree(saved_run, tmp_path / "run"))


def test_plot_redraws_the_same_figures_from_saved_files(run_dir):
    before = {name: (run_dir / name).read_bytes() for name in (*FIGURES, "report.html")}
    for name in before:
        (run_dir / name).unlink()
    result = invoke("plot", run_dir)
    assert result.exit_code == 0, result.output
    for name, content in before.items():
        assert (run_dir / name).read_bytes() == content, name
    assert result.output.strip().splitlines()[-1].endswith("report.html")


def test_plot_other_formats(run_dir):
    result = invoke("plot", run_dir, "--format", "svg")
    assert result.exit_code == 0, result.output
    for name in FIGURES:
        svg = (run_dir / name.replace(".png", ".svg")).read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_plot_redraws_a_batch(batch_dir):
    out, _ = batch_dir
    (out / "comparison.png").unlink()
    (out / "keen" / "map.png").unlink()
    result = invoke("plot", out)
    assert result.exit_code == 0, result.output
    assert (out / "comparison.png").is_file() and (out / "keen" / "map.png").is_file()
    assert not (out / "keen" / "order.png").exists()  # the batch's own set of figures
    result = invoke("plot", out / "keen")  # a scenario's directory: every figure of a run
    assert result.exit_code == 0, result.output
    assert all((out / "keen" / name).is_file() for name in FIGURES)


def _shocks(run_dir: Path, text: str) -> None:
    (run_dir / "shocks.csv").write_text(text)


def test_shocks_figure_and_report_from_a_shocks_csv(run_dir):
    # months as indices from the start, or as calendar months (2026-03 = month 8 from 2025-07)
    _shocks(run_dir, "run,month,shock\n0,3,china_first\n1,3,china_first\n5,2026-03,iskp\n")
    result = invoke("plot", run_dir)
    assert result.exit_code == 0, result.output
    assert (run_dir / "shocks.png").is_file()
    report = (run_dir / "report.html").read_text()
    assert "iskp" in report and 'id="fig-shocks"' in report
    assert read_run_dir(run_dir).shocks["month"].tolist() == [3, 3, 8]


def test_an_empty_shocks_csv_means_no_shocks(run_dir):
    _shocks(run_dir, "run,month,shock\n")
    assert read_run_dir(run_dir).shocks is None  # so no shocks figure and no shocks section


def _remove(name):
    return lambda d: (d / name).unlink()


def _garble(name):
    return lambda d: (d / name).write_bytes(b"\x00not what it should be\xff")


BREAKAGES = {
    "summary.csv": _remove("summary.csv"),
    "runs.parquet": _garble("runs.parquet"),
    "manifest.json": _garble("manifest.json"),
    "scenario.toml": lambda d: (d / "scenario.toml").write_text('name = "x"\n[states.A]\n'),
    "curve.csv": lambda d: (d / "curve.csv").write_text("month,date\n0,2025-07\n"),
    "shocks.csv": lambda d: _shocks(d, "run,month,shock\n0,999,late\n"),
    "runs.parquet columns": lambda d: pd.DataFrame({"run": [0]}).to_parquet(d / "runs.parquet"),
    "forecast.csv chance": lambda d: (d / "forecast.csv").write_text(
        "state,start_level,p_up_12\nAAA,2,often\n"),
    "forecast.csv level": lambda d: (d / "forecast.csv").write_text(
        "state,start_level,p_up_12\nAAA,4,0.5\n"),
}


@pytest.mark.parametrize("what", list(BREAKAGES))
def test_plot_on_a_damaged_directory_exits_2_and_overwrites_nothing(run_dir, what):
    BREAKAGES[what](run_dir)
    before = snapshot(run_dir)
    result = invoke("plot", run_dir)
    assert result.exit_code == 2, result.output
    assert what.split()[0] in result.output
    assert "Traceback" not in result.output
    assert snapshot(run_dir) == before


def test_plot_on_something_that_is_not_a_results_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    before = snapshot(tmp_path)
    result = invoke("plot", tmp_path)
    assert result.exit_code == 2
    assert "not a results directory" in result.output and "manifest.json" in result.output
    assert snapshot(tmp_path) == before
    missing = invoke("plot", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "no such directory" in missing.output


def test_plot_on_a_batch_with_a_missing_scenario_dir(batch_dir, tmp_path):
    out, _ = batch_dir
    manifest = json.loads((out / "batch.json").read_text())
    manifest["scenarios"].append({"name": "ghost", "dir": "ghost"})
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("comparison.csv", "report.html"):
        (copy / name).write_bytes((out / name).read_bytes())
    (copy / "batch.json").write_text(json.dumps(manifest))
    before = snapshot(copy)
    result = invoke("plot", copy)
    assert result.exit_code == 2
    assert "tiny" in result.output and "no such directory" in result.output
    assert snapshot(copy) == before


def _edit_json(path: Path, **changes) -> None:
    path.write_text(json.dumps(json.loads(path.read_text()) | changes))


BATCH_BREAKAGES = {
    "scenarios not a list": (lambda d: _edit_json(d / "batch.json", scenarios=5),
                             "scenarios: expected a list"),
    "dir outside the batch": (lambda d: _edit_json(d / "batch.json",
                                                   scenarios=[{"dir": "../elsewhere"}]),
                              "inside the batch directory"),
    "runs not a number": (lambda d: _edit_json(d / "batch.json", runs="many"), "runs:"),
    "runs disagree": (lambda d: _edit_json(d / "batch.json", runs=41), "runs:"),
    "comparison misses one": (
        lambda d: pd.read_csv(d / "comparison.csv").query("scenario != 'keen'").to_csv(
            d / "comparison.csv", index=False), "comparison.csv: its scenarios"),
}


@pytest.mark.parametrize("what", list(BATCH_BREAKAGES))
def test_plot_on_an_inconsistent_batch_exits_2_and_overwrites_nothing(batch_dir, tmp_path,
                                                                      what):
    out, _ = batch_dir
    copy = Path(shutil.copytree(out, tmp_path / "batch"))
    (tmp_path / "elsewhere").mkdir()
    breakage, message = BATCH_BREAKAGES[what]
    breakage(copy)
    before = snapshot(tmp_path)
    result = invoke("plot", copy)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before


def test_plot_rejects_a_boolean_run_count(run_dir):
    _edit_json(run_dir / "manifest.json", runs=True)
    result = invoke("plot", run_dir)
    assert result.exit_code == 2 and "runs: expected a positive integer" in result.output


# ---------------------------------------------------------------- report

class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [value or "" for key, value in attrs if key in ("src", "href")]


def check_self_contained(html: str) -> int:
    """No scripts, styles or fonts from elsewhere; every image is an embedded, readable PNG."""
    parser = _Collector()
    parser.feed(html)
    assert not {"script", "link", "iframe", "object", "embed"} & set(parser.tags)
    assert not re.search(r"https?://", " ".join(parser.links))
    assert "url(" not in html and "@import" not in html
    images = [link for link in parser.links if link.startswith("data:image")]
    assert images and all(link.startswith(("data:image/png;base64,", "#"))
                          for link in parser.links)
    for link in images:
        png = base64.b64decode(link.split(",", 1)[1], validate=True)
        assert mpimg.imread(io.BytesIO(png), format="png").ndim == 3
    return len(images)


def test_run_report_is_self_contained_and_reproducible(run_dir):
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert check_self_contained(html) == len(FIGURES)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    for needed in ("Four actors over one year, for fast tests.", manifest["input_sha256"],
                   "--runs 40 --seed 2", "Kazakhstan (KAZ)", "[states.KAZ]"):
        assert needed in html, needed


def test_batch_report_is_self_contained(batch_dir):
    out, _ = batch_dir
    html = (out / "report.html").read_text(encoding="utf-8")
    assert check_self_contained(html) >= 2 + 2  # comparison, curves, a cascade per scenario
    for needed in ("China leans in.", "broken.toml", "Differences from tiny", "keen"):
        assert needed in html, needed
