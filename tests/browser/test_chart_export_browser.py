"""Plotly charts leave the app (issue 11, point 4), downloaded in Debian's Chromium: the PNG and
SVG buttons under a chart save a picture with the title, the group, the year and the data
source drawn on it; plotly.js comes from this server, nothing else is requested; a hostile
unit name arrives in the SVG as text."""

from __future__ import annotations

import os
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.browser.conftest import chromium_context
from tests.local_server import CHARTS_DRAWN_JS, CHROMIUM, ROOT

if not Path(CHROMIUM).exists() or not (ROOT / "data" / "cities.csv").exists():
    if os.environ.get("REQUIRE_BROWSER") == "1" and not Path(CHROMIUM).exists():
        raise RuntimeError("REQUIRE_BROWSER=1 but Debian's chromium is not installed")
    pytest.skip("Chromium or data/cities.csv missing", allow_module_level=True)

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

# <a> and <b> are tags Plotly would draw (a link, bold); <script> is not
HOSTILE = '<a href="https://example.com/">x</a> <b>y</b> <script>alert("x")</script> & Co'


@pytest.fixture(scope="module")
def browser():
    yield from chromium_context({"width": 1400, "height": 900}, accept_downloads=True)


def svg_text(data: bytes) -> str:
    """All text of an SVG, parsed as XML (markup in a name would break the parse)."""
    root = ET.fromstring(data)
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "a")]
    return " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text"))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def download(page, frame, fmt: str, tmp_path: Path) -> tuple[str, bytes]:
    with page.expect_download(timeout=60_000) as info:
        frame.click(f"button[data-format={fmt}]")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return info.value.suggested_filename, target.read_bytes()


def open_page(browser, url: str):
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1", "blob:", "data:"))
            else outside.append(r.url)
        ),
    )
    page.goto(url)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000
    )
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=90_000, polling=100)
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].filter(f => f.contentDocument"
        " && f.contentDocument.querySelector('button[data-format=svg]')).length >= 2",
        timeout=60_000,
    )
    return page, outside


def export_frame(page, key_word: str):
    """The export component whose file name mentions ``key_word``."""
    for frame in page.frames:
        if frame.url == "about:srcdoc" and key_word in frame.content():
            return frame
    raise AssertionError(f"no export buttons for {key_word}")


@pytest.mark.parametrize(
    "path,lang,chart,title,group",
    [
        (
            "city?city=310000",
            "en",
            "radar",
            "Shanghai: Dimensions against the group median",
            "YRD central 27 cities · 2020",
        ),
        (
            "compare?cities=310000,320500",
            "zh",
            "compare_scores",
            "各指标标准化得分",
            "长三角中心区 27 城 · 2020 年",
        ),
    ],
)
def test_plotly_chart_downloads_as_self_explaining_svg_and_png(
    browser, server, tmp_path, path, lang, chart, title, group
):
    page, outside = open_page(browser, f"{server}/{path}&lang={lang}")
    frame = export_frame(page, f"talent_vitality_{chart}_")
    name, svg = download(page, frame, "svg", tmp_path)
    assert name.startswith(f"talent_vitality_{chart}_") and name.endswith("_2020.svg")
    text = svg_text(svg)
    source = (
        "Data: 2010 and 2020 national censuses" if lang == "en" else "数据：第六、七次全国人口普查"
    )
    assert title in text and group in text and source in text
    name, png = download(page, frame, "png", tmp_path)
    assert name.endswith("_2020.png")
    width, height = png_size(png)
    root = ET.fromstring(svg)
    assert (width, height) == (2 * int(root.get("width")), 2 * int(root.get("height")))
    assert outside == []
    page.close()


def test_hostile_unit_name_arrives_in_the_svg_as_text(browser, server, tmp_path):
    import pandas as pd

    from ui import chart_export, figures

    fig = figures.radar(
        {HOSTILE: pd.Series([80.0, 60, 40]), "Median": pd.Series([50.0, 50, 50])},
        axis_labels=["A", "B", "C"],
        reference="Median",
    )
    body = chart_export.plotly_buttons_html(
        fig,
        title=f"{HOSTILE}: radar",
        subtitle=f"{HOSTILE} · 2020",
        source="Data: test",
        lang="en",
        file_stem="talent_vitality_radar_x_2020",
    )
    assert chart_export.publish_plotly_js() == chart_export.PLOTLY_JS_URL
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message) or d.dismiss())
    # the component's page served from the dashboard's origin, as st.iframe's srcdoc is
    page.route(
        f"{server}/export-test", lambda route: route.fulfill(body=body, content_type="text/html")
    )
    page.goto(f"{server}/export-test")  # the dashboard server also serves plotly.js
    _name, svg = download(page, page.main_frame, "svg", tmp_path)
    text = svg_text(svg)
    assert f"{HOSTILE}: radar" in text and f"{HOSTILE} · 2020" in text
    assert HOSTILE in text  # the legend names the unit literally
    assert dialogs == []  # nothing in the names ran
    page.close()
