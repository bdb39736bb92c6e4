"""Ranking: 1 = best, ties share the best rank ("min", sports ranking: 1, 2, 2, 4).

Ranks are computed within each group of rows (the pipeline passes the year, and the data are
already restricted to the peer group); a missing score gets no rank (NaN). COINr: ``rank(-x,
ties.method = "min", na.last = "keep")`` as used by ``get_results()``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["rank_desc"]


def rank_desc(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Rank each column descending (highest value -> 1), ties "min", NaN -> NaN.

    Parameters
    ----------
    values : (n,) or (n, m) float array. Never modified.
    groups : (n,) labels; rows are ranked within each label (e.g. year). None = all rows.

    Returns
    -------
    ranks : float array of the same shape (NaN where the value is NaN).
    """
    V = np.asarray(values, dtype=float)
    vector = V.ndim == 1
    if vector:
        V = V[:, None]
    out = np.full(V.shape, np.nan)
    if V.shape[0] == 0:
        return out[:, 0] if vector else out
    labels = np.zeros(V.shape[0], dtype=int) if groups is None else np.asarray(groups)
    for lab in np.unique(labels):
        rows = labels == lab
        out[rows] = rankdata(-V[rows], method="min", axis=0, nan_policy="omit")
    return out[:, 0] if vector else out
