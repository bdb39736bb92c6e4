"""Property tests (hypothesis).

* min-max outputs lie in [0, 100] for any data, directions and scope;
* monotonicity: with the pooled bounds held fixed (the raised value stays within the
  indicator's observed [min, max] and the unit is not the sole holder of the minimum), raising a
  positive-direction indicator of one unit never lowers any of that unit's aggregates, for the
  arithmetic, geometric and harmonic means (framework weights), and leaves other units alone;
* every weighting method gives weights that sum to 1 within each parent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indicators.build import Build
from indicators.config import Config
from indicators.framework import Framework
from indicators.methods import WEIGHTS
from indicators.methods.normalise import normalise_matrix
from indicators.pipeline import run_pipeline

FW = Framework.from_table(
    pd.read_csv(Path(__file__).resolve().parents[1] / "fixtures" / "framework.csv")
)
INDS = list(FW.indicators)  # ind_a +, ind_b -, ind_c +, ind_d +
AGGS = [c for c in FW.codes if c not in INDS]
values = st.floats(0, 1000, allow_nan=False, allow_infinity=False)


@given(
    X=arrays(
        np.float64,
        st.tuples(st.integers(1, 25), st.integers(1, 4)),
        elements=st.floats(-1e6, 1e6) | st.just(np.nan),
    ),
    seed=st.integers(0, 2**16),
    per_year=st.booleans(),
)
def test_minmax_in_0_100(X, seed, per_year):
    rng = np.random.default_rng(seed)
    d = rng.choice([-1.0, 1.0], size=X.shape[1])
    scope = rng.integers(0, 3, size=X.shape[0]) if per_year else None
    Y = normalise_matrix(X, d, "minmax", scope=scope)
    ok = ~np.isnan(Y)
    assert np.array_equal(ok, ~np.isnan(X))
    assert np.all((Y[ok] >= 0) & (Y[ok] <= 100))


def _frame(M):
    df = pd.DataFrame(M, columns=INDS)
    df.insert(0, "year", 2020)
    df.insert(0, "adcode", [f"u{i}" for i in range(len(M))])
    return df


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    M=arrays(np.float64, (5, 4), elements=values),
    unit=st.integers(0, 4),
    code=st.sampled_from(["ind_a", "ind_c", "ind_d"]),
    frac=st.floats(0, 1),
    method=st.sampled_from(["arithmetic", "geometric", "harmonic"]),
)
def test_raising_a_positive_indicator_never_lowers_a_score(M, unit, code, frac, method):
    j = INDS.index(code)
    col = M[:, j]
    lo, hi = col.min(), col.max()
    old = col[unit]
    assume(old > lo)  # the unit does not hold the minimum: bounds stay fixed
    new = old + frac * (hi - old)  # stays within [old, max]
    M2 = M.copy()
    M2[unit, j] = new
    cfg = Config(aggregate=method)
    a = run_pipeline(Build.create(_frame(M), FW, cfg)).scores
    b = run_pipeline(Build.create(_frame(M2), FW, cfg)).scores
    tol = 1e-9
    assert np.all(b.loc[unit, AGGS].to_numpy(float) >= a.loc[unit, AGGS].to_numpy(float) - tol)
    others = [i for i in range(5) if i != unit]
    np.testing.assert_allclose(
        b.loc[others, AGGS].to_numpy(float), a.loc[others, AGGS].to_numpy(float), atol=tol
    )


def _reciprocal(rng, n):
    A = np.ones((n, n))
    for i in range(n):
        for k in range(i + 1, n):
            A[i, k] = rng.choice([1 / 9, 1 / 5, 1 / 3, 1, 3, 5, 9])
            A[k, i] = 1 / A[i, k]
    return tuple(tuple(r) for r in A)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    M=arrays(np.float64, (12, 4), elements=st.floats(0, 100, allow_nan=False)),
    seed=st.integers(0, 2**16),
)
def test_weights_sum_to_one_within_each_parent(M, seed):
    rng = np.random.default_rng(seed)
    df = _frame(M)
    df["adcode"] = [f"u{i % 6}" for i in range(12)]
    df["year"] = [2010 + 10 * (i // 6) for i in range(12)]
    ahp = tuple((p, _reciprocal(rng, len(FW.children(p)))) for p in ("IDX", "D1", "D2"))
    for name in WEIGHTS:
        r = run_pipeline(Build.create(df, FW, Config(weights=name, ahp=ahp)))
        w = r.weights.dropna(subset=["parent"])
        sums = w.groupby("parent")["weight"].sum().to_numpy()
        np.testing.assert_allclose(sums, 1.0, atol=1e-12)
        assert (w["weight"] >= 0).all()
        leaves = r.weights.set_index("code").loc[INDS, "effective"].sum()
        assert abs(leaves - 1.0) < 1e-12
