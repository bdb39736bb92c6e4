"""The file contracts: framework, data and units tables, and the bundled files.

Every loader reads a table with :func:`indicators.read.read`, collects all problems it finds
and raises one :class:`~indicators.validate.ValidationError` (pandera-style lazy validation);
each problem names the file, the row as a spreadsheet shows it (header = row 1, first data row
= row 2) and the column. Decisions (also in ``docs/METHODS.md``, section "Loading and
export"):

* Numbers are parsed by :func:`~indicators.cells.parse_number`: thousands separators
  ``1,234`` and full-width digits are accepted; ``12%``, decimal commas, infinities and any other
  text are reported (a value is never silently changed); ``NA``, ``n/a``, ``null``, empty cells
  are missing. Numbers larger than 1e100 in magnitude are refused (they would overflow in the
  pipeline); years must have at most 9 digits.
* ``load_data`` raises only for errors. Warnings (an indicator that is all missing or constant)
  and notes (columns that are not framework codes, carried along unused) are returned with
  ``return_warnings=True`` as a list of :class:`~indicators.validate.Problem`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.cells import (
    EXACT_INTEGERS,
    MAX_MAGNITUDE,
    control_characters,
    fast_numbers,
    group_flags,
    is_missing,
    normalise_adcode,
    normalise_adcodes,
    parse_number,
    parse_numbers,
    parse_years,
)
from indicators.framework import Framework
from indicators.read import RawTable, Source, read
from indicators.validate import Problem, ProblemCollector

__all__ = [
    "load_framework",
    "load_data",
    "load_units",
    "default_paths",
    "BUNDLED_SOURCE",
    "BUNDLED_COUNTY_SOURCE",
    "LEVELS",
    "UNIT_COLUMNS",
]

log = logging.getLogger(__name__)

#: The source name of the bundled tables (part of a build's identity: the dashboard and the
#: command line use the same one, so their builds of the same choices are the same build).
BUNDLED_SOURCE = "bundled census data (data/cities.csv)"
#: The same for the bundled county table (``default_paths(level="county")``).
BUNDLED_COUNTY_SOURCE = "bundled census data (data/counties.csv)"

UNIT_COLUMNS = ("adcode", "name_zh", "name_en", "province_zh", "province_en", "yrd27", "yrd41")


def load_framework(
    source: Source, name: str | None = None, *, sheet: str | None = None
) -> Framework:
    """Read a framework table (``DESIGN.md`` §2, CSV/XLSX/Parquet) and validate it.

    Raises
    ------
    ValidationError
        With every problem found (see :meth:`Framework.from_table`).
    """
    raw = read(source, name, sheet)
    raw.raise_problems()
    frame = raw.frame
    return Framework.from_table(
        frame.reset_index(drop=True), source=raw.label, lines=list(frame.index)
    )


def _numeric_column(
    values: pd.Series,
    column: str,
    problems: ProblemCollector | None,
    thousands: bool,
    fast: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.Series | None:
    """Parse a column to float64; report bad cells (or return None when ``problems`` is None
    and any cell is bad)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        if problems is None:
            return None
    elif pd.api.types.is_numeric_dtype(values.dtype):
        if pd.api.types.is_integer_dtype(values.dtype):
            # Parquet int64/uint64: whole numbers above 2**53 may not survive the float
            as_float = values.to_numpy(dtype="float64", na_value=np.nan)
            reasons = [
                (position, parse_number(int(values.iloc[position]))[1])
                for position in np.flatnonzero(np.abs(as_float) >= EXACT_INTEGERS)
            ]
            reasons = [(position, reason) for position, reason in reasons if reason]
            if reasons:
                if problems is None:
                    return None
                for position, reason in reasons:
                    problems.add(reason, int(values.index[position]), column)
                as_float[[position for position, _ in reasons]] = np.nan
            return pd.Series(as_float, index=values.index, name=column)
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
    parsed, reasons = parse_numbers(values, thousands=thousands, stop=problems is None, fast=fast)
    if reasons and problems is None:
        return None
    for position, reason in reasons:
        problems.add(reason, int(values.index[position]), column)
    return pd.Series(parsed, index=values.index, name=column)


def data_from_raw(
    raw: RawTable,
    framework: Framework | None,
    *,
    id_column: str = "adcode",
    year_column: str = "year",
    ignore: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[Problem]]:
    """The data contract of :func:`load_data` on a table already read (``id_column`` and
    ``year_column`` name the input's columns; COINr's are ``uCode`` and ``Time``).

    Returns the data and the non-blocking problems; raises ``ValidationError`` for errors.
    """
    frame = raw.frame
    problems = ProblemCollector(raw.label)
    problems.extend(raw.problems)
    thousands = raw.delimiter != ";"  # with ';' files "1,5" style decimals are likely
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
    lines = frame.index
    ids, bad_ids = normalise_adcodes(frame[id_column])
    for position, reason in bad_ids:
        problems.add(reason or "unit id is empty", int(lines[position]), id_column)
    out["adcode"] = ids

    if year_column in frame.columns:
        years, bad_years = parse_years(frame[year_column])
        for position, reason in bad_years:
            problems.add(reason, int(lines[position]), year_column)
        out["year"] = pd.Series(years, index=lines, dtype="int64")
    else:
        out["year"] = pd.Series(0, index=lines, dtype="int64")

    key = pd.DataFrame({"adcode": out["adcode"], "year": out["year"]})
    key = key[key["adcode"].notna()]
    repeated = key.duplicated(keep=False)
    if repeated.any():
        key = key[repeated].assign(line=key.index[repeated])
        first = key.groupby(["adcode", "year"], sort=False)["line"].transform("first")
        later = key["line"] != first
        for line, unit, year, first_line in zip(
            key.index[later], key["adcode"][later], key["year"][later], first[later], strict=True
        ):
            what = f"unit {unit!r}" + (f" and year {year}" if year_column in frame.columns else "")
            problems.add(
                f"duplicate row for {what} (first on row {first_line})", int(line), id_column
            )

    used = {id_column, year_column, *ignore}
    others = [c for c in frame.columns if c not in used]
    fast = dict(zip(others, fast_numbers([frame[c] for c in others]), strict=True))
    if framework is None:
        # without a framework every all-numeric column is an indicator; text columns are kept
        for column in others:
            parsed = _numeric_column(frame[column], column, None, thousands, fast[column])
            if parsed is not None and parsed.notna().any():
                indicators.append(column)
                out[column] = parsed
    else:
        for code in indicators:
            out[code] = _numeric_column(frame[code], code, problems, thousands, fast[code])
    extra = [c for c in frame.columns if c not in used and c not in out]
    for column in extra:
        parsed = _numeric_column(frame[column], column, None, thousands, fast[column])
        if parsed is None:
            for position, reason in control_characters(frame[column], free_text=True):
                problems.add(reason, int(lines[position]), column)
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
        elif len(present) > 1 and present.min() == present.max():
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
    raw = read(source, name, sheet)
    data, warnings = data_from_raw(raw, framework)
    for warning in warnings:
        log.info("%s", warning)
    return (data, warnings) if return_warnings else data


def load_units(
    source: Source, name: str | None = None, *, sheet: str | None = None
) -> pd.DataFrame:
    """Read ``units.csv``: ``adcode, name_zh, name_en, province_zh, province_en, yrd27, yrd41``.

    Only ``adcode`` is required. Missing names default to the adcode (``name_en`` to
    ``name_zh``), provinces to ``""``, ``yrd27``/``yrd41`` to 0. Any other column whose values
    are all 0/1 is a named group (int64). Duplicate or empty adcodes and group cells other
    than 0/1 are errors.
    """
    raw = read(source, name, sheet)
    raw.raise_problems()
    frame, label = raw.frame, raw.label
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
        for position, reason in control_characters(frame[column]):
            problems.add(reason, int(frame.index[position]), column)
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
        flags = group_flags(frame[column])
        if flags is not None:
            units[column] = flags
        elif column in ("yrd27", "yrd41"):
            for line, value in frame[column].items():
                if group_flags(pd.Series([value])) is None:
                    problems.add(
                        f"group membership must be 0 or 1, got {value!r}", int(line), column
                    )
        else:
            for position, reason in control_characters(frame[column], free_text=True):
                problems.add(reason, int(frame.index[position]), column)
            units[column] = frame[column]
    for column in ("yrd27", "yrd41"):
        if column not in units.columns and column not in frame.columns:
            units[column] = np.zeros(len(units), dtype="int64")
    problems.raise_if_errors()
    ordered = [*UNIT_COLUMNS, *[c for c in units.columns if c not in UNIT_COLUMNS]]
    return units[ordered].reset_index(drop=True)


LEVELS = ("city", "county")


def default_paths(level: str = "city") -> dict[str, Path]:
    """Paths of the bundled tables (resolved from the package location, not the cwd).

    ``level="city"`` (default): keys ``data`` (``data/cities.csv``), ``units``
    (``data/units.csv``), ``framework`` (``data/framework.csv``) and ``geo``
    (``data/geo/cities.geojson``). ``level="county"``: ``data`` (``data/counties.csv``),
    ``units`` (``data/county_units.csv``), ``framework`` (the same file), ``notes``
    (``data/county_missing_notes.csv``) and ``geo`` (``data/geo/counties/``, one GeoJSON file
    per province, ``<2-digit province code>.geojson``). Any other level is a ``ValueError``.
    """
    root = Path(__file__).resolve().parent.parent / "data"
    if level == "city":
        return {
            "data": root / "cities.csv",
            "units": root / "units.csv",
            "framework": root / "framework.csv",
            "geo": root / "geo" / "cities.geojson",
        }
    if level == "county":
        return {
            "data": root / "counties.csv",
            "units": root / "county_units.csv",
            "framework": root / "framework.csv",
            "notes": root / "county_missing_notes.csv",
            "geo": root / "geo" / "counties",
        }
    raise ValueError(f"unknown level {level!r}; valid: {', '.join(LEVELS)}")
