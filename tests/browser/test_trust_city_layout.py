"""The City profile fits at 1,280 and 1,400 px (issue 10 "trust and clarity", §5), measured in
Debian's Chromium.

Regressions: the radar's left label 人才发展可持续性 ran 7–8 px past the chart's left edge
(cut off); the strengths and weaknesses tables had more columns than half a page holds and
scrolled sideways at 1,400 px.
"""

from __future__ import annotations

import os
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

# every angular-axis label of each radar, as its distance to each edge of the chart's SVG
LABEL_MARGINS_JS = """() => {
  const out = [];
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const svg = chart.querySelector('svg.main-svg');
    if (!svg || !chart.querySelector('.polarlayer')) continue;
    const box = svg.getBoundingClientRect();
    for (const t of chart.querySelectorAll('.polarlayer .angularaxistick text')) {
      const r = t.getBoundingClientRect();
      out.push({text: t.textContent, left: r.left - box.left, right: box.right - r.right,
                top: r.top - box.top, bottom: box.bottom - r.bottom});
    }
  }
  return out;
}"""

# horizontal overflow of each table: scrollable width beyond the visible width, in px
TABLE_OVERFLOW_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .map(t => { const s = t.querySelector('.dvn-scroller'); return s ? s.scrollWidth - s.clientWidth : 0; })"""


@pytest.fixture(scope="module", params=[1280, 1400], ids=lambda w: f"{w}px")
def browser(request):
    yield from chromium_context({"width": request.param, "height": 1400}, locale="zh-CN")


def open_city(browser, server: str, query: str):
    page = browser.new_page()
    page.goto(f"{server}/city?{query}")
    page.wait_for_selector(".polarlayer .angularaxistick text", state="attached", timeout=90_000)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000
    )
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=90_000, polling=100)
    page.wait_for_timeout(1000)
    return page


@pytest.mark.parametrize("query", ["lang=zh&city=340800", "lang=en&city=340800&year=2010"])
def test_no_radar_label_is_cut_off(server, browser, query):
    page = open_city(browser, server, query)
    labels = page.evaluate(LABEL_MARGINS_JS)
    page.close()
    assert len(labels) == 5, labels
    for label in labels:
        edges = {k: label[k] for k in ("left", "right", "top", "bottom")}
        assert min(edges.values()) >= 0, label  # inside the chart, nothing clipped


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_strengths_and_weaknesses_tables_fit_without_scrolling(server, browser, lang):
    page = open_city(browser, server, f"lang={lang}&city=340800")
    overflow = page.evaluate(TABLE_OVERFLOW_JS)
    page.close()
    assert overflow[:2] == [0, 0], overflow


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_if_table_fits_without_scrolling(server, browser, lang):
    page = open_city(browser, server, f"lang={lang}&city=340800")
    page.get_by_role("switch").first.click(force=True)
    page.wait_for_selector('[data-testid="stTable"] table', state="attached", timeout=90_000)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000
    )
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stTable"]')].map(t => {
             const box = t.getBoundingClientRect(), table = t.querySelector('table');
             return {over: t.scrollWidth - t.clientWidth,
                     right: box.right - table.getBoundingClientRect().right,
                     rows: table.querySelectorAll('tbody tr').length}; })"""
    )
    page.close()
    assert sizes and sizes[-1]["rows"] == 19, sizes
    assert sizes[-1]["over"] <= 0 and sizes[-1]["right"] >= 0, sizes
