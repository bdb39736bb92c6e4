"""Charts leave the app (issue 11, point 4): every chart downloads as PNG and SVG with the
title, the group, the year and the data source drawn on the image, rendered offline.

Vega-Lite exports are rendered here (vl-convert), so their SVG text is asserted directly; Plotly
exports are drawn by the browser (tests/browser/test_chart_export_browser.py downloads them),
so here the figure the browser receives is asserted, on every page that shows one."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ui import chart_export, figures, loaders, vega_charts
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "cities.csv").exists(), reason="data/cities.csv not built yet"
)
HOSTILE = '<script>alert("x")</script> & Co'
SVG_NS = "{http://www.w3.org/2000/svg}"


def _font_or_skip():
    from indicators.report import FontMissing, find_cjk_font

    try:
        find_cjk_font()
    except FontMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield


def svg_texts(svg: bytes) -> list[str]:
    """Every text node of an SVG, parsed as XML (a stray ``<`` would fail here)."""
    root = ET.fromstring(svg)
    return ["".join(node.itertext()) for node in root.iter(f"{SVG_NS}text")]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def yrd27():
    dataset = loaders.bundled_dataset()
    units = dataset.units.loc[dataset.units["yrd27"].astype(bool)].copy()
    units["adcode"] = units["adcode"].astype(str)
    return dataset, units


def frame(units: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = units["name_en" if lang == "en" else "name_zh"].astype(str).to_numpy()
    return pd.DataFrame(
        {"adcode": units["adcode"].to_numpy(), "name": names, "score": range(len(units))}
    )


def specs(lang: str) -> dict[str, dict]:
    """The Rankings page's three charts for the YRD 27 (bar, map, distribution)."""
    dataset, units = yrd27()
    data = frame(units, lang).astype({"score": float})
    url = loaders.group_geo_url(dataset, tuple(units["adcode"]))
    return {
        "bar": vega_charts.ranking_bar(data, name="name", score="score", x_title="Index"),
        "map": vega_charts.choropleth(data, url, value="score", name="name", label="Index"),
        "dist": vega_charts.distribution(data, value="score", name="name", label="Index"),
    }


def texts(lang: str, group: str | None = None) -> dict:
    group = group if group is not None else t("group_yrd27", lang)
    return {
        "title": t("chart_intervals", lang),
        "subtitle": chart_export.text("chart_subtitle", lang, group=group, year=2020),
        "source": t("source_note", lang),
    }


# ---------------------------------------------------------------------------- Vega-Lite
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chart", ["bar", "map", "dist"])
def test_vega_svg_draws_title_group_year_and_source(chart, lang):
    _font_or_skip()
    words = texts(lang)
    svg = chart_export.vega_image(specs(lang)[chart], "svg", **words)
    shown = svg_texts(svg)
    assert words["title"] in shown
    assert words["subtitle"] in shown  # "长三角中心区 27 城 · 2020 年" / "YRD … · 2020"
    assert t("group_yrd27", lang) in words["subtitle"] and "2020" in words["subtitle"]
    assert words["source"] in shown
    if chart == "map":  # every city's boundary is drawn (from the inlined GeoJSON)
        marks = [
            g
            for g in ET.fromstring(svg).iter(f"{SVG_NS}g")
            if "mark-shape" in (g.get("class") or "")
        ]
        assert len(marks) == 1 and len(list(marks[0])) == len(yrd27()[1])
    if chart == "bar":  # the bar chart names the units (map and distribution: tooltips)
        assert ("上海市" if lang == "zh" else "Shanghai") in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chart", ["bar", "map", "dist"])
def test_vega_png_is_the_svg_at_twice_the_size(chart, lang):
    _font_or_skip()
    spec = specs(lang)[chart]
    svg = chart_export.vega_image(spec, "svg", **texts(lang))
    width, height = png_size(chart_export.vega_image(spec, "png", **texts(lang)))
    root = ET.fromstring(svg)
    assert width > 0 and height > 0
    assert (width, height) == (
        round(chart_export.PNG_SCALE * float(root.get("width"))),
        round(chart_export.PNG_SCALE * float(root.get("height"))),
    )


def test_map_export_inlines_every_boundary_and_keeps_no_url():
    spec = specs("zh")["map"]
    assert "url" in spec["data"]  # the page's map loads its boundaries by URL
    full = chart_export.export_spec(spec, title="T", subtitle="S", source="D", font="F")
    assert '"url"' not in json.dumps(full)
    features = full["vconcat"][0]["data"]["values"]
    assert sorted(f["id"] for f in features) == sorted(yrd27()[1]["adcode"])


@pytest.mark.parametrize(
    "url", ["http://example.com/x.geojson", "/app/static/../../pyproject.toml", "geo/x.geojson"]
)
def test_chart_data_from_anywhere_but_our_static_folder_is_refused(url):
    with pytest.raises(ValueError, match="static folder"):
        chart_export._inline_geo({"url": url})


def test_hostile_unit_and_group_names_are_escaped_in_the_svg():
    _font_or_skip()
    _dataset, units = yrd27()
    data = frame(units, "en").astype({"score": float})
    data.loc[0, "name"] = HOSTILE
    spec = vega_charts.ranking_bar(data, name="name", score="score")
    svg = chart_export.vega_image(spec, "svg", **texts("en", group=HOSTILE))
    assert b"<script" not in svg
    assert b"&lt;script&gt;" in svg and b"&amp; Co" in svg
    shown = svg_texts(svg)  # parses as XML, and reads back as the literal name
    assert HOSTILE in shown
    assert f"{HOSTILE} · 2020" in shown


@pytest.mark.skipif(shutil.which("unshare") is None, reason="no unshare")
def test_vega_export_renders_without_a_network():
    """Bar and map rendered in a process that has no network at all (``unshare -n``)."""
    _font_or_skip()
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -n not permitted here")
    script = (
        "import sys; sys.path.insert(0, '.');"
        "from tests.test_chart_export import specs, texts, svg_texts;"
        "from ui import chart_export;"
        "s = specs('zh');"
        "[print(sum(w in svg_texts(chart_export.vega_image(s[c], 'svg', **texts('zh')))"
        " for w in texts('zh').values())) for c in ('bar', 'map')]"
    )
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "3"]  # title, subtitle and source on both


def test_vega_buttons_make_the_picture_on_click_and_cache_it(monkeypatch):
    _font_or_skip()
    calls = []
    real = chart_export.vega_image
    monkeypatch.setattr(
        chart_export, "vega_image", lambda *a, **k: calls.append(a[1]) or real(*a, **k)
    )
    spec = specs("en")["bar"]
    make = chart_export._lazy(chart_export._digest(spec), "svg", texts("en"), spec)
    assert calls == []  # nothing rendered until the click
    first = make()
    assert texts("en")["title"] in svg_texts(first)
    assert make() == first and calls == ["svg"]  # the second click is served from the cache


def _vega_app(lang: str):
    import pandas as pd

    from ui import chart_export, vega_charts

    data = pd.DataFrame({"adcode": ["1", "2"], "name": ["A", "B"], "score": [1.0, 2.0]})
    chart_export.export_buttons(
        vega_charts.ranking_bar(data, name="name", score="score"),
        title="T",
        subtitle="G · 2020",
        source="S",
        key="bar",
        lang=lang,
        file_stem="talent_vitality_bar_G_2020",
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_vega_chart_gets_a_png_and_an_svg_button(lang):
    _font_or_skip()
    at = AppTest.from_function(_vega_app, args=(lang,), default_timeout=60).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["PNG", "SVG"]
    assert {b.proto.help for b in buttons} == {t("export_help", lang)}


def test_no_cjk_font_says_so_instead_of_buttons(monkeypatch):
    monkeypatch.setattr(chart_export, "unavailable", lambda lang: t("export_unavailable", lang))
    at = AppTest.from_function(_vega_app, args=("en",), default_timeout=60).run()
    assert not at.exception
    assert not at.get("download_button")
    assert [c.value for c in at.caption] == [t("export_unavailable", "en")]


# ---------------------------------------------------------------------------- Plotly
def radar(lang: str, name: str = "上海市") -> object:
    return figures.radar(
        {name: pd.Series([80.0, 60, 40]), t("group_median", lang): pd.Series([50.0, 50, 50])},
        axis_labels=["A", "B", "C"],
        reference=t("group_median", lang),
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plotly_export_figure_carries_title_group_year_and_source(lang):
    fig = radar(lang)
    words = texts(lang)
    out = chart_export.export_figure(fig, **words)
    assert html.unescape(out.layout.title.text) == f"<b>{words['title']}</b>"
    subtitle = out.layout.title.subtitle.text
    assert words["subtitle"] in subtitle and words["source"] in subtitle
    assert out.layout.width == chart_export.PLOTLY_WIDTH
    assert fig.layout.title.text is None  # the page's figure is left as it was


def _fig_and_opts(srcdoc: str) -> tuple[dict, dict]:
    match = re.search(r"const FIG = (.*), OPTS = (.*);\n", srcdoc)
    assert match, "no figure in the export component"
    return json.loads(match.group(1)), json.loads(match.group(2))


def test_plotly_component_escapes_hostile_text_and_loads_plotly_from_this_server():
    fig = radar("en", name=HOSTILE)
    page = chart_export.plotly_buttons_html(
        fig, lang="en", file_stem="talent_vitality_radar_x_2020", **texts("en", group=HOSTILE)
    )
    assert page.count("<script") == 1 and page.count("</script>") == 1  # only our own script
    assert "alert" in page and "<script>alert" not in page
    assert re.findall(r"https?://", page) == []  # nothing from the network: our static file
    fig_json, opts = _fig_and_opts(page)
    assert opts["src"] == chart_export.PLOTLY_JS_URL
    assert opts["filename"] == "talent_vitality_radar_x_2020"
    # Plotly reads tags in its text: the names reach it as entities (shown as typed)
    assert "&lt;script&gt;" in fig_json["layout"]["title"]["subtitle"]["text"]
    assert {tr["name"] for tr in fig_json["data"]} >= {
        '&lt;script&gt;alert("x")&lt;/script&gt; &amp; Co'
    }


def test_plotly_js_is_published_from_the_plotly_package():
    import plotly

    assert chart_export.publish_plotly_js() == chart_export.PLOTLY_JS_URL
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert chart_export.PLOTLY_JS.read_bytes() == shipped.read_bytes()


def run(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


PAGES = {  # page: (query, [(file name part, title key) of each chart in page order])
    "city": ({"city": "310000"}, [("radar", "dimensions_vs_median"), ("breakdown", "breakdown")]),
    "compare": (
        {"cities": "310000,320500"},
        [("compare_radar", "dimensions"), ("compare_scores", "scores_by_indicator")],
    ),
    "lab": ({}, [("rank_shift", "chart_shift"), ("rank_intervals", "chart_intervals")]),
    "methodology": ({}, [("framework", "framework_tree"), ("correlations", "correlations_title")]),
}


@pytest.mark.parametrize(
    "page,lang",
    [
        ("city", "zh"),
        ("city", "en"),
        ("compare", "en"),
        ("lab", "zh"),
        ("methodology", "en"),
        ("methodology", "zh"),
    ],
)
def test_every_plotly_chart_has_export_buttons_naming_group_and_year(page, lang):
    query, charts = PAGES[page]
    at = run(page, {"lang": lang, **query})
    frames = at.get("iframe")
    assert len(frames) == len(charts) == len(at.get("plotly_chart"))
    group = t("group_yrd27", lang)
    for element, (part, title_key) in zip(frames, charts, strict=True):
        fig, opts = _fig_and_opts(element.proto.srcdoc)
        group_part = "_".join(group.split())
        assert opts["filename"] == f"talent_vitality_{part}_{group_part}_2020"
        assert t(title_key, lang) in html.unescape(fig["layout"]["title"]["text"])
        subtitle = html.unescape(fig["layout"]["title"]["subtitle"]["text"])
        assert f"{group} · 2020" in subtitle and t("source_note", lang) in subtitle
    if page == "city":  # the city's charts name the city
        city = "上海市" if lang == "zh" else "Shanghai"
        assert all(
            city in _fig_and_opts(f.proto.srcdoc)[0]["layout"]["title"]["text"] for f in frames
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_uploaded_dataset_is_named_as_the_source_not_the_census(lang):
    from dataclasses import replace

    bundled = loaders.bundled_dataset()
    upload = replace(bundled, key="upload:abc", label_zh="我的数据 & <b>", label_en="My data & <b>")
    assert chart_export.source_line(bundled, lang) == t("source_note", lang)
    line = chart_export.source_line(upload, lang)
    assert upload.label(lang) in line and "2010" not in line  # raw text: escaped where drawn
