"""The plain-language city summary (indicators/summary.py): every sentence checked against numbers
computed here from the result, for several cities, both years and both languages."""

from __future__ import annotations

import re

import pytest

from indicators import Build, Config, run_pipeline, uncertainty
from indicators.summary import city_facts, city_summary, format_value, ordinal, summary_separator

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def census():
    from indicators import default_paths, load_data, load_framework, load_units

    paths = default_paths()
    fw = load_framework(paths["framework"])
    data = load_data(paths["data"], framework=fw)
    units = load_units(paths["units"])
    return data, fw, units


@pytest.fixture(scope="module")
def yrd(census):
    data, fw, units = census
    result = run_pipeline(Build.create(data, fw, Config(), members="yrd27", units=units))
    return result, uncertainty(result, n=100, seed=3).ranks


def _name(units, adcode, lang):
    return units.set_index("adcode").at[adcode, "name_en" if lang == "en" else "name_zh"]


def _expected(result, adcode, year):
    """The numbers the summary must state, computed independently of indicators.summary."""
    fw = result.framework
    root = fw.root
    s = result.scores.loc[result.scores["year"] == year]
    ranked = s.loc[s["rank"].notna()]
    own = s.loc[s["adcode"] == adcode].iloc[0]
    ranks = result.ranks.loc[(result.ranks["year"] == year) & (result.ranks["adcode"] == adcode)]
    dims = {d: int(ranks[d].iloc[0]) for d in fw.children(root)}
    years = sorted(result.scores["year"].unique())
    other = years[0] if year == years[-1] else years[-1]
    other_rank = int(
        result.scores.loc[
            (result.scores["year"] == other) & (result.scores["adcode"] == adcode), "rank"
        ].iloc[0]
    )
    return {
        "rank": int(own["rank"]),
        "n": len(ranked),
        "score": f"{own[root]:.1f}",
        "median": f"{ranked[root].median():.1f}",
        "gap": own[root] - ranked[root].median(),
        "best_dim": min(dims, key=dims.get),
        "worst_dim": max(dims, key=dims.get),
        "other": int(other),
        "other_rank": other_rank,
    }


def _text(result, adcode, year, lang, intervals=None):
    sentences = city_summary(result, adcode, year, lang, intervals=intervals)
    return sentences, summary_separator(lang).join(sentences)


CASES = [
    ("310000", 2020),  # Shanghai
    ("340800", 2020),  # Anqing
    ("340100", 2010),  # Hefei, 2010
    ("330100", 2010),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("adcode", "year"), CASES)
def test_sentences_state_the_numbers_of_the_result(yrd, census, adcode, year, lang):
    result, intervals = yrd
    fw = result.framework
    units = census[2]
    sentences, text = _text(result, adcode, year, lang, intervals)
    e = _expected(result, adcode, year)
    name = _name(units, adcode, lang)
    assert name in sentences[0]
    if lang == "zh":
        assert f"排名第 {e['rank']}（共 {e['n']} 个城市" in text
        assert ("高" if e["gap"] > 0 else "低") in sentences[0]
        assert not re.search(r"\b[A-Za-z]{3,}\b", text.replace(name, ""))
    else:
        assert f"ranks {ordinal(e['rank'])} of {e['n']} cities" in text
        assert ("above" if e["gap"] > 0 else "below") in sentences[0]
        assert not CJK.search(text)
    plain = sentences[0].replace("（", "(").replace("）", ")")
    assert e["score"] in sentences[0] and f"({e['median']})" in plain
    assert fw.name(e["best_dim"], lang) in text and fw.name(e["worst_dim"], lang) in text
    # strengths and weaknesses: the indicator, its raw value with its unit, its rank
    from indicators import strengths_weaknesses

    sw = strengths_weaknesses(result, adcode, year, k=1)
    for _, pick in sw.iterrows():
        assert fw.name(pick["code"], lang) in text
        assert format_value(pick["value"], fw.unit(pick["code"], lang), lang) in text
    # the change between the censuses reads the right way
    first, last = sorted((year, e["other"]))
    r_first = e["other_rank"] if first == e["other"] else e["rank"]
    r_last = e["rank"] if first == e["other"] else e["other_rank"]
    moved = r_first - r_last
    if lang == "zh":
        expected = (
            f"上升 {moved} 位" if moved > 0 else f"下降 {-moved} 位" if moved < 0 else "排名不变"
        )
        assert f"（第 {r_first} → 第 {r_last}）" in text
    else:
        expected = (
            f"moved up {moved} place"
            if moved > 0
            else f"moved down {-moved} place"
            if moved < 0
            else "kept its rank"
        )
        assert f"({ordinal(r_first)} → {ordinal(r_last)})" in text
    assert expected in text
    # peers, by name
    from indicators import nearest_peers

    for peer in nearest_peers(result, adcode, year, k=3)["adcode"]:
        assert _name(units, peer, lang) in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_and_last_city_of_the_group(yrd, lang):
    result, _ = yrd
    s = result.scores.loc[result.scores["year"] == 2020].sort_values("rank")
    first, last = s["adcode"].iloc[0], s["adcode"].iloc[-1]
    _, top = _text(result, first, 2020, lang)
    _, bottom = _text(result, last, 2020, lang)
    if lang == "zh":
        assert "排名第 1（" in top and "高" in top.split("。")[0]
        assert f"排名第 {len(s)}（" in bottom and "低" in bottom.split("。")[0]
    else:
        assert "ranks 1st of 27" in top and "above the group median" in top
        assert "ranks 27th of 27" in bottom and "below the group median" in bottom


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_unit_screened_out_says_why_and_claims_no_rank(census, lang):
    data, fw, units = census
    result = run_pipeline(Build.create(data, fw, Config(), members="all", units=units))
    row = result.screening.loc[
        (result.screening["adcode"] == "460300") & (result.screening["year"] == 2020)
    ].iloc[0]
    assert row["screening"] == "excluded"
    sentences, text = _text(result, "460300", 2020, lang)
    assert len(sentences) == 1
    present, total = int(row["indicators_present"]), int(row["indicators_total"])
    for dim in str(row["missing_dimensions"]).split(","):
        assert fw.name(dim, lang) in text
    if lang == "zh":
        assert f"{present}/{total}" in text and "未参与" in text and "排名第" not in text
    else:
        assert f"{present} of {total}" in text and "not ranked" in text and "ranks" not in text


def test_a_flagged_unit_carries_the_caveat(census):
    data, fw, units = census
    result = run_pipeline(Build.create(data, fw, Config(screen="flag"), members="all", units=units))
    _, zh = _text(result, "460300", 2020, "zh")
    _, en = _text(result, "460300", 2020, "en")
    assert "排名已标记" in zh and "flagged" in en


def test_scores_per_year_are_not_compared_across_years(census):
    data, fw, units = census
    result = run_pipeline(
        Build.create(data, fw, Config(normalise_scope="per_year"), members="yrd27", units=units)
    )
    _, en = _text(result, "310000", 2020, "en")
    assert "cannot be compared across years" in en and "score rose" not in en


def test_a_wide_interval_is_called_uncertain(yrd):
    result, intervals = yrd
    fake = intervals.copy()
    mask = (fake["adcode"] == "340800") & (fake["year"] == 2020)
    fake.loc[mask, ["p05", "p95"]] = [3.0, 25.0]
    fake.loc[mask, "wide"] = True
    facts = city_facts(result, "340800", 2020, "en", intervals=fake)
    assert facts.interval == (3, 25, True)
    _, en = _text(result, "340800", 2020, "en", fake)
    assert "Its rank is uncertain" in en and "between 3rd and 25th" in en


def test_formatting_helpers():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]
    assert format_value(33871.8, "per 100,000") == "33,872 per 100,000"
    assert format_value(16.28, "%") == "16.3%"
    assert format_value(1.234, "") == "1.23"
    assert format_value(float("nan"), "%") == "—"


def test_unknown_unit_year_is_an_error(yrd):
    result, _ = yrd
    with pytest.raises(ValueError, match="no row"):
        city_summary(result, "999999", 2020, "zh")
