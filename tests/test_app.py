"""AppTest: every page renders without exception and shows the right content; key interactions
(language, peer group, city choice, weights, upload) and the URL round trip are driven."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apps import open_page
from ui import vega_charts as vega_charts_module

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "cities.csv").exists(), reason="data/cities.csv not built yet"
)
UNITS = (
    pd.read_csv(ROOT / "data" / "units.csv", dtype={"adcode": str})
    if (ROOT / "data" / "units.csv").exists()
    else None
)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


run = open_page  # tests/apps.py: the page opened with link parameters, no exception


def chart(at: AppTest, key: str) -> dict:
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if element.proto.id and key in element.proto.id:
            return spec
    raise AssertionError(f"no chart with key {key}")


def vega_charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """(spec, the ``scores`` dataset) of every Vega-Lite chart, in page order."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    found = []
    for element in at.get("vega_lite_chart"):
        data = {d.name: d.data.data for d in element.proto.datasets}
        found.append(
            (json.loads(element.proto.spec), convert_arrow_bytes_to_pandas_df(data["scores"]))
        )
    return found


def names(lang: str) -> dict[str, str]:
    return dict(zip(UNITS["adcode"], UNITS["name_en" if lang == "en" else "name_zh"], strict=True))


def test_rankings_default_shows_27_yrd_cities():
    at = run()
    assert at.title[0].value == "排名"
    table = at.dataframe[0].value
    assert len(table) == 27
    assert set(table["adcode"]) == set(UNITS.loc[UNITS["yrd27"] == 1, "adcode"])
    assert table["rank"].min() == 1 and table["rank"].is_monotonic_increasing
    (bar, bar_data), (geo, geo_data), (_, dist_data) = vega_charts(at)  # bar, map, distribution
    top = vega_charts_module.TOP_BARS  # the best 15 (all in a scrolling box on request)
    assert bar["encoding"]["y"]["sort"] == list(table["name"])[:top]  # best on top
    assert list(bar_data["adcode"]) == list(table["adcode"])[:top]
    assert set(geo_data["adcode"]) == set(table["adcode"]) and len(dist_data) == 27
    served = ROOT / "static" / "geo" / "cities.geojson"
    assert served.read_bytes() == (ROOT / "data" / "geo" / "cities.geojson").read_bytes()
    # the map loads, by a local URL, a file with just the group's 27 boundaries
    url = geo["data"]["url"]
    assert url.startswith("/app/static/geo/groups/") and url.endswith(".geojson")
    subset = json.loads((ROOT / url.removeprefix("/app/")).read_text())
    assert sorted(f["id"] for f in subset["features"]) == sorted(table["adcode"])
    assert table["interval"].str.match(r"^\d+–\d+$").all()  # rank intervals next to ranks


def test_language_switch_translates_titles_and_names():
    at = run()
    at.sidebar.segmented_control[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Rankings"
    table = at.dataframe[0].value
    assert "Shanghai" in set(table["name"])
    assert at.query_params["lang"] == "en"


def test_group_choice_survives_language_switch():
    at = run()
    at.sidebar.selectbox(key="_w_group_zh").set_value("yrd41").run()
    assert len(at.dataframe[0].value) == 41
    at.sidebar.segmented_control[0].set_value("en").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="_w_group_en").value == "yrd41"
    assert len(at.dataframe[0].value) == 41
    assert at.query_params["group"] == "yrd41"


def test_peer_group_all_cities():
    at = run(params={"group": "all"})
    # every unit but Sansha, which the screening leaves out (named below the table)
    assert len(at.dataframe[0].value) == len(UNITS) - 1


def test_province_group_from_link():
    at = run(params={"group": "province", "prov": "浙江省"})
    table = at.dataframe[0].value
    assert len(table) == int((UNITS["province_zh"] == "浙江省").sum()) == 11


def test_bad_link_falls_back_with_notice():
    at = run(params={"year": "1999", "lang": "<script>alert(1)</script>", "zzz": "1"})
    assert at.title[0].value == "排名"
    warnings = " ".join(w.value for w in at.warning)
    assert "year=1999" in warnings and "zzz" in warnings


def test_city_profile_shows_name_in_the_page_language():
    at = run("city", params={"city": "310000"})
    headers = " ".join(h.value for h in at.header)
    assert "上海市" in headers and "Shanghai" not in headers  # issue 10: zh is Chinese only
    assert "Shanghai" in " ".join(
        h.value for h in run("city", {"city": "310000", "lang": "en"}).header
    )
    assert chart(at, "radar")["data"][1]["name"] == "组内中位数"
    assert at.query_params["city"] == "310000"


def test_city_choice_changes_profile():
    at = run("city")
    hangzhou = "330100"
    at.selectbox(key="_w_city_zh").set_value(hangzhou).run()
    assert not at.exception
    assert "杭州市" in " ".join(h.value for h in at.header)


def test_compare_page_two_to_six_cities():
    at = run("compare", params={"cities": "310000,320100,330100"})
    radar = chart(at, "radar")
    assert [trace["name"] for trace in radar["data"]] == ["上海市", "南京市", "杭州市"]
    table = at.dataframe[0].value
    assert {"上海市", "南京市", "杭州市"} <= set(table.columns)


def test_lab_weights_move_ranks():
    at = run("lab")
    assert "0 / 27" in at.metric[0].value  # the default build moves nobody
    at.slider(key="_w_w_D1").set_value(5.0).run()
    assert not at.exception
    assert at.metric[0].value != "0 / 27"
    assert "D1:5" in at.query_params["w"]


def test_methodology_page_shows_framework_and_audit():
    at = run("methodology")
    sun = chart(at, "sunburst")
    assert len(sun["data"][0]["ids"]) == 1 + 5 + 12 + 19
    assert any("重构" in m.value for m in at.markdown)  # says the indicator set is a reconstruction


def test_data_page_tables_and_downloads():
    at = run("data")
    assert len(at.dataframe[0].value) == 27 * 2
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 Excel", "下载 Parquet", "下载方案文件（JSON）"]


def test_english_pages_have_no_chinese_titles():
    for page in ("rankings", "city", "compare", "lab", "methodology", "data"):
        at = run(page, params={"lang": "en"})
        assert at.title[0].value.isascii(), page


FRAMEWORK_CSV = (
    "code,parent,level,name_zh,name_en,direction,weight\n"
    "idx,,3,指数,Index,,1\n"
    "A,idx,2,甲,Alpha,,1\n"
    "B,idx,2,乙,Beta,,1\n"
    "a1,A,1,甲一,Alpha one,1,1\n"
    "a2,A,1,甲二,Alpha two,-1,1\n"
    "b1,B,1,乙一,Beta one,1,1\n"
).encode()
DATA_CSV = b"adcode,year,a1,a2,b1\nu1,2020,1,5,3\nu2,2020,2,4,1\nu3,2020,3,3,2\nu4,2020,4,1,5\n"


def upload(at: AppTest, data: bytes, framework: bytes) -> AppTest:
    at.file_uploader(key="up_data").set_value(("mine.csv", data, "text/csv"))
    at.file_uploader(key="up_fw").set_value(("framework.csv", framework, "text/csv"))
    at.run()
    next(b for b in at.button if b.label in ("校验并使用", "Validate and use")).click().run()
    return at


def test_upload_good_files_is_used_by_every_page():
    at = upload(run("data"), DATA_CSV, FRAMEWORK_CSV)
    assert not at.exception
    assert any("mine\\.csv" in c.value for c in at.sidebar.caption)  # escaped for Markdown
    at.switch_page("pages/rankings.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["adcode"]) == ["u1", "u2", "u3", "u4"]
    assert table["rank"].min() == 1


def test_upload_broken_file_lists_every_problem():
    broken = b"adcode,year,a1,a2,b1\nu1,2020,abc,5,3\nu1,2020,2,4,1\n"
    at = upload(run("data"), broken, FRAMEWORK_CSV)
    assert not at.exception
    assert at.error, "a broken upload must say so"
    problems = at.dataframe[-1].value
    assert len(problems) >= 2  # the text cell and the duplicate unit, reported together
    assert not any("mine" in c.value for c in at.sidebar.caption)  # bundled data still in use


def test_missing_values_show_their_reason():
    at = run("city", params={"city": "310000", "year": "2010"})
    profile = next(d.value for d in at.dataframe if "note" in d.value.columns)
    growth = profile.loc[profile["indicator"].str.contains("增长")].iloc[0]
    assert growth["value"] == "—" and "2000" in growth["note"]
    ict = profile.loc[profile["indicator"].str.contains("信息")].iloc[0]
    assert ict["value"] != "—"  # the 2010 table has ICT on its own (2002 classification)
    at = run("methodology", params={"group": "all"})
    coverage = next(d.value for d in at.table if "缺失原因" in d.value.columns)  # a static table
    assert coverage["缺失原因"].str.contains("三沙").any()


@pytest.mark.parametrize("page", ["rankings", "city", "compare", "lab", "methodology", "data"])
@pytest.mark.parametrize("params", [{"year": "2010"}, {"group": "all", "lang": "en"}])
def test_every_page_runs_for_2010_and_for_all_cities(page, params):
    at = run(page, params=params)
    assert at.title[0].value


# ---------------------------------------------------------------------------- group imputation
# Regressions: with group-mean or group-median imputation the Lab page and the City page's
# what-if crashed with a ValidationError ("needs unit_groups"), and Rankings silently dropped the
# rank intervals, because only the main result was given the provinces.
@pytest.mark.parametrize("imp", ["group_mean", "group_median"])
def test_rankings_keeps_rank_intervals_with_group_imputation(imp):
    at = run(params={"imp": imp})
    table = at.dataframe[0].value
    assert table["interval"].notna().all() and (table["interval"] != "").all()
    assert not [i.value for i in at.info if "未给出排名区间" in i.value]  # no "no intervals"
    # the build is not the default one, and every page says so
    assert any("当前方案（非默认）" in i.value and "缺失值填补" in i.value for i in at.info)


@pytest.mark.parametrize("imp", ["group_mean", "group_median"])
def test_lab_runs_with_group_imputation(imp):
    at = run("lab", params={"imp": imp})
    assert at.title[0].value == "权重与方法实验室"
    assert at.get("plotly_chart"), "rank shifts and intervals drawn"


def test_city_what_if_runs_with_group_imputation():
    at = run("city", params={"imp": "group_mean", "city": "340100"})
    at.toggle(key="what_if_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    what_if = at.table[-1].value
    assert len(what_if) == 19


def test_a_build_that_cannot_run_is_refused_with_its_reason():
    """Regression: /?norm=zscore&agg=geometric showed a ValidationError traceback on every
    page. Now no page renders; the reason and two one-click fixes are shown."""
    for lang, words in (
        ("zh", "Z 分数约有一半为负值"),
        ("en", "half of all z-scores are negative"),
    ):
        at = run(params={"norm": "zscore", "agg": "geometric", "lang": lang})
        assert any(words in m.value for m in at.markdown), [m.value for m in at.markdown]
        assert at.error and not at.dataframe
    fix = next(b for b in at.button if b.label == "Use the weighted arithmetic mean")
    fix.click().run()
    assert not at.exception and at.dataframe[0].value["rank"].min() == 1
    assert at.query_params.get("agg") is None  # back to the default in the link
