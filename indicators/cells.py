"""Cell parsers: how one cell of an input table is read, in one place.

Every parser returns the value and, when the cell cannot be taken literally, a plain-language
reason instead of guessing; the loaders turn reasons into problem rows. The rules are also in
``docs/METHODS.md`` ("Reading cells").
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = [
    "MAX_MAGNITUDE",
    "MAX_YEAR_DIGITS",
    "MISSING_TOKENS",
    "is_missing",
    "parse_number",
    "parse_year",
    "normalise_adcode",
    "parse_direction",
    "group_flags",
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


def _too_large(value: object) -> str:
    return f"expected a number of magnitude at most {MAX_MAGNITUDE:g}, got {value!r}"


def is_missing(value: object) -> bool:
    """True for ``None``, NaN, ``pd.NA`` and the texts in :data:`MISSING_TOKENS`.

    Texts are compared after stripping surrounding white space, case-insensitively
    (``"NA"``, ``" n/a "``, ``"#N/A"``); ``0``, ``"0"`` and ``"-"`` are not missing.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | numbers.Real) and not isinstance(value, bool):
        return math.isnan(float(value))
    if isinstance(value, str):
        return value.strip().lower() in MISSING_TOKENS
    return False


def parse_number(value: object, *, thousands: bool = True) -> tuple[float, str | None]:
    """Read one cell as a float without ever silently changing its value.

    Returns ``(number, None)`` on success, ``(nan, None)`` for a missing cell and
    ``(nan, reason)`` when the cell is not an unambiguous number.

    Accepted: numbers (not booleans); texts of plain decimal numbers with an optional sign and
    exponent (``"1.5"``, ``"-2"``, ``"+1"``, ``"1e3"``); full-width digits and signs
    (``"１２３"``, Unicode NFKC); the Unicode minus ``"−"``; thousands separators in the
    comma-and-groups-of-three form (``"1,234"``, ``"1,234,567.5"``) when ``thousands`` is true.
    Missing: ``None``, NaN and :data:`MISSING_TOKENS`.
    Rejected (a reason is returned): infinities, magnitudes above :data:`MAX_MAGNITUDE` (1e100,
    e.g. ``"1e400"`` would otherwise read as infinity), ``"12%"`` (it is unclear whether 12 or 0.12 is
    meant), decimal commas (``"1,5"``), underscores, any other text.
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
        return number, None
    if is_missing(value):
        return math.nan, None
    if not isinstance(value, str):
        return math.nan, f"expected a number, got {value!r}"
    text = unicodedata.normalize("NFKC", value).strip()
    for sign, ascii_sign in _MINUS_SIGNS.items():
        text = text.replace(sign, ascii_sign)
    if _PLAIN_NUMBER.match(text) or (thousands and _THOUSANDS.match(text)):
        number = float(text.replace(",", ""))
        if math.isinf(number) or abs(number) > MAX_MAGNITUDE:
            return math.nan, _too_large(value)
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

    Accepted: text (kept as written apart from surrounding white space; ``"110000.0"`` and
    ``"110000.00"`` lose the zero fraction, as spreadsheets add it), integers, and floats that
    are whole numbers below 2**53 (exact in a float). Returns ``(id, None)``, ``(None, None)``
    when missing, ``(None, reason)`` when unusable (a boolean, a number with a fraction, or a
    float too large to be exact).
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
    text = str(value).strip()
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
