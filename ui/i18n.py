"""Interface text in Chinese (default) and English.

Indicator and dimension names never appear here: they come from the framework file
(``Framework.name(code, lang)``). This table holds only the words of the interface itself.
"""

from __future__ import annotations

import math

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key -> (Chinese, English)
STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("城市人才活力指数", "City Talent Vitality Index"),
    "app_caption": (
        "基于第六、七次全国人口普查的城市人才活力综合指数",
        "A composite index of city talent vitality built from China's 2010 and 2020 censuses",
    ),
    # pages
    "page_rankings": ("排名", "Rankings"),
    "page_city": ("城市画像", "City profile"),
    "page_compare": ("城市对比", "Compare"),
    "page_lab": ("权重与方法实验室", "Weights & method lab"),
    "page_methodology": ("方法说明", "Methodology"),
    "page_data": ("数据", "Data"),
    # sidebar
    "language": ("语言", "Language"),
    "peer_group": ("比较范围", "Peer group"),
    "group_yrd27": ("长三角中心区 27 城", "YRD central 27 cities"),
    "group_yrd41": ("长三角 41 城", "YRD 41 cities"),
    "group_all": ("全国所有城市", "All cities"),
    "group_province": ("按省份", "One province"),
    "group_custom": ("自定义", "Custom selection"),
    "province": ("省份", "Province"),
    "custom_members": ("选择城市", "Choose cities"),
    "year": ("普查年份", "Census year"),
    "methods": ("方法", "Methods"),
    "normalise": ("标准化", "Normalisation"),
    "weights": ("权重", "Weights"),
    "aggregate": ("汇总", "Aggregation"),
    "treat": ("异常值处理", "Outlier treatment"),
    "impute": ("缺失值填补", "Imputation"),
    "data_source": ("数据来源", "Data source"),
    "bundled_data": ("内置普查数据", "Bundled census data"),
    "uploaded_data": ("已上传数据（仅本会话）", "Uploaded data (this session only)"),
    "share_link": (
        "当前视图可通过浏览器地址栏链接分享。",
        "Share this view by copying the browser's address.",
    ),
    # notices
    "bad_param": (
        "链接参数 {key}={value} 无效，已使用默认值 {default}。",
        "Link parameter {key}={value} is not valid; using the default {default}.",
    ),
    "unknown_param": ("已忽略未知的链接参数：{keys}。", "Ignored unknown link parameters: {keys}."),
    "group_too_small": (
        "比较范围至少需要 2 个城市，已改用默认范围。",
        "A peer group needs at least 2 cities; using the default group.",
    ),
    "missing": ("缺失", "missing"),
    # common words
    "rank": ("排名", "Rank"),
    "score": ("得分", "Score"),
    "city": ("城市", "City"),
    "index": ("指数", "Index"),
    "value": ("数值", "Value"),
    "median": ("中位数", "Median"),
    "group_median": ("组内中位数", "Group median"),
    "rank_interval": ("排名区间 (5%–95%)", "Rank interval (5%–95%)"),
    "download": ("下载", "Download"),
    "source_note": (
        "数据：第六、七次全国人口普查分县资料（Lei Dong 等整理，MIT 许可）。",
        "Data: 2010 and 2020 national censuses by county (compiled by Lei Dong et al., MIT licence).",
    ),
}


def t(key: str, lang: str, **fmt: object) -> str:
    """Text for ``key`` in ``lang`` ("zh" or "en"), with ``str.format`` fields filled in."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def fmt_number(value: float | None, lang: str, digits: int = 1) -> str:
    """A number for display: thousands separators, fixed decimals, missing shown as missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("missing", lang)
    return f"{value:,.{digits}f}"


def fmt_rank(rank: float | None, n: int | None, lang: str) -> str:
    """A rank as "3 / 27" (English) or "第 3 / 27 名" (Chinese)."""
    if rank is None or (isinstance(rank, float) and math.isnan(rank)):
        return t("missing", lang)
    r = int(rank)
    if lang == "en":
        return f"{r} / {n}" if n else f"{r}"
    return f"第 {r} / {n} 名" if n else f"第 {r} 名"
