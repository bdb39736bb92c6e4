import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from indicators.export import methodology_table, neutralise, write_table

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "adcode": ["310000", "320100", "330100", "330200"],
            "year": [2020, 2020, 2020, 2020],
            "name": ["=1+1", "@SUM(A1)", "-cmd", "+x"],
            "value": [-3.5, 1.25, float("nan"), 0.1 + 0.2],
            "rank": [1, 2, 3, 4],
        }
    )


@pytest.fixture
def result(example_build):
    """A real result of the example build."""
    from indicators import run_pipeline

    return run_pipeline(example_build)


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("@SUM") == "'@SUM"
    assert neutralise("-cmd") == "'-cmd"
    assert neutralise("+x") == "'+x"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("safe") == "safe"
    assert neutralise(-3.5) == -3.5


def test_csv_bom_neutralised_numbers_untouched(frame):
    data = write_table(frame, None, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == [
        "adcode,year,name,value,rank",
        "310000,2020,'=1+1,-3.5,1",
        "320100,2020,'@SUM(A1),1.25,2",
        "330100,2020,'-cmd,,3",
        "330200,2020,'+x,0.30000000000000004,4",
    ]


def test_csv_chinese_roundtrip_via_loader(tmp_path):
    from indicators.tables import load_units

    units = load_units(FIXTURES / "units.csv")
    path = tmp_path / "u.csv"
    write_table(units, path, "csv")
    pd.testing.assert_frame_equal(load_units(path), units)


def test_single_period_year_dropped():
    frame = pd.DataFrame({"adcode": ["A"], "year": [0], "x": [1.0]})
    assert write_table(frame, None, "csv").decode("utf-8-sig").splitlines()[0] == "adcode,x"


def test_xlsx_sheets_and_neutralisation(frame, result, tmp_path):
    path = tmp_path / "out.xlsx"
    write_table(
        frame, path, "xlsx", result=result, data_source="data.csv", computed="2026-11-24"
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["results", "framework", "methodology"]
    rows = list(book["results"].iter_rows(values_only=True))
    assert rows[0] == ("adcode", "year", "name", "value", "rank")
    assert rows[1] == ("310000", 2020, "'=1+1", -3.5, 1)
    assert rows[3][2:4] == ("'-cmd", None)
    assert isinstance(rows[1][3], float)
    fw_rows = list(book["framework"].iter_rows(values_only=True))
    header = fw_rows[0]
    assert "weight_normalised" in header and "effective_weight" in header
    effective = {r[0]: r[header.index("effective_weight")] for r in fw_rows[1:]}
    assert effective["ind_c"] == pytest.approx(4 / 9)
    meta = dict(list(book["methodology"].iter_rows(values_only=True))[1:])
    assert meta["data_source"] == "data.csv"
    assert meta["computed"] == "2026-11-24"
    assert meta["config.normalise"] == "minmax"
    assert meta["index"] == "IDX"
    assert "engine_version" in meta
    assert book.properties.modified.year == 2026


def test_methodology_table_regenerates_config(result):
    from indicators.config import Config

    table = methodology_table(result, "x.csv", computed="2026-01-02")
    assert list(table.columns) == ["item", "value"]
    items = dict(zip(table["item"], table["value"], strict=True))
    assert items["years"] == "2010, 2020"
    config = {k[len("config.") :]: v for k, v in items.items() if k.startswith("config.")}
    assert set(config) == set(Config().to_dict())


def test_byte_identical_repeats(frame, result):
    for fmt in ("csv", "parquet"):
        assert write_table(frame, None, fmt) == write_table(frame.copy(), None, fmt)
    a = write_table(frame, None, "xlsx", result=result, computed="2026-11-24")
    b = write_table(frame.copy(), None, "xlsx", result=result, computed="2026-11-24")
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_parquet_roundtrip_and_metadata(frame, result, tmp_path):
    path = tmp_path / "out.parquet"
    write_table(frame, path, result=result, data_source="data.csv")
    back = pd.read_parquet(path)
    assert back["name"].tolist() == ["=1+1", "@SUM(A1)", "-cmd", "+x"]  # not a spreadsheet
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    meta = pq.read_schema(path).metadata
    assert json.loads(meta[b"indicators.config"])["normalise"] == "minmax"


def test_buffer_and_bad_format(frame):
    buffer = io.BytesIO()
    write_table(frame, buffer, "csv")
    assert buffer.getvalue().startswith(b"\xef\xbb\xbf")
    with pytest.raises(ValueError, match="unknown format"):
        write_table(frame, None, "json")
    with pytest.raises(ValueError, match="fmt is required"):
        write_table(frame, buffer)
