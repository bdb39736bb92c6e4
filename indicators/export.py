"""Writing result tables: CSV, Excel (with framework and methodology sheets) and Parquet.

Decisions (also in ``docs/METHODS.md``, section "Loading and export"):

* **CSV** is UTF-8 *with* a byte-order mark and ``\\n`` line ends, so Excel opens Chinese
  names correctly and every other tool still reads it; missing values are empty cells; floats
  are written with Python's shortest round-trip representation.
* **Formula injection**: in CSV and XLSX, *text* cells (and column names) that start with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading ``'`` so a spreadsheet
  shows them as text instead of evaluating them (OWASP "CSV injection"). Numbers are never
  touched: ``-3.5`` stays the number −3.5.
* **Single period**: a ``year`` column that is 0 everywhere (the loader's marker for data without
  years) is dropped.
* **Determinism**: the same table gives byte-identical CSV, Parquet and XLSX. For XLSX the
  workbook's created/modified properties and every zip entry's timestamp are set to the date
  of computation (midnight UTC), which is also what the methodology sheet shows; pass
  ``computed=`` to pin it (by default it is today's date, so repeated exports on one day are
  identical).
"""

from __future__ import annotations

import datetime as _dt
import io as _io
import json
import math
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

__all__ = ["write_table", "methodology_table", "neutralise", "engine_version", "FORMATS"]

FORMATS = ("csv", "xlsx", "parquet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to a text value a spreadsheet would read as a formula; others unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def engine_version() -> str:
    """Version of this engine (installed metadata, else ``pyproject.toml``, else "unknown")."""
    from importlib import metadata

    try:
        return metadata.version("talent-vitality")
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        import tomllib

        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "unknown"


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True).copy()
    if (
        "year" in out.columns
        and len(out)
        and (pd.to_numeric(out["year"], errors="coerce") == 0).all()
    ):
        out = out.drop(columns="year")
    return out


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        values = out[column]
        if not pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            out[column] = values.map(neutralise)
    return out


def _computed(computed: _dt.date | _dt.datetime | str | None) -> _dt.date:
    if computed is None:
        return _dt.datetime.now(_dt.UTC).date()
    if isinstance(computed, str):
        return _dt.date.fromisoformat(computed[:10])
    if isinstance(computed, _dt.datetime):
        return computed.date()
    return computed


def _config_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=list)


def methodology_table(
    result: Any,
    data_source: str | None = None,
    *,
    computed: _dt.date | str | None = None,
) -> pd.DataFrame:
    """Everything needed to regenerate a result, as a two-column table (``item, value``).

    Rows: engine and version, date of computation, data source, index (root code), number of
    units, years, indicators, then one row per ``Config`` field (``config.<name>``; tuples as
    JSON), so the build can be repeated with ``Config.from_dict``.
    """
    rows: list[tuple[str, str]] = [
        ("engine", "indicators (talent vitality index engine)"),
        ("engine_version", engine_version()),
        ("computed", _computed(computed).isoformat()),
        ("data_source", data_source or ""),
    ]
    if result is not None:
        framework = result.framework
        scores = result.scores
        years = sorted({int(y) for y in scores["year"]}) if "year" in scores else []
        rows += [
            ("index", str(framework.root)),
            ("units", str(scores["adcode"].nunique()) if "adcode" in scores else ""),
            ("years", ", ".join(str(y) for y in years if y != 0)),
            ("indicators", str(len(framework.indicators))),
            ("levels", ", ".join(str(level) for level in framework.levels)),
        ]
        for key, value in result.config.to_dict().items():
            rows.append((f"config.{key}", _config_value(value)))
    return pd.DataFrame(rows, columns=["item", "value"], dtype="str")


def _framework_sheet(result: Any) -> pd.DataFrame:
    table = result.framework.table
    weights = result.weights
    if weights is not None and len(weights):
        extra = weights[["code", "weight", "effective"]].rename(
            columns={"weight": "weight_normalised", "effective": "effective_weight"}
        )
        table = table.merge(extra, on="code", how="left")
    return table


# --------------------------------------------------------------------------------------------
# writers


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    fast = _csv_bytes_arrow(frame)
    if fast is not None:
        return fast
    text = _neutralised(frame).to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8-sig")


def _csv_bytes_arrow(frame: pd.DataFrame) -> bytes | None:
    """The bytes :func:`_csv_bytes` writes through pandas, built column by column in Arrow, or
    None for a table it does not handle (a column that is not float64, int64, Int64 or str,
    fewer than two columns, no rows, column names that are not unique).

    pandas formats floats with numpy's shortest round-trip repr (Python's ``repr``) and quotes
    like the csv module (a cell with ``,``, ``"`` or ``\\n``). Arrow's float-to-text cast gives
    the same shortest digits but other layouts (``100`` for ``100.0``, ``1e+15``, ``1e-7``), so
    only floats both write without an exponent are taken from Arrow (with ``.0`` added to whole
    numbers); the rest are formatted by numpy as before.
    """
    import codecs

    import pyarrow as pa
    import pyarrow.compute as pc

    if len(frame) == 0 or frame.shape[1] < 2 or not frame.columns.is_unique:
        return None
    columns = []
    for name in frame.columns:
        values = frame[name]
        dtype = values.dtype
        if dtype == np.float64:
            columns.append(_floats_as_text(values.to_numpy()))
        elif dtype == np.int64 or isinstance(dtype, pd.Int64Dtype):
            columns.append(pc.cast(pa.array(values.array), pa.large_string()))
        elif isinstance(dtype, pd.StringDtype):
            try:
                text = pa.array(values.array, pa.large_string())
            except (pa.ArrowException, TypeError):
                return None
            columns.append(_quoted(_neutralised_text(text)))
        else:
            return None
    header = ",".join(_quote_one(neutralise(str(name))) for name in frame.columns)
    # missing cells are nulls, written as empty cells
    empty = {"null_handling": "replace", "null_replacement": ""}
    last = pc.binary_join_element_wise(columns[-1], _large("\n"), _large(""), **empty)
    rows = pc.binary_join_element_wise(*columns[:-1], last, _large(","), **empty)
    # each row ends with "\n", so the rows' data buffer is the body of the file
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    body = memoryview(rows.buffers()[2])[offsets[rows.offset] : offsets[rows.offset + len(rows)]]
    return b"".join([codecs.BOM_UTF8, (header + "\n").encode("utf-8"), body])


def _floats_as_text(values: np.ndarray) -> Any:
    """Floats as pandas writes them (numpy's repr), NaN as null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = np.isnan(values)
    text = pc.cast(pa.array(values, mask=missing), pa.large_string())
    magnitude = np.abs(values)
    # Python (and numpy) write 0 and |x| in [1e-4, 1e16) without an exponent, Arrow 0 and
    # |x| in [1e-6, 1e10) (double-conversion's ToShortest with its limits -6 and 10); the
    # shortest digits themselves are the same
    from_arrow = ((magnitude >= 1e-4) & (magnitude < 1e10)) | (values == 0)
    whole = from_arrow & (values == np.trunc(values))
    if whole.any():
        suffixed = pc.binary_join_element_wise(
            text.filter(pa.array(whole)), _large(".0"), _large("")
        )
        text = pc.replace_with_mask(text, pa.array(whole), suffixed)
    rest = ~from_arrow & ~missing
    if rest.any():
        text = pc.replace_with_mask(
            text, pa.array(rest), pa.array(values[rest].astype(str), pa.large_string())
        )
    return text


def _large(text: str) -> Any:
    import pyarrow as pa

    return pa.scalar(text, pa.large_string())


def _neutralised_text(text: Any) -> Any:
    import pyarrow.compute as pc

    starts = pc.match_substring_regex(text, "^[=+\\-@\t\r]")
    return pc.if_else(starts, pc.binary_join_element_wise(_large("'"), text, _large("")), text)


def _quoted(text: Any) -> Any:
    import pyarrow.compute as pc

    needs = pc.match_substring_regex(text, '[,"\n]')
    doubled = pc.replace_substring(text, '"', '""')
    quote, empty = _large('"'), _large("")
    return pc.if_else(needs, pc.binary_join_element_wise(quote, doubled, quote, empty), text)


def _quote_one(text: str) -> str:
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _parquet_bytes(frame: pd.DataFrame, result: Any, data_source: str | None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if result is not None:
        meta = dict(table.schema.metadata or {})
        meta[b"indicators.config"] = json.dumps(
            result.config.to_dict(), ensure_ascii=False, sort_keys=True, default=list
        ).encode("utf-8")
        if data_source:
            meta[b"indicators.data_source"] = data_source.encode("utf-8")
        table = table.replace_schema_metadata(meta)
    buffer = _io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return neutralise(value)


def _xlsx_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], day: _dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for title, frame in sheets:
        sheet = book.create_sheet(title)
        sheet.append([neutralise(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    stamp = _dt.datetime.combine(day, _dt.time())
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "indicators"
    raw = _io.BytesIO()
    book.save(raw)
    return _pin_zip(raw.getvalue(), stamp)


def _pin_zip(data: bytes, stamp: _dt.datetime) -> bytes:
    """Rewrite a zip with fixed entry timestamps and a fixed core.xml modified date."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = _io.BytesIO()
    with (
        zipfile.ZipFile(_io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rf"\g<1>{iso}\g<2>",
                    text,
                )
                text = re.sub(
                    r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", rf"\g<1>{iso}\g<2>", text
                )
                content = text.encode("utf-8")
            pinned = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            target.writestr(pinned, content)
    return out.getvalue()


def write_table(
    frame: pd.DataFrame,
    target: str | Path | IO[bytes] | None,
    fmt: str | None = None,
    *,
    result: Any = None,
    data_source: str | None = None,
    computed: _dt.date | str | None = None,
    extra_sheets: Sequence[tuple[str, pd.DataFrame]] = (),
    methodology_rows: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Write a table as CSV, XLSX or Parquet.

    Parameters
    ----------
    frame : DataFrame
        The table (e.g. ``Result.scores``); a ``year`` column that is 0 everywhere is dropped.
    target : path, binary file-like or None
        Where to write; with ``None`` only the bytes are returned (for downloads).
    fmt : {"csv", "xlsx", "parquet"}, optional
        Format; by default taken from the target's suffix.
    result : Result, optional
        XLSX: adds the sheets ``framework`` (the framework table with ``weight_normalised`` and
        ``effective_weight``) and ``methodology`` (:func:`methodology_table`). Parquet: the
        config is stored as JSON in the file's key-value metadata (``indicators.config``).
    data_source : str, optional
        Shown in the methodology sheet (XLSX) and stored in Parquet metadata (default: the
        result's ``build.source``).
    computed : date or ISO string, optional
        Date of computation for the methodology sheet and the XLSX properties (default today).
    extra_sheets : sequence of (title, DataFrame)
        XLSX: more sheets after ``results`` (e.g. a column guide and the weights), before the
        framework and methodology sheets. Ignored by CSV and Parquet.
    methodology_rows : sequence of (item, value)
        XLSX: more rows at the end of the methodology sheet (e.g. the peer group as named).

    Returns
    -------
    bytes
        The bytes written.
    """
    if fmt is None:
        if target is None or not isinstance(target, str | Path):
            raise ValueError("fmt is required when writing to a buffer")
        fmt = Path(target).suffix.lstrip(".").lower()
    fmt = fmt.lower().lstrip(".")
    if data_source is None and result is not None:
        data_source = result.build.source
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    table = _prepare(frame)
    if fmt == "csv":
        payload = _csv_bytes(table)
    elif fmt == "parquet":
        payload = _parquet_bytes(table, result, data_source)
    else:
        day = _computed(computed)
        sheets: list[tuple[str, pd.DataFrame]] = [("results", table)]
        sheets += [(title, _prepare(extra)) for title, extra in extra_sheets]
        if result is not None:
            sheets.append(("framework", _framework_sheet(result)))
        if result is not None or data_source:
            method = methodology_table(result, data_source, computed=day)
            if methodology_rows:
                more = pd.DataFrame(list(methodology_rows), columns=["item", "value"], dtype="str")
                method = pd.concat([method, more], ignore_index=True)
            sheets.append(("methodology", method))
        payload = _xlsx_bytes(sheets, day)
    if target is None:
        return payload
    if isinstance(target, str | Path):
        Path(target).write_bytes(payload)
    else:
        target.write(payload)
    return payload
