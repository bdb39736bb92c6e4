"""Tests for indicators.uncertainty: pipeline equivalence, determinism, contract, estimator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indicators import (
    Config,
    ValidationError,
    run_pipeline,
)
from indicators.build import Build
from indicators.framework import Framework
from indicators.methods.rank import rank_desc
from indicators.uncertainty import (
    CHOICES,
    UncertaintyResult,
    first_order_shares,
    rank_rows,
    uncertainty,
)


@pytest.fixture(scope="module")
def ua(bundle) -> UncertaintyResult:
    data, framework, yrd = bundle
    return uncertainty(Build.create(data, framework, Config(), members=yrd), n=300, seed=7)


def _check_draws_against_pipeline(ua: UncertaintyResult, data, units, draws) -> None:
    for i in draws:
        build_i = ua.draw_build(int(i))
        framework_i = build_i.framework
        rerun = run_pipeline(build_i)
        scores = rerun.scores
        assert list(scores["adcode"]) == list(ua.ranks["adcode"])
        assert list(scores["year"]) == list(ua.ranks["year"])
        np.testing.assert_allclose(
            ua.score_draws[i], scores[framework_i.root].to_numpy(float), rtol=0, atol=1e-9
        )
        np.testing.assert_array_equal(
            ua.rank_draws[i], scores["rank"].to_numpy(dtype=float, na_value=np.nan)
        )
        given_w = dict(zip(rerun.weights["code"], rerun.weights["weight"], strict=True))
        for j, code in enumerate(ua.codes):
            expected = given_w.get(code, 0.0)
            if code != framework_i.root:
                assert ua.weights[i, j] == pytest.approx(expected, abs=1e-12), code


def _representative_draws(ua: UncertaintyResult, framework) -> list[int]:
    """One draw per (normalise, aggregate, treat) combination, plus drops that empty an
    aggregate (an only child) and a draw that drops nothing."""
    d = ua.draws
    picks = list(d.groupby(["normalise", "aggregate", "treat"]).head(1)["draw"])
    only_children = [
        c for c in framework.indicators if len(framework.children(framework.parent(c))) == 1
    ]
    picks += list(d.loc[d["drop"].isin(only_children)].head(2)["draw"])
    picks += list(d.loc[d["drop"] == ""].head(1)["draw"])
    return sorted(set(int(i) for i in picks))


# ---------------------------------------------------------------------------- equivalence
def test_vectorised_draws_equal_rerunning_the_pipeline(ua, bundle):
    data, framework, yrd = bundle
    draws = _representative_draws(ua, framework)
    assert len(draws) >= 8
    # the sample covers every discrete choice
    assert set(ua.draws["normalise"]) == {"minmax", "zscore", "rank"}
    assert set(ua.draws["aggregate"]) == {"arithmetic", "geometric"}
    assert set(ua.draws["treat"]) == {"none", "coinr"}
    _check_draws_against_pipeline(ua, data, yrd, draws)


def test_zscore_never_meets_a_geometric_mean(ua):
    z = ua.draws.loc[ua.draws["normalise"] == "zscore"]
    assert len(z) and (z["aggregate"] == "arithmetic").all()


def test_data_driven_weights_rerun_per_build_and_stay_equivalent(bundle):
    data, framework, yrd = bundle
    config = Config(weights="entropy", normalise="percentile")
    result = uncertainty(
        Build.create(data, framework, config, members=yrd),
        n=12,
        seed=1,
        vary=("weights", "drop", "aggregate"),
    )
    assert set(result.draws["normalise"]) == {"percentile"}
    _check_draws_against_pipeline(result, data, yrd, range(12))


def test_weight_overrides_in_the_nominal_config_are_kept(bundle):
    data, framework, yrd = bundle
    dims = framework.children(framework.root)
    config = Config(weight_overrides=((dims[0], 3.0),))
    result = uncertainty(
        Build.create(data, framework, config, members=yrd), n=8, seed=2, vary=("drop",)
    )
    _check_draws_against_pipeline(result, data, yrd, range(8))


# ---------------------------------------------------------------------------- contract
def test_contract_nominal_intervals_and_shares(ua, bundle):
    data, framework, yrd = bundle
    ranks = ua.ranks
    assert list(ranks.columns) == [
        "adcode",
        "year",
        "nominal_rank",
        "median_rank",
        "mean_rank",
        "p05",
        "p95",
        "wide",
    ]
    nominal = run_pipeline(Build.create(data, framework, Config(), members=yrd)).scores
    assert list(ranks["adcode"]) == list(nominal["adcode"])
    np.testing.assert_array_equal(
        ranks["nominal_rank"].to_numpy(), nominal["rank"].to_numpy(dtype=float)
    )
    assert (ranks["p05"] <= ranks["median_rank"]).all()
    assert (ranks["median_rank"] <= ranks["p95"]).all()
    assert ranks[["p05", "p95"]].min().min() >= 1
    assert ranks["p95"].max() <= ranks.groupby("year")["adcode"].size().max()
    shares = ua.variance_share
    assert list(shares["choice"]) == [*CHOICES, "interactions"]
    assert shares["share"].between(0, 1).all()
    assert shares["share"].sum() == pytest.approx(1.0) or shares["share"].iloc[:-1].sum() > 1
    assert list(ua.draws.columns) == [
        "draw",
        "normalise",
        "aggregate",
        "treat",
        "drop",
        "weight_change",
    ]
    assert len(ua.draws) == 300 and ua.rank_draws.shape == (300, len(ranks))
    assert (ua.draws["weight_change"] <= 1.0).all()


def test_same_seed_identical_other_seed_different(bundle):
    data, framework, yrd = bundle
    a = uncertainty(Build.create(data, framework, Config(), members=yrd), n=60, seed=11)
    b = uncertainty(Build.create(data, framework, Config(), members=yrd), n=60, seed=11)
    c = uncertainty(Build.create(data, framework, Config(), members=yrd), n=60, seed=12)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    pd.testing.assert_frame_equal(a.variance_share, b.variance_share)
    pd.testing.assert_frame_equal(a.draws, b.draws)
    np.testing.assert_array_equal(a.score_draws, b.score_draws)
    assert not a.draws.equals(c.draws)


def test_nothing_varied_gives_the_nominal_rank_everywhere(bundle):
    data, framework, yrd = bundle
    for kwargs in ({"vary": ()}, {"vary": ("weights",), "weight_noise": 0.0}):
        result = uncertainty(Build.create(data, framework, Config(), members=yrd), n=5, **kwargs)
        r = result.ranks
        for col in ("median_rank", "mean_rank", "p05", "p95"):
            np.testing.assert_array_equal(r[col].to_numpy(), r["nominal_rank"].to_numpy())
        assert (result.variance_share["share"] == 0).all()


def test_only_weights_varied_is_all_weights(bundle):
    data, framework, yrd = bundle
    result = uncertainty(
        Build.create(data, framework, Config(), members=yrd), n=400, seed=3, vary=("weights",)
    )
    shares = result.variance_share.set_index("choice")["share"]
    assert list(shares.index) == ["weights", "interactions"]
    # first-order effects of independent multipliers explain most, not all, of the variance
    assert 0.4 < shares["weights"] <= 1.0


def test_bad_arguments_raise_validation_error(bundle, yrd27_build):
    data, framework, yrd = bundle
    with pytest.raises(ValidationError, match="unknown choice"):
        uncertainty(yrd27_build, n=10, vary=("colour",))
    with pytest.raises(ValidationError, match=r"n must be an integer in \[2, 20000\]; got 1"):
        uncertainty(yrd27_build, n=1)
    with pytest.raises(ValidationError, match="seed must be an integer"):
        uncertainty(yrd27_build, n=10, seed=-1)
    with pytest.raises(ValidationError, match="weight_noise"):
        uncertainty(yrd27_build, n=10, weight_noise=1.5)
    with pytest.raises(TypeError, match="Result or a Build"):
        uncertainty(data, n=10)  # type: ignore[arg-type]
    single = Framework.from_table(
        pd.DataFrame(
            {"code": ["IDX", "edu_years"], "parent": [None, "IDX"], "level": [2, 1]}
        ).assign(direction=[None, 1])
    )
    with pytest.raises(ValidationError, match="at least two indicators"):
        uncertainty(Build.create(data, single, Config(), members=yrd), n=10)


def test_all_cities_smoke(bundle):
    data, framework, _ = bundle
    result = uncertainty(Build.create(data, framework, Config()), n=20, seed=0)
    assert len(result.ranks) == len(data)
    kept = result.nominal.arrays.screening.kept
    assert result.ranks["median_rank"][kept].notna().all()
    # Sansha (460300), screened out in both years, has no rank in any draw
    screened = result.ranks.loc[~kept]
    assert list(screened["adcode"]) == ["460300", "460300"]
    assert screened["median_rank"].isna().all()


# ---------------------------------------------------------------------------- building blocks
@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 9)),
        elements=st.sampled_from([0.0, 1.0, 2.5, 2.5, 7.0, -3.0, np.nan]),
    )
)
def test_rank_rows_matches_the_pipeline_ranking(scores):
    expected = np.stack([rank_desc(row) for row in scores])
    np.testing.assert_array_equal(rank_rows(scores), expected)


def test_first_order_shares_known_answers():
    rng = np.random.default_rng(0)
    N = 2000
    a = rng.integers(3, size=N)  # drives the output
    b = rng.integers(4, size=N)  # does nothing
    noise = rng.normal(size=(N, 5))
    # y = 3·a + noise: Var(E[y|a]) = 9·Var(a) = 9·2/3 = 6, Var(y) = 7 → S_a = 6/7
    y = 3.0 * a[:, None] + noise
    out = first_order_shares(y, {"a": [(a, 3)], "b": [(b, 4)]}).set_index("choice")["share"]
    assert out["a"] == pytest.approx(6 / 7, abs=0.02)
    assert out["b"] == pytest.approx(0.0, abs=0.01)
    assert out["interactions"] == pytest.approx(1 / 7, abs=0.03)
    # a pure function of a is fully explained by it
    exact = first_order_shares(np.repeat(a[:, None], 3, axis=1).astype(float), {"a": [(a, 3)]})
    assert exact.set_index("choice").at["a", "share"] == pytest.approx(1.0)


def test_package_attribute_is_callable_after_importing_the_submodule(bundle):
    import indicators
    import indicators.uncertainty  # noqa: F401  (binds indicators.uncertainty to the module)

    data, framework, yrd = bundle
    result = indicators.uncertainty(
        indicators.Build.create(data, framework, Config(), members=yrd), n=3
    )
    assert isinstance(result, UncertaintyResult)
