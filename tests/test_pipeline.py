"""run_pipeline on the fixture framework and data (6 units x 2010/2020, one missing cell)."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.config import Config
from indicators.framework import Framework
from indicators.methods.aggregate import aggregate_matrix
from indicators.pipeline import (
    aggregate_tree,
    build_tree,
    effective_weights,
    framework_weight_matrices,
    run_pipeline,
)
from indicators.validate import ValidationError

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def framework():
    return Framework.from_table(pd.read_csv(FIXTURES / "framework.csv"))


@pytest.fixture
def data():
    return pd.read_csv(FIXTURES / "data.csv", dtype={"adcode": str})


def row(frame, adcode, year):
    return frame[(frame["adcode"] == adcode) & (frame["year"] == year)].iloc[0]


def test_default_build_by_hand(data, framework):
    r = run_pipeline(data, framework)
    s = row(r.scores, "320100", 2010)
    # ind_a = 20 in pooled [5, 40] -> 15/35*100; ind_b = 12 (negative) in [8, 16] -> 4/8*100
    assert s["ind_a"] == pytest.approx(300 / 7)
    assert s["ind_b"] == pytest.approx(50.0)
    assert s["D1"] == pytest.approx((300 / 7 + 50) / 2)
    # 310000 has the best value of every indicator in 2020: 100 everywhere, rank 1
    best = row(r.scores, "310000", 2020)
    assert best["IDX"] == pytest.approx(100.0) and best["rank"] == 1
    assert r.scores["rank"].dtype == "Int64"


def test_missing_child_is_dropped_and_reported(data, framework):
    r = run_pipeline(data, framework)
    s = row(r.scores, "320100", 2020)
    assert np.isnan(s["ind_d"])
    assert s["D2"] == pytest.approx(s["ind_c"])  # ind_d dropped, ind_c's weight renormalised
    cov = r.coverage
    assert cov.to_dict("records") == [
        {"adcode": "320100", "year": 2020, "code": "D2", "present_share": pytest.approx(2 / 3)}
    ]
    r = run_pipeline(data, framework, Config(min_coverage=0.7))
    assert np.isnan(row(r.scores, "320100", 2020)["D2"])


def test_regeneration_is_identical(data, framework):
    config = Config(impute="latest", treat="coinr", weights="entropy", aggregate="geometric")
    a = run_pipeline(data, framework, config)
    b = run_pipeline(copy.deepcopy(data), framework, Config.from_dict(config.to_dict()))
    for name in (
        "raw",
        "imputed",
        "treated",
        "normalised",
        "scores",
        "ranks",
        "weights",
        "coverage",
    ):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.log == b.log


def test_input_not_mutated_and_row_order_irrelevant(data, framework):
    shuffled = data.sample(frac=1, random_state=3).reset_index(drop=True)
    before = shuffled.copy()
    a = run_pipeline(shuffled, framework)
    pd.testing.assert_frame_equal(shuffled, before)
    pd.testing.assert_frame_equal(a.scores, run_pipeline(data, framework).scores)


def test_peer_group_restricts_before_learning(data, framework):
    units = ["320100", "320500", "330100"]
    r = run_pipeline(data, framework, units=units)
    assert sorted(r.scores["adcode"].unique()) == units
    assert sorted(r.scores.loc[r.scores["year"] == 2020, "rank"]) == [1, 2, 3]
    bounds = {e["code"]: e["bounds"] for e in r.log if e["action"] == "bounds_learned"}
    group = data[data["adcode"].isin(units)]
    assert bounds["ind_a"] == (group["ind_a"].min(), group["ind_a"].max())


def test_ranks_frame_ranks_every_code(data, framework):
    r = run_pipeline(data, framework)
    assert list(r.ranks.columns) == ["adcode", "year", *framework.codes]
    # ind_b is negative: the smallest value ranks first
    y2010 = r.ranks[r.ranks["year"] == 2010]
    raw2010 = r.raw[r.raw["year"] == 2010]
    assert y2010.loc[raw2010["ind_b"].idxmin(), "ind_b"] == 1
    pd.testing.assert_series_equal(r.ranks["IDX"], r.scores["rank"], check_names=False)


def test_weights_table_and_effective(data, framework):
    r = run_pipeline(data, framework)
    w = r.weights.set_index("code")
    assert w.loc["D2", "weight"] == pytest.approx(2 / 3)
    assert w.loc["ind_c", "effective"] == pytest.approx(2 / 3 * 2 / 3)
    assert w.loc["IDX", "effective"] == 1.0 and pd.isna(w.loc["IDX", "parent"])


def test_weights_levels_and_overrides(data, framework):
    r = run_pipeline(data, framework, Config(weights="equal", weights_levels=(2,)))
    w = r.weights.set_index("code")["weight"]
    assert (w["D1"], w["D2"]) == (0.5, 0.5)
    assert w["ind_c"] == pytest.approx(2 / 3)  # level 1 keeps framework weights
    # override D2 := 1.0 on the normalised scale (D1 = 1/3): (1/3, 1) / (4/3) = (0.25, 0.75)
    r = run_pipeline(data, framework, Config(weight_overrides=(("D2", 1.0),)))
    w = r.weights.set_index("code")["weight"]
    assert (w["D1"], w["D2"]) == (pytest.approx(0.25), pytest.approx(0.75))


def test_data_driven_weights_at_level_2_use_level_2_scores(data, framework):
    r = run_pipeline(data, framework, Config(weights="critic", weights_levels=(2,)))
    entry = next(e for e in r.log if e["action"] == "weights_computed" and e["code"] == "IDX")
    assert entry["method"] == "critic" and entry["rows"] == 12


def test_ahp_inconsistency_is_a_warning(framework, data):
    cyc = ((1, 3, 1 / 3), (1 / 3, 1, 3), (3, 1 / 3, 1))
    three = Framework.from_table(
        pd.DataFrame(
            {
                "code": ["I", "a", "b", "c"],
                "parent": [None, "I", "I", "I"],
                "level": [2, 1, 1, 1],
                "direction": [None, 1, 1, 1],
            }
        )
    )
    df = pd.DataFrame(
        {
            "adcode": list("pqrs"),
            "year": 2020,
            "a": [1.0, 2, 3, 4],
            "b": [2.0, 1, 4, 3],
            "c": [4.0, 3, 2, 1],
        }
    )
    r = run_pipeline(df, three, Config(weights="ahp", ahp=(("I", cyc),)))
    assert any(e["action"] == "ahp_inconsistent" for e in r.warnings)


def test_latest_imputation_logged(data, framework):
    # 320100 2020 ind_d is missing; 2010 value 4 carried forward
    r = run_pipeline(data, framework, Config(impute="latest"))
    assert row(r.imputed, "320100", 2020)["ind_d"] == 4.0
    entry = next(e for e in r.log if e["action"] == "imputed")
    assert entry == {
        "step": "impute",
        "action": "imputed",
        "method": "latest",
        "code": "ind_d",
        "adcode": "320100",
        "year": 2020,
        "value": 4.0,
        "from_year": 2010,
    }
    assert r.coverage.empty


def test_per_year_scope(data, framework):
    r = run_pipeline(data, framework, Config(normalise_scope="per_year"))
    for year in (2010, 2020):
        col = r.normalised.loc[r.normalised["year"] == year, "ind_a"]
        assert (col.min(), col.max()) == (0.0, 100.0)


def test_group_imputation_needs_unit_groups(data, framework):
    with pytest.raises(ValidationError, match="needs unit_groups"):
        run_pipeline(data, framework, Config(impute="group_mean"))


def test_validation_collects_every_problem(data, framework):
    bad = data.drop(columns=["ind_c"])
    with pytest.raises(ValidationError) as err:
        run_pipeline(bad, framework, Config(normalise="nope", weights="nope"))
    cols = [p.column for p in err.value.problems]
    assert cols == ["normalise", "weights", "ind_c"]


def test_duplicates_and_empty_group_rejected(data, framework):
    with pytest.raises(ValidationError, match="appears twice"):
        run_pipeline(pd.concat([data, data.iloc[:1]]), framework)
    with pytest.raises(ValidationError, match="no data rows"):
        run_pipeline(data, framework, units=["999999"])


def test_single_period_without_year(data, framework):
    one = data[data["year"] == 2010].drop(columns=["year"])
    r = run_pipeline(one, framework)
    assert (r.scores["year"] == 0).all() and len(r.scores) == 6


def test_building_blocks_reproduce_the_pipeline(data, framework):
    r = run_pipeline(data, framework)
    tree = build_tree(framework)
    N = r.normalised[list(framework.indicators)].to_numpy()
    V = aggregate_tree(N, tree)
    np.testing.assert_allclose(V, r.scores[list(framework.codes)].to_numpy())
    W = framework_weight_matrices(tree)
    eff = effective_weights(tree, W)
    np.testing.assert_allclose(eff, r.weights["effective"].to_numpy())
    # batched: 3 weight draws at once give 3 independent builds
    draws = {lev: np.stack([w, w, w]) for lev, w in W.items()}
    Vb = aggregate_tree(N, tree, draws)
    assert Vb.shape == (3, *V.shape)
    np.testing.assert_allclose(Vb[1], V)
    st = tree.steps[0]
    np.testing.assert_allclose(
        aggregate_matrix(N, st.matrix(W[st.level]))[:, 0], V[:, tree.index["D1"]]
    )


def _synthetic(n_units, n_ind, n_years, seed=0):
    rng = np.random.default_rng(seed)
    rows = [{"code": "TVI", "parent": None, "level": 3}]
    rows += [{"code": f"D{d}", "parent": "TVI", "level": 2} for d in range(5)]
    rows += [
        {"code": f"x{j}", "parent": f"D{j % 5}", "level": 1, "direction": 1 - 2 * (j % 7 == 3)}
        for j in range(n_ind)
    ]
    fw = Framework.from_table(pd.DataFrame(rows))
    X = rng.lognormal(size=(n_units * n_years, n_ind))
    X[rng.random(X.shape) < 0.03] = np.nan
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(n_ind)])
    df.insert(0, "year", np.tile(2000 + 10 * np.arange(n_years), n_units))
    df.insert(0, "adcode", np.repeat([str(100000 + i) for i in range(n_units)], n_years))
    return df, fw


def test_speed_city_sized_build():
    df, fw = _synthetic(340, 19, 2)
    run_pipeline(df, fw)
    t = time.perf_counter()
    run_pipeline(df, fw, Config(treat="coinr", impute="latest", weights="entropy"))
    assert time.perf_counter() - t < 0.5  # target 0.1 s; loose bound for slow CI machines
