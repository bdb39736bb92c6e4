"""Reader hardening, round two: each test reproduces one way a reader could be made to do
unbounded work, crash later, change a value silently or guess, and checks the problem row the
user gets instead (file, row as the user sees it, column)."""

from __future__ import annotations

import io
import os
import re
import tracemalloc
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import indicators as ind
from indicators import ValidationError
from indicators.read import MAX_CELLS, MAX_COLUMNS, MAX_INPUT_BYTES, MAX_ROWS, read_table
from indicators.validate import MAX_PROBLEMS, ProblemCollector


def problems(call) -> list:
    with pytest.raises(ValidationError) as err:
        call()
    return err.value.problems


def messages(call) -> list[str]:
    return [str(p) for p in problems(call)]


def xlsx(build, *, strip_dimension: bool = False) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    buf = io.BytesIO()
    book.save(buf)
    data = buf.getvalue()
    if not strip_dimension:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension [^>]*/>", b"", content)
            dst.writestr(info, content)
    return out.getvalue()


# ------------------------------------------------------------------------------------------
# 1. Bounded work before the work


def test_csv_header_of_commas_is_one_problem_not_millions():
    payload = b"adcode" + b"," * (2 * 2**20) + b"\n1\n"
    found = messages(lambda: ind.load_data(payload, name="c.csv"))
    assert found == [
        f"c.csv, row 1: the header has 2,097,153 columns; the limit is {MAX_COLUMNS:,} columns"
    ]


def test_problem_list_is_capped_with_a_summary():
    collector = ProblemCollector("f.csv")
    for row in range(2, MAX_PROBLEMS + 502):
        collector.add("bad", row, "x")
    collector.warn("w")
    listed = problems(collector.raise_if_errors)
    assert len(listed) == MAX_PROBLEMS + 1
    assert [p.row for p in listed[:3]] == [2, 3, 4]
    assert str(listed[-1]) == (
        f"f.csv: … and 500 more problems, not listed (the first {MAX_PROBLEMS:,} are)"
    )
    assert len(collector.warnings) == 1


def test_many_bad_cells_are_capped_too():
    rows = "\n".join(f"u{i},x" for i in range(5000))
    framework = ind.load_framework(b"code,parent,level,direction\nR,,2,\nv,R,1,1\n", "f.csv")
    found = problems(lambda: ind.load_data(f"adcode,v\n{rows}\n".encode(), framework, name="v.csv"))
    assert len(found) == MAX_PROBLEMS + 1 and "4,000 more problems" in found[-1].message


def test_csv_with_too_many_lines_is_refused():
    payload = b"adcode\n" + b"u\n" * MAX_ROWS
    assert messages(lambda: read_table(payload, "l.csv")) == [
        f"l.csv: the file has {MAX_ROWS + 1:,} lines; the limit is {MAX_ROWS:,} rows"
    ]


def test_csv_with_too_many_cells_is_refused():
    columns = 1000
    rows = MAX_CELLS // columns + 1
    line = b",".join([b"1"] * columns) + b"\n"
    payload = b",".join(f"c{j}".encode() for j in range(columns)) + b"\n" + line * rows
    assert messages(lambda: read_table(payload, "w.csv")) == [
        f"w.csv: the table has {rows:,} rows × {columns:,} columns = {rows * columns:,} cells; "
        f"the limit is {MAX_CELLS:,} cells"
    ]


def test_csv_with_quotes_and_too_many_columns_stops_early():
    payload = b'"a"' + b',"b"' * (MAX_COLUMNS + 5) + b"\n"
    assert messages(lambda: read_table(payload, "q.csv")) == [
        f"q.csv, row 1: the header has {MAX_COLUMNS + 6:,} columns; the limit is "
        f"{MAX_COLUMNS:,} columns"
    ]


def _far_cell(book):
    ws = book.active
    ws.append(["adcode", "v"])
    ws.append(["u1", 1])
    ws["XFD1048576"] = 1


def _header_last_row(book):
    ws = book.active
    ws.cell(row=1_048_576, column=1, value="adcode")


def _far_cell_and_formula(book):
    _far_cell(book)
    book.active["C2"] = "=1+1"


@pytest.mark.parametrize("build", [_far_cell, _header_last_row, _far_cell_and_formula])
def test_huge_declared_sheet_is_refused_before_reading(build):
    found = messages(lambda: read_table(xlsx(build), "big.xlsx"))
    assert len(found) == 1
    assert "big.xlsx: the sheet is" in found[0]
    assert f"the limits are {MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns" in found[0]


@pytest.mark.parametrize("build", [_far_cell, _header_last_row, _far_cell_and_formula])
def test_huge_sheet_without_dimension_stops_at_the_limit(build):
    found = messages(lambda: read_table(xlsx(build, strip_dimension=True), "big.xlsx"))
    assert found == [
        f"big.xlsx: the sheet has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}"
    ]


def test_parquet_size_is_checked_from_metadata_before_reading(monkeypatch):
    table = pa.table({"adcode": pa.array(np.zeros(MAX_ROWS + 1, dtype=np.int8))})
    buf = io.BytesIO()
    pq.write_table(table, buf)

    def no_read(*args, **kwargs):
        raise AssertionError("the rows were read")

    monkeypatch.setattr(pd, "read_parquet", no_read)
    monkeypatch.setattr(pq, "read_table", no_read)
    assert messages(lambda: read_table(buf.getvalue(), "p.parquet")) == [
        f"p.parquet: the table has {MAX_ROWS + 1:,} rows; the limit is {MAX_ROWS:,} rows"
    ]


def test_path_size_is_checked_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(3 * 2**30)  # sparse: no disk space used
    tracemalloc.start()
    try:
        found = messages(lambda: ind.load_data(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == [
        f"huge.csv: the file is 3,072.0 MB; the limit is {MAX_INPUT_BYTES // 2**20} MB"
    ]
    assert peak < 50 * 2**20


def test_devices_and_pipes_are_refused(tmp_path):
    assert messages(lambda: ind.load_data("/dev/zero")) == [
        "/dev/zero: not a regular file (a device, pipe or socket): give the path of a file"
    ]
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert messages(lambda: ind.load_data(fifo)) == [
        f"{fifo}: not a regular file (a device, pipe or socket): give the path of a file"
    ]


def test_file_objects_are_read_with_a_bound():
    class Endless(io.RawIOBase):
        name = "endless.csv"

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"1" * len(buffer)
            return len(buffer)

    tracemalloc.start()
    try:
        found = messages(lambda: ind.load_data(io.BufferedReader(Endless())))
    finally:
        tracemalloc.stop()
    assert found == [
        f"endless.csv: the file is more than {MAX_INPUT_BYTES // 2**20} MB; the limit is {MAX_INPUT_BYTES // 2**20} MB"
    ]


# ------------------------------------------------------------------------------------------
# 2. Control characters (and others XLSX cannot store) in ids, names and codes


FRAMEWORK_V = b"code,parent,level,direction\nR,,2,\nv,R,1,1\n"


def test_control_characters_in_data_are_refused_where_they_are():
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    payload = b'adcode,year,v,note\nu\x07,2020,1,ok\nu2,2020,2,a\x03b\nu3,2020,3,"two\nlines"\n'
    assert messages(lambda: ind.load_data(payload, framework, name="d.csv")) == [
        "d.csv, row 2, column 'adcode': unit id 'u\\x07' contains the control character "
        "U+0007 (Excel cannot store it): remove it",
        "d.csv, row 3, column 'note': 'a\\x03b' contains the control character U+0003 "
        "(Excel cannot store it): remove it",
    ]


def test_control_characters_in_column_names_are_refused():
    assert messages(lambda: read_table(b"adcode,v\x02\n1,2\n", "h.csv")) == [
        "h.csv, row 1: column name 'v\\x02' contains the control character U+0002 (Excel "
        "cannot store it): remove it"
    ]


def test_control_characters_in_units_are_refused():
    payload = b'adcode,name_zh,name_en,notes\n1,a\x0bb,"x\ty",fine\n2,b,c,"multi\nline"\n'
    assert messages(lambda: ind.load_units(payload, "u.csv")) == [
        "u.csv, row 2, column 'name_zh': 'a\\x0bb' contains the control character U+000B "
        "(Excel cannot store it): remove it",
        "u.csv, row 2, column 'name_en': 'x\\ty' contains the control character U+0009: remove it",
    ]


def test_control_characters_in_framework_are_refused_definitions_keep_line_breaks():
    payload = (
        b"code,parent,level,direction,name_en,definition_en\n"
        b'R,,2,,Root,"two\nlines"\n'
        b"v\x01,R,1,1,V,ok\n"
        b"w,R,1,1,W\x1fW,bad\x08def\n"
    )
    # a quoted line break is one spreadsheet row: v is on row 3
    assert messages(lambda: ind.load_framework(payload, "f.csv")) == [
        "f.csv, row 3, column 'code': code 'v\\x01' contains the control character U+0001 "
        "(Excel cannot store it): remove it",
        "f.csv, row 4, column 'name_en': 'W\\x1fW' contains the control character U+001F "
        "(Excel cannot store it): remove it",
        "f.csv, row 4, column 'definition_en': 'bad\\x08def' contains the control character "
        "U+0008 (Excel cannot store it): remove it",
    ]
    fine = ind.load_framework(
        payload.replace(b"v\x01", b"v").replace(b"W\x1fW", b"W").replace(b"bad\x08def", b"def"),
        "f.csv",
    )
    assert fine.definition("R", "en") == "two\nlines"


# ------------------------------------------------------------------------------------------
# 3. Codes that name the engine's own output columns


@pytest.mark.parametrize(
    "code", ["adcode", "year", "rank", "Rank", "nominal_rank", "median_rank", "p05", "uCode"]
)
def test_reserved_codes_are_refused(code):
    payload = f"code,parent,level,direction\nR,,2,\n{code},R,1,1\nv,R,1,1\n".encode()
    assert messages(lambda: ind.load_framework(payload, "f.csv")) == [
        f"f.csv, row 3, column 'code': code {code!r} is reserved: the engine's tables have a "
        "column of that name (adcode, year, rank, nominal_rank, median_rank, mean_rank, p05, "
        "p95, uCode, uName, Time); rename it"
    ]


def test_reserved_code_as_the_root_is_refused():
    payload = b"code,parent,level,direction\nyear,,2,\nv,year,1,1\n"
    found = problems(lambda: ind.load_framework(payload, "f.csv"))
    assert [(p.row, p.column) for p in found] == [(2, "code")]


# ------------------------------------------------------------------------------------------
# 4. Deep trees and long cycles


def _chain(levels: int) -> bytes:
    rows = ["code,parent,level,direction", f"n{levels},,{levels},"]
    rows += [f"n{k},n{k + 1},{k},{1 if k == 1 else ''}" for k in range(levels - 1, 0, -1)]
    return "\n".join(rows).encode()


def test_a_chain_of_the_maximum_depth_loads():
    framework = ind.load_framework(_chain(1000), "chain.csv")
    assert framework.root == "n1000" and framework.indicators == ("n1",)
    assert framework.levels == tuple(range(1, 1001))
    assert framework.indicators_under("n1000") == ("n1",)


def test_a_long_cycle_is_one_problem():
    n = 1000
    rows = ["code,parent,level,direction", "R,,1002,", "x,R,1001,", "i,x,1,1"]
    rows += [f"c{k},c{(k + 1) % n},{k + 2},1" for k in range(n)]
    found = messages(lambda: ind.load_framework("\n".join(rows).encode(), "cyc.csv"))
    cycle = [p for p in found if "cycle in the tree" in p]
    assert len(cycle) == 1
    assert cycle[0].startswith("cyc.csv, row 5, column 'parent': cycle in the tree: c0 → c1 → c2")
    assert cycle[0].endswith("c998 → c999 → c0")


# ------------------------------------------------------------------------------------------
# 5. No silent changes: a value the reader cannot take literally is a problem row


def _sheet(rows, edit=None):
    def build(book):
        ws = book.active
        ws.title = "data"
        for row in rows:
            ws.append(row)
        if edit:
            edit(book, ws)

    return xlsx(build)


def test_xlsx_percent_formatted_cells_are_refused():
    def percent(book, ws):
        ws["B3"].number_format = "0%"

    payload = _sheet([["adcode", "v"], ["u1", 12], ["u2", 0.12]], percent)
    assert messages(lambda: ind.load_data(payload, name="p.xlsx")) == [
        "p.xlsx, row 3, column 'v': the cell is formatted as a percentage: it shows 12% but "
        "holds 0.12; format the column as numbers and write the value you mean (12 or 0.12)"
    ]


def test_xlsx_dates_are_not_ids_or_numbers():
    import datetime as dt

    payload = _sheet([["adcode", "v"], [dt.datetime(2020, 1, 2), 1], ["u2", dt.date(2021, 3, 4)]])
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    assert messages(lambda: ind.load_data(payload, framework, name="d.xlsx")) == [
        "d.xlsx, row 2, column 'adcode': expected a unit id (text or a whole number), got the "
        "date/time 2020-01-02 00:00:00",
        "d.xlsx, row 3, column 'v': expected a number, got the date/time 2021-03-04 00:00:00",
    ]


def test_xlsx_booleans_are_not_numbers():
    payload = _sheet([["adcode", "v"], ["u1", True], ["u2", 2]])
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    assert messages(lambda: ind.load_data(payload, framework, name="b.xlsx")) == [
        "b.xlsx, row 2, column 'v': expected a number, got the boolean True"
    ]


def test_xlsx_cells_beyond_the_header_are_refused():
    payload = _sheet([["adcode", "v"], ["u1", 1, None, "stray"], ["u2", 2]])
    assert messages(lambda: read_table(payload, "s.xlsx")) == [
        "s.xlsx, row 2: a value in column D, beyond the last named column (B): name the column "
        "or delete the value"
    ]


def test_xlsx_with_a_wrong_dimension_is_read_in_full():
    def shrink(book, ws):
        pass

    payload = _sheet([["adcode", "v"], ["u1", 1], ["u2", 2], ["u3", 3]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(payload)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', content)
            dst.writestr(info, content)
    frame = read_table(out.getvalue(), "w.xlsx")
    assert list(frame.columns) == ["adcode", "v"] and frame["v"].tolist() == [1, 2, 3]


def test_xlsx_hidden_first_sheet_is_refused_unless_named():
    def hide(book, ws):
        ws.sheet_state = "hidden"
        book.create_sheet("shown").append(["adcode"])

    payload = _sheet([["adcode", "v"], ["u1", 1]], hide)
    assert messages(lambda: read_table(payload, "h.xlsx")) == [
        "h.xlsx: the first sheet 'data' is hidden in Excel: unhide it, or choose a sheet "
        "(visible: 'shown')"
    ]
    assert read_table(payload, "h.xlsx", sheet="data")["v"].tolist() == [1]


def test_xlsx_hidden_rows_and_columns_with_values_are_refused():
    def hide(book, ws):
        ws.row_dimensions[3].hidden = True
        ws.column_dimensions["C"].hidden = True
        ws.row_dimensions[9].hidden = True  # empty: nothing unseen is read

    payload = _sheet([["adcode", "v", "w"], ["u1", 1, 1], ["u2", 2, 2]], hide)
    assert messages(lambda: read_table(payload, "h.xlsx")) == [
        "h.xlsx, column 'w': the column is hidden in Excel: unhide or delete it (what is read "
        "must be what you see)",
        "h.xlsx, row 3: the row is hidden in Excel (hidden or filtered out): unhide or delete "
        "it (what is read must be what you see)",
    ]


def test_xlsx_merged_cells_in_the_table_are_refused():
    def merge(book, ws):
        ws.merge_cells("B2:B3")

    payload = _sheet([["adcode", "province"], ["u1", "Zhejiang"], ["u2", None]], merge)
    assert messages(lambda: read_table(payload, "m.xlsx")) == [
        "m.xlsx, row 2, column 'province': cells B2:B3 are merged: only B2 holds the value, "
        "the others read as empty; unmerge them and fill each cell"
    ]


def _parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def test_parquet_integers_a_float_cannot_hold_are_refused():
    payload = _parquet(
        pa.table({"adcode": ["a", "b"], "v": pa.array([2**53, 2**53 + 1], pa.int64())})
    )
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    assert messages(lambda: ind.load_data(payload, framework, name="i.parquet")) == [
        "i.parquet, row 3, column 'v': the whole number 9007199254740993 cannot be held "
        "exactly in a float (exact up to 2**53 = 9007199254740992); it would read as "
        "9007199254740992.0"
    ]


def test_csv_integers_a_float_cannot_hold_are_refused():
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    payload = b"adcode,v\na,9007199254740992\nb,9007199254740993\nc,1e16\n"
    assert messages(lambda: ind.load_data(payload, framework, name="i.csv")) == [
        "i.csv, row 3, column 'v': the whole number 9007199254740993 cannot be held exactly "
        "in a float (exact up to 2**53 = 9007199254740992); it would read as "
        "9007199254740992.0"
    ]


def test_parquet_decimals_are_read_when_exact_and_refused_when_not():
    import decimal

    values = [decimal.Decimal("1.50"), decimal.Decimal("12345678901234567890.12")]
    payload = _parquet(
        pa.table({"adcode": ["a", "b"], "v": pa.array(values, pa.decimal128(22, 2))})
    )
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    assert messages(lambda: ind.load_data(payload, framework, name="d.parquet")) == [
        "d.parquet, row 3, column 'v': the decimal 12345678901234567890.12 has more digits than "
        "a float holds; it would read as 1.2345678901234567e+19"
    ]
    exact = _parquet(pa.table({"adcode": ["a"], "v": pa.array(values[:1], pa.decimal128(22, 2))}))
    assert ind.load_data(exact, framework, name="d.parquet")["v"].tolist() == [1.5]


def test_parquet_index_is_kept_as_a_column():
    frame = pd.DataFrame({"v": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="adcode"))
    buf = io.BytesIO()
    frame.to_parquet(buf)
    assert ind.load_data(buf.getvalue(), name="x.parquet")["adcode"].tolist() == ["a", "b"]


@pytest.mark.parametrize(
    "cell", ["inf", "-Infinity", "∞", "ｉｎｆ", "1e999", "-nan", "+NaN", "nan%"]
)
def test_infinity_and_nan_spellings_are_refused(cell):
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    payload = f"adcode,v\na,1\nb,{cell}\n".encode()
    found = problems(lambda: ind.load_data(payload, framework, name="n.csv"))
    assert [(p.row, p.column) for p in found] == [(3, "v")]


def test_thousands_commas_next_to_decimal_commas_are_ambiguous():
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    payload = b'adcode,v\na,"1,5"\nb,"1,234"\nc,2\n'
    assert messages(lambda: ind.load_data(payload, framework, name="t.csv")) == [
        "t.csv, row 2, column 'v': expected a number, got '1,5' (decimal comma? use a point: 1.5)",
        "t.csv, row 3, column 'v': expected a number, got '1,234': ambiguous, as this column "
        "also has decimal commas ('1,5'): write 1234 or 1.234",
    ]
    alone = b'adcode,v\na,"1,234"\nb,"12,345.5"\n'
    assert ind.load_data(alone, framework, name="t.csv")["v"].tolist() == [1234.0, 12345.5]


# ------------------------------------------------------------------------------------------
# 6. Encodings: UTF-8/UTF-16 or Chinese GBK/GB18030 read with confidence, nothing else guessed

FOREIGN = {
    "latin-1": "adcode,name,region,value\n1,München,Bayern,1.5\n2,Málaga,Andalucía,2\n",
    "cp1252": "adcode,name,note\n1,Café “Zoë”,€5 – ok\n2,Ørsted,naïve\n",
    "big5": "adcode,name,value\n1,臺北市,1\n2,新北市,2\n3,桃園市,3\n4,臺中市,4\n5,臺南市,5\n",
    "shift_jis": "adcode,name,value\n1,東京都,1\n2,大阪府,2\n3,京都府,3\n4,北海道,4\n5,カナガワ,5\n",
    "euc-kr": "adcode,name,value\n1,서울특별시,1\n2,부산광역시,2\n3,대구광역시,3\n",
}


@pytest.mark.parametrize("encoding", sorted(FOREIGN))
def test_text_in_other_encodings_is_refused_not_garbled(encoding):
    payload = FOREIGN[encoding].encode(encoding)
    found = messages(lambda: read_table(payload, "e.csv"))
    assert len(found) == 1
    assert found[0].startswith("e.csv: cannot tell the encoding of the file")
    assert found[0].endswith("save it as UTF-8")


CHINESE = {
    "cities": "adcode,name_zh,province_zh,value\n310000,上海市,上海市,1\n320100,南京市,江苏省,2\n"
    "330100,杭州市,浙江省,3\n341600,亳州市,安徽省,4\n",
    "names outside GB2312": "adcode,name\n1,张喆\n2,王堃\n3,李昇\n",
    "short": "adcode,name\n1,上海\n",
}


@pytest.mark.parametrize("sample", sorted(CHINESE))
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_gbk_files_still_read(sample, encoding):
    frame = read_table(CHINESE[sample].encode(encoding), "c.csv")
    expected = read_table(CHINESE[sample].encode("utf-8"), "c.csv")
    pd.testing.assert_frame_equal(frame, expected)


def test_utf16_without_bom_must_look_like_text():
    assert read_table("adcode,v\n1,2\n".encode("utf-16-le"), "u.csv")["v"].tolist() == ["2"]
    binary = bytes(range(256)) * 4 + b"\x00" * 2000
    found = messages(lambda: read_table(binary, "b.csv"))
    assert len(found) == 1 and "cannot tell the encoding" in found[0]


# ------------------------------------------------------------------------------------------
# 7. Row numbers when the header is not on the first line


@pytest.mark.parametrize("quoted", [False, True])
def test_csv_header_after_blank_and_comment_lines(quoted):
    cell = '"x"' if quoted else "x"
    payload = f"# exported from the census\n\n,,\nadcode,v,v\n1,{cell},3\n".encode()
    assert messages(lambda: read_table(payload, "c.csv")) == [
        "c.csv, row 4, column 'v': column name 'v' appears more than once in the header"
    ]
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    fixed = payload.replace(b"adcode,v,v", b"adcode,v,w")
    assert messages(lambda: ind.load_data(fixed, framework, name="c.csv")) == [
        "c.csv, row 5, column 'v': expected a number, got 'x'"
    ]


def test_xlsx_header_further_down():
    payload = _sheet([[], [None], ["adcode", "v", None, "w"], ["u1", "x", None, 1]])
    assert messages(lambda: read_table(payload, "x.xlsx")) == [
        "x.xlsx, row 3: column 3 of the header has no name"
    ]
    framework = ind.load_framework(FRAMEWORK_V, "f.csv")
    payload = _sheet([[], [None], ["adcode", "v"], ["u1", "x"]])
    assert messages(lambda: ind.load_data(payload, framework, name="x.xlsx")) == [
        "x.xlsx, row 4, column 'v': expected a number, got 'x'"
    ]


# ------------------------------------------------------------------------------------------
# 8. Look-alike identifiers: one unit, one code, one column, however they are written

LOOK_ALIKES = [
    ("110000", "１１００００"),  # full-width digits
    ("AB", "A\u200bB"),  # zero-width space
    ("Café", "Cafe\u0301"),  # NFC and NFD
    ("u1", "\ufeffu1"),  # a byte-order mark inside the text
]


@pytest.mark.parametrize(("plain", "alike"), LOOK_ALIKES)
def test_look_alike_unit_ids_are_duplicates(plain, alike):
    payload = f"adcode,year,x\n{plain},2020,1\n{alike},2020,2\n".encode()
    assert messages(lambda: ind.load_data(payload, name="d.csv")) == [
        f"d.csv, row 3, column 'adcode': duplicate row for unit {plain!r} and year 2020 (first "
        "on row 2)"
    ]
    units = f"adcode,name_zh\n{plain},a\n{alike},b\n".encode()
    assert messages(lambda: ind.load_units(units, "u.csv")) == [
        f"u.csv, row 3, column 'adcode': duplicate adcode {plain!r} (first on row 2)"
    ]


def test_look_alike_codes_and_columns_are_one():
    payload = "code,parent,level,direction\nR,,2,\nx1,R,1,1\nｘ１,R,1,1\nx2,Ｒ\u200b,1,-1\n".encode()
    assert messages(lambda: ind.load_framework(payload, "f.csv")) == [
        "f.csv, row 4, column 'code': duplicate code 'x1' (first defined on row 3)"
    ]
    framework = ind.load_framework(payload.replace("ｘ１,R,1,1\n".encode(), b""), "f.csv")
    assert framework.children("R") == ("x1", "x2")
    data = "adcode,ｘ１,x2\u200b\nu,1,2\nw,2,1\n".encode()
    assert list(ind.load_data(data, framework, name="d.csv").columns) == [
        "adcode",
        "year",
        "x1",
        "x2",
    ]
    assert messages(lambda: read_table("adcode,x1,ｘ１\n".encode(), "h.csv")) == [
        "h.csv, row 1, column 'x1': column name 'x1' appears more than once in the header"
    ]
