"""A plain-language summary of one unit in a result: the paragraph at the top of a city profile
and of a brief.

Every sentence is filled from the result (nothing is claimed that the numbers do not say), in
Chinese or English, from the templates in ``summary.toml`` next to this module. :func:`city_facts`
gathers the numbers, :func:`city_summary` words them. What the paragraph says, in order:

1. the rank and index score in the peer group and the gap to the group median (of the units
   ranked that year); or, for a unit screened out of the ranking, why it is not ranked;
2. a data caveat: a flagged unit, or a unit with some indicators missing that year;
3. the strongest and weakest dimension (children of the index), by their rank in the group;
4. the clearest strength and weakness among the indicators (:func:`~indicators.analysis.
   strengths_weaknesses`: top and bottom half only), with the raw value and its unit;
5. the change between the first and the last year of the result (rank, and the score when the
   normalisation is pooled over the years, which makes scores comparable), and the indicators
   the first year lacks;
6. the nearest peers by indicator profile (:func:`~indicators.analysis.nearest_peers`);
7. the rank interval of the uncertainty analysis, when one is given (called uncertain when it
   is unusually wide, see :func:`indicators.uncertainty.wide_intervals`).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.analysis import nearest_peers, strengths_weaknesses
from indicators.result import Result

__all__ = ["CityFacts", "city_facts", "city_summary", "format_value", "ordinal"]

_TEMPLATES = Path(__file__).with_name("summary.toml")


@cache
def _templates() -> dict[str, dict[str, str]]:
    with _TEMPLATES.open("rb") as handle:
        return tomllib.load(handle)


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ..."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_value(value: float, unit: str = "", lang: str = "zh") -> str:
    """A raw indicator value with its unit: 0 decimals from 100 up (with thousands
    separators), 1 from 10, else 2; ``%`` is attached, other units follow after a space."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    magnitude = abs(value)
    digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2
    text = f"{value:,.{digits}f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _score(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class CityFacts:
    """The numbers behind the summary of one unit and year (``None`` where not applicable)."""

    adcode: str
    year: int
    name: str
    status: str  # ranked | flagged | excluded
    present: int
    total: int
    missing_dimensions: tuple[str, ...]
    rank: int | None = None
    n_ranked: int = 0
    score: float | None = None
    median: float | None = None
    dimensions: tuple[tuple[str, int, float], ...] = ()  # (code, rank, score), best first
    strength: dict | None = None  # code, value, rank, n
    weakness: dict | None = None
    change: dict | None = None  # first, last, first_rank, last_rank, delta (None: per year)
    absent_first: tuple[str, ...] = ()
    peers: tuple[str, ...] = ()
    interval: tuple[int, int, bool] | None = None  # (p05, p95, wide)
    extra: dict = field(default_factory=dict)


def _name(result: Result, adcode: str, lang: str) -> str:
    units = result.build.units
    column = "name_en" if lang == "en" else "name_zh"
    if units is not None and column in units.columns:
        match = units.loc[units["adcode"] == adcode, column]
        if len(match) and isinstance(match.iloc[0], str) and match.iloc[0].strip():
            return match.iloc[0]
    return adcode


def _rank_of(scores: pd.DataFrame, adcode: str) -> int | None:
    value = scores.loc[scores["adcode"] == adcode, "rank"]
    if value.empty or pd.isna(value.iloc[0]):
        return None
    return int(value.iloc[0])


def city_facts(
    result: Result,
    adcode: str,
    year: int,
    lang: str = "zh",
    *,
    intervals: pd.DataFrame | None = None,
    peers: int = 3,
    sw: pd.DataFrame | None = None,
    near: pd.DataFrame | None = None,
) -> CityFacts:
    """Gather the numbers that :func:`city_summary` words (see the module docstring).

    ``intervals`` is :attr:`UncertaintyResult.ranks` (``adcode, year, p05, p95, wide``) or
    ``None``. ``sw`` and ``near`` may pass in :func:`strengths_weaknesses` (any ``k``: the first
    of each kind is used) and :func:`nearest_peers` (the first ``peers`` rows are used) of the
    same unit and year when the caller has them (the PDF report, for 337 units), so they are not
    computed twice. Raises ``ValueError`` for a unit-year that is not in the result.
    """
    framework = result.framework
    root = framework.root
    scores = result.scores.loc[result.scores["year"] == year]
    if not (scores["adcode"] == adcode).any():
        raise ValueError(f"unit {adcode!r} has no row for year {year} in the result")
    screening = result.screening
    row = screening.loc[(screening["adcode"] == adcode) & (screening["year"] == year)].iloc[0]
    missing = tuple(d for d in str(row["missing_dimensions"] or "").split(",") if d)
    base = {
        "adcode": adcode,
        "year": int(year),
        "name": _name(result, adcode, lang),
        "status": str(row["screening"]),
        "present": int(row["indicators_present"]),
        "total": int(row["indicators_total"]),
        "missing_dimensions": missing,
    }
    rank = _rank_of(scores, adcode)
    if base["status"] == "excluded" or rank is None:
        return CityFacts(**base)

    ranked = scores.loc[scores["rank"].notna()]
    own = scores.loc[scores["adcode"] == adcode].iloc[0]
    dims = []
    ranks_year = result.ranks.loc[result.ranks["year"] == year]
    own_ranks = ranks_year.loc[ranks_year["adcode"] == adcode].iloc[0]
    for code in framework.children(root):
        if code in own_ranks.index and pd.notna(own_ranks[code]) and pd.notna(own[code]):
            dims.append((code, int(own_ranks[code]), float(own[code])))
    dims.sort(key=lambda d: (d[1], -d[2]))

    if sw is None:
        sw = strengths_weaknesses(result, adcode, year, k=1)
    picks = {}
    for kind in ("strength", "weakness"):
        part = sw.loc[sw["kind"] == kind]
        if len(part):
            first = part.iloc[0]
            picks[kind] = {
                "code": str(first["code"]),
                "value": float(first["value"]),
                "rank": int(first["rank"]),
                "n": int(first["n"]),
            }

    change = None
    absent: tuple[str, ...] = ()
    years = sorted(int(y) for y in result.scores["year"].unique())
    if len(years) > 1:
        first, last = years[0], years[-1]
        other = first if year == last else last
        a, b = sorted((year, other))
        ra = _rank_of(result.scores.loc[result.scores["year"] == a], adcode)
        rb = _rank_of(result.scores.loc[result.scores["year"] == b], adcode)
        if ra is not None and rb is not None:
            sa = result.scores.loc[
                (result.scores["year"] == a) & (result.scores["adcode"] == adcode), root
            ].iloc[0]
            sb = result.scores.loc[
                (result.scores["year"] == b) & (result.scores["adcode"] == adcode), root
            ].iloc[0]
            pooled = result.config.normalise_scope == "pooled"
            change = {
                "first": a,
                "last": b,
                "first_rank": ra,
                "last_rank": rb,
                "delta": float(sb - sa) if pooled else None,
            }
            raw = result.raw
            ra_row = raw.loc[(raw["year"] == a) & (raw["adcode"] == adcode)]
            rb_row = raw.loc[(raw["year"] == b) & (raw["adcode"] == adcode)]
            absent = tuple(
                code
                for code in framework.indicators
                if pd.isna(ra_row[code].iloc[0]) and pd.notna(rb_row[code].iloc[0])
            )

    near = nearest_peers(result, adcode, year, k=peers) if near is None else near.head(peers)
    peer_names = tuple(_name(result, a, lang) for a in near["adcode"])

    interval = None
    if intervals is not None and len(intervals):
        iv = intervals.loc[(intervals["adcode"] == adcode) & (intervals["year"] == year)]
        if len(iv) and pd.notna(iv["p05"].iloc[0]) and pd.notna(iv["p95"].iloc[0]):
            wide = bool(iv["wide"].iloc[0]) if "wide" in iv.columns else False
            interval = (int(round(iv["p05"].iloc[0])), int(round(iv["p95"].iloc[0])), wide)

    return CityFacts(
        **base,
        rank=rank,
        n_ranked=len(ranked),
        score=float(own[root]),
        median=float(ranked[root].median()),
        dimensions=tuple(dims),
        strength=picks.get("strength"),
        weakness=picks.get("weakness"),
        change=change,
        absent_first=absent,
        peers=peer_names,
        interval=interval,
    )


def _join(items: list[str], words: dict[str, str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return words["list_comma"].join(items[:-1]) + words["list_and"] + items[-1]


def city_summary(
    result: Result,
    adcode: str,
    year: int,
    lang: str = "zh",
    *,
    group: str | None = None,
    noun: str | None = None,
    intervals: pd.DataFrame | None = None,
    facts: CityFacts | None = None,
) -> list[str]:
    """The summary of one unit and year as a list of sentences in ``lang`` (``zh``/``en``).

    ``group`` names the peer group in the sentence ("长三角中心区 27 城"; default "the group" /
    "本组"), ``noun`` the kind of unit ("个城市" is written as 城市 in zh; default 城市 /
    cities). Join the sentences with ``summary_separator(lang)``.
    """
    words = _templates()["en" if lang == "en" else "zh"]
    en = lang == "en"
    fw = result.framework
    f = facts or city_facts(result, adcode, year, lang, intervals=intervals)
    group = group or ("the group" if en else "本组")
    noun = noun or ("cities" if en else "城市")

    def name(code: str) -> str:
        return fw.name(code, lang)

    def value(pick: dict) -> str:
        return format_value(pick["value"], fw.unit(pick["code"], lang), lang)

    missing = ""
    if f.missing_dimensions:
        missing = words["missing_dimensions"].format(
            dimensions=_join([name(d) for d in f.missing_dimensions], words)
        )
    out: list[str] = []
    if f.rank is None:
        out.append(
            words["excluded"].format(
                year=f.year,
                name=f.name,
                group=group,
                present=f.present,
                total=f.total,
                missing=missing,
            )
        )
        return out

    gap = f.score - f.median
    if abs(gap) < 0.05:
        versus = words["versus_equal"].format(median=_score(f.median))
    else:
        key = "versus_above" if gap > 0 else "versus_below"
        versus = words[key].format(median=_score(f.median), gap=_score(abs(gap)))
    out.append(
        words["ranked"].format(
            year=f.year,
            name=f.name,
            group=group,
            n=f.n_ranked,
            noun=noun,
            rank=f.rank,
            rank_ordinal=ordinal(f.rank),
            index=name(fw.root),
            score=_score(f.score),
            versus=versus,
        )
    )
    if f.status == "flagged":
        out.append(
            words["flagged"].format(name=f.name, present=f.present, total=f.total, missing=missing)
        )
    elif f.present < f.total and not (f.change and f.year == f.change["first"] and f.absent_first):
        # (in the first year the change sentence below names the indicators it lacks)
        out.append(
            words["coverage"].format(year=f.year, name=f.name, present=f.present, total=f.total)
        )
    if len(f.dimensions) >= 2:
        best, worst = f.dimensions[0], f.dimensions[-1]
        out.append(
            words["dimensions"].format(
                count=len(f.dimensions),
                best=name(best[0]),
                best_rank=best[1],
                best_score=_score(best[2]),
                worst=name(worst[0]),
                worst_rank=worst[1],
                worst_score=_score(worst[2]),
            )
        )
    fields: dict[str, Any] = {}
    for kind, pick in (("strength", f.strength), ("weakness", f.weakness)):
        if pick is not None:
            fields.update(
                {
                    kind: name(pick["code"]),
                    f"{kind}_value": value(pick),
                    f"{kind}_rank": pick["rank"],
                    f"{kind}_n": pick["n"],
                }
            )
    if f.strength and f.weakness:
        out.append(words["indicators_both"].format(**fields))
    elif f.strength:
        out.append(words["indicators_strength_only"].format(**fields))
    elif f.weakness:
        out.append(words["indicators_weakness_only"].format(**fields))
    if f.change is not None:
        c = f.change
        places = c["first_rank"] - c["last_rank"]  # positive: moved up
        if places > 0:
            move = words["move_up"].format(
                places=places, places_word="place" if places == 1 else "places"
            )
        elif places < 0:
            move = words["move_down"].format(
                places=-places, places_word="place" if places == -1 else "places"
            )
        else:
            move = words["move_same"]
        common = {
            "first": c["first"],
            "last": c["last"],
            "first_rank": c["first_rank"],
            "last_rank": c["last_rank"],
            "first_rank_ordinal": ordinal(c["first_rank"]),
            "last_rank_ordinal": ordinal(c["last_rank"]),
            "move": move,
        }
        if c["delta"] is None:
            out.append(words["change_ranks"].format(**common))
        else:
            d = c["delta"]
            if abs(d) < 0.05:
                delta = words["delta_same"]
            else:
                delta = words["delta_up" if d > 0 else "delta_down"].format(points=_score(abs(d)))
            out.append(words["change_scores"].format(**common, delta=delta))
        if f.absent_first:
            out.append(
                words["change_absent"].format(
                    first=c["first"], absent=_join([name(a) for a in f.absent_first], words)
                )
            )
    if f.peers:
        out.append(words["peers"].format(noun=noun, peers=_join(list(f.peers), words)))
    if f.interval is not None:
        low, high, wide = f.interval
        key = "wide" if wide else "interval"
        out.append(
            words[key].format(
                low=low, high=high, low_ordinal=ordinal(low), high_ordinal=ordinal(high)
            )
        )
    return out


def summary_separator(lang: str) -> str:
    """How the sentences of :func:`city_summary` are joined in ``lang``."""
    return _templates()["en" if lang == "en" else "zh"]["separator"]
