"""The county table: every county-level unit of the 2020 census, with the city table's indicators.

Run by the same command as the city table (``python -m indicators build-data``); writes
``counties.csv``, ``county_units.csv``, ``county_match_2010.csv`` and
``county_missing_notes.csv``. Indicator values come from :data:`indicators.census.build.INDICATORS`
applied to one census row per county (``build.aggregate`` of a single row is the row itself), so
the county and city tables share one definition of every indicator.

Units (decisions, also in ``data/SOURCES.md`` and ``docs/METHODS.md``):

* Every ``county`` row of the 2020 yearbook table is a unit: districts (市辖区), county-level
  cities (县级市), counties (县, 自治县, 旗, 自治旗, 特区, 林区), the functional zones (功能区:
  development zones, new areas, parks and management areas that the census reports apart from
  their legal county, statistical codes ``xxxx7x`` or no code) and the province-administered
  county-level units (``xx90xx``, no parent city). The five prefecture-level cities without
  counties (东莞, 中山, 嘉峪关, 儋州; 三沙 is split into its three island groups) are one unit each
  with the city's adcode (type 不设区的地级市).
* Rows without a code (39 functional zones, Sansha's three island groups) get a synthetic
  code: the parent city's first four digits + ``9`` + their order in the city (``320991`` for
  镇江新区). Codes ``xxxx9x`` are not used by GB/T 2260 or the statistical codes;
  ``code_source`` says which codes are synthetic.
* The counties of a city partition it: their 2020 populations (and every count) add up to the
  city row exactly (tested), because the functional zones are units of their own.

2010 (``match_2010``): a 2020 unit gets 2010 values only from exactly one 2010 county row of the
same territory, by these rules, first that applies:

1. ``code``: the same code and the same name (without its suffix) in both years;
2. ``reviewed``: the same code with another name, accepted in ``county_renames_2010.csv`` (a
   reviewed list with a reason per row: renames in place, character variants, OCR slips);
3. ``renamed``: a 2010 code that is gone in 2020 and a 2020 code that is new, the same name stem,
   in the same 2020 city, unique on both sides (撤县设区/撤县设市: 吴江市 320584 -> 吴江区 320509);
   the 2020 city of the 2010 row comes from the city crosswalk.

A 2020 unit matched one-to-one then still gets no 2010 value when its city had a change the
tables cannot place (a 2010 county that is gone without successor, a new 2020 county or
functional zone): then every unit of that city that could have given or received the area (the
districts, 市辖区, for a change among districts or zones; every unit for a change among
counties) is marked ``city changed``, with the changed units named in the notes. Last, a match
whose population changes by more than ``MAX_GROWTH`` (10%) a year is ``implausible`` (哈尔滨
香坊区 +16.8%, 平房区 −12.6%: the 2010 rows look swapped) and gets no 2010 value either.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indicators.census import crosswalk, names
from indicators.census.raw import CensusDataError

HERE = Path(__file__).parent
COUNTY_NAMES_FILE = HERE / "county_names.csv"
RENAMES_FILE = HERE / "county_renames_2010.csv"

MAX_GROWTH = 10.0  # % a year; a larger 2010→2020 change in a matched unit is not believed
ZONE = "功能区"
DISTRICT = "市辖区"
NO_COUNTIES = "不设区的地级市"
ISLANDS = "群岛"
TYPES_EN = {
    DISTRICT: "district",
    "县级市": "county-level city",
    "县": "county",
    "自治县": "autonomous county",
    "旗": "banner",
    "自治旗": "autonomous banner",
    "特区": "special district",
    "林区": "forestry district",
    ZONE: "functional zone",
    NO_COUNTIES: "city without counties",
    ISLANDS: "island group",
    "行政委员会": "administrative committee",
}
PROVINCE_ADMIN_ZH = "省直辖县级行政区划"
PROVINCE_ADMIN_EN = "Province-administered"
UNIT_COLUMNS = [
    "adcode",
    "name_zh",
    "name_en",
    "province_zh",
    "province_en",
    "city_adcode",
    "city_zh",
    "city_en",
    "type",
    "type_en",
    "code_source",
    "match_2010",
    "yrd27",
    "yrd41",
]

Frame = pd.DataFrame


def county_type(code: str, name: str, synthetic: bool) -> str:
    """Administrative type from the code and the name (see ``TYPES_EN``)."""
    tail = code[4:6]
    if synthetic:
        return ISLANDS if name.endswith("群岛") or "群岛" in name else ZONE
    if "71" <= tail <= "79":
        return ZONE
    if name.endswith("行政委员会"):
        return "行政委员会"
    if name.endswith("林区") and code[2:4] == "90":  # 神农架林区 (other *林区 are districts)
        return "林区"
    for suffix in ("自治县", "自治旗", "特区", "县", "旗"):
        if name.endswith(suffix):
            return suffix
    if name.endswith("市"):
        return "县级市"
    if name.endswith("区"):
        return DISTRICT
    return ZONE  # 管委会, 新城: functional areas without an administrative suffix


def county_rows_2020(t20: Frame, city_units: Frame) -> Frame:
    """One row per 2020 county-level unit: ids, parent, type and the census variables."""
    cty = crosswalk.county_units_2020(t20)
    cty = cty.rename(columns={"unit": "city_adcode"})
    # Sansha's three island groups carry the island name in the city column
    sansha = cty["city_adcode"].eq("") & cty["code"].eq("") & cty["province"].eq("海南省")
    cty.loc[sansha, "city_adcode"] = "460300"
    cty.loc[sansha, "city"] = "三沙市"
    if (cty["code"].eq("") & cty["city_adcode"].eq("")).any():
        raise CensusDataError("2020 table: an uncoded county row with no city")
    cty["synthetic"] = cty["code"].eq("")
    order = cty[cty["synthetic"]].groupby("city_adcode").cumcount() + 1
    if (order > 9).any():
        raise CensusDataError("2020 table: more than 9 uncoded county rows in one city")
    prefix = cty.loc[cty["synthetic"], "city_adcode"].str[:4]
    cty.loc[cty["synthetic"], "code"] = prefix + "9" + order.astype(str)
    # cities without county rows (东莞, 中山, 嘉峪关, 儋州) are one unit each
    city = t20[t20["level"].eq("city")]
    have = set(cty["city_adcode"])
    lone = city[~city["code"].map(crosswalk.unit_code).isin(have)].copy()
    lone["county"] = lone["city"]
    lone["city_adcode"] = lone["code"]
    lone["synthetic"] = False
    rows = pd.concat([cty, lone], ignore_index=True)
    rows["adcode"] = rows["code"]
    if rows["adcode"].duplicated().any():
        dup = rows.loc[rows["adcode"].duplicated(), "adcode"].tolist()
        raise CensusDataError(f"county table: duplicated codes {dup}")
    rows["type"] = [
        county_type(c, n, s)
        for c, n, s in zip(rows["code"], rows["county"], rows["synthetic"], strict=True)
    ]
    rows.loc[rows["adcode"].isin(lone["code"]), "type"] = NO_COUNTIES
    rows["code_source"] = np.where(
        rows["synthetic"],
        "synthetic",
        np.where(rows["type"].eq(ZONE), "statistical", "GB/T 2260"),
    )
    city_names = city_units.set_index("adcode")["name_zh"]
    rows["city_zh"] = rows["city_adcode"].map(city_names).fillna(PROVINCE_ADMIN_ZH)
    rows.loc[rows["city_adcode"].eq(""), "city_zh"] = PROVINCE_ADMIN_ZH
    rows["province_zh"] = rows["province"]  # not from the code: 五台山 zone is coded 170971
    return rows.sort_values("adcode").reset_index(drop=True)


def read_renames(path: Path = RENAMES_FILE) -> Frame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["code", "name_2010", "name_2020", "reason"]
    if list(df.columns) != expected:
        raise CensusDataError(f"{path.name}: columns must be {expected}")
    if (df["reason"].str.strip() == "").any():
        raise CensusDataError(f"{path.name}: every accepted rename needs a reason")
    return df


def match_2010(rows20: Frame, t10: Frame, xwalk: Frame, renames: Frame) -> Frame:
    """The 2010 county row of each 2020 unit (``code_2010`` empty: none) and why.

    Returns one row per 2020 unit: ``adcode, code_2010, name_2010, pop_2010, match_2010,
    reason_zh, reason_en`` (``match_2010``: ``code``, ``reviewed``, ``renamed`` for a 2010
    value; ``new``, ``changed``, ``city changed`` for none; see the module docstring).
    """
    c10 = t10[t10["level"].eq("county")].copy()
    c10["key"] = c10["code"].where(c10["code"].ne(""), c10["parent"] + ":" + c10["name"])
    c10 = c10.merge(xwalk[["key", "adcode_2020"]], on="key", how="left", validate="one_to_one")
    c10["stem"] = c10["name"].map(crosswalk.stem)
    # 2010 units without counties (东莞, 中山, 嘉峪关 市辖区 rows): named after their city
    lone10 = c10["code"].eq("") & c10["name"].eq("市辖区")
    c10.loc[lone10, "code"] = c10.loc[lone10, "parent"]
    r20 = rows20.copy()
    r20["stem"] = r20["county"].map(crosswalk.stem)
    by10 = c10[c10["code"].ne("")].drop_duplicates("code").set_index("code")
    accepted = set(zip(renames["code"], renames["name_2010"], renames["name_2020"], strict=True))
    codes10 = set(by10.index)
    codes20 = set(r20["adcode"])

    out = pd.DataFrame({"adcode": r20["adcode"]})
    out["code_2010"] = ""
    out["rule"] = ""
    used10: set[str] = set()
    for i, row in r20.iterrows():
        if row["adcode"] in by10.index:
            old = by10.loc[row["adcode"]]
            if old["stem"] == row["stem"] or row["type"] == NO_COUNTIES:
                out.at[i, "code_2010"], out.at[i, "rule"] = row["adcode"], "code"
            elif (row["adcode"], old["name"], row["county"]) in accepted:
                out.at[i, "code_2010"], out.at[i, "rule"] = row["adcode"], "reviewed"
            else:
                out.at[i, "rule"] = "changed"  # code re-used for another territory
            used10.add(row["adcode"])
    # renamed with a new code: gone-in-2020 codes vs new-in-2020 codes, same stem and city
    gone = c10[c10["code"].ne("") & ~c10["code"].isin(codes20)]
    new = r20[~r20["adcode"].isin(codes10) & ~r20["synthetic"] & r20["type"].ne(ZONE)]
    key10 = gone.groupby(["adcode_2020", "stem"])["code"].agg(list)
    key20 = new.groupby(["city_adcode", "stem"])["adcode"].agg(list)
    for (city, stem), new_codes in key20.items():
        old_codes = key10.get((city, stem), [])
        if len(new_codes) == 1 and len(old_codes) == 1:
            i = out.index[out["adcode"].eq(new_codes[0])][0]
            out.at[i, "code_2010"], out.at[i, "rule"] = old_codes[0], "renamed"
            used10.add(old_codes[0])
    out.loc[out["rule"].eq(""), "rule"] = "new"
    # 2010 rows without a 2020 unit of their own: abolished, merged or split
    orphans = c10[~c10["code"].isin(used10) & c10["adcode_2020"].ne("")]
    return _city_changes(out, r20, orphans, by10)


def _few(names: list[str], n: int = 4) -> str:
    return "、".join(names[:n]) + (f" 等 {len(names)} 个" if len(names) > n else "")


def _city_changes(out: Frame, r20: Frame, orphans: Frame, by10: Frame) -> Frame:
    """Mark matched units of cities with a change the tables cannot place; add the reasons."""
    out = out.merge(r20[["adcode", "city_adcode", "type", "county"]], on="adcode")
    out["city_key"] = out["city_adcode"].where(out["city_adcode"].ne(""), out["adcode"].str[:4])
    orphans = orphans.assign(
        city_key=orphans["adcode_2020"].where(
            orphans["adcode_2020"].ne(""), orphans["province"].str[:4]
        )
    )
    unplaced_new = out[out["rule"].isin(["new", "changed"])]
    matched = out["rule"].isin(["code", "reviewed", "renamed"])
    reason_zh = pd.Series("", index=out.index)
    reason_en = pd.Series("", index=out.index)
    for city, grp in out.groupby("city_key"):
        gone = orphans[orphans["city_key"].eq(city)]
        born = unplaced_new[unplaced_new["city_key"].eq(city)]
        if gone.empty and born.empty:
            continue
        only_districts = gone["name"].str.endswith("区").all() and born["type"].eq(DISTRICT).all()
        affected = grp.index[matched.loc[grp.index]]
        if only_districts:
            affected = [i for i in affected if out.at[i, "type"] == DISTRICT]
        g_zh = _few(gone["name"].tolist())
        b_zh = _few(born["county"].tolist())
        change = "；".join(
            part
            for part in (
                f"2010 年的 {g_zh} 不再单列" if g_zh else "",
                f"新列 {b_zh}" if b_zh else "",
            )
            if part
        )
        change_en = "; ".join(
            part
            for part in (f"gone: {g_zh}" if g_zh else "", f"new: {b_zh}" if b_zh else "")
            if part
        )
        for i in affected:
            out.at[i, "rule"] = "city changed"
            reason_zh[i] = f"本市区县 2010–2020 年有调整（{change}），无法确定本单位辖区未变"
            reason_en[i] = (
                f"the city's units changed in 2010–2020 ({change_en}): this unit's area may "
                "have changed"
            )
    new = out["rule"].eq("new")
    zone = out["type"].eq(ZONE)
    islands = out["type"].eq(ISLANDS)
    reason_zh[new & zone] = "功能区，2010 年普查未单列"
    reason_en[new & zone] = "functional zone, not reported apart in the 2010 census"
    reason_zh[new & islands] = "三沙市 2012 年设立，2010 年普查没有按群岛分列的单位"
    reason_en[new & islands] = "Sansha was created in 2012: the 2010 census has no such unit"
    reason_zh[new & ~zone & ~islands] = "2010 年后新设或调整形成，2010 年无相同辖区的单位"
    reason_en[new & ~zone & ~islands] = (
        "created or re-formed after 2010: no 2010 unit with the same area"
    )
    changed = out["rule"].eq("changed")
    old_name = out["adcode"].map(by10["name"]).fillna("")
    reason_zh[changed] = "代码沿用但名称和辖区改变（2010 年为" + old_name[changed] + "）"
    reason_en[changed] = "code kept, name and area changed (2010: " + old_name[changed] + ")"
    out["name_2010"] = out["code_2010"].map(by10["name"]).fillna("")
    pop10 = out["code_2010"].map(by10["pop"])
    pop20 = out["adcode"].map(r20.set_index("adcode")["pop"])
    growth = ((pop20 / pop10) ** 0.1 - 1) * 100
    odd = out["rule"].isin(["code", "reviewed", "renamed"]) & (growth.abs() > MAX_GROWTH)
    out.loc[odd, "rule"] = "implausible"
    reason_zh[odd] = (
        "人口 2010→2020 年均变化 "
        + growth[odd].round(1).astype(str)
        + "%，"
        + ("很可能辖区改变或 2010 年表格错行")
    )
    reason_en[odd] = (
        "population 2010→2020 changes by " + growth[odd].round(1).astype(str) + "% a year: "
        "a boundary change or a row slip in the 2010 table is likely"
    )
    out["reason_zh"] = reason_zh
    out["reason_en"] = reason_en
    out["pop_2010"] = pop10.round(0).astype("Int64")
    keep = out["rule"].isin(["code", "reviewed", "renamed"])
    out.loc[~keep, ["code_2010", "name_2010"]] = ""
    out.loc[~keep, "pop_2010"] = pd.NA
    out = out.rename(columns={"rule": "match_2010"})
    cols = ["adcode", "code_2010", "name_2010", "pop_2010", "match_2010", "reason_zh", "reason_en"]
    return out[cols]


MATCH_COLUMNS = ["adcode", "code_2010", "name_2010", "pop_2010", "match_2010"]


def rows_2010(t10: Frame, match: Frame) -> Frame:
    """2010 census rows keyed by the 2020 adcode they match (one row each)."""
    c10 = t10[t10["level"].eq("county")].copy()
    lone10 = c10["code"].eq("") & c10["name"].eq("市辖区")
    c10.loc[lone10, "code"] = c10.loc[lone10, "parent"]
    c10 = c10[c10["code"].ne("")].drop_duplicates("code")
    keep = match[match["code_2010"].ne("")]
    rows = keep[["adcode", "code_2010"]].merge(
        c10.drop(columns=["level"]), left_on="code_2010", right_on="code", validate="one_to_one"
    )
    return rows


# long-form counts and the total whose parts they are
PARTS = {
    "ind_total": ["ind_fin", "ind_lease", "ind_sci", "ind_ict", "ind_edu", "ind_health",
                  "ind_culture"],
    "occ_total": ["occ_prof"],
    "hh_long": ["rent"],
}  # fmt: skip


def blanks_as_zero(rows: Frame) -> Frame:
    """A blank part of a long-form count whose total is present is zero.

    The yearbook leaves a cell blank when no sampled person falls in it: with blanks as zero
    the 20 industry columns add up to the total in 2,912 of the 2,921 2010 rows that have a
    blank, and in all 2,981 such 2020 rows. The city build's sums already treat blanks so
    (``sum`` skips them); a single county row needs it said.
    """
    out = rows.copy()
    for total, parts in PARTS.items():
        has_total = out[total].notna()
        for part in parts:
            out.loc[has_total & out[part].isna(), part] = 0.0
    return out


def english_names(rows: Frame) -> pd.Series:
    """English names from the reviewed table ``county_names.csv`` (drafted with pypinyin)."""
    en = pd.read_csv(COUNTY_NAMES_FILE, dtype=str, keep_default_na=False)
    table = rows[["adcode", "county"]].merge(en, on="adcode", how="left", validate="one_to_one")
    lacking = table[table["name_en"].isna() | table["name_en"].eq("")]
    if len(lacking):
        raise CensusDataError(
            f"{COUNTY_NAMES_FILE.name}: no English name for {lacking['adcode'].tolist()[:10]} "
            "(run tools/draft_county_names.py)"
        )
    renamed = table[table["county"] != table["name_zh"]]
    if len(renamed):
        raise CensusDataError(
            f"{COUNTY_NAMES_FILE.name}: Chinese names differ from the census for "
            f"{renamed['adcode'].tolist()[:10]}"
        )
    return table["name_en"]


def unit_table(rows: Frame, city_table: Frame, match: Frame) -> Frame:
    """``county_units.csv``: ids, names, parent city, province, type, 2010 rule and groups."""
    out = pd.DataFrame({"adcode": rows["adcode"], "name_zh": rows["county"]})
    out["name_en"] = english_names(rows).to_numpy()
    prov = pd.read_csv(names.PROVINCE_NAMES_FILE, dtype=str, keep_default_na=False)
    out["province_zh"] = rows["province_zh"].to_numpy()
    out = out.merge(prov, on="province_zh", how="left", validate="many_to_one")
    out["city_adcode"] = rows["city_adcode"].to_numpy()
    out["city_zh"] = rows["city_zh"].to_numpy()
    city_en = city_table.set_index("adcode")["name_en"]
    out["city_en"] = out["city_adcode"].map(city_en).fillna(PROVINCE_ADMIN_EN)
    out["type"] = rows["type"].to_numpy()
    out["type_en"] = out["type"].map(TYPES_EN)
    out["code_source"] = rows["code_source"].to_numpy()
    out["match_2010"] = out["adcode"].map(match.set_index("adcode")["match_2010"])
    groups = city_table.set_index("adcode")
    for col in ("yrd27", "yrd41"):
        out[col] = out["city_adcode"].map(groups[col]).fillna(0).astype(int)
    if out["province_en"].isna().any() or out["type_en"].isna().any():
        raise CensusDataError("county units: a province or type has no English name")
    return out[UNIT_COLUMNS].sort_values("adcode").reset_index(drop=True)


def missing_notes(counties: Frame, codes: list[str]) -> Frame:
    """One note per empty cell kind: 2010 rows absent by unit (the 2010 rule), small samples."""
    notes = [
        {
            "code": "pop_growth_pct",
            "year": "2010",
            "adcode": "",
            "reason_zh": "计算 2000–2010 年增长需要 2000 年普查数据，本数据集未包含",
            "reason_en": "Growth over 2000–2010 needs the 2000 census, which this dataset "
            "does not include",
        }
    ]
    y20 = counties[counties["year"].eq(2020)].set_index("adcode")
    for adcode in y20.index[y20["pop_growth_pct"].isna()]:
        notes.append(
            {
                "code": "pop_growth_pct",
                "year": "2020",
                "adcode": adcode,
                "reason_zh": "没有辖区相同的 2010 年人口（原因见 2010 年）",
                "reason_en": "no 2010 population for the same area (see the 2010 note)",
            }
        )
    for year, grp in counties.groupby("year"):
        grp = grp.set_index("adcode")
        for code in codes:
            if code == "pop_growth_pct":
                continue
            for adcode in grp.index[grp[code].isna()]:
                notes.append(
                    {
                        "code": code,
                        "year": str(year),
                        "adcode": adcode,
                        "reason_zh": "普查长表（抽样）样本不足 100 人或无数据",
                        "reason_en": "census long form (sample): fewer than 100 persons or no data",
                    }
                )
    return pd.DataFrame(notes, columns=["code", "year", "adcode", "reason_zh", "reason_en"])


def notes_for_absent_2010(match: Frame) -> Frame:
    """Why a 2020 unit has no 2010 row at all (the unit-level note, code ``*``)."""
    absent = match[match["code_2010"].eq("")]
    return pd.DataFrame(
        {
            "code": "*",
            "year": "2010",
            "adcode": absent["adcode"],
            "reason_zh": absent["reason_zh"],
            "reason_en": absent["reason_en"],
        }
    )
