"""Hand-computed normalisations of a 4-unit x 2-indicator matrix.

Column a = [1, 2, 3, 6] (positive); column b = [4, NaN, 2, 1] (negative direction).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from indicators.methods.normalise import normalise_matrix

X = np.array([[1.0, 4.0], [2.0, np.nan], [3.0, 2.0], [6.0, 1.0]])
D = np.array([1.0, -1.0])
nan = np.nan


def check(method, expected, **kw):
    np.testing.assert_allclose(normalise_matrix(X, D, method, **kw), expected, rtol=1e-12)


def test_minmax():
    # a: (x - 1) / (6 - 1) * 100; b reversed: (4 - x) / (4 - 1) * 100
    check("minmax", [[0, 0], [20, nan], [40, 200 / 3], [100, 100]])


def test_zscore():
    # a: mean 3, sample sd sqrt((4 + 1 + 0 + 9) / 3) = sqrt(14/3)
    sa = math.sqrt(14 / 3)
    # b: -x = [-4, -2, -1], mean -7/3, sd sqrt((25/9 + 1/9 + 16/9) / 2) = sqrt(7/3)
    sb = math.sqrt(7 / 3)
    check(
        "zscore",
        [[-2 / sa, (-5 / 3) / sb], [-1 / sa, nan], [0, (1 / 3) / sb], [3 / sa, (4 / 3) / sb]],
    )


def test_rank_and_percentile():
    # ranks ascending of d*x: a -> 1..4, b: -x = [-4, ., -2, -1] -> 1, ., 2, 3
    check("rank", [[1, 1], [2, nan], [3, 2], [4, 3]])
    # 100 (r - 1) / (n - 1): a n=4 -> 0, 33.3, 66.7, 100; b n=3 -> 0, ., 50, 100
    check("percentile", [[0, 0], [100 / 3, nan], [200 / 3, 50], [100, 100]])


def test_ties_share_lowest_rank():
    Y = normalise_matrix(np.array([[1.0], [2.0], [2.0], [3.0]]), np.array([1.0]), "rank")
    np.testing.assert_array_equal(Y[:, 0], [1, 2, 2, 4])


def test_goalposts_clipped_and_reversed():
    # a: (x - 0) / (10 - 0) -> 10, 20, 30, 60; b negative: (5 - x) / 5 -> 20, ., 60, 80
    check("goalposts", [[10, 20], [20, nan], [30, 60], [60, 80]], goalposts=[[0, 10], [0, 5]])
    # a above the high post is clipped to 100, below the low post to 0
    Y = normalise_matrix(X, D, "goalposts", goalposts=[[2, 3], [0, 5]])
    np.testing.assert_allclose(Y[:, 0], [0, 0, 100, 100])


def test_goalposts_fall_back_to_observed_bounds():
    Y, info = normalise_matrix(X, D, "goalposts", goalposts=[[nan, nan], [0, 5]], return_info=True)
    np.testing.assert_allclose(Y[:, 0], [0, 20, 40, 100])  # = minmax
    assert info[0]["observed_bounds"] and not info[1]["observed_bounds"]


def test_distance_to_frontier():
    # a: 100 x / 6; b negative: 100 * min / x = 100 / x
    check("distance_to_frontier", [[100 / 6, 25], [200 / 6, nan], [50, 50], [100, 100]])


def test_distance_to_frontier_invalid_column_is_nan():
    Y, info = normalise_matrix(
        np.array([[0.0], [2.0]]), np.array([-1.0]), "distance_to_frontier", return_info=True
    )
    assert np.isnan(Y).all() and info[0]["invalid"]


@pytest.mark.parametrize(
    ("method", "value"),
    [("minmax", 50), ("zscore", 0), ("rank", 2), ("percentile", 50), ("distance_to_frontier", 100)],
)
def test_constant_indicator_gets_middle_of_scale(method, value):
    Y, info = normalise_matrix(
        np.array([[3.0], [3.0], [3.0]]), np.array([1.0]), method, return_info=True
    )
    np.testing.assert_allclose(Y[:, 0], value)
    if method != "distance_to_frontier":
        assert info[0]["constant"]


def test_per_year_scope_learns_bounds_per_year():
    years = np.array([2010, 2010, 2020, 2020])
    Y, info = normalise_matrix(X[:, :1], D[:1], "minmax", scope=years, return_info=True)
    # 2010: [1, 2] -> 0, 100; 2020: [3, 6] -> 0, 100
    np.testing.assert_allclose(Y[:, 0], [0, 100, 0, 100])
    assert [(i["scope"], i["bounds"]) for i in info] == [(2010, (1, 2)), (2020, (3, 6))]


def test_pooled_bounds_make_years_comparable():
    Y = normalise_matrix(X[:, :1], D[:1], "minmax")
    np.testing.assert_allclose(Y[:, 0], [0, 20, 40, 100])
