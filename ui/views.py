"""Table shaping for display: engine results + names in the current language (no Streamlit).

These functions only select, join and label; every number comes from the engine's ``Result``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from indicators import Framework

NAN = float("nan")
DASH = "—"  # a missing value, in every table


def names_map(units: pd.DataFrame, lang: str) -> dict[str, str]:
    """adcode -> display name in ``lang`` (falls back to the other language, then the code)."""
    first, second = ("name_en", "name_zh") if lang == "en" else ("name_zh", "name_en")
    out: dict[str, str] = {}
    for column in (second, first):  # the preferred language overwrites the fallback
        if column in units.columns:
            for adcode, name in zip(units["adcode"], units[column], strict=True):
                if isinstance(name, str) and name.strip():
                    out[str(adcode)] = name
    city = "city_en" if lang == "en" else "city_zh"
    if city in units.columns:  # county level: 鼓楼区 is a district of 南京, 徐州, 福州 and 开封
        seen = pd.Series(out)
        repeated = set(seen[seen.duplicated(keep=False)].index)
        cities = dict(zip(units["adcode"].astype(str), units[city], strict=True))
        for adcode in repeated:
            parent = cities.get(adcode)
            if isinstance(parent, str) and parent.strip() and parent != out[adcode]:
                out[adcode] = (
                    f"{out[adcode]} ({parent})" if lang == "en" else f"{out[adcode]}（{parent}）"
                )
    return out


def _num(series: pd.Series) -> float:
    """First value of a one-row selection as a float; missing (NaN or pd.NA) -> NaN."""
    if not len(series) or pd.isna(series.iloc[0]):
        return float("nan")
    return float(series.iloc[0])


def year_scores(result, year: int) -> pd.DataFrame:
    """Scores of one year (all codes + rank)."""
    return result.scores.loc[result.scores["year"] == year].reset_index(drop=True)


def ranking_table(
    result,
    framework: Framework,
    units: pd.DataFrame,
    year: int,
    lang: str,
    intervals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per ranked unit: rank, name, index score, rank interval, data coverage and the
    dimension scores.

    ``adcode`` stays as the first (hidden) column so a click can open that city. Units the
    engine's screening excluded (``Result.screening``, ``screening == "excluded"``) are not
    rows: :func:`excluded_units` lists them with the reason. ``coverage`` is
    ``indicators_present/indicators_total``, followed by :data:`MARK` for a unit that fails the
    screening rule but is ranked (``Config.screen="flag"``: ``flagged`` is True). ``interval``
    is the 5–95 % rank interval, followed by :data:`MARK` when the uncertainty analysis calls
    it unusually wide (``wide``, see ``indicators.uncertainty.wide_intervals``).
    """
    scores = result.ranking
    scores = scores.loc[(scores["year"] == year) & (scores["screening"] != "excluded")]
    scores = scores.reset_index(drop=True)
    names = names_map(units, lang)
    root = framework.root
    dims = list(framework.children(root))
    name = scores["adcode"].map(names).fillna(scores["adcode"])
    flagged = (scores["screening"] == "flagged").to_numpy(dtype=bool)
    table = pd.DataFrame(
        {
            "adcode": scores["adcode"],
            "rank": scores["rank"],
            "name": name,
            root: scores[root],
        }
    )
    if intervals is not None and len(intervals):
        iv = intervals.loc[intervals["year"] == year, ["adcode", "median_rank", "p05", "p95"]]
        if "wide" in intervals.columns:
            iv = iv.assign(wide=intervals.loc[intervals["year"] == year, "wide"].astype(bool))
        table = table.merge(iv, on="adcode", how="left")
        wide = table["wide"].fillna(False).astype(bool) if "wide" in table else None
        table["wide"] = False if wide is None else wide
        table["interval"] = [
            (f"{lo:.0f}–{hi:.0f}" + (f" {MARK}" if w else ""))
            if pd.notna(lo) and pd.notna(hi)
            else ""
            for lo, hi, w in zip(table["p05"], table["p95"], table["wide"], strict=True)
        ]
    table["coverage"] = [
        f"{p}/{n}" + (f" {MARK}" if f else "")
        for p, n, f in zip(
            scores["indicators_present"], scores["indicators_total"], flagged, strict=True
        )
    ]
    table["flagged"] = flagged
    for dim in dims:
        table[dim] = scores[dim].to_numpy()
    return table.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


#: Marks a wide rank interval, or a unit ranked although it fails the screening rule.
MARK = "⚠"


def _join(names: list[str], lang: str) -> str:
    """ "A、B" / "A and B", "A, B and C"."""
    if lang != "en":
        return "、".join(names)
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def score_span(result, code: str, raw: bool = False) -> list[float] | None:
    """``[min, max]`` of ``code``'s score (``raw``: an indicator's raw value) over every unit
    and year of the result (None when there is none): the colour domain shared by the years,
    whose scores are comparable when normalisation bounds are pooled (the default)."""
    frame = result.raw if raw else result.scores
    values = pd.to_numeric(frame[code], errors="coerce").dropna()
    if values.empty:
        return None
    return [float(values.min()), float(values.max())]


def excluded_units(
    result, framework: Framework, units: pd.DataFrame, year: int, lang: str
) -> pd.DataFrame:
    """The units the screening left out of the ranking in ``year``: ``adcode``, ``name``,
    ``coverage`` ("9/19") and ``missing`` (the dimensions with no indicator, by name in
    ``lang``, joined; empty when only the share of indicators fell short)."""
    sc = result.screening
    sc = sc.loc[(sc["year"] == year) & (sc["screening"] == "excluded")]
    names = names_map(units, lang)
    return pd.DataFrame(
        {
            "adcode": sc["adcode"].to_numpy(),
            "name": [names.get(a, a) for a in sc["adcode"]],
            "coverage": [
                f"{p}/{n}"
                for p, n in zip(sc["indicators_present"], sc["indicators_total"], strict=True)
            ],
            "missing": [
                _join([framework.name(d, lang) for d in str(m).split(",") if d], lang)
                for m in sc["missing_dimensions"].fillna("")
            ],
        }
    )


def indicator_profile(
    result,
    framework: Framework,
    adcode: str,
    year: int,
    lang: str,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator for a unit: raw value, normalised score, rank, group median, and
    the reason when the value is missing."""
    raw = result.raw.loc[result.raw["year"] == year]
    norm = result.normalised.loc[result.normalised["year"] == year]
    ranks = result.ranks.loc[result.ranks["year"] == year]
    n = int(norm["adcode"].nunique())
    rows = []
    for code in framework.indicators:
        if code not in norm.columns:
            continue
        r = raw.loc[raw["adcode"] == adcode, code]
        s = norm.loc[norm["adcode"] == adcode, code]
        k = ranks.loc[ranks["adcode"] == adcode, code]
        rows.append(
            {
                "code": code,
                "parent": framework.parent(code),
                "indicator": framework.name(code, lang),
                "unit": framework.unit(code, lang),
                "raw": _num(r),
                "score": _num(s),
                "rank": _num(k),
                "n": n,
                "group_median_raw": float(raw[code].median()),
                "direction": framework.direction(code),
                "note": ""
                if len(r) and pd.notna(r.iloc[0])
                else missing_reason(notes, code, year, adcode, lang),
            }
        )
    return pd.DataFrame(rows)


def contributions(
    result, framework: Framework, adcode: str, year: int, lang: str
) -> pd.DataFrame | None:
    """The engine's additive breakdown (``indicators.analysis.contributions``) with names."""
    from indicators.analysis import contributions as breakdown

    parts = breakdown(result, adcode, year)
    if parts is None:
        return None
    return parts.assign(
        dimension=parts["dimension"].map(lambda c: framework.name(c, lang)),
        indicator=parts["code"].map(lambda c: framework.name(c, lang)),
    )


def strengths_table(
    sw: pd.DataFrame, profile: pd.DataFrame, kind: str, lang: str = "zh"
) -> pd.DataFrame:
    """Rows of the profile for the strengths (or weaknesses) the engine found, narrow enough for
    half a page: the indicator, its value with its unit, and its rank as "r / n"."""
    codes = list(sw.loc[sw["kind"] == kind, "code"]) if len(sw) else []
    part = profile.set_index("code").loc[codes].reset_index() if codes else profile.iloc[0:0]
    return pd.DataFrame(
        {
            "indicator": part["indicator"],
            "value": [
                _with_unit(v, u, lang, value_digits([v, m]))
                for v, m, u in zip(part["raw"], part["group_median_raw"], part["unit"], strict=True)
            ],
            "rank": [_rank_of(r, n) for r, n in zip(part["rank"], part["n"], strict=True)],
        }
    )


def profile_display(profile: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The indicator profile for reading: values and the group median with their units, the
    normalised score in points, the rank as "r / n", missing values as "—" with the reason."""
    pairs = list(zip(profile["raw"], profile["group_median_raw"], strict=True))
    digits = [value_digits(pair) for pair in pairs]
    return pd.DataFrame(
        {
            "indicator": profile["indicator"],
            "value": [
                _with_unit(v, u, lang, d)
                for (v, _), u, d in zip(pairs, profile["unit"], digits, strict=True)
            ],
            "score": [_fixed(v, 1) for v in profile["score"]],
            "rank": [_rank_of(r, n) for r, n in zip(profile["rank"], profile["n"], strict=True)],
            "group_median_raw": [
                _with_unit(m, u, lang, d)
                for (_, m), u, d in zip(pairs, profile["unit"], digits, strict=True)
            ],
            "note": profile["note"],
        }
    )


def profile_columns(lang: str) -> dict:
    """Column labels for indicator profile tables (used with st.dataframe's column_config)."""
    from ui.i18n import t

    return {
        "indicator": t("indicator", lang),
        "raw": t("value", lang),
        "value": t("value", lang),
        "unit": t("unit", lang),
        "score": t("score", lang),
        "rank": t("rank", lang),
        "n": t("n_units", lang),
        "group_median_raw": t("group_median", lang),
        "note": t("missing_reason", lang),
    }


def profile_help(lang: str) -> dict[str, str]:
    """Help texts (shown on hovering a column header) of the profile tables."""
    from ui.i18n import t

    return {
        "value": t("tc_help_value", lang),
        "score": t("tc_help_score", lang),
        "rank": t("tc_help_rank", lang),
        "group_median_raw": t("tc_help_median", lang),
    }


def change_table(
    result, framework: Framework, adcode: str, first: int, last: int, lang: str
) -> pd.DataFrame:
    """Index and dimension scores (pooled normalisation, so comparable) in two years, and the
    rank. Score changes carry their sign (+3.2 / −1.5); the rank's move reads as a move up or
    down the table (rank 22 → 20 is "up 2 places"), never as a signed difference of ranks."""
    from ui.i18n import t

    s = result.scores.loc[result.scores["adcode"] == adcode].set_index("year")

    def at(year: int, code: str) -> float:
        return float(s.at[year, code]) if year in s.index and pd.notna(s.at[year, code]) else NAN

    codes = [framework.root, *framework.children(framework.root)]
    rows = []
    for code in codes:
        a, b = at(first, code), at(last, code)
        rows.append(
            {
                t("component", lang): framework.name(code, lang),
                str(first): _fixed(a, 1),
                str(last): _fixed(b, 1),
                t("change", lang): signed(b - a, 1),
            }
        )
    rank_a, rank_b = at(first, "rank"), at(last, "rank")
    rows.append(
        {
            t("component", lang): t("rank", lang),
            str(first): _fixed(rank_a, 0),
            str(last): _fixed(rank_b, 0),
            t("change", lang): rank_move(rank_a, rank_b, lang),
        }
    )
    return pd.DataFrame(rows)


def absent_indicators(result, framework: Framework, year: int, lang: str) -> str:
    """Names of indicators with no value at all in ``year`` (e.g. not in that census)."""
    raw = result.raw.loc[result.raw["year"] == year]
    missing = [c for c in framework.indicators if c in raw.columns and raw[c].isna().all()]
    return (
        "、".join(framework.name(c, lang) for c in missing)
        if lang == "zh"
        else ", ".join(framework.name(c, lang) for c in missing)
    )


def peers_table(
    peers: pd.DataFrame, names: dict[str, str], lang: str, head: str | None = None
) -> pd.DataFrame:
    """Nearest peers with their typical difference per indicator (``rms`` of
    :func:`indicators.analysis.nearest_peers`, in score points) and their index rank."""
    from ui.i18n import t

    out = pd.DataFrame(
        {
            head or t("city", lang): peers["adcode"].map(names).fillna(peers["adcode"]),
            t("peer_gap", lang): [_fixed(v, 1) for v in peers["rms"]],
        }
    )
    if "rank" in peers.columns:
        out[t("rank", lang)] = [_fixed(v, 0) for v in peers["rank"]]
    return out


def what_if_table(wit: pd.DataFrame, framework: Framework, lang: str) -> pd.DataFrame:
    """What it would take, for reading: current and target values with their units, the change
    needed (percentage points for a % share), the effort (share of the group's observed range),
    the new rank and a note; the easiest first (smallest effort), rows that cannot be reached
    last. Missing marks are "—"."""
    from ui.i18n import t

    notes = {
        "not reachable": t("wit_not_reachable", lang),
        "no spread": t("wit_no_spread", lang),
        "missing": t("wit_missing", lang),
        "excluded": t("wit_excluded", lang),
        "already first": t("wit_already_first", lang),
    }
    rows = []
    for r in wit.itertuples(index=False):
        unit = framework.unit(r.code, lang)
        digits = value_digits([r.current, r.required, r.group_min, r.group_max])
        note = notes.get(r.note, r.note)
        if r.feasible and r.beyond_range:
            note = t("wit_beyond", lang)
        rows.append(
            {
                t("indicator", lang): framework.name(r.code, lang),
                t("wit_current", lang): _with_unit(r.current, unit, lang, digits),
                t("wit_target", lang): _with_unit(r.required, unit, lang, digits),
                t("wit_change", lang): _change_with_unit(r.change, unit, lang, digits),
                t("wit_effort", lang): _percent(r.effort),
                t("new_rank", lang): _fixed(r.new_rank, 0),
                t("wit_note", lang): note,
                "_feasible": bool(r.feasible),
                "_effort": float(r.effort) if r.feasible else float("inf"),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = out.sort_values(["_feasible", "_effort"], ascending=[False, True], kind="stable")
    return out.drop(columns=["_feasible", "_effort"]).reset_index(drop=True)


def compare_table(
    result, framework: Framework, chosen: list[str], year: int, names: dict[str, str], lang: str
) -> pd.DataFrame:
    """Raw indicator values of the chosen units, plus each one's difference to the first."""
    from ui.i18n import t

    raw = result.raw.loc[result.raw["year"] == year].set_index("adcode")
    first = chosen[0]
    rows = []
    for code in framework.indicators:
        if code not in raw.columns:
            continue
        row = {
            t("indicator", lang): framework.name(code, lang),
            t("unit", lang): framework.unit(code, lang),
        }
        for a in chosen:
            row[names.get(a, a)] = raw.at[a, code]
        for a in chosen[1:]:
            row[f"Δ {names.get(a, a)}"] = raw.at[a, code] - raw.at[first, code]
        rows.append(row)
    return pd.DataFrame(rows).round(2)


def compare_scores_long(
    result, framework: Framework, chosen: list[str], year: int, names: dict[str, str], lang: str
) -> pd.DataFrame:
    norm = result.normalised.loc[result.normalised["year"] == year]
    norm = norm.loc[norm["adcode"].isin(chosen)]
    codes = [c for c in framework.indicators if c in norm.columns]
    long = norm.melt(id_vars=["adcode"], value_vars=codes, var_name="code", value_name="score")
    long["indicator"] = long["code"].map(lambda c: framework.name(c, lang))
    long["city"] = long["adcode"].map(names).fillna(long["adcode"])
    order = {a: i for i, a in enumerate(chosen)}
    return long.sort_values(by="adcode", key=lambda s: s.map(order), kind="stable")


def rank_shift(before, after, year: int, names: dict[str, str]) -> pd.DataFrame:
    a = before.scores.loc[before.scores["year"] == year, ["adcode", "rank"]].rename(
        columns={"rank": "before"}
    )
    b = after.scores.loc[after.scores["year"] == year, ["adcode", "rank"]].rename(
        columns={"rank": "after"}
    )
    out = a.merge(b, on="adcode", how="outer")
    out[["before", "after"]] = out[["before", "after"]].astype(float)  # nullable ranks -> NaN
    out["name"] = out["adcode"].map(names).fillna(out["adcode"])
    return out


def weights_table(result, framework: Framework, lang: str) -> pd.DataFrame:
    from ui.i18n import t

    w = result.weights.copy()
    return pd.DataFrame(
        {
            t("component", lang): w["code"].map(lambda c: framework.name(c, lang)),
            t("level", lang): w["level"],
            t("weight_in_parent", lang): w["weight"].round(4),
            t("effective_weight", lang): w["effective"].round(4),
        }
    )


def variance_share_table(shares: pd.DataFrame, lang: str) -> pd.DataFrame:
    from ui.i18n import t

    return pd.DataFrame(
        {
            t("choice", lang): shares["choice"].map(lambda c: t(f"choice_{c}", lang)),
            t("share", lang): shares["share"].round(3),
        }
    )


def framework_table(result, framework: Framework, lang: str) -> pd.DataFrame:
    """Tree with display labels and effective weights (for the sunburst)."""
    w = result.weights.set_index("code")
    table = framework.table[["code", "parent", "level"]].copy()
    table["label"] = table["code"].map(lambda c: framework.name(c, lang))
    table["effective"] = table["code"].map(
        lambda c: float(w.at[c, "effective"]) if c in w.index else 1.0
    )
    table["parent"] = table["parent"].where(table["parent"].notna(), "")
    return table


def definitions_table(framework: Framework, lang: str) -> pd.DataFrame:
    from ui.i18n import t

    rows = []
    for code in framework.indicators:
        rows.append(
            {
                t("code", lang): code,
                t("indicator", lang): framework.name(code, lang),
                t("parent", lang): framework.name(framework.parent(code), lang),
                t("direction", lang): "+" if framework.direction(code) > 0 else "−",
                t("unit", lang): framework.unit(code, lang),
                t("definition", lang): framework.definition(code, lang),
            }
        )
    return pd.DataFrame(rows)


def labelled_matrix(matrix: pd.DataFrame, framework: Framework, lang: str) -> pd.DataFrame:
    out = matrix.copy()
    out.index = [framework.name(c, lang) if c in framework.codes else c for c in out.index]
    out.columns = [framework.name(c, lang) if c in framework.codes else c for c in out.columns]
    return out


#: Cronbach's alpha below which a dimension is read as weak / questionable. 0.7 is Nunnally's
#: (1978) usual threshold for an internally consistent scale, also used by the OECD/JRC Handbook
#: on Constructing Composite Indicators (2008); below 0.5 is "unacceptable" in the common rule of
#: thumb (George & Mallery 2003). See docs/METHODS.md, "Reading the statistical audit".
ALPHA_WEAK = 0.5
ALPHA_QUESTIONABLE = 0.7


def alpha_level(alpha: float) -> str | None:
    """ "weak" (α < 0.5), "questionable" (0.5 ≤ α < 0.7), "consistent", or None (no α: a
    dimension with fewer than two indicators, or no variance)."""
    if alpha is None or pd.isna(alpha):
        return None
    if alpha < ALPHA_WEAK:
        return "weak"
    return "questionable" if alpha < ALPHA_QUESTIONABLE else "consistent"


def alpha_table(alpha: pd.DataFrame, framework: Framework, lang: str) -> pd.DataFrame:
    """Cronbach's α per dimension with its plain-language reading (:func:`alpha_level`)."""
    from ui.i18n import t

    levels = [alpha_level(a) for a in alpha["alpha"]]  # a list: a Series would turn None to NaN
    return pd.DataFrame(
        {
            t("component", lang): alpha["code"].map(lambda c: framework.name(c, lang)),
            "α": alpha["alpha"].round(3),
            t("n_indicators", lang): alpha["k"],
            t("alpha_reading", lang): [
                t(f"alpha_{v}", lang) if v else t("alpha_none", lang) for v in levels
            ],
        }
    )


def alpha_warnings(alpha: pd.DataFrame, framework: Framework, lang: str) -> list[str]:
    """One plain-language note per weak or questionable dimension (weakest first)."""
    from ui.i18n import t

    notes = []
    for row in alpha.sort_values("alpha").itertuples(index=False):
        level = alpha_level(row.alpha)
        if level in ("weak", "questionable"):
            notes.append(
                t(
                    f"alpha_note_{level}",
                    lang,
                    name=framework.name(row.code, lang),
                    alpha=f"{row.alpha:.3f}",
                    k=int(row.k),
                )
            )
    return notes


def pca_table(pca: pd.DataFrame, lang: str) -> pd.DataFrame:
    from ui.i18n import t

    return pd.DataFrame(
        {
            t("component_pc", lang): pca["component"],
            t("variance_share_pc", lang): pca["share"].round(3),
            t("cumulative", lang): pca["cumulative"].round(3),
        }
    )


def coverage_table(
    result, framework: Framework, lang: str, notes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Missing values per indicator (rows) and year (columns) within the group, with reasons."""
    from ui.i18n import t

    raw = result.raw
    years = sorted(int(y) for y in raw["year"].unique())
    lookup = notes_index(notes)
    rows = []
    for code in framework.indicators:
        if code not in raw.columns:
            continue
        row: dict[str, object] = {t("indicator", lang): framework.name(code, lang)}
        reasons: list[str] = []
        for year in years:
            part = raw.loc[raw["year"] == year]
            missing = part.loc[part[code].isna(), "adcode"]
            row[f"{year}"] = f"{len(missing)} / {len(part)}"
            reasons += [missing_reason(lookup, code, year, a, lang) for a in missing]
        row[t("missing_reason", lang)] = "; ".join(dict.fromkeys(r for r in reasons if r))
        rows.append(row)
    return pd.DataFrame(rows)


MISSING = "—"
ROW_PX = 35  # st.dataframe's row height (and its header's), in pixels


def table_height(rows: int) -> int:
    """Height at which ``st.dataframe`` shows ``rows`` rows and the header without a scroll bar."""
    return ROW_PX * (rows + 1) + 3


def _decimals(values: pd.Series, most: int = 4) -> int:
    """Fewest decimals (≤ ``most``) that show every value of a column as it is."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    for d in range(most + 1):
        if (abs(v.round(d) - v) < 1e-9).all():
            return d
    return most


def shown(frame: pd.DataFrame):
    """The table as Streamlit should draw it: a missing number as "—" (Streamlit writes
    "None"), numbers with thousands separators and the decimals the column needs. A pandas
    Styler: the cells keep their numbers, so columns still sort as numbers."""
    formats = {}
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            d = _decimals(frame[column])
            formats[column] = lambda v, d=d: MISSING if pd.isna(v) else f"{v:,.{d}f}"
        elif pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(
            frame[column]
        ):
            formats[column] = lambda v: MISSING if pd.isna(v) else f"{v}"
    return frame.style.format(formats, na_rep=MISSING)


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell and header escaped for Markdown (``ui.safe.md``), for
    ``st.table``, which renders Markdown in cells: user text then shows literally."""
    from ui.safe import md

    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object:
            out[column] = out[column].map(lambda v: v if pd.isna(v) else md(v))
    out.columns = [md(c) for c in out.columns]
    return out


def missing_notes(
    result,
    framework: Framework,
    adcodes,
    year: int,
    names: dict[str, str],
    lang: str,
    notes: pd.DataFrame | None = None,
) -> list[str]:
    """Why the missing raw values of ``adcodes`` in ``year`` are missing: one line per
    indicator ("indicator: reason (cities)"), for the note under a table that shows "—"."""
    from ui.i18n import t

    raw = result.raw.loc[(result.raw["year"] == year) & result.raw["adcode"].isin(list(adcodes))]
    lookup = notes_index(notes)
    sep = "、" if lang == "zh" else ", "
    lines = []
    for code in framework.indicators:
        if code not in raw.columns:
            continue
        missing = list(raw.loc[raw[code].isna(), "adcode"])
        if not missing:
            continue
        reasons = dict.fromkeys(
            missing_reason(lookup, code, year, a, lang) or t("no_reason_recorded", lang)
            for a in missing
        )
        who = (
            t("all_shown", lang)
            if len(missing) == len(raw)
            else sep.join(names.get(a, a) for a in missing[:8]) + ("…" if len(missing) > 8 else "")
        )
        name = framework.name(code, lang)
        lines.append(
            f"{name}（{who}）：{'；'.join(reasons)}"
            if lang == "zh"
            else f"{name} ({who}): {'; '.join(reasons)}"
        )
    return lines


def column_labels(framework: Framework, columns, lang: str) -> dict[str, tuple[str, str]]:
    """Column -> (header in ``lang``, help with the internal code and unit) for tables whose
    columns are framework codes (the Data page): names for people, codes kept in the help."""
    from ui.i18n import t

    fixed = {"adcode": "adcode_col", "year": "year", "rank": "rank"}
    out = {}
    for column in columns:
        if column in framework.codes:
            unit = framework.unit(column, lang)
            help_ = (
                t("code_unit_help", lang, code=column, unit=unit)
                if unit
                else t("code_help", lang, code=column)
            )
            out[column] = (framework.name(column, lang), help_)
        elif column in fixed:
            out[column] = (t(fixed[column], lang), t("code_help", lang, code=column))
    return out


def with_names(
    frame: pd.DataFrame, names: dict[str, str], lang: str, head: str | None = None
) -> pd.DataFrame:
    """The frame with the units' names after the adcode, under ``head`` (default 城市 / City)."""
    from ui.i18n import t

    out = frame.copy()
    out.insert(1, head or t("city", lang), out["adcode"].map(names).fillna(out["adcode"]))
    return out


def notes_index(notes: pd.DataFrame | None) -> dict[tuple, tuple[str, str]]:
    """``data/missing_notes.csv`` as a lookup: (code, year or None, adcode or None) -> (zh, en)."""
    if notes is None or notes.empty:
        return {}
    index = {}
    for row in notes.itertuples(index=False):
        year = None if pd.isna(row.year) else int(row.year)
        adcode = None if pd.isna(row.adcode) else str(row.adcode)
        index[(row.code, year, adcode)] = (str(row.reason_zh), str(row.reason_en))
    return index


def missing_reason(notes, code: str, year: int, adcode: str, lang: str) -> str:
    """Why a value is missing, or "" when no note applies.

    ``notes`` is the notes table or its ``notes_index``. A note applies when its code matches
    and its year and adcode are empty or equal; a note naming the unit wins over one for every
    unit, and one naming the year over one for every year.
    """
    index = notes if isinstance(notes, dict) else notes_index(notes)
    for key in ((code, year, adcode), (code, None, adcode), (code, year, None), (code, None, None)):
        if key in index:
            return index[key][1 if lang == "en" else 0]
    return ""


def excluded_text(excluded: pd.DataFrame, lang: str) -> str:
    """One Markdown line naming every unit the screening left out, with its coverage and the
    dimensions it has no data for: "1 个城市因数据不足未参与排名：三沙市（9/19 项指标，缺少…）".
    Names are escaped once (``ui.safe.md``), the interface words are ours."""
    from ui.i18n import STRINGS
    from ui.safe import md

    def text(key: str) -> str:
        return STRINGS[key][1 if lang == "en" else 0]

    items = [
        text("excluded_item" if row.missing else "excluded_item_share").format(
            name=md(row.name), coverage=md(row.coverage), missing=md(row.missing)
        )
        for row in excluded.itertuples(index=False)
    ]
    joined = ("; " if lang == "en" else "；").join(items)
    return text("excluded_notice").format(n=len(items), items=joined)


def short_names(framework: Framework, codes: list[str], lang: str) -> list[str]:
    """Column headers for sibling nodes: their names in ``lang`` without the words they all
    start with (人才储备量, 人才流动性 … -> 储备量, 流动性 …), so five dimensions fit side by
    side; the full name goes into the column's help. Names are left whole when stripping would
    leave any of them shorter than two characters."""
    full = [framework.name(c, lang) for c in codes]
    if len(full) < 2:
        return full
    prefix = os.path.commonprefix(full)
    if lang == "en":
        prefix = prefix[: prefix.rfind(" ") + 1]  # whole words only
    short = [name[len(prefix) :].strip() for name in full]
    return short if prefix and all(len(s) >= 2 for s in short) else full


def text_width(text: str, font_px: float = 14.0) -> float:
    """Rough rendered width of ``text`` in pixels in the table's font: a CJK character is one
    em, other characters 0.42 em (Source Sans at 14 px, measured in Chromium: "Coverage" 54 px,
    "Growth environment" 122 px, "发展可持续性" 84 px)."""
    return sum(font_px if ord(ch) >= 0x2E80 else 0.42 * font_px for ch in str(text))


def fit_widths(headers: list[str], budget: float, least: int = 56, padding: int = 18) -> list[int]:
    """Column widths (px) for ``headers`` that together stay within ``budget``: each column
    gets what its header needs (:func:`text_width` + ``padding``, at least ``least``); when the
    needs exceed the budget, the widest are cut to a common cap (water-filling), so short
    headers stay whole and only the longest are shortened (their full text is in ``help``)."""
    needs = [max(least, int(round(text_width(h) + padding))) for h in headers]
    if sum(needs) <= budget:
        return needs
    low, high = least, max(needs)
    while high - low > 1:  # the largest cap whose total fits
        cap = (low + high) // 2
        if sum(min(n, cap) for n in needs) <= budget:
            low = cap
        else:
            high = cap
    return [min(n, low) for n in needs]


#: Width (px) the ranking table's columns are fitted to: the main area's width at a 1,280 px
#: window with the sidebar open is 818 px; the rest is the grid's borders and a margin.
TABLE_WIDTH = 810


def join_years(years, lang: str) -> str:
    """ "2010 和 2020" / "2010 and 2020" (three or more: "2000、2010 和 2020")."""
    items = [str(int(y)) for y in years]
    if len(items) < 2:
        return "".join(items)
    sep, last = ("、", " 和 ") if lang == "zh" else (", ", " and ")
    return sep.join(items[:-1]) + last + items[-1]


# ---------------------------------------------------------------------------- number display
def value_digits(values) -> int:
    """Decimals for the values of one indicator: 0 from 1,000 up (per 100,000), 1 from 10 up
    (%, m²), else 2 (years, children per woman, small shares), judged on the largest value."""
    finite = [abs(float(v)) for v in values if v is not None and pd.notna(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 1000 else 1 if top >= 10 else 2


def _fixed(value, digits: int) -> str:
    if value is None or pd.isna(value):
        return DASH
    return f"{float(value):,.{digits}f}".replace("-", "−")  # a true minus sign


def signed(value, digits: int = 1) -> str:
    """A change with an explicit sign: "+3.2", "−1.5" (a true minus), "0.0"; "—" if missing."""
    if value is None or pd.isna(value):
        return DASH
    text = f"{abs(float(value)):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def rank_move(before, after, lang: str) -> str:
    """A move in rank, read as a move up or down the table: 22 → 20 is "↑ up 2" (上升 2 位),
    1 → 2 is "↓ down 1" (下降 1 位), no move "unchanged" (持平)."""
    from ui.i18n import t

    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return DASH
    places = int(round(float(before) - float(after)))
    if places == 0:
        return t("rank_unchanged", lang)
    key = "rank_up" if places > 0 else "rank_down"
    return t(key, lang, n=abs(places))


def _unit_text(unit: str) -> str:
    return unit if unit.startswith(("%", "‰")) else f" {unit}" if unit else ""


def _with_unit(value, unit: str, lang: str, digits: int | None = None) -> str:
    """ "1.71%", "49.1 m² per person", "12,719 per 100,000"; "—" when missing."""
    if value is None or pd.isna(value):
        return DASH
    digits = value_digits([value]) if digits is None else digits
    return _fixed(value, digits) + _unit_text(unit)


def _change_with_unit(value, unit: str, lang: str, digits: int) -> str:
    """A signed change; a change of a % share is in percentage points (个百分点 / pp)."""
    from ui.i18n import t

    if value is None or pd.isna(value):
        return DASH
    if unit.startswith("%"):  # "% per year" too: the change of a rate is in points
        return f"{signed(value, digits)} {t('pp', lang)}"
    return signed(value, digits) + _unit_text(unit)


def _percent(share) -> str:
    if share is None or pd.isna(share):
        return DASH
    return f"{100 * float(share):.0f}%"


def _rank_of(rank, n) -> str:
    if rank is None or pd.isna(rank):
        return DASH
    return f"{int(rank)} / {int(n)}"


def screening_of(result, adcode: str, year: int) -> dict | None:
    """The unit-year's row of ``Result.screening`` as a dict (``None`` if it has none)."""
    sc = result.screening
    row = sc.loc[(sc["adcode"] == str(adcode)) & (sc["year"] == year)]
    if row.empty:
        return None
    rec = row.iloc[0]
    missing = str(rec["missing_dimensions"]) if pd.notna(rec["missing_dimensions"]) else ""
    return {
        "present": int(rec["indicators_present"]),
        "total": int(rec["indicators_total"]),
        "missing_dimensions": [c for c in missing.split(",") if c],
        "screening": str(rec["screening"]),
    }


def screening_banner(
    screen: dict | None, city: str, year: int, framework: Framework, lang: str, min_share: float
) -> tuple[str, str] | None:
    """``(status, Markdown text)`` of the banner for a unit-year left out of the ranking
    (``"excluded"``) or ranked with a warning (``"flagged"``); ``None`` when it is ranked
    normally. The text names the coverage and the dimensions with no data at all."""
    from ui.i18n import t

    if not screen or screen["screening"] not in ("excluded", "flagged"):
        return None
    sep = "、" if lang == "zh" else ", "
    dims = sep.join(framework.name(d, lang) for d in screen["missing_dimensions"])
    # plain templates filled here; t() escapes each value once for Markdown
    coverage = t("coverage_value", lang).format(present=screen["present"], total=screen["total"])
    status = screen["screening"]
    text = t(
        "screen_excluded" if status == "excluded" else "screen_flagged",
        lang,
        city=city,
        year=year,
        coverage=coverage,
        dims=t("screen_dims", lang).format(dims=dims) if dims else "",
        share=f"{min_share:.0%}",
    )
    return status, text


def build_label(config, framework: Framework, lang: str) -> str | None:
    """What makes a build other than the default one, for the notice every page shows:
    "当前方案（非默认）：自定义权重 人才储备量 5 · 人才流动性 0 …；标准化：Z 分数"; ``None`` for
    the default build (``Config()``). Settings outside the sidebar (e.g. from a recipe) are
    named by their setting name."""
    from indicators import Config
    from ui import state
    from ui.i18n import t

    default = Config()
    if config == default:
        return None
    parts = []
    if config.weight_overrides:
        weights = " · ".join(f"{framework.name(c, lang)} {w:g}" for c, w in config.weight_overrides)
        parts.append(t("custom_weights", lang).format(weights=weights))
    shown = {"weight_overrides"}
    for param in state.METHOD_PARAMS:
        shown.add(param.name)
        value = getattr(config, param.name)
        if value != getattr(default, param.name):
            label = param.label[1] if lang == "en" else param.label[0]
            parts.append(
                f"{label}{'：' if lang == 'zh' else ': '}{param.choice_label(value, lang)}"
            )
    for name, value in config.changes().items():
        if name not in shown:
            parts.append(f"{name} = {value}")
    return t("build_custom", lang, parts=("；" if lang == "zh" else "; ").join(parts))


# ---------------------------------------------------------------------------- any metric, change
def metric_options(framework: Framework) -> tuple[str, ...]:
    """What the Rankings page can rank and map: the index, each dimension, each indicator."""
    root = framework.root
    return (root, *framework.children(root), *framework.indicators)


def metric_label(framework: Framework, code: str, lang: str) -> str:
    """ "人才活力指数", "维度 · 人才储备量", "指标 · 平均受教育年限（年）"."""
    from ui.i18n import t

    name = framework.name(code, lang)
    if code == framework.root:
        return name
    if code in framework.indicators:
        unit = framework.unit(code, lang)
        shown = (
            f"{name}（{unit}）" if lang == "zh" and unit else f"{name} ({unit})" if unit else name
        )
        return f"{t('metric_indicator', lang)} · {shown}"
    return f"{t('metric_dimension', lang)} · {name}"


def metric_table(result, framework: Framework, units: pd.DataFrame, year: int, lang: str,
                 code: str) -> pd.DataFrame:  # fmt: skip
    """One row per ranked unit for a dimension or an indicator: ``adcode, rank, name, value``
    (the dimension's score, or the indicator's raw value in its own unit) and ``shown`` (the
    value as text with its unit), best first. Ranks are within the group (direction applied:
    for an indicator where lower is better, the lowest value ranks first)."""
    ranking = result.ranking
    keep = (ranking["year"] == year) & (ranking["screening"] != "excluded")
    adcodes = ranking.loc[keep, "adcode"]
    ranks = result.ranks.set_index(["adcode", "year"])[code]
    if code in framework.indicators:
        values = result.raw.set_index(["adcode", "year"])[code]
        unit = framework.unit(code, lang)
    else:
        values = result.scores.set_index(["adcode", "year"])[code]
        unit = ""
    index = pd.MultiIndex.from_arrays([adcodes, np.full(len(adcodes), year)])
    names = names_map(units, lang)
    table = pd.DataFrame(
        {
            "adcode": adcodes.to_numpy(),
            "rank": ranks.reindex(index).to_numpy(),
            "name": adcodes.map(names).fillna(adcodes).to_numpy(),
            "value": values.reindex(index).to_numpy(dtype=float),
        }
    )
    digits = value_digits(table["value"])
    table["shown"] = [_with_unit(v, unit, lang, digits) for v in table["value"]]
    table["rank"] = table["rank"].astype("Int64")
    return table.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


def change_view(result, framework: Framework, units: pd.DataFrame, lang: str,
                code: str) -> pd.DataFrame:  # fmt: skip
    """Change between the first and the last year for ``code`` (:func:`indicators.change.change`
    on pooled scores), for reading: ``adcode, name, rank_first, rank_last, move`` (↑2 / ↓1),
    ``score_first, score_last, delta`` (signed text) and the numbers ``score_change``,
    ``rank_change``; units ranked in both years, best last-year rank first."""
    from indicators.change import change

    table = change(result, code=code)
    table = table.dropna(subset=["rank_first", "rank_last"]).reset_index(drop=True)
    names = names_map(units, lang)
    table.insert(1, "name", table["adcode"].map(names).fillna(table["adcode"]))
    table["move"] = [rank_move(a, b, lang) for a, b in zip(table["rank_first"], table["rank_last"],
                                                         strict=True)]  # fmt: skip
    table["delta"] = [signed(v) for v in table["score_change"]]
    return table


#: Rows a chart shows before "show all" (the lab's rank shifts and intervals).
TOP_ROWS = 30


def most_moved(shift: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` units whose rank moved most between ``before`` and ``after`` (ties: the better
    rank first), in the frame's order."""
    moved = (shift["after"] - shift["before"]).abs()
    keep = moved.sort_values(ascending=False, kind="stable").index[:k]
    return shift.loc[shift.index.isin(keep)]
