"""Issue 10 (trust and clarity), the Rankings page and peer groups: what a visitor sees.

* the table shows each unit's data coverage; units the screening excludes are not ranked rows
  but are named below the table with their reason; flagged units and unusually wide rank
  intervals are marked, with a one-line explanation;
* a click on a city's name opens its profile (the browser test drives the real click);
* the map's colour scale is the same for every year of a build;
* peer groups: only provinces that can be ranked are offered, the default province is the one
  of the city in view, every fallback is a notice at the top of the page, and the caption names
  the group concretely.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import indicators
from indicators import Config
from tests.apps import fresh_caches, open_page
from ui import views

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "cities.csv").exists(), reason="data/cities.csv not built yet"
)
SANSHA = "460300"


_fresh_caches = pytest.fixture(autouse=True)(fresh_caches)


def run(params: dict | None = None, page: str | None = None) -> AppTest:
    return open_page(page, params, timeout=90)


def main_warnings(at: AppTest) -> str:
    """Warnings in the main area (not the sidebar), joined."""
    return " ".join(w.value for w in at.main.warning)


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def map_spec(at: AppTest) -> dict:
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if spec.get("mark", {}).get("type") == "geoshape":
            return spec
    raise AssertionError("no map")


# ------------------------------------------------------------------ 1. coverage and screening
def test_all_cities_leaves_sansha_out_and_names_it_with_its_reason():
    at = run({"group": "all"})
    table = at.dataframe[0].value
    assert SANSHA not in set(table["adcode"]) and len(table) == 336
    assert table["rank"].tolist() == list(range(1, 337))  # no gap, no unranked tail
    assert table["coverage"].str.match(r"^\d+/19$").all()
    assert (table["coverage"] == "19/19").mean() > 0.9
    info = " ".join(i.value for i in at.info)
    assert (
        "1 个城市因数据不足未参与排名：三沙市（9/19 项指标，缺少人才贡献度、人才成长环境）" in info
    )
    assert "75%" in info


def test_excluded_notice_in_english():
    at = run({"group": "all", "lang": "en", "year": "2010"})
    info = " ".join(i.value for i in at.info)
    expected = "Not ranked for lack of data (1): Sansha (9/19 indicators; no data on Contribution "
    assert expected + "and Growth environment)" in info
    # 2010: population growth needs the 2000 census, so every city lacks one indicator
    assert (at.dataframe[0].value["coverage"] == "18/19").mean() > 0.9


def test_no_excluded_notice_when_every_unit_is_ranked():
    at = run()
    assert "coverage" in at.dataframe[0].value.columns
    assert not any("未参与排名" in i.value for i in at.info)


def test_flagged_units_are_marked_in_the_table():
    paths = indicators.default_paths()
    fw = indicators.load_framework(paths["framework"])
    data = indicators.load_data(paths["data"], framework=fw)
    units = indicators.load_units(paths["units"])
    build = indicators.Build.create(data, fw, Config(screen="flag"), members="all", units=units)
    table = views.ranking_table(indicators.run_pipeline(build), fw, units, 2020, "zh")
    row = table.loc[table["adcode"] == SANSHA].iloc[0]
    assert row["coverage"] == f"9/19 {views.MARK}" and bool(row["flagged"])
    assert not table.loc[table["adcode"] != SANSHA, "coverage"].str.contains(views.MARK).any()


def test_wide_rank_intervals_are_marked_and_explained():
    at = run({"group": "all"})
    table = at.dataframe[0].value
    wide = table["wide"].astype(bool)
    assert wide.any()
    assert table.loc[wide, "interval"].str.endswith(views.MARK).all()
    assert not table.loc[~wide, "interval"].str.contains(views.MARK).any()
    assert "排名区间后的 ⚠：区间异常宽" in captions(at)
    quiet = run()  # the YRD 27 have no wide interval: no mark, no caption
    assert not quiet.dataframe[0].value["interval"].str.contains(views.MARK).any()
    assert "区间异常宽" not in captions(quiet)


# ------------------------------------------------------------------------ 2. click on a name
def test_clicking_a_name_cell_opens_that_city_and_the_caption_says_so():
    at = run({"lang": "en", "year": "2010", "group": "yrd41"})
    assert "Click a city's name (or any cell of its row)" in captions(at)
    table = at.dataframe[0].value
    third = table.iloc[2]
    at.session_state["ranking_table"] = {
        "selection": {"rows": [], "columns": [], "cells": [(2, "name")]}
    }
    at.run()
    assert not at.exception
    assert at.session_state["city"] == third["adcode"]
    assert at.title[0].value == "City profile"
    assert (
        at.query_params["city"] == [third["adcode"]] or at.query_params["city"] == third["adcode"]
    )


# ------------------------------------------------------------------ 4. one colour scale a build
def test_map_colour_scale_is_the_same_in_both_years():
    domains = {}
    for year in ("2010", "2020"):
        at = run({"group": "all", "year": year})
        domains[year] = map_spec(at)["encoding"]["color"]["scale"].get("domain")
        assert "同一色标" in captions(at) and "2010 和 2020 年" in captions(at)
    assert domains["2010"] is not None and domains["2010"] == domains["2020"]
    scores = pd.concat(
        [run({"group": "all", "year": y}).dataframe[0].value["TVI"] for y in ("2010",)]
    )
    low, high = domains["2010"]
    assert low <= scores.min() and high >= scores.max() and high > 70  # 2020's best is ~71.7


# ---------------------------------------------------------------------------- 5. peer groups
def test_province_choice_offers_only_rankable_provinces():
    at = run({"group": "province", "prov": "浙江省"})
    options = at.sidebar.selectbox(key="_w_prov_zh").options
    assert "浙江省" in options and "海南省" in options  # Hainan: 3 ranked besides Sansha
    for municipality in ("北京市", "天津市", "上海市", "重庆市"):
        assert municipality not in options


def test_province_link_to_a_municipality_falls_back_with_a_notice_on_the_page():
    at = run({"group": "province", "prov": "北京市"})
    warning = main_warnings(at)
    assert "北京市 只有 1 个可排名的城市" in warning and "现显示 河北省" in warning
    assert "比较范围: 河北省 · 11 个城市" in at.caption[0].value
    assert len(at.dataframe[0].value) == 11


def test_province_caption_names_the_province_in_both_languages():
    at = run({"group": "province", "prov": "浙江省"})
    assert "浙江省 · 11 个城市" in at.caption[0].value
    at = run({"group": "province", "prov": "浙江省", "lang": "en"})
    assert "Zhejiang · 11 cities" in at.caption[0].value
    at = run()
    assert "长三角中心区 27 城 · 27 个城市" in at.caption[0].value


def test_default_province_is_the_one_of_the_city_in_view():
    at = run({"group": "province", "city": "330100"})  # Hangzhou, from a link
    assert "浙江省 · 11 个城市" in at.caption[0].value
    at = run()
    at.session_state["city"] = "320100"  # Nanjing, chosen on the profile page
    at.sidebar.selectbox(key="_w_group_zh").set_value("province").run()
    assert "江苏省 · 13 个城市" in at.caption[0].value
    assert at.query_params["prov"] in ("江苏省", ["江苏省"])


def test_default_province_without_a_city_is_the_first_rankable_one():
    at = run()
    at.sidebar.selectbox(key="_w_group_zh").set_value("province").run()
    assert "河北省 · 11 个城市" in at.caption[0].value  # not Beijing (one city)
    assert not main_warnings(at)


def test_empty_custom_selection_says_what_is_shown_at_the_top():
    at = run()
    at.sidebar.selectbox(key="_w_group_zh").set_value("custom").run()
    warning = main_warnings(at)
    assert "“自定义”只有 0 个可排名的城市" in warning and "现显示“长三角中心区 27 城”" in warning
    assert "选择至少 2 个城市" in warning
    assert "长三角中心区 27 城 · 27 个城市" in at.caption[0].value


def test_custom_caption_counts_the_cities():
    members = "310000,320100,330100,340100,320500"
    at = run({"group": "custom", "members": members, "lang": "en"})
    assert "Custom selection · 5 cities" in at.caption[0].value
    assert not main_warnings(at)


def test_unknown_code_in_a_custom_link_is_named_and_the_shown_group_too():
    at = run({"group": "custom", "members": "310000,999999"})
    warning = main_warnings(at)
    assert "链接中的城市代码 999999 不在数据中，已忽略。" in warning
    assert "“自定义”只有 1 个可排名的城市（至少需要 2 个），现显示“长三角中心区 27 城”" in warning
    assert "默认值 310000" not in warning  # not a "default" of one city that is not shown
    assert "长三角中心区 27 城 · 27 个城市" in at.caption[0].value


def test_custom_group_with_only_sansha_and_one_city_is_too_small():
    at = run({"group": "custom", "members": f"460100,{SANSHA}", "lang": "en"})
    warning = main_warnings(at)
    assert "“Custom selection” has too few rankable cities (1; at least 2 are needed)" in warning
    assert "showing “YRD central 27 cities” instead" in warning


def test_a_province_link_always_names_the_province():
    """The default province follows the city in view, so a link without ``prov`` could open
    another province: the link names it even when it is the first one offered."""
    at = run({"group": "province", "prov": "北京市"})
    assert at.query_params["prov"] in ("河北省", ["河北省"])
    at = run()
    at.sidebar.selectbox(key="_w_group_zh").set_value("province").run()
    assert at.query_params["prov"] in ("河北省", ["河北省"])


# ------------------------------------------------------------------ 3. the table's columns fit
def test_dimension_headers_drop_the_shared_words_and_widths_fit_the_budget():
    fw = indicators.load_framework(indicators.default_paths()["framework"])
    dims = list(fw.children(fw.root))
    assert views.short_names(fw, dims, "zh") == [
        "储备量",
        "流动性",
        "贡献度",
        "成长环境",
        "发展可持续性",
    ]
    assert views.short_names(fw, dims, "en") == [fw.name(d, "en") for d in dims]  # no shared word
    heads = views.short_names(fw, dims, "en")
    widths = views.fit_widths(heads, 400)
    assert sum(widths) <= 400 and min(widths) >= 56
    assert widths[heads.index("Mobility")] < max(widths)  # short headers stay whole, not padded
    assert views.fit_widths(["储备量", "流动性"], 400) == [60, 60]  # room enough: what they need
