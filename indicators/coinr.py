"""COINr adapter: iData / iMeta tables (as given to ``COINr::new_coin()``) → data and framework.

The correspondence with COINr is in ``docs/METHODS.md`` ("COINr correspondence").
"""

from __future__ import annotations

import pandas as pd

from indicators.cells import is_missing
from indicators.framework import Framework
from indicators.read import Source, read
from indicators.tables import data_from_raw
from indicators.validate import Problem, ProblemCollector, ValidationError

__all__ = ["load_coinr", "COINR_META_COLUMNS", "COINR_TREE_TYPES"]

#: COINr iMeta column → our framework column.
COINR_META_COLUMNS = {
    "iCode": "code",
    "Parent": "parent",
    "Level": "level",
    "Direction": "direction",
    "Weight": "weight",
    "Unit": "unit",
    "Source": "source",
}
#: iMeta ``Type`` values that are nodes of the tree; others (Group, Denominator, Other) are
#: ignored, as COINr does not aggregate them.
COINR_TREE_TYPES = ("Indicator", "Aggregate")


def load_coinr(
    idata: Source,
    imeta: Source,
    *,
    idata_name: str | None = None,
    imeta_name: str | None = None,
) -> tuple[pd.DataFrame, Framework]:
    """Read COINr-style ``iData`` and ``iMeta`` tables (as given to ``COINr::new_coin()``).

    iMeta: ``iCode, iName, Parent, Level, Direction, Weight, Type`` (plus optional ``Unit``,
    ``Source``). Rows of ``Type`` ``Indicator``/``Aggregate`` form the tree; other types
    (``Group``, ``Denominator``, ``Other``) are dropped. ``iName`` fills ``name_zh`` and
    ``name_en``. COINr's index row (highest ``Level``, ``Parent`` NA) becomes the root.

    iData: ``uCode`` → ``adcode``, ``Time`` → ``year`` (absent: a single period, ``year = 0``),
    ``uName`` and other columns are carried along but unused.

    Returns
    -------
    (DataFrame, Framework)
    """
    meta_read = read(imeta, imeta_name)
    meta_read.raise_problems()
    meta = meta_read.frame
    problems = ProblemCollector(meta_read.label)
    for column in ("iCode", "Parent", "Level", "Direction", "Weight"):
        if column not in meta.columns:
            problems.add(f"required iMeta column {column!r} is missing", column=column)
    problems.raise_if_errors()
    if "Type" in meta.columns:
        types = meta["Type"].map(lambda v: "" if is_missing(v) else str(v).strip())
        unknown = ~types.isin([*COINR_TREE_TYPES, "Group", "Denominator", "Other"])
        for line, value in types[unknown].items():
            problems.add(
                f"Type must be Indicator, Aggregate, Group, Denominator or Other, got {value!r}",
                int(line),
                "Type",
            )
        problems.raise_if_errors()
        meta = meta[types.isin(COINR_TREE_TYPES)]
    table = meta.rename(columns=COINR_META_COLUMNS)
    if "iName" in table.columns:
        table["name_zh"] = table["iName"]
        table["name_en"] = table["iName"]
        table = table.drop(columns="iName")
    framework = _coinr_framework(table, meta_read.label)

    data_read = read(idata, idata_name)
    data, _ = data_from_raw(data_read, framework, id_column="uCode", year_column="Time")
    return data, framework


def _coinr_framework(table: pd.DataFrame, label: str) -> Framework:
    try:
        return Framework.from_table(
            table.reset_index(drop=True), source=label, lines=list(table.index)
        )
    except ValidationError as err:
        reverse = {v: k for k, v in COINR_META_COLUMNS.items()}
        raise ValidationError(
            [
                Problem(p.source, p.row, reverse.get(p.column, p.column), p.message, p.severity)
                for p in err.problems
            ]
        ) from None
