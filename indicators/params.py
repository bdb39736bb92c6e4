"""Declared parameters: what a setting may hold, said once and used everywhere.

As scikit-learn declares ``_parameter_constraints`` and COINr gives every method its
``f_n_para`` list, each setting of a build is declared once as a :class:`Param` with a
constraint (:class:`OneOf`, :class:`Interval`, :class:`Pairs`, ...). That one declaration drives

* validation (:func:`check` lists every bad value with what is allowed);
* the command line (flag, type, choices and ``--help`` text, ``indicators.cli``);
* the dashboard's URL keys and sidebar options and labels (``ui.state``, ``ui.context``).

Constraints are small objects with three duties: ``problems(value, framework)`` (messages, empty
when the value is allowed), ``parse(text)`` (the value from command-line or link text, raising
``ValueError`` with a message) and ``describe()`` (what is allowed, for help texts).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Param",
    "OneOf",
    "Interval",
    "Pairs",
    "IntTuple",
    "Matrices",
    "is_number",
]


def is_number(value: object) -> bool:
    """A finite real number that is not a boolean."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# ---------------------------------------------------------------------------- constraints
@dataclass(frozen=True)
class OneOf:
    """One of a fixed list of names (a registry's keys, or literal options)."""

    options: tuple[str, ...]

    def problems(self, name: str, value: Any, framework: Any = None) -> list[str]:
        if isinstance(value, str) and value in self.options:
            return []
        return [f"{name} must be one of {', '.join(self.options)}; got {value!r}"]

    def parse(self, text: str) -> str:
        if text not in self.options:
            raise ValueError(f"must be one of {', '.join(self.options)}; got {text!r}")
        return text

    def describe(self) -> str:
        return " | ".join(self.options)


@dataclass(frozen=True)
class Interval:
    """A number in an interval; ``integer`` asks for a whole number.

    ``low``/``high`` are ``None`` for an open end; ``closed`` says which ends are included
    (``"both"``, ``"left"``, ``"right"``, ``"neither"``), as scikit-learn's ``Interval``.
    """

    low: float | None = None
    high: float | None = None
    closed: str = "both"
    integer: bool = False

    def _inside(self, v: float) -> bool:
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and (v < self.low or (v == self.low and not left)):
            return False
        return not (self.high is not None and (v > self.high or (v == self.high and not right)))

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        if self.low is None and self.high is None:
            return kind
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        return f"{kind} in {left}{lo}, {hi}{right}"

    def problems(self, name: str, value: Any, framework: Any = None) -> list[str]:
        ok = (_is_int(value) if self.integer else is_number(value)) and self._inside(value)
        return [] if ok else [f"{name} must be {self.describe()}; got {value!r}"]

    def parse(self, text: str) -> float | int:
        try:
            value: float | int = int(text) if self.integer else float(text)
        except ValueError:
            raise ValueError(f"must be {self.describe()}; got {text!r}") from None
        if self.problems("", value):
            raise ValueError(f"must be {self.describe()}; got {text!r}")
        return value


@dataclass(frozen=True)
class IntTuple:
    """A tuple of whole numbers (e.g. levels); ``allowed(framework)`` lists the valid ones."""

    what: str
    allowed: Callable[[Any], Sequence[int]] | None = None

    def problems(self, name: str, value: Any, framework: Any = None) -> list[str]:
        if not isinstance(value, tuple) or not all(_is_int(v) for v in value):
            return [f"{name} must be a tuple of integers; got {value!r}"]
        if framework is None or self.allowed is None:
            return []
        valid = list(self.allowed(framework))
        return [
            f"level {v} has no {self.what}; levels with {self.what}: {', '.join(map(str, valid))}"
            for v in value
            if v not in valid
        ]

    def parse(self, text: str) -> tuple[int, ...]:
        try:
            return tuple(int(part) for part in text.split(",") if part.strip())
        except ValueError:
            raise ValueError(f"must be integers separated by commas; got {text!r}") from None

    def describe(self) -> str:
        return "integers separated by commas, e.g. 1,2"


@dataclass(frozen=True)
class Pairs:
    """A tuple of fixed-length entries, each checked by ``check_entry``.

    ``arity`` is the entry length; ``form`` names the parts for messages and for the text form
    (``"code:weight"``); ``check_entry(entry, framework)`` returns messages for one entry;
    ``kinds`` gives the parser of each part (``str``, ``float``, ``int``); ``unique`` names the
    part that may appear only once.
    """

    form: str
    kinds: tuple[type, ...]
    check_entry: Callable[[tuple, Any], list[str]]
    unique: int | None = 0

    def problems(self, name: str, value: Any, framework: Any = None) -> list[str]:
        if not isinstance(value, tuple):
            return [f"{name} must be a tuple of ({self.form.replace(':', ', ')}); got {value!r}"]
        out: list[str] = []
        seen: set = set()
        for entry in value:
            if not (isinstance(entry, tuple) and len(entry) == len(self.kinds)):
                out.append(
                    f"each entry of {name} must be ({self.form.replace(':', ', ')}); got {entry!r}"
                )
                continue
            out.extend(self.check_entry(entry, framework))
            if self.unique is not None:
                key = entry[self.unique]
                if key in seen:
                    out.append(f"{name}: {key!r} is given twice")
                seen.add(key)
        return out

    def parse(self, text: str) -> tuple:
        entries = []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            bits = part.split(":")
            if len(bits) != len(self.kinds):
                raise ValueError(f"each entry must be {self.form}; got {part!r}")
            try:
                entries.append(
                    tuple(kind(b.strip()) for kind, b in zip(self.kinds, bits, strict=True))
                )
            except ValueError:
                raise ValueError(f"each entry must be {self.form}; got {part!r}") from None
        return tuple(entries)

    def describe(self) -> str:
        return f"entries {self.form} separated by commas"


@dataclass(frozen=True)
class Matrices:
    """AHP: a tuple of (parent code, square reciprocal matrix of positive numbers)."""

    def problems(self, name: str, value: Any, framework: Any = None) -> list[str]:
        if not isinstance(value, tuple):
            return [f"{name} must be a tuple of (parent_code, matrix)"]
        out: list[str] = []
        for item in value:
            if not (isinstance(item, tuple) and len(item) == 2):
                out.append(f"each entry must be (parent_code, matrix); got {item!r}")
                continue
            out.extend(_matrix_problems(*item, framework))
        return out

    def parse(self, text: str) -> tuple:
        raise ValueError("AHP matrices are given in a recipe file or through the Python API")

    def describe(self) -> str:
        return "(parent code, pairwise comparison matrix) pairs"


def _matrix_problems(parent: Any, matrix: Any, framework: Any) -> list[str]:
    rows = matrix if isinstance(matrix, tuple) else None
    n = len(rows) if rows is not None else -1
    if (
        rows is None
        or n == 0
        or not all(
            isinstance(r, tuple) and len(r) == n and all(is_number(v) for v in r) for r in rows
        )
    ):
        return [f"matrix for {parent!r} must be a square table of numbers"]
    if any(v <= 0 for r in rows for v in r):
        return [f"matrix for {parent!r}: every entry must be > 0"]
    out = []
    for i in range(n):
        if abs(rows[i][i] - 1) > 1e-9:
            out.append(f"matrix for {parent!r}: diagonal entry {i + 1} must be 1")
        for j in range(i + 1, n):
            if abs(rows[i][j] * rows[j][i] - 1) > 1e-6:
                out.append(
                    f"matrix for {parent!r} is not reciprocal: a[{i + 1},{j + 1}] = {rows[i][j]}"
                    f" but a[{j + 1},{i + 1}] = {rows[j][i]} (should be {1 / rows[i][j]:.6g})"
                )
    if framework is not None:
        if parent not in framework.codes or framework.level(parent) == 1:
            out.append(f"{parent!r} is not an aggregate of the framework")
        elif len(framework.children(parent)) != n:
            out.append(
                f"matrix for {parent!r} is {n}x{n} but it has "
                f"{len(framework.children(parent))} children"
            )
    return out


# ---------------------------------------------------------------------------- a parameter
@dataclass(frozen=True)
class Param:
    """One declared setting.

    Attributes
    ----------
    name : str
        The field of the settings object (e.g. ``Config.normalise``).
    constraint : OneOf, Interval, Pairs, IntTuple or Matrices
        What the value may be.
    help : str
        One line for ``--help`` and the documentation.
    cli : bool
        Offered as a command-line flag ``--<name with dashes>`` (``flag`` overrides the name).
    url : str or None
        Its key in a dashboard link (only settings offered in the sidebar have one).
    label : (str, str)
        Chinese and English label in the dashboard.
    step : str or None
        For a method choice, the pipeline step whose registry it picks from; the methods'
        own labels and descriptions then come from that registry.
    choice_labels : tuple of (option, zh, en)
        Labels of the options of a choice that is not a method (``step`` is None) and is
        offered in the dashboard.
    """

    name: str
    constraint: Any
    help: str
    cli: bool = True
    flag: str | None = None
    url: str | None = None
    label: tuple[str, str] = ("", "")
    step: str | None = None
    choice_labels: tuple[tuple[str, str, str], ...] = ()

    def choice_label(self, option: str, lang: str) -> str:
        """Display name of one option in ``lang`` (a method's comes from its registry)."""
        if self.step is not None:
            from indicators.methods import label

            return label(self.step, option, lang)
        for name, zh, en in self.choice_labels:
            if name == option:
                return en if lang == "en" else zh
        return option

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    def problems(self, value: Any, framework: Any = None) -> list[str]:
        return self.constraint.problems(self.name, value, framework)

    def parse(self, text: str) -> Any:
        return self.constraint.parse(text)
