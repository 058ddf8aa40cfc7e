"""Bad scenario files: exit status 2, one line naming file and key, no traceback, nothing written.

A table of hand-written bad files, then a property test that breaks valid scenarios at a
random key path (hypothesis) and checks the same contract through the real entry point.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.scenario.loading import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"

HEAD = 'extends = "baseline.toml"\nname = "bad"\n'
CHINA = '[[shocks]]\nkind = "recognize"\nname = "china"\nstates = ["CHN"]\n'
ATTACK = '[[shocks]]\nkind = "attack"\nname = "hit"\nproject = "TAPI"\n'
WATER = '[[shocks]]\nkind = "incentive"\nname = "dry"\nstates = ["UZB"]\n'
TIE = '[[shocks]]\nkind = "tie"\nname = "deal"\nfrom = "TJK"\nat = 3\n'

# (id, file text, key path the message must name; "" for file-level problems)
BAD_FILES = [
    ("toml_syntax", 'name = "x"\nmonths = \n', ""),
    ("not_utf8", b"name = '\xff\xfe'\n", ""),
    ("nan", HEAD + "[weights]\nsocial = nan\n", "weights.social"),
    ("inf", HEAD + "[states.KAZ]\npropensity = -inf\n", "states.KAZ.propensity"),
    ("wrong_type", HEAD + 'months = "sixty"\n', "months"),
    ("out_of_range", HEAD + "[thresholds]\nlevel_1 = 1e6\n", "thresholds.level_1"),
    ("off_the_ladder", HEAD + "[states.KAZ]\nlevel = 4\n", "states.KAZ.level"),
    ("unknown_top_key", HEAD + "horizon = 12\n", "horizon"),
    ("unknown_state_key", HEAD + "[states.KAZ]\nconnectvity = 1.0\n", "states.KAZ.connectvity"),
    ("unknown_shock_key", HEAD + CHINA + 'at = "2026-01"\nmagnitude = 2.0\n', "shocks.0.magnitude"),
    ("unknown_project_key", HEAD + "[projects.TAPI]\nowner = \"TKM\"\n", "projects.TAPI.owner"),
    ("tie_unknown_state", HEAD + 'ties = [{ from = "KAZ", to = "ATL" }]\n', "ties.0.to"),
    ("shock_unknown_state", HEAD + '[[shocks]]\nkind = "recognize"\nname = "c"\n'
     'states = ["CHN", "MARS"]\nat = 2\n', "shocks.0.states.1"),
    ("shock_unknown_project", HEAD + '[[shocks]]\nkind = "attack"\nname = "a"\n'
     'project = "Railway"\nat = 2\n', "shocks.0.project"),
    ("after_horizon", HEAD + CHINA + 'at = "2031-01"\n', "shocks.0.at"),
    ("at_start_month", HEAD + CHINA + "at = 0\n", "shocks.0.at"),
    ("bad_month", HEAD + CHINA + 'at = "2026-13"\n', "shocks.0.at"),
    ("at_is_bool", HEAD + CHINA + "at = true\n", "shocks.0.at"),
    ("at_and_hazard", HEAD + CHINA + "at = 3\nhazard = 0.1\n", "shocks.0.at"),
    ("no_timing", HEAD + CHINA, "shocks.0.at"),
    ("hazard_above_one", HEAD + CHINA + "hazard = 1.5\n", "shocks.0.hazard"),
    ("unknown_kind", HEAD + '[[shocks]]\nkind = "invade"\nname = "x"\nat = 2\n', "shocks.0.kind"),
    ("missing_kind", HEAD + '[[shocks]]\nname = "x"\nat = 2\n', "shocks.0.kind"),
    ("shock_not_a_table", HEAD + "shocks = [1]\n", "shocks.0"),
    ("unknown_factor", HEAD + WATER + 'factor = "oil"\nadd = 1.0\nat = 2\n', "shocks.0.factor"),
    ("add_and_scale", HEAD + WATER + 'factor = "water"\nadd = 1.0\nscale = 2.0\nat = 2\n',
     "shocks.0.add"),
    ("negative_half_life", HEAD + WATER + 'factor = "water"\nadd = 1.0\nhalf_life = -3\n'
     "at = 2\n", "shocks.0.half_life"),
    ("zero_recovery", HEAD + ATTACK + "at = 2\nrecovery_months = 0\n", "shocks.0.recovery_months"),
    ("duplicate_names", HEAD + CHINA + "at = 2\n" + CHINA + "at = 3\n", "shocks.1.name"),
    ("one_state_bloc", HEAD + '[[shocks]]\nkind = "bloc"\nname = "b"\nstates = ["UZB"]\nat = 2\n',
     "shocks.0.states"),
    ("two_blocs_one_state", HEAD + '[[shocks]]\nkind = "bloc"\nname = "b"\n'
     'states = ["UZB", "KAZ"]\nat = 2\n[[shocks]]\nkind = "bloc"\nname = "c"\n'
     'states = ["TJK", "KAZ"]\nat = 3\n',
     "shocks.1.states.1"),
    ("repeat_recognize", HEAD + CHINA + "hazard = 0.1\nrepeat = true\n", "shocks.0.repeat"),
    ("self_tie", HEAD + TIE + 'to = "TJK"\nweight = 2.0\n', "shocks.0.to"),
    ("negative_tie_weight", HEAD + TIE + 'to = "RUS"\nweight = -1.0\n', "shocks.0.weight"),
    ("project_unknown_state", HEAD + '[projects.TAPI]\nstakeholders = ["TKM", "XXX"]\n',
     "projects.TAPI.stakeholders.1"),
    ("project_bad_status", HEAD + '[projects.TAPI]\nstatus = "finished"\n',
     "projects.TAPI.status"),
    ("utility_shock_under_threshold_rule", HEAD + 'history = []\n[model]\nrule = "threshold"\n'
     'reversible = false\n[model.threshold]\nvalue = 0.5\n' + WATER +
     'factor = "water"\nadd = 1.0\nat = 2\n', "shocks.0.kind"),
    ("unknown_population_state", 'name = "bad"\n[population]\ngenerator = "erdos_renyi"\n'
     'size = 50\nmean_degree = 3.0\n' + CHINA.replace('"CHN"', '"S50"') + "at = 2\n",
     "shocks.0.states.0"),
    ("unknown_edge_list_state", 'name = "bad"\n[network]\nedges = "edges.csv"\n'
     '[population]\ngenerator = "edge_list"\n' + CHINA.replace('"CHN"', '"Q"') + "at = 2\n",
     "shocks.0.states.0"),
    ("extends_missing", 'extends = "nowhere.toml"\nname = "bad"\n', "extends"),
    ("extends_cycle", 'extends = "cycle_b.toml"\nname = "bad"\n', "extends"),
    ("extends_directory", 'extends = "library"\nname = "bad"\n', "extends"),
]


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def check_rejected(path: Path, key: str, capsys: Any, out: Path) -> None:
    """``recsim run`` and ``recsim validate`` both refuse ``path`` with exit 2 and name ``key``."""
    with pytest.raises(SystemExit) as stop:
        main(["run", str(path), "--runs", "2", "--quiet", "--out", str(out)])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    prefix = f"error: {path}: {key}" if key else f"error: {path}: "
    assert lines[0].startswith(prefix), (lines[0], key)
    assert key == "" or lines[0][len(prefix):][:1] in (":", ".")  # the whole key, or deeper
    assert "Traceback" not in captured.err
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    with pytest.raises(SystemExit) as stop:
        main(["validate", str(path)])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.err and all(line.startswith(f"error: {path}: ")
                                for line in captured.err.splitlines())


def test_the_table_has_at_least_twenty_distinct_files():
    assert len(BAD_FILES) >= 20
    assert len({case[0] for case in BAD_FILES}) == len(BAD_FILES)


@pytest.mark.parametrize(("name", "content", "key"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_rejected_with_its_key(tmp_path, capsys, name, content, key):
    shutil.copy(LIBRARY / "baseline.toml", tmp_path / "baseline.toml")
    write(tmp_path, "cycle_b.toml", 'extends = "bad.toml"\n')
    write(tmp_path, "edges.csv", "source,target\nX,Y\nY,Z\n")
    (tmp_path / "library").mkdir()
    path = write(tmp_path, "bad.toml", content)
    check_rejected(path, key, capsys, tmp_path / "results")


# ----------------------------------------------------------------------------- property test
BASES = ("china_first", "iskp_random_attacks", "tajik_deal", "ca_security_bloc",
         "qosh_tepa_water_crisis")
Path_ = tuple[str | int, ...]


def resolved(name: str) -> dict[str, Any]:
    scenario = load_scenario(LIBRARY / f"{name}.toml")
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def walk(value: Any, path: Path_ = ()) -> list[tuple[Path_, Any]]:
    """Every (path, value) in a nested table, containers included."""
    found = [(path, value)]
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        found += walk(item, (*path, key))
    return found


def is_state_ref(path: Path_) -> bool:
    if len(path) >= 3 and path[0] in ("ties", "shocks") and path[2] in ("from", "to"):
        return True
    return ("states" in path[2:] or "stakeholders" in path or "threatened" in path) and isinstance(
        path[-1], int)


def mutations(data: dict[str, Any]) -> list[tuple[str, Path_]]:
    """Every breaking change that applies somewhere in ``data``: (mutation, path)."""
    out: list[tuple[str, Path_]] = []
    for path, value in walk(data):
        if isinstance(value, dict):
            out.append(("unknown_key", path))
        elif isinstance(value, bool) or isinstance(value, str):
            out.append(("table_for_scalar", path))
        elif isinstance(value, int | float):
            out += [(m, path) for m in ("nan", "inf", "huge", "tiny", "table_for_scalar")]
        if path and is_state_ref(path):
            out.append(("unknown_state", path))
        if len(path) == 3 and path[0] in ("shocks", "states") and path[2] in ("kind", "name"):
            out.append(("delete", path))
    return out


REPLACEMENTS = {"nan": math.nan, "inf": -math.inf, "huge": 1e9, "tiny": -1e9,
                "table_for_scalar": {"x": 1}, "unknown_state": "ZZZ"}


def mutate(data: dict[str, Any], kind: str, path: Path_) -> Path_:
    """Break ``data`` in place; return the key path the error must name."""
    *parents, last = path if path else (None,)
    holder = data
    for key in parents:
        holder = holder[key]
    if kind == "unknown_key":
        target = holder[last] if path else data
        target["zz_unknown"] = 1
        return (*path, "zz_unknown")
    if kind == "delete":
        del holder[last]
        return path
    holder[last] = REPLACEMENTS[kind]
    return path


CANDIDATES = [(base, kind, path) for base in BASES for kind, path in mutations(resolved(base))]


@settings(max_examples=80, deadline=None,  # capsys is read (and so reset) on every example
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CANDIDATES))
def test_any_broken_scenario_is_rejected_naming_the_key(capsys, case):
    base, kind, path = case
    data = resolved(base)
    key = mutate(data, kind, path)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "mutant.toml"
        file.write_text(tomli_w.dumps(data))
        check_rejected(file, ".".join(map(str, key)), capsys, Path(folder) / "out")
