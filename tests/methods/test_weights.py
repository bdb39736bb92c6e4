"""Weights: hand-computed cases and an independent implementation (pyrepo-mcda)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyrepo_mcda import normalizations as pyrepo_norms
from pyrepo_mcda import weighting_methods as pyrepo_w

from indicators.methods.weights import (
    ENTROPY_SHIFT,
    ahp_weights,
    direction_minmax,
    w_critic,
    w_entropy,
    w_equal,
    w_framework,
    w_pca,
)

RNG = np.random.default_rng(7)
X = RNG.lognormal(size=(60, 4))
D = np.array([1.0, -1.0, 1.0, -1.0])
PRIOR = np.ones(4)


def test_framework_and_equal():
    np.testing.assert_allclose(w_framework(None, None, np.array([1.0, 3.0]))[0], [0.25, 0.75])
    np.testing.assert_allclose(w_equal(None, None, np.array([1.0, 3.0, 5.0]))[0], [1 / 3] * 3)


def test_entropy_by_hand():
    # column a = [0, 1, 2] (+) -> z = [0, .5, 1] + s; column b = [5, 5, 6] (-) -> [1, 1, 0] + s
    s = ENTROPY_SHIFT

    def e(z):
        p = [v / sum(z) for v in z]
        return -sum(q * math.log(q) for q in p) / math.log(3)

    da, db = 1 - e([s, 0.5 + s, 1 + s]), 1 - e([1 + s, 1 + s, s])
    w, info = w_entropy(np.array([[0, 5], [1, 5], [2, 6.0]]), np.array([1, -1]), np.ones(2))
    np.testing.assert_allclose(w, [da / (da + db), db / (da + db)], rtol=1e-12)
    assert info["rows"] == 3


def test_entropy_matches_pyrepo_mcda():
    """Compared: our w_entropy(X, D) against pyrepo-mcda's entropy_weighting fed the matrix
    pyrepo's own minmax_normalization(X, types=D) gives (direction-aware, [0, 1]) plus the same
    1e-4 shift. pyrepo then sum-normalises and computes e_j, d_j, w_j itself, so the min-max,
    the p_ij and the entropy are all computed independently of our code."""
    Z = pyrepo_norms.minmax_normalization(X, D) + ENTROPY_SHIFT
    expected = pyrepo_w.entropy_weighting(Z)
    np.testing.assert_allclose(w_entropy(X, D, PRIOR)[0], expected, atol=1e-9, rtol=0)


def test_critic_matches_pyrepo_mcda():
    """Compared: our w_critic(X, D) against pyrepo-mcda's critic_weighting fed X with the
    negative-direction columns multiplied by -1 (pyrepo treats every column as a benefit
    criterion and min-max normalises itself; min-max of -x is our direction-aware min-max).
    pyrepo uses the population sd and its own Pearson coefficients."""
    expected = pyrepo_w.critic_weighting(X * D)
    np.testing.assert_allclose(w_critic(X, D, PRIOR)[0], expected, atol=1e-9, rtol=0)


def test_critic_by_hand_opposite_columns_share_equally():
    # b = -a exactly: r = -1, equal sd -> C = sd * (0 + 2) for both -> 0.5 each
    a = np.array([1.0, 2.0, 4.0, 8.0])
    w, _ = w_critic(np.c_[a, -a], np.ones(2), np.ones(2))
    np.testing.assert_allclose(w, [0.5, 0.5])


def test_constant_column_gets_zero_weight():
    Z = np.c_[X[:, :2], np.full(60, 3.0)]
    for fn in (w_entropy, w_critic, w_pca):
        w, _ = fn(Z, np.ones(3), np.ones(3))
        assert w[2] == pytest.approx(0.0, abs=1e-12), fn.__name__
        assert w.sum() == pytest.approx(1.0)


def test_pca_two_correlated_indicators_weigh_equally():
    # 2 variables: one factor (eigenvalue 1 + r > 1), loadings equal -> 0.5 each
    a = np.arange(10.0)
    w, info = w_pca(np.c_[a, a + RNG.normal(size=10)], np.ones(2), np.ones(2))
    np.testing.assert_allclose(w, [0.5, 0.5])
    assert info["factors"] == 1


def test_pca_two_blocks_follow_the_handbook_recipe():
    # two independent blocks (2 + 1 columns): two factors with eigenvalue > 1 after adding
    # a near copy; each indicator is assigned to its block's factor
    base = RNG.normal(size=(200, 2))
    Z = np.c_[
        base[:, 0],
        base[:, 0] + 0.01 * RNG.normal(size=200),
        base[:, 1],
        base[:, 1] + 0.01 * RNG.normal(size=200),
    ]
    w, info = w_pca(Z, np.ones(4), np.ones(4))
    assert info["factors"] == 2
    np.testing.assert_allclose(w, [0.25] * 4, atol=0.01)


def test_too_few_rows_fall_back_to_framework():
    w, info = w_entropy(np.array([[1.0, 2.0]]), np.ones(2), np.array([1.0, 3.0]))
    np.testing.assert_allclose(w, [0.25, 0.75])
    assert "fallback" in info


def test_ahp_consistent_matrix():
    # a consistent matrix a_ij = w_i / w_j with w = (4, 2, 1) / 7: lambda_max = n = 3, CR = 0
    A = np.array([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    w, info = ahp_weights(A)
    np.testing.assert_allclose(w, [4 / 7, 2 / 7, 1 / 7])
    assert info["lambda_max"] == pytest.approx(3.0)
    assert info["cr"] == pytest.approx(0.0, abs=1e-12)


def test_ahp_inconsistent_cycle():
    # cyclic judgements: symmetric -> equal weights; lambda_max = 1 + 3 + 1/3 = 13/3,
    # CI = (13/3 - 3) / 2 = 2/3, RI(3) = 0.58, CR = 1.1494
    A = np.array([[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]])
    w, info = ahp_weights(A)
    np.testing.assert_allclose(w, [1 / 3] * 3)
    assert info["ci"] == pytest.approx(2 / 3)
    assert info["cr"] == pytest.approx((2 / 3) / 0.58)


def test_direction_minmax():
    Z = direction_minmax(np.array([[1.0, 1.0], [3.0, 3.0], [5.0, 2.0]]), np.array([1, -1]))
    np.testing.assert_allclose(Z, [[0, 1], [0.5, 0], [1, 0.5]])
