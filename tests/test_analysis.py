"""Tests for indicators.analysis: hand-computed answers on tiny frames, then the real pipeline."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from indicators.analysis import (
    contributions,
    correlations,
    cronbach_alpha,
    nearest_peers,
    pca_variance,
    strengths_weaknesses,
)
from indicators.build import Build
from indicators.framework import Framework


def _framework() -> Framework:
    rows = [
        ("IDX", None, 3, None),
        ("D1", "IDX", 2, None),
        ("D2", "IDX", 2, None),
        ("a", "D1", 1, 1),
        ("b", "D1", 1, -1),
        ("c", "D1", 1, 1),
        ("d", "D2", 1, 1),
        ("e", "D2", 1, 1),
        ("f", "D2", 1, 1),
    ]
    return Framework.from_table(
        pd.DataFrame(rows, columns=["code", "parent", "level", "direction"]).assign(weight=1.0)
    )


def _fake_result(scores: pd.DataFrame, ranks: pd.DataFrame | None = None, raw=None):
    """A stand-in exposing the Result frames the analysis functions read."""
    return SimpleNamespace(
        framework=_framework(),
        scores=scores,
        ranks=ranks if ranks is not None else scores.drop(columns=["rank"], errors="ignore"),
        raw=raw if raw is not None else scores.drop(columns=["rank"], errors="ignore"),
    )


def _scores(values: dict[str, list[float]], year: int = 2020) -> pd.DataFrame:
    n = len(next(iter(values.values())))
    frame = pd.DataFrame({"adcode": [f"u{i}" for i in range(1, n + 1)], "year": year})
    for code in ("a", "b", "c", "d", "e", "f", "D1", "D2", "IDX"):
        frame[code] = values.get(code, [np.nan] * n)
    frame["rank"] = 1
    return frame


# ---------------------------------------------------------------------------- Cronbach
def test_cronbach_alpha_hand_computed_4x3():
    # items a, b, c of D1: variances 5/3, 10/3, 2; totals 6, 8, 12, 16 → variance 59/3
    # alpha = 3/2 · (1 − (5/3 + 10/3 + 6/3) / (59/3)) = 3/2 · 38/59 = 57/59
    scores = _scores({"a": [1, 2, 3, 4], "b": [2, 3, 5, 6], "c": [3, 3, 4, 6], "d": [1, 2, 3, 4]})
    out = cronbach_alpha(_fake_result(scores))
    assert list(out.columns) == ["code", "alpha", "k", "n"]
    d1 = out.set_index("code").loc["D1"]
    assert d1["alpha"] == pytest.approx(57 / 59, abs=1e-12)
    assert d1["k"] == 3 and d1["n"] == 4
    # D2 has one item with data and two without: alpha is not defined, k counts used items
    assert math.isnan(out.set_index("code").at["D2", "alpha"])
    assert out.set_index("code").at["D2", "k"] == 1


def test_cronbach_alpha_perfectly_correlated_items_is_one():
    scores = _scores({"a": [1, 2, 3, 4], "b": [2, 4, 6, 8], "c": [0, 1, 2, 3]})
    # equal-variance items are required for alpha = 1; b has double variance, so < 1
    out = cronbach_alpha(_fake_result(scores)).set_index("code")
    assert 0.9 < out.at["D1", "alpha"] < 1.0
    scores = _scores({"a": [1, 2, 3, 4], "b": [2, 3, 4, 5], "c": [0, 1, 2, 3]})
    assert cronbach_alpha(_fake_result(scores)).set_index("code").at[
        "D1", "alpha"
    ] == pytest.approx(1.0)


# ---------------------------------------------------------------------------- correlations
def test_correlations_square_and_long():
    scores = _scores(
        {
            "a": [1, 2, 3, 4],
            "b": [4, 3, 2, 1],
            "c": [1, 4, 9, 16],
            "D1": [1, 2, 3, np.nan],
            "D2": [2, 2, 3, 3],
        }
    )
    result = _fake_result(scores)
    square = correlations(result, level_a=1)
    assert list(square.index) == ["a", "b", "c", "d", "e", "f"]
    assert list(square.columns) == ["a", "b", "c", "d", "e", "f"]
    assert square.at["a", "b"] == pytest.approx(-1.0)
    assert square.at["a", "a"] == pytest.approx(1.0)
    assert math.isnan(square.at["a", "d"])  # no data
    spearman = correlations(result, level_a=1, method="spearman")
    assert spearman.at["a", "c"] == pytest.approx(1.0)
    assert correlations(result, level_a=1).at["a", "c"] < 1.0
    cross = correlations(result, level_a=1, level_b=2)
    assert list(cross.columns) == ["D1", "D2"]
    # pairwise complete: a vs D1 over the three shared rows
    assert cross.at["a", "D1"] == pytest.approx(1.0)
    long = correlations(result, level_a=1, level_b=2, form="long", with_parent=True)
    assert list(long.columns) == ["code_a", "code_b", "r", "n"]
    assert set(zip(long["code_a"], long["code_b"], strict=True)) == {
        ("a", "D1"),
        ("b", "D1"),
        ("c", "D1"),
        ("d", "D2"),
        ("e", "D2"),
        ("f", "D2"),
    }
    assert long.set_index("code_a").at["a", "n"] == 3


# ---------------------------------------------------------------------------- PCA
def test_pca_variance_two_perfectly_correlated_variables():
    scores = _scores({"a": [1, 2, 3, 4], "b": [2, 4, 6, 8], "c": [1, -1, -1, 1]})
    out = pca_variance(_fake_result(scores), "D1")
    assert list(out.columns) == ["group", "component", "eigenvalue", "share", "cumulative", "n"]
    # a and b are perfectly correlated, c is uncorrelated with both: eigenvalues 2, 1, 0
    assert out["eigenvalue"].to_numpy() == pytest.approx([2.0, 1.0, 0.0], abs=1e-12)
    assert out["share"].to_numpy() == pytest.approx([2 / 3, 1 / 3, 0.0], abs=1e-12)
    assert out["cumulative"].iloc[-1] == pytest.approx(1.0)
    assert (out["group"] == "D1").all() and (out["n"] == 4).all()


def test_pca_variance_all_indicators_drops_incomplete_rows_and_by_group():
    scores = _scores(
        {
            "a": [1, 2, 3, 4, 5],
            "b": [2, 1, 4, 3, 6],
            "c": [5, 3, 1, 2, 0],
            "d": [1, 2, 2, 1, np.nan],
            "e": [0, 1, 0, 1, 1],
            "f": [3, 1, 2, 5, 4],
        }
    )
    out = pca_variance(_fake_result(scores))
    assert (out["group"] == "IDX").all() and (out["n"] == 4).all()
    assert len(out) == 6 and out["share"].sum() == pytest.approx(1.0)
    assert (np.diff(out["eigenvalue"]) <= 1e-12).all()
    grouped = pca_variance(_fake_result(scores), by_group=True)
    assert list(grouped["group"].unique()) == ["D1", "D2"]


# ---------------------------------------------------------------------------- strengths
def test_strengths_weaknesses_five_units():
    scores = _scores(
        {
            "a": [90, 80, 70, 60, 50],
            "b": [70, 90, 60, 50, 40],
            "c": [50, 90, 80, 30, 10],
            "d": [0, 10, 20, 30, 40],
            "e": [10, 5, 20, 30, 40],
            "f": [5, 5, 5, 5, 5],  # no variation: never a strength or weakness
        }
    )
    ranks = scores.drop(columns=["rank"]).copy()
    # ranks of u1 (direction already applied): a 1, b 2, c 3, d 5, e 4, f 1 (all tied)
    for code in ("a", "b", "c", "d", "e", "f"):
        ranks[code] = scores[code].rank(ascending=False, method="min")
    raw = scores.drop(columns=["rank"]).copy()
    raw["b"] = [1.0, 2.0, 3.0, 4.0, 5.0]
    out = strengths_weaknesses(_fake_result(scores, ranks, raw), "u1", 2020, k=3)
    assert list(out.columns) == ["kind", "code", "value", "score", "rank", "n", "position"]
    strengths = out.loc[out["kind"] == "strength"]
    weaknesses = out.loc[out["kind"] == "weakness"]
    # top half only (q < 0.5): a (q=0), b (q=0.25); c is exactly the median (q=0.5): neither
    assert list(strengths["code"]) == ["a", "b"]
    assert list(strengths["rank"]) == [1, 2]
    assert list(weaknesses["code"]) == ["d", "e"]
    assert list(weaknesses["position"]) == [1.0, 0.75]
    assert (out["n"] == 5).all()
    assert strengths.set_index("code").at["b", "value"] == 1.0  # raw value, not the score
    one = strengths_weaknesses(_fake_result(scores, ranks, raw), "u1", 2020, k=1)
    assert list(one["code"]) == ["a", "d"]


def test_strengths_weaknesses_ties_share_the_best_rank():
    scores = _scores({"a": [50, 50, 50, 10, 0], "d": [0, 0, 0, 0, 9]})
    ranks = scores.drop(columns=["rank"]).copy()
    for code in ("a", "d"):
        ranks[code] = scores[code].rank(ascending=False, method="min")
    out = strengths_weaknesses(_fake_result(scores, ranks), "u1", 2020)
    # a: three-way tie at the top → rank 1 (a strength); d: four-way tie at the bottom → rank 2,
    # q = 0.25: counts as a strength because ties take the best rank (documented)
    assert list(out.loc[out["kind"] == "strength", "code"]) == ["a", "d"]
    assert out.loc[out["kind"] == "weakness"].empty


# ---------------------------------------------------------------------------- peers
def test_nearest_peers_shared_coordinates_scaled():
    scores = _scores(
        {
            "a": [0, 3, 1, np.nan, 0.5],
            "b": [0, 4, np.nan, np.nan, 0.5],
        }
    )
    scores["rank"] = [3, 1, 2, 5, 4]
    out = nearest_peers(_fake_result(scores), "u1", 2020, k=5)
    assert list(out.columns) == ["adcode", "distance", "rms", "shared", "rank"]
    # u5: sqrt(0.5) ≈ 0.707; u3: one shared coordinate, sqrt(1 · 2/1) = 1.414; u2: 5;
    # u4 shares nothing with u1 and is left out
    assert list(out["adcode"]) == ["u5", "u3", "u2"]
    assert out["distance"].to_numpy() == pytest.approx([math.sqrt(0.5), math.sqrt(2), 5.0])
    assert list(out["shared"]) == [2, 1, 2]
    assert list(out["rank"]) == [4, 2, 1]
    assert len(nearest_peers(_fake_result(scores), "u1", 2020, k=1)) == 1


def test_nearest_peers_by_dimension_scores():
    scores = _scores({"D1": [10, 20, 11, 50], "D2": [10, 20, 12, 50]})
    out = nearest_peers(_fake_result(scores), "u1", 2020, k=2, level=2)
    assert list(out["adcode"]) == ["u3", "u2"]
    assert out["distance"].iloc[0] == pytest.approx(math.sqrt(5))


def test_unknown_unit_or_year_raises():
    scores = _scores({"a": [1, 2, 3]})
    with pytest.raises(ValueError, match="year"):
        nearest_peers(_fake_result(scores), "u1", 1999)
    with pytest.raises(ValueError, match="u9"):
        strengths_weaknesses(_fake_result(scores), "u9", 2020)


# ---------------------------------------------------------------------------- real pipeline
def _rank_with(data, framework, config, yrd, adcode, year, code, value) -> int:
    from indicators import run_pipeline

    trial = data.copy()
    trial[code] = trial[code].astype(float)
    trial.loc[(trial["adcode"] == adcode) & (trial["year"] == year), code] = value
    scores = run_pipeline(Build.create(trial, framework, config, members=yrd)).scores
    return int(scores.loc[(scores["adcode"] == adcode) & (scores["year"] == year), "rank"].iloc[0])


@pytest.mark.parametrize(
    ("config_kwargs", "places"),
    [({}, 2), ({"normalise": "rank"}, 1), ({"aggregate": "geometric", "treat": "coinr"}, 1)],
)
def test_what_it_takes_required_value_is_just_enough(bundle, config_kwargs, places):
    from indicators import Config, run_pipeline
    from indicators.analysis import what_it_takes

    data, framework, yrd = bundle
    config = Config(**config_kwargs)
    year = 2020
    scores = run_pipeline(Build.create(data, framework, config, members=yrd)).scores
    scores = scores.loc[scores["year"] == year].sort_values("rank")
    adcode = scores["adcode"].iloc[9]
    current_rank = int(scores["rank"].iloc[9])
    codes = ["prof_tech_pct", "sci_emp_pct", "aged_pct", "edu_health_emp_pct", "fertility"]
    out = what_it_takes(
        run_pipeline(Build.create(data, framework, config, members=yrd)),
        adcode,
        year,
        places,
        codes=codes,
    )
    assert list(out.columns) == [
        "code",
        "current",
        "required",
        "change",
        "change_pct",
        "group_min",
        "group_max",
        "effort",
        "beyond_range",
        "new_rank",
        "feasible",
        "note",
    ]
    assert list(out["code"]) == codes
    assert out["feasible"].any()
    target = current_rank - places
    for row in out.itertuples():
        direction = framework.direction(row.code)
        if row.feasible:
            assert row.change * direction > 0  # an improvement, in the right direction
            assert row.change_pct == pytest.approx(100 * row.change / abs(row.current))
            reached = _rank_with(data, framework, config, yrd, adcode, year, row.code, row.required)
            assert reached <= target and reached == row.new_rank
            # a bit less improvement does not suffice
            smaller = row.required - 1e-4 * row.change
            assert (
                _rank_with(data, framework, config, yrd, adcode, year, row.code, smaller) > target
            )
        else:  # not even one group range beyond the group's best value is enough
            assert row.note == "not reachable" and np.isnan(row.required)
            assert np.isnan(row.new_rank)
            group = data.loc[(data["year"] == year) & data["adcode"].isin(yrd), row.code]
            limit = (group.max() if direction > 0 else group.min()) + direction * (
                group.max() - group.min()
            )
            limit = min(
                max(limit, 0.0), 100.0
            )  # % shares lie in [0, 100]; fertility stays far below
            assert _rank_with(data, framework, config, yrd, adcode, year, row.code, limit) > target


def test_what_it_takes_missing_indicator_and_first_place(bundle):
    from indicators import Config, run_pipeline
    from indicators.analysis import what_it_takes

    data, framework, yrd = bundle
    scores = run_pipeline(Build.create(data, framework, Config(), members=yrd)).scores
    y2010 = scores.loc[scores["year"] == 2010].sort_values("rank")
    adcode = y2010["adcode"].iloc[5]
    out = what_it_takes(
        run_pipeline(Build.create(data, framework, Config(), members=yrd)),
        adcode,
        2010,
        1,
        codes=["pop_growth_pct"],
    )
    assert out.at[0, "note"] == "missing" and not out.at[0, "feasible"]
    first = y2010["adcode"].iloc[0]
    out = what_it_takes(
        run_pipeline(Build.create(data, framework, Config(), members=yrd)),
        first,
        2010,
        1,
        codes=["edu_years"],
    )
    assert out.at[0, "note"] == "already first" and not out.at[0, "feasible"]


def test_analysis_on_a_real_result(bundle):
    from indicators import Config, run_pipeline

    data, framework, yrd = bundle
    result = run_pipeline(Build.create(data, framework, Config(), members=yrd))
    square = correlations(result, level_a=1)
    assert square.shape == (19, 19)
    np.testing.assert_allclose(np.diag(square.to_numpy()), 1.0)
    assert correlations(result, 1, 3, form="long", with_parent=True).shape[0] == 19
    alpha = cronbach_alpha(result)
    assert list(alpha["code"]) == list(framework.children(framework.root))
    assert alpha["alpha"].dropna().le(1).all()
    pca = pca_variance(result, year=2020)
    assert len(pca) == 19 and pca["cumulative"].iloc[-1] == pytest.approx(1.0)
    adcode = result.scores["adcode"].iloc[0]
    sw = strengths_weaknesses(result, adcode, 2020)
    assert set(sw["kind"]) <= {"strength", "weakness"} and (sw["n"] == 27).all()
    peers = nearest_peers(result, adcode, 2020)
    assert len(peers) == 5 and peers["distance"].is_monotonic_increasing
    assert adcode not in set(peers["adcode"])


def test_contributions_add_up_to_the_index(bundle):
    from indicators import Config, run_pipeline

    data, framework, yrd = bundle
    result = run_pipeline(Build.create(data, framework, Config(), members=yrd))
    scores = result.scores.set_index(["adcode", "year"])[framework.root]
    for adcode, year in (("310000", 2020), ("340100", 2010)):  # 2010 lacks pop_growth_pct
        parts = contributions(result, adcode, year)
        assert parts["points"].sum() == pytest.approx(scores[(adcode, year)], rel=1e-12)
        assert set(parts["dimension"]) == set(framework.children(framework.root))
    codes_2010 = set(contributions(result, "340100", 2010)["code"])
    assert "pop_growth_pct" not in codes_2010 and "ict_emp_pct" in codes_2010
    geometric = run_pipeline(
        Build.create(data, framework, Config(aggregate="geometric"), members=yrd)
    )
    assert contributions(geometric, "310000", 2020) is None
