"""The profile's plain-language paragraph and the PDF buttons, as a visitor sees them."""

from __future__ import annotations

import pytest

from tests.test_app import run
from ui import loaders


def _paragraph(at, marker: str) -> str:
    found = [m.value for m in at.markdown if marker in m.value]
    assert found, [m.value[:60] for m in at.markdown]
    return found[0]


@pytest.mark.parametrize(
    ("lang", "marker", "expected"),
    [
        ("zh", "参与排名）", "2020 年，上海市在长三角中心区 27 城中排名第"),
        ("en", "ranks", "In 2020, Shanghai ranks"),
    ],
)
def test_the_profile_opens_with_its_summary(lang, marker, expected):
    at = run("city", params={"city": "310000", "lang": lang})
    text = _paragraph(at, marker)
    assert expected in text
    # the numbers are the page's own: the same rank as the rank metric
    dataset = loaders.bundled_dataset()
    result = loaders.result(at.session_state["_context"].build)
    rank = int(result.scores.query("year == 2020 and adcode == '310000'")["rank"].iloc[0])
    assert (f"排名第 {rank}（" if lang == "zh" else f"ranks {rank}") in text
    assert dataset.framework.name("D1", lang) in text
    buttons = at.get("download_button")
    assert any("PDF" in b.proto.label for b in buttons)


def test_an_excluded_city_has_its_banner_and_no_summary():
    at = run("city", params={"city": "460300", "group": "all"})
    assert not [m.value for m in at.markdown if "参与排名）" in m.value]
    assert any("未参与 2020 年排名" in w.value for w in at.warning)
    assert any("PDF" in b.proto.label for b in at.get("download_button"))


def test_rankings_offers_the_group_report():
    at = run("rankings", params={"group": "province", "prov": "浙江省"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("报告" in label and "PDF" in label for label in labels), labels
