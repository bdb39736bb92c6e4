"""Validation problems, collected lazily and raised once.

Following pandera's *lazy* validation, every check appends a :class:`Problem` to a
:class:`ProblemCollector` instead of stopping at the first failure; the caller raises one
:class:`ValidationError` listing every problem at the end. A person uploading a file sees all
that is wrong with it at once, each problem with the file, the line (1-based, as a spreadsheet or
text editor shows it: the header is line 1, the first data row line 2) and the column.

Warnings (things a user should see but that do not stop a computation, e.g. a constant
indicator) are ``Problem`` objects with ``severity="warning"``; they are never raised.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "Problem",
    "ValidationError",
    "ProblemCollector",
    "problems_frame",
    "parse_number",
    "is_missing",
    "MISSING_TOKENS",
    "MAX_MAGNITUDE",
]

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    source : str
        File name (or table name) the problem was found in, e.g. ``"framework.csv"``.
    row : int or None
        1-based line of the file as a person sees it (header = 1, first data row = 2), or
        ``None`` when the problem concerns the whole file or a whole column.
    column : str or None
        Column name, or ``None`` when the problem concerns a whole row or file.
    message : str
        Plain-language description that says what was expected and what was found.
    severity : {"error", "warning", "info"}
        Errors stop the computation; warnings and notes (``"info"``) are shown but do not.
    """

    source: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = [str(self.source)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = {"error": "", "warning": "warning: ", "info": "note: "}[self.severity]
        return f"{', '.join(where)}: {prefix}{self.message}"

    def to_dict(self) -> dict[str, object]:
        """The problem as a plain dict (``source, row, column, message, severity``)."""
        return {
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "severity": self.severity,
        }


class ValidationError(Exception):
    """Raised once with every problem found in an input.

    Parameters
    ----------
    problems : iterable of Problem or str
        The problems (plain strings are wrapped as file-less problems).

    Attributes
    ----------
    problems : list of Problem
    """

    def __init__(self, problems: Iterable[Problem | str]):
        items = [
            p if isinstance(p, Problem) else Problem("input", None, None, str(p)) for p in problems
        ]
        self.problems: list[Problem] = items
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:" if n else "invalid input"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def __str__(self) -> str:
        return self._text()

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table (``source, row, column, message, severity``)."""
        return problems_frame(self.problems)


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a DataFrame with columns ``source, row, column, message, severity``.

    ``row`` is a nullable integer column, so it shows as a whole number in tables.
    """
    frame = pd.DataFrame(
        [p.to_dict() for p in problems],
        columns=["source", "row", "column", "message", "severity"],
    )
    frame["row"] = frame["row"].astype("Int64")
    return frame


class ProblemCollector:
    """Collects problems for one source; :meth:`raise_if_errors` raises them all at once.

    Examples
    --------
    >>> problems = ProblemCollector("framework.csv")
    >>> problems.add("weight must be a number ≥ 0, got 'abc'", row=7, column="weight")
    >>> str(problems.errors[0])
    "framework.csv, row 7, column 'weight': weight must be a number ≥ 0, got 'abc'"
    """

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        row: int | None = None,
        column: str | None = None,
        *,
        severity: str = "error",
        source: str | None = None,
    ) -> None:
        """Record one problem (``severity`` is ``"error"`` or ``"warning"``)."""
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {severity!r}")
        self.problems.append(
            Problem(self.source if source is None else source, row, column, message, severity)
        )

    def warn(self, message: str, row: int | None = None, column: str | None = None) -> None:
        """Record a warning (shown to the user, never raised)."""
        self.add(message, row, column, severity="warning")

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def note(self, message: str, row: int | None = None, column: str | None = None) -> None:
        """Record a note (``severity="info"``, e.g. columns that are ignored)."""
        self.add(message, row, column, severity="info")

    @property
    def warnings(self) -> list[Problem]:
        """Warnings and notes: everything that is not an error."""
        return [p for p in self.problems if p.severity != "error"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_errors(self) -> None:
        """Raise one :class:`ValidationError` with every error collected so far."""
        if self.errors:
            raise ValidationError(self.sorted(self.errors))

    @staticmethod
    def sorted(problems: Iterable[Problem]) -> list[Problem]:
        """Problems ordered as a reader scans a file: whole-file ones first, then by row
        (stable, so problems on one row keep the order they were found in)."""
        return sorted(problems, key=lambda p: (p.row is not None, p.row or 0))


# --------------------------------------------------------------------------------------------
# Cell parsing shared by the framework and data loaders

#: Largest magnitude accepted for a number. Larger values would overflow in the pipeline
#: (variances square values, weights are summed), silently turning results into NaN or 0.
MAX_MAGNITUDE = 1e100

#: Cell texts read as a missing value (compared case-insensitively after stripping).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a"})

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_INFINITY = re.compile(r"^[+-]?(inf|infinity)$", re.IGNORECASE)
_MINUS_SIGNS = {"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"}


def _too_large(value: object) -> str:
    return f"expected a number of magnitude at most {MAX_MAGNITUDE:g}, got {value!r}"


def is_missing(value: object) -> bool:
    """True for ``None``, NaN, ``pd.NA`` and the texts in :data:`MISSING_TOKENS`."""
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
