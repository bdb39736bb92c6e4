"""Drill-down in a real browser (issue 13, dashboard): the profile of 苏州市 opens the ranking of
its counties (the link says level=county and parent=320500, the page names 苏州市下辖区县 and its
10 区县 and draws their map), and the profile of one of them (常熟市) leads back to the city."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import chromium_context
from tests.local_server import CHROMIUM, ROOT

if not Path(CHROMIUM).exists() or not (ROOT / "data" / "counties.csv").exists():
    if os.environ.get("REQUIRE_BROWSER") == "1" and not Path(CHROMIUM).exists():
        raise RuntimeError("REQUIRE_BROWSER=1 but Debian's chromium is not installed")
    pytest.skip("Chromium or data/counties.csv missing", allow_module_level=True)

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@pytest.fixture(scope="module")
def browser():
    yield from chromium_context({"width": 1400, "height": 900}, locale="zh-CN")


def settle(page) -> None:
    page.wait_for_selector(IDLE, timeout=90_000)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_drill_down_from_suzhou_to_its_counties_and_back(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/city?city=320500")
    page.get_by_role("heading", name="苏州市").wait_for(timeout=90_000)
    settle(page)
    main = page.locator('[data-testid="stMain"]')

    page.get_by_role("button", name="查看下辖区县排名").click()
    page.wait_for_function("() => location.search.includes('level=county')", timeout=90_000)
    main.get_by_text("苏州市下辖区县 · 10 个区县", exact=False).wait_for(timeout=90_000)
    settle(page)
    params = query(page)
    assert params["level"] == "county" and params["parent"] == "320500"
    assert urlparse(page.url).path in ("/", "")  # the Rankings page
    assert main.get_by_role("heading", name="排名", exact=True).is_visible()
    assert main.get_by_text("查找区县", exact=False).is_visible()  # the page names 区县
    # the map of the counties is drawn (one shape per county with a boundary)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] path')]
                 .filter(p => p.getAttribute('aria-roledescription') === 'geoshape').length >= 9""",
        timeout=90_000,
    )

    # a county's profile names its city and leads back to it
    page.goto(f"{server}/city?level=county&parent=320500&city=320581")
    main.get_by_role("heading", name="常熟市").wait_for(timeout=90_000)
    settle(page)
    assert main.get_by_text("类型：县级市 · 所属城市：苏州市 · 江苏省").is_visible()
    main.get_by_role("button", name="返回所属城市：苏州市").first.click()
    page.wait_for_function("() => !location.search.includes('level=county')", timeout=90_000)
    main.get_by_role("heading", name="城市画像").wait_for(timeout=90_000)
    settle(page)
    params = query(page)
    assert params.get("city") == "320500" and "level" not in params
    assert urlparse(page.url).path == "/city"
    assert main.get_by_role("heading", name="苏州市").is_visible()
    assert main.get_by_role("button", name="查看下辖区县排名").is_visible()
    page.close()
