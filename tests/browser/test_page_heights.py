"""Views that scale (issue 11.3): for all 337 cities no page is taller than about three
screens. Regression: "all cities" made pages 8,000–14,000 px tall (the lab's rank-shift and
interval charts drew a row per city, the Rankings bar chart 20 px per city)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium_context
from tests.browser.test_browser import settle

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

SCREEN = 1000
HEIGHT_JS = "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"


@pytest.fixture(scope="module")
def browser():
    yield from chromium_context({"width": 1400, "height": SCREEN})


@pytest.mark.parametrize(
    ("page_path", "title"),
    [
        ("", "排名"),
        ("?view=change", "排名"),
        ("lab", "权重与方法实验室"),
        ("city", "城市画像"),
        ("compare", "城市对比"),
        ("data", "数据"),
        ("methodology", "方法说明"),
        ("methodology?lang=en", "Methodology"),
    ],
)
def test_pages_for_all_cities_fit_in_three_screens(server, browser, page_path, title):
    page = browser.new_page()
    path, _, query = page_path.partition("?")
    page.goto(f"{server}/{path}?group=all" + (f"&{query}" if query else ""))
    settle(page, title)
    height = page.evaluate(HEIGHT_JS)
    assert height <= 3 * SCREEN, (page_path, height)
    page.close()
