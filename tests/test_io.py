import io
import logging
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators.cells import normalise_adcode
from indicators.coinr import load_coinr
from indicators.read import read_table, sniff_encoding
from indicators.tables import default_paths, load_data, load_framework, load_units
from indicators.validate import ValidationError

FIXTURES = Path(__file__).parent / "fixtures"
TEXT = "adcode,name_zh,value\n010100,上海市,1.5\n320100,南京市,2\n"


@pytest.fixture
def fw():
    return load_framework(FIXTURES / "framework.csv")


def problems_of(func, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- read_table
@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),  # with BOM
        TEXT.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16", "crlf"],
)
def test_encodings_read_identical_frames(encoded, tmp_path):
    expected = read_table(TEXT.encode("utf-8"), name="t.csv")
    path = tmp_path / "t.csv"
    path.write_bytes(encoded)
    pd.testing.assert_frame_equal(read_table(path), expected)
    assert expected["name_zh"].tolist() == ["上海市", "南京市"]
    assert expected["adcode"].tolist() == ["010100", "320100"]


def test_sniff_encoding():
    assert sniff_encoding(TEXT.encode("gbk")) == "gb18030"
    assert sniff_encoding(TEXT.encode("utf-16-le")) == "utf-16-le"


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_delimiters(sep):
    frame = read_table(TEXT.replace(",", sep).encode(), name="t.csv")
    assert list(frame.columns) == ["adcode", "name_zh", "value"]


def test_line_numbers_skip_blank_lines():
    frame = read_table(b"a,b\n1,2\n\n3,4\n", name="t.csv")
    assert frame.index.tolist() == [2, 4]


def test_file_like_and_upload_objects():
    class Upload(io.BytesIO):
        name = "mine.csv"

    frame = read_table(Upload(TEXT.encode()))
    assert len(frame) == 2
    with pytest.raises(ValidationError, match="mine.csv: the file is empty"):
        read_table(Upload(b""))


def test_missing_empty_undecodable(tmp_path):
    assert problems_of(read_table, tmp_path / "nope.csv") == [
        f"{tmp_path / 'nope.csv'}: file not found"
    ]
    assert problems_of(read_table, b"  \n", name="e.csv") == ["e.csv: the file is empty"]
    assert "cannot decode" in problems_of(read_table, b"a,b\n\x81\xff\xfe\x80,1\n", name="x.csv")[0]
    assert "not a readable Excel" in problems_of(read_table, b"garbage", name="x.xlsx")[0]
    assert "not a readable Parquet" in problems_of(read_table, b"garbage", name="x.parquet")[0]


def test_header_problems():
    problems = problems_of(read_table, b"a,a,,b\n1,2,3,4\n", name="h.csv")
    assert (
        "h.csv, row 1, column 'a': column name 'a' appears more than once in the header" in problems
    )
    assert "h.csv, row 1: column 3 of the header has no name" in problems


def test_ragged_rows_reported():
    problems = problems_of(read_table, b"a,b\n1,2\n1,2,3\n", name="r.csv")
    assert problems[0].startswith("r.csv, row 3: 3 cells but the header has 2 columns")


def _xlsx(tmp_path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def test_xlsx_first_sheet_and_logged_choice(tmp_path, caplog):
    path = _xlsx(
        tmp_path,
        {"cities": [["adcode", "v"], ["010100", 1.5], [320100, "x"]], "other": [["z"], [1]]},
    )
    with caplog.at_level(logging.INFO, logger="indicators.read"):
        frame = read_table(path)
    assert "using sheet 'cities'" in caplog.text
    assert frame.index.tolist() == [2, 3]
    v_only = load_framework(b"code,parent,level,direction\nI,,2,\nv,I,1,1\n", name="f.csv")
    problems = problems_of(load_data, path, v_only)
    assert problems == ["book.xlsx (sheet 'cities'), row 3, column 'v': expected a number, got 'x'"]
    assert read_table(path, sheet="other")["z"].tolist() == [1]


def test_xlsx_roundtrip(tmp_path, fw):
    data = load_data(FIXTURES / "data.csv", fw)
    path = tmp_path / "d.xlsx"
    data.to_excel(path, index=False)
    pd.testing.assert_frame_equal(load_data(path, fw), data)


def test_parquet_roundtrip(tmp_path, fw):
    data = load_data(FIXTURES / "data.csv", fw)
    path = tmp_path / "d.parquet"
    data.to_parquet(path, index=False)
    pd.testing.assert_frame_equal(load_data(path, fw), data)
    # bytes without a name: format sniffed from the magic number
    pd.testing.assert_frame_equal(load_data(path.read_bytes(), fw), data)


# ---------------------------------------------------------------- load_data
def test_load_data_fixture(fw):
    data, warnings = load_data(FIXTURES / "data.csv", fw, return_warnings=True)
    assert list(data.columns) == [
        "adcode",
        "year",
        "ind_a",
        "ind_b",
        "ind_c",
        "ind_d",
        "population",
    ]
    assert data["adcode"].dtype == "str" and data["year"].dtype == "int64"
    assert (data[["ind_a", "ind_b", "ind_c", "ind_d"]].dtypes == "float64").all()
    assert len(data) == 12 and pd.isna(data.loc[3, "ind_d"])
    assert data.index.equals(pd.RangeIndex(12))
    assert [p.severity for p in warnings] == ["info"]
    assert "population" in warnings[0].message


def test_load_data_three_problems(fw):
    problems = problems_of(load_data, FIXTURES / "broken" / "data_three_problems.csv", fw)
    assert problems == [
        "data_three_problems.csv, row 2, column 'ind_b': expected a number, got 'abc'",
        "data_three_problems.csv, row 3, column 'ind_c': expected a finite number, got 'inf'",
        "data_three_problems.csv, row 4, column 'adcode': duplicate row for unit '310000' and year 2020 (first on row 2)",
    ]


def test_missing_indicator_columns(fw):
    problems = problems_of(load_data, b"adcode,year,ind_a\n1,2020,1\n", fw, name="d.csv")
    assert problems == [
        "d.csv, column 'ind_b': framework indicator 'ind_b' is not a column of the data",
        "d.csv, column 'ind_c': framework indicator 'ind_c' is not a column of the data",
        "d.csv, column 'ind_d': framework indicator 'ind_d' is not a column of the data",
    ]
    assert problems_of(load_data, b"id,x\n1,2\n", name="d.csv") == [
        "d.csv, column 'adcode': required column 'adcode' (unit id) is missing"
    ]


def test_cells_accepted_and_rejected(fw):
    text = (
        "adcode,year,ind_a,ind_b,ind_c,ind_d\n"
        '110000.0,2020,"1,234",１２３,−1.5,NA\n'
        '110100,2020.0,12%,"1,5",x,\n'
        ",year,1,1,1,1\n"
    )
    with pytest.raises(ValidationError) as info:
        load_data(text.encode(), fw, name="c.csv")
    problems = [str(p) for p in info.value.problems]
    assert problems == [
        "c.csv, row 3, column 'ind_a': expected a number, got '12%': remove the % sign (write 12 if the column is in percent, or the share as a fraction)",
        "c.csv, row 3, column 'ind_b': expected a number, got '1,5' (decimal comma? use a point: 1.5)",
        "c.csv, row 3, column 'ind_c': expected a number, got 'x'",
        "c.csv, row 4, column 'adcode': unit id is empty",
        "c.csv, row 4, column 'year': year must be a whole number, got 'year'",
    ]
    good = load_data(text.encode().split(b"\n110100")[0] + b"\n", fw, name="c.csv")
    assert good.loc[0, "adcode"] == "110000"
    assert good.loc[0, ["ind_a", "ind_b", "ind_c"]].tolist() == [1234.0, 123.0, -1.5]


def test_semicolon_files_reject_thousands_commas(fw):
    text = "adcode;year;ind_a;ind_b;ind_c;ind_d\n1;2020;1,234;1;1;1\n"
    assert "row 2, column 'ind_a'" in problems_of(load_data, text.encode(), fw, name="s.csv")[0]


def test_warnings_constant_and_empty(fw):
    text = "adcode,year,ind_a,ind_b,ind_c,ind_d\n1,2020,1,5,,1\n2,2020,2,5,,2\n"
    data, warnings = load_data(text.encode(), fw, name="w.csv", return_warnings=True)
    assert [str(w) for w in warnings] == [
        "w.csv, column 'ind_b': warning: indicator 'ind_b' has the same value (5) for every unit, so it cannot distinguish them",
        "w.csv, column 'ind_c': warning: indicator 'ind_c' has no values (every cell is missing)",
    ]
    assert isinstance(load_data(text.encode(), fw, name="w.csv"), pd.DataFrame)


def test_no_year_column_is_single_period():
    data = load_data(b"adcode,x,label\n001,1,a\n002,2,b\n", name="d.csv")
    assert data["year"].tolist() == [0, 0]
    assert data["adcode"].tolist() == ["001", "002"]
    assert data["x"].dtype == "float64" and data["label"].dtype == "str"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(110000, "110000"), (110000.0, "110000"), (" 010100 ", "010100"), ("110000.0", "110000")],
)
def test_normalise_adcode(value, expected):
    assert normalise_adcode(value) == (expected, None)
    assert normalise_adcode(1.5)[1] is not None


# ---------------------------------------------------------------- units, framework, coinr
def test_load_units():
    units = load_units(FIXTURES / "units.csv")
    assert list(units.columns) == [
        "adcode",
        "name_zh",
        "name_en",
        "province_zh",
        "province_en",
        "yrd27",
        "yrd41",
    ]
    assert units["yrd27"].tolist() == [1, 1, 1, 1, 1, 0]
    assert units["yrd27"].dtype == "int64"


def test_load_units_defaults_and_problems():
    units = load_units(b"adcode,name_zh,coastal\n1,\xe7\x94\xb2,1\n2,,0\n", name="u.csv")
    assert units["name_zh"].tolist() == ["甲", "2"]
    assert units["name_en"].tolist() == ["甲", "2"]
    assert units["coastal"].tolist() == [1, 0] and units["yrd41"].tolist() == [0, 0]
    problems = problems_of(load_units, b"adcode,yrd27\n1,1\n1,2\n", name="u.csv")
    assert problems == [
        "u.csv, row 3, column 'adcode': duplicate adcode '1' (first on row 2)",
        "u.csv, row 3, column 'yrd27': group membership must be 0 or 1, got '2'",
    ]


def test_load_framework_reports_file_rows():
    problems = problems_of(load_framework, FIXTURES / "broken" / "framework_three_problems.csv")
    assert len(problems) == 3
    assert problems[0].startswith("framework_three_problems.csv, row 4, column 'weight'")


def test_load_coinr():
    data, fw = load_coinr(FIXTURES / "coinr" / "iData.csv", FIXTURES / "coinr" / "iMeta.csv")
    assert fw.root == "Index"
    assert fw.indicators == ("i1", "i2", "i3", "i4")
    assert fw.direction("i2") == -1 and fw.weight("i1") == 3.0
    assert fw.name("P1", "en") == "Pillar one" == fw.name("P1", "zh")
    assert fw.unit("i1") == "%"
    assert list(data.columns[:6]) == ["adcode", "year", "i1", "i2", "i3", "i4"]
    assert data["adcode"].tolist() == ["A", "B", "C", "D", "E"]
    assert data["year"].tolist() == [0] * 5


def test_load_coinr_time_and_meta_problems():
    idata = b"uCode,Time,x\nA,2020,1\nA,2021,2\n"
    imeta = b"iCode,Parent,Level,Direction,Weight,Type\nx,Index,1,1,1,Indicator\nIndex,,2,1,1,Aggregate\n"
    data, _ = load_coinr(idata, imeta, idata_name="iData.csv", imeta_name="iMeta.csv")
    assert data["year"].tolist() == [2020, 2021]
    bad = b"iCode,Parent,Level,Direction,Weight,Type\nx,Index,1,3,1,Indicator\nIndex,,2,1,1,Aggregate\n"
    problems = problems_of(load_coinr, idata, bad, idata_name="iData.csv", imeta_name="iMeta.csv")
    assert problems == ["iMeta.csv, row 2, column 'Direction': direction must be +1 or -1, got '3'"]
    dup = b"uCode,Time,x\nA,2020,1\nA,2020,2\n"
    problems = problems_of(load_coinr, dup, imeta, idata_name="iData.csv", imeta_name="iMeta.csv")
    assert problems == [
        "iData.csv, row 3, column 'uCode': duplicate row for unit 'A' and year 2020 (first on row 2)"
    ]


def test_default_paths():
    paths = default_paths()
    assert set(paths) == {"data", "units", "framework", "geo"}
    assert paths["geo"].exists()
    assert paths["framework"].parent.name == "data"
