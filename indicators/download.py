"""The tables people download: everything a result says about each unit, under names that
cannot be misread, and a workbook that states the exact build.

:func:`download_table` has one row per unit and year: ids and names (zh and en), province,
year, rank and rank interval, data coverage and screening, the score of every aggregate
(``<code>_score``, the index first), then for every indicator its raw value in its own unit
(``<code>_value``) and its normalised value (``<code>_normalised``). :func:`column_guide` says
what each column is, in both languages, with the unit. :func:`write_download` writes CSV,
Parquet or an XLSX workbook with the sheets ``results``, ``columns`` (the guide), ``weights``
(each node's weight within its parent and its effective weight), ``framework`` and
``methodology`` (every setting of the build, its peer group and its recipe).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from indicators.export import write_table
from indicators.result import Result

__all__ = [
    "INTERVAL_DRAWS",
    "INTERVAL_SEED",
    "table_intervals",
    "download_table",
    "column_guide",
    "weights_sheet",
    "write_download",
    "file_part",
    "file_stem",
]

_NAME_COLUMNS = ("name_zh", "name_en", "province_zh", "province_en")

#: The rank intervals of the tables people see and download (the dashboard's ranking table and
#: profile, its downloads and ``compute --columns full``): Monte Carlo draws and seed of
#: :func:`indicators.uncertainty.uncertainty`, enough for stable 5–95 % ranks in a table.
INTERVAL_DRAWS = 200
INTERVAL_SEED = 1


def table_intervals(result: Result) -> tuple[pd.DataFrame | None, str | None]:
    """``(ranks, None)`` with the rank intervals of :data:`INTERVAL_DRAWS` draws, or
    ``(None, reason)`` when the analysis cannot run for the build (e.g. one indicator)."""
    from indicators.uncertainty import uncertainty
    from indicators.validate import ValidationError

    try:
        return uncertainty(result, n=INTERVAL_DRAWS, seed=INTERVAL_SEED).ranks, None
    except ValidationError as err:
        return None, "; ".join(p.message for p in err.problems)


def _aggregates(result: Result) -> list[str]:
    """Aggregate codes, the index first, then level by level downwards (framework order)."""
    fw = result.framework
    return [c for level in sorted(fw.levels, reverse=True) if level > 1 for c in fw.codes_at(level)]


def download_table(result: Result, intervals: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per unit and year (see the module docstring), sorted by year, then rank
    (unranked units last, by id). ``intervals`` is :attr:`UncertaintyResult.ranks`."""
    fw = result.framework
    ranking = result.ranking
    table = ranking[["adcode", "year"]].copy()
    units = result.build.units
    if units is not None:
        known = [c for c in _NAME_COLUMNS if c in units.columns]
        table = table.merge(units[["adcode", *known]], on="adcode", how="left")
    table["rank"] = ranking["rank"].to_numpy()
    if intervals is not None and len(intervals):
        iv = intervals[["adcode", "year", "p05", "p95", "wide"]].rename(
            columns={"p05": "rank_p05", "p95": "rank_p95", "wide": "rank_interval_wide"}
        )
        table = table.merge(iv, on=["adcode", "year"], how="left")
    for column in ("indicators_present", "indicators_total", "missing_dimensions", "screening"):
        table[column] = ranking[column].to_numpy()
    scores = result.scores
    for code in _aggregates(result):
        table[f"{code}_score"] = scores[code].to_numpy()
    raw, normalised = result.raw, result.normalised
    for code in fw.indicators:
        table[f"{code}_value"] = raw[code].to_numpy()
        table[f"{code}_normalised"] = normalised[code].to_numpy()
    order = table.sort_values(["year", "rank", "adcode"], na_position="last").index
    return table.loc[order].reset_index(drop=True)


def column_guide(result: Result, table: pd.DataFrame) -> pd.DataFrame:
    """What each column of ``table`` (:func:`download_table`) holds: ``column, meaning_zh,
    meaning_en, unit_zh, unit_en``."""
    fw = result.framework
    fixed = {
        "adcode": ("单位代码", "unit id (adcode)", "", ""),
        "name_zh": ("中文名称", "name in Chinese", "", ""),
        "name_en": ("英文名称", "name in English", "", ""),
        "province_zh": ("省份（中文）", "province in Chinese", "", ""),
        "province_en": ("省份（英文）", "province in English", "", ""),
        "year": ("年份", "year", "", ""),
        "rank": (
            f"{fw.name(fw.root, 'zh')}组内排名（1 = 最高）",
            f"rank of the {fw.name(fw.root, 'en')} in the group (1 = best)",
            "位",
            "place",
        ),
        "rank_p05": (
            "排名区间下限（蒙特卡洛 5% 分位）",
            "rank interval, 5th percentile",
            "位",
            "place",
        ),
        "rank_p95": (
            "排名区间上限（蒙特卡洛 95% 分位）",
            "rank interval, 95th percentile",
            "位",
            "place",
        ),
        "rank_interval_wide": ("排名区间异常宽", "rank interval unusually wide", "", ""),
        "indicators_present": ("有数据的指标数", "indicators with data", "项", "count"),
        "indicators_total": ("指标总数", "indicators in the framework", "项", "count"),
        "missing_dimensions": ("完全缺失的维度", "dimensions with no data", "", ""),
        "screening": (
            "数据筛查结果（ranked 参与排名 / flagged 标记 / excluded 排除）",
            "screening (ranked / flagged / excluded)",
            "",
            "",
        ),
    }
    rows = []
    for column in table.columns:
        if column in fixed:
            rows.append((column, *fixed[column]))
            continue
        code, _, kind = column.rpartition("_")
        if kind == "score":
            rows.append(
                (
                    column,
                    f"{fw.name(code, 'zh')}得分",
                    f"{fw.name(code, 'en')} score",
                    "分",
                    "points",
                )
            )
        elif kind == "value":
            rows.append(
                (
                    column,
                    f"{fw.name(code, 'zh')}（原始值）",
                    f"{fw.name(code, 'en')} (raw value)",
                    fw.unit(code, "zh"),
                    fw.unit(code, "en"),
                )
            )
        elif kind == "normalised":
            rows.append(
                (
                    column,
                    f"{fw.name(code, 'zh')}（标准化值）",
                    f"{fw.name(code, 'en')} (normalised)",
                    "",
                    "",
                )
            )
        else:
            rows.append((column, "", "", "", ""))
    return pd.DataFrame(rows, columns=["column", "meaning_zh", "meaning_en", "unit_zh", "unit_en"])


def weights_sheet(result: Result) -> pd.DataFrame:
    """Each node's names, parent, level, weight within its parent and effective weight."""
    fw = result.framework
    w = result.weights
    return pd.DataFrame(
        {
            "code": w["code"],
            "name_zh": [fw.name(c, "zh") for c in w["code"]],
            "name_en": [fw.name(c, "en") for c in w["code"]],
            "parent": w["parent"],
            "level": w["level"],
            "weight_within_parent": w["weight"],
            "effective_weight": w["effective"],
        }
    )


def file_part(text: str) -> str:
    """``text`` as part of a file name: characters a file name cannot hold (``\\ / : * ? " < >
    |`` and control characters) replaced by ``-``, runs of white space by ``_``."""
    bad = set('\\/:*?"<>|')
    safe = "".join("-" if c in bad or ord(c) < 32 else c for c in text).strip()
    return "_".join(safe.split())


def file_stem(group: str, year: int | None, custom: bool) -> str:
    """``talent_vitality_<group>_<year>_<default|custom>``: the group as people name it
    (e.g. 浙江省), made safe by :func:`file_part`."""
    parts = ["talent_vitality", file_part(group) or "group", str(year) if year else "all_years"]
    parts.append("custom" if custom else "default")
    return "_".join(parts)


def write_download(
    result: Result,
    fmt: str,
    *,
    intervals: pd.DataFrame | None = None,
    group: str | None = None,
    recipe: Any = None,
    year: int | None = None,
    computed: Any = None,
) -> bytes:
    """The download of a result as bytes (``csv``, ``xlsx`` or ``parquet``); ``year`` keeps
    one year's rows. The XLSX methodology sheet adds the peer group as named and the recipe
    (:class:`~indicators.recipe.Recipe`) that reproduces the build."""
    table = download_table(result, intervals)
    if year is not None:
        table = table.loc[table["year"] == year].reset_index(drop=True)
    extra: list[tuple[str, pd.DataFrame]] = []
    if fmt == "xlsx":
        extra = [("columns", column_guide(result, table)), ("weights", weights_sheet(result))]
    rows: list[tuple[str, str]] = []
    if group is not None:
        rows.append(("peer_group", group))
    rows.append(("members", ", ".join(result.build.members)))
    if recipe is not None:
        rows.append(("recipe", json.dumps(recipe.to_dict(), ensure_ascii=False, sort_keys=True)))
    return write_table(
        table,
        None,
        fmt,
        result=result,
        computed=computed,
        extra_sheets=extra,
        methodology_rows=rows,
    )
