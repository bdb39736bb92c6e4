"""Committed data tables (data/*.csv): schema, codes, ranges, groups, crosswalk quality, spot values.

No raw files needed. Spot values are published census figures a reader can check.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.census.checks import RANGES

DATA = Path(__file__).resolve().parents[1] / "data"
CODES = [
    "edu_college_per_100k", "edu_bachelor_pct", "edu_years", "prof_tech_pct",
    "migrant_interprov_pct", "migrant_intraprov_pct", "pop_growth_pct", "urban_pct",
    "kis_emp_pct", "ict_emp_pct", "sci_emp_pct", "housing_m2_pc", "rental_pct",
    "edu_health_emp_pct", "culture_emp_pct", "young_adult_pct", "aged_pct", "child_pct",
    "fertility",
]  # fmt: skip
SANSHA = "460300"
LONG_FORM = ["prof_tech_pct", "kis_emp_pct", "ict_emp_pct", "sci_emp_pct", "housing_m2_pc",
             "rental_pct", "edu_health_emp_pct", "culture_emp_pct", "fertility"]  # fmt: skip


@pytest.fixture(scope="module")
def cities() -> pd.DataFrame:
    return pd.read_csv(DATA / "cities.csv", dtype={"adcode": str})


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return pd.read_csv(DATA / "units.csv", dtype={"adcode": str})


@pytest.fixture(scope="module")
def framework() -> pd.DataFrame:
    return pd.read_csv(DATA / "framework.csv", dtype={"code": str, "parent": str})


@pytest.fixture(scope="module")
def validation() -> pd.DataFrame:
    return pd.read_csv(
        DATA / "crosswalk_validation.csv", dtype={"adcode": str}, keep_default_na=True
    )


def value(cities: pd.DataFrame, adcode: str, year: int, code: str) -> float:
    row = cities[(cities["adcode"] == adcode) & (cities["year"] == year)]
    assert len(row) == 1
    return float(row[code].iloc[0])


def test_cities_schema(cities: pd.DataFrame) -> None:
    assert list(cities.columns) == ["adcode", "year", "population", *CODES]
    assert cities["adcode"].str.fullmatch(r"\d{6}").all()
    assert not cities.duplicated(["adcode", "year"]).any()
    assert cities.equals(cities.sort_values(["adcode", "year"]).reset_index(drop=True))
    assert set(cities["year"]) == {2010, 2020}


def test_every_unit_has_both_years(cities: pd.DataFrame, units: pd.DataFrame) -> None:
    assert len(units) == 337
    for year in (2010, 2020):
        assert sorted(cities.loc[cities["year"] == year, "adcode"]) == sorted(units["adcode"])


def test_units_schema_and_groups(units: pd.DataFrame) -> None:
    assert list(units.columns) == [
        "adcode",
        "name_zh",
        "name_en",
        "province_zh",
        "province_en",
        "yrd27",
        "yrd41",
    ]
    assert units["adcode"].is_unique and units["name_en"].is_unique
    assert set(units["yrd27"]) <= {0, 1} and set(units["yrd41"]) <= {0, 1}
    assert units["yrd27"].sum() == 27 and units["yrd41"].sum() == 41
    assert (units["yrd41"] >= units["yrd27"]).all()
    yrd27 = set(units.loc[units["yrd27"] == 1, "name_en"])
    for name in ["Shanghai", "Nanjing", "Suzhou (Jiangsu)", "Taizhou (Jiangsu)", "Taizhou (Zhejiang)",
                 "Hangzhou", "Zhoushan", "Hefei", "Ma'anshan", "Xuancheng", "Chizhou", "Yancheng"]:  # fmt: skip
        assert name in yrd27
    for name in ["Xuzhou", "Suzhou (Anhui)", "Lishui", "Huangshan", "Bengbu"]:
        assert name not in yrd27
        assert units.loc[units["name_en"] == name, "yrd41"].item() == 1
    municipalities = units[units["adcode"].isin(["110000", "120000", "310000", "500000"])]
    assert list(municipalities["name_en"]) == ["Beijing", "Tianjin", "Shanghai", "Chongqing"]


def test_english_names(units: pd.DataFrame) -> None:
    en = dict(zip(units["name_zh"] + units["province_zh"], units["name_en"], strict=True))
    assert en["西安市陕西省"] == "Xi'an"
    assert en["六安市安徽省"] == "Lu'an"
    assert en["蚌埠市安徽省"] == "Bengbu"
    assert en["长治市山西省"] == "Changzhi"
    assert en["朝阳市辽宁省"] == "Chaoyang"
    assert en["延边朝鲜族自治州吉林省"] == "Yanbian Korean Autonomous Prefecture"
    assert en["伊春市黑龙江省"] == "Yichun (Heilongjiang)"
    assert en["抚州市江西省"] == "Fuzhou (Jiangxi)"
    assert not units["name_en"].str.contains(r"[\u4e00-\u9fff]").any()


def test_framework_tree(framework: pd.DataFrame, cities: pd.DataFrame) -> None:
    assert list(framework.columns) == ["code", "parent", "level", "name_zh", "name_en", "direction",
                                       "weight", "unit", "unit_zh", "definition_zh", "definition_en",
                                       "source"]  # fmt: skip
    # every indicator's unit in Chinese too (the brief and the summary print it)
    level1_units = framework.loc[framework["level"] == 1, "unit_zh"]
    assert level1_units.notna().all() and not level1_units.str.contains("[A-Za-z]").any()
    assert framework["code"].is_unique
    counts = framework["level"].value_counts().to_dict()
    assert counts == {1: 19, 2: 12, 3: 5, 4: 1}
    level1 = framework[framework["level"] == 1]
    assert list(level1["code"]) == CODES == list(cities.columns[3:])
    codes = set(framework["code"])
    assert framework.loc[framework["level"] < 4, "parent"].isin(codes).all()
    parent_level = framework.set_index("code")["level"]
    for row in framework[framework["level"] < 4].itertuples():
        assert parent_level[row.parent] == row.level + 1
    assert framework.loc[framework["code"] == "TVI", "parent"].isna().all()
    assert set(level1["direction"]) == {1, -1}
    assert level1.loc[level1["direction"] == -1, "code"].tolist() == ["aged_pct"]
    assert framework.loc[framework["level"] > 1, "direction"].isna().all()
    assert (framework["weight"] == 1).all()
    assert framework[["name_zh", "name_en"]].notna().all().all()


def test_values_in_range(cities: pd.DataFrame) -> None:
    for code, (lo, hi) in RANGES.items():
        col = cities[code].dropna()
        assert col.between(lo, hi).all(), code


def test_missing_only_where_documented(cities: pd.DataFrame) -> None:
    y2010 = cities["year"] == 2010
    assert cities.loc[y2010, "ict_emp_pct"].isna().all()
    assert cities.loc[y2010, "pop_growth_pct"].isna().all()
    sansha = cities["adcode"] == SANSHA
    assert cities.loc[sansha, LONG_FORM].isna().all().all()
    assert cities.loc[sansha & ~y2010, "pop_growth_pct"].isna().all()
    others = cities[~sansha]
    for code in CODES:
        expected_missing = y2010[~sansha] if code in ("ict_emp_pct", "pop_growth_pct") else False
        assert (others[code].isna() == expected_missing).all(), code
    assert cities["population"].notna().all()


def test_spot_values_2020(cities: pd.DataFrame) -> None:
    # 7th census bulletins: college-educated per 100,000
    assert value(cities, "310000", 2020, "edu_college_per_100k") == pytest.approx(33872, abs=1)
    assert value(cities, "110000", 2020, "edu_college_per_100k") == pytest.approx(41980, abs=1)
    assert value(cities, "310000", 2020, "aged_pct") == pytest.approx(16.28, abs=0.005)
    assert value(cities, "110000", 2020, "aged_pct") == pytest.approx(13.30, abs=0.005)
    assert value(cities, "310000", 2020, "population") == 24_870_895
    assert value(cities, "500000", 2020, "population") == 32_054_159  # 市辖区 + 县 rows
    assert (
        value(cities, "440300", 2020, "population") == 17_494_398
    )  # yearbook (bulletin: 17,560,061)
    # years of schooling: the yearbook's population aged 6+ (12.21, 11.50); the bulletins'
    # 12.64 (Beijing) and 11.81 (Shanghai) are for the population aged 15+
    assert value(cities, "110000", 2020, "edu_years") == pytest.approx(12.21)
    assert value(cities, "310000", 2020, "edu_years") == pytest.approx(11.50)
    assert value(cities, "110000", 2020, "urban_pct") == pytest.approx(87.55, abs=0.005)
    assert value(cities, "310000", 2020, "urban_pct") == pytest.approx(89.30, abs=0.005)


def test_spot_values_2010(cities: pd.DataFrame) -> None:
    # 6th census: Beijing 19,612,368 residents, 31,499 college-educated per 100,000
    assert value(cities, "110000", 2010, "population") == 19_612_368
    assert value(cities, "110000", 2010, "edu_college_per_100k") == pytest.approx(31499, abs=1)
    assert value(cities, "310000", 2010, "population") == 23_019_196
    assert value(cities, "310000", 2010, "edu_college_per_100k") == pytest.approx(21893, abs=1)
    # Hefei in 2020 boundaries includes 居巢区 and 庐江县 of the former Chaohu prefecture
    assert value(cities, "340100", 2010, "population") > 7_000_000


def test_pop_growth_2020(cities: pd.DataFrame) -> None:
    # Shanghai 2010 -> 2020: 23,019,196 -> 24,870,895
    expected = ((24_870_895 / 23_019_196) ** 0.1 - 1) * 100
    assert value(cities, "310000", 2020, "pop_growth_pct") == pytest.approx(expected, abs=1e-4)


def test_crosswalk_validation(validation: pd.DataFrame, units: pd.DataFrame) -> None:
    v = validation[validation["error_pct"].notna()]
    assert len(v) == 336  # all but Sansha
    assert v["within_1pct"].mean() >= 0.9
    comparable = v[v["comparable"] == 1]
    assert (comparable["error_pct"].abs() <= 5).all()
    flagged = v[(v["error_pct"].abs() > 1) | (v["comparable"] == 0)]
    assert flagged["cause"].notna().all() and (flagged["cause"].str.len() > 10).all()
    yrd41 = set(units.loc[units["yrd41"] == 1, "adcode"])
    yrd = v[v["adcode"].isin(yrd41)]
    assert len(yrd) == 41 and (yrd["comparable"] == 1).all()
    off = yrd[yrd["within_1pct"] == 0]
    assert set(off["adcode"]) <= {"340200", "340500"}  # Wuhu/Ma'anshan: part of He County
    assert off["cause"].str.contains("partial-county").all()


def test_sources_md_mentions_licence_and_exclusions() -> None:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for needle in [
        "Lei Dong",
        "github.com/leiii/census",
        "MIT",
        "仙桃市",
        "济源市",
        "石河子市",
        "五指山市",
    ]:
        assert needle in text
    assert "{{" not in text
