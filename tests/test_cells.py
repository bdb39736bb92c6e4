"""The column parsers (Arrow fast path + per-cell fallback) agree with the cell parsers."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.cells import (
    MISSING_TOKENS,
    normalise_adcode,
    normalise_adcodes,
    parse_number,
    parse_numbers,
    parse_year,
    parse_years,
)

# texts a number cell may hold: digits, signs, points, exponents, separators, spaces, tokens,
# and look-alikes that only the per-cell parser handles (full-width, Arabic-Indic, minus signs)
NUMBER_ALPHABET = "0123456789+-.eE,% _nNaAiIfFlLuU#/\t\u00a0\u2212\uff10\uff11\uff0e\u0663\x0b"
SPECIAL = [
    "",
    " ",
    "NA",
    "n/a",
    " nan ",
    "NULL",
    "None",
    "#N/A",
    "inf",
    "-Infinity",
    "1e400",
    "-1e-400",
    "1e100",
    "1.0000000000000001e100",
    "1e101",
    "+.5",
    "5.",
    ".",
    "-0",
    "1,234",
    "1,234,567.5",
    "1,5",
    "12%",
    "１２３",
    "−1.5",
    "٣",
    "9007199254740993",
    "2.2250738585072011e-308",
    "4.9406564584124654e-324",
    "123456789012345678901234567890.123456789",
    "0x10",
    "1_000",
    "2020",
    "2020.0",
    "2020.5",
    "0002020",
    "1234567890",
    "110000.0",
    " 010100 ",
    "a\x00b",
]
cells = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(alphabet=NUMBER_ALPHABET, max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.25g}"),
    st.integers(-(10**20), 10**20).map(str),
)
columns = st.lists(st.one_of(cells, st.none()), max_size=30)


def _same_floats(a: np.ndarray, b: list[float]) -> bool:
    return all(
        (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1, x) == math.copysign(1, y))
        for x, y in zip(a.tolist(), b, strict=True)
    )


@settings(max_examples=300, deadline=None)
@given(values=columns, thousands=st.booleans())
def test_parse_numbers_agrees_with_parse_number(values, thousands):
    series = pd.Series(values, dtype="str")
    got, reasons = parse_numbers(series, thousands=thousands)
    expected = [parse_number(cell, thousands=thousands) for cell in series.tolist()]
    assert _same_floats(got, [number for number, _ in expected])
    assert reasons == [(i, reason) for i, (_, reason) in enumerate(expected) if reason]


@settings(max_examples=200, deadline=None)
@given(values=columns)
def test_parse_years_agrees_with_parse_year(values):
    series = pd.Series(values, dtype="str")
    got, reasons = parse_years(series)
    expected = [parse_year(cell) for cell in series.tolist()]
    assert got.tolist() == [0 if year is None else year for year, _ in expected]
    assert reasons == [(i, reason) for i, (_, reason) in enumerate(expected) if reason]


ids = st.one_of(
    cells,
    st.text(max_size=10),
    st.text(alphabet="0123456789. \t", max_size=10),
    st.sampled_from(sorted(MISSING_TOKENS)).map(str.upper),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(ids, st.none()), max_size=30))
def test_normalise_adcodes_agrees_with_normalise_adcode(values):
    series = pd.Series(values, dtype="str")
    got, problems = normalise_adcodes(series)
    expected = [normalise_adcode(cell) for cell in series.tolist()]
    assert got.dtype == "str"
    assert [None if pd.isna(v) else v for v in got] == [unit for unit, _ in expected]
    assert problems == [(i, reason) for i, (unit, reason) in enumerate(expected) if unit is None]


def test_object_and_numeric_columns_take_the_cell_parser():
    mixed = pd.Series([1, 2.5, "3", None, True, "x", np.int64(4)], dtype=object)
    got, reasons = parse_numbers(mixed)
    assert _same_floats(got, [1.0, 2.5, 3.0, math.nan, math.nan, math.nan, 4.0])
    assert [i for i, _ in reasons] == [4, 5]
    years, reasons = parse_years(pd.Series([2020, 2021, None], dtype="Int64"))
    assert years.tolist() == [2020, 2021, 0] and reasons == [(2, "year is empty")]
    units, problems = normalise_adcodes(pd.Series([110000, 1.5, None], dtype=object))
    assert units.tolist()[0] == "110000" and [i for i, _ in problems] == [1, 2]


@pytest.mark.parametrize(
    "text", ["1e-400", "-0", "0.1", "9007199254740991", "+.5e-3", "123456789.987654321"]
)
def test_plain_cells_take_the_fast_path_and_are_exact(text, monkeypatch):
    def unused(*args, **kwargs):
        raise AssertionError("the per-cell parser was used")

    monkeypatch.setattr("indicators.cells.parse_number", unused)
    monkeypatch.setattr("indicators.cells.parse_year", unused)
    monkeypatch.setattr("indicators.cells.normalise_adcode", unused)
    got, reasons = parse_numbers(pd.Series([text, "", "NA", None], dtype="str"))
    assert reasons == [] and _same_floats(got, [float(text), math.nan, math.nan, math.nan])
    assert parse_years(pd.Series(["2020", "0001"], dtype="str"))[0].tolist() == [2020, 1]
    assert normalise_adcodes(pd.Series(["010100", "A-1"], dtype="str"))[0].tolist() == [
        "010100",
        "A-1",
    ]


def test_fast_numbers_of_many_columns_equal_each_column_alone():
    """Several columns are parsed in one vectorised pass over their concatenation."""
    import numpy as np
    import pandas as pd

    from indicators.cells import fast_numbers, parse_numbers

    columns = [
        pd.Series(["1", "2.5", "", "NA", "1,234", "x"], dtype="str"),
        pd.Series([1.0, 2.0, None]),  # not text: no fast pass
        pd.Series(["-3e2", " 7 ", "9" * 20, "１２"], dtype="str"),
    ]
    together = fast_numbers(columns)
    assert together[1] is None
    for column, fast in zip(columns, together, strict=True):
        alone = parse_numbers(column)
        batched = parse_numbers(column, fast=fast)
        np.testing.assert_array_equal(alone[0], batched[0])
        assert alone[1] == batched[1]
