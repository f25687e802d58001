"""The report's map: the district -> council roll-up (pipeline/store/reference/lad23_utla.csv) checked against the
ONS boundaries, and the map data (pipeline/store/reference/england_utla_map.json) as scripts/build_england_map.py
builds it. Tests that read the boundaries skip where ../shared/real is absent."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.store import reference
from tests.real import REAL, needs_real

ROOT = Path(__file__).resolve().parent.parent
GEOJSON = REAL / "reference" / "lad23_boundaries.geojson"
sys.path.insert(0, str(ROOT / "scripts"))
import build_england_map as M  # noqa: E402


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(reference.ROLLUP_FILE.open(encoding="utf-8")))


def _authorities() -> dict[str, str]:
    return {r["ons_code"]: r["name"] for r in reference.la_rows() if r["status"] == "current"}


@pytest.fixture(scope="module")
def features() -> list[dict]:
    if not GEOJSON.is_file():
        pytest.skip("needs ../shared/real (the real Ofsted archive)")
    return json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]


def test_the_rollup_gives_every_district_one_council_and_every_council_a_district():
    rows, authorities = _rows(), _authorities()
    assert len(rows) == len({r["lad23cd"] for r in rows}) == 296  # England's districts of December 2023
    assert {r["ons_code"] for r in rows} == set(authorities)  # all 153 councils, each with >= 1 district
    assert all(authorities[r["ons_code"]] == r["council"] for r in rows)
    shire = [r for r in rows if r["how"] == "county_block"]
    assert len(shire) == 164 and len({r["ons_code"] for r in shire}) == 21
    cambridge = next(r for r in rows if r["lad23nm"] == "Cambridge")
    assert cambridge["council"] == "Cambridgeshire"


@needs_real
def test_the_rollup_is_what_the_script_derives_and_passes_its_geometric_checks(features):
    authorities = _authorities()
    derived = M.rollup(features, authorities)
    assert derived == _rows()
    assert M.check_rollup(derived, features, authorities) == []


@needs_real
def test_the_geometric_checks_catch_a_wrong_county(features):
    authorities = _authorities()
    rows = [dict(r) for r in _rows()]
    cambridge = next(r for r in rows if r["lad23nm"] == "Cambridge")
    cambridge.update(ons_code="E10000016", council="Kent")
    problems = M.check_rollup(rows, features, authorities)
    assert any("shares no boundary with another district of Kent" in p for p in problems)
    assert any("from the rest of Kent" in p for p in problems)
    assert any("Kent: its districts are not one connected area" in p for p in problems)
    missing = [r for r in _rows() if r["council"] != "Rutland"]
    assert any("Rutland: no district" in p for p in M.check_rollup(missing, features, authorities))


def test_every_shire_district_code_is_in_exactly_one_county_block():
    for r in _rows():
        if r["how"] == "county_block":
            assert M.county_of_block(r["lad23cd"]) == [r["council"]]


def test_the_map_has_an_outline_per_council_and_stays_small():
    data = reference.england_map()
    assert set(data["areas"]) == set(_authorities())
    assert all(a["d"].startswith("M") and a["d"].endswith("Z") for a in data["areas"].values())
    size = sum(len(a["d"]) for a in data["areas"].values()) + len(data["borders"])
    assert 30_000 < size < 300_000  # a few hundred kB of SVG at most
    assert "Office for National Statistics" in data["source"] and "Open Government Licence" in data["source"]


@needs_real
def test_the_map_is_the_scripts_output_from_the_boundaries(tmp_path, features):
    data = reference.england_map()
    assert data["input_sha256"] == hashlib.sha256(GEOJSON.read_bytes()).hexdigest()
    script = ROOT / "scripts" / "build_england_map.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True, timeout=120)
    for committed in (reference.MAP_FILE, reference.ROLLUP_FILE):
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), f"{committed.name} is stale"


def test_simplification_keeps_a_rings_ends_and_drops_near_collinear_points():
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, -0.01), (3.0, 0.0)]
    assert M.douglas_peucker(line, 0.1) == [(0.0, 0.0), (3.0, 0.0)]
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.5, 1.001), (0.0, 1.0), (0.0, 0.0)]
    assert M.douglas_peucker(ring, 0.1) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
