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
    "log_ct",
    "treat_none",
    "treat_coinr",
]


def _moments(x: np.ndarray) -> tuple[int, float, float, float]:
    """n and the sums of squared, cubed and 4th-power deviations of the observed values."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return 0, 0.0, 0.0, 0.0
    d = x - x.mean()
    d2 = d * d
    return x.size, float(d2.sum()), float((d2 * d).sum()), float((d2 * d2).sum())


def _skew(n: int, m2: float, m3: float) -> float:
    if n < 3 or m2 == 0:
        return float("nan")
    return float(np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2))


def _kurt(n: int, m2: float, m4: float) -> float:
    if n < 4 or m2 == 0:
        return float("nan")
    r = n * m4 / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def skew(x: np.ndarray) -> float:
    """Sample skewness :math:`G_1` (Excel ``SKEW``, COINr ``skew()``); NaN skipped.

    COINr's form: :math:`\\sqrt{n}\\,\\sum d^3 / (\\sum d^2)^{3/2} \\cdot
    \\sqrt{n(n-1)}/(n-2)` with :math:`d = x - \\bar x`; NaN when n < 3 or zero variance.
    """
    n, m2, m3, _ = _moments(x)
    return _skew(n, m2, m3)


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis :math:`G_2` (Excel ``KURT``, COINr ``kurt()``); NaN skipped.

    COINr's form: :math:`r = n\\sum d^4/(\\sum d^2)^2`,
    :math:`G_2 = ((n+1)(r-3)+6)(n-1)/((n-2)(n-3))`; NaN when n < 4 or zero variance.
    """
    n, m2, _, m4 = _moments(x)
    return _kurt(n, m2, m4)


def check_skew_kurt(
    x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[bool | None, float, float]:
    """COINr ``check_SkewKurt``: pass when ``|skew| < skew_thresh`` or ``kurt < kurt_thresh``.

    Returns ``(passes, skew, kurt)``; ``passes`` is None when the statistics are undefined.
    """
    n, m2, m3, m4 = _moments(x)
    sk, kt = _skew(n, m2, m3), _kurt(n, m2, m4)
    if np.isnan(sk) or np.isnan(kt):
        return None, sk, kt
    return bool(abs(sk) < skew_thresh or kt < kurt_thresh), sk, kt


def winsorise(
    x: np.ndarray, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[np.ndarray, int]:
    """COINr ``winsorise()``: move extreme points inwards one at a time until the check passes.

    While failing and fewer than ``winmax`` points moved: if skew >= 0, every point equal to the
    maximum takes the next highest value, else every point equal to the minimum takes the next
    lowest value. Returns the new vector and the number of points moved (as COINr counts them:
    the points tied at the treated extreme after the last step, summed over both ends).
    """
    out = np.array(x, dtype=float, copy=True)
    obs = ~np.isnan(out)
    v = out[obs]
    nwin = n_hi = n_lo = 0
    passes, sk, _ = check_skew_kurt(v, skew_thresh, kurt_thresh)
    while passes is False and nwin < winmax:
        if sk >= 0:
            hit = v == v.max()
            if hit.all():
                break
            v[hit] = v[~hit].max()
            n_hi = int(hit.sum())
        else:
            hit = v == v.min()
            if hit.all():
                break
            v[hit] = v[~hit].min()
            n_lo = int(hit.sum())
        nwin = n_hi + n_lo
        passes, sk, _ = check_skew_kurt(v, skew_thresh, kurt_thresh)
    out[obs] = v
    return out, nwin


def log_ct(x: np.ndarray) -> np.ndarray:
    r"""COINr ``log_CT``: :math:`\log(x - \min x + 0.01(\max x - \min x))` (NaN skipped)."""
    x = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


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
        for j in range(X.shape[1]):
            x = X[rows, j]
            passes, sk, kt = check_skew_kurt(x, skew_thresh, kurt_thresh)
            if passes is None:
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
                    "skew": sk,
                    "kurt": kt,
                    "passes": passes,
                }
            )
            if passes:
                continue
            xw, nwin = winsorise(x, winmax, skew_thresh, kurt_thresh)
            passes_w, sk_w, kt_w = check_skew_kurt(xw, skew_thresh, kurt_thresh)
            if passes_w:
                moved = np.flatnonzero(~np.isnan(x) & (xw != x))
                for i in moved:
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
                        "points": int(nwin),
                        "skew_after": sk_w,
                        "kurt_after": kt_w,
                    }
                )
                out[rows, j] = xw
            else:
                xl = log_ct(x)
                passes_l, sk_l, kt_l = check_skew_kurt(xl, skew_thresh, kurt_thresh)
                events.append(
                    {
                        "action": "log_transformed",
                        "col": j,
                        "scope": sc,
                        "winsorise_tried": int(nwin),
                        "skew_after": sk_l,
                        "kurt_after": kt_l,
                        "passes_after": passes_l,
                    }
                )
                out[rows, j] = xl
    return out, events
