"""Draft ``indicators/census/county_names.csv``: English names of the county-level units.

Build-time helper, not needed to build ``data/`` (the drafted table is committed). Needs
``pip install pypinyin==0.55.0`` and the raw census tables in ``../shared/data/census``.

Convention (like the city names of ``unit_names.csv``): Hanyu Pinyin of the place name without
tones, syllables joined, an apostrophe before a, o, e after a syllable (Xi'an); the
administrative suffix translated: 区 District, 县 County, 市 (county-level city) City, 旗 Banner,
自治县 Autonomous County (with the ethnic groups in English), 林区 Forestry District, 特区
Special District; functional zones translate their generic part (经济技术开发区 Economic and
Technological Development Zone, 高新技术产业开发区 High-tech Industrial Development Zone, ...).
Machine pinyin: polyphonic characters are taken from pypinyin's phrase dictionary, with the
fixes in ``FIXES``; names have not all been checked by eye.

Usage: ``python tools/draft_county_names.py [--census DIR] [--out FILE]``
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ETHNIC = {
    "土家族": "Tujia", "苗族": "Miao", "回族": "Hui", "彝族": "Yi", "藏族": "Tibetan",
    "满族": "Manchu", "蒙古族": "Mongol", "壮族": "Zhuang", "瑶族": "Yao", "侗族": "Dong",
    "布依族": "Bouyei", "黎族": "Li", "哈尼族": "Hani", "傣族": "Dai", "白族": "Bai",
    "羌族": "Qiang", "畲族": "She", "仡佬族": "Gelao", "水族": "Shui", "纳西族": "Naxi",
    "拉祜族": "Lahu", "佤族": "Va", "傈僳族": "Lisu", "景颇族": "Jingpo", "独龙族": "Derung",
    "怒族": "Nu", "普米族": "Pumi", "土族": "Tu", "撒拉族": "Salar", "东乡族": "Dongxiang",
    "保安族": "Bonan", "裕固族": "Yugur", "哈萨克族": "Kazakh", "锡伯族": "Xibe",
    "塔吉克族": "Tajik", "达斡尔族": "Daur", "鄂温克族": "Ewenki", "鄂伦春族": "Oroqen",
    "朝鲜族": "Korean", "毛南族": "Maonan", "仫佬族": "Mulao", "各族": "Multi-ethnic",
    "蒙古": "Mongol", "柯尔克孜": "Kyrgyz", "哈萨克": "Kazakh", "回": "Hui",
}  # fmt: skip
ZONE_TERMS = [
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术产业园区", "High-tech Industrial Park"),
    ("高技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术开发区", "High-tech Development Zone"),
    ("经济开发区", "Economic Development Zone"),
    ("城乡一体化示范区", "Urban-Rural Integration Demonstration Zone"),
    ("综合改革示范区", "Comprehensive Reform Demonstration Zone"),
    ("综合保税区", "Comprehensive Bonded Zone"),
    ("现代产业园区", "Modern Industrial Park"),
    ("现代产业园", "Modern Industrial Park"),
    ("循环化工园区", "Circular Chemical Industry Park"),
    ("文化旅游创意园区", "Cultural Tourism and Creative Park"),
    ("工业园区", "Industrial Park"),
    ("风景名胜区", "Scenic Area"),
    ("航空港经济综合实验区", "Airport Economy Zone"),
    ("综合物流产业聚集区", "Comprehensive Logistics Industry Cluster"),
    ("食品区", "Food Zone"),
    ("示范区", "Demonstration Zone"),
    ("管理区", "Management Area"),
    ("行政委员会", "Administrative Committee"),
    ("管委会", "Administrative Committee"),
    ("新城", "New Town"),
    ("新区", "New Area"),
    ("群岛的岛礁及其海域", "Islands, Reefs and Waters"),
    ("群岛", "Islands"),
]
SUFFIXES = [
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("区", "District"),
    ("市", "City"),
]
# polyphonic characters and names pypinyin gets wrong
FIXES = {"重庆": "Chongqing", "蚌埠": "Bengbu", "六安": "Lu'an", "长治": "Changzhi",
         "长沙": "Changsha", "长春": "Changchun", "大足": "Dazu", "番禺": "Panyu",
         "东阿": "Dong'e", "莘": "Shen", "单": "Shan", "乐亭": "Laoting", "乐清": "Yueqing",
         "厦门": "Xiamen", "朝阳": "Chaoyang", "尉氏": "Weishi", "蔚": "Yu", "歙": "She",
         "铅山": "Yanshan", "洪洞": "Hongtong", "监利": "Jianli", "解放": "Jiefang",
         "曲阳": "Quyang", "曲周": "Quzhou", "曲沃": "Quwo", "曲靖": "Qujing", "曲江": "Qujiang",
         "长安": "Chang'an", "长丰": "Changfeng", "长乐": "Changle", "长兴": "Changxing",
         "长清": "Changqing", "长宁": "Changning", "长寿": "Changshou", "长泰": "Changtai",
         "长汀": "Changting", "长阳": "Changyang", "长垣": "Changyuan", "长岭": "Changling",
         "佛坪": "Foping"}  # fmt: skip


# whole names the rules above get wrong
WHOLE_NAMES = {"清新区": "Qingxin District"}  # 清新 + 区, not 清 + 新区


def pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    for zh, en in sorted(FIXES.items(), key=lambda kv: -len(kv[0])):
        if text == zh:
            return en
    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    out = ""
    for s in syllables:
        s = s.replace("v", "ü")
        if out and s[:1] in "aoe":
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def _ethnic(text: str) -> tuple[str, str]:
    """Split 'place + ethnic groups' into (place, 'Group Group')."""
    groups: list[str] = []
    rest = text
    while True:
        for zh, en in sorted(ETHNIC.items(), key=lambda kv: -len(kv[0])):
            if rest.endswith(zh) and len(rest) > len(zh):
                groups.insert(0, en)
                rest = rest[: -len(zh)]
                break
        else:
            break
    return rest, " ".join(groups)


def english(name: str, kind: str) -> str:
    name = name.strip()
    if kind in ("功能区", "群岛", "行政委员会"):
        for zh, en in ZONE_TERMS:
            if name.endswith(zh):
                place = name[: -len(zh)].removesuffix("市")
                return f"{_place(place)} {en}".strip() if place else en
        return _place(name)
    if name in WHOLE_NAMES:
        return WHOLE_NAMES[name]
    if name.endswith("新区") and len(name) > 2:  # 浦东新区 Pudong New Area, 滨海新区
        return f"{_place(name[:-2])} New Area"
    if kind == "不设区的地级市":
        return _place(name.removesuffix("市"))
    for zh, en in SUFFIXES:
        if name.endswith(zh) and len(name) > len(zh):
            stem = name[: -len(zh)]
            if zh.startswith("自治"):
                place, groups = _ethnic(stem)
                return f"{_place(place)} {groups} {en}".replace("  ", " ")
            if zh == "市":
                return _place(stem)  # county-level cities: the place name, as for cities
            return f"{_place(stem)} {en}"
    return _place(name)


PREFIXES: dict[str, str] = {}  # province/city short name -> reviewed English (filled in main)


def _place(text: str) -> str:
    """Pinyin of a place name; leading province and city names are words of their own
    (河北唐山芦台 -> Hebei Tangshan Lutai)."""
    words = []
    rest = text
    while rest:
        for prefix in sorted(PREFIXES, key=lambda p: -len(p)):
            if rest.startswith(prefix) and len(rest) >= len(prefix):
                words.append(PREFIXES[prefix] or pinyin(prefix))
                rest = rest[len(prefix) :]
                break
        else:
            words.append(pinyin(rest))
            break
    return " ".join(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--census", type=Path, default=REPO.parent / "shared/data/census")
    parser.add_argument("--out", type=Path, default=REPO / "indicators/census/county_names.csv")
    args = parser.parse_args(argv)
    from indicators.census import county, crosswalk, raw

    t20 = raw.read_2020(args.census)
    units = crosswalk.units_2020(t20)
    rows = county.county_rows_2020(t20, units)
    from indicators.census import names as unit_names

    en = pd.read_csv(unit_names.UNIT_NAMES_FILE, dtype=str, keep_default_na=False)
    prov = pd.read_csv(unit_names.PROVINCE_NAMES_FILE, dtype=str, keep_default_na=False)
    PREFIXES.update({"中国": "China", "新加坡": "Singapore"})
    pairs = list(zip(en["name_zh"], en["name_en"], strict=True)) + list(
        zip(prov["province_zh"], prov["province_en"], strict=True)
    )
    for zh, name_en in pairs:
        for suffix in (
            "维吾尔自治区",
            "壮族自治区",
            "回族自治区",
            "自治区",
            "省",
            "市",
            "地区",
            "盟",
        ):
            if zh.endswith(suffix) and len(zh) - len(suffix) >= 2:
                short_en = name_en.split(" (")[0].removesuffix(" League")
                PREFIXES.setdefault(zh[: -len(suffix)], short_en.removesuffix(" Prefecture"))
                break
    names = [english(n, k) for n, k in zip(rows["county"], rows["type"], strict=True)]
    with args.out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["adcode", "name_zh", "name_en"])
        for code, zh, en in zip(rows["adcode"], rows["county"], names, strict=True):
            w.writerow([code, zh, en])
    print(f"wrote {len(rows)} names to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
