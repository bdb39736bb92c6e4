"""Normalisation (COINr ``Normalise()``, ``n_minmax``, ``n_zscore``, ``n_rank``, ``n_prank``,
``n_goalposts``, ``n_fracmax``; ``R/normalise.R``).

Every method maps an indicator onto a scale on which **higher = better**. As in COINr, the
direction :math:`d_j \\in \\{+1, -1\\}` is applied first (:math:`x' = d_j x`), so a negative
indicator is reversed. Bounds (min, max, mean, sd, ranks) are learned within each ``scope``
group: one group with every year (``pooled``, the default: 2010 and 2020 scores are on one scale
and comparable) or one group per year (``per_year``).

Constant indicators (zero range in a scope group) carry no information. COINr returns NaN
(with a warning) for min-max; here every unit gets the **middle of the scale** so the indicator
neither drops out nor moves any unit against another: 50 for ``minmax`` and ``percentile``, 0 for
``zscore``, the mid rank :math:`(n+1)/2` for ``rank``; ``distance_to_frontier`` gives 100 (every
unit is on the frontier) and ``goalposts`` is unaffected (bounds are fixed). Each case is
reported in ``info`` (``constant = True``) and logged as a warning by the pipeline.

Reference: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, section 1.5 and
Table 3 (standardisation, min-max, ranking, distance to a reference, categorical scales).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from indicators.methods.rank import rank_min

__all__ = [
    "n_minmax",
    "n_zscore",
    "n_rank",
    "n_percentile",
    "n_goalposts",
    "n_distance_to_frontier",
    "normalise_matrix",
]

# each kernel: (Xd (n, p) direction-applied, X (n, p) original, d (p,), goalposts (p, 2))
#   -> (Y, list of per-column info dicts)


def _minmax(Xd, X, d, gp):
    lo, hi = _nanmin(Xd), _nanmax(Xd)
    rng = hi - lo
    const = rng == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        Y = (Xd - lo) / np.where(const, 1.0, rng) * 100.0
    Y[:, const] = np.where(np.isnan(Xd[:, const]), np.nan, 50.0)
    return Y, _bounds_info(X, const)


def _zscore(Xd, X, d, gp):
    n_obs = np.sum(~np.isnan(Xd), axis=0)
    mean = _nanmean(Xd)
    sd = _nanstd(Xd, n_obs)
    const = ~(sd > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        Y = (Xd - mean) / np.where(const, 1.0, sd)
    Y[:, const] = np.where(np.isnan(Xd[:, const]), np.nan, 0.0)
    info = [
        {"mean": _f(m * dj), "sd": _f(s), "constant": bool(c)}
        for m, s, dj, c in zip(mean, sd, d, const, strict=True)
    ]
    return Y, info


def _ranks(Xd):
    if Xd.shape[0] == 0:
        return Xd.copy()
    return rank_min(Xd)


def _rank(Xd, X, d, gp):
    R = _ranks(Xd)
    n_obs = np.sum(~np.isnan(Xd), axis=0)
    const = _const(Xd)
    R[:, const] = np.where(np.isnan(Xd[:, const]), np.nan, (n_obs[const] + 1) / 2.0)
    return R, _bounds_info(X, const)


def _percentile(Xd, X, d, gp):
    R = _ranks(Xd)
    n_obs = np.sum(~np.isnan(Xd), axis=0)
    const = _const(Xd) | (n_obs <= 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        Y = (R - 1.0) / np.where(const, 1.0, n_obs - 1.0) * 100.0
    Y[:, const] = np.where(np.isnan(Xd[:, const]), np.nan, 50.0)
    return Y, _bounds_info(X, const)


def _goalposts(Xd, X, d, gp):
    gp = np.asarray(gp, dtype=float)
    low, high = gp[:, 0].copy(), gp[:, 1].copy()
    fallback = np.isnan(low) | np.isnan(high)
    low[fallback] = _nanmin(X)[fallback]
    high[fallback] = _nanmax(X)[fallback]
    rng = high - low
    bad = ~(rng > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(d > 0, (X - low) / rng, (high - X) / rng)
    Y = np.clip(frac, 0.0, 1.0) * 100.0
    Y[:, bad] = np.where(np.isnan(X[:, bad]), np.nan, 50.0)
    info = [
        {"bounds": (_f(lo), _f(hi)), "observed_bounds": bool(fb), "constant": bool(b)}
        for lo, hi, fb, b in zip(low, high, fallback, bad, strict=True)
    ]
    return Y, info


def _frontier(Xd, X, d, gp):
    mx, mn = _nanmax(X), _nanmin(X)
    pos = d > 0
    ok = np.where(pos, (mx > 0) & (mn >= 0), mn > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        Y = np.where(pos, X / mx, mn / X) * 100.0
    Y[:, ~ok] = np.nan
    info = [
        {"frontier": _f(m if p else n), "invalid": not bool(o), "constant": False}
        for m, n, p, o in zip(mx, mn, pos, ok, strict=True)
    ]
    return Y, info


def _f(v) -> float:
    return float(v)


def _nanmin(A):
    if A.shape[0] == 0:
        return np.full(A.shape[1], np.nan)
    with np.errstate(invalid="ignore"):
        out = np.fmin.reduce(A, axis=0)
    return out


def _nanmax(A):
    if A.shape[0] == 0:
        return np.full(A.shape[1], np.nan)
    return np.fmax.reduce(A, axis=0)


def _nanmean(A):
    obs = ~np.isnan(A)
    n = obs.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(obs, A, 0.0).sum(axis=0) / n


def _nanstd(A, n_obs):
    """Sample standard deviation (R ``sd``: denominator n - 1)."""
    m = _nanmean(A)
    obs = ~np.isnan(A)
    dev = np.where(obs, A - m, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt((dev * dev).sum(axis=0) / (n_obs - 1))


def _const(A):
    lo, hi = _nanmin(A), _nanmax(A)
    return lo == hi


def _bounds_info(X, const):
    lo, hi = _nanmin(X), _nanmax(X)
    return [
        {"bounds": (_f(a), _f(b)), "constant": bool(c)}
        for a, b, c in zip(lo, hi, const, strict=True)
    ]


_KERNELS: dict[str, Callable] = {}


def _method(name: str, kernel: Callable, doc: str) -> Callable:
    def fn(
        X: np.ndarray,
        directions: np.ndarray,
        *,
        scope: np.ndarray | None = None,
        goalposts: np.ndarray | None = None,
        **_: object,
    ) -> tuple[np.ndarray, list[dict]]:
        return _apply(kernel, X, directions, scope, goalposts)

    fn.__name__ = f"n_{name}"
    fn.__qualname__ = fn.__name__
    fn.__doc__ = doc
    _KERNELS[name] = fn
    return fn


def _apply(kernel, X, directions, scope, goalposts):
    X = np.asarray(X, dtype=float)
    d = np.asarray(directions, dtype=float).reshape(-1)
    gp = (
        np.full((X.shape[1], 2), np.nan)
        if goalposts is None
        else np.asarray(goalposts, dtype=float).reshape(X.shape[1], 2)
    )
    Xd = X * d
    Y = np.full_like(X, np.nan)
    info: list[dict] = []
    if scope is None:
        Y[:], inf = kernel(Xd, X, d, gp)
        for j, item in enumerate(inf):
            info.append({"col": j, "scope": None, **item})
        return Y, info
    labels = np.asarray(scope)
    for lab in np.unique(labels):
        rows = labels == lab
        Yg, inf = kernel(Xd[rows], X[rows], d, gp)
        Y[rows] = Yg
        sc = lab.item() if hasattr(lab, "item") else lab
        for j, item in enumerate(inf):
            info.append({"col": j, "scope": sc, **item})
    return Y, info


n_minmax = _method(
    "minmax",
    _minmax,
    r"""Min-max to [0, 100]: :math:`y = 100 (x' - \min x') / (\max x' - \min x')`, :math:`x' = d x`.

    For a negative indicator this is :math:`100(\max x - x)/(\max x - \min x)`.
    COINr: ``n_minmax(x, l_u = c(0, 100))`` (the default of ``Normalise()``).
    Handbook (2008) section 1.5, "min-max". Constant indicator: 50.
    """,
)
n_zscore = _method(
    "zscore",
    _zscore,
    r"""Standardisation: :math:`y = (x' - \bar{x'}) / s_{x'}` (sample sd, mean 0, sd 1).

    COINr: ``n_zscore(x, m_sd = c(0, 1))``. Handbook section 1.5, "standardisation".
    Constant indicator: 0.
    """,
)
n_rank = _method(
    "rank",
    _rank,
    r"""Rank of :math:`x'` ascending, ties share the lowest rank (1 = worst, n = best).

    COINr: ``n_rank(x, ties.method = "min")``. Handbook section 1.5, "ranking".
    Constant indicator: :math:`(n+1)/2`.
    """,
)
n_percentile = _method(
    "percentile",
    _percentile,
    r"""Percentile rank on 0-100: :math:`y = 100 (r_{min}(x') - 1) / (n - 1)`.

    COINr: ``n_prank(x)`` (on [0, 1]) times 100. Constant indicator (or n = 1): 50.
    """,
)
n_goalposts = _method(
    "goalposts",
    _goalposts,
    r"""Goalposts: :math:`y = 100\,\mathrm{clip}((x - L)/(U - L), 0, 1)`; negative direction
    :math:`y = 100\,\mathrm{clip}((U - x)/(U - L), 0, 1)`.

    ``goalposts[j] = (L, U)`` in the indicator's own units (:math:`L < U`); an indicator without
    goalposts falls back to its observed min and max in the scope (``observed_bounds`` in info).
    COINr: ``n_goalposts(x, gposts = c(L, U, 100), direction, trunc2posts = TRUE)``.
    Handbook section 1.5, "distance to a reference" / goalposts (as in the HDI).
    """,
)
n_distance_to_frontier = _method(
    "distance_to_frontier",
    _frontier,
    r"""Distance to the frontier (ratio to the best value), on 0-100.

    Positive direction: :math:`y = 100\,x / \max x` (COINr ``n_fracmax``); needs
    :math:`\min x \ge 0` and :math:`\max x > 0`. Negative direction: :math:`y = 100\,\min x / x`
    (the best, i.e. lowest, value scores 100 and twice the best scores 50); needs
    :math:`\min x > 0`. A column that breaks its condition is NaN (``invalid`` in info).
    Handbook section 1.5, "distance to a reference" (reference = leader).
    """,
)

NORMALISERS: dict[str, Callable] = {
    "minmax": n_minmax,
    "zscore": n_zscore,
    "rank": n_rank,
    "percentile": n_percentile,
    "goalposts": n_goalposts,
    "distance_to_frontier": n_distance_to_frontier,
}


def normalise_matrix(
    X: np.ndarray,
    directions: np.ndarray,
    method: str = "minmax",
    *,
    scope: np.ndarray | None = None,
    goalposts: np.ndarray | None = None,
    return_info: bool = False,
):
    """Normalise an indicator matrix with a method picked by name (building block).

    Parameters
    ----------
    X : (n, p) float array, NaN = missing. Never modified.
    directions : (p,) array of +1/-1.
    method : a name in ``NORMALISE`` (``minmax``, ``zscore``, ``rank``, ``percentile``,
        ``goalposts``, ``distance_to_frontier``).
    scope : (n,) labels; bounds are learned within each label (e.g. the year for
        ``per_year``); None = all rows pooled.
    goalposts : (p, 2) array of (low, high), NaN where not given (``goalposts`` only).
    return_info : also return the per-column list of learned bounds.

    Returns
    -------
    Y or (Y, info) : (n, p) float array on the method's scale, higher = better.
    """
    Y, info = NORMALISERS[method](X, directions, scope=scope, goalposts=goalposts)
    return (Y, info) if return_info else Y
