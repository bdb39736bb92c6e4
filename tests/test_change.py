"""Change between the censuses (indicators/change.py): the numbers equal the two years' scores
and ranks, rank moves read the right way, and per-year scores are not compared."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import Build, Config, run_pipeline
from indicators.change import absent_in, change, scores_comparable


def _year(result, year):
    s = result.scores
    return s.loc[s["year"] == year].set_index("adcode")


def test_change_equals_the_two_years(yrd27_build):
    result = run_pipeline(yrd27_build)
    table = change(result).set_index("adcode")
    a, b = _year(result, 2010), _year(result, 2020)
    root = result.framework.root
    assert len(table) == 27
    for adcode, row in table.iterrows():
        assert row["score_first"] == a.at[adcode, root]
        assert row["score_last"] == b.at[adcode, root]
        assert row["score_change"] == pytest.approx(b.at[adcode, root] - a.at[adcode, root])
        assert row["rank_change"] == a.at[adcode, "rank"] - b.at[adcode, "rank"]
    # Shanghai 1 -> 2 moved down one place; the table is in the order of the latest rank
    assert table.at["310000", "rank_change"] == a.at["310000", "rank"] - b.at["310000", "rank"]
    assert list(table["rank_last"]) == sorted(table["rank_last"])


def test_a_dimension_uses_its_own_ranks(yrd27_build):
    result = run_pipeline(yrd27_build)
    table = change(result, code="D1").set_index("adcode")
    ranks = result.ranks
    r10 = ranks.loc[ranks["year"] == 2010].set_index("adcode")["D1"]
    r20 = ranks.loc[ranks["year"] == 2020].set_index("adcode")["D1"]
    pd.testing.assert_series_equal(
        table["rank_change"].sort_index(),
        (r10 - r20).astype("Int64").sort_index(),
        check_names=False,
    )


def test_per_year_scores_are_not_compared(bundle):
    data, framework, yrd = bundle
    result = run_pipeline(
        Build.create(data, framework, Config(normalise_scope="per_year"), members=yrd)
    )
    assert not scores_comparable(result)
    table = change(result)
    assert table["score_change"].isna().all() and table["rank_change"].notna().all()


def test_errors_and_absent_indicators(bundle, example_build):
    data, framework, yrd = bundle
    result = run_pipeline(Build.create(data, framework, Config(), members=yrd))
    with pytest.raises(ValueError, match="not in the result"):
        change(result, first=2000)
    with pytest.raises(ValueError, match="not a code"):
        change(result, code="nope")
    single = run_pipeline(Build.create(data.loc[data["year"] == 2020], framework, members=yrd))
    with pytest.raises(ValueError, match="single year"):
        change(single)
    assert "pop_growth_pct" in absent_in(result, 2010)
    assert absent_in(result, 2020) == ()
