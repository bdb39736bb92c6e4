"""Uploads that pass validation must work on every page, or be refused at validation.

Regressions (hardening round two, §2): a units file listing no unit of the data, a framework
with a single indicator or with the root directly over its indicators, data where every value
is missing, and values of about 1e77 and more crashed pages (Methodology's alpha, the Lab's
uncertainty, the City profile's "boolean value of NA is ambiguous", treatment overflow).
After an upload, the language and the other selections are kept (§5).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("rankings", "city", "compare", "lab", "methodology", "data")
FW = (
    b"code,parent,level,name_zh,name_en,direction,weight\nidx,,3,I,I,,1\nA,idx,2,A,A,,1\n"
    b"B,idx,2,B,B,,1\na1,A,1,a1,a1,1,1\na2,A,1,a2,a2,-1,1\nb1,B,1,b1,b1,1,1\n"
)
DATA = b"adcode,year,a1,a2,b1\nu1,2020,1,5,3\nu2,2020,2,4,1\nu3,2020,3,3,2\n"
WORKS = {
    "single_indicator": (
        b"adcode,year,a1\nu1,2020,1\nu2,2020,2\nu3,2020,3\n",
        b"code,parent,level,direction\nidx,,2,\na1,idx,1,1\n",
        None,
    ),
    "root_over_indicators": (
        DATA,
        b"code,parent,level,direction\nidx,,2,\na1,idx,1,1\na2,idx,1,-1\nb1,idx,1,1\n",
        None,
    ),
    "all_missing": (b"adcode,year,a1,a2,b1\nu1,2020,,,\nu2,2020,,,\nu3,2020,,,\n", FW, None),
    "huge_values": (
        b"adcode,year,a1,a2,b1\nu1,2020,1e90,5e90,3\nu2,2020,2e90,4e90,1\nu3,2020,3e99,3e90,2\n"
        b"u4,2020,4e90,2e90,9\nu5,2020,1e91,1e90,7\n",
        FW,
        None,
    ),
    "some_units_unlisted": (DATA, FW, b"adcode,name_zh\nu1,Alpha\nx9,Nowhere\n"),
}


@pytest.fixture(autouse=True)
def _fresh():
    st.cache_data.clear()
    st.cache_resource.clear()


def _upload(files, params=None) -> AppTest:
    data, framework, units = files
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="up_data").set_value(("d.csv", data, "text/csv"))
    at.file_uploader(key="up_fw").set_value(("f.csv", framework, "text/csv"))
    if units is not None:
        at.file_uploader(key="up_units").set_value(("u.csv", units, "text/csv"))
    at.run()
    next(b for b in at.button if b.label in ("校验并使用", "Validate and use")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("case", sorted(WORKS))
def test_accepted_uploads_work_on_every_page(case):
    at = _upload(WORKS[case])
    assert "uploaded_dataset" in at.session_state, [e.value for e in at.error]
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (case, page, [e.value for e in at.exception])
        assert at.title, (case, page)
        assert not at.error, (case, page, [e.value for e in at.error])


def test_units_file_listing_none_of_the_data_is_refused_at_validation():
    # English: the engine's own words (ui.problems renders them in Chinese for lang=zh)
    at = _upload((DATA, FW, b"adcode,name_zh\nx1,X1\nx2,X2\n"), params={"lang": "en"})
    assert "uploaded_dataset" not in at.session_state
    problems = at.dataframe[-1].value
    assert "lists none of the data's 3 units" in problems["problem"].iloc[0]


def test_partial_units_file_is_noted_not_refused():
    at = _upload(WORKS["some_units_unlisted"], params={"lang": "en"})
    notes = " ".join(i.value for i in at.info)
    assert "are not in the units file" in notes and "have no data" in notes


def test_single_indicator_says_why_there_are_no_rank_intervals():
    at = _upload(WORKS["single_indicator"])
    for page in ("rankings", "lab"):
        at.switch_page(f"pages/{page}.py").run()
        notice = next(i.value for i in at.info if "at least two indicators" in i.value)
        assert "\\\\" not in notice  # escaped once for Markdown, not twice (shown as "\(")


def test_all_missing_data_city_profile_says_there_is_no_index():
    at = _upload(WORKS["all_missing"])
    at.switch_page("pages/city.py").run()
    warnings = [w.value for w in at.warning]
    # no unit can be ranked: said once, without claiming to show another group instead
    assert any("只有 0 个单位的数据足以参与排名" in w for w in warnings), warnings
    assert not any("现显示" in w for w in warnings), warnings
    assert any("未参与 2020 年排名" in w for w in warnings), warnings


def test_language_and_selections_are_kept_after_an_upload():
    """Regression (§5): an upload reset the language and every other selection."""
    at = _upload((DATA, FW, None), params={"lang": "en", "norm": "rank", "agg": "geometric"})
    notices = [w.value for w in at.warning]
    # the upload has no YRD groups: said as what it is, not as a bad link, and only for the
    # choice in use (the province choice is not active)
    assert any(n.startswith("The new data have no group=yrd27") for n in notices), notices
    assert not any("Link parameter" in n or "prov" in n for n in notices), notices
    at.switch_page("pages/rankings.py").run()
    assert at.title[0].value == "Rankings"
    assert at.query_params.get("norm") in ("rank", ["rank"])
    assert at.query_params.get("agg") in ("geometric", ["geometric"])
    assert at.session_state["_context"].config.normalise == "rank"


def test_an_upload_over_the_time_limit_is_stopped_and_refused(monkeypatch):
    from ui import upload_worker

    monkeypatch.setattr(upload_worker, "UPLOAD_SECONDS", 0.2)
    text = b",".join(b'"x"' for _ in range(60))  # slow to read, within the line limit
    big = b"adcode,year,a1,a2,b1," + b",".join(b"c%d" % i for i in range(60)) + b"\n"
    big += b"".join(b"u%d,2020,1,2,3," % i + text + b"\n" for i in range(39_000))
    at = _upload((big, FW, None), params={"lang": "en"})
    assert "uploaded_dataset" not in at.session_state
    assert "took longer than 0 s" in at.dataframe[-1].value["problem"].iloc[0]


def test_a_panel_too_large_for_a_session_points_to_the_command_line():
    from ui import loaders

    n = loaders.MAX_SESSION_UNITS + 1
    data = b"adcode,year,a1,a2,b1\n" + b"".join(b"u%d,2020,1,2,3\n" % i for i in range(n))
    at = _upload((data, FW, None), params={"lang": "en"})
    assert "uploaded_dataset" not in at.session_state
    message = at.dataframe[-1].value["problem"].iloc[0]
    assert f"{n:,} units" in message and "python -m indicators compute" in message
