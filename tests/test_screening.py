"""Unit screening: units with too little data are not ranked as if they were complete.

Regression (trust and clarity, §1): Sansha (三沙市, about 2,000 residents, 9 of 19 indicators,
two of five dimensions wholly missing) was ranked 3rd of 337 in 2020 and 2nd in 2010.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import Build, Config, Framework, run_pipeline, uncertainty, what_it_takes
from indicators.cli import main
from indicators.uncertainty import wide_intervals

FRAMEWORK = pd.DataFrame(
    {
        "code": ["IDX", "D1", "D2", "a", "b", "c", "d"],
        "parent": [None, "IDX", "IDX", "D1", "D1", "D2", "D2"],
        "level": [3, 2, 2, 1, 1, 1, 1],
        "direction": [None, None, None, 1, 1, 1, -1],
    }
)
NAN = np.nan
# A, E, F complete; B has 2 of 4 (below 75%) and the largest a; C has 2 of 4 and nothing in
# D2 (a dimension wholly missing); D misses one (3 of 4 = 75%: kept).
DATA = pd.DataFrame(
    {
        "adcode": list("ABCDEF"),
        "a": [1.0, 100.0, 2.0, 3.0, 4.0, 5.0],
        "b": [2.0, NAN, 3.0, 4.0, 1.0, 6.0],
        "c": [5.0, NAN, NAN, 2.0, 8.0, 1.0],
        "d": [3.0, 9.0, NAN, NAN, 2.0, 4.0],
    }
)


@pytest.fixture
def framework():
    return Framework.from_table(FRAMEWORK)


def by_unit(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("adcode")


def test_the_rule_and_the_reasons(framework):
    r = run_pipeline(Build.create(DATA, framework))
    s = by_unit(r.screening)
    assert s["indicators_present"].to_dict() == {"A": 4, "B": 2, "C": 2, "D": 3, "E": 4, "F": 4}
    assert s["missing_dimensions"].to_dict()["C"] == "D2"
    assert s["screening"].to_dict() == {
        "A": "ranked", "B": "excluded", "C": "excluded", "D": "ranked", "E": "ranked",
        "F": "ranked",
    }  # fmt: skip


def test_excluded_units_take_no_part_in_learning_or_ranking(framework):
    """Excluding B and C equals computing the group without them: B's a = 100 would have set
    the min-max bound of every other unit's a."""
    screened = run_pipeline(Build.create(DATA, framework))
    without = run_pipeline(
        Build.create(DATA, framework, Config(screen="none"), members=list("ADEF"))
    )
    got = by_unit(screened.scores)
    want = by_unit(without.scores)
    pd.testing.assert_frame_equal(got.loc[list("ADEF")], want, check_like=True)
    assert got.loc[["B", "C"], "IDX"].isna().all() and got.loc[["B", "C"], "rank"].isna().all()
    assert by_unit(screened.raw).loc["B", "a"] == 100.0  # the data stay visible
    assert screened.coverage["adcode"].isin(["B", "C"]).sum() == 0  # empty, not incomplete


def test_flag_ranks_and_marks_none_only_reports(framework):
    flagged = run_pipeline(Build.create(DATA, framework, Config(screen="flag")))
    assert flagged.scores["rank"].notna().all()
    assert by_unit(flagged.screening).loc[["B", "C"], "screening"].tolist() == ["flagged"] * 2
    none = run_pipeline(Build.create(DATA, framework, Config(screen="none")))
    assert (none.screening["screening"] == "ranked").all()
    assert any(e["action"] == "would_fail" for e in none.log)
    pd.testing.assert_frame_equal(flagged.scores, none.scores)


def test_the_share_is_a_setting_and_the_dimension_rule_needs_dimensions(framework):
    lenient = run_pipeline(Build.create(DATA, framework, Config(screen_min_share=0.5)))
    assert by_unit(lenient.screening)["screening"].to_dict()["B"] == "ranked"  # 2 of 4
    assert by_unit(lenient.screening)["screening"].to_dict()["C"] == "excluded"  # D2 empty
    flat = Framework.from_table(
        pd.DataFrame(
            {
                "code": ["IDX", "a", "b", "c", "d"],
                "parent": [None, "IDX", "IDX", "IDX", "IDX"],
                "level": [2, 1, 1, 1, 1],
                "direction": [None, 1, 1, 1, -1],
            }
        )
    )
    r = run_pipeline(Build.create(DATA, flat, Config(screen_min_share=0.5)))
    assert (r.screening["screening"] == "ranked").all()  # no dimensions: share rule only
    assert (r.screening["missing_dimensions"] == "").all()


def test_uncertainty_leaves_excluded_units_out(framework):
    screened = uncertainty(Build.create(DATA, framework), n=40, seed=3)
    without = uncertainty(
        Build.create(DATA, framework, Config(screen="none"), members=list("ADEF")), n=40, seed=3
    )
    got = by_unit(screened.ranks)
    assert got.loc[["B", "C"], "median_rank"].isna().all()
    np.testing.assert_allclose(
        screened.score_draws[:, [0, 3, 4, 5]], without.score_draws, rtol=0, atol=1e-12
    )
    pd.testing.assert_frame_equal(got.loc[list("ADEF")], by_unit(without.ranks))


def test_what_it_takes_says_an_excluded_unit_is_excluded(framework):
    result = run_pipeline(Build.create(DATA, framework))
    out = what_it_takes(result, "B", 0, 1)
    assert (out["note"] == "excluded").all() and not out["feasible"].any()


def test_sansha_is_not_ranked_in_either_year(bundle):
    data, framework, _ = bundle
    r = run_pipeline(Build.create(data, framework))
    sansha = by_unit(r.ranking).loc["460300"]
    assert sansha["rank"].isna().all() and (sansha["screening"] == "excluded").all()
    assert (sansha["indicators_present"] == 9).all() and (sansha["indicators_total"] == 19).all()
    assert r.scores.groupby("year")["rank"].max().tolist() == [336, 336]


def test_cli_screen_flag_and_exports_list_the_reason(tmp_path, capsys):
    data = tmp_path / "d.csv"
    DATA.to_csv(data, index=False)
    fw = tmp_path / "f.csv"
    FRAMEWORK.to_csv(fw, index=False)
    out = tmp_path / "o.csv"
    assert main(["compute", "--data", str(data), "--framework", str(fw), "--out", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False).set_index("adcode")
    assert frame.loc["B", "screening"] == "excluded" and frame.loc["B", "rank"] == ""
    assert frame.loc["C", "missing_dimensions"] == "D2"
    argv = ["compute", "--data", str(data), "--framework", str(fw), "--screen", "flag"]
    assert main([*argv, "--out", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig").set_index("adcode")
    assert frame.loc["B", "screening"] == "flagged" and frame["rank"].notna().all()
    capsys.readouterr()


def test_wide_intervals_are_outliers_that_span_a_quarter_of_the_group():
    years = np.zeros(12, dtype=int)
    low = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1.0])
    high = low + np.array([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 9.0])  # the last spans 9 of 11
    assert wide_intervals(low, high, years).tolist() == [False] * 11 + [True]
    narrow = low + np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2.0])  # an outlier, but narrow
    assert not wide_intervals(low, narrow, years).any()
