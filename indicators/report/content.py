"""What the brief and the report say: plain data (dicts of strings and numbers) computed from
one :class:`~indicators.result.Result`, handed to the typst templates as JSON.

Nothing here writes typst markup: unit names, group labels and file names travel as JSON
strings and the templates place them as text, so they can never be read as markup (see
``render.py``). Labels and fixed sentences are in ``texts.toml``.

Conventions (also in ``docs/METHODS.md``, "Briefs and reports"):

* scores with one decimal; rank moves between the first and the last year as ``↑2`` (up two
  places), ``↓1`` or ``=``; score changes with their sign (``+3.2``, ``−1.0``), given only when
  the normalisation is pooled over the years (per-year scores are not comparable);
* the group median is the median over the units ranked that year;
* a unit that is not ranked that year (screened out) is listed last, with the reason.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.analysis import contributions, nearest_peers, strengths_weaknesses
from indicators.methods import label as method_label
from indicators.result import Result
from indicators.summary import city_facts, city_summary, format_value, summary_separator

_TEXTS = Path(__file__).with_name("texts.toml")
MINUS = "\u2212"


@cache
def texts(lang: str) -> dict[str, str]:
    """The labels of ``texts.toml`` in ``lang`` (``zh`` or ``en``)."""
    with _TEXTS.open("rb") as handle:
        return tomllib.load(handle)["en" if lang == "en" else "zh"]


def score_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "—"
    return f"{float(value):.1f}".replace("-", MINUS)


def signed(value: float | None) -> str:
    """``+3.2`` / ``−1.0`` / ``±0.0``: a change with its sign."""
    if value is None or math.isnan(value):
        return "—"
    if abs(value) < 0.05:
        return "±0.0"
    return f"{value:+.1f}".replace("-", MINUS)


def rank_move(first: int | None, last: int | None) -> str:
    """``↑2`` when the rank went from 5 to 3, ``↓1`` from 3 to 4, ``=`` unchanged."""
    if first is None or last is None:
        return "—"
    places = first - last
    if places > 0:
        return f"↑{places}"
    if places < 0:
        return f"↓{-places}"
    return "="


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _join(items: list[str], lang: str) -> str:
    words = {"zh": ("、", "和"), "en": (", ", " and ")}["en" if lang == "en" else "zh"]
    if len(items) <= 1:
        return "".join(items)
    return words[0].join(items[:-1]) + words[1] + items[-1]


class Context:
    """Tables of one result and year looked up once (the report asks for 337 briefs)."""

    def __init__(
        self,
        result: Result,
        year: int,
        lang: str,
        group: str,
        ua: Any = None,
        source: str | None = None,
    ):
        self.result = result
        self.source = result.build.source if source is None else source
        self.year = int(year)
        self.lang = "en" if lang == "en" else "zh"
        self.t = texts(self.lang)
        self.group = group
        self.ua = ua
        fw = result.framework
        self.fw = fw
        self.root = fw.root
        self.dims = list(fw.children(fw.root))
        years = sorted(int(y) for y in result.scores["year"].unique())
        if self.year not in years:
            shown = ", ".join(str(y) for y in years)
            raise ValueError(f"year {year} is not in the result (years: {shown})")
        self.years = years
        self.first, self.last = years[0], years[-1]
        self.scores = result.scores
        self.ranks = result.ranks
        self.screening = result.screening
        self.year_scores = self.scores.loc[self.scores["year"] == self.year].reset_index(drop=True)
        self.year_ranks = self.ranks.loc[self.ranks["year"] == self.year].reset_index(drop=True)
        ranked = self.year_scores.loc[self.year_scores["rank"].notna()]
        self.n_ranked = len(ranked)
        self.medians = {c: float(ranked[c].median()) for c in [self.root, *self.dims]}
        weights = result.weights.set_index("code")
        self.effective = {c: float(weights.at[c, "effective"]) for c in fw.codes}
        self.names = self._names()
        self.provinces = self._provinces()
        self.pooled = result.config.normalise_scope == "pooled"
        if ua is not None:
            self.intervals = ua.ranks
        else:
            self.intervals = None
        values = self.year_scores[self.dims].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 100.0
        # min-max style scores sit on 0-100: keep that scale; other normalisations use the data
        self.radar_domain = (min(lo, 0.0) if lo >= 0 else lo, max(hi, 100.0) if hi <= 100 else hi)
        self.rank_by_year = {
            y: dict(
                zip(
                    self.scores.loc[self.scores["year"] == y, "adcode"],
                    self.scores.loc[self.scores["year"] == y, "rank"],
                    strict=True,
                )
            )
            for y in years
        }
        self.score_by_year = {
            y: self.scores.loc[self.scores["year"] == y].set_index("adcode") for y in years
        }
        self.rank_table = {
            y: self.ranks.loc[self.ranks["year"] == y].set_index("adcode") for y in years
        }

    def _names(self) -> dict[str, str]:
        units = self.result.build.units
        column = "name_en" if self.lang == "en" else "name_zh"
        names = {a: a for a in self.result.build.members}
        if units is not None and column in units.columns:
            for adcode, name in zip(units["adcode"], units[column], strict=True):
                if isinstance(name, str) and name.strip():
                    names[str(adcode)] = name
        return names

    def _provinces(self) -> dict[str, str]:
        units = self.result.build.units
        column = "province_en" if self.lang == "en" else "province_zh"
        if units is None or column not in units.columns:
            return {}
        return {str(a): str(p) for a, p in zip(units["adcode"], units[column], strict=True)}

    def name(self, adcode: str) -> str:
        return self.names.get(adcode, adcode)

    def code_name(self, code: str) -> str:
        return self.fw.name(code, self.lang)

    def rank(self, adcode: str, year: int | None = None) -> int | None:
        return _int(self.rank_by_year[self.year if year is None else year].get(adcode))

    def weight_text(self, code: str) -> str:
        return f"{100 * self.effective[code]:.1f}%"

    # ------------------------------------------------------------------ the build
    def build(self) -> dict[str, Any]:
        """The build used: group, year, method labels, effective weights, data source."""
        from indicators.export import engine_version

        t, cfg, lang = self.t, self.result.config, self.lang
        methods = [
            {"label": t[step], "value": method_label(step, getattr(cfg, step), lang)}
            for step in ("normalise", "weights", "aggregate", "treat", "impute")
        ]
        methods.append({"label": t["screen"], "value": t[f"screen_{cfg.screen}"]})
        table = self.fw.table
        sources = []
        if "source" in table.columns:
            chosen = table.loc[table["code"].isin(self.fw.indicators), "source"]
            for text in chosen.fillna("").astype(str):
                if text.strip() and text not in sources:
                    sources.append(text)
        return {
            "group": self.group,
            "year": str(self.year),
            "methods": methods,
            "dimension_weights": [
                {"name": self.code_name(d), "weight": self.weight_text(d)} for d in self.dims
            ],
            "source": self.source,
            "sources": sources,
            "footer": t["generated"].format(
                version=engine_version(), key=self.result.build.key[:12]
            ),
        }


# ---------------------------------------------------------------------------- the brief
def city_brief(ctx: Context, adcode: str) -> dict[str, Any]:
    """The content of one unit's one-page brief (see the module docstring)."""
    from indicators.report.charts import radar_svg

    t, lang, year = ctx.t, ctx.lang, ctx.year
    if adcode not in ctx.rank_by_year[year]:
        raise ValueError(f"unit {adcode!r} has no row for year {year} in the result")
    rank = ctx.rank(adcode)
    sw = near = None
    if rank is not None:  # computed once, for the summary and the tables
        sw = strengths_weaknesses(ctx.result, adcode, year, k=3)
        near = nearest_peers(ctx.result, adcode, year, k=3)
    facts = city_facts(
        ctx.result, adcode, year, lang, intervals=ctx.intervals, peers=3, sw=sw, near=near
    )
    sentences = city_summary(ctx.result, adcode, year, lang, group=ctx.group, facts=facts)
    status = str(
        ctx.screening.loc[
            (ctx.screening["adcode"] == adcode) & (ctx.screening["year"] == year), "screening"
        ].iloc[0]
    )
    own = ctx.score_by_year[year].loc[adcode]
    own_ranks = ctx.rank_table[year].loc[adcode]
    headline = (
        t["rank_of"].format(rank=rank, n=ctx.n_ranked) if rank is not None else t["not_ranked"]
    )
    if status == "flagged":
        headline += t["flagged_mark"]

    # radar and breakdown
    radar = None
    dim_values = [None if pd.isna(own[d]) else float(own[d]) for d in ctx.dims]
    if rank is not None and any(v is not None for v in dim_values):
        radar = radar_svg(
            [ctx.code_name(d) for d in ctx.dims],
            dim_values,
            [ctx.medians[d] for d in ctx.dims],
            domain=ctx.radar_domain,
            names=(ctx.name(adcode), t["radar_median"]),
        )
    points = None
    if rank is not None:
        parts = contributions(ctx.result, adcode, year)
        if parts is not None:
            points = parts.groupby("dimension", sort=False)["points"].sum().to_dict()
    breakdown = []
    for code in [*ctx.dims, ctx.root]:
        r = _int(own_ranks.get(code))
        breakdown.append(
            {
                "name": ctx.code_name(code) if code != ctx.root else t["index"],
                "score": score_text(own[code]),
                "median": score_text(ctx.medians[code]),
                "rank": "—" if r is None else f"{r}/{ctx.n_ranked}",
                "points": (
                    None
                    if points is None
                    else score_text(sum(points.values()) if code == ctx.root else points.get(code))
                ),
                "share": (
                    None
                    if points is None or code == ctx.root or not pd.notna(own[ctx.root])
                    else float(points.get(code, 0.0))
                ),
                "total": code == ctx.root,
            }
        )
    # strengths and weaknesses
    sw_rows = []
    if sw is not None:
        for row in sw.itertuples(index=False):
            sw_rows.append(
                {
                    "kind": t[row.kind],
                    "strength": row.kind == "strength",
                    "name": ctx.code_name(row.code),
                    "value": format_value(row.value, ctx.fw.unit(row.code, lang), lang),
                    "rank": f"{row.rank}/{row.n}",
                }
            )
    # change first -> last year
    change = None
    if len(ctx.years) > 1:
        a, b = ctx.first, ctx.last
        ra, rb = ctx.rank(adcode, a), ctx.rank(adcode, b)
        rows = []
        if ra is not None and rb is not None:
            sa, sb = ctx.score_by_year[a].loc[adcode], ctx.score_by_year[b].loc[adcode]
            ka, kb = ctx.rank_table[a].loc[adcode], ctx.rank_table[b].loc[adcode]
            for code in [ctx.root, *ctx.dims]:
                r1, r2 = _int(ka.get(code)), _int(kb.get(code))
                d = float(sb[code] - sa[code]) if ctx.pooled else None
                rows.append(
                    {
                        "name": t["index"] if code == ctx.root else ctx.code_name(code),
                        "first_rank": "—" if r1 is None else str(r1),
                        "last_rank": "—" if r2 is None else str(r2),
                        "move": rank_move(r1, r2),
                        "up": None if r1 is None or r2 is None else r2 < r1,
                        "down": None if r1 is None or r2 is None else r2 > r1,
                        "first_score": score_text(sa[code]),
                        "last_score": score_text(sb[code]),
                        "delta": signed(d) if d is not None and not math.isnan(d) else "—",
                    }
                )
        change = {
            "title": t["change"].format(first=a, last=b),
            "first": str(a),
            "last": str(b),
            "rows": rows,
            "note": "" if ctx.pooled else t["change_not_comparable"],
            "empty": t["change_none"],
        }
    # peers
    peers = []
    if near is not None:
        for row in near.itertuples(index=False):
            r = _int(getattr(row, "rank", None))
            peers.append(
                {
                    "name": ctx.name(row.adcode),
                    "rank": "—" if r is None else t["rank_of"].format(rank=r, n=ctx.n_ranked),
                }
            )
    return {
        "adcode": adcode,
        "name": ctx.name(adcode),
        "province": ctx.provinces.get(adcode, ""),
        "headline": headline,
        "score": score_text(own[ctx.root]),
        "status": status,
        "summary": summary_separator(lang).join(sentences),
        "radar": radar,
        "breakdown": breakdown,
        "has_points": points is not None,
        "strengths": sw_rows,
        "change": change,
        "peers": peers,
    }


# ---------------------------------------------------------------------------- the report
def _ordered(ctx: Context) -> list[str]:
    """Units in the year's rank order (ties by adcode), units not ranked last."""
    frame = ctx.year_scores[["adcode", "rank"]].copy()
    frame["missing"] = frame["rank"].isna()
    frame = frame.sort_values(["missing", "rank", "adcode"], kind="stable")
    return [str(a) for a in frame["adcode"]]


def group_report(
    ctx: Context, geo: dict[str, dict] | None, *, font: str, font_dir: str
) -> dict[str, Any]:
    """The content of the group report: overview, dimensions, change, uncertainty, one brief
    per unit, methodology (see ``templates/report.typ``)."""
    from indicators.report import charts

    t, lang, year, root = ctx.t, ctx.lang, ctx.year, ctx.root
    order = _ordered(ctx)
    ranked = [a for a in order if ctx.rank(a) is not None]
    unranked = [a for a in order if ctx.rank(a) is None]
    index_name = ctx.code_name(root)
    svg = lambda spec: charts.vega_svg(spec, font=font, font_dir=font_dir)  # noqa: E731
    scores = ctx.score_by_year[year]
    ranks_y = ctx.rank_table[year]
    iv = None
    if ctx.intervals is not None:
        iv = ctx.intervals.loc[ctx.intervals["year"] == year].set_index("adcode")

    # overview
    excluded = ""
    if unranked:
        excluded = t["overview_excluded"].format(
            count=len(unranked), names=_join([ctx.name(a) for a in unranked], lang)
        )
    overview_text = ""
    if ranked:
        top, bottom = ranked[0], ranked[-1]
        overview_text = t["overview_text"].format(
            year=year,
            group=ctx.group,
            n=len(ranked),
            excluded=excluded,
            index=index_name,
            median=score_text(ctx.medians[root]),
            top=ctx.name(top),
            top_score=score_text(scores.at[top, root]),
            bottom=ctx.name(bottom),
            bottom_score=score_text(scores.at[bottom, root]),
            top3=_join([ctx.name(a) for a in ranked[:3]], lang),
        )
    map_svg = None
    if geo:
        features = []
        for adcode in order:
            feature = geo.get(adcode)
            if feature is None:
                continue
            value = scores.at[adcode, root] if ctx.rank(adcode) is not None else None
            features.append(
                {
                    "type": "Feature",
                    "id": adcode,
                    "geometry": feature["geometry"],
                    "properties": {
                        "score": None if value is None or pd.isna(value) else float(value),
                    },
                }
            )
        if features:
            map_svg = svg(charts.map_spec(features, label=index_name))
    first, last = ctx.first, ctx.last
    ranking_rows = []
    for adcode in order:
        r = ctx.rank(adcode)
        interval = "—"
        if iv is not None and adcode in iv.index and pd.notna(iv.at[adcode, "p05"]):
            interval = f"{int(round(iv.at[adcode, 'p05']))}–{int(round(iv.at[adcode, 'p95']))}"
        other = first if year == last else last
        move = "—"
        if len(ctx.years) > 1 and r is not None:
            ro = ctx.rank(adcode, other)
            move = rank_move(ro, r) if year == last else rank_move(r, ro)
        ranking_rows.append(
            {
                "rank": "—" if r is None else str(r),
                "name": ctx.name(adcode),
                "score": score_text(scores.at[adcode, root]) if r is not None else "—",
                "dims": [
                    (
                        f"{score_text(scores.at[adcode, d])} ({_int(ranks_y.at[adcode, d])})"
                        if r is not None and pd.notna(ranks_y.at[adcode, d])
                        else "—"
                    )
                    for d in ctx.dims
                ],
                "interval": interval,
                "move": move,
                "wide": bool(iv is not None and adcode in iv.index and bool(iv.at[adcode, "wide"])),
            }
        )
    overview = {
        "text": overview_text,
        "map": map_svg,
        "map_caption": t["map_caption"].format(year=year, group=ctx.group, index=index_name),
        "ranking_caption": t["ranking_caption"].format(
            year=year, group=ctx.group, index=index_name
        ),
        "dims": [ctx.code_name(d) for d in ctx.dims],
        "rows": ranking_rows,
        "move_label": t["move"].format(first=first if year == last else last)
        if len(ctx.years) > 1
        else "",
        "has_interval": iv is not None,
    }

    # dimensions
    dimensions = []
    k = 5 if len(ranked) >= 10 else max(1, len(ranked) // 2)
    for d in ctx.dims:
        values = scores.loc[ranked, d].astype(float)
        values = values[values.notna()]
        if values.empty:
            continue
        ordered = values.sort_values(ascending=False, kind="stable")
        q1, q3 = np.percentile(values.to_numpy(), [25, 75])
        inds = ctx.fw.indicators_under(d)
        text = t["dimension_text"].format(
            dimension=ctx.code_name(d),
            weight=ctx.weight_text(d),
            count=len(inds),
            # English indicator names contain commas: list them with semicolons
            indicators=(
                "; ".join(ctx.code_name(c) for c in inds)
                if lang == "en"
                else _join([ctx.code_name(c) for c in inds], lang)
            ),
            year=year,
            median=score_text(ctx.medians[d]),
            q1=score_text(q1),
            q3=score_text(q3),
            top=ctx.name(ordered.index[0]),
            top_score=score_text(ordered.iloc[0]),
            bottom=ctx.name(ordered.index[-1]),
            bottom_score=score_text(ordered.iloc[-1]),
        )
        spread = svg(
            charts.spread_spec(
                [{"name": ctx.name(a), "score": float(v)} for a, v in values.items()],
                label=ctx.code_name(d),
            )
        )

        def leader(adcode: str, code: str = d) -> dict:
            return {
                "rank": str(_int(ranks_y.at[adcode, code])),
                "name": ctx.name(adcode),
                "score": score_text(scores.at[adcode, code]),
            }

        dimensions.append(
            {
                "name": ctx.code_name(d),
                "text": text,
                "spread": spread,
                "spread_caption": t["spread_caption"].format(year=year, dimension=ctx.code_name(d)),
                "top": [leader(a) for a in ordered.index[:k]],
                "bottom": [leader(a) for a in ordered.index[::-1][:k][::-1]],
                "leaders_caption": t["leaders_caption"].format(
                    year=year, dimension=ctx.code_name(d), k=k
                ),
            }
        )

    # change
    change = None
    if len(ctx.years) > 1:
        both = [
            a
            for a in ctx.result.build.members
            if ctx.rank(a, first) is not None and ctx.rank(a, last) is not None
        ]
        moves = {a: ctx.rank(a, first) - ctx.rank(a, last) for a in both}
        if both:
            riser = max(both, key=lambda a: (moves[a], -ctx.rank(a, last)))
            faller = min(both, key=lambda a: (moves[a], ctx.rank(a, last)))
            text = t["change_text"].format(
                n=len(both),
                up=sum(m > 0 for m in moves.values()),
                down=sum(m < 0 for m in moves.values()),
                same=sum(m == 0 for m in moves.values()),
                riser=ctx.name(riser),
                riser_move=rank_move(ctx.rank(riser, first), ctx.rank(riser, last)),
                faller=ctx.name(faller),
                faller_move=rank_move(ctx.rank(faller, first), ctx.rank(faller, last)),
            )
            if ctx.pooled:
                med = {
                    y: float(
                        ctx.score_by_year[y]
                        .loc[
                            [a for a in ctx.result.build.members if ctx.rank(a, y) is not None],
                            root,
                        ]
                        .median()
                    )
                    for y in (first, last)
                }
                text += summary_separator(lang) + t["change_text_scores"].format(
                    median_first=score_text(med[first]), median_last=score_text(med[last])
                )
            else:
                text += summary_separator(lang) + t["change_not_comparable"]
            rows = [
                {"name": ctx.name(a), "first": ctx.rank(a, first), "last": ctx.rank(a, last)}
                for a in both
            ]
            n_max = max(max(r["first"], r["last"]) for r in rows)
            if len(both) <= 40:
                chart = svg(charts.slope_spec(rows, first=first, last=last, n=n_max))
            else:
                chart = svg(charts.scatter_spec(rows, first=first, last=last, n=n_max))
            by_move = sorted(both, key=lambda a: (-moves[a], ctx.rank(a, last)))
            limit = 10
            shown = by_move if len(both) <= 40 else by_move[:limit] + by_move[-limit:]
            table = []
            for a in shown:
                row = {
                    "name": ctx.name(a),
                    "first": str(ctx.rank(a, first)),
                    "last": str(ctx.rank(a, last)),
                    "move": rank_move(ctx.rank(a, first), ctx.rank(a, last)),
                    "delta": "—",
                }
                if ctx.pooled:
                    row["delta"] = signed(
                        float(
                            ctx.score_by_year[last].at[a, root]
                            - ctx.score_by_year[first].at[a, root]
                        )
                    )
                table.append(row)
            change = {
                "title": t["change_section"].format(first=first, last=last),
                "text": text,
                "chart": chart,
                "caption": t["change_caption"].format(first=first, last=last),
                "table_caption": t["change_table_caption"].format(
                    first=first,
                    last=last,
                    which=t["change_table_all"]
                    if len(both) <= 40
                    else t["change_table_top"].format(k=limit),
                ),
                "rows": table,
                "tall": len(both) <= 40,  # a slope chart (tall) or a square scatter
                "height": min(15.0, 2.0 + 0.48 * len(both)),  # cm: ~ the table's row height
                "first": str(first),
                "last": str(last),
                "pooled": ctx.pooled,
            }

    # uncertainty
    uncertainty = {"text": t["uncertainty_missing"], "chart": None, "caption": ""}
    if iv is not None and ctx.ua is not None:
        ua = ctx.ua
        vary = []
        for choice in ua.vary:
            key = f"vary_{choice}"
            if key in t:
                vary.append(t[key].format(noise=f"{100 * ua.weight_noise:.0f}%"))
        wide = [a for a in ranked if a in iv.index and bool(iv.at[a, "wide"])]
        wide_text = (
            t["uncertainty_wide"].format(names=_join([ctx.name(a) for a in wide], lang))
            if wide
            else t["uncertainty_none_wide"]
        )
        rows = [
            {
                "name": ctx.name(a),
                "rank": ctx.rank(a),
                "p05": float(iv.at[a, "p05"]),
                "p95": float(iv.at[a, "p95"]),
                "wide": bool(iv.at[a, "wide"]),
            }
            for a in ranked
            if a in iv.index and pd.notna(iv.at[a, "p05"])
        ]
        chart = None
        if rows:
            chart = svg(
                charts.interval_spec(
                    rows,
                    n=len(ranked),
                    label=t["rank"],
                    named=len(rows) <= 60,
                    interval_label=t["interval"],
                )
            )
        uncertainty = {
            "text": t["uncertainty_text"].format(
                vary=_join(vary, lang), n=ua.n, seed=ua.seed, wide=wide_text
            ),
            "chart": chart,
            "caption": t["uncertainty_caption"].format(year=year),
        }

    # methodology
    cfg = ctx.result.config
    indicators = []
    for code in ctx.fw.indicators:
        indicators.append(
            {
                "dimension": ctx.code_name(_dimension_of(ctx, code)),
                "name": ctx.code_name(code),
                "unit": ctx.fw.unit(code, lang) or "—",
                "direction": t["positive"] if ctx.fw.direction(code) > 0 else t["negative"],
                "weight": ctx.weight_text(code),
                "definition": ctx.fw.definition(code, lang),
            }
        )
    methodology = {
        "text": t["methodology_text"].format(
            share=f"{100 * cfg.screen_min_share:.0f}%", screen=t[f"screen_{cfg.screen}"]
        ),
        "indicators": indicators,
    }
    briefs = [city_brief(ctx, a) for a in order]
    return {
        "title": t["report_title"].format(group=ctx.group),
        # the censuses are named only for the bundled census data (CLI and dashboard sources)
        "subtitle": (
            t["report_subtitle"]
            if ctx.result.build.source.lower().startswith("bundled census data")
            else t["report_subtitle_data"].format(source=ctx.source)
            if ctx.source
            else ""
        ),
        "overview": overview,
        "dimensions": dimensions,
        "change": change,
        "uncertainty": uncertainty,
        "methodology": methodology,
        "briefs": briefs,
        "outline_cities": len(order) <= 60,
        "profiles_text": t["profiles_text"].format(year=year),
    }


def _dimension_of(ctx: Context, code: str) -> str:
    while ctx.fw.parent(code) not in (None, ctx.root):
        code = ctx.fw.parent(code)
    return code
