"""A build: everything one index computation is made from, as one frozen, validated value.

As a COINr coin holds its data, its metadata and its log of build calls, a :class:`Build` holds
the peer group's data, the framework, the config (every method choice), the members of the peer
group, the units' groups (for group imputation) and names, and where the data came from. It is
made once by :meth:`Build.create`, which validates all of it and raises one
:class:`~indicators.validate.ValidationError` listing every problem, so a build that exists can
run. Then

* :func:`indicators.run_pipeline` (``build``) gives a :class:`~indicators.result.Result` that
  keeps its build;
* :func:`indicators.regenerate` (``result, **changes``), :func:`indicators.uncertainty` and
  :func:`indicators.what_it_takes` need nothing else;
* :attr:`Build.key` is a collision-free identity of everything that determines the result
  (length-prefixed SHA-256 of every part), so caches can be keyed on it safely: two builds with
  the same key give the same result, and two different uploads never share a key.

The data are held as arrays (:class:`Panel`): rows are the unit-years of the peer group sorted
by ``(adcode, year)``, columns the framework's indicators.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from indicators.cells import MAX_MAGNITUDE
from indicators.config import Config
from indicators.framework import Framework
from indicators.methods import IMPUTE
from indicators.tree import Tree, tree_of
from indicators.validate import Problem, ValidationError

__all__ = ["Build", "Panel"]


@dataclass(frozen=True, eq=False)
class Panel:
    """The build's data as arrays (read-only).

    Attributes
    ----------
    adcodes : (n,) object array of str — unit of each row.
    years : (n,) int64 array — year of each row (0 when the data have no years).
    X : (n, p) float64 array — raw indicator values, columns in ``tree.indicators`` order.
    groups : (n,) int64 array or None — the unit's group (e.g. province) as an integer code,
        -1 for none; ``None`` when the build has no unit groups.
    keys : DataFrame — ``adcode`` (str) and ``year`` (int64), shared by every result frame
        (made on first use).
    """

    adcodes: np.ndarray
    years: np.ndarray
    X: np.ndarray
    groups: np.ndarray | None

    @cached_property
    def adcode_array(self) -> pd.api.extensions.ExtensionArray:
        """The unit ids as pandas' string array (the ``adcode`` column of every table)."""
        return pd.array(self.adcodes, dtype="str")

    @cached_property
    def keys(self) -> pd.DataFrame:
        return pd.DataFrame({"adcode": self.adcode_array, "year": self.years})

    @property
    def n(self) -> int:
        return int(self.years.size)

    def with_columns(self, positions: Sequence[int]) -> Panel:
        """The same rows with only some indicator columns (for a smaller framework)."""
        X = self.X[:, list(positions)]
        X.flags.writeable = False
        return dataclasses.replace(self, X=X)


def _freeze(*arrays: np.ndarray) -> None:
    for a in arrays:
        if a is not None:
            a.flags.writeable = False


@dataclass(frozen=True, eq=False)
class Build:
    """Everything one index computation is made from (see the module docstring).

    Make one with :meth:`Build.create`; change one with :meth:`replace`.

    Attributes
    ----------
    framework : Framework
    config : Config
    members : tuple of str
        Adcodes of the peer group that have data, sorted.
    absent : tuple of str
        Adcodes asked for as members that have no row in the data (reported, not computed).
    unit_groups : tuple of (adcode, group) pairs, or None
        Groups for ``group_mean``/``group_median`` imputation (by default the province).
    units : DataFrame or None
        The units table (names, provinces, group columns) restricted to the members.
    source : str
        Where the data came from (a file name, "bundled census data", ...); part of the identity.
    panel : Panel
        The data as arrays.
    """

    framework: Framework
    config: Config
    members: tuple[str, ...]
    absent: tuple[str, ...]
    unit_groups: tuple[tuple[str, str], ...] | None
    units: pd.DataFrame | None = field(repr=False)
    source: str
    panel: Panel = field(repr=False)

    # ---------------------------------------------------------------------------- making one
    @classmethod
    def create(
        cls,
        data: pd.DataFrame,
        framework: Framework,
        config: Config | None = None,
        *,
        members: str | Iterable[str] | None = None,
        units: pd.DataFrame | None = None,
        unit_groups: Mapping[str, Any] | None = None,
        source: str = "",
    ) -> Build:
        """Validate the inputs and make a build.

        Parameters
        ----------
        data : DataFrame
            Wide table: ``adcode``, ``year`` (optional: a single period ``year = 0`` if
            absent) and one numeric column per indicator of the framework; other columns are
            ignored. Never modified.
        framework : Framework
        config : Config, default ``Config()`` (COINr's default build)
        members : peer group, optional
            A spec resolved against ``units`` by :func:`indicators.select_units` (``"yrd27"``,
            ``"all"``, a province, ``"310000,320100"``) or a sequence of adcodes. Default:
            every unit of the data. The data are restricted to it **first**, so every bound,
            weight and rank is learned within the group.
        units : DataFrame, optional
            The units table (``adcode``, names, ``province_zh``, 0/1 group columns). Needed to
            resolve a named ``members`` spec; its ``province_zh`` column gives the default
            ``unit_groups``.
        unit_groups : mapping adcode -> group, optional
            Groups for group imputation; overrides the provinces of ``units``.
        source : str
            Where the data came from (shown in exports; part of :attr:`key`).

        Raises
        ------
        ValidationError
            Every problem at once: in the config (against the framework), in the data (missing
            or non-numeric indicator columns, values that are not finite, duplicate unit-years),
            in the peer group (unknown names or adcodes, no data rows) and a group imputation
            without groups.
        """
        config = Config() if config is None else config
        problems = list(config.validate(framework))
        problems.extend(_data_problems(data, framework))
        member_list = None
        if members is not None:
            try:
                member_list = _resolve(members, units, data)
            except ValidationError as err:
                problems.extend(err.problems)
        if problems:
            raise ValidationError(problems)
        groups = _groups(unit_groups, units)
        problems = _group_problems(config, groups is not None)
        if problems:
            raise ValidationError(problems)
        tree = tree_of(framework)
        panel, present, absent = _panel(data, tree, member_list, groups)
        unit_table = None
        if units is not None:
            kept = set(present)  # a set lookup (Series.isin on Arrow strings is slow)
            codes = units["adcode"].astype("str").to_numpy(dtype=object)
            chosen = np.fromiter((a in kept for a in codes), dtype=bool, count=len(codes))
            unit_table = units.loc[chosen].reset_index(drop=True)
        return cls(
            framework=framework,
            config=config,
            members=present,
            absent=absent,
            unit_groups=None if groups is None else tuple(sorted(groups.items())),
            units=unit_table,
            source=str(source),
            panel=panel,
        )

    def replace(
        self, *, config: Config | None = None, framework: Framework | None = None, **changes: Any
    ) -> Build:
        """A build with another config (``config=`` or config fields as keywords) and/or a
        framework with a subset of this one's indicators (e.g. one dropped); the data and the
        peer group stay. Validates the new config against the framework."""
        config = (self.config if config is None else config).replace(**changes)
        framework = self.framework if framework is None else framework
        problems = config.validate(framework)
        panel = self.panel
        if framework is not self.framework:
            tree = tree_of(self.framework)
            missing = [c for c in framework.indicators if c not in tree.index]
            if missing:
                problems.append(
                    Problem("framework", None, None, f"indicators not in the data: {missing}")
                )
            else:
                panel = panel.with_columns([tree.indicators.index(c) for c in framework.indicators])
        problems.extend(_group_problems(config, self.unit_groups is not None))
        if problems:
            raise ValidationError(problems)
        return dataclasses.replace(self, config=config, framework=framework, panel=panel)

    # ---------------------------------------------------------------------------- reading
    @property
    def tree(self) -> Tree:
        return tree_of(self.framework)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in np.unique(self.panel.years))

    @cached_property
    def _data(self) -> pd.DataFrame:
        body = pd.DataFrame(self.panel.X, columns=list(self.tree.indicators))
        return pd.concat([self.panel.keys, body], axis=1)

    @property
    def data(self) -> pd.DataFrame:
        """The peer group's data: ``adcode, year`` and the indicators (a fresh frame)."""
        return self._data.copy(deep=False)

    @cached_property
    def key_parts(self) -> dict[str, str]:
        """SHA-256 of each part that determines the result (data ids, years and values,
        framework, config, members, absent members, unit groups, units, source), so that a
        difference can be named (e.g. when a recipe is checked against the data it is given)."""

        def digest(payload: bytes) -> str:
            return hashlib.sha256(payload).hexdigest()

        X = np.where(np.isnan(self.panel.X), np.nan, self.panel.X)  # one NaN bit pattern
        units = None if self.units is None else self.units.to_dict("split")
        return {
            "data.adcodes": digest(_strings(self.panel.adcodes)),
            "data.years": digest(np.ascontiguousarray(self.panel.years, dtype="<i8").tobytes()),
            "data.values": digest(np.ascontiguousarray(X, dtype="<f8").tobytes()),
            "framework": digest(_canonical(self.framework.table.to_dict("split"))),
            "config": digest(_canonical(self.config.to_dict())),
            "members": digest(_strings(self.members)),
            "absent": digest(_strings(self.absent)),
            "unit_groups": digest(_canonical(self.unit_groups)),
            "units": digest(_canonical(units)),
            "source": digest(self.source.encode("utf-8", "surrogatepass")),
        }

    @cached_property
    def key(self) -> str:
        """SHA-256 of everything that determines the result: the digests of
        :attr:`key_parts`, each with its name (fixed-length digests, so no two builds can share
        a key by moving bytes from one part into another)."""
        joined = "".join(f"{tag}\x00{value}\n" for tag, value in self.key_parts.items())
        return hashlib.sha256(joined.encode()).hexdigest()

    def describe(self) -> dict[str, Any]:
        """Plain data naming the build (for exports and the log): source, members, config."""
        return {
            "source": self.source,
            "units": len(self.members),
            "members": list(self.members),
            "absent": list(self.absent),
            "years": list(self.years),
            "indicators": len(self.tree.indicators),
            "config": self.config.to_dict(),
        }


# ---------------------------------------------------------------------------- helpers
def _group_problems(config: Config, has_groups: bool) -> list[Problem]:
    """A group imputation needs the units' groups."""
    if not IMPUTE[config.impute].needs_groups or has_groups:
        return []
    return [
        Problem(
            "config",
            None,
            "impute",
            f"impute={config.impute!r} needs the units' groups (e.g. provinces): give a units "
            "table with a province_zh column, or unit_groups",
        )
    ]


def _strings(values: Iterable[str]) -> bytes:
    """Unambiguous bytes of a sequence of texts: each one length-prefixed."""
    out = bytearray()
    for v in values:
        b = str(v).encode("utf-8", "surrogatepass")
        out += len(b).to_bytes(8, "big") + b
    return bytes(out)


def _canonical(value: Any) -> bytes:
    def plain(v: Any) -> Any:
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        if v is None or v is pd.NA:
            return None
        if isinstance(v, np.generic):
            return plain(v.item())
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        return v

    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False, default=str).encode(
        "utf-8", "surrogatepass"
    )


def _data_problems(data: Any, framework: Framework) -> list[Problem]:
    if not isinstance(data, pd.DataFrame):
        return [Problem("data", None, None, "data must be a table (DataFrame)")]
    out = []
    dtypes = dict(zip(map(str, data.columns.tolist()), data.dtypes.tolist(), strict=True))
    if "adcode" not in dtypes:
        out.append(Problem("data", None, "adcode", "the column 'adcode' is missing"))
    for c in framework.indicators:
        dtype = dtypes.get(c)
        if dtype is None:
            out.append(
                Problem(
                    "data", None, c, f"indicator {c!r} of the framework has no column in the data"
                )
            )
        elif not _numeric(dtype):
            out.append(Problem("data", None, c, f"column {c!r} must hold numbers"))
    if "year" in dtypes and not pd.api.types.is_integer_dtype(dtypes["year"]):
        out.append(Problem("data", None, "year", "column 'year' must hold whole numbers"))
    return out


def _numeric(dtype: Any) -> bool:
    """A numeric, non-boolean dtype (numpy kinds checked directly: this runs per column)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "iuf"
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _value_problems(X: np.ndarray, tree: Tree) -> list[Problem]:
    """Values the arithmetic cannot take: infinities and magnitudes above MAX_MAGNITUDE."""
    bad = ~np.isnan(X) & ~(np.abs(X) <= MAX_MAGNITUDE)
    out = []
    for j in np.flatnonzero(bad.any(axis=0)):
        c = tree.indicators[j]
        column = X[:, j][bad[:, j]]
        out.append(
            Problem(
                "data",
                None,
                c,
                f"column {c!r} has {column.size} value(s) that are infinite or of magnitude "
                f"above {MAX_MAGNITUDE:g} (e.g. {column[0]!r})",
            )
        )
    return out


def _resolve(members: str | Iterable[str], units: pd.DataFrame | None, data: pd.DataFrame):
    """A spec (text) is resolved by :func:`~indicators.groups.select_units`, which refuses
    unknown names; a sequence of adcodes is taken as given (those without data are reported
    in :attr:`Build.absent`)."""
    from indicators.groups import select_units

    if not isinstance(members, str):
        return sorted({str(m).strip() for m in members})
    if units is None:
        units = pd.DataFrame({"adcode": pd.unique(data["adcode"].astype("str"))})
    return select_units(units, members)


def _groups(unit_groups: Mapping[str, Any] | None, units: pd.DataFrame | None):
    if unit_groups is not None:
        return {str(k): str(v) for k, v in unit_groups.items() if v is not None}
    if units is not None and "province_zh" in units.columns:
        pairs = zip(
            units["adcode"].astype("str").to_numpy(dtype=object),
            units["province_zh"].to_numpy(dtype=object),
            strict=True,
        )
        out = {a: str(p) for a, p in pairs if isinstance(p, str) and p.strip()}
        return out or None
    return None


def _panel(
    data: pd.DataFrame,
    tree: Tree,
    members: list[str] | None,
    groups: dict[str, str] | None,
) -> tuple[Panel, tuple[str, ...], tuple[str, ...]]:
    adcode = data["adcode"].astype("str")
    ids = adcode.to_numpy(dtype=object)
    absent: tuple[str, ...] = ()
    keep = None
    if members is not None:
        # a set lookup: Series.isin on Arrow strings costs ~10 ms for 5,000 county rows
        wanted = set(members)
        keep = np.fromiter((a in wanted for a in ids), dtype=bool, count=len(ids))
        absent = tuple(sorted(wanted.difference(ids[keep])))
    if "year" in data.columns:
        years = data["year"].to_numpy(dtype=np.int64)
    else:
        years = np.zeros(len(data), dtype=np.int64)
    position = {str(c): j for j, c in enumerate(data.columns.tolist())}
    X = data.iloc[:, [position[c] for c in tree.indicators]].to_numpy(dtype=float, na_value=np.nan)
    if keep is not None and not keep.all():
        ids, years, X = ids[keep], years[keep], X[keep]
    if ids.size == 0:
        raise ValidationError(
            [Problem("data", None, "adcode", "no data rows for the chosen units")]
        )
    codes, uniques = pd.factorize(ids, sort=True)
    order = np.lexsort((years, codes))
    if not np.array_equal(order, np.arange(order.size)):
        ids, years, X, codes = ids[order], years[order], X[order], codes[order]
    same = (codes[1:] == codes[:-1]) & (years[1:] == years[:-1])
    if same.any():
        rows = np.flatnonzero(same) + 1
        raise ValidationError(
            [
                Problem("data", None, "adcode", f"{ids[i]} appears twice for year {years[i]}")
                for i in rows
            ]
        )
    X = np.array(X, dtype=float, copy=True)  # own, contiguous, never shared with the caller
    years = np.array(years, dtype=np.int64, copy=True)
    group_codes = None
    if groups is not None:
        labels = pd.Series(ids).map(groups)
        group_codes = pd.factorize(labels, use_na_sentinel=True)[0].astype(np.int64)
    _freeze(ids, years, X, group_codes)
    panel = Panel(adcodes=ids, years=years, X=X, groups=group_codes)
    return panel, tuple(str(u) for u in uniques), absent
