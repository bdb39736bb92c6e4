"""Hand-computed imputations. Rows: units a, b, c x years 2010, 2020."""

from __future__ import annotations

import numpy as np

from indicators.methods.impute import (
    i_group_mean,
    i_group_median,
    i_latest,
    i_mean,
    i_median,
    impute_none,
)

UNITS = np.array(["a", "a", "b", "b", "c", "c"])
YEARS = np.array([2010, 2020, 2010, 2020, 2010, 2020])
# col0: a-2020 missing; col1: a-2010 missing (only a later year exists for a)
X = np.array([[1.0, np.nan], [np.nan, 4.0], [3.0, 2.0], [7.0, 6.0], [5.0, 8.0], [9.0, 10.0]])
GROUPS = np.array([0, 0, 0, 0, 1, 1])  # a, b in group 0; c in group 1


def test_none_keeps_missing():
    Y, _ = impute_none(X)
    np.testing.assert_array_equal(np.isnan(Y), np.isnan(X))


def test_mean_uses_same_year():
    Y, _ = i_mean(X, years=YEARS)
    assert Y[1, 0] == 8.0  # 2020 col0: (7 + 9) / 2
    assert Y[0, 1] == 5.0  # 2010 col1: (2 + 8) / 2


def test_median_uses_same_year():
    Z = np.array([[1.0], [2.0], [10.0], [np.nan]])
    Y, _ = i_median(Z, years=np.zeros(4))
    assert Y[3, 0] == 2.0  # median(1, 2, 10); the mean would be 13/3
    Y, _ = i_mean(Z, years=np.zeros(4))
    assert Y[3, 0] == 13 / 3


def test_group_mean_and_median():
    Y, _ = i_group_mean(X, years=YEARS, groups=GROUPS)
    assert Y[1, 0] == 7.0  # group 0 in 2020, col0: only b = 7
    assert Y[0, 1] == 2.0  # group 0 in 2010, col1: only b = 2
    Y, _ = i_group_median(X, years=YEARS, groups=GROUPS)
    assert (Y[1, 0], Y[0, 1]) == (7.0, 2.0)


def test_group_without_values_stays_missing():
    Y, _ = i_group_mean(X, years=YEARS, groups=np.array([0, 0, 1, 1, 1, 1]))
    assert np.isnan(Y[1, 0])  # a is alone in group 0 and missing in 2020


def test_latest_fills_forward_never_backwards():
    Y, details = i_latest(X, years=YEARS, unit_ids=UNITS)
    assert Y[1, 0] == 1.0 and details["from_year"][1, 0] == 2010  # a-2010 carried to 2020
    assert np.isnan(Y[0, 1])  # only a later year: not carried back


def test_latest_takes_the_most_recent_earlier_year_in_any_row_order():
    order = np.array([5, 3, 1, 0, 2, 4])
    units = np.array(["a", "a", "a"])
    years = np.array([2020, 2000, 2010])
    Z = np.array([[np.nan], [1.0], [2.0]])
    Y, details = i_latest(Z, years=years, unit_ids=units)
    assert Y[0, 0] == 2.0 and details["from_year"][0, 0] == 2010
    Y2, _ = i_latest(X[order], years=YEARS[order], unit_ids=UNITS[order])
    np.testing.assert_array_equal(Y2, i_latest(X, years=YEARS, unit_ids=UNITS)[0][order])
