"""Change between two periods of one result (e.g. the 2010 and 2020 censuses).

Scores of one build are comparable across years only when the normalisation learned its bounds
over all years together (``Config.normalise_scope = "pooled"``, the default): a min-max score of
60 then means the same position between the pooled minimum and maximum in either year. Under
per-year bounds only the ranks can be compared, and :func:`change` leaves the score change empty.

Ranks are within the peer group of each year, among the units ranked that year (a unit screened
out in one year has no rank change).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.result import Result

__all__ = ["change", "scores_comparable", "absent_in"]


def scores_comparable(result: Result) -> bool:
    """Whether the result's scores can be compared across years (pooled normalisation)."""
    return result.config.normalise_scope == "pooled"


def change(
    result: Result,
    first: int | None = None,
    last: int | None = None,
    code: str | None = None,
) -> pd.DataFrame:
    """Per unit: the score of ``code`` (default the index) and its rank in ``first`` and
    ``last`` (default the earliest and latest year of the result), and their changes.

    Returns
    -------
    DataFrame
        ``adcode``, ``score_first``, ``score_last``, ``score_change`` = last − first (missing
        when the scores are not comparable, :func:`scores_comparable`), ``rank_first``,
        ``rank_last``, ``rank_change`` = rank_first − rank_last (positive: the unit moved up),
        one row per unit present in either year, in the order of ``rank_last`` (unranked last).

    Raises
    ------
    ValueError
        For a year the result does not have, or a result with a single year.
    """
    framework = result.framework
    code = code or framework.root
    if code not in framework.codes:
        raise ValueError(f"{code!r} is not a code of the framework")
    scores = result.scores
    years = sorted(int(y) for y in scores["year"].unique())
    if len(years) < 2:
        raise ValueError("the result has a single year: there is no change to show")
    first = years[0] if first is None else int(first)
    last = years[-1] if last is None else int(last)
    for year in (first, last):
        if year not in years:
            raise ValueError(f"year {year} is not in the result (years: {years})")
    if code == framework.root:
        rank_col, ranks = "rank", scores
    else:
        rank_col, ranks = code, result.ranks
    parts = []
    for year, tag in ((first, "first"), (last, "last")):
        s = scores.loc[scores["year"] == year, ["adcode", code]].rename(
            columns={code: f"score_{tag}"}
        )
        r = ranks.loc[ranks["year"] == year, ["adcode", rank_col]].rename(
            columns={rank_col: f"rank_{tag}"}
        )
        parts.append(s.merge(r, on="adcode", how="left"))
    table = parts[0].merge(parts[1], on="adcode", how="outer")
    if scores_comparable(result):
        table["score_change"] = table["score_last"] - table["score_first"]
    else:
        table["score_change"] = np.nan
    table["rank_change"] = (table["rank_first"] - table["rank_last"]).astype("Int64")
    for column in ("rank_first", "rank_last"):
        table[column] = table[column].astype("Int64")
    table = table[
        [
            "adcode",
            "score_first",
            "score_last",
            "score_change",
            "rank_first",
            "rank_last",
            "rank_change",
        ]
    ]
    return table.sort_values(["rank_last", "adcode"], na_position="last").reset_index(drop=True)


def absent_in(result: Result, year: int) -> tuple[str, ...]:
    """Indicators with no value for any unit of the result in ``year`` (e.g. an indicator that
    needs an earlier census), in framework order."""
    raw = result.raw
    rows = raw.loc[raw["year"] == year]
    return tuple(c for c in result.framework.indicators if rows[c].isna().all())
