"""Aggregation of children into a parent (COINr ``Aggregate()``, ``a_amean``, ``a_gmean``,
``a_hmean``; ``R/aggregate.R``).

All functions are vectorised over units and parents: ``values`` is (..., n, k) (children's
values, NaN = missing) and ``W`` is (k, m) (column *f* holds the weights of parent *f*'s
children, 0 for a code that is not its child). Leading batch dimensions broadcast (``np.matmul``),
so a Monte Carlo can aggregate many weight draws at once.

Missing children (as COINr): a missing child drops out and the weights of the present siblings
are renormalised, :math:`y = \\sum_{j \\in P} w_j x_j / \\sum_{j \\in P} w_j`.
:func:`aggregate_matrix` also returns the present share
:math:`c = \\sum_{j\\in P} w_j / \\sum_j w_j` and sets the aggregate to NaN when
:math:`c <` ``min_coverage`` (COINr's ``dat_thresh`` counts children; ours weighs them).

Zeros in geometric and harmonic means (COINr's ``a_gmean`` stops on values <= 0; we go
further): the inputs, on the 0-100 normalised scale, are mapped to [1, 100] by
:math:`x^* = 1 + 0.99\\,x`, the mean is taken, and the result is mapped back,
:math:`y = (M(x^*) - 1)/0.99`. So all-0 children give 0, all-100 give 100, the scale of the
parent stays 0-100, the mean never fails on a zero, and the map is strictly increasing (a child
that rises never lowers the parent). Values below 0 (only possible with z-scores, which the
config rejects for these means) are floored at 0.

Reference: OECD/JRC (2008) *Handbook*, section 1.7 and 6.2 (linear and geometric aggregation).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "SHIFT_A",
    "SHIFT_B",
    "a_amean",
    "a_gmean",
    "a_hmean",
    "aggregate_matrix",
]

#: geometric/harmonic inputs are mapped to x* = SHIFT_A + SHIFT_B * x (0 -> 1, 100 -> 100)
SHIFT_A = 1.0
SHIFT_B = 0.99


def _means(V: np.ndarray, present: np.ndarray, W: np.ndarray, how: str):
    """``(num, den)`` of a weighted mean over the present children, each ``... @ W``.

    ``den = Σ_present w``; ``num`` is ``Σ_present w x`` (arithmetic), ``Σ_present w ln x*``
    (geometric) or ``Σ_present w / x*`` (harmonic), ``x* = 1 + 0.99 max(x, 0)``. Missing
    children contribute 0 to both: ``ln x* = 0`` for a zero-filled cell, and the harmonic
    term is masked.
    """
    filled = np.where(present, V, 0.0)
    den = present.astype(float) @ W
    if how == "arithmetic":
        return filled @ W, den
    xs = SHIFT_A + SHIFT_B * np.maximum(filled, 0.0)
    if how == "geometric":
        return np.log(xs) @ W, den
    return np.where(present, 1.0 / xs, 0.0) @ W, den


def _finish(num: np.ndarray, den: np.ndarray, how: str) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "arithmetic":
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        if how == "geometric":
            g = np.exp(num / np.where(den > 0, den, 1.0))
        else:
            g = den / np.where(num > 0, num, 1.0)
    return np.where(den > 0, (g - SHIFT_A) / SHIFT_B, np.nan)


def _mean(values, W, how: str) -> np.ndarray:
    V = np.asarray(values, dtype=float)
    return _finish(*_means(V, ~np.isnan(V), np.asarray(W, dtype=float), how), how)


def a_amean(values: np.ndarray, W: np.ndarray) -> np.ndarray:
    r"""Weighted arithmetic mean over present children: :math:`\sum w x / \sum w`.

    COINr: ``a_amean(x, w)`` (the default of ``Aggregate()``).
    """
    return _mean(values, W, "arithmetic")


def a_gmean(values: np.ndarray, W: np.ndarray) -> np.ndarray:
    r"""Weighted geometric mean with the [1, 100] shift (module doc):
    :math:`y = (\exp(\sum w \ln x^* / \sum w) - 1)/0.99`, :math:`x^* = 1 + 0.99 x`.

    COINr: ``a_gmean(x, w)`` (which errors on values <= 0 instead of shifting).
    """
    return _mean(values, W, "geometric")


def a_hmean(values: np.ndarray, W: np.ndarray) -> np.ndarray:
    r"""Weighted harmonic mean with the [1, 100] shift: :math:`y = (\sum w / \sum (w/x^*) - 1)
    /0.99`.

    COINr: ``a_hmean(x, w)``.
    """
    return _mean(values, W, "harmonic")


AGGREGATORS: dict[str, Callable] = {
    "arithmetic": a_amean,
    "geometric": a_gmean,
    "harmonic": a_hmean,
}


def aggregate_matrix(
    values: np.ndarray,
    weights: np.ndarray,
    method: str = "arithmetic",
    *,
    min_coverage: float = 0.0,
    return_coverage: bool = False,
):
    """Aggregate children into parents by a method picked by name (building block).

    Parameters
    ----------
    values : (..., n, k) children's values, NaN = missing. Never modified.
    weights : (k,) weights of one parent's children, or (..., k, m) for m parents
        (batchable: leading dimensions broadcast against those of ``values``, so one
        ``values`` matrix can meet many weight draws without being copied).
    method : ``arithmetic``, ``geometric`` or ``harmonic``.
    min_coverage : the aggregate is NaN when the present children hold less than this share
        of the parent's total weight.
    return_coverage : also return the present share (same shape as the result).

    Returns
    -------
    y or (y, share) : (..., n, m), or (..., n) when ``weights`` is 1-D.
    """
    W = np.asarray(weights, dtype=float)
    vector = W.ndim == 1
    if vector:
        W = W[:, None]
    if method not in AGGREGATORS:
        raise KeyError(f"unknown aggregation {method!r}; choose one of {', '.join(AGGREGATORS)}")
    V = np.asarray(values, dtype=float)
    num, den = _means(V, ~np.isnan(V), W, method)
    y = _finish(num, den, method)
    if not return_coverage and min_coverage <= 0:
        return y[..., 0] if vector else y  # every present child counts: no share needed
    total = W.sum(axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = den / np.where(total > 0, total, 1.0)
    y = np.where(share >= min_coverage - 1e-12, y, np.nan)
    if vector:
        y, share = y[..., 0], share[..., 0]
    return (y, share) if return_coverage else y
