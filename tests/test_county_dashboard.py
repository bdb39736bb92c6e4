"""AppTest of the county level (issue 13, dashboard): every page at county level, the level in
the link, the county peer groups offered, and the drill-down between a city and its counties."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apps import fresh_caches, open_page

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "counties.csv").exists(), reason="data/counties.csv not built yet"
)
COUNTIES = pd.read_csv(ROOT / "data" / "county_units.csv", dtype=str)
JIANGSU = COUNTIES.loc[COUNTIES["province_zh"] == "江苏省", "adcode"]
SUZHOU = COUNTIES.loc[COUNTIES["city_adcode"] == "320500", "adcode"]
PROVINCE = {"level": "county", "group": "province", "prov": "江苏省"}


_fresh_caches = pytest.fixture(autouse=True)(fresh_caches)


def run(page: str | None = None, params: dict | None = None) -> AppTest:
    return open_page(page, params, timeout=120)


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "caption", "markdown", "header", "subheader")
             for e in at.get(kind)]  # fmt: skip
    return "\n".join(map(str, parts))


def test_rankings_at_county_level_ranks_the_province_counties_and_names_them():
    at = run(params=PROVINCE)
    table = at.dataframe[0].value
    assert set(table["adcode"]) == set(JIANGSU)  # every county of Jiangsu, nothing else
    assert "江苏省 · 107 个区县" in at.caption[0].value
    assert "城市" not in at.caption[0].value
    assert at.query_params["level"] == "county"


@pytest.mark.parametrize("page", ["city", "compare", "lab", "data", "methodology"])
def test_every_page_renders_at_county_level(page):
    at = run(page, PROVINCE)
    assert not at.error, [e.value for e in at.error]
    if page == "city":
        assert at.title[0].value == "区县画像"
        assert at.selectbox(key="_w_city_zh").options  # the counties of the group
        shown = {o.split("（")[0] for o in at.selectbox(key="_w_city_zh").options}
        assert shown == set(COUNTIES.loc[COUNTIES["province_zh"] == "江苏省", "name_zh"])
        assert "所属城市" in texts(at)
        assert any("区县" in d.value.columns for d in at.dataframe)  # the nearest peers
    if page == "compare":
        assert at.title[0].value == "区县对比"
    if page == "data":
        shown = at.dataframe[0].value
        assert "区县" in shown.columns and "城市" not in shown.columns  # the names' header
        assert set(shown["adcode"] if "adcode" in shown else shown.iloc[:, 0]) == set(JIANGSU)


def test_city_level_stays_the_default_and_names_cities():
    at = run()
    assert "level" not in at.query_params  # the default level is not written into links
    assert "个城市" in at.caption[0].value
    assert len(at.dataframe[0].value) == 27


def test_level_and_city_group_round_trip_in_the_link():
    params = {"level": "county", "group": "citycounties", "parent": "320500", "lang": "en"}
    at = run(params=params)
    for key, value in params.items():
        if key == "group":  # the county level's default group: not written into the link
            assert "group" not in at.query_params
            continue
        assert at.query_params[key] == value
    assert set(at.dataframe[0].value["adcode"]) == set(SUZHOU)
    assert "Counties of Suzhou" in at.caption[0].value and "10 counties" in at.caption[0].value


def test_a_bad_level_in_a_link_is_named_and_the_city_level_shown():
    at = run(params={"level": "township"})
    assert any("township" in w.value for w in at.warning)
    assert "个城市" in at.caption[0].value


def test_county_groups_offered_are_rankable_ones():
    at = run(params={"level": "county"})
    group = at.selectbox(key="_w_group_zh")
    assert group.options[0] == "某市下辖区县"  # the default: the counties of a city
    assert "全国县级市" in group.options and "某省县级市" in group.options
    parents = at.selectbox(key="_w_parent_zh").options
    assert "苏州市" in parents
    assert "东莞市" not in parents  # a city without counties cannot be a group of its counties
    # the default city: the first of the YRD 27 cities (Shanghai's districts)
    assert "上海市下辖区县" in at.caption[0].value


def test_a_county_group_without_2010_data_says_it_shows_2020():
    params = {"level": "county", "group": "citycounties", "parent": "320500", "year": "2010"}
    at = run(params=params)
    assert any("2010" in w.value and "2020" in w.value for w in at.warning)
    assert "2020" in at.caption[0].value


def test_county_level_cities_of_a_province():
    at = run(params={"level": "county", "group": "ccity_prov", "prov": "江苏省"})
    table = at.dataframe[0].value
    kinds = COUNTIES.set_index("adcode").loc[table["adcode"], "type"]
    expected = COUNTIES.loc[(COUNTIES["province_zh"] == "江苏省") & (COUNTIES["type"] == "县级市")]
    assert set(kinds) == {"县级市"} and set(table["adcode"]) == set(expected["adcode"])
    assert "江苏省县级市" in at.caption[0].value


def test_drill_down_from_a_city_to_its_counties_and_back():
    at = run("city", {"city": "320500"})
    assert at.header[0].value == "苏州市"
    at.button(key="_drill_down").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["level"] == "county"
    assert "group" not in at.query_params  # the default county group: a city's counties
    assert at.query_params["parent"] == "320500"
    assert at.title[0].value == "排名"
    assert "苏州市下辖区县 · 10 个区县" in at.caption[0].value
    assert set(at.dataframe[0].value["adcode"]) == set(SUZHOU)
    # a county's profile (常熟市) links back to its city
    at.session_state["city"] = "320581"
    at.switch_page("pages/city.py").run()
    assert at.header[0].value == "常熟市"
    at.button(key="_drill_up").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "level" not in at.query_params
    assert at.query_params["city"] == "320500"
    assert at.title[0].value == "城市画像" and at.header[0].value == "苏州市"
    assert "个城市" in texts(at)


def test_the_county_map_serves_just_the_group_from_its_provinces_files():
    import json

    from ui import loaders

    dataset = loaders.bundled_dataset("county")
    members = tuple(JIANGSU)
    url = loaders.group_geo_url(dataset, members)
    served = json.loads((ROOT / url.removeprefix("/app/")).read_text(encoding="utf-8"))
    ids = {f["id"] for f in served["features"]}
    zones = set(COUNTIES.loc[COUNTIES["type"] == "功能区", "adcode"])
    assert ids <= set(JIANGSU)
    # every county but the zones and 港闸区 (merged into 崇川区 after the census: no polygon)
    assert set(JIANGSU) - zones - ids == {"320611"}
    assert loaders.without_boundary(dataset, members) == len(set(JIANGSU) - ids)
    # the YRD 27 cities' counties come from four provinces' files
    yrd = tuple(COUNTIES.loc[COUNTIES["yrd27"] == "1", "adcode"])
    url = loaders.group_geo_url(dataset, yrd)
    served = json.loads((ROOT / url.removeprefix("/app/")).read_text(encoding="utf-8"))
    assert {f["id"][:2] for f in served["features"]} == {"31", "32", "33", "34"}


def test_county_names_repeated_in_china_carry_their_city():
    at = run(params={"level": "county", "group": "province", "prov": "江苏省"})
    names = set(at.dataframe[0].value["name"])
    assert {"鼓楼区（南京市）", "鼓楼区（徐州市）"} <= names
    assert "玄武区" in names  # a unique name stays as it is


def test_the_sidebar_level_switch_opens_the_counties_of_the_city_in_view_and_comes_back():
    at = run("city", {"city": "320500", "group": "province", "prov": "江苏省"})
    switch = at.sidebar.segmented_control(key="_w_level_zh")
    assert switch.options == ["城市", "区县"]
    switch.set_value("county").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["level"] == "county" and at.query_params["parent"] == "320500"
    assert at.title[0].value == "区县画像"
    assert at.selectbox(key="_w_group_zh").value == "citycounties"
    # back at the city level: its own group (江苏省) and city (苏州市) again, nothing to notice
    at.sidebar.segmented_control(key="_w_level_zh").set_value("city").run()
    assert not at.warning, [w.value for w in at.warning]
    assert at.query_params["group"] == "province" and at.query_params["prov"] == "江苏省"
    assert at.title[0].value == "城市画像" and at.header[0].value == "苏州市"


def test_county_groups_that_cannot_be_ranked_are_named_in_county_words():
    at = run(params={"level": "county", "group": "custom", "members": "320505"})
    assert any("1 个可排名的区县" in w.value and "上海市下辖区县" in w.value for w in at.warning)
    assert "上海市下辖区县 · 16 个区县" in at.caption[0].value
    # a city without counties (东莞市) cannot be a group of its counties: said, with the city shown
    at = run(params={"level": "county", "parent": "441900"})
    assert any("parent=441900" in w.value and "上海市" in w.value for w in at.warning)


def test_a_county_recipe_round_trips_in_the_dashboard_and_on_the_command_line(
    tmp_path, monkeypatch
):
    import io
    from unittest import mock

    from streamlit.delta_generator import DeltaGenerator

    from indicators.cli import main

    seen: dict[str, tuple[object, str]] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        seen[label] = (data, file_name)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    params = {"level": "county", "parent": "320500", "w": "D1:5"}
    run("data", params)
    recipe, _name = seen["下载方案文件（JSON）"]
    first_csv = seen["下载 CSV"][0]
    assert b'"level": "county"' in recipe or b'"level":"county"' in recipe

    class Upload(io.BytesIO):
        name = "recipe.json"

    real = st.file_uploader

    def uploader(label, *args, **kwargs):
        if kwargs.get("key") == "up_recipe":
            return Upload(recipe)
        return real(label, *args, **kwargs)

    seen.clear()
    with mock.patch.object(st, "file_uploader", side_effect=uploader):
        at = run("data", {"level": "county"})  # a new county session, default build
        next(b for b in at.button if b.label == "使用该方案").click().run()
    assert any("已载入方案" in s.value for s in at.success), [e.value for e in at.error]
    assert set(at.session_state["_context"].members) == set(SUZHOU)
    assert seen["下载 CSV"][0] == first_csv
    # and the command line reproduces the file from it
    path = tmp_path / "r.json"
    path.write_bytes(recipe)
    out = tmp_path / "cli.csv"
    assert main(["compute", "--recipe", str(path), "--columns", "full", "--out", str(out)]) == 0
    assert out.read_bytes() == first_csv


@pytest.mark.parametrize("page", ["rankings", "data"])
def test_a_custom_county_group_renders(page):
    """Regression: the custom group's name had no county text (KeyError, an error id shown)."""
    at = run(page, {"level": "county", "group": "custom", "members": "320505,320583,510104"})
    assert not at.error, [e.value for e in at.error]
    if page == "rankings":
        assert "自定义 · 3 个区县" in at.caption[0].value
        assert set(at.dataframe[0].value["adcode"]) == {"320505", "320583", "510104"}
