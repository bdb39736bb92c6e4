"""Reading user and bundled tables: framework, data, units and COINr-style inputs.

Every loader collects all problems it finds and raises one
:class:`~indicators.validate.ValidationError` (pandera-style lazy validation); each problem
names the file, the row as a spreadsheet shows it (header = row 1, first data row = row 2) and
the column. Decisions (also in ``docs/METHODS.md``, section "Loading and export"):

* CSV encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, else GB18030 (a superset of GBK and
  GB2312). Delimiter: the one of ``,`` ``;`` tab that occurs most often in the header line.
* XLSX: the first sheet unless ``sheet=`` is given; when the workbook has several sheets the
  sheet used is logged and named in every problem (``data.xlsx (sheet 'cities')``).
* Numbers are parsed by :func:`~indicators.validate.parse_number`: thousands separators
  ``1,234`` and full-width digits are accepted; ``12%``, decimal commas, infinities and any other
  text are reported (a value is never silently changed); ``NA``, ``n/a``, ``null``, empty cells
  are missing.
* Size: files over :data:`MAX_INPUT_BYTES` (100 MB; the dashboard's own upload limit is 20 MB)
  and XLSX workbooks whose contents expand to more than :data:`MAX_XLSX_EXPANDED_BYTES`
  (500 MB, a "zip bomb") are refused with a ``ValidationError`` before parsing. Numbers larger
  than 1e100 in magnitude are refused (they would overflow in the pipeline); years must have at
  most 9 digits.
* ``load_data`` raises only for errors. Warnings (an indicator that is all missing or constant)
  and notes (columns that are not framework codes, carried along unused) are returned with
  ``return_warnings=True`` as a list of :class:`~indicators.validate.Problem`.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import logging
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from indicators.framework import Framework
from indicators.validate import (
    MAX_MAGNITUDE,
    Problem,
    ProblemCollector,
    ValidationError,
    is_missing,
    parse_number,
)

__all__ = [
    "read_table",
    "load_framework",
    "load_data",
    "load_units",
    "load_coinr",
    "default_paths",
    "sniff_encoding",
    "normalise_adcode",
]

log = logging.getLogger(__name__)

Source = str | Path | bytes | bytearray | IO[bytes] | IO[str] | Any

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_PARQUET_SUFFIXES = {".parquet", ".pq"}
_DELIMITERS = (",", ";", "\t")
#: Inputs larger than this are refused before parsing (the dashboard accepts 20 MB uploads).
MAX_INPUT_BYTES = 100 * 2**20
#: XLSX workbooks whose zipped parts expand to more than this are refused (zip bombs).
MAX_XLSX_EXPANDED_BYTES = 500 * 2**20
_MAX_YEAR_DIGITS = 9


# --------------------------------------------------------------------------------------------
# Raw reading


class _Read:
    """A table as read, with the label used in problem messages."""

    def __init__(self, frame: pd.DataFrame, label: str, delimiter: str | None = None):
        self.frame = frame  # index = 1-based row as the user sees it
        self.label = label
        self.delimiter = delimiter


def _name_and_bytes(source: Source, name: str | None) -> tuple[str, bytes]:
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ValidationError([Problem(str(path), None, None, "file not found")]) from None
        except IsADirectoryError:
            raise ValidationError([Problem(str(path), None, None, "is a directory")]) from None
        except OSError as exc:
            raise ValidationError(
                [Problem(str(path), None, None, f"cannot read: {exc.strerror}")]
            ) from None
        return name or path.name, data
    if isinstance(source, bytes | bytearray | memoryview):
        return name or "upload", bytes(source)
    label = name or Path(str(getattr(source, "name", "upload"))).name
    if hasattr(source, "getvalue"):
        data = source.getvalue()
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            try:
                source.seek(0)
            except (OSError, ValueError):
                pass
        data = source.read()
    else:
        raise TypeError(f"expected a path, bytes or a file-like object, got {type(source)!r}")
    if isinstance(data, str):
        data = data.encode("utf-8")
    return label, bytes(data)


def _kind(label: str, data: bytes) -> str:
    suffix = Path(label).suffix.lower()
    if suffix in _XLSX_SUFFIXES:
        return "xlsx"
    if suffix in _PARQUET_SUFFIXES:
        return "parquet"
    if suffix in _CSV_SUFFIXES:
        return "csv"
    if suffix == ".xls":
        return "xls"
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:4] == b"PAR1":
        return "parquet"
    return "csv"


def sniff_encoding(data: bytes) -> str:
    """Encoding of CSV bytes: BOM (UTF-8, UTF-16) first, then UTF-8, then GB18030.

    GB18030 is a superset of GBK and GB2312, so files saved as "ANSI" by Chinese Excel decode.
    UTF-16 without a BOM is recognised from its NUL bytes.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise ValueError("not UTF-8, UTF-16 or GBK/GB18030 text") from None


def _read_csv(label: str, data: bytes) -> _Read:
    try:
        encoding = sniff_encoding(data)
        text = data.decode(encoding)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(
            [Problem(label, None, None, f"cannot decode the file: {exc}; save it as UTF-8")]
        ) from None
    text = text.lstrip("\ufeff")
    # the csv module ends lines at \r and \n only (str.splitlines also splits at \v, \f, ...)
    lines = re.split(r"\r\n|\r|\n", text)
    header = next((line for line in lines if line.strip()), None)
    if header is None:
        raise ValidationError([Problem(label, None, None, "the file is empty")])
    delimiter = max(_DELIMITERS, key=header.count)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a cell longer than csv.field_size_limit() (128 kB)
        raise ValidationError(
            [Problem(label, reader.line_num or None, None, f"cannot read the CSV: {exc}")]
        ) from None
    header_line = 1 + next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), -1)
    if header_line == 0:
        raise ValidationError([Problem(label, None, None, "the file is empty")])
    names = [c.strip() for c in rows[header_line - 1]]
    _check_header(label, names)
    body = rows[header_line:]
    records, line_numbers = [], []
    problems = ProblemCollector(label)
    for offset, row in enumerate(body):
        line = header_line + 1 + offset
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            if any(cell.strip() for cell in row[len(names) :]):
                problems.add(
                    f"{len(row)} cells but the header has {len(names)} columns "
                    f"(is the delimiter {delimiter!r} also used inside a value?)",
                    line,
                )
                continue
            row = row[: len(names)]
        records.append(row + [""] * (len(names) - len(row)))
        line_numbers.append(line)
    problems.raise_if_errors()
    frame = pd.DataFrame(records, columns=names, dtype="str")
    frame.index = pd.Index(line_numbers, name="line", dtype="int64")
    log.debug("read %s as CSV (encoding %s, delimiter %r)", label, encoding, delimiter)
    return _Read(frame, label, delimiter)


def _check_header(label: str, names: Sequence[str]) -> None:
    problems = ProblemCollector(label)
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            problems.add(f"column {position} of the header has no name", 1)
        elif name in seen:
            problems.add(f"column name {name!r} appears more than once in the header", 1, name)
        seen.add(name)
    problems.raise_if_errors()


def _read_xlsx(label: str, data: bytes, sheet: str | None) -> _Read:
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(_io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(
            [Problem(label, None, None, f"not a readable Excel (.xlsx) workbook: {exc}")]
        ) from None
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise ValidationError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"the workbook expands to {expanded / 2**20:,.0f} MB; the limit is "
                    f"{MAX_XLSX_EXPANDED_BYTES / 2**20:,.0f} MB",
                )
            ]
        )
    try:
        book = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ValidationError(
            [Problem(label, None, None, f"not a readable Excel (.xlsx) workbook: {exc}")]
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            sheet = names[0]
        elif sheet not in names:
            raise ValidationError(
                [Problem(label, None, None, f"no sheet {sheet!r}; sheets: {', '.join(names)}")]
            )
        if len(names) > 1:
            log.info("%s: using sheet %r of %s", label, sheet, ", ".join(map(repr, names)))
            label = f"{label} (sheet {sheet!r})"
        worksheet = book[sheet]
        if not hasattr(worksheet, "iter_rows"):
            raise ValidationError(
                [Problem(label, None, None, f"sheet {sheet!r} is a chart, not a table")]
            )
        rows = list(worksheet.iter_rows(values_only=True))
    finally:
        book.close()
    uncached = _uncached_formulas(data, sheet, rows)
    first = next((i for i, r in enumerate(rows) if any(not is_missing(v) for v in r)), None)
    if first is None:
        raise ValidationError([Problem(label, None, None, "the sheet is empty")])
    header = [("" if is_missing(v) else str(v).strip()) for v in rows[first]]
    while header and not header[-1]:
        header.pop()
    _check_header(label, header)
    if uncached:
        problems = ProblemCollector(label)
        for r, c in uncached[:100]:
            problems.add(
                "the cell holds a formula without a saved result (the workbook was not saved "
                "by a spreadsheet program): open and save it in Excel, or paste values",
                r + 1,
                header[c] if r > first and c < len(header) else None,
            )
        problems.raise_if_errors()
    records, line_numbers = [], []
    for offset, row in enumerate(rows[first + 1 :]):
        values = list(row[: len(header)]) + [None] * (len(header) - len(row))
        if all(is_missing(v) for v in values):
            continue
        records.append(values)
        line_numbers.append(first + 2 + offset)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame.index = pd.Index(line_numbers, name="line", dtype="int64")
    return _Read(frame, label)


def _uncached_formulas(data: bytes, sheet: str, rows: list[tuple]) -> list[tuple[int, int]]:
    """(row, column) positions (0-based) of formula cells whose saved result is missing.

    ``data_only=True`` reads the result a spreadsheet program saved with each formula; files
    written by scripts (openpyxl, some exporters) have none, so the cell would read as empty
    and a value would silently go missing. Only read when the workbook has formulas.
    """
    import zipfile

    with zipfile.ZipFile(_io.BytesIO(data)) as archive:
        has_formulas = any(
            b"<f" in archive.read(info)
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        )
    if not has_formulas:
        return []
    import openpyxl

    book = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=False)
    try:
        formula_rows = book[sheet].iter_rows(values_only=True)
        found = []
        for r, (cached, formula) in enumerate(zip(rows, formula_rows, strict=False)):
            for c, (value, text) in enumerate(zip(cached, formula, strict=False)):
                if value is None and isinstance(text, str) and text.startswith("="):
                    found.append((r, c))
        return found
    finally:
        book.close()


def _read_parquet(label: str, data: bytes) -> _Read:
    try:
        frame = pd.read_parquet(_io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise ValidationError(
            [Problem(label, None, None, f"not a readable Parquet file: {exc}")]
        ) from None
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_header(label, list(frame.columns))
    frame.index = pd.Index(np.arange(len(frame)) + 2, name="line", dtype="int64")
    return _Read(frame, label)


def _read(source: Source, name: str | None = None, sheet: str | None = None) -> _Read:
    label, data = _name_and_bytes(source, name)
    if len(data) > MAX_INPUT_BYTES:
        raise ValidationError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"the file is {len(data) / 2**20:,.1f} MB; the limit is "
                    f"{MAX_INPUT_BYTES / 2**20:,.0f} MB",
                )
            ]
        )
    if not data.strip():
        raise ValidationError([Problem(label, None, None, "the file is empty")])
    kind = _kind(label, data)
    if kind == "xls":
        raise ValidationError(
            [Problem(label, None, None, "old .xls workbooks are not supported: save as .xlsx")]
        )
    if kind == "xlsx":
        return _read_xlsx(label, data, sheet)
    if kind == "parquet":
        return _read_parquet(label, data)
    return _read_csv(label, data)


def read_table(
    source: Source, name: str | None = None, *, sheet: str | None = None
) -> pd.DataFrame:
    """Read a CSV, XLSX or Parquet table without interpreting its values.

    Parameters
    ----------
    source : path, bytes or file-like
        A path, raw bytes, or an object with ``read()``/``getvalue()`` (e.g. a Streamlit upload).
    name : str, optional
        File name used to choose the format (by suffix) and in problem messages; defaults to
        the path's or object's ``name``. Without a known suffix the format is sniffed.
    sheet : str, optional
        XLSX sheet (default: the first; the choice is logged when there are several).

    Returns
    -------
    DataFrame
        CSV cells as ``str`` (no conversion; empty cells are ``""``), XLSX cells as Excel
        stores them, Parquet columns typed. Blank rows are dropped; the index (``line``) is the
        1-based row as the user sees it (header = 1).

    Raises
    ------
    ValidationError
        Missing, empty, undecodable or damaged files, unnamed or repeated column names.
    """
    return _read(source, name, sheet).frame


# --------------------------------------------------------------------------------------------
# Framework


def load_framework(
    source: Source, name: str | None = None, *, sheet: str | None = None
) -> Framework:
    """Read a framework table (``DESIGN.md`` §2, CSV/XLSX/Parquet) and validate it.

    Raises
    ------
    ValidationError
        With every problem found (see :meth:`Framework.from_table`).
    """
    read = _read(source, name, sheet)
    frame = read.frame
    return Framework.from_table(
        frame.reset_index(drop=True), source=read.label, lines=list(frame.index)
    )


# --------------------------------------------------------------------------------------------
# Data

_DECIMAL_ZEROS = re.compile(r"^(\d+)\.0*$")


def normalise_adcode(value: object) -> tuple[str | None, str | None]:
    """A unit id as text: stripped, leading zeros kept, ``110000.0`` → ``"110000"``.

    Returns ``(id, None)``, ``(None, None)`` when missing, ``(None, reason)`` when unusable
    (a number with a fraction, or a float too large to be exact).
    """
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return None, f"expected a unit id, got {value!r}"
    if isinstance(value, (int, np.integer)):
        return str(int(value)), None
    if isinstance(value, (float, np.floating)):
        if math.isfinite(value) and float(value).is_integer() and abs(value) < 2**53:
            return str(int(value)), None
        return None, f"expected a unit id, got the number {value!r}"
    text = str(value).strip()
    match = _DECIMAL_ZEROS.match(text)
    if match:
        return match.group(1), None
    return text, None


def _parse_year(value: object) -> tuple[int | None, str | None]:
    number, reason = parse_number(value, thousands=False)
    if (
        reason is None
        and not math.isnan(number)
        and float(number).is_integer()
        and abs(number) < 10**_MAX_YEAR_DIGITS
    ):
        return int(number), None
    if reason is None and math.isnan(number):
        return None, "year is empty"
    return None, f"year must be a whole number, got {value!r}"


def _numeric_column(
    values: pd.Series, column: str, problems: ProblemCollector | None, thousands: bool
) -> pd.Series | None:
    """Parse a column to float64; report bad cells (or return None when ``problems`` is None
    and any cell is bad)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        if problems is None:
            return None
    elif pd.api.types.is_numeric_dtype(values.dtype):
        out = values.astype("float64")
        bad = np.abs(out.to_numpy()) > MAX_MAGNITUDE  # also infinities; NaN compares False
        if bad.any():
            if problems is None:
                return None
            for line, value in out[bad].items():
                problems.add(
                    f"expected a finite number of magnitude at most {MAX_MAGNITUDE:g}, "
                    f"got {value!r}",
                    int(line),
                    column,
                )
            out = out.where(~bad)
        return out
    parsed = np.empty(len(values), dtype="float64")
    for i, (line, cell) in enumerate(values.items()):
        number, reason = parse_number(cell, thousands=thousands)
        if reason is not None:
            if problems is None:
                return None
            problems.add(reason, int(line), column)
        parsed[i] = number
    return pd.Series(parsed, index=values.index, name=column)


def _data_from_frame(
    read: _Read,
    framework: Framework | None,
    *,
    id_column: str = "adcode",
    year_column: str = "year",
    ignore: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[Problem]]:
    frame = read.frame
    problems = ProblemCollector(read.label)
    thousands = read.delimiter != ";"  # with ';' files "1,5" style decimals are likely
    if len(frame) == 0:
        problems.add("the file has a header but no data rows")
    if id_column not in frame.columns:
        problems.add(f"required column {id_column!r} (unit id) is missing", column=id_column)
    indicators: list[str] = []
    if framework is not None:
        for code in framework.indicators:
            if code in frame.columns:
                indicators.append(code)
            else:
                problems.add(
                    f"framework indicator {code!r} is not a column of the data", column=code
                )
    problems.raise_if_errors()

    out: dict[str, pd.Series] = {}
    ids: list[str | None] = []
    for line, value in frame[id_column].items():
        unit, reason = normalise_adcode(value)
        if reason is not None:
            problems.add(reason, int(line), id_column)
        elif unit is None:
            problems.add("unit id is empty", int(line), id_column)
        ids.append(unit)
    out["adcode"] = pd.Series(ids, index=frame.index, dtype="str")

    if year_column in frame.columns:
        years: list[int] = []
        for line, value in frame[year_column].items():
            year, reason = _parse_year(value)
            if reason is not None:
                problems.add(reason, int(line), year_column)
            years.append(0 if year is None else year)
        out["year"] = pd.Series(years, index=frame.index, dtype="int64")
    else:
        out["year"] = pd.Series(0, index=frame.index, dtype="int64")

    key = pd.DataFrame({"adcode": out["adcode"], "year": out["year"]})
    valid = key["adcode"].notna()
    first_line: dict[tuple[str, int], int] = {}
    for line, unit, year in zip(
        key.index[valid], key["adcode"][valid], key["year"][valid], strict=True
    ):
        k = (unit, int(year))
        if k in first_line:
            what = f"unit {unit!r}" + (f" and year {year}" if year_column in frame.columns else "")
            problems.add(
                f"duplicate row for {what} (first on row {first_line[k]})", int(line), id_column
            )
        else:
            first_line[k] = int(line)

    used = {id_column, year_column, *ignore}
    if framework is None:
        # without a framework every all-numeric column is an indicator; text columns are kept
        for column in frame.columns:
            if column in used:
                continue
            parsed = _numeric_column(frame[column], column, None, thousands)
            if parsed is not None and parsed.notna().any():
                indicators.append(column)
                out[column] = parsed
    else:
        for code in indicators:
            out[code] = _numeric_column(frame[code], code, problems, thousands)
    extra = [c for c in frame.columns if c not in used and c not in out]
    for column in extra:
        parsed = _numeric_column(frame[column], column, None, thousands)
        out[column] = parsed if parsed is not None else frame[column]
    if framework is not None and extra:
        problems.note(
            "columns that are not framework indicators are carried along but not used: "
            + ", ".join(extra)
        )

    for code in indicators:
        values = out[code]
        present = values.dropna()
        if len(present) == 0:
            problems.warn(f"indicator {code!r} has no values (every cell is missing)", column=code)
        elif len(present) > 1 and present.nunique() == 1:
            problems.warn(
                f"indicator {code!r} has the same value ({present.iloc[0]:g}) for every unit, "
                "so it cannot distinguish them",
                column=code,
            )
    problems.raise_if_errors()

    data = pd.DataFrame(out)
    if "adcode" in extra or "year" in extra:  # pragma: no cover - guarded by `used`
        raise AssertionError
    data = data.sort_values(["adcode", "year"], kind="stable").reset_index(drop=True)
    return data, problems.warnings


def load_data(
    source: Source,
    framework: Framework | None = None,
    *,
    name: str | None = None,
    sheet: str | None = None,
    return_warnings: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, list[Problem]]:
    """Read a wide data table: ``adcode``, optional ``year``, one column per indicator.

    Parameters
    ----------
    source : path, bytes or file-like
        CSV (UTF-8, UTF-8-BOM, UTF-16, GBK/GB18030), XLSX or Parquet.
    framework : Framework, optional
        When given, every framework indicator must be a column; its cells must be numbers.
        Without it, every column whose cells all parse as numbers is numeric.
    name, sheet : str, optional
        See :func:`read_table`.
    return_warnings : bool
        Also return the non-blocking problems (warnings and notes).

    Returns
    -------
    DataFrame or (DataFrame, list of Problem)
        ``adcode`` (str, leading zeros kept), ``year`` (int64; 0 when the file has no ``year``
        column), the framework's indicators in framework order (float64), then the other
        columns; sorted by (``adcode``, ``year``) with a fresh RangeIndex.

    Raises
    ------
    ValidationError
        Every error: missing ``adcode`` column or framework indicator columns, empty or
        fractional ids, bad years, duplicate (``adcode``, ``year``) rows, cells that are not
        unambiguous finite numbers (with their row and column).
    """
    read = _read(source, name, sheet)
    data, warnings = _data_from_frame(read, framework)
    for warning in warnings:
        log.info("%s", warning)
    return (data, warnings) if return_warnings else data


# --------------------------------------------------------------------------------------------
# Units

UNIT_COLUMNS = ("adcode", "name_zh", "name_en", "province_zh", "province_en", "yrd27", "yrd41")


def load_units(
    source: Source, name: str | None = None, *, sheet: str | None = None
) -> pd.DataFrame:
    """Read ``units.csv``: ``adcode, name_zh, name_en, province_zh, province_en, yrd27, yrd41``.

    Only ``adcode`` is required. Missing names default to the adcode (``name_en`` to
    ``name_zh``), provinces to ``""``, ``yrd27``/``yrd41`` to 0. Any other column whose values
    are all 0/1 is a named group (int64). Duplicate or empty adcodes and group cells other
    than 0/1 are errors.
    """
    read = _read(source, name, sheet)
    frame, label = read.frame, read.label
    problems = ProblemCollector(label)
    if "adcode" not in frame.columns:
        problems.add("required column 'adcode' is missing", column="adcode")
        problems.raise_if_errors()
    ids, seen = [], {}
    for line, value in frame["adcode"].items():
        unit, reason = normalise_adcode(value)
        if reason is not None or unit is None:
            problems.add(reason or "adcode is empty", int(line), "adcode")
        elif unit in seen:
            problems.add(
                f"duplicate adcode {unit!r} (first on row {seen[unit]})", int(line), "adcode"
            )
        else:
            seen[unit] = int(line)
        ids.append(unit)
    units = pd.DataFrame({"adcode": pd.Series(ids, index=frame.index, dtype="str")})

    def text(column: str, default: pd.Series) -> pd.Series:
        if column not in frame.columns:
            return default
        values = frame[column].map(lambda v: "" if is_missing(v) else str(v).strip())
        return values.where(values != "", default).astype("str")

    units["name_zh"] = text("name_zh", units["adcode"])
    units["name_en"] = text("name_en", units["name_zh"])
    empty = pd.Series("", index=frame.index, dtype="str")
    units["province_zh"] = text("province_zh", empty)
    units["province_en"] = text("province_en", empty)
    for column in frame.columns:
        if column in units.columns:
            continue
        flags = _group_flags(frame[column])
        if flags is not None:
            units[column] = flags
        elif column in ("yrd27", "yrd41"):
            for line, value in frame[column].items():
                if _group_flags(pd.Series([value])) is None:
                    problems.add(
                        f"group membership must be 0 or 1, got {value!r}", int(line), column
                    )
        else:
            units[column] = frame[column]
    for column in ("yrd27", "yrd41"):
        if column not in units.columns and column not in frame.columns:
            units[column] = np.zeros(len(units), dtype="int64")
    problems.raise_if_errors()
    ordered = [*UNIT_COLUMNS, *[c for c in units.columns if c not in UNIT_COLUMNS]]
    return units[ordered].reset_index(drop=True)


def _group_flags(values: pd.Series) -> pd.Series | None:
    """0/1 column as int64 (missing → 0), or None when any value is something else."""
    out = []
    for value in values:
        if is_missing(value):
            out.append(0)
            continue
        number, reason = parse_number(value, thousands=False)
        if reason is not None or number not in (0.0, 1.0):
            return None
        out.append(int(number))
    return pd.Series(out, index=values.index, dtype="int64")


# --------------------------------------------------------------------------------------------
# COINr

#: COINr iMeta column → our framework column.
COINR_META_COLUMNS = {
    "iCode": "code",
    "Parent": "parent",
    "Level": "level",
    "Direction": "direction",
    "Weight": "weight",
    "Unit": "unit",
    "Source": "source",
}
#: iMeta ``Type`` values that are nodes of the tree; others (Group, Denominator, Other) are
#: ignored, as COINr does not aggregate them.
COINR_TREE_TYPES = ("Indicator", "Aggregate")


def load_coinr(
    idata: Source,
    imeta: Source,
    *,
    idata_name: str | None = None,
    imeta_name: str | None = None,
) -> tuple[pd.DataFrame, Framework]:
    """Read COINr-style ``iData`` and ``iMeta`` tables (as given to ``COINr::new_coin()``).

    iMeta: ``iCode, iName, Parent, Level, Direction, Weight, Type`` (plus optional ``Unit``,
    ``Source``). Rows of ``Type`` ``Indicator``/``Aggregate`` form the tree; other types
    (``Group``, ``Denominator``, ``Other``) are dropped. ``iName`` fills ``name_zh`` and
    ``name_en``. COINr's index row (highest ``Level``, ``Parent`` NA) becomes the root.

    iData: ``uCode`` → ``adcode``, ``Time`` → ``year`` (absent: a single period, ``year = 0``),
    ``uName`` and other columns are carried along but unused.

    Returns
    -------
    (DataFrame, Framework)
    """
    meta_read = _read(imeta, imeta_name)
    meta = meta_read.frame
    problems = ProblemCollector(meta_read.label)
    for column in ("iCode", "Parent", "Level", "Direction", "Weight"):
        if column not in meta.columns:
            problems.add(f"required iMeta column {column!r} is missing", column=column)
    problems.raise_if_errors()
    if "Type" in meta.columns:
        types = meta["Type"].map(lambda v: "" if is_missing(v) else str(v).strip())
        unknown = ~types.isin([*COINR_TREE_TYPES, "Group", "Denominator", "Other"])
        for line, value in types[unknown].items():
            problems.add(
                f"Type must be Indicator, Aggregate, Group, Denominator or Other, got {value!r}",
                int(line),
                "Type",
            )
        problems.raise_if_errors()
        meta = meta[types.isin(COINR_TREE_TYPES)]
    table = meta.rename(columns=COINR_META_COLUMNS)
    if "iName" in table.columns:
        table["name_zh"] = table["iName"]
        table["name_en"] = table["iName"]
        table = table.drop(columns="iName")
    framework = _coinr_framework(table, meta_read.label)

    data_read = _read(idata, idata_name)
    data, _ = _data_from_frame(data_read, framework, id_column="uCode", year_column="Time")
    return data, framework


def _coinr_framework(table: pd.DataFrame, label: str) -> Framework:
    try:
        return Framework.from_table(
            table.reset_index(drop=True), source=label, lines=list(table.index)
        )
    except ValidationError as err:
        reverse = {v: k for k, v in COINR_META_COLUMNS.items()}
        raise ValidationError(
            [
                Problem(p.source, p.row, reverse.get(p.column, p.column), p.message, p.severity)
                for p in err.problems
            ]
        ) from None


# --------------------------------------------------------------------------------------------
# Bundled files


def default_paths() -> dict[str, Path]:
    """Paths of the bundled tables (resolved from the package location, not the cwd).

    Keys ``data`` (``data/cities.csv``), ``units`` (``data/units.csv``), ``framework``
    (``data/framework.csv``) and ``geo`` (``data/geo/cities.geojson``).
    """
    root = Path(__file__).resolve().parent.parent / "data"
    return {
        "data": root / "cities.csv",
        "units": root / "units.csv",
        "framework": root / "framework.csv",
        "geo": root / "geo" / "cities.geojson",
    }
