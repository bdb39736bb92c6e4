"""what_it_takes reports, for each indicator, the change as a share of the group's observed range
(effort), says when the required value lies beyond every unit of the group, and gives a row
that cannot be reached no new rank (issue 10 "trust and clarity", §3).

Regressions: the table proposed 省外流入 2.4 % → 38.7 % with no hint that this is far outside
what the group's cities have, gave "infeasible" rows a new rank, and could only be sorted by
raw differences in mixed units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import Build, Config, run_pipeline, what_it_takes

ANQING, YEAR = "340800", 2020  # rank 20 of the YRD 27 in 2020


@pytest.fixture(scope="module")
def result(bundle):
    data, framework, yrd = bundle
    return run_pipeline(Build.create(data, framework, Config(), members=yrd))


@pytest.fixture(scope="module")
def anqing(result):
    return what_it_takes(result, ANQING, YEAR, 1)


def _rank_with(bundle, code: str, value: float) -> int:
    data, framework, yrd = bundle
    trial = data.copy()
    trial[code] = trial[code].astype(float)
    trial.loc[(trial["adcode"] == ANQING) & (trial["year"] == YEAR), code] = value
    scores = run_pipeline(Build.create(trial, framework, Config(), members=yrd)).scores
    return int(scores.loc[(scores["adcode"] == ANQING) & (scores["year"] == YEAR), "rank"].iloc[0])


def test_effort_is_the_change_as_a_share_of_the_groups_range(bundle, anqing):
    data, _, yrd = bundle
    group = data.loc[(data["year"] == YEAR) & data["adcode"].isin(yrd)]
    for row in anqing.itertuples():
        assert row.group_min == pytest.approx(group[row.code].min())
        assert row.group_max == pytest.approx(group[row.code].max())
        if row.feasible:
            spread = row.group_max - row.group_min
            assert row.effort == pytest.approx(abs(row.change) / spread)
            assert row.beyond_range == (not row.group_min <= row.required <= row.group_max)
        else:
            assert np.isnan(row.effort) and not row.beyond_range


def test_a_target_beyond_every_city_of_the_group_is_flagged_and_still_sufficient(bundle, anqing):
    beyond = anqing.loc[anqing["beyond_range"]]
    assert len(beyond), "Anqing needs more than the best YRD city on some indicator"
    row = beyond.iloc[0]
    assert row["required"] > row["group_max"] or row["required"] < row["group_min"]
    assert _rank_with(bundle, row["code"], row["required"]) <= 19


def test_rows_that_cannot_be_reached_have_no_new_rank(anqing):
    out = anqing.loc[~anqing["feasible"]]
    assert len(out), "some indicator cannot lift Anqing on its own"
    assert (out["note"] == "not reachable").all()
    assert out["new_rank"].isna().all() and out["required"].isna().all()
    assert anqing.loc[anqing["feasible"], "new_rank"].le(19).all()


def test_a_share_is_never_asked_to_exceed_100_percent(result, bundle):
    _, framework, _ = bundle
    scores = result.scores.loc[result.scores["year"] == YEAR].sort_values("rank")
    last = scores["adcode"].iloc[-1]
    out = what_it_takes(result, last, YEAR, 20, reach=50.0)  # a huge reach: clipped
    shares = out.loc[out["code"].map(lambda c: framework.unit(c) == "%")]
    assert shares["required"].dropna().between(0, 100).all()
    assert (out["required"].dropna() >= 0).all()  # nothing here can be negative
    assert out.loc[out["code"] == "pop_growth_pct", "group_min"].iloc[0] < 0  # this one can


def test_reach_zero_searches_only_up_to_the_groups_best_value(result, anqing):
    within = what_it_takes(result, ANQING, YEAR, 1, reach=0.0)
    assert not within["beyond_range"].any()
    moved = anqing.loc[anqing["beyond_range"], "code"]
    assert (within.set_index("code").loc[moved, "note"] == "not reachable").all()
    same = anqing.loc[anqing["feasible"] & ~anqing["beyond_range"], "code"]
    pd.testing.assert_series_equal(
        within.set_index("code").loc[same, "required"],
        anqing.set_index("code").loc[same, "required"],
        rtol=1e-4,
    )
    with pytest.raises(ValueError, match="reach"):
        what_it_takes(result, ANQING, YEAR, 1, reach=-1)


def test_the_benchmark_adapter_still_runs(result):
    from benchmarks.coinr import engine_what_it_takes

    out = engine_what_it_takes({"result": result}, ANQING, YEAR)
    assert len(out) == 19 and {"effort", "beyond_range", "feasible"} <= set(out.columns)
