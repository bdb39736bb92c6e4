"""The indicator tree (:class:`Framework`): one validated, immutable table.

The framework table has one row per node: ``code, parent, level`` (1 = indicator … max = the
index), ``name_zh, name_en, direction`` (+1/−1, indicators), ``weight`` (relative to siblings),
``unit`` (or ``unit_zh`` and ``unit_en``), ``definition_zh, definition_en, source``
(``DESIGN.md`` §2). It plays the role of COINr's ``iMeta`` (``iCode, Parent, Level, Direction,
Weight``); see ``docs/METHODS.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicators.cells import (
    control_character,
    is_missing,
    normalise_identifier,
    parse_direction,
    parse_number,
)
from indicators.validate import ProblemCollector

__all__ = ["Framework", "FRAMEWORK_COLUMNS", "RESERVED_CODES"]

#: Columns of :attr:`Framework.table`, in order (extra input columns follow them).
FRAMEWORK_COLUMNS = (
    "code",
    "parent",
    "level",
    "name_zh",
    "name_en",
    "direction",
    "weight",
    "unit",
    "unit_zh",
    "unit_en",
    "definition_zh",
    "definition_en",
    "source",
)
_REQUIRED = ("code", "parent", "level")
#: Highest level accepted (a tree deeper than this is a mistake, and larger numbers overflow).
MAX_LEVEL = 1000
_TEXT_OPTIONAL = ("unit", "unit_zh", "unit_en", "definition_zh", "definition_en", "source")
#: Column names of the engine's tables (data, ``Result.scores``, the uncertainty ranks, COINr
#: iData): a code with one of these names would collide with that column (the scores' ``rank``
#: would replace an indicator ``rank``). Compared case-insensitively, as people read them.
RESERVED_CODES = (
    "adcode",
    "year",
    "rank",
    "nominal_rank",
    "median_rank",
    "mean_rank",
    "p05",
    "p95",
    "uCode",
    "uName",
    "Time",
)
_RESERVED = {c.casefold() for c in RESERVED_CODES}


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()


def _records(df: pd.DataFrame) -> list[dict]:
    """The rows as dicts, missing cells as None, converted in one call (``to_dict("records")``
    walks Arrow strings cell by cell in Python, once the main cost of building a framework)."""
    columns = [str(c) for c in df.columns.tolist()]
    rows = df.to_numpy(dtype=object, na_value=None).tolist()
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _plain(value: object) -> object:
    """A cell for the framework's identity: every missing marker is None."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


@dataclass(frozen=True, eq=False)
class Framework:
    """Immutable indicator tree.

    Build it with :meth:`from_table` (which validates and raises :class:`ValidationError`
    listing every problem), or :func:`indicators.load_framework` from a file.

    Attributes
    ----------
    table : DataFrame
        A copy of the validated table (columns :data:`FRAMEWORK_COLUMNS` then any extra ones;
        ``parent`` is ``<NA>`` for the root, ``direction`` is 1 for aggregates without one).
    root : str
        Code of the single node without a parent (the highest level).
    codes : tuple of str
        Every code, in file order.
    indicators : tuple of str
        Level-1 codes (the leaves), in file order.
    levels : tuple of int
        The levels present, sorted ascending.
    """

    _table: pd.DataFrame | None = field(repr=False)
    _children: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _rows: dict[str, dict] = field(init=False, repr=False)
    _columns: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        table = self._table.reset_index(drop=True).copy()
        object.__setattr__(self, "_table", table)
        self._index({rec["code"]: rec for rec in _records(table)}, tuple(map(str, table.columns)))

    def _index(self, rows: dict[str, dict], columns: tuple[str, ...]) -> None:
        children: dict[str, list[str]] = {code: [] for code in rows}
        for code, rec in rows.items():
            parent = rec["parent"]
            if not is_missing(parent):
                children[parent].append(code)
        object.__setattr__(self, "_rows", rows)
        object.__setattr__(self, "_columns", columns)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    @classmethod
    def _of(cls, rows: dict[str, dict], columns: tuple[str, ...]) -> Framework:
        """A framework from validated rows; its table is made when first read."""
        framework = cls.__new__(cls)
        object.__setattr__(framework, "_table", None)
        framework._index(rows, columns)
        return framework

    @property
    def _key(self) -> tuple:
        """The framework's content, for equality and hashing (made once)."""
        key = self.__dict__.get("_key_cache")
        if key is None:
            rows = tuple(tuple(map(_plain, rec.values())) for rec in self._rows.values())
            key = (self._columns, rows)
            object.__setattr__(self, "_key_cache", key)
        return key

    # ---------------------------------------------------------------------------- building
    @classmethod
    def from_table(
        cls,
        df: pd.DataFrame,
        source: str = "framework.csv",
        *,
        lines: Sequence[int] | None = None,
    ) -> Framework:
        """Validate a framework table and build the tree.

        Parameters
        ----------
        df : DataFrame
            One row per node, columns as in ``DESIGN.md`` §2. Only ``code, parent, level`` are
            required; ``direction`` is required on level-1 rows; ``name_zh``/``name_en``
            default to the code, ``weight`` to 1, text columns to ``""``.
        source : str
            File name used in problem messages.
        lines : sequence of int, optional
            File line of each row (default: header on line 1, rows from line 2).

        Raises
        ------
        ValidationError
            With every problem found: missing columns, empty, duplicate or reserved codes
            (:data:`RESERVED_CODES`), control characters, unknown parents, cycles, not exactly
            one root, inconsistent levels, leaves above level 1, aggregates without an
            indicator below, bad directions or weights, siblings that all weigh zero.
        """
        problems = ProblemCollector(source)
        df = df.copy()
        df.columns = [str(c).strip() for c in df.columns]
        line_of = list(lines) if lines is not None else [i + 2 for i in range(len(df))]
        missing = [c for c in _REQUIRED if c not in df.columns]
        for col in missing:
            problems.add(f"required column {col!r} is missing", column=col)
        if "direction" not in df.columns:
            problems.add("required column 'direction' is missing (needed for indicators)")
        if missing:
            problems.raise_if_errors()
        if len(df) == 0:
            problems.add("the framework has no rows")
            problems.raise_if_errors()

        records: list[dict] = []
        lines_by_code: dict[str, list[int]] = {}
        extras = [c for c in map(str, df.columns.tolist()) if c not in FRAMEWORK_COLUMNS]
        for pos, raw in enumerate(_records(df)):
            line = line_of[pos]
            code = normalise_identifier(_text(raw.get("code")))
            if not code:
                problems.add("code is empty", line, "code")
                continue
            lines_by_code.setdefault(code, []).append(line)
            bad = control_character(code)
            if bad is not None:
                problems.add(f"code {code!r} {bad}", line, "code")
            if code.casefold() in _RESERVED:
                problems.add(
                    f"code {code!r} is reserved: the engine's tables have a column of that name "
                    f"({', '.join(RESERVED_CODES)}); rename it",
                    line,
                    "code",
                )
            parent = normalise_identifier(_text(raw.get("parent")))
            bad = control_character(parent)
            if bad is not None:
                problems.add(f"parent {parent!r} {bad}", line, "parent")
            level_value, reason = parse_number(raw.get("level"), thousands=False)
            level: int | None = None
            if reason is None and not math.isnan(level_value):
                if level_value == int(level_value) and 1 <= level_value <= MAX_LEVEL:
                    level = int(level_value)
            if level is None:
                problems.add(
                    f"level must be a whole number from 1 to {MAX_LEVEL}, "
                    f"got {_shown(raw.get('level'))}",
                    line,
                    "level",
                )
            direction, reason = parse_direction(raw.get("direction"))
            if reason is not None:
                problems.add(reason, line, "direction")
            weight, reason = parse_number(raw.get("weight"), thousands=False)
            if reason is None and math.isnan(weight):
                weight = 1.0
            if reason is not None or weight < 0:
                problems.add(
                    f"weight must be a number ≥ 0, got {_shown(raw.get('weight'))}",
                    line,
                    "weight",
                )
                weight = 1.0
            texts = {c: _text(raw.get(c)) for c in ("name_zh", "name_en", *_TEXT_OPTIONAL)}
            # a unit given once (``unit``) serves both languages; ``unit`` is the English one
            texts["unit_zh"] = texts["unit_zh"] or texts["unit"] or texts["unit_en"]
            texts["unit_en"] = texts["unit_en"] or texts["unit"] or texts["unit_zh"]
            texts["unit"] = texts["unit"] or texts["unit_en"]
            for column, value in texts.items():
                bad = control_character(value, free_text=column in _TEXT_OPTIONAL)
                if bad is not None:
                    problems.add(f"{value!r} {bad}", line, column)
            for extra in extras:
                value = raw[extra]
                if isinstance(value, str):
                    bad = control_character(value, free_text=True)
                    if bad is not None:
                        problems.add(f"{value!r} {bad}", line, extra)
            rec = {
                "code": code,
                "parent": parent or None,
                "level": level,
                "name_zh": texts["name_zh"] or code,
                "name_en": texts["name_en"] or code,
                "direction": direction,
                "weight": float(weight),
                **{c: texts[c] for c in _TEXT_OPTIONAL},
                "_line": line,
                "_direction_given": not is_missing(raw.get("direction")),
            }
            for extra in extras:
                rec[extra] = raw[extra]
            records.append(rec)

        for code, seen in lines_by_code.items():
            if len(seen) > 1:
                for line in seen[1:]:
                    problems.add(
                        f"duplicate code {code!r} (first defined on row {seen[0]})", line, "code"
                    )
        by_code: dict[str, dict] = {}
        for rec in records:
            by_code.setdefault(rec["code"], rec)
        _check_tree(by_code, problems)
        problems.raise_if_errors()

        columns = (*FRAMEWORK_COLUMNS, *extras)
        rows = {}
        for code, rec in by_code.items():
            row = {c: rec[c] for c in columns}
            row["direction"] = rec["direction"] or 1  # aggregates without a direction read +1
            rows[code] = row
        return cls._of(rows, columns)

    def with_weights(self, mapping: Mapping[str, float]) -> Framework:
        """A new framework with some weights replaced (``code → weight``, relative to siblings).

        Raises
        ------
        ValidationError
            For unknown codes, weights that are not finite numbers ≥ 0, or siblings that would
            all weigh zero.
        """
        problems = ProblemCollector("weights")
        table = self.table
        weights = dict(zip(table["code"], table["weight"], strict=True))
        for code, value in mapping.items():
            number, reason = parse_number(value, thousands=False)
            if code not in weights:
                problems.add(f"unknown code {code!r}; valid codes: {', '.join(self.codes)}")
            elif reason is not None or math.isnan(number) or number < 0:
                problems.add(f"weight of {code!r} must be a number ≥ 0, got {value!r}")
            else:
                weights[code] = float(number)
        for parent, kids in self._children.items():
            if kids and all(weights[k] == 0 for k in kids):
                problems.add(f"all children of {parent!r} would have weight 0")
        problems.raise_if_errors()
        table["weight"] = [weights[c] for c in table["code"]]
        return Framework(table)

    # ---------------------------------------------------------------------------- reading
    @property
    def table(self) -> pd.DataFrame:
        """A copy of the validated framework table."""
        if self._table is None:
            object.__setattr__(self, "_table", self._make_table())
        return self._table.copy()

    def _make_table(self) -> pd.DataFrame:
        recs = list(self._rows.values())

        def text(column: str) -> pd.api.extensions.ExtensionArray:
            return pd.array([r[column] for r in recs], dtype="str")

        columns = {
            "code": text("code"),
            "parent": text("parent"),
            "level": np.asarray([r["level"] for r in recs], dtype=np.int64),
            "name_zh": text("name_zh"),
            "name_en": text("name_en"),
            "direction": np.asarray([r["direction"] for r in recs], dtype=np.int64),
            "weight": np.asarray([r["weight"] for r in recs], dtype=np.float64),
            **{c: text(c) for c in _TEXT_OPTIONAL},
            **{c: [r[c] for r in recs] for c in self._columns if c not in FRAMEWORK_COLUMNS},
        }
        return pd.DataFrame(columns)

    @property
    def root(self) -> str:
        return next(c for c, rec in self._rows.items() if is_missing(rec["parent"]))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._rows)

    @property
    def indicators(self) -> tuple[str, ...]:
        return self.codes_at(1)

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(sorted({int(rec["level"]) for rec in self._rows.values()}))

    def codes_at(self, level: int) -> tuple[str, ...]:
        """Codes at one level, in file order."""
        return tuple(c for c, rec in self._rows.items() if rec["level"] == level)

    def _rec(self, code: str) -> dict:
        try:
            return self._rows[code]
        except KeyError:
            raise KeyError(f"unknown framework code {code!r}") from None

    def children(self, code: str) -> tuple[str, ...]:
        """Direct children of ``code`` in file order (empty for an indicator)."""
        self._rec(code)
        return self._children[code]

    def parent(self, code: str) -> str | None:
        """Parent code, or ``None`` for the root."""
        parent = self._rec(code)["parent"]
        return None if is_missing(parent) else str(parent)

    def level(self, code: str) -> int:
        return int(self._rec(code)["level"])

    def direction(self, code: str) -> int:
        """+1 (higher is better) or −1; aggregates without a direction have +1."""
        return int(self._rec(code)["direction"])

    def weight(self, code: str) -> float:
        """Weight relative to the siblings (not normalised)."""
        return float(self._rec(code)["weight"])

    def name(self, code: str, lang: str = "zh") -> str:
        """Display name in ``"zh"`` or ``"en"`` (defaults to the code when not given)."""
        return str(self._rec(code)["name_en" if lang == "en" else "name_zh"])

    def unit(self, code: str, lang: str = "zh") -> str:
        """Unit of an indicator in ``"zh"`` or ``"en"`` (``unit_zh``/``unit_en``; a framework
        with a single ``unit`` column uses it for both)."""
        rec = self._rec(code)
        value = rec.get("unit_en" if lang == "en" else "unit_zh") or rec.get("unit") or ""
        return str(value)

    def definition(self, code: str, lang: str = "zh") -> str:
        """Definition in ``lang``, falling back to the other language, then ``""``."""
        rec = self._rec(code)
        first, second = ("definition_en", "definition_zh")
        if lang != "en":
            first, second = second, first
        return str(rec[first] or rec[second])

    def indicators_under(self, code: str) -> tuple[str, ...]:
        """Level-1 codes below ``code`` (``code`` itself for an indicator), in file order."""
        self._rec(code)
        below: set[str] = set()
        stack = [code]
        while stack:
            node = stack.pop()
            kids = self._children[node]
            if not kids:
                below.add(node)
            stack.extend(kids)
        return tuple(c for c in self.indicators if c in below)

    # ---------------------------------------------------------------------------- dunder
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Framework) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return (
            f"Framework(root={self.root!r}, levels={list(self.levels)}, "
            f"{len(self.indicators)} indicators, {len(self.codes)} nodes)"
        )


def _shown(value: object) -> str:
    return "nothing" if is_missing(value) else repr(value)


def _check_tree(by_code: dict[str, dict], problems: ProblemCollector) -> None:
    """Structural checks; appends to ``problems``."""
    children: dict[str, list[str]] = {c: [] for c in by_code}
    for code, rec in by_code.items():
        parent = rec["parent"]
        if parent is None:
            continue
        if parent == code:
            problems.add(f"{code!r} is its own parent", rec["_line"], "parent")
        elif parent not in by_code:
            problems.add(
                f"parent {parent!r} of {code!r} is not a code in the framework",
                rec["_line"],
                "parent",
            )
        else:
            children[parent].append(code)

    roots = [c for c, rec in by_code.items() if rec["parent"] is None]
    if not roots:
        problems.add("no root: exactly one node must have an empty parent (the index)")
    elif len(roots) > 1:
        shown = ", ".join(f"{c!r} (row {by_code[c]['_line']})" for c in roots)
        problems.add(f"{len(roots)} roots ({shown}): exactly one node may have an empty parent")

    # cycles: follow parents from every node; each node is walked once (a loop, not recursion:
    # chains up to MAX_LEVEL deep are valid)
    state: dict[str, int] = {}  # 1 on the current walk, 2 done
    for start in by_code:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in by_code and node not in state:
            state[node] = 1
            position[node] = len(path)
            path.append(node)
            node = by_code[node]["parent"]
        if node is not None and state.get(node) == 1 and node != by_code[node]["parent"]:
            cycle = path[position[node] :]
            first = min(cycle, key=lambda c: by_code[c]["_line"])
            loop = [*cycle[cycle.index(first) :], *cycle[: cycle.index(first)], first]
            problems.add(
                f"cycle in the tree: {' → '.join(loop)}", by_code[first]["_line"], "parent"
            )
        for walked in path:
            state[walked] = 2

    levels = {c: rec["level"] for c, rec in by_code.items()}
    for code, rec in by_code.items():
        parent = rec["parent"]
        if parent in by_code and None not in (levels[code], levels[parent]):
            if levels[code] >= levels[parent]:
                problems.add(
                    f"{code!r} has level {levels[code]} but its parent {parent!r} has level "
                    f"{levels[parent]}: a child's level must be lower than its parent's",
                    rec["_line"],
                    "level",
                )
        if levels[code] is not None and levels[code] > 1 and not children[code]:
            problems.add(
                f"{code!r} is at level {levels[code]} but has no children: indicators (nodes "
                "without children) must be level 1, and every aggregate needs a child",
                rec["_line"],
                "level",
            )
        if levels[code] == 1 and children[code]:
            problems.add(
                f"{code!r} is at level 1 (indicator) but has children: {', '.join(children[code])}",
                rec["_line"],
                "level",
            )
        if levels[code] == 1 and not rec["_direction_given"]:
            problems.add(
                f"direction is required for indicator {code!r} (+1 or -1)",
                rec["_line"],
                "direction",
            )
    if roots and len(roots) == 1 and levels[roots[0]] is not None:
        top = max(v for v in levels.values() if v is not None)
        if levels[roots[0]] != top:
            problems.add(
                f"the root {roots[0]!r} has level {levels[roots[0]]} but the highest level is {top}",
                by_code[roots[0]]["_line"],
                "level",
            )

    # aggregates with no level-1 indicator below them: mark the ancestors of every level-1
    # leaf, walking up (each node is marked once, so cycles end the walk)
    has_indicator: set[str] = set()
    for code in by_code:
        node: str | None = code if levels[code] == 1 and not children[code] else None
        while node is not None and node in by_code and node not in has_indicator:
            has_indicator.add(node)
            node = by_code[node]["parent"]
    for code, rec in by_code.items():
        if children[code] and code not in has_indicator:
            problems.add(
                f"aggregate {code!r} has no level-1 indicator below it", rec["_line"], "code"
            )

    # siblings that all weigh zero
    for parent, kids in children.items():
        if kids and all(by_code[k]["weight"] == 0 for k in kids):
            problems.add(
                f"all children of {parent!r} have weight 0 ({', '.join(kids)}): at least one "
                "must weigh more than 0",
                by_code[kids[0]]["_line"],
                "weight",
            )
