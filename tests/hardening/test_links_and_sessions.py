"""Link parameters (random query strings on every page) and session isolation (two AppTests)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit as st
from hypothesis import given, settings
from hypothesis import strategies as st_

from tests.hardening.conftest import CASES

ROOT = Path(__file__).resolve().parents[2]
# AppTest runs take about 0.5 s: 12 links per page in CI, 30 with HYPOTHESIS_PROFILE=fuzz.
LINK_EXAMPLES = 30 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 12
PAGES = ("rankings", "city", "compare", "lab", "methodology", "data")
KEYS = ("lang", "group", "prov", "members", "year", "norm", "wt", "agg", "treat", "imp")
KEYS += ("city", "cities", "w", "peer", "zzz", "", "a" * 300, "<script>")
VALUES = st_.one_of(
    st_.sampled_from(
        [
            "en",
            "zh",
            "all",
            "province",
            "custom",
            "yrd27",
            "2010",
            "2020",
            "1999",
            "-1",
            "9" * 400,
            "310000",
            "999999",
            "310000,320100",
            "D1:5",
            "D1:99",
            "D1:nan,D2:-1",
            "浙江省",
            "<script>alert(1)</script>",
            "![x](http://evil.example/a.png)",
            "' OR 1=1 --",
            "${7*7}",
            "%00",
            "\u202e",
            "🏙️",
            "x" * 3000,
            "",
            "entropy",
            "geometric",
        ]
    ),
    st_.text(max_size=30),
)
PARAMS = st_.dictionaries(
    st_.sampled_from(KEYS),
    st_.one_of(VALUES, st_.lists(VALUES, min_size=1, max_size=3)),
    max_size=6,
)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def _app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


@pytest.mark.parametrize("page", PAGES)
@settings(max_examples=LINK_EXAMPLES)
@given(params=PARAMS)
def test_any_link_falls_back_without_exception(page, params):
    CASES[f"links:{page}"] += 1
    at = _app()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "rankings":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, (params, [e.value for e in at.exception])
    assert at.title, "every page draws its title"
    # every shared value that ends up in the URL is a valid one
    lang = at.query_params.get("lang", "zh")
    assert (lang[-1] if isinstance(lang, list) else lang) in ("zh", "en")


def test_uploads_stay_in_their_session():
    from ui import loaders

    data = b"adcode,year,a1,a2,b1\nu1,2020,1,5,3\nu2,2020,2,4,1\nu3,2020,3,3,2\n"
    framework = (
        b"code,parent,level,name_zh,name_en,direction,weight\nidx,,3,I,I,,1\nA,idx,2,A,A,,1\n"
        b"B,idx,2,B,B,,1\na1,A,1,a1,a1,1,1\na2,A,1,a2,a2,-1,1\nb1,B,1,b1,b1,1,1\n"
    )
    a = _app().run()
    a.switch_page("pages/data.py").run()
    a.file_uploader(key="up_data").set_value(("secret.csv", data, "text/csv"))
    a.file_uploader(key="up_fw").set_value(("fw.csv", framework, "text/csv"))
    a.run()
    next(b for b in a.button if b.label in ("校验并使用", "Validate and use")).click().run()
    a.switch_page("pages/rankings.py").run()
    assert sorted(a.dataframe[0].value["adcode"]) == ["u1", "u2", "u3"]

    b = _app().run()  # another session in the same process, after A's results are cached
    assert not b.exception
    assert len(b.dataframe[0].value) == 27 and "u1" not in set(b.dataframe[0].value["adcode"])
    assert not any("secret.csv" in c.value for c in b.sidebar.caption)
    b.switch_page("pages/data.py").run()
    assert len(b.dataframe[0].value) == 27 * 2
    assert "uploaded_dataset" not in b.session_state
    # A's dataset key names each file's role, name and content; every cached result is keyed
    # on the build's identity, which includes it: B's calls never return A's results.
    key = a.session_state["uploaded_dataset"].key
    assert key.startswith("upload:") and len(key) == len("upload:") + 64
    assert loaders.bundled_dataset().key == "bundled" != key


def _upload(at, data: tuple[str, bytes], framework: tuple[str, bytes]):
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="up_data").set_value((*data, "text/csv"))
    at.file_uploader(key="up_fw").set_value((*framework, "text/csv"))
    at.run()
    next(b for b in at.button if b.label in ("校验并使用", "Validate and use")).click().run()
    assert not at.exception
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def test_equal_concatenated_bytes_never_share_results():
    """Regression (hardening round two, §1): upload keys were sha256(framework + data + units)
    with no separators, and the cache ignored the dataset. Session B, whose files concatenate
    to the same bytes as session A's, was served A's cached export naming A's file."""
    import io

    import pandas as pd

    from ui import loaders

    framework = (
        b"code,parent,level,name_zh,name_en,direction,weight\nidx,,3,I,I,,1\nA,idx,2,A,A,,1\n"
        b"B,idx,2,B,B,,1\na1,A,1,a1,a1,1,1\na2,A,1,a2,a2,-1,1\nb1,B,1,b1,b1,1,1\n"
    )
    data = b"adcode,year,a1,a2,b1\nu1,2020,1,5,3\nu2,2020,2,4,1\nu3,2020,3,3,2\n"
    # A's data starts with a blank line; B's framework ends with it: framework + data is equal
    a_files = (("alice_salaries_CONFIDENTIAL.csv", b"\n" + data), ("fw.csv", framework))
    b_files = (("bob.csv", data), ("fw.csv", framework + b"\n"))
    assert a_files[1][1] + a_files[0][1] == b_files[1][1] + b_files[0][1]

    a = _upload(_app().run(), *a_files)  # A's page computes and caches its downloads
    b = _upload(_app().run(), *b_files)
    ctx_b = b.session_state["_context"]
    assert ctx_b.build.key != a.session_state["_context"].build.key
    result_b = loaders.result(ctx_b.build)
    recipe = loaders.recipe_of(ctx_b.build, ctx_b.dataset, ctx_b.selections)

    def export(fmt: str) -> bytes:
        return loaders.export_bytes(result_b, fmt, ctx_b.year, "all", recipe)

    methodology = pd.read_excel(io.BytesIO(export("xlsx")), sheet_name="methodology")
    source = methodology.set_index("item").at["data_source", "value"]
    assert source == "Upload: bob.csv"
    for fmt in ("csv", "xlsx", "parquet"):
        assert b"alice" not in export(fmt)
    assert not any("alice" in str(c.value) for c in [*b.caption, *b.sidebar.caption])
