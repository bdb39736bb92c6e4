from pathlib import Path

import pandas as pd
import pytest

from indicators.cells import parse_direction
from indicators.framework import Framework
from indicators.validate import ValidationError

FIXTURES = Path(__file__).parent / "fixtures"


def table(rows, columns=("code", "parent", "level", "direction", "weight")):
    return pd.DataFrame(rows, columns=list(columns))


GOOD = [
    ("IDX", "", 3, "", 1),
    ("D1", "IDX", 2, "", 1),
    ("D2", "IDX", 2, "", 2),
    ("a", "D1", 1, 1, 1),
    ("b", "D1", 1, -1, 1),
    ("c", "D2", 1, 1, 2),
]


def errors_of(df, source="framework.csv"):
    with pytest.raises(ValidationError) as info:
        Framework.from_table(df, source=source)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def fw():
    return Framework.from_table(pd.read_csv(FIXTURES / "framework.csv", dtype=str))


def test_fixture_framework_attributes(fw):
    assert fw.root == "IDX"
    assert fw.codes == ("IDX", "D1", "D2", "ind_a", "ind_b", "ind_c", "ind_d")
    assert fw.indicators == ("ind_a", "ind_b", "ind_c", "ind_d")
    assert fw.levels == (1, 2, 3)
    assert fw.codes_at(2) == ("D1", "D2")
    assert fw.children("IDX") == ("D1", "D2")
    assert fw.children("ind_a") == ()
    assert fw.parent("ind_c") == "D2"
    assert fw.parent("IDX") is None
    assert fw.level("D1") == 2
    assert fw.direction("ind_b") == -1
    assert fw.direction("D1") == 1
    assert fw.weight("D2") == 2.0
    assert fw.name("ind_a") == "指标甲"
    assert fw.name("ind_a", "en") == "Indicator A"
    assert fw.unit("ind_c") == "m²"
    assert fw.definition("ind_a", "en") == "Definition of A"
    assert fw.definition("ind_a", "zh") == "甲的定义"
    assert fw.definition("ind_b", "zh") == ""
    assert fw.indicators_under("IDX") == fw.indicators
    assert fw.indicators_under("D2") == ("ind_c", "ind_d")
    assert fw.indicators_under("ind_a") == ("ind_a",)


def test_table_dtypes_and_copy(fw):
    t = fw.table
    assert list(t.columns[:7]) == [
        "code",
        "parent",
        "level",
        "name_zh",
        "name_en",
        "direction",
        "weight",
    ]
    assert t["level"].dtype == "int64" and t["direction"].dtype == "int64"
    assert t["weight"].dtype == "float64"
    assert pd.isna(t.loc[0, "parent"])
    t.loc[0, "code"] = "changed"
    assert fw.root == "IDX" and fw.table.loc[0, "code"] == "IDX"


def test_immutable_and_hashable(fw):
    with pytest.raises(AttributeError):
        fw.root = "x"  # type: ignore[misc]
    again = Framework.from_table(pd.read_csv(FIXTURES / "framework.csv", dtype=str))
    assert fw == again and hash(fw) == hash(again)
    assert fw != fw.with_weights({"D2": 1})


def test_defaults_names_weights():
    fw = Framework.from_table(table([(*r[:4], None) for r in GOOD]))
    assert fw.weight("D2") == 1.0
    assert fw.name("a") == "a" and fw.name("a", "en") == "a"


@pytest.mark.parametrize("value", [1, -1, "1", "-1", "+1", 1.0, "−1", "1.0"])
def test_direction_spellings(value):
    assert parse_direction(value)[0] in (1, -1)
    assert parse_direction(value)[1] is None


def test_with_weights(fw):
    new = fw.with_weights({"D1": 3, "ind_a": 0})
    assert new.weight("D1") == 3.0 and new.weight("ind_a") == 0.0
    assert fw.weight("D1") == 1.0
    with pytest.raises(ValidationError, match="unknown code 'nope'"):
        fw.with_weights({"nope": 1})
    with pytest.raises(ValidationError, match="weight 0"):
        fw.with_weights({"ind_a": 0, "ind_b": 0})
    with pytest.raises(ValidationError, match="≥ 0"):
        fw.with_weights({"ind_a": -1})


def test_broken_file_reports_all_three_problems():
    df = pd.read_csv(FIXTURES / "broken" / "framework_three_problems.csv", dtype=str)
    problems = errors_of(df)
    assert problems == [
        "framework.csv, row 4, column 'weight': weight must be a number ≥ 0, got 'abc'",
        "framework.csv, row 6, column 'parent': parent 'D9' of 'ind_b' is not a code in the framework",
        "framework.csv, row 7, column 'direction': direction must be +1 or -1, got '2'",
    ]


def test_missing_required_columns():
    df = table([("a", 1)], columns=("code", "level"))
    problems = errors_of(df)
    assert "framework.csv, column 'parent': required column 'parent' is missing" in problems
    assert any("'direction' is missing" in p for p in problems)


def test_empty_and_duplicate_codes():
    rows = [*GOOD, ("", "D1", 1, 1, 1), ("a", "D1", 1, 1, 1)]
    problems = errors_of(table(rows))
    assert "framework.csv, row 8, column 'code': code is empty" in problems
    assert (
        "framework.csv, row 9, column 'code': duplicate code 'a' (first defined on row 5)"
        in problems
    )


def test_cycle_and_no_root():
    rows = [("A", "B", 3, "", 1), ("B", "A", 2, "", 1), ("x", "B", 1, 1, 1)]
    problems = errors_of(table(rows))
    assert any("no root" in p for p in problems)
    assert any("row 2, column 'parent': cycle in the tree: A → B → A" in p for p in problems)


def test_two_roots():
    rows = [*GOOD, ("R2", "", 3, "", 1), ("z", "R2", 1, 1, 1)]
    problems = errors_of(table(rows))
    assert any("2 roots ('IDX' (row 2), 'R2' (row 8))" in p for p in problems)


def test_levels():
    rows = [
        ("IDX", "", 3, "", 1),
        ("D1", "IDX", 3, "", 1),  # same level as parent
        ("a", "D1", 1, 1, 1),
        ("D2", "IDX", 2, "", 1),  # aggregate without children
        ("D3", "IDX", 2, "", 1),
        ("e", "D3", 2, 1, 1),  # leaf above level 1
        ("f", "a", 1, 1, 1),  # indicator with a child
        ("g", "IDX", "x", 1, 1),  # not a level
    ]
    problems = errors_of(table(rows))
    assert any(
        "row 3, column 'level': 'D1' has level 3 but its parent 'IDX' has level 3" in p
        for p in problems
    )
    assert any(
        "row 5, column 'level': 'D2' is at level 2 but has no children" in p for p in problems
    )
    assert any(
        "row 6, column 'code': aggregate 'D3' has no level-1 indicator below it" in p
        for p in problems
    )
    assert any(
        "row 7, column 'level': 'e' is at level 2 but has no children" in p for p in problems
    )
    assert any(
        "row 4, column 'level': 'a' is at level 1 (indicator) but has children: f" in p
        for p in problems
    )
    assert any(
        "row 9, column 'level': level must be a whole number from 1 to 1000, got 'x'" in p for p in problems
    )


def test_root_must_be_highest_level():
    rows = [("IDX", "", 2, "", 1), ("D", "IDX", 1, 1, 1), ("X", "D", 1, 1, 1)]
    problems = errors_of(table(rows))
    assert any("'D' is at level 1 (indicator) but has children" in p for p in problems)


def test_direction_and_weights():
    rows = [
        ("IDX", "", 2, "", 1),
        ("a", "IDX", 1, "", 1),  # missing direction on an indicator
        ("b", "IDX", 1, "up", -2),
    ]
    problems = errors_of(table(rows))
    assert (
        "framework.csv, row 3, column 'direction': direction is required for indicator 'a' (+1 or -1)"
        in problems
    )
    assert (
        "framework.csv, row 4, column 'direction': direction must be +1 or -1, got 'up'" in problems
    )
    assert (
        "framework.csv, row 4, column 'weight': weight must be a number ≥ 0, got '-2'" in problems
        or any("row 4, column 'weight'" in p for p in problems)
    )


def test_all_siblings_zero_weight():
    rows = [("IDX", "", 2, "", 1), ("a", "IDX", 1, 1, 0), ("b", "IDX", 1, 1, "0")]
    problems = errors_of(table(rows))
    assert any("row 3, column 'weight': all children of 'IDX' have weight 0" in p for p in problems)


def test_lines_argument_used():
    rows = [("IDX", "", 2, "", 1), ("a", "IDX", 1, 1, "x")]
    with pytest.raises(ValidationError) as info:
        Framework.from_table(table(rows), source="f.xlsx", lines=[5, 9])
    assert str(info.value.problems[0]).startswith("f.xlsx, row 9, column 'weight'")


def test_input_not_mutated():
    df = table(GOOD)
    before = df.copy()
    Framework.from_table(df)
    pd.testing.assert_frame_equal(df, before)


def test_units_in_both_languages_or_one_for_both():
    table = pd.DataFrame(
        {
            "code": ["I", "a", "b"],
            "parent": [None, "I", "I"],
            "level": [2, 1, 1],
            "direction": [None, 1, 1],
            "unit": [None, "years", "%"],
            "unit_zh": [None, "年", None],
        }
    )
    fw = Framework.from_table(table)
    assert (fw.unit("a", "zh"), fw.unit("a", "en")) == ("年", "years")
    assert (fw.unit("b", "zh"), fw.unit("b", "en")) == ("%", "%")  # one unit serves both
    assert list(fw.table.columns[7:10]) == ["unit", "unit_zh", "unit_en"]
