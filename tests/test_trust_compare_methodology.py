"""Issue 10 ("trust and clarity"): uploads keep the view and draw their map, validation problems
in the page's language, the Compare page's colours, table heights and axis titles, and the
Methodology page's plain-language reading of weak statistics and its readable sunburst."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apps import fresh_caches, open_page

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "cities.csv").exists(), reason="data/cities.csv not built yet"
)
SIX = "310000,330100,320500,340100,320100,330200"  # Shanghai, Hangzhou, Suzhou, Hefei, …
OKABE_ITO = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}


_fresh_caches = pytest.fixture(autouse=True)(fresh_caches)


def run(page: str | None = None, params: dict | None = None) -> AppTest:
    return open_page(page, params, timeout=120)


def plotly(at: AppTest, key: str) -> dict:
    for element in at.get("plotly_chart"):
        if element.proto.id and key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart with key {key}")


def display_values(element) -> pd.DataFrame:
    """What st.dataframe draws in each cell (a Styler's display values), as text."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return convert_arrow_bytes_to_pandas_df(element.proto.arrow_data.styler.display_values)


def column_labels(element) -> dict[str, str]:
    config = json.loads(element.proto.columns) if element.proto.columns else {}
    return {c: cfg["label"] for c, cfg in config.items() if cfg.get("label")}


# --------------------------------------------------------------------------- uploads (point 3)
FRAMEWORK = (
    "code,parent,level,name_zh,name_en,direction,weight,unit_zh,unit_en\n"
    "idx,,3,指数,Index,,1,,\n"
    "A,idx,2,甲,Alpha,,1,,\n"
    "B,idx,2,乙,Beta,,1,,\n"
    "a1,A,1,甲一,Alpha one,1,1,%,%\n"
    "a2,A,1,甲二,Alpha two,-1,1,年,years\n"
    "b1,B,1,乙一,Beta one,1,1,人,persons\n"
).encode()
# bundled adcodes (Shanghai, Nanjing, Hangzhou, Hefei) and one id without a boundary
ADCODES = ("310000", "320100", "330100", "340100", "x1")
DATA = (
    "adcode,year,a1,a2,b1\n"
    + "".join(
        f"{a},{y},{i + 1 + k},{5 - i},{(3 * i + k) % 5}\n"
        for i, a in enumerate(ADCODES)
        for k, y in enumerate((2010, 2020))
    )
).encode()


def upload(at: AppTest, data: bytes, framework: bytes) -> AppTest:
    at.file_uploader(key="up_data").set_value(("mine.csv", data, "text/csv"))
    at.file_uploader(key="up_fw").set_value(("framework.csv", framework, "text/csv"))
    at.run()
    next(b for b in at.button if b.label in ("校验并使用", "Validate and use")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_upload_keeps_the_language_group_and_year():
    at = upload(run("data", {"lang": "en", "group": "all", "year": "2010"}), DATA, FRAMEWORK)
    assert "uploaded_dataset" in at.session_state
    ctx = at.session_state["_context"]
    assert (ctx.lang, ctx.selections["group"], ctx.year) == ("en", "all", 2010)
    at.switch_page("pages/rankings.py").run()
    assert at.title[0].value == "Rankings"
    assert at.query_params["lang"] in ("en", ["en"]) and at.query_params["year"] in (
        "2010",
        ["2010"],
    )
    assert sorted(at.dataframe[0].value["adcode"]) == sorted(ADCODES)
    assert not at.warning, [w.value for w in at.warning]  # nothing fell back


def test_an_upload_of_bundled_adcodes_draws_its_map():
    at = upload(run("data", {"group": "all"}), DATA, FRAMEWORK)
    at.switch_page("pages/rankings.py").run()
    specs = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
    maps = [s for s in specs if s.get("mark", {}).get("type") == "geoshape"]
    assert maps, "no map for an upload whose adcodes have bundled boundaries"
    url = maps[0]["data"]["url"]
    served = ROOT / url.removeprefix("/app/")
    ids = {f["id"] for f in json.loads(served.read_text(encoding="utf-8"))["features"]}
    assert set(ADCODES[:4]) <= ids
    assert not any("没有边界" in i.value for i in at.info)
    assert any("1 个单位没有内置边界" in c.value for c in at.caption)


def test_upload_problems_are_in_the_page_language():
    broken = b"adcode,year,a1,a2,b1\nu1,2020,abc,5,3\nu1,2020,2,4,1\n"
    at = upload(run("data"), broken, FRAMEWORK)
    assert any(e.value.startswith("发现 2 个问题") for e in at.error)
    table = at.dataframe[-1]
    assert set(column_labels(table).values()) == {"文件", "行", "列", "问题"}
    shown = display_values(table)
    messages = list(shown.iloc[:, -1])
    assert "应为数字，实际为 'abc'" in messages
    assert any(
        m.startswith("单位 'u1' 在 2020 年的数据重复（首次出现在第 2 行）") for m in messages
    )
    assert not at.caption or not any("英文原文" in c.value for c in at.caption)  # all rendered
    at = upload(run("data", {"lang": "en"}), broken, FRAMEWORK)
    assert set(column_labels(at.dataframe[-1]).values()) == {"File", "Row", "Column", "Problem"}
    assert "expected a number, got 'abc'" in list(display_values(at.dataframe[-1]).iloc[:, -1])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "文件为空"),
        (b"adcode,year,a1,a2,b1\n", "文件只有表头，没有数据行"),
        (b"year,a1,a2,b1\n2020,1,2,3\n", "缺少必需的列 'adcode'（单位代码）"),
        (b"adcode,year,a1,a2\nu1,2020,1,2\n", "指标体系中的指标 'b1' 不是数据中的列"),
        (
            b"adcode,year,a1,a2,b1\nu1,2020,12%,2,3\n",
            "应为数字，实际为 '12%'：请去掉百分号（若该列以百分数计，写作 12",
        ),
        (b"adcode,year,a1,a2,b1\nu1,20x0,1,2,3\n", "年份必须是整数，实际为 '20x0'"),
        (b"adcode,year,a1,a2,b1\n,2020,1,2,3\n", "单位代码为空"),
    ],
)
def test_common_engine_messages_have_a_chinese_rendering(data, expected):
    """Each pattern of ui.problems still matches what the engine says (a reworded engine
    message would otherwise silently fall back to English)."""
    import indicators
    from ui import problems

    framework = indicators.load_framework(io.BytesIO(FRAMEWORK))
    buffer = io.BytesIO(data)
    buffer.name = "mine.csv"
    with pytest.raises(indicators.ValidationError) as err:
        indicators.load_data(buffer, framework=framework)
    rendered = [problems.translate(p.message, "zh") for p in err.value.problems]
    assert all(ok for _, ok in rendered), [p.message for p in err.value.problems]
    assert any(text.startswith(expected) for text, _ in rendered), rendered


def test_units_file_notes_have_a_chinese_rendering():
    import indicators
    from ui import problems

    data = pd.DataFrame({"adcode": [f"u{i}" for i in range(8)], "year": 2020, "a1": 1.0})
    units = pd.DataFrame({"adcode": ["u0", "z1"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"]})
    _, found = indicators.reconcile_units(units, data, "units.csv")
    rendered = [problems.translate(p.message, "zh") for p in found]
    assert rendered and all(ok for _, ok in rendered), [p.message for p in found]
    text = " ".join(r for r, _ in rendered)
    assert "数据中有 7 个单位不在城市名单文件中" in text and "等（另有 2 个）" in text
    assert "城市名单文件中有 1 个单位没有数据" in text


def test_the_dashboards_own_refusals_are_in_chinese():
    from ui import problems

    text, ok = problems.translate(
        "the files could not be read (the reading process stopped (exit code -9))", "zh"
    )
    assert ok and text == "无法读取这些文件（读取进程意外退出（退出码 -9））"


def test_an_unknown_engine_message_is_shown_as_written_and_said_so():
    from ui import problems

    table = pd.DataFrame([{"file": "f", "row": None, "column": None, "problem": "a new message"}])
    shown, untranslated = problems.localised(table, "zh")
    assert shown["problem"].iloc[0] == "a new message" and untranslated == 1
    assert problems.localised(table, "en")[1] == 0


# ------------------------------------------------------------------------------ compare (point 4)
def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_six_cities_have_six_distinct_colour_blind_safe_colours(lang):
    at = run("compare", {"group": "all", "cities": SIX, "lang": lang})
    radar = plotly(at, "radar")
    bars = plotly(at, "scores")
    radar_colours = {t["name"]: t["line"]["color"] for t in radar["data"]}
    bar_colours = {t["name"]: t["marker"]["color"] for t in bars["data"]}
    assert len(radar_colours) == 6 and set(radar_colours.values()) == OKABE_ITO
    assert radar_colours == bar_colours  # a city has one colour on every chart
    units = pd.read_csv(ROOT / "data" / "units.csv", dtype={"adcode": str}).set_index("adcode")
    hangzhou, suzhou = (units.at[a, f"name_{lang}"] for a in ("330100", "320500"))
    a, b = _hex_to_rgb(radar_colours[hangzhou]), _hex_to_rgb(radar_colours[suzhou])
    assert sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5 > 100


def test_every_compare_axis_has_a_title():
    at = run("compare", {"cities": SIX, "group": "all"})
    bars = plotly(at, "scores")
    assert bars["layout"]["xaxis"]["title"]["text"] == "得分"
    assert bars["layout"]["yaxis"]["title"]["text"] == "指标"
    radar = plotly(at, "radar")
    (title,) = [a for a in radar["layout"]["annotations"] if a.get("name") == "radial_title"]
    assert title["text"] == "半径：得分"


def test_compare_tables_show_every_indicator_without_scrolling(monkeypatch):
    """The 19-row indicator table sat in a 10-row box: the height now follows the rows."""
    drawn = []
    original = st.dataframe

    def spy(data, *args, **kwargs):
        drawn.append((data, kwargs.get("height")))
        return original(data, *args, **kwargs)

    monkeypatch.setattr(st, "dataframe", spy)
    at = run("compare", {"cities": SIX, "group": "all"})
    tables = [(d, h) for d, h in drawn if "指标" in getattr(d, "data", d).columns]
    assert len(tables) >= 2  # values, differences
    for data, height in tables:
        rows = len(getattr(data, "data", data))
        assert rows == 19
        assert height is not None and height >= 35 * (rows + 1), (rows, height)
    # each table fits 1,280 px: at most the indicator, the unit and six cities
    assert all(len(getattr(d, "data", d).columns) <= 8 for d, _ in tables)
    assert not at.exception


def test_missing_values_show_a_dash_and_their_reason():
    at = run("compare", {"cities": SIX, "group": "all", "year": "2010"})
    shown = display_values(at.dataframe[0])
    assert (shown == "—").any().any() and not (shown == "None").any().any()
    notes = " ".join(c.value for c in at.caption)
    assert "“—”表示缺失值" in notes and "2010" in notes


def test_a_seventh_city_is_refused_in_the_page_language():
    at = run("compare", {"cities": SIX, "group": "all"})
    widget = at.multiselect(key="_w_cities_zh")
    widget.select("南京市" if "320100" not in SIX else "宁波市").run()
    assert not at.exception
    assert any("最多可选 6 个城市" in w.value for w in at.warning)
    assert len(at.session_state["cities"]) == 6
    assert widget.max_selections in (None, 0)  # no English message from the widget itself


# -------------------------------------------------------------------------- methodology (point 5)
def test_a_weak_alpha_is_explained_in_plain_language():
    at = run("methodology")
    warnings = [w.value for w in at.warning]
    weak = [w.replace("\\", "") for w in warnings if "人才成长环境" in w]  # Markdown escapes
    assert weak, warnings
    assert "0.003" in weak[0] and "不同向变化" in weak[0] and "逐个查看" in weak[0]
    alpha = next(d for d in at.dataframe if "α" in d.value.columns).value
    reading = dict(zip(alpha["组成部分"], alpha["解读"], strict=True))
    assert reading["人才成长环境"].startswith("弱") and reading["人才储备量"].startswith("一致")
    en = run("methodology", {"lang": "en"})
    assert any("do not move together" in w.value for w in en.warning)


def test_a_dimension_without_alpha_says_so():
    """Regression: a dimension with one indicator (α NaN) crashed the page (KeyError)."""
    from indicators import Framework
    from ui import views

    alpha = pd.DataFrame({"code": ["A", "B"], "alpha": [float("nan"), 0.2], "k": [1, 3]})
    fw = Framework.from_table(pd.read_csv(io.BytesIO(FRAMEWORK)))
    table = views.alpha_table(alpha, fw, "zh")
    assert list(table["解读"]) == ["无法计算（少于 2 个指标）", "弱（< 0.5）"]
    assert len(views.alpha_warnings(alpha, fw, "en")) == 1


def test_alpha_levels_follow_the_documented_thresholds():
    from ui import views

    assert [views.alpha_level(a) for a in (0.003, 0.49, 0.5, 0.69, 0.7, float("nan"))] == [
        "weak",
        "weak",
        "questionable",
        "questionable",
        "consistent",
        None,
    ]
    methods = (ROOT / "docs" / "METHODS.md").read_text(encoding="utf-8")
    assert "Nunnally" in methods and "0.5" in methods and "0.7" in methods


def test_sunburst_labels_are_readable():
    at = run("methodology")
    spec = plotly(at, "sunburst")
    trace = spec["data"][0]
    assert trace["insidetextorientation"] == "horizontal"
    assert trace["textfont"]["size"] >= 12 and spec["layout"]["uniformtext"]["minsize"] >= 12
    assert trace["maxdepth"] == 3  # index, dimensions, secondary; a click opens a branch
    assert len(trace["ids"]) == 1 + 5 + 12 + 19  # the whole tree is still there


def test_coverage_reasons_are_not_cut_off():
    at = run("methodology", {"group": "all"})
    # full-width tables (folded into an expander so the page stays within three screens)
    top = [n.value for n in at.table]
    coverage = next(t for t in top if "缺失原因" in t.columns)  # static: the reasons wrap
    assert coverage["缺失原因"].str.contains("三沙").any() and len(coverage) == 19


def test_definitions_table_spans_the_page_and_shows_every_row():
    """Beside the sunburst, in a scrolling grid, the definitions were cut off at 1,280 px: now a
    static table at the page's width (it wraps and shows every row), escaped for Markdown."""
    at = run("methodology")
    top = [n.value for n in at.table]  # full width, in an expander (not beside the sunburst)
    definitions = [t for t in top if "定义" in t.columns]
    assert len(definitions) == 1, "the definitions are not a full-width table"
    table = definitions[0]
    assert len(table) == 19 and "定义" in table.columns
    assert "edu\\_years" in set(table["代码"])  # escaped: st.table renders Markdown
    assert not [n for n in at.main if getattr(n, "type", "") == "dataframe" and "定义" in n.value]


# ----------------------------------------------------------------- widths in a real browser
def test_compare_and_methodology_tables_fit_1280_px():
    """No table of the Compare or Methodology page scrolls sideways at 1,280 px (sidebar
    open), in either language: measured on the grids' scroll containers in Chromium."""
    from tests.local_server import CHROMIUM, launch_server, open_chromium, wait_healthy

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    import shutil
    import tempfile

    proc, url = launch_server()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        wait_healthy(proc, url)
        with sync_api.sync_playwright() as p:
            context = open_chromium(p, profile, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            overflowing = {}
            for path in (
                f"/compare?cities={SIX}&group=all",
                f"/compare?cities={SIX}&group=all&lang=en",
                "/methodology",
                "/methodology?lang=en",
            ):
                page.goto(url + path)
                page.wait_for_selector('[data-testid="stDataFrame"] .dvn-scroller', timeout=90_000)
                page.wait_for_selector(
                    '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000
                )
                widths = page.evaluate(
                    """() => [...document.querySelectorAll(
                        '[data-testid="stDataFrame"] .dvn-scroller, [data-testid="stTable"]')]
                        .filter(e => e.offsetParent !== null)
                        .map(e => [e.scrollWidth, e.clientWidth])"""
                )
                assert widths, path
                overflowing[path] = [w for w in widths if w[0] > w[1] + 1]
            context.close()
        assert not any(overflowing.values()), overflowing
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(profile, ignore_errors=True)
