"""2010 ICT employment share and the bilingual units of the bundled data.

The 2010 county table has 信息传输、计算机服务和软件业 (GB/T 4754-2002 section G) on its own,
under a shuffled header; ``ict_emp_pct`` 2010 is computed from it. The spot checks below read
the raw xlsx with openpyxl, independently of the build: the industry block is located by its
total column, its 20 columns are checked to add up to that total, and a city's share is summed
over its indented county rows.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import indicators
from indicators.tables import default_paths

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
RAW_2010 = REPO.parent / "shared" / "data" / "census" / "census_county_2010_v1.xlsx"
SANSHA = "460300"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")

needs_raw = pytest.mark.skipif(not RAW_2010.is_file(), reason=f"raw file not found: {RAW_2010}")


def _cities() -> pd.DataFrame:
    return pd.read_csv(DATA / "cities.csv", dtype={"adcode": str})


def _ict(year: int) -> pd.Series:
    c = _cities()
    return c[c["year"].eq(year)].set_index("adcode")["ict_emp_pct"]


def test_ict_2010_present_for_every_unit_with_long_form_data() -> None:
    ict = _ict(2010)
    assert len(ict) == 337
    assert ict.isna().sum() == 1 and pd.isna(ict[SANSHA])  # Sansha: no long-form sample
    present = ict.drop(SANSHA)
    assert ((present > 0) & (present < 10)).all(), present.describe()


def test_ict_2010_is_smaller_than_2020_for_most_cities() -> None:
    a, b = _ict(2010).drop(SANSHA), _ict(2020).drop(SANSHA)
    assert a.median() < b.median()
    assert (a < b.reindex(a.index)).mean() > 0.75


@cache
def _raw_2010() -> tuple[list[str], list[tuple]]:
    from openpyxl import load_workbook

    ws = load_workbook(RAW_2010, read_only=True, data_only=True)["Sheet1"]
    rows = list(ws.iter_rows(values_only=True))
    header = [re.sub(r"\s", "", str(h)) for h in rows[0]]
    return header, rows[1:]


def _num(v: object) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0  # blank cell in the long-form block: nobody sampled in that industry


@needs_raw
def test_raw_2010_industry_block_adds_up_and_holds_ict_in_its_seventh_column() -> None:
    header, rows = _raw_2010()
    total = header.index("各种行业人口总计")
    block = range(total + 1, total + 21)  # 20 sections A–T of GB/T 4754-2002
    assert header[total + 21] == "第一产业（%）"
    counties = [r for r in rows if str(r[header.index("地区")] or "").startswith(" ")]
    exact = sum(_num(r[total]) == sum(_num(r[j]) for j in block) for r in counties)
    assert exact / len(counties) > 0.99
    # section G is the 7th column; its header cell reads 交通运输、计算机服务和软件业 (shuffled)
    assert header[total + 7] == "交通运输、计算机服务和软件业"
    share = {
        k: sum(_num(r[total + k]) for r in counties) / sum(_num(r[total]) for r in counties)
        for k in (6, 7, 8)
    }
    # national 2010: transport 3.6%, ICT 0.6%, wholesale and retail 9.3%
    assert 0.03 < share[6] < 0.04 and 0.004 < share[7] < 0.008 and 0.08 < share[8] < 0.11


def _raw_city_share(prefixes: tuple[str, ...]) -> float:
    """ICT / employed by industry × 100 over the 2010 county rows whose code starts so."""
    header, rows = _raw_2010()
    name, code, total = (
        header.index("地区"),
        header.index("区划代码"),
        header.index("各种行业人口总计"),
    )
    ict = total + 7
    num = den = 0.0
    for r in rows:
        c = str(r[code] or "").removesuffix(".0")
        if str(r[name] or "").startswith(" ") and c.startswith(prefixes):
            num += _num(r[ict])
            den += _num(r[total])
    return num / den * 100


@needs_raw
@pytest.mark.parametrize(
    ("adcode", "prefixes"),
    [
        ("110000", ("11",)),  # Beijing
        ("310000", ("31",)),  # Shanghai
        ("330100", ("3301",)),  # Hangzhou
        ("320500", ("3205",)),  # Suzhou
        ("440300", ("4403",)),  # Shenzhen
        ("610100", ("6101",)),  # Xi'an
    ],
)
def test_ict_2010_matches_the_raw_county_rows(adcode: str, prefixes: tuple[str, ...]) -> None:
    assert _ict(2010)[adcode] == pytest.approx(_raw_city_share(prefixes), abs=1e-4)


def test_framework_units_are_given_in_both_languages() -> None:
    fw = indicators.load_framework(default_paths()["framework"])
    rows = pd.read_csv(DATA / "framework.csv", dtype=str, keep_default_na=False)
    assert {"unit_zh", "unit_en"} <= set(rows.columns)
    for code in fw.indicators:
        zh, en = fw.unit(code, "zh"), fw.unit(code, "en")
        assert zh and not LATIN.search(zh), (code, zh)
        assert en and not CJK.search(en), (code, en)


def test_ict_definition_states_the_classification_difference() -> None:
    rows = pd.read_csv(DATA / "framework.csv", dtype=str, keep_default_na=False)
    ict = rows.set_index("code").loc["ict_emp_pct"]
    assert "信息传输、计算机服务和软件业" in ict["definition_zh"]
    assert "2002" in ict["definition_zh"] and "缺失" not in ict["definition_zh"]
    assert "2002" in ict["definition_en"] and "missing" not in ict["definition_en"]


def test_a_reordered_2010_industry_block_stops_the_build() -> None:
    from indicators.census import raw

    good = pd.DataFrame(columns=["地区", *raw.INDUSTRY_BLOCK_2010, "第一产业（%）"])
    raw._check_industry_block(good)  # the layout of the raw sheet passes
    cols = list(raw.INDUSTRY_BLOCK_2010)
    cols[6], cols[7] = cols[7], cols[6]  # e.g. a corrected or re-sorted sheet
    with pytest.raises(raw.CensusDataError, match="信息传输、计算机服务和软件业"):
        raw._check_industry_block(pd.DataFrame(columns=["地区", *cols]))
    with pytest.raises(raw.CensusDataError, match="no 各种行业人口总计"):
        raw._check_industry_block(pd.DataFrame(columns=["地区"]))
