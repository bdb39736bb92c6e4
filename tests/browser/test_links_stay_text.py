"""Nothing a user or a link supplies renders as a link, in the real browser.

Regression (hardening round two, §4): Markdown escaping did not stop GitHub-flavoured literal
autolinks: ``http(s)://``, ``www.``, e-mail addresses, ``mailto:`` and ``xmpp:`` in names and link
values became clickable, e.g. ``/?year=https://evil.example/login`` inside the app's own
fallback notice. Each page is opened with hostile link values and after an upload whose names
are such strings; no ``<a>`` element may carry them in its text or target.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium_context
from tests.browser.test_browser import settle

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

EVIL = "evil.example"
COUNT_LINKS = f"""() => [...document.querySelectorAll('a')].filter(
    a => (a.getAttribute('href') || '').includes('{EVIL}') || a.textContent.includes('{EVIL}')
).length"""

# (link, whether the app echoes the bad value in its notice)
LINKS = [
    ("/?year=https://evil.example/login", True),
    ("/?lang=en&group=www.evil.example", True),
    ("/?norm=mailto:x@evil.example&agg=xmpp:y@evil.example", True),
    ("/city?city=a@evil.example&lang=en", True),
    ("/compare?cities=https://evil.example,www.evil.example", False),
    ("/lab?w=https://evil.example:1", True),  # the weights are a shared selection: named
    ("/?https://evil.example=1&www.evil.example=2", True),
]


@pytest.fixture(scope="module")
def context():
    yield from chromium_context({"width": 1400, "height": 2000})


def _ready(page) -> None:
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    page.wait_for_timeout(800)


@pytest.mark.parametrize(("link", "echoed"), LINKS)
def test_hostile_link_values_stay_text(server, context, link, echoed):
    page = context.new_page()
    page.goto(server + link)
    _ready(page)
    assert (page.get_by_text("evil").count() > 0) == echoed
    assert page.evaluate(COUNT_LINKS) == 0
    page.close()


FRAMEWORK = (
    "code,parent,level,name_zh,name_en,direction,weight,unit,definition_zh,definition_en,source\n"
    "IDX,,3,https://evil.example/i,www.evil.example,,1,,,,\n"
    "D1,IDX,2,mailto:d@evil.example,xmpp:d@evil.example,,1,,,,\n"
    "D2,IDX,2,D2,D2,,1,,,,\n"
    "a1,D1,1,a@evil.example,http://evil.example/a,1,1,www.evil.example,,,\n"
    "a2,D1,1,a2,a2,1,1,,,,\n"
    "b1,D2,1,b1,b1,-1,1,,,,\n"
)
DATA = "adcode,year,a1,a2,b1\nu1,2020,1,5,3\nu2,2020,2,4,1\nu3,2020,3,3,2\nu4,2020,4,1,5\n"
UNITS = (
    "adcode,name_zh,name_en,province_zh,province_en\n"
    "u1,https://evil.example/u1,www.evil.example,mailto:p@evil.example,P\n"
    "u2,x@evil.example,xmpp:u2@evil.example,P,P\n"
    "u3,u3,u3,P,P\n"
    "u4,u4,u4,P,P\n"
)


def test_uploaded_names_stay_text_on_every_page(server, context):
    page = context.new_page()
    page.goto(f"{server}/data")
    settle(page, "CSV")
    inputs = page.locator('input[type="file"]')
    for k, (name, text) in enumerate(
        (("www.evil.example.csv", DATA), ("fw.csv", FRAMEWORK), ("units.csv", UNITS))
    ):
        inputs.nth(k).set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
        )
        page.wait_for_timeout(500)
    page.get_by_role("button", name="校验并使用").click()
    # wait for the upload to be in use (its check runs in a child process; moving on before it
    # finishes would stop it, as a visitor who leaves does)
    playwright_api.expect(page.get_by_text("正在使用你上传的数据").first).to_be_visible(
        timeout=60_000
    )
    _ready(page)
    # the upload lives in this session: move through the app by its own navigation
    titles = {
        "zh": ("排名", "城市画像", "城市对比", "权重与方法实验室", "方法说明", "数据"),
        "en": (
            "Rankings",
            "City profile",
            "Compare",
            "Weights & method lab",
            "Methodology",
            "Data",
        ),
    }
    for lang in ("zh", "en"):
        if lang == "en":
            page.get_by_text("English", exact=True).click()
            _ready(page)
        for title in titles[lang]:
            page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
            _ready(page)
            assert page.get_by_text("evil").count() > 0, (title, lang)
            assert page.evaluate(COUNT_LINKS) == 0, (title, lang)
    page.close()
