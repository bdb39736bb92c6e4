"""The City profile says what it can and cannot claim (issue 10 "trust and clarity").

Regressions, each reproduced first:
§1 三沙市 (group=all) showed "缺失" as its rank and "nan – nan" as its rank interval, and said
   its score breakdown was missing because of geometric means; no unit showed its coverage and
   an unusually wide rank interval was not marked.
§2 The 2010 → 2020 rank row read backwards (Shanghai 1 → 2 showed "1", Anqing 22 → 20 "-2").
§3 The what-if table showed 4 decimals and "None", gave rows that cannot be reached a new rank,
   sorted by raw differences across units and proposed targets beyond every city silently.
§4 Nearest peers showed "距离 106.96" with no unit or explanation.
§5 The strengths and weaknesses tables had five columns and no units in the value cells.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
SANSHA, ANQING, SHANGHAI, XUANCHENG, FUSHUN = "460300", "340800", "310000", "341800", "210400"
pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "cities.csv").exists(), reason="data/cities.csv not built yet"
)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def city(params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/city.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def shown_text(at: AppTest) -> str:
    """Every text element, metric and table cell of the page."""
    parts = [e.value for kind in ("markdown", "caption", "warning", "info") for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        parts += [str(c) for c in frame.value.columns]
        parts += [str(v) for v in frame.value.to_numpy().ravel()]
    return "\n".join(parts)


def unescaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A static table (st.table, its text escaped for Markdown) as the reader sees it."""
    out = frame.map(lambda v: re.sub(r"\\(.)", r"\1", v) if isinstance(v, str) else v)
    out.columns = [re.sub(r"\\(.)", r"\1", c) for c in out.columns]
    return out


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


# ---------------------------------------------------------------------------- §1 screening
@pytest.mark.parametrize(
    ("lang", "words", "dims", "label"),
    [
        ("zh", "未参与 {year} 年排名", ("人才贡献度", "人才成长环境"), "排名"),
        ("en", "is not ranked in {year}", ("Contribution", "Growth environment"), "Rank"),
    ],
)
@pytest.mark.parametrize("year", ["2020", "2010"])
def test_an_excluded_city_says_it_is_not_ranked_and_why(lang, words, dims, label, year):
    at = city({"group": "all", "city": SANSHA, "lang": lang, "year": year})
    banner = at.warning[0].value
    assert words.format(year=year) in banner
    assert "9/19" in banner and all(d in banner for d in dims)
    shown = metrics(at)
    assert shown[label] == ("未参与排名" if lang == "zh" else "Not ranked")
    assert not any(k.startswith(("排名区间", "Rank interval")) for k in shown)
    coverage = "9/19 项指标" if lang == "zh" else "9/19 indicators"
    assert any(coverage in c.value for c in at.caption)
    text = shown_text(at)
    assert "nan" not in text.lower() and "None" not in text
    assert not at.get("plotly_chart")  # no radar of a profile that has no scores
    data = unescaped(at.table[0].value)  # the data it has, and why the rest is missing
    value, why = ("数值", "缺失原因") if lang == "zh" else ("Value", "Why missing")
    assert list(data.columns)[1:] == [value, "组内中位数" if lang == "zh" else "Group median", why]
    assert (data[value] == "—").sum() == 19 - 9 and data[why].str.len().gt(0).sum() == 19 - 9


@pytest.mark.parametrize("adcode", [SHANGHAI, XUANCHENG])  # first and last of the YRD 27
@pytest.mark.parametrize(("year", "present"), [("2020", 19), ("2010", 18)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_city_shows_its_coverage_next_to_the_headline(adcode, year, present, lang):
    at = city({"city": adcode, "year": year, "lang": lang})
    expected = f"{present}/19 项指标" if lang == "zh" else f"{present}/19 indicators"
    line = next(c.value for c in at.caption if expected in c.value)
    assert line.startswith("数据覆盖" if lang == "zh" else "Data coverage")
    assert len(at.metric) == 3  # index, rank, rank interval
    assert not at.warning  # ranked normally: no banner
    assert "None" not in shown_text(at) and "nan" not in shown_text(at)


def test_an_unusually_wide_rank_interval_is_marked_and_explained():
    at = city({"group": "all", "city": FUSHUN})
    interval = next(m for m in at.metric if m.label.startswith("排名区间"))
    assert interval.proto.delta == "区间异常宽"
    assert any("排名区间异常宽" in c.value for c in at.caption)
    normal = city({"group": "all", "city": "330100"})  # Hangzhou: 5–35 of 336
    assert not next(m for m in normal.metric if m.label.startswith("排名区间")).proto.delta
    assert not any("异常宽" in c.value for c in normal.caption)


def test_a_flagged_city_gets_a_warning_and_keeps_its_rank():
    from indicators import default_paths, load_framework
    from ui import views

    fw = load_framework(default_paths()["framework"])
    screen = {"present": 12, "total": 19, "missing_dimensions": ["D3"], "screening": "flagged"}
    status, text = views.screening_banner(screen, "某市", 2020, fw, "zh", 0.75)
    assert status == "flagged" and "仅供参考" in text and "12/19" in text and "人才贡献度" in text
    status, text = views.screening_banner(screen, "X", 2020, fw, "en", 0.75)
    assert "with a warning" in text and "75%" in text and "Contribution" in text
    ranked = {**screen, "screening": "ranked"}
    assert views.screening_banner(ranked, "X", 2020, fw, "en", 0.75) is None


# ---------------------------------------------------------------------------- §2 2010 -> 2020
@pytest.mark.parametrize(
    ("adcode", "lang", "move"),
    [
        (SHANGHAI, "zh", "↓ 下降 1 位"),  # rank 1 in 2010, 2 in 2020
        (SHANGHAI, "en", "↓ down 1"),
        (ANQING, "zh", "↑ 上升 2 位"),  # rank 22 in 2010, 20 in 2020
        (ANQING, "en", "↑ up 2"),
    ],
)
def test_rank_moves_read_as_up_or_down_and_score_changes_carry_a_sign(adcode, lang, move):
    at = city({"city": adcode, "lang": lang})
    change = table_with(at, "2010")
    label = "变化" if lang == "zh" else "Change"
    rank_row = change.iloc[-1]
    assert rank_row[label] == move
    scores = change.iloc[:-1]
    for a, b, shown in zip(scores["2010"], scores["2020"], scores[label], strict=True):
        delta = float(b) - float(a)
        assert shown[0] == ("+" if delta > 0 else "−"), shown
        assert abs(float(shown[1:]) - abs(delta)) <= 0.101  # each shown value is rounded


def test_no_rank_move_reads_unchanged():
    from ui.views import rank_move, signed

    assert rank_move(5, 5, "zh") == "持平" and rank_move(5, 5, "en") == "unchanged"
    assert rank_move(float("nan"), 3, "en") == "—"
    assert signed(3.21) == "+3.2" and signed(-1.54) == "−1.5" and signed(0.01) == "0.0"


# ---------------------------------------------------------------------------- §3 what it takes
def what_if(lang: str, adcode: str = ANQING) -> pd.DataFrame:
    at = city({"city": adcode, "lang": lang})
    at.toggle(key="what_if_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    table = unescaped(at.table[-1].value)
    caption = " ".join(c.value for c in at.caption)
    return table, caption


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_if_table_reads_in_units_sorted_by_effort_with_its_warnings(lang):
    table, caption = what_if(lang)
    zh = lang == "zh"
    cols = (
        ["指标", "当前值", "目标值", "所需变化", "占组内极差", "新排名", "说明"]
        if zh
        else [
            "Indicator",
            "Current value",
            "Target value",
            "Change needed",
            "Share of group range",
            "New rank",
            "Note",
        ]
    )
    assert list(table.columns) == cols
    assert len(table) == 19
    cells = table.to_numpy().ravel().astype(str)
    assert not any(c in ("None", "nan", "NaN") for c in cells)
    numbers = re.compile(r"\d+\.(\d+)")
    assert all(len(m) <= 2 for c in cells for m in numbers.findall(c)), "at most 2 decimals"
    effort, note, new_rank = cols[4], cols[6], cols[5]
    unreachable = "无法达到" if zh else "not reachable"
    beyond = "⚠ 超出组内所有城市" if zh else "⚠ beyond every city in the group"
    blocked = table.loc[table[note] == unreachable]
    assert len(blocked) and (blocked[new_rank] == "—").all() and (blocked[cols[2]] == "—").all()
    assert list(table.index[table[note] == unreachable]) == list(range(19 - len(blocked), 19))
    reachable = table.loc[table[note] != unreachable]
    shares = reachable[effort].str.rstrip("%").astype(float)
    assert shares.is_monotonic_increasing  # easiest first, not by raw difference
    assert (reachable[new_rank] == "19").all()
    assert (table[note] == beyond).any()
    assert (shares.loc[table[note] == beyond] > 0).all()
    pp = "个百分点" if zh else "pp"
    share_rows = reachable.loc[reachable[cols[1]].str.endswith("%")]
    assert share_rows[cols[3]].str.endswith(pp).all()  # a change of a % share is in points
    assert (reachable[cols[3]].str[0].isin(["+", "−"])).all()
    assert ("极差" if zh else "range") in caption


# ---------------------------------------------------------------------------- §4 peers
def test_peer_similarity_is_the_typical_score_gap_per_indicator(bundle):
    from indicators import Build, Config, nearest_peers, run_pipeline

    data, framework, yrd = bundle
    result = run_pipeline(Build.create(data, framework, Config(), members=yrd))
    peers = nearest_peers(result, ANQING, 2020)
    row = result.scores.loc[(result.scores["adcode"] == ANQING) & (result.scores["year"] == 2020)]
    p = int(row[list(framework.indicators)].notna().sum(axis=1).iloc[0])
    np.testing.assert_allclose(peers["rms"], peers["distance"] / math.sqrt(p))
    first = peers["adcode"].iloc[0]
    other = result.scores.loc[(result.scores["adcode"] == first) & (result.scores["year"] == 2020)]
    diff = row[list(framework.indicators)].to_numpy(float) - other[
        list(framework.indicators)
    ].to_numpy(float)
    assert peers["rms"].iloc[0] == pytest.approx(np.sqrt(np.nanmean(diff**2)))

    for lang, label, words in (
        ("zh", "平均每项差距（分）", "均方根"),
        ("en", "Typical gap per indicator (points)", "root mean square"),
    ):
        at = city({"city": ANQING, "lang": lang})
        shown = table_with(at, label)
        assert "距离" not in shown.columns and "Distance" not in shown.columns
        assert list(shown[label]) == [f"{v:.1f}" for v in peers["rms"]]
        assert any(words in c.value for c in at.caption)


# ---------------------------------------------------------------------------- §5 tables
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_strengths_and_weaknesses_are_narrow_and_every_value_has_its_unit(lang):
    from indicators import default_paths, load_framework

    fw = load_framework(default_paths()["framework"])
    units = {fw.unit(c, lang) for c in fw.indicators}
    at = city({"city": ANQING, "lang": lang})
    tables = [d.value for d in at.dataframe[:2]]
    for table in tables:
        assert list(table.columns) == ["indicator", "value", "rank"]
        for value in table["value"]:
            assert any(value.endswith(u) for u in units), value
        assert table["rank"].str.fullmatch(r"\d+ / 27").all()


@pytest.mark.parametrize(
    ("lang", "label"), [("zh", "人才发展<br>可持续性"), ("en", "Growth<br>environment")]
)
def test_radar_axis_labels_are_wrapped_to_fit(lang, label):
    """The layout itself is measured in tests/browser/test_trust_city_layout.py."""
    import json

    at = city({"city": ANQING, "lang": lang})
    spec = json.loads(next(c for c in at.get("plotly_chart") if "radar" in c.proto.id).proto.spec)
    assert label in spec["data"][0]["theta"]
    assert all(len(line) <= 14 for t in spec["data"][0]["theta"] for line in t.split("<br>"))
    from ui.figures import wrap_label

    assert wrap_label("<b>x</b> y") == "&lt;b&gt;x&lt;/b&gt; y"  # still escaped for Plotly


def test_static_tables_escape_names_from_an_uploaded_framework():
    """st.table renders Markdown in its cells: an uploaded indicator name must show literally."""
    framework = (
        "code,parent,level,name_zh,name_en,direction,weight\n"
        "idx,,3,指数,Index,,1\n"
        "A,idx,2,甲,Alpha,,1\n"
        "B,idx,2,乙,Beta,,1\n"
        "a1,A,1,![x](http://example.com/a.png),Alpha one,1,1\n"
        "a2,A,1,甲二,Alpha two,-1,1\n"
        "b1,B,1,乙一,Beta one,1,1\n"
    ).encode()
    data = b"adcode,year,a1,a2,b1\nu1,2020,1,5,3\nu2,2020,2,4,1\nu3,2020,3,3,2\nu4,2020,4,1,5\n"
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="up_data").set_value(("mine.csv", data, "text/csv"))
    at.file_uploader(key="up_fw").set_value(("framework.csv", framework, "text/csv"))
    at.run()
    next(b for b in at.button if b.label in ("校验并使用", "Validate and use")).click().run()
    at.query_params["city"] = "u1"  # rank 4 of 4: something to climb
    at.switch_page("pages/city.py").run()
    at.toggle(key="what_if_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    cells = at.table[-1].value.iloc[:, 0].tolist()
    assert r"\!\[x\]\(http\:⁠//example\.com/a\.png\)" in cells, cells
