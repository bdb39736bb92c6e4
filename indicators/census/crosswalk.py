"""Crosswalk of 2010 county rows to 2020 prefecture-level units, and its validation.

Each 2010 county row goes whole to one 2020 unit (counts are summed, averages re-weighted in
``build.aggregate``). Rules, first that applies:

1. a reviewed manual override (``crosswalk_2010_overrides.csv``, with a reason per row);
2. the 2010 county code still exists in the 2020 table: the 2020 unit of that code (codes are
   kept when only a name or status changes, and re-issued when a county moves);
3. the county name (without its 县/市/区/旗 suffix) matches a 2020 county: first within the
   2020 unit of the 2010 prefecture, then anywhere in the province if the name is unique in the
   province in both years (this catches renamed codes such as 藁城市 -> 藁城区 and real
   transfers such as 简阳市 from Ziyang to Chengdu);
4. the 2010 prefecture code is a 2020 unit: that unit (districts merged or renamed in place).

Rows going to a province-administered county (省直辖县级行政单位) get an empty unit and are
excluded, as in 2020. A row that no rule resolves stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.census.raw import MUNICIPALITIES, CensusDataError

OVERRIDES_FILE = Path(__file__).with_name("crosswalk_2010_overrides.csv")
_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|县|市|区|旗)$")


def stem(name: str) -> str:
    """County name without its administrative suffix: 藁城市 -> 藁城."""
    return _SUFFIX.sub("", name.strip())


def unit_code(code: str) -> str:
    """2020 unit adcode of a city-row code: municipalities use the province code."""
    return code[:2] + "0000" if code[:2] in MUNICIPALITIES else code


def units_2020(t20: pd.DataFrame) -> pd.DataFrame:
    """The 2020 prefecture-level units: ``adcode, name_zh, province_zh`` (one row per unit)."""
    city = t20[t20["level"].eq("city")]
    out = pd.DataFrame(
        {
            "adcode": city["code"].map(unit_code),
            "name_zh": city["city"],
            "province_zh": city["province"],
        }
    )
    return out.drop_duplicates("adcode").sort_values("adcode").reset_index(drop=True)


def county_units_2020(t20: pd.DataFrame) -> pd.DataFrame:
    """2020 county rows with the unit they belong to (``unit`` empty: province-administered)."""
    city = t20[t20["level"].eq("city")]
    lookup = {
        (p, c): unit_code(code)
        for p, c, code in zip(city["province"], city["city"], city["code"], strict=True)
    }
    cty = t20[t20["level"].eq("county")].copy()
    cty["unit"] = [
        lookup.get((p, c), "") for p, c in zip(cty["province"], cty["city"], strict=True)
    ]
    cty["stem"] = cty["county"].map(stem)
    return cty


def read_overrides(path: Path = OVERRIDES_FILE) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["code_2010", "name_2010", "adcode_2020", "reason"]
    if list(df.columns) != expected:
        raise CensusDataError(f"{path.name}: columns must be {expected}")
    if df["code_2010"].duplicated().any():
        raise CensusDataError(f"{path.name}: duplicated code_2010")
    if (df["reason"].str.strip() == "").any():
        raise CensusDataError(f"{path.name}: every override needs a reason")
    return df


def build_crosswalk(t10: pd.DataFrame, t20: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """One row per 2010 county row: ``key, code_2010, name_2010, parent_2010, adcode_2020, rule``.

    ``key`` is the 2010 code, or ``parent:name`` for the few uncoded rows (e.g. 加格达奇).
    """
    units = set(units_2020(t20)["adcode"])
    cty20 = county_units_2020(t20)
    by_code = dict(zip(cty20["code"], cty20["unit"], strict=True))
    by_code.pop("", None)
    c10 = t10[t10["level"].eq("county")].copy()
    c10["key"] = c10["code"].where(c10["code"].ne(""), c10["parent"] + ":" + c10["name"])
    if c10["key"].duplicated().any():
        dup = c10.loc[c10["key"].duplicated(), "key"].tolist()
        raise CensusDataError(f"2010 table: duplicated county keys {dup}")
    c10["stem"] = c10["name"].map(stem)
    stems10 = c10.groupby([c10["province"], c10["stem"]]).size()
    stems20 = cty20.groupby([cty20["code"].str[:2], cty20["stem"]]).size()
    manual = dict(zip(overrides["code_2010"], overrides["adcode_2020"], strict=True))
    unused = set(manual) - set(c10["key"])
    if unused:
        raise CensusDataError(f"overrides not matching any 2010 county: {sorted(unused)}")
    bad = {v for v in manual.values() if v not in units}
    if bad:
        raise CensusDataError(f"overrides pointing to unknown 2020 units: {sorted(bad)}")

    targets: list[str] = []
    rules: list[str] = []
    unresolved: list[str] = []
    for row in c10.itertuples():
        prov = row.province[:2]
        if row.key in manual:
            targets.append(manual[row.key])
            rules.append("override")
            continue
        if row.code and row.code in by_code:
            targets.append(by_code[row.code])
            rules.append("code")
            continue
        same = cty20[(cty20["code"].str[:2] == prov) & (cty20["stem"] == row.stem)]
        local = same[same["unit"] == row.parent]
        if len(local) == 1:
            targets.append(local["unit"].iloc[0])
            rules.append("name")
            continue
        if (
            len(same) == 1
            and stems10.get((row.province, row.stem), 0) == 1
            and stems20.get((prov, row.stem), 0) == 1
        ):
            targets.append(same["unit"].iloc[0])
            rules.append("name (province)")
            continue
        if row.parent in units:
            targets.append(row.parent)
            rules.append("prefecture")
            continue
        targets.append("")
        rules.append("unresolved")
        unresolved.append(f"{row.key} {row.name}")
    # province-administered 2010 counties that are still province-administered in 2020
    c10["adcode_2020"] = targets
    c10["rule"] = rules
    prov_admin = c10["rule"].eq("unresolved") & c10["parent"].eq("") & c10["code"].str[2:4].eq("90")
    c10.loc[prov_admin, "rule"] = "excluded (province-administered)"
    still = c10["rule"].eq("unresolved")
    if still.any():
        rows = c10.loc[still, ["key", "name"]].astype(str).agg(" ".join, axis=1).tolist()
        raise CensusDataError(
            "2010 counties with no 2020 unit (add them to crosswalk_2010_overrides.csv): "
            + "; ".join(rows)
        )
    c10.loc[c10["rule"].eq("code") & c10["adcode_2020"].eq(""), "rule"] = (
        "excluded (province-administered)"
    )
    out = c10.rename(columns={"code": "code_2010", "name": "name_2010", "parent": "parent_2010"})
    cols = ["key", "code_2010", "name_2010", "parent_2010", "adcode_2020", "rule", "pop"]
    return out[cols].sort_values("key").reset_index(drop=True)
