"""The build: validate -> impute -> treat -> normalise -> weight -> aggregate -> rank.

:func:`run_pipeline` is the one entry point (COINr: ``new_coin`` + ``Impute`` + ``Treat`` +
``Normalise`` + ``Aggregate`` + ``get_results``). It works on one numpy indicator matrix (rows =
unit-years of the peer group sorted by ``adcode, year``; columns = indicators) and a value matrix
``V`` with one column per framework code that is filled level by level, so there are no per-row
Python loops and no per-node DataFrame churn.

Building blocks for vectorised reuse (e.g. a Monte Carlo uncertainty analysis):

* :func:`build_tree` — the framework as index arrays (:class:`Tree`, :class:`LevelStep`);
* :func:`indicators.methods.normalise.normalise_matrix` — normalise a matrix by method name;
* :func:`indicators.methods.aggregate.aggregate_matrix` — aggregate children into parents;
* :func:`aggregate_tree` — fill every aggregate of the tree from normalised indicators with
  given (or framework) weights, optionally with leading batch dimensions;
* :func:`framework_weight_matrices`, :func:`effective_weights`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicators.config import Config
from indicators.methods import IMPUTE, NORMALISE, TREAT, WEIGHTS
from indicators.methods.aggregate import aggregate_matrix
from indicators.methods.rank import rank_desc
from indicators.result import Result
from indicators.validate import Problem, ValidationError

__all__ = [
    "run_pipeline",
    "build_tree",
    "Tree",
    "LevelStep",
    "aggregate_tree",
    "framework_weight_matrices",
    "effective_weights",
]

KEYS = ["adcode", "year"]


# ---------------------------------------------------------------------------------- the tree
@dataclass(frozen=True, eq=False)
class LevelStep:
    """The aggregates computed at one level.

    Attributes
    ----------
    level : int
        Level of the parents.
    parents : tuple of str
        Parent codes (framework order).
    parent_cols : (m,) int array
        Their columns in the value matrix ``V``.
    child_cols : (k,) int array
        Columns in ``V`` of every child of these parents (each child has one parent).
    owner : (k,) int array
        For each child, the position of its parent in ``parents``.
    membership : (k, m) float array
        1 where the child belongs to the parent.
    prior : (k,) float array
        Framework weights of the children (raw, as in the file).
    """

    level: int
    parents: tuple[str, ...]
    parent_cols: np.ndarray
    child_cols: np.ndarray
    owner: np.ndarray
    membership: np.ndarray
    prior: np.ndarray

    def matrix(self, child_weights: np.ndarray) -> np.ndarray:
        """(k,) or (..., k) child weights -> (..., k, m) weight matrix for aggregation."""
        w = np.asarray(child_weights, dtype=float)
        return w[..., :, None] * self.membership


@dataclass(frozen=True, eq=False)
class Tree:
    """The framework as index arrays.

    Attributes
    ----------
    codes : tuple of str
        Every code, framework order; column ``j`` of ``V`` is ``codes[j]``.
    index : dict
        Code -> column.
    indicators : tuple of str
        Level-1 codes (framework order).
    ind_cols : (p,) int array
        Their columns in ``V``.
    directions : (p,) float array
        +1/-1 per indicator.
    steps : tuple of LevelStep
        One per aggregate level, ascending.
    root : str
    """

    codes: tuple[str, ...]
    index: dict[str, int]
    indicators: tuple[str, ...]
    ind_cols: np.ndarray
    directions: np.ndarray
    steps: tuple[LevelStep, ...]
    root: str


def build_tree(framework: Any) -> Tree:
    """Precompute the index arrays of a framework (see :class:`Tree`)."""
    codes = tuple(framework.codes)
    index = {c: j for j, c in enumerate(codes)}
    inds = tuple(framework.indicators)
    steps = []
    for level in sorted(framework.levels)[1:]:
        parents = tuple(framework.codes_at(level))
        child_cols, owner, prior = [], [], []
        for f, p in enumerate(parents):
            for c in framework.children(p):
                child_cols.append(index[c])
                owner.append(f)
                prior.append(float(framework.weight(c)))
        owner_a = np.asarray(owner, dtype=np.intp)
        membership = np.zeros((len(owner), len(parents)))
        membership[np.arange(len(owner)), owner_a] = 1.0
        steps.append(
            LevelStep(
                level=level,
                parents=parents,
                parent_cols=np.asarray([index[p] for p in parents], dtype=np.intp),
                child_cols=np.asarray(child_cols, dtype=np.intp),
                owner=owner_a,
                membership=membership,
                prior=np.asarray(prior, dtype=float),
            )
        )
    return Tree(
        codes=codes,
        index=index,
        indicators=inds,
        ind_cols=np.asarray([index[c] for c in inds], dtype=np.intp),
        directions=np.asarray([float(framework.direction(c)) for c in inds]),
        steps=tuple(steps),
        root=framework.root,
    )


def _normalise_within(w: np.ndarray, owner: np.ndarray, m: int) -> np.ndarray:
    """Normalise child weights to sum 1 within each parent (equal if a parent's sum is 0)."""
    w = np.asarray(w, dtype=float)
    onehot = np.zeros((owner.size, m))
    onehot[np.arange(owner.size), owner] = 1.0
    s = (w @ onehot)[..., owner]
    counts = onehot.sum(axis=0)[owner]
    return np.where(s > 0, w / np.where(s > 0, s, 1.0), 1.0 / counts)


def framework_weight_matrices(tree: Tree) -> dict[int, np.ndarray]:
    """Framework child weights per level, normalised within parents: level -> (k,) array."""
    return {st.level: _normalise_within(st.prior, st.owner, len(st.parents)) for st in tree.steps}


def aggregate_tree(
    normalised: np.ndarray,
    tree: Tree,
    weights: Mapping[int, np.ndarray] | None = None,
    method: str | Mapping[int, str] = "arithmetic",
    *,
    min_coverage: float = 0.5,
    return_coverage: bool = False,
):
    """Fill every aggregate of the tree from normalised indicators (building block).

    Parameters
    ----------
    normalised : (..., n, p) normalised indicators (columns in ``tree.indicators`` order).
    tree : Tree
    weights : level -> (..., k) child weights (normalised within parents, as returned by
        :func:`framework_weight_matrices`); default = framework weights. Batch dimensions
        broadcast against those of ``normalised``.
    method : aggregation name, or level -> name.
    min_coverage : see :func:`aggregate_matrix`.

    Returns
    -------
    V or (V, shares) : (..., n, len(tree.codes)) values of every code; ``shares`` maps a
    level to the (..., n, m) present share of its parents.
    """
    N = np.asarray(normalised, dtype=float)
    weights = framework_weight_matrices(tree) if weights is None else weights
    batch = np.broadcast_shapes(N.shape[:-2], *(np.asarray(w).shape[:-1] for w in weights.values()))
    V = np.full(batch + (N.shape[-2], len(tree.codes)), np.nan)
    V[..., tree.ind_cols] = N
    shares = {}
    for st in tree.steps:
        m = method if isinstance(method, str) else method.get(st.level, "arithmetic")
        y, share = aggregate_matrix(
            V[..., st.child_cols],
            st.matrix(weights[st.level]),
            m,
            min_coverage=min_coverage,
            return_coverage=True,
        )
        V[..., st.parent_cols] = y
        shares[st.level] = share
    return (V, shares) if return_coverage else V


def effective_weights(tree: Tree, weights: Mapping[int, np.ndarray]) -> np.ndarray:
    """End-to-end weight of every code: the product of the weights from the root down.

    Returns a (len(tree.codes),) array (root = 1).
    """
    eff = np.ones(len(tree.codes))
    for st in reversed(tree.steps):
        eff[st.child_cols] = eff[st.parent_cols][st.owner] * np.asarray(weights[st.level])
    return eff


# ------------------------------------------------------------------------------ validation
def _problems(data, framework, config, units, unit_groups) -> list[Problem]:
    problems = list(config.validate(framework))
    if not isinstance(data, pd.DataFrame):
        problems.append(Problem("data", None, None, "data must be a table (DataFrame)"))
        return problems
    if "adcode" not in data.columns:
        problems.append(Problem("data", None, "adcode", "the column 'adcode' is missing"))
    missing = [c for c in framework.indicators if c not in data.columns]
    for c in missing:
        problems.append(
            Problem("data", None, c, f"indicator {c!r} of the framework has no column in the data")
        )
    for c in framework.indicators:
        if c in data.columns and not (
            pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])
        ):
            problems.append(Problem("data", None, c, f"column {c!r} must hold numbers"))
    if "year" in data.columns and not pd.api.types.is_integer_dtype(data["year"]):
        problems.append(Problem("data", None, "year", "column 'year' must hold whole numbers"))
    if config.impute in ("group_mean", "group_median") and unit_groups is None:
        problems.append(
            Problem(
                "config",
                None,
                "impute",
                f"impute={config.impute!r} needs unit_groups (adcode -> group, e.g. province)",
            )
        )
    return problems


# ------------------------------------------------------------------------------- pipeline
def run_pipeline(
    data: pd.DataFrame,
    framework: Any,
    config: Config | None = None,
    *,
    units: Sequence[str] | None = None,
    unit_groups: Mapping[str, Any] | None = None,
) -> Result:
    """Build the index: validate -> impute -> treat -> normalise -> weight -> aggregate -> rank.

    Parameters
    ----------
    data : DataFrame
        Wide table: ``adcode``, ``year`` (optional: a single period ``year = 0`` if absent) and
        one numeric column per indicator; other columns are ignored. Never modified.
    framework : Framework
    config : Config, default ``Config()`` (COINr's default build)
    units : sequence of adcodes, optional
        The peer group. The data are restricted to it **first**, so every bound, weight and
        rank is learned within the group.
    unit_groups : mapping adcode -> label, optional
        Groups for ``group_mean``/``group_median`` imputation (e.g. province).

    Returns
    -------
    Result

    Raises
    ------
    ValidationError
        With every problem in the config (bad names, thresholds, goalposts, AHP matrices...)
        and in the data (missing or non-numeric indicator columns, duplicate unit-years, an
        empty peer group).

    Notes
    -----
    Deterministic: the same inputs and config give identical frames and log. Weights of a
    level are computed after the level below has been aggregated, so data-driven weights of
    the level-2 nodes (within their parents) use the level-2 scores. Entropy and CRITIC use the
    treated (un-normalised) indicator values at level 1 and the children's scores above; PCA
    uses normalised values; all are pooled over every year of the group.
    """
    config = Config() if config is None else config
    problems = _problems(data, framework, config, units, unit_groups)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(errors)
    log: list[dict] = []
    tree = build_tree(framework)
    inds = list(tree.indicators)

    # ---- restrict to the peer group, sort, keys
    frame = data.loc[:, [c for c in ["adcode", "year", *inds] if c in data.columns]]
    frame = frame.assign(adcode=frame["adcode"].astype(str))
    if "year" not in frame.columns:
        frame = frame.assign(year=np.zeros(len(frame), dtype=np.int64))
    if units is not None:
        wanted = pd.Index([str(u) for u in units])
        absent = wanted.difference(pd.Index(frame["adcode"].unique()))
        if len(absent):
            log.append(
                {
                    "step": "validate",
                    "action": "units_not_in_data",
                    "severity": "warning",
                    "adcodes": sorted(absent.tolist()),
                }
            )
        frame = frame.loc[frame["adcode"].isin(wanted)]
    frame = frame.sort_values(KEYS, kind="stable").reset_index(drop=True)
    dup = frame.duplicated(KEYS)
    if frame.empty or dup.any():
        probs = []
        if frame.empty:
            probs.append(Problem("data", None, "adcode", "no data rows for the chosen units"))
        for a, y in frame.loc[dup, KEYS].itertuples(index=False):
            probs.append(Problem("data", None, "adcode", f"{a} appears twice for year {y}"))
        raise ValidationError(probs)
    adcodes = frame["adcode"].to_numpy(dtype=object)
    years = frame["year"].to_numpy(dtype=np.int64)
    keys = pd.DataFrame({"adcode": frame["adcode"].astype("str"), "year": years})
    n = len(frame)
    log.append(
        {
            "step": "validate",
            "action": "peer_group",
            "units": int(len(np.unique(adcodes))),
            "rows": n,
            "years": sorted(int(y) for y in np.unique(years)),
        }
    )

    def stage(M: np.ndarray, cols: Sequence[str], dtype=None) -> pd.DataFrame:
        body = pd.DataFrame(M, columns=list(cols))
        if dtype is not None:
            body = body.astype(dtype)
        return pd.concat([keys, body], axis=1)

    X0 = frame[inds].to_numpy(dtype=float, copy=True)

    # ---- impute
    log.append({"step": "impute", "action": "method", "method": config.impute})
    groups = None
    if unit_groups is not None:
        labels = pd.Series(adcodes).map(lambda a: unit_groups.get(a))
        codes_, _ = pd.factorize(labels, use_na_sentinel=True)
        groups = codes_.astype(np.int64)
    X1, details = IMPUTE[config.impute](X0, years=years, unit_ids=adcodes, groups=groups)
    _log_impute(log, config.impute, X0, X1, details, adcodes, years, inds)

    # ---- treat
    log.append({"step": "treat", "action": "method", "method": config.treat})
    scope = years if config.normalise_scope == "per_year" else None
    X2, events = TREAT[config.treat](
        X1,
        scope=scope,
        skew_thresh=config.treat_skew,
        kurt_thresh=config.treat_kurt,
        winmax=config.treat_winmax,
    )
    for e in events:
        entry = {"step": "treat", "action": e["action"], "code": inds[e["col"]]}
        if "row" in e:
            entry["adcode"] = str(adcodes[e["row"]])
            entry["year"] = int(years[e["row"]])
        entry.update({k: _plain(v) for k, v in e.items() if k not in ("action", "col", "row")})
        if e["action"] == "skipped":
            entry["severity"] = "warning"
        log.append(entry)

    # ---- normalise
    log.append(
        {
            "step": "normalise",
            "action": "method",
            "method": config.normalise,
            "scope": config.normalise_scope,
        }
    )
    gp = np.full((len(inds), 2), np.nan)
    for code, low, high in config.goalposts:
        if code in tree.index:
            gp[inds.index(code)] = (low, high)
    N, info = NORMALISE[config.normalise](X2, tree.directions, scope=scope, goalposts=gp)
    for item in info:
        entry = {
            "step": "normalise",
            "action": "bounds_learned",
            "code": inds[item["col"]],
            "method": config.normalise,
            "scope": "pooled" if item["scope"] is None else int(item["scope"]),
        }
        entry.update({k: _plain(v) for k, v in item.items() if k not in ("col", "scope")})
        log.append(entry)
        if item.get("constant"):
            log.append(
                {
                    **entry,
                    "action": "constant_indicator",
                    "severity": "warning",
                    "message": "zero range: every unit gets the middle of the scale",
                }
            )
        if item.get("invalid"):
            log.append({**entry, "action": "invalid_for_method", "severity": "warning"})
        if item.get("observed_bounds") and config.normalise == "goalposts":
            log.append(
                {
                    **entry,
                    "action": "goalposts_missing",
                    "severity": "warning",
                    "message": "no goalposts given: observed min and max used",
                }
            )

    # ---- weight and aggregate, level by level
    V = np.full((n, len(tree.codes)), np.nan)
    V[:, tree.ind_cols] = N
    R = V.copy()  # "raw" inputs for entropy/CRITIC: treated values at level 1, scores above
    R[:, tree.ind_cols] = X2
    dirs = np.ones(len(tree.codes))
    dirs[tree.ind_cols] = tree.directions
    overrides = dict(config.weight_overrides)
    ahp = {p: np.asarray(m, dtype=float) for p, m in config.ahp}
    level_weights: dict[int, np.ndarray] = {}
    cov_parts = []
    for st in tree.steps:
        w = _normalise_within(st.prior, st.owner, len(st.parents))
        child_level = st.level - 1
        method = config.weights if config.weights_apply_at(child_level) else "framework"
        fn = WEIGHTS[method]
        for f, parent in enumerate(st.parents):
            pos = np.flatnonzero(st.owner == f)
            cols = st.child_cols[pos]
            src = R if getattr(fn, "input", "raw") == "raw" else V
            wf, winfo = fn(src[:, cols], dirs[cols], st.prior[pos], pairwise=ahp.get(parent))
            wf = np.asarray(wf, dtype=float)
            kids = [tree.codes[c] for c in cols]
            if any(k in overrides for k in kids):
                wf = np.array([overrides.get(k, v) for k, v in zip(kids, wf, strict=True)])
                s = wf.sum()
                wf = wf / s if s > 0 else np.full(wf.size, 1.0 / wf.size)
            w[pos] = wf
            entry = {
                "step": "weights",
                "action": "weights_computed",
                "code": parent,
                "level": child_level,
                "method": method,
                "weights": {k: float(v) for k, v in zip(kids, wf, strict=True)},
            }
            entry.update({k: _plain(v) for k, v in winfo.items()})
            if any(k in overrides for k in kids):
                entry["overridden"] = [k for k in kids if k in overrides]
            log.append(entry)
            if "fallback" in winfo:
                log.append(
                    {
                        "step": "weights",
                        "action": "fallback_to_framework",
                        "severity": "warning",
                        "code": parent,
                        "method": method,
                        "reason": winfo["fallback"],
                    }
                )
            if method == "ahp" and winfo.get("cr", 0.0) > 0.1:
                log.append(
                    {
                        "step": "weights",
                        "action": "ahp_inconsistent",
                        "severity": "warning",
                        "code": parent,
                        "cr": float(winfo["cr"]),
                        "message": "consistency ratio above 0.1: revise the judgements",
                    }
                )
        level_weights[st.level] = w
        agg = config.aggregate_for(st.level)
        y, share = aggregate_matrix(
            V[:, st.child_cols],
            st.matrix(w),
            agg,
            min_coverage=config.min_coverage,
            return_coverage=True,
        )
        V[:, st.parent_cols] = y
        R[:, st.parent_cols] = y
        rows, pcols = np.nonzero(share < 1.0 - 1e-12)
        if rows.size:
            cov_parts.append((rows, st.parent_cols[pcols], share[rows, pcols]))
        log.append(
            {
                "step": "aggregate",
                "action": "aggregated",
                "level": st.level,
                "method": agg,
                "with_missing_child": int(rows.size),
                "below_min_coverage": int(np.sum(share < config.min_coverage - 1e-12)),
            }
        )

    # ---- rank
    ranks = rank_desc(V, years)
    log.append(
        {
            "step": "rank",
            "action": "ranked",
            "code": tree.root,
            "ranked": int(np.sum(~np.isnan(V[:, tree.index[tree.root]]))),
            "unranked": int(np.sum(np.isnan(V[:, tree.index[tree.root]]))),
        }
    )

    # ---- frames
    codes = list(tree.codes)
    scores = stage(V, codes)
    scores["rank"] = pd.array(ranks[:, tree.index[tree.root]], dtype="Float64").astype("Int64")
    rank_frame = stage(ranks, codes, dtype="Float64").astype({c: "Int64" for c in codes})
    eff = effective_weights(tree, level_weights)
    wrow = np.ones(len(codes))
    parent_of: list[Any] = [None] * len(codes)
    for st in tree.steps:
        wrow[st.child_cols] = level_weights[st.level]
        for c, f in zip(st.child_cols, st.owner, strict=True):
            parent_of[c] = st.parents[f]
    weights = pd.DataFrame(
        {
            "code": pd.array(codes, dtype="str"),
            "parent": pd.array(parent_of, dtype="str"),
            "level": np.asarray([framework.level(c) for c in codes], dtype=np.int64),
            "weight": wrow,
            "effective": eff,
        }
    )
    if cov_parts:
        rows = np.concatenate([p[0] for p in cov_parts])
        cols = np.concatenate([p[1] for p in cov_parts])
        shares = np.concatenate([p[2] for p in cov_parts])
        coverage = pd.DataFrame(
            {
                "adcode": keys["adcode"].to_numpy()[rows],
                "year": years[rows],
                "code": np.asarray(codes, dtype=object)[cols],
                "present_share": shares,
            }
        ).astype({"adcode": "str", "code": "str"})
        coverage = coverage.sort_values(["adcode", "year", "code"], kind="stable")
        coverage = coverage.reset_index(drop=True)
    else:
        coverage = pd.DataFrame(
            {
                "adcode": pd.array([], dtype="str"),
                "year": np.array([], dtype=np.int64),
                "code": pd.array([], dtype="str"),
                "present_share": np.array([], dtype=float),
            }
        )

    return Result(
        config=config,
        framework=framework,
        raw=stage(X0, inds),
        imputed=stage(X1, inds),
        treated=stage(X2, inds),
        normalised=stage(N, inds),
        scores=scores,
        ranks=rank_frame,
        weights=weights,
        coverage=coverage,
        log=log,
    )


def _plain(v: Any) -> Any:
    """numpy scalars/arrays and tuples -> plain Python (comparable, JSON-friendly)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _log_impute(log, method, X0, X1, details, adcodes, years, inds) -> None:
    miss = np.isnan(X0)
    if not miss.any():
        return
    filled = miss & ~np.isnan(X1)
    from_year = details.get("from_year")
    rows, cols = np.nonzero(filled)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        entry = {
            "step": "impute",
            "action": "imputed",
            "method": method,
            "code": inds[j],
            "adcode": str(adcodes[i]),
            "year": int(years[i]),
            "value": float(X1[i, j]),
        }
        if from_year is not None:
            entry["from_year"] = int(from_year[i, j])
        log.append(entry)
    if method != "none":
        rows, cols = np.nonzero(miss & np.isnan(X1))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            log.append(
                {
                    "step": "impute",
                    "action": "not_imputed",
                    "method": method,
                    "severity": "warning",
                    "code": inds[j],
                    "adcode": str(adcodes[i]),
                    "year": int(years[i]),
                }
            )
    else:
        log.append({"step": "impute", "action": "missing_kept", "cells": int(miss.sum())})
