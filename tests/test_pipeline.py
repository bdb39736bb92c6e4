"""run_pipeline on the example build (tiny fixture: 6 units x 2010/2020, one missing cell)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from indicators import Build, regenerate
from indicators.config import Config
from indicators.framework import Framework
from indicators.methods.aggregate import aggregate_matrix
from indicators.pipeline import run_pipeline
from indicators.tree import aggregate_tree, effective_weights, tree_of
from indicators.validate import ValidationError


def row(frame, adcode, year):
    return frame[(frame["adcode"] == adcode) & (frame["year"] == year)].iloc[0]


def test_default_build_by_hand(example_build):
    r = run_pipeline(example_build)
    s = row(r.scores, "320100", 2010)
    # ind_a = 20 in pooled [5, 40] -> 15/35*100; ind_b = 12 (negative) in [8, 16] -> 4/8*100
    assert s["ind_a"] == pytest.approx(300 / 7)
    assert s["ind_b"] == pytest.approx(50.0)
    assert s["D1"] == pytest.approx((300 / 7 + 50) / 2)
    # 310000 has the best value of every indicator in 2020: 100 everywhere, rank 1
    best = row(r.scores, "310000", 2020)
    assert best["IDX"] == pytest.approx(100.0) and best["rank"] == 1
    assert r.scores["rank"].dtype == "Int64"


def test_missing_child_is_dropped_and_reported(example_build):
    r = run_pipeline(example_build)
    s = row(r.scores, "320100", 2020)
    assert np.isnan(s["ind_d"])
    assert s["D2"] == pytest.approx(s["ind_c"])  # ind_d dropped, ind_c's weight renormalised
    cov = r.coverage
    assert cov.to_dict("records") == [
        {"adcode": "320100", "year": 2020, "code": "D2", "present_share": pytest.approx(2 / 3)}
    ]
    r = regenerate(r, min_coverage=0.7)
    assert np.isnan(row(r.scores, "320100", 2020)["D2"])


def test_regeneration_is_identical(data, framework):
    config = Config(impute="latest", treat="coinr", weights="entropy", aggregate="geometric")
    a = run_pipeline(Build.create(data, framework, config))
    b = run_pipeline(
        Build.create(copy.deepcopy(data), framework, Config.from_dict(config.to_dict()))
    )
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
    a = run_pipeline(Build.create(shuffled, framework))
    pd.testing.assert_frame_equal(shuffled, before)
    pd.testing.assert_frame_equal(a.scores, run_pipeline(Build.create(data, framework)).scores)


def test_peer_group_restricts_before_learning(data, framework):
    units = ["320100", "320500", "330100"]
    r = run_pipeline(Build.create(data, framework, members=units))
    assert sorted(r.scores["adcode"].unique()) == units
    assert sorted(r.scores.loc[r.scores["year"] == 2020, "rank"]) == [1, 2, 3]
    bounds = {e["code"]: e["bounds"] for e in r.log if e["action"] == "bounds_learned"}
    group = data[data["adcode"].isin(units)]
    assert bounds["ind_a"] == (group["ind_a"].min(), group["ind_a"].max())


def test_ranks_frame_ranks_every_code(example_build, framework):
    r = run_pipeline(example_build)
    assert list(r.ranks.columns) == ["adcode", "year", *framework.codes]
    # ind_b is negative: the smallest value ranks first
    y2010 = r.ranks[r.ranks["year"] == 2010]
    raw2010 = r.raw[r.raw["year"] == 2010]
    assert y2010.loc[raw2010["ind_b"].idxmin(), "ind_b"] == 1
    pd.testing.assert_series_equal(r.ranks["IDX"], r.scores["rank"], check_names=False)


def test_weights_table_and_effective(example_build):
    r = run_pipeline(example_build)
    w = r.weights.set_index("code")
    assert w.loc["D2", "weight"] == pytest.approx(2 / 3)
    assert w.loc["ind_c", "effective"] == pytest.approx(2 / 3 * 2 / 3)
    assert w.loc["IDX", "effective"] == 1.0 and pd.isna(w.loc["IDX", "parent"])


def test_weights_levels_and_overrides(data, framework):
    r = run_pipeline(Build.create(data, framework, Config(weights="equal", weights_levels=(2,))))
    w = r.weights.set_index("code")["weight"]
    assert (w["D1"], w["D2"]) == (0.5, 0.5)
    assert w["ind_c"] == pytest.approx(2 / 3)  # level 1 keeps framework weights
    # override D2 := 1.0 on the normalised scale (D1 = 1/3): (1/3, 1) / (4/3) = (0.25, 0.75)
    r = run_pipeline(Build.create(data, framework, Config(weight_overrides=(("D2", 1.0),))))
    w = r.weights.set_index("code")["weight"]
    assert (w["D1"], w["D2"]) == (pytest.approx(0.25), pytest.approx(0.75))


def test_data_driven_weights_at_level_2_use_level_2_scores(data, framework):
    r = run_pipeline(Build.create(data, framework, Config(weights="critic", weights_levels=(2,))))
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
    r = run_pipeline(Build.create(df, three, Config(weights="ahp", ahp=(("I", cyc),))))
    assert any(e["action"] == "ahp_inconsistent" for e in r.warnings)


def test_latest_imputation_logged(data, framework):
    # 320100 2020 ind_d is missing; 2010 value 4 carried forward
    r = run_pipeline(Build.create(data, framework, Config(impute="latest")))
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
    r = run_pipeline(Build.create(data, framework, Config(normalise_scope="per_year")))
    for year in (2010, 2020):
        col = r.normalised.loc[r.normalised["year"] == year, "ind_a"]
        assert (col.min(), col.max()) == (0.0, 100.0)


def test_group_imputation_needs_unit_groups(data, framework):
    with pytest.raises(ValidationError, match="needs the units' groups"):
        Build.create(data, framework, Config(impute="group_mean"))


def test_validation_collects_every_problem(data, framework):
    bad = data.drop(columns=["ind_c"])
    with pytest.raises(ValidationError) as err:
        run_pipeline(Build.create(bad, framework, Config(normalise="nope", weights="nope")))
    cols = [p.column for p in err.value.problems]
    assert cols == ["normalise", "weights", "ind_c"]


def test_duplicates_and_empty_group_rejected(data, framework):
    with pytest.raises(ValidationError, match="appears twice"):
        run_pipeline(Build.create(pd.concat([data, data.iloc[:1]]), framework))
    with pytest.raises(ValidationError, match="no data rows"):
        run_pipeline(Build.create(data, framework, members=["999999"]))


def test_single_period_without_year(data, framework):
    one = data[data["year"] == 2010].drop(columns=["year"])
    r = run_pipeline(Build.create(one, framework))
    assert (r.scores["year"] == 0).all() and len(r.scores) == 6


def test_building_blocks_reproduce_the_pipeline(example_build, framework):
    r = run_pipeline(example_build)
    tree = tree_of(framework)
    N = r.normalised[list(framework.indicators)].to_numpy()
    V = aggregate_tree(N, tree)
    np.testing.assert_allclose(V, r.scores[list(framework.codes)].to_numpy())
    W = tree.framework_weights()
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


# ---------------------------------------------------------------------------- the build value
def test_result_keeps_its_build_and_regenerates(example_build):
    r = run_pipeline(example_build)
    assert r.build is example_build and r.config is example_build.config
    again = regenerate(r, weights="equal")
    assert again.config == Config(weights="equal") and again.build.members == r.build.members
    fresh = run_pipeline(example_build.replace(config=Config(weights="equal")))
    pd.testing.assert_frame_equal(again.scores, fresh.scores)
    with pytest.raises(ValidationError, match="unknown setting 'colour'"):
        regenerate(r, colour="red")
    with pytest.raises(ValidationError, match="normalise must be one of"):
        regenerate(r, normalise="magic")


def test_build_is_frozen_and_owns_its_data(data, framework):
    import dataclasses

    data = data.astype({"ind_a": float})
    build = Build.create(data, framework)
    first = build.data["ind_a"].iloc[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        build.config = Config(weights="equal")  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        build.panel.X[0, 0] = 1.0
    data.loc[0, "ind_a"] = -999.0  # the caller's frame changes later: the build does not
    assert -999.0 not in build.data["ind_a"].to_numpy()
    frame = build.data
    frame.loc[0, "ind_a"] = 5.0  # nor does a frame the build handed out
    assert build.data["ind_a"].iloc[0] == first != 5.0


def test_result_frames_cannot_be_changed_through_a_caller(example_build):
    r = run_pipeline(example_build)
    scores = r.scores
    scores.loc[0, "IDX"] = -1.0
    scores["rank"] = 99
    assert r.scores.loc[0, "IDX"] != -1.0 and r.scores["rank"].max() < 99
    assert r.scores is not r.scores  # a fresh frame per read, over the same data


def test_members_spec_and_unit_groups_come_from_the_units_table(data, framework):
    units = pd.read_csv(
        __import__("pathlib").Path(__file__).parent / "fixtures" / "units.csv",
        dtype={"adcode": str},
    )
    build = Build.create(data, framework, Config(impute="group_mean"), members="all", units=units)
    assert (
        dict(build.unit_groups)["330100"] == units.set_index("adcode").at["330100", "province_zh"]
    )
    assert build.members == tuple(sorted(data["adcode"].unique()))
    r = run_pipeline(build)
    assert not r.imputed["ind_d"].isna().any()  # filled from its province (320500, 2020)


def test_absent_members_are_reported_not_computed(data, framework):
    build = Build.create(data, framework, members=["310000", "320100", "999999"])
    assert build.members == ("310000", "320100") and build.absent == ("999999",)
    r = run_pipeline(build)
    assert r.warnings[0]["action"] == "units_not_in_data"


def test_key_changes_with_every_part_and_only_then(data, framework):
    base = Build.create(data, framework, source="a.csv")
    same = Build.create(data.sample(frac=1, random_state=1), framework, source="a.csv")
    assert base.key == same.key  # row order does not determine the result
    changed = data.astype({"ind_a": float})
    changed.loc[0, "ind_a"] += 1e-9
    variants = [
        Build.create(changed, framework, source="a.csv"),
        Build.create(data, framework, source="b.csv"),
        Build.create(data, framework, Config(weights="equal"), source="a.csv"),
        Build.create(data, framework, members=["310000", "320100"], source="a.csv"),
        Build.create(data, framework.with_weights({"D1": 2.0}), source="a.csv"),
        Build.create(data, framework, unit_groups={"310000": "x"}, source="a.csv"),
    ]
    keys = [base.key, *(v.key for v in variants)]
    assert len(set(keys)) == len(keys)


def test_key_parts_are_length_prefixed(framework, data):
    # unit ids "ab"+"c" and "a"+"bc" concatenate to the same bytes; the keys must differ
    one = data.assign(
        adcode=data["adcode"].map({"310000": "ab", "320100": "c"}).fillna(data["adcode"])
    )
    two = data.assign(
        adcode=data["adcode"].map({"310000": "a", "320100": "bc"}).fillna(data["adcode"])
    )
    assert Build.create(one, framework).key != Build.create(two, framework).key
    # the same bytes split differently between data and source
    assert (
        Build.create(data, framework, source="x").key
        != Build.create(data, framework, source="x ").key
    )


def test_run_pipeline_takes_only_a_build(data, framework):
    with pytest.raises(TypeError, match="Build.create"):
        run_pipeline(data)  # type: ignore[arg-type]
