"""Statistical audit and unit-level analysis of a built index.

Everything here reads the frames of a :class:`~indicators.result.Result` (``scores``, ``ranks``,
``raw``, ``framework``); :func:`what_it_takes` is the one function that recomputes the index, and
it does so by rerunning :func:`~indicators.pipeline.run_pipeline` (no second code path).

COINr correspondence (``bluefoxr/COINr``):

==========================  =====================================================
this module                 COINr
==========================  =====================================================
:func:`correlations`        ``get_corr()`` (``R/correlations.R``), pairwise complete obs
:func:`cronbach_alpha`      ``get_cronbach()`` (``R/correlations.R``)
:func:`pca_variance`        ``get_PCA()`` (``R/PCA.R``): ``prcomp(scale = TRUE)`` on
                            complete rows, variance shares of the components
:func:`strengths_weaknesses` ``get_str_weak()`` (``R/unit_reports.R``)
:func:`nearest_peers`       (none; distance as ``stats::dist`` with missing values)
:func:`what_it_takes`       (none)
==========================  =====================================================

References
----------
OECD/JRC (2008), *Handbook on Constructing Composite Indicators: Methodology and User Guide*,
OECD Publishing, step 4 (multivariate analysis) and step 10 (links to other indicators).
Cronbach, L. J. (1951), Coefficient alpha and the internal structure of tests,
*Psychometrika* 16(3), 297–334.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from indicators.framework import Framework
    from indicators.result import Result

__all__ = [
    "contributions",
    "correlations",
    "cronbach_alpha",
    "pca_variance",
    "strengths_weaknesses",
    "nearest_peers",
    "what_it_takes",
]

_KEYS = ["adcode", "year"]


# ---------------------------------------------------------------------------- helpers
def _rows(result: Result, year: int | None) -> pd.DataFrame:
    """``result.scores`` restricted to one year (``None``: every year, pooled)."""
    scores = result.scores
    if year is None:
        return scores
    part = scores.loc[scores["year"] == year]
    if part.empty:
        years = ", ".join(str(y) for y in sorted(scores["year"].unique()))
        raise ValueError(f"year {year} is not in the result (years: {years})")
    return part


def _codes_at(framework: Framework, level: int) -> list[str]:
    if level not in framework.levels:
        raise ValueError(f"level {level} is not in the framework (levels: {framework.levels})")
    return list(framework.codes_at(level))


def _descendants_at(framework: Framework, code: str, level: int) -> list[str]:
    """Codes at ``level`` below (or equal to) ``code``, in file order."""
    out: list[str] = []
    for candidate in framework.codes_at(level):
        node: str | None = candidate
        while node is not None and node != code:
            node = framework.parent(node)
        if node == code:
            out.append(candidate)
    return out


def _values(frame: pd.DataFrame, codes: Sequence[str]) -> np.ndarray:
    return frame.loc[:, list(codes)].to_numpy(dtype=float, na_value=np.nan)


# ---------------------------------------------------------------------------- correlations
def correlations(
    result: Result,
    level_a: int = 1,
    level_b: int | None = None,
    method: Literal["pearson", "spearman"] = "pearson",
    *,
    year: int | None = None,
    form: Literal["square", "long"] = "square",
    with_parent: bool = False,
) -> pd.DataFrame:
    """Correlations between the codes of one level and those of another (or the same) level.

    Values are the normalised indicators (level 1) and aggregate scores (higher levels) of
    ``result.scores``, over every unit-year row of the group (``year=None``) or one year.
    Each pair uses its *pairwise complete* rows, as COINr's ``get_corr()``
    (``stats::cor(use = "pairwise.complete.obs")``).

    Pearson: :math:`r_{ab} = \\frac{\\sum (a_i-\\bar a)(b_i-\\bar b)}
    {\\sqrt{\\sum (a_i-\\bar a)^2 \\sum (b_i-\\bar b)^2}}`; Spearman: Pearson on the ranks
    (average ranks for ties) of the pairwise complete rows.

    Parameters
    ----------
    result : Result
    level_a, level_b : int
        Rows are the codes at ``level_a``, columns the codes at ``level_b`` (default:
        ``level_a``, a within-level matrix).
    method : {"pearson", "spearman"}
    year : int, optional
        Restrict to one year (default: all years pooled).
    form : {"square", "long"}
        ``"square"``: DataFrame indexed by the ``level_a`` codes, one column per ``level_b``
        code. ``"long"``: columns ``code_a, code_b, r, n`` (``n`` = pairwise complete rows).
    with_parent : bool
        Long form only: keep only pairs where ``code_b`` is an ancestor of ``code_a`` (COINr's
        ``withparent = "family"``), e.g. each indicator against its own dimension.

    Returns
    -------
    DataFrame
        Correlations; ``NaN`` where fewer than 3 pairwise complete rows exist or a column is
        constant. No p-value masking (COINr masks ``p > 0.05`` by default; we show every value).

    References
    ----------
    OECD/JRC (2008) *Handbook*, step 4 (correlation analysis); COINr ``get_corr()``.
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"method must be 'pearson' or 'spearman', got {method!r}")
    if form not in ("square", "long"):
        raise ValueError(f"form must be 'square' or 'long', got {form!r}")
    framework = result.framework
    level_b = level_a if level_b is None else level_b
    codes_a = _codes_at(framework, level_a)
    codes_b = _codes_at(framework, level_b)
    union = list(dict.fromkeys([*codes_a, *codes_b]))
    frame = _rows(result, year).loc[:, union].astype(float)
    matrix = frame.corr(method=method, min_periods=3).loc[codes_a, codes_b]
    matrix.index.name = None
    matrix.columns.name = None
    if form == "square":
        return matrix
    present = frame.notna().to_numpy(dtype=float)
    counts = present.T @ present
    pos = {c: i for i, c in enumerate(union)}
    rows = []
    for a in codes_a:
        ancestors = set()
        node = framework.parent(a)
        while node is not None:
            ancestors.add(node)
            node = framework.parent(node)
        for b in codes_b:
            if with_parent and b not in ancestors:
                continue
            rows.append(
                {"code_a": a, "code_b": b, "r": matrix.at[a, b], "n": int(counts[pos[a], pos[b]])}
            )
    return pd.DataFrame(rows, columns=["code_a", "code_b", "r", "n"])


# ---------------------------------------------------------------------------- Cronbach's alpha
def _alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``x`` (pairwise complete covariances)."""
    k = x.shape[1]
    if k < 2:
        return float("nan")
    cov = pd.DataFrame(x).cov(min_periods=2).to_numpy()
    total = np.nansum(cov)
    if not np.isfinite(total) or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.nansum(np.diag(cov)) / total))


def cronbach_alpha(
    result: Result, level: int | None = None, *, year: int | None = None
) -> pd.DataFrame:
    """Cronbach's alpha of each aggregate, over the normalised indicators below it.

    .. math:: \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i \\sigma^2_i}{\\sigma^2_T}\\right),
              \\qquad \\sigma^2_T = \\operatorname{Var}\\Big(\\sum_i x_i\\Big)
              = \\sum_{i,j} \\sigma_{ij}

    with :math:`k` indicators, :math:`\\sigma^2_i` their variances and :math:`\\sigma_{ij}`
    their covariances (sample, ``n − 1``). As COINr's ``get_cronbach()`` the covariance matrix
    uses pairwise complete rows (``use = "pairwise.complete.obs"``); with complete data this is
    the textbook formula. Indicators with fewer than two values (e.g. not measured that year)
    are left out of ``k``; an aggregate with fewer than two indicators has no alpha (``NaN``).

    Parameters
    ----------
    result : Result
    level : int, optional
        Level of the aggregates (default: the dimensions, the level just below the root; the
        root itself when the indicators sit directly under it).
    year : int, optional
        Restrict to one year (default: all unit-year rows pooled).

    Returns
    -------
    DataFrame
        ``code, alpha, k, n``: ``k`` indicators used, ``n`` unit-year rows where all are present.

    References
    ----------
    Cronbach (1951); OECD/JRC (2008) *Handbook*, step 4 ("Cronbach coefficient alpha", values
    above about 0.7 are usually read as a consistent group).
    """
    framework = result.framework
    if level is None:  # the dimensions; the root itself when indicators sit right under it
        level = max(2, framework.level(framework.root) - 1)
    if level < 2:
        raise ValueError("level must be an aggregate level (2 or higher)")
    frame = _rows(result, year)
    rows = []
    for code in _codes_at(framework, level):
        items = [c for c in framework.indicators_under(code) if c in frame.columns]
        x = _values(frame, items)
        usable = (~np.isnan(x)).sum(axis=0) >= 2  # an item without data says nothing
        items = [c for c, ok in zip(items, usable, strict=True) if ok]
        x = x[:, usable]
        rows.append(
            {
                "code": code,
                "alpha": _alpha(x),
                "k": len(items),
                "n": int(np.all(~np.isnan(x), axis=1).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["code", "alpha", "k", "n"])


# ---------------------------------------------------------------------------- PCA
def _pca_rows(x: np.ndarray, group: str) -> list[dict]:
    complete = x[np.all(~np.isnan(x), axis=1)]
    n = complete.shape[0]
    sd = complete.std(axis=0, ddof=1) if n > 1 else np.zeros(complete.shape[1])
    complete = complete[:, sd > 0]
    p = complete.shape[1]
    if n < 3 or p < 1:
        return []
    corr = np.atleast_2d(np.corrcoef(complete, rowvar=False))
    eigen = np.clip(np.linalg.eigvalsh(corr)[::-1], 0.0, None)
    share = eigen / eigen.sum()
    cumulative = np.cumsum(share)
    return [
        {
            "group": group,
            "component": i + 1,
            "eigenvalue": float(eigen[i]),
            "share": float(share[i]),
            "cumulative": float(cumulative[i]),
            "n": n,
        }
        for i in range(p)
    ]


def pca_variance(
    result: Result,
    code: str | None = None,
    *,
    level: int = 1,
    by_group: bool = False,
    year: int | None = None,
) -> pd.DataFrame:
    """Share of variance explained by each principal component.

    PCA on standardised variables (COINr ``get_PCA()`` calls ``prcomp(center = TRUE,
    scale = TRUE)``): the eigenvalues :math:`\\lambda_1 \\ge \\dots \\ge \\lambda_p` of the
    correlation matrix :math:`R` of the ``p`` variables; component ``j`` explains
    :math:`\\lambda_j / \\sum_i \\lambda_i = \\lambda_j / p` of the total variance. Rows with a
    missing value are removed first (as COINr, which warns and uses ``na.omit``); constant
    variables are left out (their correlation is undefined).

    Parameters
    ----------
    result : Result
    code : str, optional
        PCA over the codes at ``level`` below this aggregate (default: every code at ``level``,
        i.e. all indicators; the ``group`` column is then the root code).
    level : int
        Level of the variables (1 = normalised indicators).
    by_group : bool
        One PCA per parent at ``level + 1`` (COINr ``by_groups = TRUE``); ignores ``code``.
    year : int, optional
        Restrict to one year (default: all unit-year rows pooled).

    Returns
    -------
    DataFrame
        ``group, component, eigenvalue, share, cumulative, n`` (``n`` = complete rows used).
        A group with fewer than 3 complete rows is omitted.

    References
    ----------
    OECD/JRC (2008) *Handbook*, step 4 (principal components analysis: a group whose first
    component explains a large share of variance is statistically coherent).
    """
    framework = result.framework
    frame = _rows(result, year)
    if by_group:
        groups = [
            (parent, _descendants_at(framework, parent, level))
            for parent in _codes_at(framework, level + 1)
        ]
    elif code is None:
        groups = [(framework.root, _codes_at(framework, level))]
    else:
        groups = [(code, _descendants_at(framework, code, level))]
    rows: list[dict] = []
    for group, codes in groups:
        rows.extend(_pca_rows(_values(frame, codes), group))
    return pd.DataFrame(
        rows, columns=["group", "component", "eigenvalue", "share", "cumulative", "n"]
    )


# ---------------------------------------------------------------------------- strengths
def strengths_weaknesses(result: Result, adcode: str, year: int, k: int = 3) -> pd.DataFrame:
    """A unit's best and worst indicators by rank within its group and year.

    For each indicator with a value for the unit, ``rank`` is its rank in ``result.ranks``
    (direction applied, 1 = best, ties share the best rank) among the ``n`` units of the group
    with a value that year, and ``position`` :math:`q = (rank - 1)/(n - 1)` (0 = best,
    1 = worst) makes ranks comparable when indicators have different ``n``.

    * **strengths**: indicators in the top half (:math:`q < 0.5`), best ``q`` first, at most
      ``k``;
    * **weaknesses**: indicators in the bottom half (:math:`q > 0.5`), worst ``q`` first, at
      most ``k``.

    So a unit never gets a "strength" it is mediocre at, nor a "weakness" it is good at (COINr's
    ``get_str_weak()`` reports the top/bottom ``N`` regardless, and discards the unit's worst
    possible rank with ``min_discard``; our half rule covers that case). Indicators on which
    every unit of the group has the same value, or with fewer than 2 units, are skipped.
    **Ties**: tied units share the best rank of the tie (COINr's sport ranking), so a unit tied
    with many others is placed at the top of the tie: that can make it a strength and keeps it
    from being a weakness (e.g. a value of 0 shared by half of the group has
    :math:`q \\approx 0.5`). Equal ``q`` are broken by framework order.

    Returns
    -------
    DataFrame
        ``kind`` (``"strength"``/``"weakness"``), ``code``, ``value`` (raw), ``score``
        (normalised), ``rank``, ``n``, ``position``; strengths first.

    References
    ----------
    COINr ``get_str_weak()``; OECD/JRC (2008) *Handbook*, step 9 (country profiles).
    """
    framework = result.framework
    codes = list(framework.indicators)
    scores = _rows(result, year)
    ranks = result.ranks.loc[result.ranks["year"] == year]
    unit_rank = ranks.loc[ranks["adcode"] == adcode]
    if unit_rank.empty:
        raise ValueError(f"unit {adcode!r} has no row for year {year} in the result")
    unit_score = scores.loc[scores["adcode"] == adcode]
    raw = result.raw.loc[(result.raw["year"] == year) & (result.raw["adcode"] == adcode)]
    rows = []
    for order, code in enumerate(codes):
        rank = unit_rank[code].iloc[0]
        column = scores[code].astype(float)
        present = column.dropna()
        n = len(present)
        if pd.isna(rank) or n < 2 or present.nunique() < 2:
            continue
        rank = int(rank)
        position = (rank - 1) / (n - 1)
        value = raw[code].iloc[0] if code in raw.columns and not raw.empty else np.nan
        rows.append(
            {
                "code": code,
                "value": float(value),
                "score": float(unit_score[code].iloc[0]),
                "rank": rank,
                "n": n,
                "position": position,
                "_order": order,
            }
        )
    table = pd.DataFrame(
        rows, columns=["code", "value", "score", "rank", "n", "position", "_order"]
    )
    best = table.loc[table["position"] < 0.5].sort_values(["position", "_order"]).head(k)
    worst = (
        table.loc[table["position"] > 0.5]
        .sort_values(["position", "_order"], ascending=[False, True])
        .head(k)
    )
    out = pd.concat(
        [best.assign(kind="strength"), worst.assign(kind="weakness")], ignore_index=True
    )
    out = out[["kind", "code", "value", "score", "rank", "n", "position"]]
    out["rank"] = out["rank"].astype("int64")
    out["n"] = out["n"].astype("int64")
    return out


# ---------------------------------------------------------------------------- contributions
def contributions(result: Result, adcode: str, year: int) -> pd.DataFrame | None:
    """Index points each indicator contributes to a unit's index score.

    With a weighted arithmetic mean at every level, a node's score is
    :math:`S_p = \\sum_c \\tilde w_c S_c`, where :math:`\\tilde w_c` are the weights of the
    children present, renormalised to sum to 1 (missing children drop out, as in the pipeline).
    Unrolling the tree, the index equals :math:`\\sum_i f_i s_i` over indicators, with
    :math:`f_i` the product of the renormalised weights on the path from the root, so
    :math:`f_i s_i` is an exact additive breakdown (OECD/JRC 2008 *Handbook*, step 10).

    Returns
    -------
    DataFrame or None
        ``dimension`` (the root's child the indicator sits under), ``code``, ``points``, in
        framework order; the points add up to the index score. ``None`` when some level is not
        aggregated arithmetically (geometric and harmonic means have no additive breakdown) or
        the unit has no index score that year.
    """
    framework = result.framework
    config = result.config
    if config.aggregate != "arithmetic" or any(
        m != "arithmetic" for _, m in config.aggregate_by_level
    ):
        return None
    scores = result.scores
    row = scores.loc[(scores["adcode"] == adcode) & (scores["year"] == year)]
    if row.empty or pd.isna(row[framework.root].iloc[0]):
        return None
    row = row.iloc[0]
    weight = result.weights.set_index("code")["weight"]
    rows: list[dict] = []

    def walk(code: str, factor: float, dimension: str | None) -> None:
        children = [c for c in framework.children(code) if pd.notna(row.get(c))]
        total = sum(float(weight[c]) for c in children)
        for child in children:
            share = factor * float(weight[child]) / total if total else 0.0
            dim = dimension or child
            if framework.level(child) == 1:
                rows.append({"dimension": dim, "code": child, "points": share * float(row[child])})
            else:
                walk(child, share, dim)

    walk(framework.root, 1.0, None)
    return pd.DataFrame(rows, columns=["dimension", "code", "points"])


# ---------------------------------------------------------------------------- nearest peers
def nearest_peers(
    result: Result, adcode: str, year: int, k: int = 5, level: int = 1
) -> pd.DataFrame:
    """The ``k`` units of the group whose profile is closest to ``adcode``'s in ``year``.

    Profile: the normalised indicators (``level=1``) or the scores of the aggregates at
    ``level`` (e.g. the dimensions), as in ``result.scores``. Distance (Euclidean):

    .. math:: d(u, v) = \\sqrt{\\frac{p}{m}\\sum_{j \\in M} (x_{uj} - x_{vj})^2}

    where :math:`p` is the number of coordinates the unit ``u`` has, :math:`M` the coordinates
    both units have and :math:`m = |M|`. Missing values are thus handled as R's
    ``stats::dist()`` does: only shared coordinates are used and the sum is scaled up by
    :math:`p/m` so that units with fewer shared coordinates are not artificially close. Units
    sharing no coordinate are left out. Ties in distance are ordered by adcode.

    ``rms`` :math:`= d/\\sqrt{p} = \\sqrt{\\frac{1}{m}\\sum_{j \\in M} (x_{uj} - x_{vj})^2}` is the
    same distance read per coordinate: the root-mean-square difference of the two profiles, in
    the units of the scores (index points on a 0–100 scale under min–max normalisation), i.e.
    "the two units differ by about ``rms`` points per indicator". Same order as ``distance``.

    Returns
    -------
    DataFrame
        ``adcode, distance, rms, shared`` (:math:`m`), ``rank`` (the peer's index rank),
        nearest first.

    References
    ----------
    OECD/JRC (2008) *Handbook*, step 4 (cluster analysis of units on their indicator profiles).
    """
    framework = result.framework
    codes = _codes_at(framework, level)
    scores = _rows(result, year)
    target = scores.loc[scores["adcode"] == adcode]
    if target.empty:
        raise ValueError(f"unit {adcode!r} has no row for year {year} in the result")
    x = _values(target, codes)[0]
    keep = ~np.isnan(x)
    others = scores.loc[scores["adcode"] != adcode]
    y = _values(others, codes)[:, keep]
    x = x[keep]
    p = int(keep.sum())
    shared = (~np.isnan(y)).sum(axis=1)
    sq = np.nansum((y - x) ** 2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.sqrt(sq * p / shared)
        rms = np.sqrt(sq / shared)
    out = pd.DataFrame(
        {
            "adcode": others["adcode"].to_numpy(),
            "distance": distance,
            "rms": rms,
            "shared": shared.astype("int64"),
        }
    )
    if "rank" in others.columns:
        out["rank"] = others["rank"].to_numpy()
    out = out.loc[out["shared"] > 0]
    return out.sort_values(["distance", "adcode"], kind="stable").head(k).reset_index(drop=True)


# ---------------------------------------------------------------------------- what it takes
def _unit_rank(index: np.ndarray, row: int, year_rows: np.ndarray, target: int):
    """(rank of ``row``, gap to the ``target``-th best other unit of its year).

    ``gap = S_u - S_(target)`` where :math:`S_{(t)}` is the ``target``-th highest index among
    the other units of the year: the unit's rank is ``≤ target`` exactly when ``gap ≥ 0``
    (ties share the best rank).
    """
    own = float(index[row])
    others = index[year_rows[year_rows != row]]
    others = np.sort(others[~np.isnan(others)])[::-1]
    rank = float("nan") if math.isnan(own) else float(1 + np.sum(others > own))
    threshold = others[target - 1] if len(others) >= target else -np.inf
    return rank, own - threshold


#: How far beyond the group's best value :func:`what_it_takes` searches, in group ranges.
REACH = 1.0


def _domain(framework: Framework, code: str, observed: np.ndarray) -> tuple[float, float]:
    """Values an indicator can take: ``[0, 100]`` for a share (unit ``%``), ``[0, ∞)`` when
    every observed value is ``≥ 0`` (counts, years, rates of this census set), else unbounded."""
    units = {framework.unit(code, "zh").strip(), framework.unit(code, "en").strip()}
    low = 0.0 if np.nanmin(observed) >= 0 else -np.inf
    high = 100.0 if "%" in units and np.nanmax(observed) <= 100 else np.inf
    return low, high


def what_it_takes(
    result: Result,
    adcode: str,
    year: int,
    places: int = 1,
    *,
    rtol: float = 1e-6,
    codes: Sequence[str] | None = None,
    reach: float = REACH,
) -> pd.DataFrame:
    """For each indicator, the smallest change of its raw value alone that lifts the unit by
    ``places`` ranks in the index (all else equal), and how large that change is against the
    spread of the group.

    The index is recomputed by the build's own steps (:func:`indicators.pipeline.compute`) for
    every trial value, same config and peer group, so everything learned from the data moves
    with the value: when the unit becomes the new maximum, the min–max bounds move; treatment,
    z-score moments, data-driven weights and ranks are all recomputed.

    Method. Let :math:`r_0` be the unit's rank and :math:`t = \\max(1, r_0 - places)` the
    target rank. For indicator :math:`j` with direction :math:`d_j`, let :math:`m, M` be the
    smallest and largest value among the ranked units of the group in ``year`` (the unit
    included), :math:`R = M - m` the group's observed range and :math:`x^*` the group's best
    value (:math:`M` if :math:`d_j = +1`, :math:`m` if :math:`-1`). Trial values run from the
    current value :math:`x_0` to the search limit :math:`x_L = x^* + d_j \\cdot` ``reach``
    :math:`\\cdot R` (default one whole range beyond the best unit), clipped to the values the
    indicator can take (``[0, 100]`` for a ``%`` share, ``[0, ∞)`` when no observed value is
    negative). With :math:`g(x) = S_u(x) - S_{(t)}(x)` (the unit's index minus the ``t``-th best
    index of the other units), the unit reaches rank :math:`\\le t` iff :math:`g(x) \\ge 0`. If
    :math:`g(x_L) < 0` the change is **not reachable**. Otherwise the smallest sufficient value
    is found by a safeguarded false-position search (Illinois variant, with bisection steps when
    the bracket shrinks slowly) on :math:`[x_0, x_L]`, keeping the bracket
    :math:`g(lo) < 0 \\le g(hi)`; each new upper end :math:`hi` is checked against
    :math:`hi - tol` (for the piecewise-linear :math:`g` of min-max and arithmetic means this
    ends the search in a few runs). It stops when :math:`|hi - lo| \\le tol =` ``rtol``
    :math:`\\cdot|x_L - x_0|`; ``required`` is :math:`hi`: it suffices, and :math:`hi - tol`
    does not. This needs no smoothness of :math:`g` (rank normalisation makes it a step
    function); it assumes that :math:`g` is non-decreasing in the improvement, which holds for
    the monotone normalisations and means; if outlier treatment makes it non-monotone the value
    found is *a* sufficient value, the smallest within the bracket.

    **Effort** :math:`e = |x_{req} - x_0| / R`: the change as a share of the group's observed
    range, comparable across indicators with different units (0.1 = a tenth of the distance
    between the group's lowest and highest unit). :math:`e > 1` or a required value beyond
    :math:`x^*` (``beyond_range``) means no unit of the group has such a value.

    Parameters
    ----------
    result : Result
        The build to work in (its data, config and peer group).
    adcode, year : the unit and year to lift.
    places : int
        Ranks to gain; a target above rank 1 is clamped to rank 1.
    rtol : float
        Tolerance of the search, relative to :math:`|x_L - x_0|`.
    codes : sequence of str, optional
        Only these indicators (default: every indicator).
    reach : float
        How far beyond the group's best value to search, in group ranges (``0``: never beyond
        the best unit of the group).

    Returns
    -------
    DataFrame
        One row per indicator in framework order: ``code, current, required, change``
        (``required - current``, in the indicator's own units; negative for a "less is better"
        indicator), ``change_pct`` (``100 · change / |current|``), ``group_min``,
        ``group_max`` (:math:`m, M`), ``effort`` (:math:`e`), ``beyond_range`` (bool: the
        required value lies outside :math:`[m, M]`), ``new_rank`` (rank with the required value;
        missing when not feasible), ``feasible`` (bool) and ``note`` (``""``; ``"missing"``: no
        value for the unit, or no index; ``"not reachable"``: no value up to :math:`x_L`
        suffices; ``"no spread"``: every unit of the group has the same value; ``"already
        first"``; ``"excluded"``: the unit-year is screened out of the ranking,
        ``Config.screen``).
    """
    from indicators.pipeline import compute

    if places < 1:
        raise ValueError("places must be at least 1")
    if not reach >= 0:
        raise ValueError("reach must be 0 or more")
    build = result.build
    framework = result.framework
    panel, tree = build.panel, build.tree
    found = np.flatnonzero((panel.adcodes == str(adcode)) & (panel.years == year))
    if found.size == 0:
        raise ValueError(f"unit {adcode!r} has no row for year {year} in the group")
    row = int(found[0])
    year_rows = np.flatnonzero(panel.years == year)
    kept = result.arrays.screening.kept
    ranked_rows = year_rows[kept[year_rows]]
    root = tree.root_col
    index = result.arrays.V[:, root]
    current_rank = result.arrays.root_rank[row]
    columns = [
        "code",
        "current",
        "required",
        "change",
        "change_pct",
        "group_min",
        "group_max",
        "effort",
        "beyond_range",
        "new_rank",
        "feasible",
        "note",
    ]
    rows: list[dict[str, Any]] = []
    nan = float("nan")

    def entry(code, current, low, high, required=nan, new_rank=nan, note=""):
        change = required - current if not math.isnan(required) else nan
        pct = 100.0 * change / abs(current) if current not in (0.0,) else nan
        spread = high - low
        beyond = not math.isnan(required) and not (low <= required <= high)
        return {
            "code": code,
            "current": current,
            "required": required,
            "change": change,
            "change_pct": pct,
            "group_min": low,
            "group_max": high,
            "effort": abs(change) / spread if spread > 0 else nan,
            "beyond_range": beyond,
            "new_rank": new_rank,
            "feasible": not math.isnan(required),
            "note": note,
        }

    excluded = not kept[row]
    for code in tree.indicators if codes is None else codes:
        j = tree.indicators.index(code)
        current = float(panel.X[row, j])
        column = panel.X[ranked_rows, j]
        low, high = (
            (float(np.nanmin(column)), float(np.nanmax(column)))
            if np.isfinite(column).any()
            else (nan, nan)
        )
        if excluded:
            rows.append(entry(code, current, low, high, note="excluded"))
            continue
        if math.isnan(current_rank) or math.isnan(current):
            rows.append(entry(code, current, low, high, note="missing"))
            continue
        if current_rank <= 1:
            rows.append(entry(code, current, low, high, note="already first"))
            continue
        if not high > low:
            rows.append(entry(code, current, low, high, note="no spread"))
            continue
        target = max(1, int(current_rank) - places)
        direction = tree.directions[j]
        best = high if direction > 0 else low
        lower, upper = _domain(framework, code, panel.X[:, j])
        limit = float(np.clip(best + direction * reach * (high - low), lower, upper))
        if (limit - current) * direction <= 0:  # already at the edge of what the value can be
            rows.append(entry(code, current, low, high, note="not reachable"))
            continue
        trial = np.array(panel.X, copy=True)

        def evaluate(value: float, j: int = j, target: int = target, trial=trial):
            trial[row, j] = value
            return _unit_rank(compute(build, trial).V[:, root], row, year_rows, target)

        hi_rank, g_hi = evaluate(limit)
        if not g_hi >= 0:
            rows.append(entry(code, current, low, high, note="not reachable"))
            continue
        lo, hi = current, limit
        g_lo = _unit_rank(index, row, year_rows, target)[1]  # < 0: not yet at the target
        tol = rtol * abs(limit - current)
        sign = 1.0 if hi > lo else -1.0
        side, slow = 0, 0
        for _ in range(200):
            width = abs(hi - lo)
            if width <= tol:
                break
            # Illinois false position; a bisection step when the bracket shrinks slowly
            mid = 0.5 * (lo + hi)
            if slow < 2 and np.isfinite(g_hi) and np.isfinite(g_lo) and g_hi != g_lo:
                guess = hi - g_hi * (hi - lo) / (g_hi - g_lo)
                if (guess - lo) * sign > 0 and (hi - guess) * sign > 0:
                    mid = guess
            else:
                slow = 0
            mid_rank, g_mid = evaluate(mid)
            if g_mid >= 0:
                hi, g_hi, hi_rank = mid, g_mid, mid_rank
                g_lo = g_lo / 2.0 if side == 1 else g_lo
                side = 1
                probe = hi - sign * tol  # is a value just below the new bound also enough?
                if (probe - lo) * sign > 0:
                    probe_rank, g_probe = evaluate(probe)
                    if g_probe >= 0:
                        hi, g_hi, hi_rank = probe, g_probe, probe_rank
                    else:
                        lo, g_lo = probe, g_probe
            else:
                lo, g_lo = mid, g_mid
                g_hi = g_hi / 2.0 if side == -1 else g_hi
                side = -1
            slow = slow + 1 if abs(hi - lo) > 0.5 * width else 0
        rows.append(entry(code, current, low, high, hi, hi_rank))
    out = pd.DataFrame(rows, columns=columns)
    out["feasible"] = out["feasible"].astype(bool)
    out["beyond_range"] = out["beyond_range"].astype(bool)
    return out
