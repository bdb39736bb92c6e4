"""Bytes in, raw table out: where the bytes come from, size limits, format and encoding sniffing,
and the CSV, XLSX and Parquet readers.

Nothing here interprets a value: CSV cells stay text, XLSX cells are what Excel stored,
Parquet columns keep their types (the cell parsers are in :mod:`indicators.cells`, the file
contracts in :mod:`indicators.tables`). Every refusal is a
:class:`~indicators.validate.ValidationError` naming the file, the row as a spreadsheet shows
it (header = row 1, first data row = row 2) and the column. Decisions (also in
``docs/METHODS.md``, section "Loading and export"):

* CSV encodings: UTF-8, UTF-8 with BOM, UTF-16, and GB18030 (a superset of GBK and GB2312)
  when the text reads as Chinese; anything else is refused, never guessed (see
  :func:`sniff_encoding`). Delimiter: the one of ``,`` ``;`` tab that occurs most often in the
  header line.
  Lines starting with ``#`` before the header are comments. Column names are compared as
  :func:`~indicators.cells.normalise_identifier` writes them.
* XLSX: the first sheet unless ``sheet=`` is given (a hidden first sheet is refused); when the
  workbook has several sheets the sheet used is logged and named in every problem
  (``data.xlsx (sheet 'cities')``). What the sheet shows but its values do not say (formulas
  without a saved result, percentages, hidden rows and columns, merged cells, values beyond
  the named columns) is reported in :attr:`RawTable.problems`.
* Size: files over :data:`MAX_INPUT_BYTES` (100 MB; the dashboard's own upload limit is 20 MB),
  XLSX workbooks and Parquet files whose contents expand to more than
  :data:`MAX_XLSX_EXPANDED_BYTES` (500 MB, a "zip bomb"), and tables over :data:`MAX_ROWS`,
  :data:`MAX_COLUMNS` or :data:`MAX_CELLS` are refused before they are parsed (from a path's
  size, a sheet's declared size, Parquet metadata, the line count) and again while reading.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import logging
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from indicators.cells import control_character, is_missing, normalise_identifier
from indicators.validate import Problem, ProblemCollector, ValidationError

__all__ = [
    "Source",
    "RawTable",
    "read",
    "read_table",
    "sniff_encoding",
    "MAX_INPUT_BYTES",
    "MAX_XLSX_EXPANDED_BYTES",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_CELLS",
]

log = logging.getLogger(__name__)

Source = str | Path | bytes | bytearray | IO[bytes] | IO[str] | Any

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_PARQUET_SUFFIXES = {".parquet", ".pq"}
_DELIMITERS = (",", ";", "\t")
#: Every character ``str.strip()`` removes: the ``str.isspace`` characters (a test checks).
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Limits, checked before the work they bound (from a path's size, a sheet's declared dimension,
# Parquet metadata, the number of lines) and again while reading, so that a small file cannot
# make the reader run for minutes or fill the memory. Loading takes roughly 60-90 bytes of
# memory per cell, so MAX_CELLS keeps a load around 1 GB; panels of 100,000 units x 100
# indicators or 10,000 units x 1,000 indicators fit.

#: Inputs larger than this are refused before parsing (the dashboard accepts 20 MB uploads).
MAX_INPUT_BYTES = 100 * 2**20
#: XLSX workbooks whose zipped parts expand to more than this are refused (zip bombs), and
#: Parquet files whose uncompressed data is larger.
MAX_XLSX_EXPANDED_BYTES = 500 * 2**20
#: Rows of a table as the user sees it: CSV lines or sheet rows, header and blank ones included.
MAX_ROWS = 1_000_000
#: Columns of a table: Excel's own limit (column XFD).
MAX_COLUMNS = 16_384
#: Rows x columns of a table.
MAX_CELLS = 10_000_000


class RawTable:
    """A table as read: ``frame`` (index = the 1-based row as the user sees it), ``label`` (the
    file name used in problem messages), the CSV ``delimiter`` (None for other formats) and
    ``problems``: errors about cells that were read nonetheless (an XLSX cell shown as a
    percentage, a hidden row, ...), for the loader to report with its own."""

    def __init__(
        self,
        frame: pd.DataFrame,
        label: str,
        delimiter: str | None = None,
        problems: Sequence[Problem] = (),
    ):
        self.frame = frame  # index = 1-based row as the user sees it
        self.label = label
        self.delimiter = delimiter
        self.problems = list(problems)

    def raise_problems(self) -> None:
        """Raise the problems found while reading, if any."""
        if self.problems:
            raise ValidationError(self.problems)


def _refuse(label: str, message: str, row: int | None = None) -> ValidationError:
    return ValidationError([Problem(label, row, None, message)])


def _too_large(label: str, size: int | None) -> ValidationError:
    limit = f"{MAX_INPUT_BYTES / 2**20:,.0f} MB"
    if size is None:
        return _refuse(label, f"the file is more than {limit}; the limit is {limit}")
    return _refuse(label, f"the file is {size / 2**20:,.1f} MB; the limit is {limit}")


def _name_and_bytes(source: Source, name: str | None) -> tuple[str, bytes]:
    """The label for messages and at most ``MAX_INPUT_BYTES`` bytes (more is refused)."""
    if isinstance(source, str | Path):
        path = Path(source)
        where = str(path)
        try:
            # the size and kind of file are checked before opening: a FIFO blocks on open,
            # /dev/zero never ends, and a 3 GB file should not be read to be refused
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                raise _refuse(where, "is a directory")
            if not stat.S_ISREG(info.st_mode):
                raise _refuse(
                    where, "not a regular file (a device, pipe or socket): give the path of a file"
                )
            if info.st_size > MAX_INPUT_BYTES:
                raise _too_large(name or path.name, info.st_size)
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise _refuse(where, "file not found") from None
        except IsADirectoryError:
            raise _refuse(where, "is a directory") from None
        except OSError as exc:
            raise _refuse(where, f"cannot read: {exc.strerror}") from None
        if len(data) > MAX_INPUT_BYTES:  # the file grew after stat()
            raise _too_large(name or path.name, None)
        return name or path.name, data
    if isinstance(source, bytes | bytearray | memoryview):
        return name or "upload", bytes(source)
    label = name or Path(str(getattr(source, "name", "upload"))).name
    if hasattr(source, "getvalue"):
        data = source.getvalue()  # already in memory
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            try:
                source.seek(0)
            except (OSError, ValueError):
                pass
        data = source.read(MAX_INPUT_BYTES + 1)  # a stream may not end
        if len(data) > MAX_INPUT_BYTES:
            raise _too_large(label, None)
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
    """Encoding of CSV bytes, when it can be established with confidence.

    In order: a byte-order mark (UTF-8, UTF-16); UTF-16 without a BOM, recognised from its NUL
    bytes, when it decodes to text without control characters; UTF-8 (text in other encodings
    with letters beyond ASCII is practically never valid UTF-8); GB18030, a superset of GBK and
    GB2312 (what Chinese Excel saves as "ANSI"), only when the decoded text reads as Chinese.
    GB18030 decodes almost any byte string, so Latin-1, Windows-1252, Big5, Shift-JIS or
    EUC-KR files would come out as plausible-looking nonsense; charset-normalizer's
    detection (:func:`charset_normalizer.from_bytes`, which scores each candidate encoding by
    how "messy" its decoded text is) decides: GB18030/GBK/GB2312 must be among its least messy
    candidates. Short texts that several encodings decode equally cleanly are accepted.

    Raises
    ------
    ValueError
        With the reason, when the encoding cannot be established ("cannot tell the encoding").
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = "\x00"
        if _NOT_TEXT.search(text):
            raise ValueError(
                "it has NUL bytes like UTF-16 text but does not decode to text"
            ) from None
        return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"cannot decode it as UTF-8, UTF-16 or GBK/GB18030 (byte {exc.start})"
        ) from None
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    least = min((m.chaos for m in matches), default=None)
    chinese = [m for m in matches if m.encoding in ("gb18030", "gbk", "gb2312")]
    if chinese and min(m.chaos for m in chinese) <= least:
        return "gb18030"
    guess = f" (it may be {matches[0].encoding})" if matches else ""
    raise ValueError(f"it is not UTF-8, and as GBK/GB18030 it does not read as Chinese text{guess}")


# C0 controls other than tab and line breaks: never in a text file
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _read_csv(label: str, data: bytes) -> RawTable:
    try:
        encoding = sniff_encoding(data)
        text = data.decode(encoding)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _refuse(
            label, f"cannot tell the encoding of the file: {exc}; save it as UTF-8"
        ) from None
    text = text.lstrip("\ufeff")
    # the csv module ends lines at \r and \n only (str.splitlines also splits at \v, \f, ...)
    if "\r" in text:
        text_lf = text.replace("\r\n", "\n").replace("\r", "\n")
    else:
        text_lf = text
    n_lines = text_lf.count("\n") + (not text_lf.endswith("\n"))
    if n_lines > MAX_ROWS:
        raise _refuse(label, f"the file has {n_lines:,} lines; the limit is {MAX_ROWS:,} rows")
    lines = text_lf.split("\n")
    header = next((line for line in lines if line.strip() and not _comment(line)), None)
    if header is None:
        raise ValidationError([Problem(label, None, None, "the file is empty")])
    delimiter = max(_DELIMITERS, key=header.count)
    fast = _csv_without_quotes(label, text, lines, delimiter)
    if fast is not None:
        frame = fast
    else:
        frame = _csv_with_csv_module(label, text, delimiter)
    log.debug("read %s as CSV (encoding %s, delimiter %r)", label, encoding, delimiter)
    return RawTable(frame, label, delimiter)


def _csv_with_csv_module(label: str, text: str, delimiter: str) -> pd.DataFrame:
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise _refuse(
                    label,
                    f"{'the header' if cells == 0 else 'the row'} has {len(row):,} columns; "
                    f"the limit is {MAX_COLUMNS:,} columns",
                    len(rows) + 1,
                )
            cells += len(row)
            if cells > MAX_CELLS:
                raise _refuse(
                    label,
                    f"the table has more than {MAX_CELLS:,} cells; the limit is "
                    f"{MAX_CELLS:,} cells",
                )
            rows.append(row)
    except csv.Error as exc:  # e.g. a cell longer than csv.field_size_limit() (128 kB)
        raise _refuse(label, f"cannot read the CSV: {exc}", reader.line_num or None) from None
    header_line = 1 + next(
        (i for i, r in enumerate(rows) if any(c.strip() for c in r) and not _comment(r[0])), -1
    )
    if header_line == 0:
        raise ValidationError([Problem(label, None, None, "the file is empty")])
    names = [normalise_identifier(c) for c in rows[header_line - 1]]
    _check_header(label, names, header_line)
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
    _check_cells(label, len(records), len(names))
    frame = pd.DataFrame(records, columns=names, dtype="str")
    frame.index = pd.Index(line_numbers, name="line", dtype="int64")
    return frame


def _check_cells(label: str, rows: int, columns: int) -> None:
    if rows * columns > MAX_CELLS:
        raise _refuse(
            label,
            f"the table has {rows:,} rows × {columns:,} columns = {rows * columns:,} cells; the "
            f"limit is {MAX_CELLS:,} cells",
        )


def _csv_without_quotes(
    label: str, text: str, lines: list[str], delimiter: str
) -> pd.DataFrame | None:
    """The table :func:`_csv_with_csv_module` reads, parsed by Arrow, or None when the text is
    not one the two parsers are known to read alike.

    Without quote characters, NUL bytes or overlong lines, the csv module's records are the
    physical lines split at the delimiter, so Arrow can split them (in C++) and the physical
    line numbers are the row numbers. Anything else (quoted cells, ragged rows, the errors the
    csv module reports) is left to the csv module, which also words the messages.
    """
    if '"' in text or "\x00" in text:
        return None
    limit = csv.field_size_limit()
    blank_chars = _WHITESPACE + delimiter
    blank = [not line.strip(blank_chars) for line in lines]
    header_index = next((i for i, b in enumerate(blank) if not b and not _comment(lines[i])), None)
    if header_index is None:
        return None
    kept = [i for i in range(header_index + 1, len(lines)) if not blank[i]]
    if max((len(lines[i]) for i in (header_index, *kept)), default=0) > limit:
        return None
    width = lines[header_index].count(delimiter) + 1
    if width > MAX_COLUMNS:
        raise _refuse(
            label,
            f"the header has {width:,} columns; the limit is {MAX_COLUMNS:,} columns",
            header_index + 1,
        )
    _check_cells(label, len(kept), width)
    names = [normalise_identifier(c) for c in lines[header_index].split(delimiter)]
    _check_header(label, names, header_index + 1)
    index = pd.Index([i + 1 for i in kept], name="line", dtype="int64")
    if not kept:
        return pd.DataFrame({name: pd.Series([], dtype="str") for name in names}, index=index)
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    fields = [f"f{i}" for i in range(len(names))]
    try:
        table = pa_csv.read_csv(
            _io.BytesIO("\n".join(lines[i] for i in kept).encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=fields),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, quote_char=False, escape_char=False, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(fields, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:  # a row with more or fewer cells than the header
        return None
    columns = {
        name: pd.Series(pd.array(table.column(i), dtype="str"), index=index)
        for i, name in enumerate(names)
    }
    return pd.DataFrame(columns, index=index)


def _comment(line: str) -> bool:
    """A line before the header starting with ``#`` is a comment (exporters write them)."""
    return line.lstrip().startswith("#")


def _check_header(label: str, names: Sequence[str], row: int = 1) -> None:
    """Every column named, once, without control characters; ``row`` is the header's row."""
    problems = ProblemCollector(label)
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        bad = control_character(name)
        if not name:
            problems.add(f"column {position} of the header has no name", row)
        elif bad is not None:
            problems.add(f"column name {name!r} {bad}", row)
        elif name in seen:
            problems.add(f"column name {name!r} appears more than once in the header", row, name)
        seen.add(name)
    problems.raise_if_errors()


def _read_xlsx(label: str, data: bytes, sheet: str | None) -> RawTable:
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
            if book[sheet].sheet_state != "visible":
                # the user sees another sheet when opening the file: never read this one silently
                visible = [repr(n) for n in names if book[n].sheet_state == "visible"]
                raise _refuse(
                    label,
                    f"the first sheet {sheet!r} is hidden in Excel: unhide it, or choose a "
                    f"sheet (visible: {', '.join(visible) or 'none'})",
                )
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
        _check_dimension(label, worksheet)
        rows, percent = _values(_sheet_rows(label, worksheet, values_only=False))
        hidden_rows, hidden_columns, merged = _sheet_layout(data, worksheet._worksheet_path)
    finally:
        book.close()
    uncached = _uncached_formulas(data, sheet, rows)
    first = next((i for i, r in enumerate(rows) if any(not is_missing(v) for v in r)), None)
    if first is None:
        raise ValidationError([Problem(label, None, None, "the sheet is empty")])
    header = [("" if is_missing(v) else normalise_identifier(str(v))) for v in rows[first]]
    while header and not header[-1]:
        header.pop()
    _check_header(label, header, first + 1)
    problems = ProblemCollector(label)
    for r, c in uncached:
        problems.add(
            "the cell holds a formula without a saved result (the workbook was not saved "
            "by a spreadsheet program): open and save it in Excel, or paste values",
            r + 1,
            header[c] if r > first and c < len(header) else None,
        )
    _check_layout(problems, rows, first, header, percent, hidden_rows, hidden_columns, merged)
    records, line_numbers = [], []
    for offset, row in enumerate(rows[first + 1 :]):
        values = list(row[: len(header)]) + [None] * (len(header) - len(row))
        if all(is_missing(v) for v in values):
            continue
        records.append(values)
        line_numbers.append(first + 2 + offset)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame.index = pd.Index(line_numbers, name="line", dtype="int64")
    try:
        problems.raise_if_errors()
    except ValidationError as err:
        return RawTable(frame, label, problems=err.problems)
    return RawTable(frame, label)


def _values(cell_rows: list[tuple]) -> tuple[list[tuple], list[tuple[int, int, float]]]:
    """The cells' values, and the (row, column, value) of numbers shown as percentages."""
    rows, percent = [], []
    for r, row in enumerate(cell_rows):
        values = tuple(cell.value for cell in row)
        for c, value in enumerate(values):
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and "%" in (row[c].number_format or "")
            ):
                percent.append((r, c, value))
        rows.append(values)
    return rows, percent


_LAYOUT_TAG = re.compile(rb"<(?:\w+:)?(row|col|mergeCell)\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


def _sheet_layout(data: bytes, part_name: str) -> tuple[set[int], set[int], list[tuple]]:
    """Hidden rows and columns (1-based) and merged ranges ``(min_col, min_row, max_col,
    max_row, ref)`` of a sheet, read from its XML in 1 MB pieces (openpyxl's read-only mode
    does not keep them)."""
    import zipfile

    from openpyxl.utils import range_boundaries

    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()
    merged: list[tuple] = []
    row = 0
    with zipfile.ZipFile(_io.BytesIO(data)) as archive, archive.open(part_name) as part:
        tail = b""
        while True:
            chunk = part.read(2**20)
            text = tail + chunk
            cut = text.rfind(b"<") if chunk else len(text)
            text, tail = text[: max(cut, 0)], text[max(cut, 0) :]
            for tag in _LAYOUT_TAG.finditer(text):
                kind, attributes = tag.group(1), dict(_ATTRIBUTE.findall(tag.group(2)))
                hidden = attributes.get(b"hidden") in (b"1", b"true")
                if kind == b"row":
                    row = int(attributes.get(b"r", row + 1))
                    if hidden:
                        hidden_rows.add(row)
                elif kind == b"col" and hidden:
                    low = int(attributes.get(b"min", 1))
                    high = min(int(attributes.get(b"max", low)), MAX_COLUMNS)
                    hidden_columns.update(range(low, high + 1))
                elif kind == b"mergeCell" and b"ref" in attributes:
                    ref = attributes[b"ref"].decode("ascii", "replace")
                    try:
                        merged.append((*range_boundaries(ref), ref))
                    except (ValueError, TypeError):
                        continue
            if not chunk:
                break
    return hidden_rows, hidden_columns, merged


def _check_layout(
    problems: ProblemCollector,
    rows: list[tuple],
    first: int,
    header: list[str],
    percent: list[tuple[int, int, float]],
    hidden_rows: set[int],
    hidden_columns: set[int],
    merged: list[tuple],
) -> None:
    """What the sheet shows that its values do not say: a number shown as a percentage,
    values beyond the named columns, hidden rows and columns holding values, merged cells in
    the table. Each is a problem: reading them as stored would change what the user sees."""
    from openpyxl.utils import get_column_letter

    width = len(header)
    for r, c, value in percent:
        if r > first and c < width:
            shown = f"{value * 100:.10g}"
            problems.add(
                f"the cell is formatted as a percentage: it shows {shown}% but holds {value!r}; "
                f"format the column as numbers and write the value you mean ({shown} or "
                f"{value!r})",
                r + 1,
                header[c],
            )
    for r in range(first + 1, len(rows)):
        beyond = [c for c in range(width, len(rows[r])) if not is_missing(rows[r][c])]
        if beyond:
            problems.add(
                f"a value in column {get_column_letter(beyond[0] + 1)}, beyond the last named "
                f"column ({get_column_letter(width)}): name the column or delete the value",
                r + 1,
            )
    for c in sorted(hidden_columns):
        if c <= width and any(
            len(row) >= c and not is_missing(row[c - 1]) for row in rows[first + 1 :]
        ):
            problems.add(
                "the column is hidden in Excel: unhide or delete it (what is read must be what "
                "you see)",
                column=header[c - 1] or None,
            )
    for r in sorted(hidden_rows):
        if first < r <= len(rows) and any(not is_missing(v) for v in rows[r - 1]):
            problems.add(
                "the row is hidden in Excel (hidden or filtered out): unhide or delete it "
                "(what is read must be what you see)",
                r,
            )
    for min_col, min_row, _max_col, max_row, ref in merged:
        if max_row > first + 1 and min_col <= width:
            problems.add(
                f"cells {ref} are merged: only {ref.split(':')[0]} holds the value, the others "
                "read as empty; unmerge them and fill each cell",
                min_row,
                header[min_col - 1] or None,
            )


def _check_dimension(label: str, worksheet: Any) -> None:
    """Refuse a sheet whose declared size (its ``<dimension>``) is over the limits.

    openpyxl fills every row up to the declared width and every missing row up to the declared
    height, so one far-away cell (``XFD1048576``) in a 5 kB file would make 17 billion cells.
    The declared size is then forgotten: rows are read as they are stored, with the limits
    checked while reading (a sheet may declare a wrong size, or none).
    """
    rows, columns = worksheet.max_row, worksheet.max_column
    if rows is not None and columns is not None:
        if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
            raise _refuse(
                label,
                f"the sheet is {rows:,} rows × {columns:,} columns "
                f"({worksheet.calculate_dimension()}); the limits are {MAX_ROWS:,} rows, "
                f"{MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells: delete the unused rows and "
                "columns, or copy the table to a new sheet",
            )
    worksheet.reset_dimensions()


def _sheet_rows(label: str, worksheet: Any, *, values_only: bool = True) -> list[tuple]:
    """The sheet's rows from row 1 (missing rows as ``()``), each as long as its last stored
    cell, read until a limit is passed."""
    rows: list[tuple] = []
    cells = 0
    for row in worksheet.iter_rows(values_only=values_only):
        if len(rows) >= MAX_ROWS:
            raise _refuse(
                label, f"the sheet has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}"
            )
        if len(row) > MAX_COLUMNS:
            raise _refuse(
                label,
                f"the row has {len(row):,} columns; the limit is {MAX_COLUMNS:,}",
                len(rows) + 1,
            )
        cells += len(row)
        if cells > MAX_CELLS:
            raise _refuse(
                label, f"the sheet has more than {MAX_CELLS:,} cells; the limit is {MAX_CELLS:,}"
            )
        rows.append(row)
    return rows


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(archive: Any) -> bool:
    """Whether any worksheet holds a formula (``<f>`` element), read in 1 MB pieces."""
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        with archive.open(info) as part:
            tail = b""
            while chunk := part.read(2**20):
                if _FORMULA.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    return False


def _uncached_formulas(data: bytes, sheet: str, rows: list[tuple]) -> list[tuple[int, int]]:
    """(row, column) positions (0-based) of formula cells whose saved result is missing.

    ``data_only=True`` reads the result a spreadsheet program saved with each formula; files
    written by scripts (openpyxl, some exporters) have none, so the cell would read as empty
    and a value would silently go missing. Only read when the workbook has formulas.
    """
    import zipfile

    with zipfile.ZipFile(_io.BytesIO(data)) as archive:
        if not _has_formulas(archive):
            return []
    import openpyxl

    book = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=False)
    try:
        worksheet = book[sheet]
        worksheet.reset_dimensions()  # rows as stored; `rows` bounds how many are compared
        formula_rows = worksheet.iter_rows(values_only=True)
        found = []
        for r, (cached, formula) in enumerate(zip(rows, formula_rows, strict=False)):
            for c, (value, text) in enumerate(zip(cached, formula, strict=False)):
                if value is None and isinstance(text, str) and text.startswith("="):
                    found.append((r, c))
        return found
    finally:
        book.close()


def _read_parquet(label: str, data: bytes) -> RawTable:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(_io.BytesIO(data)).metadata
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise ValidationError(
            [Problem(label, None, None, f"not a readable Parquet file: {exc}")]
        ) from None
    # sizes from the metadata, before the data (a few hundred kB can hold 20 M rows)
    rows, columns = meta.num_rows, meta.num_columns
    if rows > MAX_ROWS:
        raise _refuse(label, f"the table has {rows:,} rows; the limit is {MAX_ROWS:,} rows")
    if columns > MAX_COLUMNS:
        raise _refuse(
            label, f"the table has {columns:,} columns; the limit is {MAX_COLUMNS:,} columns"
        )
    _check_cells(label, rows, columns)
    expanded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise _refuse(
            label,
            f"the table expands to {expanded / 2**20:,.0f} MB; the limit is "
            f"{MAX_XLSX_EXPANDED_BYTES / 2**20:,.0f} MB",
        )
    try:
        frame = pd.read_parquet(_io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise ValidationError(
            [Problem(label, None, None, f"not a readable Parquet file: {exc}")]
        ) from None
    # a named index (pandas writes one, e.g. adcode) is a column of the table, not dropped
    named = any(name is not None for name in frame.index.names)
    frame = frame.reset_index(drop=not named)
    frame.columns = [normalise_identifier(str(c)) for c in frame.columns]
    _check_header(label, list(frame.columns))
    frame.index = pd.Index(np.arange(len(frame)) + 2, name="line", dtype="int64")
    return RawTable(frame, label)


def read(source: Source, name: str | None = None, sheet: str | None = None) -> RawTable:
    """:func:`read_table` with the label and delimiter the loaders need for their messages."""
    label, data = _name_and_bytes(source, name)
    if len(data) > MAX_INPUT_BYTES:
        raise _too_large(label, len(data))
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
    raw = read(source, name, sheet)
    raw.raise_problems()
    return raw.frame
