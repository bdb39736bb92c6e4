"""Sports ranking: 1 = best, ties share the best rank, NaN unranked."""

from __future__ import annotations

import numpy as np

from indicators.methods.rank import rank_desc


def test_min_ties_and_nan():
    np.testing.assert_array_equal(
        rank_desc(np.array([3.0, 1.0, 3.0, np.nan, 0.0])), [1, 3, 1, np.nan, 4]
    )


def test_within_groups():
    v = np.array([5.0, 1.0, 2.0, 9.0])
    np.testing.assert_array_equal(rank_desc(v, np.array([1, 1, 2, 2])), [1, 2, 2, 1])


def test_sports_ranking_1_2_2_4():
    np.testing.assert_array_equal(rank_desc(np.array([9.0, 5.0, 5.0, 1.0])), [1, 2, 2, 4])


def test_rank_min_equals_scipy_rankdata():
    from scipy.stats import rankdata

    from indicators.methods.rank import rank_min

    rng = np.random.default_rng(3)
    for shape in ((1, 1), (7, 3), (50, 20), (200, 5)):
        X = rng.integers(0, 6, size=shape).astype(float)  # many ties
        X[rng.random(shape) < 0.2] = np.nan
        expected = rankdata(X, method="min", axis=0, nan_policy="omit")
        np.testing.assert_array_equal(rank_min(X), expected)
    np.testing.assert_array_equal(rank_min(np.array([3.0, np.nan, 1.0, 3.0])), [2, np.nan, 1, 2])
