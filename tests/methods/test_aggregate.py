"""Hand-computed aggregation: values [[0, 100], [50, NaN]], weights (1, 3)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from indicators.methods.aggregate import aggregate_matrix

V = np.array([[0.0, 100.0], [50.0, np.nan]])
W = np.array([1.0, 3.0])


def test_arithmetic_renormalises_over_present_children():
    # row 0: (0*1 + 100*3) / 4 = 75; row 1: only the first child: 50
    np.testing.assert_allclose(aggregate_matrix(V, W, "arithmetic"), [75, 50])


def test_geometric_is_zero_safe():
    # x* = 1 + 0.99 x: row 0 -> (1, 100): exp((ln 1 + 3 ln 100) / 4) = 10^1.5;
    # back: (10^1.5 - 1) / 0.99 = 30.932097...; row 1: 50 -> 50.5 -> 50
    np.testing.assert_allclose(
        aggregate_matrix(V, W, "geometric"), [(10**1.5 - 1) / 0.99, 50], rtol=1e-12
    )


def test_harmonic_is_zero_safe():
    # row 0: 4 / (1/1 + 3/100) = 4 / 1.03; back: (4/1.03 - 1) / 0.99 = 2.9126...
    np.testing.assert_allclose(
        aggregate_matrix(V, W, "harmonic"), [(4 / 1.03 - 1) / 0.99, 50], rtol=1e-12
    )


@pytest.mark.parametrize("method", ["arithmetic", "geometric", "harmonic"])
def test_all_equal_children_give_that_value(method):
    for v in (0.0, 37.0, 100.0):
        y = aggregate_matrix(np.array([[v, v, v]]), np.array([1.0, 2.0, 3.0]), method)
        assert y[0] == pytest.approx(v)


def test_min_coverage_and_present_share():
    # row 1 has 1/4 of the weight present: below 0.5 -> NaN
    y, share = aggregate_matrix(V, W, min_coverage=0.5, return_coverage=True)
    np.testing.assert_allclose(share, [1.0, 0.25])
    assert y[0] == 75 and math.isnan(y[1])
    y = aggregate_matrix(V, W[::-1], min_coverage=0.5)  # now 3/4 present -> kept
    np.testing.assert_allclose(y, [25, 50])


def test_several_parents_and_batches():
    # 3 children, 2 parents: parent 0 <- children 0, 1 (w 1, 1); parent 1 <- child 2
    M = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    vals = np.array([[10.0, 20.0, 30.0]])
    np.testing.assert_allclose(aggregate_matrix(vals, M), [[15, 30]])
    batch = np.stack([M, M * np.array([[3.0], [1.0], [1.0]])])  # (2, 3, 2)
    np.testing.assert_allclose(aggregate_matrix(vals, batch), [[[15, 30]], [[12.5, 30]]])
