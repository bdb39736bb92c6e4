"""Outlier treatment (COINr ``Treat()`` with its default specification, ``R/treat.R``).

COINr's default, reproduced here:

1. an indicator *fails* when :math:`|G_1| \\ge` ``skew_thresh`` (2) **and**
   :math:`G_2 \\ge` ``kurt_thresh`` (3.5) (``check_SkewKurt``: it passes when
   ``|skew| < 2 OR kurt < 3.5``);
2. a failing indicator is winsorised one point at a time (``winsorise``): if the current skew is
   :math:`\\ge 0` the maximum value(s) are set to the next highest value, otherwise the minimum
   value(s) to the next lowest; ties are moved together; stop as soon as it passes or
   ``winmax`` (5) points have been moved;
3. if it still fails, the winsorisation is undone and the **original** values are
   log-transformed with ``log_CT``: :math:`\\log(x - \\min x + 0.01(\\max x - \\min x))`
   (COINr's default ``f2 = "log_CT"``, ``combine_treat = FALSE``).

Estimators are the Excel/SAS "type 2" ones COINr uses (``skew()``, ``kurt()``, as
``e1071::skewness(type = 2)``): sample skewness
:math:`G_1 = \\frac{n}{(n-1)(n-2)}\\sum_i ((x_i-\\bar x)/s)^3` and excess kurtosis
:math:`G_2 = \\frac{n(n+1)}{(n-1)(n-2)(n-3)}\\sum_i ((x_i-\\bar x)/s)^4 -
\\frac{3(n-1)^2}{(n-2)(n-3)}` (Excel ``SKEW`` and ``KURT``), with :math:`s` the sample
standard deviation. Missing values are skipped (``na.rm = TRUE``). An indicator with fewer than
4 observed values or zero variance is not assessed (COINr returns it untreated).

Scope: the statistics are computed over all rows passed in ``scope`` groups (the pipeline passes
one group = all years pooled, or one group per year when ``normalise_scope = "per_year"``).

Reference: OECD/JRC (2008) *Handbook*, section 1.5 and step 5; COINr ``vignette("treat")``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "skew",
    "kurt",
    "check_skew_kurt",
    "winsorise",
    "winsorise_columns",
    "log_ct",
    "treat_none",
    "treat_coinr",
]


def _column_moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per column (NaN skipped): n and the sums of squared, cubed and 4th-power deviations.

    The deviations are divided by their largest magnitude first: skewness and kurtosis do not
    depend on the scale, and values near the loader's limit (1e100) would otherwise overflow
    in the 4th power (from about 1e77)."""
    obs = ~np.isnan(X)
    n = obs.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(obs, X, 0.0).sum(axis=0) / np.where(n > 0, n, 1)
        d = np.where(obs, X - mean, 0.0)
        scale = np.abs(d).max(axis=0, initial=0.0)
        d = d / np.where(scale > 0, scale, 1.0)
    d2 = d * d
    return n, d2.sum(axis=0), (d2 * d).sum(axis=0), (d2 * d2).sum(axis=0)


def _skew_kurt_columns(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Skewness :math:`G_1` and kurtosis :math:`G_2` of every column (see :func:`skew`,
    :func:`kurt`); NaN where undefined."""
    X = np.asarray(X, dtype=float)
    n, m2, m3, m4 = _column_moments(X)
    n = n.astype(float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        sk = np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / m2**2
        kt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    sk = np.where((n >= 3) & (m2 > 0), sk, np.nan)
    kt = np.where((n >= 4) & (m2 > 0), kt, np.nan)
    return sk, kt


def _passes(sk: np.ndarray, kt: np.ndarray, skew_thresh: float, kurt_thresh: float):
    """(defined, passes) per column: the check is undefined where a statistic is NaN."""
    defined = ~np.isnan(sk) & ~np.isnan(kt)
    with np.errstate(invalid="ignore"):
        ok = (np.abs(sk) < skew_thresh) | (kt < kurt_thresh)
    return defined, ok & defined


def skew(x: np.ndarray) -> float:
    """Sample skewness :math:`G_1` (Excel ``SKEW``, COINr ``skew()``); NaN skipped.

    COINr's form: :math:`\\sqrt{n}\\,\\sum d^3 / (\\sum d^2)^{3/2} \\cdot
    \\sqrt{n(n-1)}/(n-2)` with :math:`d = x - \\bar x`; NaN when n < 3 or zero variance.
    """
    return float(_skew_kurt_columns(np.asarray(x, dtype=float)[:, None])[0][0])


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis :math:`G_2` (Excel ``KURT``, COINr ``kurt()``); NaN skipped.

    COINr's form: :math:`r = n\\sum d^4/(\\sum d^2)^2`,
    :math:`G_2 = ((n+1)(r-3)+6)(n-1)/((n-2)(n-3))`; NaN when n < 4 or zero variance.
    """
    return float(_skew_kurt_columns(np.asarray(x, dtype=float)[:, None])[1][0])


def check_skew_kurt(
    x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[bool | None, float, float]:
    """COINr ``check_SkewKurt``: pass when ``|skew| < skew_thresh`` or ``kurt < kurt_thresh``.

    Returns ``(passes, skew, kurt)``; ``passes`` is None when the statistics are undefined.
    """
    sk, kt = _skew_kurt_columns(np.asarray(x, dtype=float)[:, None])
    defined, ok = _passes(sk, kt, skew_thresh, kurt_thresh)
    return (bool(ok[0]) if defined[0] else None), float(sk[0]), float(kt[0])


def winsorise_columns(
    X: np.ndarray, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`winsorise` applied to every column at once (one step of all failing columns per
    iteration, at most ``winmax`` iterations). Returns the new matrix and the points moved per
    column."""
    V = np.array(X, dtype=float, copy=True)
    obs = ~np.isnan(V)
    n_obs = obs.sum(axis=0)
    F = V.shape[1]
    n_hi = np.zeros(F, dtype=np.int64)
    n_lo = np.zeros(F, dtype=np.int64)
    stuck = np.zeros(F, dtype=bool)  # every observed value ties at the extreme: cannot move
    sk, kt = _skew_kurt_columns(V)
    while True:
        defined, ok = _passes(sk, kt, skew_thresh, kurt_thresh)
        active = defined & ~ok & (n_hi + n_lo < winmax) & ~stuck
        if not active.any():
            break
        for high, counter in ((True, n_hi), (False, n_lo)):
            side = active & ((sk >= 0) if high else (sk < 0))
            if not side.any():
                continue
            fill = -np.inf if high else np.inf
            values = np.where(obs, V, fill)
            extreme = values.max(axis=0) if high else values.min(axis=0)
            hit = obs & (V == extreme) & side
            hits = hit.sum(axis=0)
            full = side & (hits == n_obs)
            stuck |= full
            move = side & ~full
            others = np.where(obs & ~hit, V, fill)
            nearest = others.max(axis=0) if high else others.min(axis=0)
            V = np.where(hit & move, nearest, V)
            counter[move] = hits[move]
        sk, kt = _skew_kurt_columns(V)
    return V, n_hi + n_lo


def winsorise(
    x: np.ndarray, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[np.ndarray, int]:
    """COINr ``winsorise()``: move extreme points inwards one at a time until the check passes.

    While failing and fewer than ``winmax`` points moved: if skew >= 0, every point equal to the
    maximum takes the next highest value, else every point equal to the minimum takes the next
    lowest value. Returns the new vector and the number of points moved (as COINr counts them:
    the points tied at the treated extreme after the last step, summed over both ends).
    """
    column = np.asarray(x, dtype=float)[:, None]
    out, moved = winsorise_columns(column, winmax, skew_thresh, kurt_thresh)
    return out[:, 0], int(moved[0])


def log_ct_columns(X: np.ndarray) -> np.ndarray:
    r"""COINr ``log_CT`` of every column: :math:`\log(x - \min x + 0.01(\max x - \min x))`
    (NaN skipped)."""
    X = np.asarray(X, dtype=float)
    obs = ~np.isnan(X)
    lo = np.where(obs, X, np.inf).min(axis=0, initial=np.inf)
    hi = np.where(obs, X, -np.inf).max(axis=0, initial=-np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(X - lo + 0.01 * (hi - lo))


def log_ct(x: np.ndarray) -> np.ndarray:
    r"""COINr ``log_CT``: :math:`\log(x - \min x + 0.01(\max x - \min x))` (NaN skipped)."""
    return log_ct_columns(np.asarray(x, dtype=float)[:, None])[:, 0]


def treat_none(X: np.ndarray, **_: object) -> tuple[np.ndarray, list[dict]]:
    """No outlier treatment."""
    return np.array(X, dtype=float, copy=True), []


def treat_coinr(
    X: np.ndarray,
    *,
    scope: np.ndarray | None = None,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    winmax: int = 5,
    **_: object,
) -> tuple[np.ndarray, list[dict]]:
    """Apply COINr's default two-stage treatment to every column of ``X`` (see module doc).

    Parameters
    ----------
    X : (n, p) array
    scope : (n,) array of group labels or None
        Statistics are computed within each group (None = all rows together).

    Returns
    -------
    X_treated, events
        ``events`` are dicts with ``action`` in ``assessed`` (one per column and scope, with
        ``skew``, ``kurt``, ``passes``), ``winsorised`` (one per moved point: ``row``,
        ``value``, ``new_value``), ``log_transformed`` (one per column: ``skew_after``,
        ``kurt_after``, ``passes_after``) and ``skipped`` (statistics undefined); ``col`` is
        the column index, ``row`` the row index, ``scope`` the group label.
    """
    X = np.asarray(X, dtype=float)
    out = X.copy()
    events: list[dict] = []
    labels = np.zeros(X.shape[0], dtype=int) if scope is None else np.asarray(scope)
    for lab in np.unique(labels):
        rows = np.flatnonzero(labels == lab)
        sc = None if scope is None else lab.item() if hasattr(lab, "item") else lab
        part = X[rows] if scope is not None else X
        # every column's statistics at once; winsorising and logs only for the failures
        sks, kts = _skew_kurt_columns(part)
        defined, passes = _passes(sks, kts, skew_thresh, kurt_thresh)
        failing = np.flatnonzero(defined & ~passes)
        wins, moved = winsorise_columns(part[:, failing], winmax, skew_thresh, kurt_thresh)
        w_sk, w_kt = _skew_kurt_columns(wins)
        w_defined, w_passes = _passes(w_sk, w_kt, skew_thresh, kurt_thresh)
        logged = failing[~w_passes]
        logs = log_ct_columns(part[:, logged])
        l_sk, l_kt = _skew_kurt_columns(logs)
        l_defined, l_passes = _passes(l_sk, l_kt, skew_thresh, kurt_thresh)
        where_failing = {int(j): k for k, j in enumerate(failing)}
        where_logged = {int(j): k for k, j in enumerate(logged)}
        for j in range(X.shape[1]):
            if not defined[j]:
                events.append(
                    {
                        "action": "skipped",
                        "col": j,
                        "scope": sc,
                        "reason": "too few observed values or zero variance",
                    }
                )
                continue
            events.append(
                {
                    "action": "assessed",
                    "col": j,
                    "scope": sc,
                    "skew": float(sks[j]),
                    "kurt": float(kts[j]),
                    "passes": bool(passes[j]),
                }
            )
            if passes[j]:
                continue
            k = where_failing[j]
            x = part[:, j]
            if w_passes[k]:
                xw = wins[:, k]
                for i in np.flatnonzero(~np.isnan(x) & (xw != x)):
                    events.append(
                        {
                            "action": "winsorised",
                            "col": j,
                            "row": int(rows[i]),
                            "scope": sc,
                            "value": float(x[i]),
                            "new_value": float(xw[i]),
                        }
                    )
                events.append(
                    {
                        "action": "winsorise_passed",
                        "col": j,
                        "scope": sc,
                        "points": int(moved[k]),
                        "skew_after": float(w_sk[k]),
                        "kurt_after": float(w_kt[k]),
                    }
                )
                out[rows, j] = xw
            else:
                m = where_logged[j]
                events.append(
                    {
                        "action": "log_transformed",
                        "col": j,
                        "scope": sc,
                        "winsorise_tried": int(moved[k]),
                        "skew_after": float(l_sk[m]),
                        "kurt_after": float(l_kt[m]),
                        "passes_after": bool(l_passes[m]) if l_defined[m] else None,
                    }
                )
                out[rows, j] = logs[:, m]
    return out, events
