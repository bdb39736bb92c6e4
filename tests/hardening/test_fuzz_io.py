"""Fuzz the readers (``read_table``, ``load_data``, ``load_framework``, ``load_units``,
``load_coinr``) and the pipeline behind them.

Every case must end in a correct result (values read back equal the values written) or a
``ValidationError`` whose problems name the file (and the row and column where one cell is at
fault). Any other exception, a case slower than ``CASE_SECONDS``, or a changed value fails.
"""

from __future__ import annotations

import csv
import io
import math
import os
import time

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import indicators as ind
import indicators.cells
import indicators.read
from indicators import Config, ValidationError
from indicators.read import MAX_INPUT_BYTES
from tests.hardening.conftest import CASES

CASE_SECONDS = 20.0
LOADERS = {
    "read_table": lambda b, name: ind.read.read_table(b, name),
    "load_data": lambda b, name: ind.load_data(b, name=name),
    "load_framework": lambda b, name: ind.load_framework(b, name),
    "load_units": lambda b, name: ind.load_units(b, name),
    "load_coinr": lambda b, name: ind.load_coinr(b, b, idata_name=name, imeta_name=name),
}
SUFFIXES = ("data.csv", "data.xlsx", "data.parquet", "data.txt", "data", "data.xls")


def outcome(target: str, call, label: str):
    """Run one case: the result, or None after checking the ValidationError it raised."""
    CASES[target] += 1
    started = time.perf_counter()
    try:
        return call()
    except ValidationError as err:
        assert err.problems, "a ValidationError must list its problems"
        for problem in err.problems:
            assert label in problem.source, (label, str(problem))
            assert problem.row is None or problem.row >= 1
            assert problem.message.strip()
        return None
    finally:
        assert time.perf_counter() - started < CASE_SECONDS, f"{target} took too long"


# ------------------------------------------------------------------------------------------
# Damaged inputs


@given(payload=st.binary(max_size=3000), name=st.sampled_from(SUFFIXES))
@pytest.mark.parametrize("target", sorted(LOADERS))
def test_random_bytes(target, payload, name):
    outcome(target, lambda: LOADERS[target](payload, name), name)


def _fixture_bytes() -> dict[str, bytes]:
    frame = pd.read_csv("tests/fixtures/data.csv", dtype={"adcode": str})
    out = {"data.csv": frame.to_csv(index=False).encode()}
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    out["data.xlsx"] = buf.getvalue()
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    out["data.parquet"] = buf.getvalue()
    out["data_utf16.csv"] = frame.to_csv(index=False).encode("utf-16")
    return out


FIXTURES = _fixture_bytes()
FRAMEWORK = ind.load_framework("tests/fixtures/framework.csv")


@given(
    name=st.sampled_from(sorted(FIXTURES)),
    cut=st.floats(0, 1),
    flip=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=4),
)
def test_truncated_and_corrupted_files(name, cut, flip):
    payload = bytearray(FIXTURES[name][: int(len(FIXTURES[name]) * cut)])
    for where, byte in flip:
        if payload:
            payload[min(len(payload) - 1, int(where * len(payload)))] = byte
    outcome("load_data", lambda: ind.load_data(bytes(payload), FRAMEWORK, name=name), name)


def test_file_over_the_size_limit_is_refused_before_parsing():
    CASES["load_data"] += 1
    payload = b"adcode,year\n" + b"x" * (MAX_INPUT_BYTES + 1)
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=r"big\.csv: the file is .* MB; the limit is 100 MB"):
        ind.load_data(payload, name="big.csv")
    assert time.perf_counter() - started < 2


def test_huge_csv_cell_is_a_validation_error_with_row():
    payload = b"adcode,year,x\nu1,2020,1\nu2,2020," + b"1" * 200_000 + b"\n"
    with pytest.raises(ValidationError, match=r"d\.csv, row 3: cannot read the CSV"):
        ind.load_data(payload, name="d.csv")


# ------------------------------------------------------------------------------------------
# Round trips: what is written is what is read

# ids as the reader compares them (NFKC: '𝐀' is read as 'A'; see cells.normalise_identifier)
ids = (
    st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")),
        min_size=1,
        max_size=8,
    )
    .map(ind.cells.normalise_identifier)
    .filter(lambda s: s and s.lower() not in ind.cells.MISSING_TOKENS and not s.isdigit())
)
finite = st.floats(min_value=-1e100, max_value=1e100, allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw):
    n_units = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 5))
    units = draw(st.lists(ids, min_size=n_units, max_size=n_units, unique_by=str.strip))
    units = [u.strip() for u in units]
    values = draw(
        st.lists(
            st.lists(st.one_of(finite, st.none()), min_size=n_cols, max_size=n_cols),
            min_size=n_units,
            max_size=n_units,
        )
    )
    return units, [f"v{j}" for j in range(n_cols)], values


def _cell(value: float | None, style: str) -> str:
    if value is None:
        return ""
    if style == "thousands" and abs(value) < 1e15 and float(value).is_integer():
        return f"{int(value):,}"
    if style == "fullwidth":
        text = repr(value)
        return text.translate(str.maketrans("0123456789.-+e", "０１２３４５６７８９．－＋ｅ"))
    return repr(value)


@given(
    table=tables(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    style=st.sampled_from(["plain", "thousands", "fullwidth"]),
    year=st.booleans(),
)
def test_csv_round_trip(table, encoding, delimiter, style, year):
    units, cols, values = table
    if style == "thousands" and delimiter == ";":
        style = "plain"  # with ';' a comma is read as a decimal comma: refused, by design
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["adcode", *(["year"] if year else []), *cols])
    for unit, row in zip(units, values, strict=True):
        writer.writerow([unit, *(["2020"] if year else []), *(_cell(v, style) for v in row)])
    payload = buf.getvalue().encode(encoding)
    if encoding == "gb18030" and not all(u.isascii() for u in units):
        # GBK/GB18030 is read only when the text reads as Chinese (indicators.read.
        # sniff_encoding): random letters from any script may be refused, never garbled
        try:
            data = ind.load_data(payload, name="t.csv")
        except ValidationError as err:
            assert err.problems[0].message.startswith("cannot tell the encoding"), str(err)
            return
        _assert_same(data, units, cols, values)
        return
    data = outcome("load_data", lambda: ind.load_data(payload, name="t.csv"), "t.csv")
    assert data is not None, "a well-formed table must load"
    _assert_same(data, units, cols, values)


def _assert_same(data, units, cols, values, rel=0.0):
    got = data.set_index("adcode")
    assert sorted(got.index) == sorted(units)
    for unit, row in zip(units, values, strict=True):
        for col, value in zip(cols, row, strict=True):
            if col not in got.columns:  # an all-missing column is text, not an indicator
                assert all(v is None for v in (r[cols.index(col)] for r in values))
                continue
            cell = got.at[unit, col]
            if value is None:
                assert pd.isna(cell)
            else:
                # exact (CSV, Parquet); openpyxl writes 16 significant digits (Excel keeps 15)
                assert cell == value or math.isclose(cell, value, rel_tol=rel), (unit, col, cell)


@given(table=tables(), fmt=st.sampled_from(["xlsx", "parquet"]))
def test_binary_round_trip(table, fmt):
    units, cols, values = table
    frame = pd.DataFrame(
        [
            [u, *[np.nan if v is None else v for v in row]]
            for u, row in zip(units, values, strict=True)
        ],
        columns=["adcode", *cols],
    )
    buf = io.BytesIO()
    if fmt == "xlsx":
        frame.to_excel(buf, index=False)
    else:
        frame.to_parquet(buf, index=False)
    name = f"t.{fmt}"
    data = outcome("load_data", lambda: ind.load_data(buf.getvalue(), name=name), name)
    assert data is not None
    _assert_same(data, units, cols, values, rel=1e-15 if fmt == "xlsx" else 0.0)


BAD_CELLS = ["abc", "inf", "-Infinity", "12%", "1,5", "1e400", "1_000", "TRUE", "--1", "1e101"]


@given(
    row=st.integers(0, 3),
    col=st.sampled_from(["ind_a", "ind_b", "ind_c", "ind_d"]),
    bad=st.sampled_from(BAD_CELLS),
)
def test_text_in_numeric_column_names_row_and_column(row, col, bad):
    frame = pd.read_csv("tests/fixtures/data.csv", dtype=str)
    frame.loc[row, col] = bad
    payload = frame.to_csv(index=False).encode()
    CASES["load_data"] += 1
    with pytest.raises(ValidationError) as err:
        ind.load_data(payload, FRAMEWORK, name="bad.csv")
    assert any(p.row == row + 2 and p.column == col for p in err.value.problems), str(err.value)


def test_duplicated_empty_and_mixed_delimiter_headers():
    cases = {
        b"adcode,year,ind_a,ind_a\nu,1,1,2\n": "appears more than once",
        b"adcode,,ind_a\nu,,1\n": "has no name",
        b"adcode;year,ind_a\nu;1,2\n": "not a column",
    }
    for payload, message in cases.items():
        CASES["load_data"] += 1
        with pytest.raises(ValidationError, match=message):
            ind.load_data(payload, FRAMEWORK, name="h.csv")


# ------------------------------------------------------------------------------------------
# Excel specifics


def _xlsx(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_excel_merged_title_above_header_is_a_clear_error():
    def build(book):
        ws = book.active
        ws.append(["Talent data 2020"])
        ws.merge_cells("A1:C1")
        ws.append(["adcode", "ind_a", "ind_b"])
        ws.append(["u1", 1, 2])

    with pytest.raises(ValidationError, match=r"m\.xlsx.*'adcode'.*missing"):
        ind.load_data(_xlsx(build), name="m.xlsx")


def test_excel_formula_without_saved_result_is_not_read_as_missing():
    def build(book):
        ws = book.active
        ws.append(["adcode", "x"])
        ws.append(["u1", 1])
        ws.append(["u2", "=1+1"])

    with pytest.raises(ValidationError) as err:
        ind.load_data(_xlsx(build), name="f.xlsx")
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "x")]


def test_excel_several_sheets_names_the_sheet_and_empty_sheet_is_an_error():
    def build(book):
        book.active.title = "cities"
        book.active.append(["adcode", "year"])
        book.active.append(["u1", "twenty"])
        book.create_sheet("other")

    with pytest.raises(ValidationError) as err:
        ind.load_data(_xlsx(build), name="s.xlsx")
    problem = err.value.problems[0]
    assert (problem.source, problem.row, problem.column) == ("s.xlsx (sheet 'cities')", 2, "year")
    with pytest.raises(ValidationError, match="no sheet 'nope'"):
        ind.load_data(_xlsx(build), name="s.xlsx", sheet="nope")
    with pytest.raises(ValidationError, match="the sheet is empty"):
        ind.load_data(_xlsx(build), name="s.xlsx", sheet="other")


# ------------------------------------------------------------------------------------------
# Frameworks: random trees with random damage, then the pipeline


@st.composite
def frameworks(draw):
    n_dims = draw(st.integers(1, 3))
    rows = [["R", "", "3", "", "1"]]
    leaves = []
    for d in range(n_dims):
        rows.append([f"D{d}", "R", "2", "", draw(st.sampled_from(["1", "2", "0.5"]))])
        for i in range(draw(st.integers(1, 3))):
            code = f"i{d}{i}"
            leaves.append(code)
            direction = draw(st.sampled_from(["1", "-1"]))
            rows.append([code, f"D{d}", "1", direction, draw(st.sampled_from(["1", "3"]))])
    damage = draw(
        st.sampled_from(
            ["none", "none", "cycle", "orphan", "zero", "negative", "nan", "self", "level", "dup"]
        )
    )
    target = draw(st.integers(1, len(rows) - 1))
    if damage == "cycle":
        rows[0][1] = rows[target][0]
    elif damage == "orphan":
        rows[target][1] = "missing_parent"
    elif damage == "zero":
        for row in rows[1:]:
            if row[1] == rows[target][1]:
                row[4] = "0"
    elif damage == "negative":
        rows[target][4] = "-1"
    elif damage == "nan":
        rows[target][4] = "abc"
    elif damage == "self":
        rows[target][1] = rows[target][0]
    elif damage == "level":
        rows[target][2] = draw(st.sampled_from(["0", "1.5", "1e300", "x", "7"]))
    elif damage == "dup":
        rows.append(list(rows[target]))
    text = "code,parent,level,direction,weight\n" + "\n".join(",".join(r) for r in rows)
    return text.encode(), damage


@st.composite
def panels(draw, codes):
    n = draw(st.integers(1, 6))
    cell = st.one_of(
        st.floats(-1e6, 1e6, allow_nan=False), st.just(float("nan")), st.sampled_from([0.0, 5.0])
    )
    values = draw(
        st.lists(st.lists(cell, min_size=len(codes), max_size=len(codes)), min_size=n, max_size=n)
    )
    frame = pd.DataFrame(values, columns=codes)
    if draw(st.booleans()) and codes:
        frame[codes[0]] = np.nan  # an all-missing indicator
    if draw(st.booleans()) and len(codes) > 1:
        frame[codes[1]] = 7.0  # a constant indicator
    frame.insert(0, "adcode", [f"u{k}" for k in range(n)])
    return frame


CONFIGS = st.builds(
    Config,
    impute=st.sampled_from(sorted(ind.methods.IMPUTE)),
    treat=st.sampled_from(sorted(ind.methods.TREAT)),
    normalise=st.sampled_from(sorted(ind.methods.NORMALISE)),
    weights=st.sampled_from(sorted(set(ind.methods.WEIGHTS) - {"ahp"})),
    aggregate=st.sampled_from(sorted(ind.methods.AGGREGATE)),
)


@given(fw=frameworks(), data=st.data(), config=CONFIGS)
def test_framework_and_pipeline(fw, data, config):
    payload, damage = fw
    framework = outcome("load_framework", lambda: ind.load_framework(payload, "fw.csv"), "fw.csv")
    if damage != "none":
        assert framework is None, f"damage {damage!r} was accepted"
        return
    assert framework is not None
    frame = data.draw(panels(list(framework.indicators)))
    csv_bytes = frame.to_csv(index=False).encode()
    loaded = outcome(
        "load_data", lambda: ind.load_data(csv_bytes, framework, name="d.csv"), "d.csv"
    )
    assert loaded is not None
    CASES["run_pipeline"] += 1
    started = time.perf_counter()
    try:
        result = ind.run_pipeline(ind.Build.create(loaded, framework, config))
    except ValidationError as err:
        assert all(p.message for p in err.problems)
        return
    assert time.perf_counter() - started < CASE_SECONDS
    scores = result.scores
    assert len(scores) == len(frame)
    root = scores[framework.root].to_numpy(dtype=float)
    assert not np.isinf(root).any()
    ranked = scores["rank"].notna().to_numpy()
    assert (ranked == ~np.isnan(root)).all()  # a rank exactly when there is a score
    if ranked.any():
        assert scores.loc[ranked, "rank"].min() == 1


def test_geometric_mean_with_negative_values_is_refused_or_valid():
    frame = pd.DataFrame(
        {
            "adcode": ["a", "b", "c"],
            "ind_a": [-5, -1, 2],
            "ind_b": [1, 2, 3],
            "ind_c": [-1, 0, 1],
            "ind_d": [3, 2, 1],
        }
    )
    data = ind.load_data(frame.to_csv(index=False).encode(), FRAMEWORK, name="n.csv")
    for normalise in sorted(ind.methods.NORMALISE):
        config = Config(aggregate="geometric", normalise=normalise)
        CASES["run_pipeline"] += 1
        try:
            result = ind.run_pipeline(ind.Build.create(data, FRAMEWORK, config))
        except ValidationError as err:
            assert "geometric" in str(err)
            continue
        score = result.scores[FRAMEWORK.root]
        assert (score.dropna() >= 0).all() and not np.isinf(score).any(), normalise


def test_single_unit():
    frame = pd.read_csv("tests/fixtures/data.csv", dtype={"adcode": str}).head(1)
    data = ind.load_data(frame.to_csv(index=False).encode(), FRAMEWORK, name="one.csv")
    for weights in sorted(ind.methods.WEIGHTS):
        CASES["run_pipeline"] += 1
        try:
            result = ind.run_pipeline(ind.Build.create(data, FRAMEWORK, Config(weights=weights)))
        except ValidationError:
            continue
        assert len(result.scores) == 1


# ------------------------------------------------------------------------------------------
# COINr, units


@given(meta_damage=st.sampled_from(["none", "type", "level", "missing_col"]), data=st.data())
def test_coinr(meta_damage, data):
    meta = pd.read_csv("tests/fixtures/coinr/iMeta.csv", dtype=str)
    if meta_damage == "type":
        meta.loc[0, "Type"] = "<script>"
    elif meta_damage == "level":
        meta.loc[0, "Level"] = "1e300"
    elif meta_damage == "missing_col":
        meta = meta.drop(columns="Weight")
    idata = pd.read_csv("tests/fixtures/coinr/iData.csv", dtype=str)
    if data.draw(st.booleans()):
        r = data.draw(st.integers(0, len(idata) - 1))
        c = data.draw(st.sampled_from(list(idata.columns[2:])))
        idata.loc[r, c] = data.draw(st.sampled_from(BAD_CELLS))
    m, d = meta.to_csv(index=False).encode(), idata.to_csv(index=False).encode()
    got = outcome(
        "load_coinr",
        lambda: ind.load_coinr(d, m, idata_name="iData.csv", imeta_name="iMeta.csv"),
        ".csv",
    )
    if meta_damage != "none":
        assert got is None


def test_units_bad_group_flags_and_duplicates():
    payload = b"adcode,name_zh,yrd27\n1,a,1\n1,b,0\n2,c,2\n"
    with pytest.raises(ValidationError) as err:
        ind.load_units(payload, "u.csv")
    assert {(p.row, p.column) for p in err.value.problems} == {(3, "adcode"), (4, "yrd27")}


# ------------------------------------------------------------------------------------------
# Scale


def _wide(n_indicators: int, n_units: int = 5) -> tuple[bytes, bytes]:
    rows = ["code,parent,level,direction,weight", "R,,2,,1"]
    rows += [f"i{k},R,1,1,1" for k in range(n_indicators)]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.random((n_units, n_indicators)), columns=[f"i{k}" for k in range(n_indicators)]
    )
    frame.insert(0, "adcode", [f"u{k}" for k in range(n_units)])
    return "\n".join(rows).encode(), frame.to_csv(index=False).encode()


@pytest.mark.parametrize(
    "n",
    [
        1000,
        pytest.param(
            10_000,
            marks=pytest.mark.skipif(
                os.environ.get("HARDENING_SLOW") != "1", reason="HARDENING_SLOW=1 (about 1 min)"
            ),
        ),
    ],
)
def test_many_indicators(n):
    fw_bytes, data_bytes = _wide(n)
    started = time.perf_counter()
    framework = ind.load_framework(fw_bytes, "fw.csv")
    data = ind.load_data(data_bytes, framework, name="d.csv")
    result = ind.run_pipeline(ind.Build.create(data, framework, Config()))
    CASES["run_pipeline"] += 1
    assert len(framework.indicators) == n
    assert data.iloc[:, 2:].to_numpy() == pytest.approx(
        pd.read_csv(io.BytesIO(data_bytes)).iloc[:, 1:].to_numpy(), rel=0, abs=0
    )
    assert sorted(result.scores["rank"]) == [1, 2, 3, 4, 5]
    assert time.perf_counter() - started < (120 if n > 1000 else 30)
    assert math.isfinite(float(result.scores["R"].sum()))
