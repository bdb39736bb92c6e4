"""Unit names (Chinese and English) and peer-group memberships for ``units.csv``.

English names come from the reviewed table ``unit_names.csv`` next to this module (drafted with
pypinyin, every name checked by eye; pypinyin is not needed to build). Convention:

- Hanyu Pinyin without tones, syllable-separating apostrophe where standard (Xi'an, Lu'an,
  Ma'anshan); ü kept (Lüliang); polyphonic characters reviewed (重庆 Chongqing, 蚌埠 Bengbu,
  长治 Changzhi, 朝阳 Chaoyang, 漯河 Luohe ...).
- Places named in a minority language use their established romanisation (Urumqi, Hohhot,
  Lhasa, Xigaze, Kashgar, Hotan, Ordos, Hulunbuir ...), as on national English maps.
- 市 is dropped (合肥市 -> Hefei); 地区 -> "Prefecture", 盟 -> "League", 自治州 -> "<Ethnic
  groups> Autonomous Prefecture" (延边朝鲜族自治州 -> Yanbian Korean Autonomous Prefecture).
- Names that would repeat get the province in brackets: Taizhou (Jiangsu) / Taizhou (Zhejiang),
  Suzhou, Fuzhou, Yichun, Yulin.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.census.raw import CensusDataError

HERE = Path(__file__).parent
UNIT_NAMES_FILE = HERE / "unit_names.csv"
PROVINCE_NAMES_FILE = HERE / "province_names.csv"

# 27 central-area cities of the Yangtze River Delta Regional Integration Development Plan (2019)
YRD27: list[str] = [
    "310000",  # Shanghai
    "320100", "320200", "320400", "320500", "320600", "321000", "321100", "320900", "321200",
    "330100", "330200", "330300", "330500", "330400", "330600", "330700", "330900", "331000",
    "340100", "340200", "340500", "340700", "340800", "341100", "341700", "341800",
]  # fmt: skip
YRD_PROVINCES = ("31", "32", "33", "34")  # Shanghai, Jiangsu, Zhejiang, Anhui: all 41 cities


def _yrd41(adcodes: pd.Series) -> pd.Series:
    return adcodes.str[:2].isin(YRD_PROVINCES)


def unit_table(units: pd.DataFrame) -> pd.DataFrame:
    """``adcode, name_zh, name_en, province_zh, province_en, yrd27, yrd41`` for the 2020 units."""
    en = pd.read_csv(UNIT_NAMES_FILE, dtype=str, keep_default_na=False)
    prov = pd.read_csv(PROVINCE_NAMES_FILE, dtype=str, keep_default_na=False)
    out = units.merge(en, on="adcode", how="left", suffixes=("", "_names"), validate="one_to_one")
    lacking = out[out["name_en"].isna() | out["name_en"].eq("")]
    if len(lacking):
        raise CensusDataError(
            f"{UNIT_NAMES_FILE.name}: no English name for {lacking['adcode'].tolist()}"
        )
    renamed = out[out["name_zh"] != out["name_zh_names"]]
    if len(renamed):
        raise CensusDataError(
            f"{UNIT_NAMES_FILE.name}: Chinese names differ from the census for {renamed['adcode'].tolist()}"
        )
    out = out.merge(prov, on="province_zh", how="left", validate="many_to_one")
    if out["province_en"].isna().any():
        raise CensusDataError(f"{PROVINCE_NAMES_FILE.name}: a province has no English name")
    out["yrd27"] = out["adcode"].isin(YRD27).astype(int)
    out["yrd41"] = _yrd41(out["adcode"]).astype(int)
    cols = ["adcode", "name_zh", "name_en", "province_zh", "province_en", "yrd27", "yrd41"]
    return out[cols].sort_values("adcode").reset_index(drop=True)


YRD41: list[str] = []  # filled from unit_names.csv below (all units of the four provinces)


def _load_yrd41() -> list[str]:
    codes = pd.read_csv(UNIT_NAMES_FILE, dtype=str, keep_default_na=False)["adcode"]
    return sorted(codes[_yrd41(codes)])


YRD41 = _load_yrd41()
