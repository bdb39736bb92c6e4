import math

import pytest

from indicators.cells import parse_number
from indicators.validate import Problem, ProblemCollector, ValidationError


def test_problem_str_names_file_row_column():
    p = Problem("framework.csv", 7, "weight", "weight must be a number ≥ 0, got 'abc'")
    assert str(p) == "framework.csv, row 7, column 'weight': weight must be a number ≥ 0, got 'abc'"
    assert str(Problem("data.csv", None, None, "empty file")) == "data.csv: empty file"
    assert str(Problem("d.csv", 3, None, "x", "warning")) == "d.csv, row 3: warning: x"


def test_problem_is_frozen():
    p = Problem("f", 1, "c", "m")
    with pytest.raises(AttributeError):
        p.row = 2  # type: ignore[misc]


def test_validation_error_lists_every_problem():
    err = ValidationError([Problem("f.csv", 2, "a", "one"), Problem("f.csv", 3, "b", "two")])
    lines = str(err).splitlines()
    assert lines[0] == "2 problems found:"
    assert lines[1] == "  - f.csv, row 2, column 'a': one"
    assert lines[2] == "  - f.csv, row 3, column 'b': two"
    assert len(err.problems) == 2
    frame = err.to_frame()
    assert list(frame.columns) == ["source", "row", "column", "message", "severity"]
    assert frame["row"].tolist() == [2, 3]


def test_collector_is_lazy_and_sorted_and_ignores_warnings():
    c = ProblemCollector("f.csv")
    c.add("late", row=9)
    c.add("file level")
    c.warn("constant", column="x")
    c.add("early", row=2, column="a")
    assert len(c.warnings) == 1
    with pytest.raises(ValidationError) as info:
        c.raise_if_errors()
    assert [p.message for p in info.value.problems] == ["file level", "early", "late"]
    only_warnings = ProblemCollector("g")
    only_warnings.warn("w")
    only_warnings.raise_if_errors()  # does not raise


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1, 1.0),
        (-3.5, -3.5),
        ("1.5", 1.5),
        (" +2 ", 2.0),
        ("-1e3", -1000.0),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("１２３", 123.0),
        ("－４．５", -4.5),
        ("−1", -1.0),
        (".5", 0.5),
    ],
)
def test_parse_number_accepts(cell, expected):
    assert parse_number(cell) == (expected, None)


@pytest.mark.parametrize("cell", [None, math.nan, "", "  ", "NA", "n/a", "NaN", "null", "#N/A"])
def test_parse_number_missing(cell):
    value, reason = parse_number(cell)
    assert math.isnan(value) and reason is None


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("abc", "expected a number"),
        ("12%", "remove the % sign"),
        ("1,5", "decimal comma"),
        ("1_000", "expected a number"),
        ("inf", "finite"),
        (math.inf, "finite"),
        ("-Infinity", "finite"),
        (True, "boolean"),
        ("1,23", "decimal comma"),
        ("12,3456", "expected a number"),
    ],
)
def test_parse_number_rejects(cell, fragment):
    value, reason = parse_number(cell)
    assert math.isnan(value)
    assert fragment in reason


def test_thousands_can_be_disabled():
    assert parse_number("1,234", thousands=False)[1] is not None
