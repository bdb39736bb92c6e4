"""Weighting methods: the weights of one set of siblings (the children of one parent).

Every function has the signature ``f(X, directions, prior, *, pairwise=None) -> (w, info)``:

* ``X`` (n, k): the siblings' values, one column per child, one row per unit-year (pooled over
  years). Rows with a missing value are dropped (listwise) before a data-driven method.
  Which values ``X`` holds is declared by the function's ``input`` attribute: ``"raw"`` (the
  treated, un-normalised indicator values at level 1; children's aggregated scores above) or
  ``"normalised"`` (normalised indicators at level 1; children's scores above).
* ``directions`` (k,): +1/-1 (children's scores above level 1 are always +1).
* ``prior`` (k,): the framework weights of the children.
* ``pairwise``: the AHP pairwise comparison matrix (``ahp`` only).

``w`` is non-negative and sums to 1. ``info`` is a dict for the log (``fallback`` says why the
framework weights were used instead, e.g. too few complete rows).

Reference: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, section 6
(weighting: PCA/FA 6.1, AHP 6.6, equal weighting); entropy and CRITIC as in the Chinese and MCDA
literature (Shannon entropy weights; Diakoulaki, Mavrotas and Papayannakis 1995, CRITIC).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ENTROPY_SHIFT",
    "RANDOM_INDEX",
    "w_framework",
    "w_equal",
    "w_entropy",
    "w_critic",
    "w_pca",
    "w_ahp",
    "ahp_weights",
    "direction_minmax",
    "varimax",
]

#: shift added to every direction-aware min-max value before entropy (数据平移: avoids ln 0)
ENTROPY_SHIFT = 1e-4

#: Saaty's random consistency index RI by matrix size n (Saaty 1980, Table 1; n = 1, 2 -> 0)
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}


def _normalised(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    s = w.sum()
    return w / s if s > 0 else np.full(w.size, 1.0 / w.size)


def _complete(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return X[~np.isnan(X).any(axis=1)]


def direction_minmax(X: np.ndarray, directions: np.ndarray) -> np.ndarray:
    r"""Direction-aware min-max to [0, 1] of each column.

    :math:`z_{ij} = (x_{ij} - \min_i x_{ij})/(\max_i x_{ij} - \min_i x_{ij})` for a positive
    indicator, :math:`(\max_i x_{ij} - x_{ij})/(\max - \min)` for a negative one; a constant
    column is 0.
    """
    X = np.asarray(X, dtype=float)
    d = np.asarray(directions, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    rng = hi - lo
    safe = np.where(rng > 0, rng, 1.0)
    Z = np.where(d > 0, (X - lo) / safe, (hi - X) / safe)
    return np.where(rng > 0, Z, 0.0)


def w_framework(X, directions, prior, **_):
    """Framework (expert) weights, normalised within siblings: :math:`w_j = v_j / \\sum v`."""
    return _normalised(prior), {}


w_framework.input = "raw"


def w_equal(X, directions, prior, **_):
    """Equal weights :math:`w_j = 1/k` (Handbook 6: "equal weighting")."""
    k = len(prior)
    return np.full(k, 1.0 / k), {}


w_equal.input = "raw"


def w_entropy(X, directions, prior, **_):
    r"""Entropy weights (熵权法), Chinese-paper convention, pooled over years.

    1. :math:`z_{ij}` = direction-aware min-max of the raw values to [0, 1]
       (:func:`direction_minmax`), then :math:`z_{ij} \leftarrow z_{ij} + 10^{-4}`
       (``ENTROPY_SHIFT``, so that no :math:`p_{ij}` is 0);
    2. :math:`p_{ij} = z_{ij} / \sum_i z_{ij}`;
    3. :math:`e_j = -\frac{1}{\ln n}\sum_i p_{ij}\ln p_{ij}`, :math:`d_j = 1 - e_j`;
    4. :math:`w_j = d_j / \sum_k d_k` (equal weights if every :math:`d_j = 0`).

    ``n`` = number of complete rows (unit-years); needs n >= 2, else framework weights.
    A constant column gets :math:`e_j = 1`, weight 0.
    """
    Z = _complete(X)
    n = Z.shape[0]
    if n < 2:
        return _normalised(prior), {"fallback": "fewer than 2 complete rows", "rows": n}
    Z = direction_minmax(Z, directions) + ENTROPY_SHIFT
    P = Z / Z.sum(axis=0)
    e = -(P * np.log(P)).sum(axis=0) / np.log(n)
    d = 1.0 - e
    return _normalised(np.clip(d, 0.0, None)), {"rows": n, "entropy": e.tolist()}


w_entropy.input = "raw"


def w_critic(X, directions, prior, **_):
    r"""CRITIC weights (Diakoulaki et al. 1995), pooled over years.

    :math:`z` = direction-aware min-max to [0, 1]; :math:`C_j = \sigma_j \sum_k (1 - r_{jk})`
    with :math:`\sigma_j` the standard deviation of :math:`z_{\cdot j}` (population form; any
    common factor cancels) and :math:`r` Pearson correlations; :math:`w_j = C_j / \sum C`.
    A constant column has :math:`\sigma_j = 0` (weight 0) and its correlations are taken as 0.
    Needs >= 3 complete rows, else framework weights.
    """
    Z = _complete(X)
    n = Z.shape[0]
    if n < 3:
        return _normalised(prior), {"fallback": "fewer than 3 complete rows", "rows": n}
    Z = direction_minmax(Z, directions)
    sd = Z.std(axis=0)
    k = Z.shape[1]
    if k == 1:
        return np.ones(1), {"rows": n}
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.corrcoef(Z, rowvar=False)
    R = np.where(np.isnan(R), 0.0, R)
    np.fill_diagonal(R, 1.0)
    C = sd * (1.0 - R).sum(axis=0)
    return _normalised(np.clip(C, 0.0, None)), {"rows": n, "information": C.tolist()}


w_critic.input = "raw"


def varimax(L: np.ndarray, gamma: float = 1.0, iters: int = 100, tol: float = 1e-10):
    """Varimax rotation of a loading matrix (Kaiser 1958); returns the rotated loadings."""
    p, k = L.shape
    if k < 2:
        return L.copy()
    Rot = np.eye(k)
    d = 0.0
    for _ in range(iters):
        Lr = L @ Rot
        u, s, vt = np.linalg.svd(L.T @ (Lr**3 - (gamma / p) * Lr @ np.diag(np.sum(Lr**2, axis=0))))
        Rot = u @ vt
        d_new = s.sum()
        if d_new < d * (1 + tol):
            break
        d = d_new
    return L @ Rot


def w_pca(X, directions, prior, **_):
    r"""PCA/factor-analysis weights, the OECD/JRC Handbook recipe (section 6.1, after Nicoletti
    et al. 2000), on normalised values (correlation matrix).

    1. principal components of the correlation matrix of the complete rows; keep those with
       eigenvalue > 1 (Kaiser), at least one;
    2. loadings :math:`L = V\sqrt{\Lambda}`, varimax-rotated when more than one is kept;
    3. squared loadings scaled to unity sum within each factor:
       :math:`s_{jf} = L_{jf}^2 / \sum_i L_{if}^2`;
    4. each indicator is assigned to the factor with its largest :math:`s_{jf}`;
    5. factor weight :math:`\alpha_f = \sum_i L_{if}^2 / \sum_{g}\sum_i L_{ig}^2` (share of
       explained variance), :math:`w_j = \alpha_{f(j)} s_{j f(j)}`, normalised to sum 1.

    Constant columns get weight 0. Needs >= 3 complete rows, else framework weights.
    """
    Z = _complete(X)
    n, k = Z.shape
    if k == 1:
        return np.ones(1), {"rows": n}
    if n < 3:
        return _normalised(prior), {"fallback": "fewer than 3 complete rows", "rows": n}
    sd = Z.std(axis=0)
    live = sd > 0
    w = np.zeros(k)
    if live.sum() == 1:
        w[live] = 1.0
        return w, {"rows": n, "factors": 1}
    if live.sum() == 0:
        return _normalised(prior), {"fallback": "all columns constant", "rows": n}
    R = np.corrcoef(Z[:, live], rowvar=False)
    vals, vecs = np.linalg.eigh(R)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    keep = max(1, int(np.sum(vals > 1.0)))
    L = vecs[:, :keep] * np.sqrt(np.clip(vals[:keep], 0.0, None))
    L = varimax(L)
    L2 = L**2
    var_f = L2.sum(axis=0)
    S = L2 / var_f
    alpha = var_f / var_f.sum()
    f = np.argmax(S, axis=1)
    w[live] = alpha[f] * S[np.arange(S.shape[0]), f]
    return _normalised(w), {
        "rows": n,
        "factors": keep,
        "eigenvalues": vals.tolist(),
    }


w_pca.input = "normalised"


def ahp_weights(A: np.ndarray) -> tuple[np.ndarray, dict]:
    r"""AHP priorities of a pairwise comparison matrix (Saaty 1980).

    :math:`w` = principal right eigenvector of :math:`A` (normalised to sum 1);
    :math:`CI = (\lambda_{max} - n)/(n - 1)`, :math:`CR = CI / RI_n` (Saaty's random index,
    ``RANDOM_INDEX``; CR = 0 for n <= 2). CR > 0.1 means the judgements are inconsistent.
    Handbook section 6.6.
    """
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    vals, vecs = np.linalg.eig(A)
    i = int(np.argmax(vals.real))
    lam = float(vals[i].real)
    v = np.abs(vecs[:, i].real)
    w = v / v.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX.get(n, 1.59)
    cr = ci / ri if ri > 0 else 0.0
    return w, {"lambda_max": lam, "ci": ci, "cr": cr}


def w_ahp(X, directions, prior, *, pairwise=None, **_):
    """AHP weights from the parent's pairwise matrix (children in framework order).

    Without a matrix for this parent the framework weights are kept (``fallback``).
    """
    if pairwise is None:
        return _normalised(prior), {"fallback": "no pairwise matrix for this parent"}
    return ahp_weights(pairwise)


w_ahp.input = "raw"
