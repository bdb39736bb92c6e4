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

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "Problem",
    "ValidationError",
    "ProblemCollector",
    "problems_frame",
    "MAX_PROBLEMS",
]

SEVERITIES = ("error", "warning", "info")
#: A collector keeps at most this many problems and counts the rest: a file with a million bad
#: cells yields the first 1,000 and one summary row, not a million objects (and gigabytes).
MAX_PROBLEMS = 1_000


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
        self.not_listed = 0  # errors found after MAX_PROBLEMS were kept
        self._errors = 0

    def add(
        self,
        message: str,
        row: int | None = None,
        column: str | None = None,
        *,
        severity: str = "error",
        source: str | None = None,
    ) -> None:
        """Record one problem (``severity`` is ``"error"``, ``"warning"`` or ``"info"``).

        Past :data:`MAX_PROBLEMS` errors, errors are only counted (one summary row says how
        many were left out); past as many warnings and notes, these are dropped.
        """
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {severity!r}")
        kept = self._errors if severity == "error" else len(self.problems) - self._errors
        if kept >= MAX_PROBLEMS:
            if severity == "error":
                self.not_listed += 1
            return
        self._errors += severity == "error"
        self.problems.append(
            Problem(self.source if source is None else source, row, column, message, severity)
        )

    def warn(self, message: str, row: int | None = None, column: str | None = None) -> None:
        """Record a warning (shown to the user, never raised)."""
        self.add(message, row, column, severity="warning")

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p.message, p.row, p.column, severity=p.severity, source=p.source)

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
        """Raise one :class:`ValidationError` with every error collected so far (the first
        :data:`MAX_PROBLEMS`, then one row saying how many more were found)."""
        if self.errors:
            listed = self.sorted(self.errors)
            if self.not_listed:
                listed.append(
                    Problem(
                        self.source,
                        None,
                        None,
                        f"… and {self.not_listed:,} more problems, not listed (the first "
                        f"{len(listed):,} are)",
                    )
                )
            raise ValidationError(listed)

    @staticmethod
    def sorted(problems: Iterable[Problem]) -> list[Problem]:
        """Problems ordered as a reader scans a file: whole-file ones first, then by row
        (stable, so problems on one row keep the order they were found in)."""
        return sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
