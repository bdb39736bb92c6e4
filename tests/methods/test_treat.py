"""COINr's outlier treatment on hand-checkable vectors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

from indicators.methods.treat import (
    check_skew_kurt,
    kurt,
    log_ct,
    skew,
    treat_coinr,
    winsorise,
    winsorise_columns,
)

OUTLIERS = np.r_[np.arange(1, 11), 30, 100.0]  # COINr's own example in ?Treat


def test_skew_kurt_match_excel_estimators():
    # independent: scipy's bias-corrected skew/kurtosis are Excel's SKEW and KURT (G1, G2)
    rng = np.random.default_rng(1)
    x = rng.lognormal(size=40)
    assert skew(x) == pytest.approx(st.skew(x, bias=False), rel=1e-12)
    assert kurt(x) == pytest.approx(st.kurtosis(x, bias=False), rel=1e-12)
    # by hand: x = [0, 0, 0, 4], mean 1, d = [-1, -1, -1, 3], sum d^2 = 12, d^3 = 24, d^4 = 84
    # G1 = sqrt(4) * 24 / 12^1.5 * sqrt(4 * 3) / 2 = 2
    assert skew(np.array([0, 0, 0, 4.0])) == pytest.approx(2.0)
    # r = 4 * 84 / 144 = 7/3; G2 = ((5)(7/3 - 3) + 6)(3) / ((2)(1)) = 4
    assert kurt(np.array([0, 0, 0, 4.0])) == pytest.approx(4.0)


def test_check_rule_needs_both_skew_and_kurtosis():
    assert check_skew_kurt(OUTLIERS)[0] is False  # skew 3.06 >= 2 and kurt 9.74 >= 3.5
    assert check_skew_kurt(OUTLIERS, skew_thresh=3.1)[0] is True  # |skew| below: passes
    assert check_skew_kurt(OUTLIERS, kurt_thresh=10)[0] is True  # kurtosis below: passes


def test_winsorise_moves_the_high_outlier_to_the_next_value():
    # 100 -> 30 (next highest); then skew 1.71 < 2: passes after one point
    x, nwin = winsorise(OUTLIERS)
    np.testing.assert_array_equal(x, np.r_[np.arange(1, 11), 30, 30.0])
    assert nwin == 1


def test_winsorise_negative_skew_moves_the_low_end():
    x, _ = winsorise(-OUTLIERS)
    np.testing.assert_array_equal(x, -np.r_[np.arange(1, 11), 30, 30.0])


def test_treat_logs_each_winsorised_point():
    X = OUTLIERS[:, None]
    Y, events = treat_coinr(X)
    np.testing.assert_array_equal(Y[:, 0], np.r_[np.arange(1, 11), 30, 30.0])
    moved = [e for e in events if e["action"] == "winsorised"]
    assert moved == [
        {
            "action": "winsorised",
            "col": 0,
            "row": 11,
            "scope": None,
            "value": 100.0,
            "new_value": 30.0,
        }
    ]


def test_falls_back_to_log_ct_of_the_original_when_five_points_do_not_suffice():
    # 100 zeros and 8 values 1000..1007: after 5 points the top is still a block of outliers
    x = np.r_[np.zeros(100), 1000 + np.arange(8.0)]
    passes, _, _ = check_skew_kurt(winsorise(x)[0])
    assert passes is False
    Y, events = treat_coinr(x[:, None])
    # log_CT: log(x - min + 0.01 (max - min)) of the ORIGINAL values
    np.testing.assert_allclose(Y[:, 0], np.log(x - 0 + 0.01 * (1007 - 0)))
    assert [e["action"] for e in events] == ["assessed", "log_transformed"]
    np.testing.assert_allclose(log_ct(x), Y[:, 0])


def test_undefined_statistics_are_skipped_and_nan_ignored():
    X = np.array([[1.0, np.nan], [1.0, 2.0], [1.0, np.nan], [1.0, 3.0]])
    Y, events = treat_coinr(X)
    np.testing.assert_array_equal(np.isnan(Y), np.isnan(X))
    assert [e["action"] for e in events] == ["skipped", "skipped"]


def test_huge_values_do_not_overflow_and_scale_does_not_matter():
    """Regression (hardening round two): values of about 1e77 or more overflowed in the 4th
    power of the deviations (`unexpected OverflowError` in the CLI; pages crashed)."""
    base = np.r_[np.arange(1.0, 21.0), 400.0, np.nan]
    X = np.c_[base, base * 1e90]
    with np.errstate(over="raise"):
        Y, events = treat_coinr(X)
    by_col = [[e for e in events if e["col"] == j] for j in (0, 1)]
    assert [e["action"] for e in by_col[0]] == [e["action"] for e in by_col[1]]
    assert by_col[0][0]["skew"] == pytest.approx(by_col[1][0]["skew"], rel=1e-9)
    assert by_col[0][0]["kurt"] == pytest.approx(by_col[1][0]["kurt"], rel=1e-9)
    assert np.isfinite(Y[:-1]).all()


def test_columns_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(5)
    X = rng.lognormal(0, 1.5, size=(60, 8))
    X[rng.random(X.shape) < 0.1] = np.nan
    together, _ = winsorise_columns(X, 5)
    for j in range(X.shape[1]):
        alone, _ = winsorise(X[:, j], 5)
        np.testing.assert_array_equal(together[:, j], alone)
