"""The steps of a build, as pure functions on arrays: impute -> treat -> normalise -> weigh and
aggregate (level by level) -> rank.

Each step takes the previous step's matrix (rows = unit-years of the peer group, as in
:class:`~indicators.build.Panel`), the panel and the config, never writes to its inputs, and
returns its output with what it learned (for the log). :func:`indicators.run_pipeline` chains
them; the uncertainty analysis and "what would it take" call them directly, so every alternative
build goes through exactly the same arithmetic (COINr: "change the log, regenerate").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indicators.build import Panel
from indicators.config import Config
from indicators.methods import IMPUTE, NORMALISE, TREAT, WEIGHTS
from indicators.methods.aggregate import aggregate_matrix
from indicators.methods.rank import rank_desc
from indicators.tree import Tree
from indicators.validate import Problem, ValidationError

__all__ = [
    "screen",
    "Screening",
    "impute",
    "treat",
    "normalise",
    "weigh_and_aggregate",
    "rank",
    "scope_of",
    "goalpost_matrix",
    "Aggregated",
]


def scope_of(panel: Panel, config: Config) -> np.ndarray | None:
    """The groups bounds are learned in: ``None`` (all years pooled) or the years."""
    return panel.years if config.normalise_scope == "per_year" else None


@dataclass(frozen=True, eq=False)
class Screening:
    """Outcome of :func:`screen`, one entry per unit-year (row of the panel).

    Attributes
    ----------
    present : (n,) int — indicators with a value.
    total : int — indicators of the framework.
    missing_dimensions : (n, d) bool — dimensions (children of the index) with no indicator
        present; ``dimensions`` names the columns (empty for a two-level framework).
    fails : (n,) bool — the row fails the rule.
    kept : (n,) bool — the row takes part in the computation (all rows unless excluded).
    status : (n,) object — ``"ranked"``, ``"flagged"`` or ``"excluded"``.
    """

    present: np.ndarray
    total: int
    dimensions: tuple[str, ...]
    missing_dimensions: np.ndarray
    fails: np.ndarray
    kept: np.ndarray
    status: np.ndarray


def screen(X: np.ndarray, tree: Tree, config: Config) -> Screening:
    """Data availability of every unit-year, and the rule that screens it (COINr ``Screen()``
    with ``unit_screen = "byNA"``).

    A unit-year fails when fewer than ``screen_min_share`` of the framework's indicators have a
    value, or (frameworks with three or more levels) when a dimension, a child of the index,
    has none: an index missing a whole dimension measures something else. With
    ``screen="exclude"`` a failing unit-year is left out before anything is learned (bounds,
    outlier statistics, weights and ranks come from the others; its own values are kept in
    ``Result.raw``); with ``"flag"`` it is computed and ranked as usual and marked; with
    ``"none"`` the rule is only reported. Decision (``docs/METHODS.md``): 0.75 lets every
    prefecture-level city of both censuses through (at most 2 of 19 indicators are missing
    anywhere but in Sansha) and stops a unit that lacks a quarter of the evidence.
    """
    observed = ~np.isnan(X)
    present = observed.sum(axis=1)
    total = X.shape[1]
    dims, missing = tree.dimensions, np.zeros((X.shape[0], 0), dtype=bool)
    if dims:
        missing = ~np.stack([observed[:, cols].any(axis=1) for cols in tree.dimension_cols], axis=1)
    fails = (present < config.screen_min_share * total - 1e-9) | missing.any(axis=1)
    kept = ~fails if config.screen == "exclude" else np.ones(X.shape[0], dtype=bool)
    marked = {"exclude": "excluded", "flag": "flagged"}.get(config.screen)
    status = np.full(X.shape[0], "ranked", dtype=object)
    if marked is not None:
        status[fails] = marked
    return Screening(present, total, dims, missing, fails, kept, status)


def impute(X: np.ndarray, panel: Panel, config: Config) -> tuple[np.ndarray, dict]:
    """Fill missing cells by the configured method (``none`` returns ``X`` itself).

    Returns ``(X_imputed, details)``; see :mod:`indicators.methods.impute`."""
    if config.impute == "none":
        return X, {}
    return IMPUTE[config.impute].fn(
        X, years=panel.years, unit_ids=panel.adcodes, groups=panel.groups
    )


def treat(X: np.ndarray, panel: Panel, config: Config) -> tuple[np.ndarray, list[dict]]:
    """Outlier treatment (``none`` returns ``X`` itself); events as in
    :func:`indicators.methods.treat.treat_coinr`."""
    if config.treat == "none":
        return X, []
    return TREAT[config.treat].fn(
        X,
        scope=scope_of(panel, config),
        skew_thresh=config.treat_skew,
        kurt_thresh=config.treat_kurt,
        winmax=config.treat_winmax,
    )


def goalpost_matrix(tree: Tree, config: Config) -> np.ndarray:
    """(p, 2) goalposts (low, high) per indicator, NaN where none is given."""
    gp = np.full((len(tree.indicators), 2), np.nan)
    position = {c: j for j, c in enumerate(tree.indicators)}
    for code, low, high in config.goalposts:
        if code in position:
            gp[position[code]] = (low, high)
    return gp


def normalise(
    X: np.ndarray, panel: Panel, tree: Tree, config: Config
) -> tuple[np.ndarray, list[dict]]:
    """Normalise every indicator (higher = better) within the scope; see
    :mod:`indicators.methods.normalise`."""
    gp = goalpost_matrix(tree, config) if config.goalposts else None
    return NORMALISE[config.normalise].fn(
        X, tree.directions, scope=scope_of(panel, config), goalposts=gp
    )


@dataclass(frozen=True, eq=False)
class Aggregated:
    """Output of :func:`weigh_and_aggregate`.

    Attributes
    ----------
    V : (n, codes) values of every code (normalised indicators, then aggregates).
    weights : level -> (k,) child weights, normalised within parents (after overrides).
    coverage : list of (rows, cols, share): aggregates with a missing child.
    weight_info : list of (level, parent, method, children, weights, info, overridden).
    summaries : list of dict, one per level (method, counts of incomplete aggregates).
    """

    V: np.ndarray
    weights: dict[int, np.ndarray]
    coverage: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(repr=False)
    weight_info: list[tuple] = field(repr=False)
    summaries: list[dict] = field(repr=False)


def weigh_and_aggregate(
    N: np.ndarray, X: np.ndarray, tree: Tree, config: Config, counted: np.ndarray | None = None
) -> Aggregated:
    """Weigh the children of every parent and aggregate, level by level.

    Weights of a level are computed after the level below has been aggregated, so data-driven
    weights of the level-2 nodes (within their parents) use the level-2 scores. Entropy and
    CRITIC read ``X`` (treated, un-normalised) at level 1 and the children's scores above; PCA
    reads normalised values (the method's ``input``). Overrides replace a child's weight on the
    scale of its siblings' (normalised) weights, then the siblings are renormalised.
    ``counted`` (rows) limits the coverage bookkeeping to the rows that take part (an excluded
    unit-year is empty, not incomplete).
    """
    n = N.shape[0]
    V = np.full((n, len(tree.codes)), np.nan)
    V[:, tree.ind_cols] = N
    R = None  # "raw" inputs for entropy/CRITIC, made only when a method reads them
    overrides = dict(config.weight_overrides)
    ahp = {p: np.asarray(m, dtype=float) for p, m in config.ahp}
    dirs = np.ones(len(tree.codes))
    dirs[tree.ind_cols] = tree.directions
    weights: dict[int, np.ndarray] = {}
    coverage = []
    weight_info: list[tuple] = []
    summaries = []
    for st in tree.steps:
        child_level = st.level - 1
        name = config.weights if config.weights_apply_at(child_level) else "framework"
        method = WEIGHTS[name]
        touched = overrides and any(tree.codes[c] in overrides for c in st.child_cols)
        if name == "framework" and not touched:
            w = st.prior_normalised
            for f, pos in st.groups:
                weight_info.append((st.level, st.parents[f], name, pos, None, {}, ()))
        else:
            w = np.array(st.prior_normalised, copy=True)
            if method.data_driven and method.fn.input == "raw" and R is None:
                R = V.copy()
                R[:, tree.ind_cols] = X
            for f, pos in st.groups:
                cols = st.child_cols[pos]
                if method.data_driven:
                    src = R if method.fn.input == "raw" else V
                    values = src[:, cols]
                else:
                    values = np.empty((0, cols.size))
                wf, winfo = method.fn(
                    values, dirs[cols], st.prior[pos], pairwise=ahp.get(st.parents[f])
                )
                wf = np.asarray(wf, dtype=float)
                kids = [tree.codes[c] for c in cols]
                hit = tuple(k for k in kids if k in overrides)
                if hit:
                    wf = np.array([overrides.get(k, v) for k, v in zip(kids, wf, strict=True)])
                    total = wf.sum()
                    if not total > 0:  # a data-driven weight of 0 beside overrides of 0
                        raise ValidationError(
                            [
                                Problem(
                                    "config",
                                    None,
                                    "weight_overrides",
                                    f"every child of {st.parents[f]!r} ends with weight 0 "
                                    f"({', '.join(kids)}): give one a weight above 0",
                                )
                            ]
                        )
                    wf = wf / total
                w[pos] = wf
                weight_info.append((st.level, st.parents[f], name, pos, wf, winfo, hit))
        weights[st.level] = w
        agg = config.aggregate_for(st.level)
        y, share = aggregate_matrix(
            V[:, st.child_cols],
            st.matrix(w),
            agg,
            min_coverage=config.min_coverage,
            return_coverage=True,
        )
        V[:, st.parent_cols] = y
        if R is not None:
            R[:, st.parent_cols] = y
        incomplete = share < 1.0 - 1e-12
        if counted is not None:
            incomplete &= counted[:, None]
        rows, pcols = np.nonzero(incomplete)
        if rows.size:
            coverage.append((rows, st.parent_cols[pcols], share[rows, pcols]))
        summaries.append(
            {
                "level": st.level,
                "method": agg,
                "with_missing_child": int(rows.size),
                "below_min_coverage": int(
                    np.sum((share < config.min_coverage - 1e-12) & incomplete)
                ),
            }
        )
    return Aggregated(V, weights, coverage, weight_info, summaries)


def rank(values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Rank within each year, descending: 1 = best, ties share the best rank, NaN stays NaN
    (COINr ``rank(-x, ties.method = "min", na.last = "keep")``)."""
    return rank_desc(values, years)


def plain(v: Any) -> Any:
    """numpy scalars/arrays and tuples -> plain Python (comparable, JSON-friendly)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v
