"""One frozen config object holds every methodological choice of a build.

Like a scikit-learn estimator, :class:`Config` *stores* settings and never validates them in its
constructor; :meth:`Config.validate` lists every bad field (with the allowed values) and
:func:`indicators.run_pipeline` raises :class:`~indicators.validate.ValidationError` on them. A
config is hashable, so it can key a cache, and round-trips through plain data
(``Config.from_dict(c.to_dict()) == c``), so a build can be stored and regenerated (COINr's log /
``Regen()``). Defaults reproduce COINr's default build (no imputation, no treatment, min-max
0-100, framework weights, arithmetic mean).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indicators.methods import AGGREGATE, IMPUTE, NORMALISE, TREAT, WEIGHTS
from indicators.validate import Problem, ValidationError

__all__ = ["Config", "NORMALISE_SCOPES"]

NORMALISE_SCOPES = ("pooled", "per_year")
_SOURCE = "config"


def _tuplify(value: Any) -> Any:
    """Lists (from JSON/YAML) back to tuples, recursively, so the config stays hashable."""
    if isinstance(value, list | tuple):
        return tuple(_tuplify(v) for v in value)
    return value


def _listify(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_listify(v) for v in value]
    return value


def _is_number(v: object) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(float(v))


@dataclass(frozen=True)
class Config:
    """Every methodological choice of one build (see ``docs/ENGINE_API.md`` for the table).

    Parameters
    ----------
    impute : str
        ``none`` (default), ``mean``, ``median``, ``group_mean``, ``group_median``, ``latest``.
    treat : str
        ``none`` (default) or ``coinr`` (COINr ``Treat()`` defaults).
    treat_skew, treat_kurt, treat_winmax : float, float, int
        Thresholds of the COINr rule: treat when ``|skew| >= treat_skew`` and
        ``kurtosis >= treat_kurt``; winsorise at most ``treat_winmax`` points.
    normalise : str
        ``minmax`` (default), ``zscore``, ``rank``, ``percentile``, ``goalposts``,
        ``distance_to_frontier``.
    normalise_scope : str
        ``pooled`` (bounds over all years, default) or ``per_year``. Outlier treatment uses the
        same scope.
    goalposts : tuple of (code, low, high)
        Goalposts per indicator (``normalise="goalposts"``), in the indicator's units.
    weights : str
        ``framework`` (default), ``equal``, ``entropy``, ``critic``, ``pca``, ``ahp``.
    weights_levels : tuple of int
        Levels of the weighted nodes the method applies to (1 = indicators within their
        parents, 2 = the level-2 nodes within theirs, ...); empty = every level. Other levels
        keep the framework weights.
    weight_overrides : tuple of (code, weight)
        Applied after the method: the code's weight is replaced by this value on the scale of
        its siblings' weights (normalised to sum 1), then the siblings are renormalised.
    ahp : tuple of (parent_code, matrix)
        Pairwise comparison matrices (tuples of row tuples), children in framework order.
    aggregate : str
        ``arithmetic`` (default), ``geometric``, ``harmonic``.
    aggregate_by_level : tuple of (level, method)
        Method for the aggregates computed at a level (2 = indicators into level-2 nodes).
    min_coverage : float
        Minimum share of the children's weight that must be present, else the aggregate is
        missing (default 0.5).
    """

    impute: str = "none"
    treat: str = "none"
    treat_skew: float = 2.0
    treat_kurt: float = 3.5
    treat_winmax: int = 5
    normalise: str = "minmax"
    normalise_scope: str = "pooled"
    goalposts: tuple = ()
    weights: str = "framework"
    weights_levels: tuple = ()
    weight_overrides: tuple = ()
    ahp: tuple = ()
    aggregate: str = "arithmetic"
    aggregate_by_level: tuple = ()
    min_coverage: float = 0.5

    # ------------------------------------------------------------------ plain data
    def replace(self, **changes: Any) -> Config:
        """A copy with some fields changed (lists are stored as tuples)."""
        return dataclasses.replace(self, **{k: _tuplify(v) for k, v in changes.items()})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dict (tuples become lists)."""
        return {f.name: _listify(getattr(self, f.name)) for f in _fields()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Config:
        """Build a config from plain data (e.g. ``to_dict()`` output or parsed JSON).

        Unknown keys raise :class:`ValidationError` (they would otherwise be silently lost);
        values are stored as given and checked by :meth:`validate`.
        """
        names = {f.name for f in _fields()}
        unknown = [k for k in d if k not in names]
        if unknown:
            raise ValidationError(
                [
                    Problem(
                        _SOURCE,
                        None,
                        str(k),
                        f"unknown setting {k!r}; known: {', '.join(sorted(names))}",
                    )
                    for k in unknown
                ]
            )
        return cls(**{k: _tuplify(v) for k, v in d.items()})

    def aggregate_for(self, level: int) -> str:
        """Aggregation method for the aggregates computed at ``level``."""
        for lev, method in self.aggregate_by_level:
            if lev == level:
                return method
        return self.aggregate

    def weights_apply_at(self, level: int) -> bool:
        """Whether the weighting method applies to the nodes at ``level``."""
        return not self.weights_levels or level in self.weights_levels

    # ------------------------------------------------------------------ validation
    def validate(self, framework: Any = None) -> list[Problem]:
        """Every problem with these settings (empty list = valid).

        Parameters
        ----------
        framework : Framework, optional
            When given, codes in ``goalposts``, ``weight_overrides`` and ``ahp`` are checked
            against it, as are the AHP matrix sizes and the levels.
        """
        out: list[Problem] = []

        def bad(column: str, message: str, severity: str = "error") -> None:
            out.append(Problem(_SOURCE, None, column, message, severity))

        for name, registry in (
            ("impute", IMPUTE),
            ("treat", TREAT),
            ("normalise", NORMALISE),
            ("weights", WEIGHTS),
            ("aggregate", AGGREGATE),
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or value not in registry:
                bad(name, f"{name} must be one of {', '.join(registry)}; got {value!r}")
        if self.normalise_scope not in NORMALISE_SCOPES:
            bad(
                "normalise_scope",
                f"normalise_scope must be one of {', '.join(NORMALISE_SCOPES)}; "
                f"got {self.normalise_scope!r}",
            )
        if not _is_number(self.treat_skew) or self.treat_skew <= 0:
            bad("treat_skew", f"treat_skew must be a number > 0; got {self.treat_skew!r}")
        if not _is_number(self.treat_kurt):
            bad("treat_kurt", f"treat_kurt must be a number; got {self.treat_kurt!r}")
        if (
            not isinstance(self.treat_winmax, numbers.Integral)
            or isinstance(self.treat_winmax, bool)
            or self.treat_winmax < 0
        ):
            bad("treat_winmax", f"treat_winmax must be an integer >= 0; got {self.treat_winmax!r}")
        if not _is_number(self.min_coverage) or not 0 <= self.min_coverage <= 1:
            bad(
                "min_coverage",
                f"min_coverage must be a number in [0, 1]; got {self.min_coverage!r}",
            )

        codes = set(framework.codes) if framework is not None else None
        levels = set(framework.levels) if framework is not None else None

        # goalposts
        if not isinstance(self.goalposts, tuple):
            bad("goalposts", "goalposts must be a tuple of (code, low, high)")
        else:
            seen: set = set()
            for item in self.goalposts:
                if not (isinstance(item, tuple) and len(item) == 3):
                    bad("goalposts", f"each goalpost must be (code, low, high); got {item!r}")
                    continue
                code, low, high = item
                if not (_is_number(low) and _is_number(high)) or not low < high:
                    bad(
                        "goalposts",
                        f"goalposts for {code!r} need numbers low < high; got ({low!r}, {high!r})",
                    )
                if code in seen:
                    bad("goalposts", f"goalposts for {code!r} given twice")
                seen.add(code)
                if framework is not None and code not in framework.indicators:
                    bad("goalposts", f"goalposts for {code!r}: not an indicator of the framework")

        # weights_levels
        if not isinstance(self.weights_levels, tuple) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in self.weights_levels
        ):
            bad(
                "weights_levels",
                f"weights_levels must be a tuple of integers; got {self.weights_levels!r}",
            )
        elif levels is not None:
            weighted = sorted(levels)[:-1]
            for lev in self.weights_levels:
                if lev not in weighted:
                    bad(
                        "weights_levels",
                        f"level {lev} has no weights; levels with weights: "
                        f"{', '.join(map(str, weighted))}",
                    )

        # weight overrides
        if not isinstance(self.weight_overrides, tuple):
            bad("weight_overrides", "weight_overrides must be a tuple of (code, weight)")
        else:
            for item in self.weight_overrides:
                if not (isinstance(item, tuple) and len(item) == 2):
                    bad("weight_overrides", f"each override must be (code, weight); got {item!r}")
                    continue
                code, w = item
                if not _is_number(w) or w < 0:
                    bad("weight_overrides", f"weight for {code!r} must be a number >= 0; got {w!r}")
                if codes is not None and (code not in codes or code == framework.root):
                    bad("weight_overrides", f"{code!r} is not a weighted code of the framework")

        # AHP
        self._validate_ahp(bad, framework)

        # aggregation by level
        if not isinstance(self.aggregate_by_level, tuple):
            bad("aggregate_by_level", "aggregate_by_level must be a tuple of (level, method)")
        else:
            for item in self.aggregate_by_level:
                if not (isinstance(item, tuple) and len(item) == 2):
                    bad("aggregate_by_level", f"each entry must be (level, method); got {item!r}")
                    continue
                lev, method = item
                if method not in AGGREGATE:
                    bad(
                        "aggregate_by_level",
                        f"method for level {lev!r} must be one of "
                        f"{', '.join(AGGREGATE)}; got {method!r}",
                    )
                if levels is not None and (lev not in levels or lev == min(levels)):
                    bad(
                        "aggregate_by_level",
                        f"level {lev!r} has no aggregates; levels with "
                        f"aggregates: {', '.join(map(str, sorted(levels)[1:]))}",
                    )

        # combinations
        means = {self.aggregate}
        if isinstance(self.aggregate_by_level, tuple):
            means |= {i[1] for i in self.aggregate_by_level if isinstance(i, tuple) and len(i) == 2}
        if self.normalise == "zscore" and means & {"geometric", "harmonic"}:
            bad(
                "aggregate",
                "geometric and harmonic means need non-negative normalised values; "
                "z-scores are negative for half the units: use minmax, percentile, rank, "
                "goalposts or distance_to_frontier",
            )
        return out

    def _validate_ahp(self, bad, framework) -> None:
        if not isinstance(self.ahp, tuple):
            bad("ahp", "ahp must be a tuple of (parent_code, matrix)")
            return
        for item in self.ahp:
            if not (isinstance(item, tuple) and len(item) == 2):
                bad("ahp", f"each entry must be (parent_code, matrix); got {item!r}")
                continue
            parent, matrix = item
            rows = matrix if isinstance(matrix, tuple) else None
            n = len(rows) if rows is not None else -1
            if (
                rows is None
                or n == 0
                or not all(
                    isinstance(r, tuple) and len(r) == n and all(_is_number(v) for v in r)
                    for r in rows
                )
            ):
                bad("ahp", f"matrix for {parent!r} must be a square table of numbers")
                continue
            if any(v <= 0 for r in rows for v in r):
                bad("ahp", f"matrix for {parent!r}: every entry must be > 0")
                continue
            for i in range(n):
                if abs(rows[i][i] - 1) > 1e-9:
                    bad("ahp", f"matrix for {parent!r}: diagonal entry {i + 1} must be 1")
                for j in range(i + 1, n):
                    if abs(rows[i][j] * rows[j][i] - 1) > 1e-6:
                        bad(
                            "ahp",
                            f"matrix for {parent!r} is not reciprocal: a[{i + 1},{j + 1}]"
                            f" = {rows[i][j]} but a[{j + 1},{i + 1}] = {rows[j][i]} (should be "
                            f"{1 / rows[i][j]:.6g})",
                        )
            if framework is not None:
                if parent not in framework.codes or framework.level(parent) == 1:
                    bad("ahp", f"{parent!r} is not an aggregate of the framework")
                elif len(framework.children(parent)) != n:
                    bad(
                        "ahp",
                        f"matrix for {parent!r} is {n}x{n} but it has "
                        f"{len(framework.children(parent))} children",
                    )


def _fields() -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(Config)
