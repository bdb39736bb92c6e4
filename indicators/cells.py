"""Cell parsers: how one cell of an input table is read, in one place.

Every parser returns the value and, when the cell cannot be taken literally, a plain-language
reason instead of guessing; the loaders turn reasons into problem rows. The rules are also in
``docs/METHODS.md`` ("Reading cells").
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import numbers
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "MAX_MAGNITUDE",
    "MAX_YEAR_DIGITS",
    "MISSING_TOKENS",
    "is_missing",
    "parse_number",
    "parse_year",
    "normalise_adcode",
    "normalise_identifier",
    "parse_direction",
    "group_flags",
    "control_character",
    "control_characters",
    "parse_numbers",
    "parse_years",
    "normalise_adcodes",
]

#: Largest magnitude accepted for a number. Larger values would overflow in the pipeline
#: (variances square values, weights are summed), silently turning results into NaN or 0.
MAX_MAGNITUDE = 1e100

#: Cell texts read as a missing value (compared case-insensitively after stripping).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a"})

#: Years have at most this many digits (larger numbers are typing mistakes, and overflow int64
#: arithmetic long before they could be dates).
MAX_YEAR_DIGITS = 9

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_INFINITY = re.compile(r"^[+-]?(inf|infinity)$", re.IGNORECASE)
_MINUS_SIGNS = {"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"}
_DECIMAL_ZEROS = re.compile(r"^(\d+)\.0*$")
# one thousands separator and no point: "1,234" may also be 1.234 written with a decimal comma
_ONE_COMMA = re.compile(r"^[+-]?\d{1,3},\d{3}$")
# Characters an XLSX file cannot hold (openpyxl raises IllegalCharacterError on the C0 controls
# other than tab, line feed and carriage return; XML 1.0 excludes U+FFFE and U+FFFF)
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ... and every other control character (tab, line breaks, DEL, C1), invisible in a name
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")


#: Floats hold every whole number exactly up to this magnitude, and not all above it.
EXACT_INTEGERS = 2**53
_DATE_TYPES = (_dt.date, _dt.time, _dt.timedelta)


def _normalised(text: str) -> str:
    """A number cell as :func:`parse_number` compares it: NFKC, stripped, ASCII minus."""
    text = unicodedata.normalize("NFKC", text).strip()
    for sign, ascii_sign in _MINUS_SIGNS.items():
        text = text.replace(sign, ascii_sign)
    return text


def _too_large(value: object) -> str:
    return f"expected a number of magnitude at most {MAX_MAGNITUDE:g}, got {value!r}"


def _inexact_integer(whole: int) -> str | None:
    """Why a whole number cannot be read as a float, or None when the float is exact."""
    if abs(whole) <= EXACT_INTEGERS or float(whole) == whole:
        return None
    return (
        f"the whole number {whole} cannot be held exactly in a float (exact up to 2**53 = "
        f"{EXACT_INTEGERS}); it would read as {float(whole)!r}"
    )


def is_missing(value: object) -> bool:
    """True for ``None``, NaN, ``pd.NA`` and the texts in :data:`MISSING_TOKENS`.

    Texts are compared after stripping surrounding white space, case-insensitively
    (``"NA"``, ``" n/a "``, ``"#N/A"``); ``0``, ``"0"`` and ``"-"`` are not missing.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    kind = type(value)
    if kind is str:  # the common cases first: this runs once per cell
        return value.strip().lower() in MISSING_TOKENS
    if kind is float:
        return value != value
    if isinstance(value, str):
        return value.strip().lower() in MISSING_TOKENS
    if isinstance(value, float | numbers.Real) and not isinstance(value, bool):
        return math.isnan(float(value))
    return False


def normalise_identifier(text: str) -> str:
    """An identifier (unit id, code, column name) in the one form it is compared in.

    Unicode NFKC (full-width ``ｘ１`` → ``x1``, composed and decomposed accents alike), without
    invisible format characters (category Cf: zero-width spaces and joiners, byte-order marks,
    direction marks), stripped. Two ids that look the same are then the same id; look-alikes
    from different scripts (Latin ``a``, Cyrillic ``а``) stay different.
    """
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.strip()


def control_character(text: str, *, free_text: bool = False) -> str | None:
    """What is wrong with a text because of a control character, or None.

    Ids, codes, names and column names may hold no control character at all (Unicode
    category Cc: C0, DEL, C1, plus U+FFFE/U+FFFF): they are invisible, and most cannot be saved
    in an XLSX file, so an export would fail later. Free text (definitions, sources, notes)
    may hold tabs and line breaks, but none of the characters XLSX cannot store. Nothing is
    stripped: the cell is reported, e.g. ``"contains the control character U+0007 (Excel
    cannot store it): remove it"``.
    """
    found = (_NOT_IN_XLSX if free_text else _CONTROL).search(text)
    if found is None:
        return None
    char = found.group()
    note = " (Excel cannot store it)" if _NOT_IN_XLSX.match(char) else ""
    return f"contains the control character U+{ord(char):04X}{note}: remove it"


def parse_number(value: object, *, thousands: bool = True) -> tuple[float, str | None]:
    """Read one cell as a float without ever silently changing its value.

    Returns ``(number, None)`` on success, ``(nan, None)`` for a missing cell and
    ``(nan, reason)`` when the cell is not an unambiguous number.

    Accepted: numbers (not booleans); texts of plain decimal numbers with an optional sign and
    exponent (``"1.5"``, ``"-2"``, ``"+1"``, ``"1e3"``); full-width digits and signs
    (``"１２３"``, Unicode NFKC); the Unicode minus ``"−"``; thousands separators in the
    comma-and-groups-of-three form (``"1,234"``, ``"1,234,567.5"``) when ``thousands`` is true;
    decimals (``decimal.Decimal``, from Parquet) whose float has the same shortest repr.
    Missing: ``None``, NaN and :data:`MISSING_TOKENS`.
    Rejected (a reason is returned): infinities, magnitudes above :data:`MAX_MAGNITUDE` (1e100,
    e.g. ``"1e400"`` would otherwise read as infinity), whole numbers above 2**53 that a float
    cannot hold exactly (``9007199254740993``, written without a point or exponent, or an
    integer value), decimals with more digits than a float holds, ``"12%"`` (it is unclear
    whether 12 or 0.12 is meant), decimal commas (``"1,5"``), underscores, dates and times,
    any other text.
    """
    if isinstance(value, bool):
        return math.nan, f"expected a number, got the boolean {value!r}"
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return math.nan, None
        if math.isinf(number):
            return math.nan, f"expected a finite number, got {number!r}"
        if abs(number) > MAX_MAGNITUDE:
            return math.nan, _too_large(value)
        if isinstance(value, numbers.Integral):
            inexact = _inexact_integer(int(value))
            if inexact is not None:
                return math.nan, inexact
        return number, None
    if isinstance(value, decimal.Decimal):
        return _decimal(value)
    if is_missing(value):
        return math.nan, None
    if isinstance(value, _DATE_TYPES):
        return math.nan, f"expected a number, got the date/time {value}"
    if not isinstance(value, str):
        return math.nan, f"expected a number, got {value!r}"
    text = _normalised(value)
    if _PLAIN_NUMBER.match(text) or (thousands and _THOUSANDS.match(text)):
        digits = text.replace(",", "")
        number = float(digits)
        if math.isinf(number) or abs(number) > MAX_MAGNITUDE:
            return math.nan, _too_large(value)
        if abs(number) >= EXACT_INTEGERS and digits.lstrip("+-").isdigit():
            inexact = _inexact_integer(int(digits))
            if inexact is not None:
                return math.nan, inexact
        return number, None
    if _INFINITY.match(text):
        return math.nan, f"expected a finite number, got {value!r}"
    if text.endswith("%") and _PLAIN_NUMBER.match(text[:-1].strip()):
        return math.nan, (
            f"expected a number, got {value!r}: remove the % sign (write {text[:-1].strip()} "
            "if the column is in percent, or the share as a fraction)"
        )
    if re.match(r"^[+-]?\d+,\d+$", text):
        return math.nan, f"expected a number, got {value!r} (decimal comma? use a point: 1.5)"
    return math.nan, f"expected a number, got {value!r}"


def _decimal(value: decimal.Decimal) -> tuple[float, str | None]:
    """A Decimal (Parquet decimal columns) is read when the float's shortest repr is the same
    number; one with more digits than a float holds is refused rather than rounded."""
    if value.is_nan():
        return math.nan, None
    if value.is_infinite():
        return math.nan, f"expected a finite number, got {value}"
    number = float(value)
    if math.isinf(number) or abs(number) > MAX_MAGNITUDE:
        return math.nan, _too_large(value)
    if decimal.Decimal(repr(number)) != value:
        return math.nan, (
            f"the decimal {value} has more digits than a float holds; it would read as {number!r}"
        )
    return number, None


def parse_year(value: object) -> tuple[int | None, str | None]:
    """Read a year cell: a whole number with at most :data:`MAX_YEAR_DIGITS` digits.

    Accepted as :func:`parse_number` reads them without thousands separators (``2020``,
    ``"2020"``, ``2020.0``, ``"２０２０"``). Returns ``(year, None)``; ``(None, reason)`` for an
    empty cell, a fraction, text or a number with too many digits.
    """
    number, reason = parse_number(value, thousands=False)
    if (
        reason is None
        and not math.isnan(number)
        and float(number).is_integer()
        and abs(number) < 10**MAX_YEAR_DIGITS
    ):
        return int(number), None
    if reason is None and math.isnan(number):
        return None, "year is empty"
    return None, f"year must be a whole number, got {value!r}"


def normalise_adcode(value: object) -> tuple[str | None, str | None]:
    """A unit id as text: stripped, leading zeros kept, ``110000.0`` → ``"110000"``.

    Accepted: text (as :func:`normalise_identifier` writes it: NFKC, without invisible
    format characters, stripped; ``"110000.0"`` and ``"110000.00"`` lose the zero fraction,
    as spreadsheets add it), integers, and floats that
    are whole numbers below 2**53 (exact in a float). Returns ``(id, None)``, ``(None, None)``
    when missing, ``(None, reason)`` when unusable (a boolean, a number with a fraction, a
    float too large to be exact, a control character: see :func:`control_character`).
    """
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return None, f"expected a unit id, got {value!r}"
    if isinstance(value, int | np.integer):
        return str(int(value)), None
    if isinstance(value, float | np.floating):
        if math.isfinite(value) and float(value).is_integer() and abs(value) < 2**53:
            return str(int(value)), None
        return None, f"expected a unit id, got the number {value!r}"
    if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral():
        return str(int(value)), None
    if not isinstance(value, str):
        shown = f"the date/time {value}" if isinstance(value, _DATE_TYPES) else repr(value)
        return None, f"expected a unit id (text or a whole number), got {shown}"
    text = normalise_identifier(value)
    if is_missing(text):  # e.g. only invisible characters
        return None, None
    bad = control_character(text)
    if bad is not None:
        return None, f"unit id {value!r} {bad}"
    match = _DECIMAL_ZEROS.match(text)
    if match:
        return match.group(1), None
    return text, None


def parse_direction(value: object) -> tuple[int | None, str | None]:
    """Read a direction cell: ``1, -1, "1", "+1", "-1", "−1", 1.0`` → ``(±1, None)``.

    Missing → ``(None, None)``; anything else (``0``, ``2``, ``"up"``, booleans) →
    ``(None, reason)``.
    """
    if is_missing(value):
        return None, None
    number, reason = parse_number(value, thousands=False)
    if reason is None and number in (1.0, -1.0):
        return int(number), None
    return None, f"direction must be +1 or -1, got {value!r}"


def group_flags(values: pd.Series) -> pd.Series | None:
    """A 0/1 group-membership column as int64 (missing → 0), or None when any cell is not 0/1.

    Cells are read with :func:`parse_number` without thousands separators, so ``1``, ``"1"``,
    ``1.0`` and ``"１"`` are members; booleans, ``2`` and text make the column not a group.
    """
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
# Whole columns: the same rules, vectorised
#
# Each column parser below gives exactly what the cell parser above gives for every cell. Cells
# of text columns that are plain ASCII numbers, ids or missing tokens are handled in Arrow (its
# text-to-float conversion is correctly rounded, like Python's ``float``); every other cell goes
# through the cell parser, which also writes the message.

#: Plain ASCII decimal numbers, as :data:`_PLAIN_NUMBER` accepts them after stripping.
_FAST_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
#: Printable ASCII without white space at either end: ids that ``str.strip`` leaves alone.
_FAST_ID = r"^[!-~](?:[ -~]*[!-~])?$"
_FAST_YEAR = rf"^[0-9]{{1,{MAX_YEAR_DIGITS}}}$"
#: Ids that :func:`normalise_adcode` shortens (``"110000.0"``): left to it.
_FAST_DECIMAL_ZEROS = r"^[0-9]+\.0*$"
_MISSING_ARRAY = pa.array(sorted(MISSING_TOKENS), pa.large_string())


def _arrow_text(values: pd.Series) -> pa.Array | None:
    """The column as an Arrow string array when it is a pandas text column, else None."""
    if not isinstance(values.dtype, pd.StringDtype):
        return None
    array = pa.array(values.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def _mask(array: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def _missing_text(array: pa.Array) -> np.ndarray:
    """Null cells and cells that are exactly a missing token (any case, no white space)."""
    return _mask(pc.is_in(pc.ascii_lower(array), value_set=_MISSING_ARRAY)) | _mask(
        pc.is_null(array)
    )


def _cells(values: pd.Series, positions: np.ndarray, array: pa.Array | None) -> list:
    if array is not None:
        return array.take(pa.array(positions, pa.int64())).to_pylist()
    return values.iloc[positions].tolist() if len(positions) else []


def _fast_numbers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The vectorised part of :func:`parse_numbers` on an Arrow string array: the float of every
    plain ASCII number below 2**53 (NaN elsewhere) and the mask of the cells it cannot settle
    (neither such a number nor a missing token), which go through :func:`parse_number`."""
    out = np.full(len(array), np.nan)
    plain = _mask(pc.match_substring_regex(array, _FAST_NUMBER))
    if plain.any():
        numbers = pc.cast(pc.if_else(pa.array(plain), array, None), pa.float64())
        out = numbers.to_numpy(zero_copy_only=False).astype("float64", copy=True)
        out[~plain] = np.nan
        # too large, or a whole number a float may not hold: the cell parser decides
        unsure = plain & ~(np.abs(out) < EXACT_INTEGERS)
        plain &= ~unsure
        out[unsure] = np.nan
    return out, ~(plain | _missing_text(array))


def fast_numbers(columns: Sequence[pd.Series]) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """:func:`_fast_numbers` of several text columns in one pass over their concatenation (a
    pass costs about the same for ten cells as for thousands, and tables have many columns);
    None for a column that is not text. Pass each result to :func:`parse_numbers` (``fast=``)."""
    arrays = [_arrow_text(c) for c in columns]
    texts = [a for a in arrays if a is not None]
    if not texts:
        return [None] * len(columns)
    together = pa.concat_arrays([a.cast(pa.large_string()) for a in texts])
    out, slow = _fast_numbers(together)
    results: list[tuple[np.ndarray, np.ndarray] | None] = []
    start = 0
    for array in arrays:
        if array is None:
            results.append(None)
            continue
        stop = start + len(array)
        results.append((out[start:stop].copy(), slow[start:stop].copy()))
        start = stop
    return results


def parse_numbers(
    values: pd.Series,
    *,
    thousands: bool = True,
    stop: bool = False,
    fast: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, list]:
    """:func:`parse_number` over a column: float64 values (NaN for missing and refused cells)
    and ``[(position, reason), ...]`` for the refused cells, in order (with ``stop``, only the
    first refused cell: for callers that only ask whether the column is numeric).

    One rule needs the whole column: a single thousands separator without a point
    (``"1,234"``) is refused as ambiguous when the column also has a decimal comma
    (``"1,5"``), as it may then mean 1.234.

    ``fast`` is this column's result of :func:`fast_numbers` when it was computed with others.
    """
    n = len(values)
    array = _arrow_text(values)
    if array is None:
        out, slow = np.full(n, np.nan), np.ones(n, dtype=bool)
    else:
        out, slow = _fast_numbers(array) if fast is None else fast
    reasons: list = []
    one_comma: list[int] = []
    positions = np.flatnonzero(slow)
    slow_cells = _cells(values, positions, array)
    cells = dict(zip(positions.tolist(), slow_cells, strict=True))
    for position, cell in zip(positions, slow_cells, strict=True):
        number, reason = parse_number(cell, thousands=thousands)
        out[position] = number
        if reason is not None:
            reasons.append((int(position), reason))
            if stop:
                break
        elif thousands and isinstance(cell, str) and _ONE_COMMA.match(_normalised(cell)):
            one_comma.append(int(position))
    decimal_commas = (
        [cells[p] for p, r in reasons if r.endswith("(decimal comma? use a point: 1.5)")]
        if one_comma and reasons
        else []
    )
    if decimal_commas:
        # "1,234" is a thousands separator or a decimal comma; this column has decimal commas
        for position in one_comma:
            cell = cells[position]
            whole, fraction = _normalised(cell).split(",")
            out[position] = np.nan
            reasons.append(
                (
                    position,
                    f"expected a number, got {cell!r}: ambiguous, as this column also has "
                    f"decimal commas ({decimal_commas[0]!r}): write {whole}{fraction} or "
                    f"{whole}.{fraction}",
                )
            )
        reasons.sort()
    return out, reasons


def parse_years(values: pd.Series) -> tuple[np.ndarray, list]:
    """:func:`parse_year` over a column: int64 years (0 where refused) and
    ``[(position, reason), ...]`` for the refused cells, in order."""
    n = len(values)
    out = np.zeros(n, dtype="int64")
    array = _arrow_text(values)
    fast = np.zeros(n, dtype=bool)
    if array is not None:
        fast = _mask(pc.match_substring_regex(array, _FAST_YEAR))
        if fast.any():
            years = pc.cast(pc.if_else(pa.array(fast), array, None), pa.int64())
            out[fast] = years.to_numpy(zero_copy_only=False)[fast]
    elif pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
        values.dtype
    ):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        fast = np.abs(numbers) < 10**MAX_YEAR_DIGITS
        out[fast] = numbers[fast].astype("int64")
    reasons = []
    positions = np.flatnonzero(~fast)
    for position, cell in zip(positions, _cells(values, positions, array), strict=True):
        year, reason = parse_year(cell)
        if reason is None:
            out[position] = year
        else:
            reasons.append((int(position), reason))
    return out, reasons


def normalise_adcodes(values: pd.Series) -> tuple[pd.Series, list]:
    """:func:`normalise_adcode` over a column: ids as a ``str`` Series (missing where the cell
    is missing or refused) and ``[(position, reason or None), ...]`` for every such cell, in
    order (``None``: the cell is missing)."""
    n = len(values)
    array = _arrow_text(values)
    ids = np.full(n, None, dtype=object)
    if array is not None:
        fast = (
            _mask(pc.match_substring_regex(array, _FAST_ID))
            & ~_missing_text(array)
            & ~_mask(pc.match_substring_regex(array, _FAST_DECIMAL_ZEROS))
        )
    else:
        fast = np.zeros(n, dtype=bool)
    positions = np.flatnonzero(fast)
    if len(positions):
        ids[positions] = _cells(values, positions, array)
    problems = []
    positions = np.flatnonzero(~fast)
    for position, cell in zip(positions, _cells(values, positions, array), strict=True):
        unit, reason = normalise_adcode(cell)
        if unit is None:
            problems.append((int(position), reason))
        else:
            ids[position] = unit
    return pd.Series(ids, index=values.index, dtype="str"), problems


#: Arrow (RE2) versions of the patterns above.
_NOT_IN_XLSX_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"
_CONTROL_RE2 = r"[\x00-\x1f\x7f-\x9f\x{FFFE}\x{FFFF}]"


def control_characters(values: pd.Series, *, free_text: bool = False) -> list:
    """:func:`control_character` over a column: ``[(position, reason), ...]`` for the text
    cells that hold one, in order (other cells are not text and are not checked)."""
    array = _arrow_text(values)
    if array is not None:
        pattern = _NOT_IN_XLSX_RE2 if free_text else _CONTROL_RE2
        positions = np.flatnonzero(_mask(pc.match_substring_regex(array, pattern)))
    else:
        positions = np.arange(len(values))
    found = []
    for position, cell in zip(positions, _cells(values, positions, array), strict=True):
        if isinstance(cell, str):
            bad = control_character(cell, free_text=free_text)
            if bad is not None:
                found.append((int(position), f"{cell!r} {bad}"))
    return found
