"""Real-browser tests: Debian's Chromium driven by Playwright against a locally started server.

Every page is loaded, one interaction per page is driven, no request may leave 127.0.0.1, and a
screenshot of each page is saved to ``screenshots/`` (git-ignored) for a person to look at.
Without Chromium these tests skip, unless REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import chromium_context
from tests.local_server import CHARTS_DRAWN_JS, CHROMIUM, ROOT

SHOTS = ROOT / "screenshots"

if not Path(CHROMIUM).exists() or not (ROOT / "data" / "cities.csv").exists():
    if os.environ.get("REQUIRE_BROWSER") == "1" and not Path(CHROMIUM).exists():
        raise RuntimeError("REQUIRE_BROWSER=1 but Debian's chromium is not installed")
    pytest.skip("Chromium or data/cities.csv missing", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    yield from chromium_context({"width": 1400, "height": 2400}, locale="zh-CN")


@pytest.fixture
def page(browser):
    page = browser.new_page()
    outside: list[str] = []

    def _track(request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http://", "https://", "ws://", "wss://")) and host not in (
            "127.0.0.1",
            "localhost",
        ):
            outside.append(request.url)

    page.on("request", _track)
    page.outside = outside  # type: ignore[attr-defined]
    yield page
    page.close()
    assert outside == [], f"requests left the machine: {outside[:5]}"


def settle(page, text: str, timeout: float = 45_000) -> None:
    """Wait for expected text, then for the script to finish running."""
    playwright_api.expect(page.get_by_text(text).first).to_be_visible(timeout=timeout)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    # charts and tables draw after the script finishes: wait until each has rendered
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=timeout, polling=100)
    page.wait_for_timeout(1500)


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_rankings_and_language_switch(server, page):
    with page.expect_response(lambda r: "/app/static/geo/" in r.url) as boundaries:
        page.goto(f"{server}/rankings")
    assert boundaries.value.status == 200
    settle(page, "排名")
    # three Vega-Lite charts (bar, map, distribution), each drawn (settle waited for their
    # marks; the map has none until the locally served boundaries have loaded)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == 3
    assert charts.nth(0).locator(".mark-rect path").count() == 15  # the top 15 bars (TOP_BARS)
    assert charts.nth(1).locator(".mark-shape path").count() == 27  # one shape per city
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # no Plotly on page one
    shot(page, "rankings_zh")
    page.get_by_text("English", exact=True).click()
    settle(page, "Rankings")
    assert "lang=en" in page.url
    # the peer-group box shows its English label, not the stale Chinese one
    playwright_api.expect(page.get_by_text("YRD central 27 cities").first).to_be_visible()
    shot(page, "rankings_en")


@pytest.mark.parametrize("target", ["row", "bar", "map"])
def test_click_through_keeps_the_view(server, page, target):
    """A click on a table row, a bar or a map shape opens that city's profile in the same
    language, year and peer group; ``/rankings`` links work in any session (no "Page not
    found" notice: the default page itself lives at ``/``)."""
    page.goto(f"{server}/rankings?lang=en&year=2010&group=yrd41")
    settle(page, "Rankings")
    assert page.get_by_text("does not seem to exist").count() == 0
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    if target == "row":
        box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
        page.mouse.click(box["x"] + 14, box["y"] + 36 + 17)  # the first row's rank cell
    elif target == "bar":
        charts.nth(0).locator(".mark-rect path").first.click()
    else:
        charts.nth(1).locator(".mark-shape path").nth(3).click()
    page.wait_for_url("**/city?**", timeout=30_000)
    settle(page, "City profile")
    query = parse_qs(urlparse(page.url).query)
    assert query["lang"] == ["en"] and query["year"] == ["2010"] and query["group"] == ["yrd41"]
    assert len(query["city"][0]) == 6
    if target == "bar":  # the top bar is the best-ranked city, whose profile says "1 / 41"
        playwright_api.expect(page.get_by_text("1 / 41").first).to_be_visible()


def test_city_profile_choose_city(server, page):
    page.goto(f"{server}/city?city=310000&lang=en")
    settle(page, "Shanghai")
    shot(page, "city_en")


def test_compare(server, page):
    page.goto(f"{server}/compare?cities=310000,320100,330100")
    settle(page, "杭州市")
    shot(page, "compare_zh")


def test_lab_weight_slider_reranks(server, page):
    page.goto(f"{server}/lab?w=D1:5")
    settle(page, "权重与方法实验室")
    assert "w=D1" in page.url
    shot(page, "lab_zh")


def test_methodology(server, page):
    page.goto(f"{server}/methodology?lang=en")
    settle(page, "reconstruction")
    shot(page, "methodology_en")


def test_data_page(server, page):
    page.goto(f"{server}/data")
    settle(page, "CSV")
    shot(page, "data_zh")
