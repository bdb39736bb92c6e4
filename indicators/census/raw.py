"""Load the raw census tables into tidy frames with canonical column names.

Raw files (Lei Dong et al., github.com/leiii/census, MIT):

- ``census_county_2020_v1.xlsx`` (sheet ``七普（年鉴）``): 7th census yearbook tables, one row per
  national/province/city/county unit; the unit level is read from the 区划代码 column.
- ``census_county_2010_v1.xlsx`` (``Sheet1``): 6th census yearbook tables in 2010 boundaries; the
  unit level is read from the indentation of the 地区 column (cities flush left, counties
  indented by two spaces).
- ``census_city_2010-2020_v1.csv``: city populations with 2010 adjusted to 2020 boundaries.

Each canonical variable is the sum of one or more raw columns (``COLUMNS_2020``,
``COLUMNS_2010``); headers are compared after removing whitespace (the 2010 headers contain line
breaks).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

FILE_2020 = "census_county_2020_v1.xlsx"
FILE_2010 = "census_county_2010_v1.xlsx"
FILE_CITY = "census_city_2010-2020_v1.csv"
SHEET_2020 = "七普（年鉴）"
SHEET_2010 = "Sheet1"

MUNICIPALITIES = (
    "11",
    "12",
    "31",
    "50",
)  # province code prefixes of Beijing, Tianjin, Shanghai, Chongqing


def _sexes(stem: str, sep: str, male: str = "男", female: str = "女") -> list[str]:
    return [f"{stem}{sep}{male}", f"{stem}{sep}{female}"]


def _ages_2020(bands: list[str]) -> list[str]:
    return [f"{s}_{b}" for b in bands for s in ("男", "女")]


def _ages_2010(bands: list[str], sexes: tuple[str, ...] = ("男", "女")) -> list[str]:
    return [f"{b}（{s}）" for b in bands for s in sexes]


BANDS_2020 = ["0岁", "1到4岁", "5到9岁", "10到14岁", "15到19岁", "20到24岁", "25到29岁", "30到34岁",
              "35到39岁", "40到44岁", "45到49岁", "50到54岁", "55到59岁", "60到64岁", "65到69岁",
              "70到74岁", "75到79岁", "80到84岁", "85岁以上"]  # fmt: skip
BANDS_2010 = ["0岁", "1-4岁", "5-9岁", "10-14岁", "15-19岁", "20-24岁", "25-29岁", "30-34岁",
              "35-39岁", "40-44岁", "45-49岁", "50-54岁", "55-59岁", "60-64岁", "65-69岁",
              "70-74岁", "75-79岁", "80-84岁", "85岁及以上"]  # fmt: skip

# canonical variable -> raw columns (summed). Averages are marked in AVERAGES with their weight.
COLUMNS_2020: dict[str, list[str]] = {
    "pop": ["人口数_合计"],
    "urban": ["城镇人口"],
    "hh_pop": ["家庭户人口数"],
    "edu_n": [
        c
        for k in ("未上过学", "学前教育", "小学", "初中", "高中", "大学专科", "本科及以上")
        for c in _sexes(k, "_")
    ],  # fmt: skip
    "college": _sexes("大学专科", "_"),
    "bachelor": _sexes("本科及以上", "_"),
    "edu_years": ["平均受教育年限_合计"],
    "mig_inter": ["户口登记地在外乡镇街道人口_省外"],
    "mig_intra": ["户口登记地在外乡镇街道人口_本省其他县"],
    "age0_14": _ages_2020(BANDS_2020[0:4]),
    "age20_39": _ages_2020(BANDS_2020[5:9]),
    "age65": _ages_2020(BANDS_2020[14:19]),
    "women15_64": [f"女_{b}" for b in BANDS_2020[4:14]],
    "fertility": ["15-64岁妇女平均活产子女数"],
    "occ_total": ["各种职业人口总计"],
    "occ_prof": ["专业技术人员"],
    "ind_total": ["各种行业人口总计"],
    "ind_fin": ["金融业"],
    "ind_lease": ["租赁和商务服务业"],
    "ind_sci": ["科学研究和技术服务业"],
    "ind_ict": ["信息传输软件和信息技术服务业"],
    "ind_edu": ["教育"],
    "ind_health": ["卫生和社会工作"],
    "ind_culture": ["文化体育和娱乐业"],
    "housing_pc": ["人均住房建筑面积"],
    "hh_long": ["家庭户户数_长表"],
    "rent": ["住房来源_租赁"],
}

COLUMNS_2010: dict[str, list[str]] = {
    "pop": ["合计"],
    "urban": ["城镇人口"],
    "hh_pop": ["人口数"],  # population of family households (next to 户数)
    "edu_n": [
        c
        for k in ("未上过学", "小学", "初中", "高中", "大学专科", "大学本科及以上")
        for c in _sexes(k, "-")
    ],  # fmt: skip
    "college": _sexes("大学专科", "-"),
    "bachelor": _sexes("大学本科及以上", "-"),
    "edu_years": ["平均受教育年限（年）-合计"],
    "mig_inter": ["迁入人口（人）-外省"],
    "mig_intra": ["迁入人口（人）-本省其他县（市）、市区"],
    "age0_14": _ages_2010(BANDS_2010[0:4]),
    "age20_39": _ages_2010(BANDS_2010[5:9]),
    "age65": _ages_2010(BANDS_2010[14:19]),
    # the raw header of women aged 45-49 has an ASCII closing parenthesis: 45-49岁（女)
    "women15_64": [f"{b}（女）" if b != "45-49岁" else "45-49岁（女)" for b in BANDS_2010[4:14]],
    "fertility": ["15-64岁妇女-平均活产子女数"],
    "occ_total": ["各种职业人口总计"],
    "occ_prof": ["专业技术人员"],
    "ind_total": ["各种行业人口总计"],
    "ind_fin": ["金融业"],
    "ind_lease": ["租赁和商务服务业"],
    "ind_sci": ["科学研究、技术服务和地质勘察业"],
    # GB/T 4754-2002 section G, 信息传输、计算机服务和软件业: its column's header cell is shuffled
    # with its neighbours' (F, H) and reads 交通运输、计算机服务和软件业; INDUSTRY_BLOCK_2010
    # pins the block so a reordered or corrected sheet stops the build (SOURCES.md)
    "ind_ict": ["交通运输、计算机服务和软件业"],
    "ind_edu": ["教育"],
    "ind_health": ["卫生、社会保障和社会福利业"],
    "ind_culture": ["文化、体育和娱乐业"],
    "housing_pc": ["人均住房建筑面积（平方米/人）"],
    "hh_long": ["长表数据-家庭户"],
    "rent": ["住房来源-租赁"],
}

# The 2010 industry block as it stands in the raw sheet: the total, then the 20 sections A–T of
# GB/T 4754-2002 in order. Three header cells are shuffled (their wrapped lines were swapped):
# the column headed 仓储和邮政业 holds F 交通运输、仓储和邮政业, 交通运输、计算机服务和软件业 holds
# G 信息传输、计算机服务和软件业 and 信息传输、批发和零售业 holds H 批发和零售业 (the 20 columns add
# up to the total in 2,861 of 2,870 county rows; national shares 3.56%, 0.61%, 9.30%).
INDUSTRY_BLOCK_2010: tuple[str, ...] = (
    "各种行业人口总计",
    "农林牧渔业",
    "采矿业",
    "制造业",
    "电力、燃气及水的生产和供应业",
    "建筑业",
    "仓储和邮政业",
    "交通运输、计算机服务和软件业",
    "信息传输、批发和零售业",
    "住宿和餐饮业",
    "金融业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究、技术服务和地质勘察业",
    "水利、环境和公共设施管理业",
    "居民服务和其他服务业",
    "教育",
    "卫生、社会保障和社会福利业",
    "文化、体育和娱乐业",
    "公共管理和社会组织",
    "国际组织",
)

# averages and the count that weights them when units are combined
AVERAGES: dict[str, str] = {
    "edu_years": "edu_n",  # population aged 6 and over (sum of attainment counts)
    "fertility": "women15_64",  # women aged 15-64
    "housing_pc": "hh_pop",  # population of family households
}
VARIABLES: list[str] = list(COLUMNS_2020)


class CensusDataError(Exception):
    """The raw census files are missing or not in the expected shape."""


def _clean_header(h: object) -> str:
    return re.sub(r"\s", "", str(h))


def _code(v: object) -> str:
    """Administrative code as a 6-digit string, '' when absent."""
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    s = str(v).strip()
    if s in ("", "NA", "nan"):
        return ""
    s = s.removesuffix(".0")
    if not s.isdigit() or len(s) != 6:
        raise CensusDataError(f"unexpected administrative code {v!r}")
    return s


def _read_excel(path: Path, sheet: str) -> pd.DataFrame:
    if not path.is_file():
        raise CensusDataError(f"raw file not found: {path}")
    try:
        df = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
    except ValueError as exc:  # e.g. missing sheet
        raise CensusDataError(f"cannot read sheet {sheet!r} of {path}: {exc}") from exc
    df.columns = [_clean_header(c) for c in df.columns]
    return df


def _canonical(df: pd.DataFrame, columns: dict[str, list[str]], label: str) -> pd.DataFrame:
    missing = sorted({c for cols in columns.values() for c in cols} - set(df.columns))
    if missing:
        raise CensusDataError(f"{label}: expected columns not found: {', '.join(missing)}")
    out = {}
    for var, cols in columns.items():
        parts = df[cols].apply(pd.to_numeric, errors="coerce")
        # a sum is missing only if every part is missing (min_count=1)
        out[var] = parts.sum(axis=1, min_count=1)
    return pd.DataFrame(out, index=df.index)


def read_2020(census_dir: Path) -> pd.DataFrame:
    """Rows of the 2020 table with ``code, province, city, county, level`` and the variables.

    ``level``: ``nation`` (全国), ``province`` (xx0000), ``city`` (xxxx00; Chongqing has two
    rows, 500100 市辖区 and 500200 县), ``county`` (any other code, or no code: development
    zones, islands and the 省直辖县级行政区划 subtotal rows, told apart by name).
    """
    df = _read_excel(census_dir / FILE_2020, SHEET_2020)
    for col in ("区划代码", "省", "市", "区县"):
        if col not in df.columns:
            raise CensusDataError(f"{FILE_2020}: column {col} not found")
    code = df["区划代码"].map(_code)
    names = df[["省", "市", "区县"]].astype("str").apply(lambda s: s.str.strip())
    level = pd.Series("county", index=df.index)
    level[code.str.endswith("00") & code.ne("")] = "city"
    level[code.str.endswith("0000")] = "province"
    level[names["省"].eq("全国")] = "nation"
    level[code.eq("") & names["区县"].str.contains("直辖县级行政区划")] = "subtotal"
    out = pd.DataFrame(
        {
            "code": code,
            "province": names["省"],
            "city": names["市"],
            "county": names["区县"],
            "level": level,
        }
    )
    return pd.concat([out, _canonical(df, COLUMNS_2020, FILE_2020)], axis=1)


def read_2010(census_dir: Path) -> pd.DataFrame:
    """Rows of the 2010 table with ``code, name, level, parent, province`` and the variables.

    ``level``: ``province``, ``city`` (flush-left rows, including the uncoded 市辖区/县 rows of
    the municipalities and the 省直辖县级行政区划 subtotals) or ``county`` (indented rows).
    ``parent`` is the 2010 prefecture code of a county row (the province code for the
    municipalities, empty under a 省直辖 subtotal). Blank separator rows and a stray footer row
    (a web-forum watermark, no data) are dropped.
    """
    df = _read_excel(census_dir / FILE_2010, SHEET_2010)
    if "地区" not in df.columns or "区划代码" not in df.columns:
        raise CensusDataError(f"{FILE_2010}: columns 地区/区划代码 not found")
    _check_industry_block(df)
    raw_name = df["地区"].astype("str").fillna("")
    values = _canonical(df, COLUMNS_2010, FILE_2010).reindex(columns=VARIABLES)
    rows = []
    parent = ""
    province = ""
    for i, name_raw in raw_name.items():
        name = name_raw.strip().replace("巿", "市")  # U+5DFF is a common OCR slip for 市
        if not name or values.loc[i].isna().all():
            continue  # separator rows and the watermark footer
        code = _code(df.at[i, "区划代码"])
        indented = name_raw.startswith(" ")
        if not indented:
            if code.endswith("0000"):
                level, province = "province", code
                parent = code if code[:2] in MUNICIPALITIES else ""
            elif code:
                level, parent = "city", code
            else:
                level = "city"
                if name not in ("市辖区", "县"):  # 省直辖县级行政区划: no prefecture
                    parent = ""
            rows.append((i, code, name, level, code or parent, province))
        else:
            rows.append((i, code, name, "county", parent, province))
    meta = pd.DataFrame(rows, columns=["row", "code", "name", "level", "parent", "province"])
    meta = meta.set_index("row")
    return pd.concat([meta, values.loc[meta.index]], axis=1).reset_index(drop=True)


def _check_industry_block(df: pd.DataFrame) -> None:
    """The 2010 industry columns are where ``INDUSTRY_BLOCK_2010`` says, in that order: the ICT
    column is identified by its position in this block, not by its (shuffled) header."""
    cols = list(df.columns)
    first = INDUSTRY_BLOCK_2010[0]
    found = (
        tuple(cols[cols.index(first) : cols.index(first) + len(INDUSTRY_BLOCK_2010)])
        if first in cols
        else ()
    )
    if found != INDUSTRY_BLOCK_2010:
        raise CensusDataError(
            f"{FILE_2010}: the industry columns are not in the expected layout "
            f"({', '.join(INDUSTRY_BLOCK_2010)}); found {', '.join(found) or 'no ' + first}. "
            "Review which column holds 信息传输、计算机服务和软件业 before building"
        )


def read_city_csv(census_dir: Path) -> pd.DataFrame:
    """City populations: ``city_code, name, popu_2010, popu_2020`` (2010 in 2020 boundaries)."""
    path = census_dir / FILE_CITY
    if not path.is_file():
        raise CensusDataError(f"raw file not found: {path}")
    df = pd.read_csv(path, dtype=str, usecols=["city", "city_code", "popu_2010", "popu_2020"])
    return pd.DataFrame(
        {
            "city_code": df["city_code"].str.strip(),
            "name": df["city"].str.strip(),
            "popu_2010": pd.to_numeric(df["popu_2010"], errors="coerce"),
            "popu_2020": pd.to_numeric(df["popu_2020"], errors="coerce"),
        }
    )
