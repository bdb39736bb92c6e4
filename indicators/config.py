"""One frozen config object holds every methodological choice of a build.

Like a scikit-learn estimator, :class:`Config` *stores* settings and never validates them in its
constructor. What each setting may hold is declared once, in :data:`PARAMETERS` (a
:class:`~indicators.params.Param` per field, with its constraint, help text, command-line flag,
link key and labels); :meth:`Config.validate` checks every field against its declaration, then
the rules that involve several fields (:data:`RULES`), and lists every problem with the allowed
values. The same declaration drives the command line (``indicators.cli``) and the dashboard's
sidebar and links (``ui.state``). A config is hashable, so it can key a cache, and round-trips
through plain data (``Config.from_dict(c.to_dict()) == c``), so a build can be stored and
regenerated (COINr's log / ``Regen()``). Defaults reproduce COINr's default build (no
imputation, no treatment, min-max 0-100, framework weights, arithmetic mean), with one
addition COINr's default build does not make: unit-years with too little data are screened out
of the ranking (``screen="exclude"``; ``screen="none"`` is COINr's default).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from indicators.methods import AGGREGATE, METHODS
from indicators.params import Interval, IntTuple, Matrices, OneOf, Pairs, Param, is_number
from indicators.validate import Problem, ValidationError

__all__ = ["Config", "PARAMETERS", "RULES", "NORMALISE_SCOPES", "SCREENS", "MAX_WEIGHT"]

NORMALISE_SCOPES = ("pooled", "per_year")
SCREENS = ("exclude", "flag", "none")
#: Largest weight override: relative weights beyond this are a typo, and their sums overflow.
MAX_WEIGHT = 1e12
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


@dataclass(frozen=True)
class Config:
    """Every methodological choice of one build (declared in :data:`PARAMETERS`; see
    ``docs/ENGINE_API.md`` for the table).

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
    screen : str
        Data-availability screening of each unit-year before anything is learned (COINr
        ``Screen(unit_screen = "byNA")``): ``exclude`` (default: a unit-year that fails the rule
        is left out of the computation and the ranking, and listed with the reason), ``flag``
        (computed and ranked, marked) or ``none``. See :func:`indicators.steps.screen`.
    screen_min_share : float
        The rule's minimum share of the framework's indicators present (default 0.75); with
        three or more levels, no dimension (child of the index) may be wholly missing either.
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
    screen: str = "exclude"
    screen_min_share: float = 0.75

    # ------------------------------------------------------------------ plain data
    def replace(self, **changes: Any) -> Config:
        """A copy with some fields changed (lists are stored as tuples).

        Raises :class:`ValidationError` for a name that is not a setting."""
        _check_names(changes)
        return dataclasses.replace(self, **{k: _tuplify(v) for k, v in changes.items()})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dict (tuples become lists)."""
        return {f.name: _listify(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def changes(self) -> dict[str, Any]:
        """The settings that differ from the defaults (``Config()``), as plain data."""
        default = Config()
        return {k: v for k, v in self.to_dict().items() if v != _listify(getattr(default, k))}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Config:
        """Build a config from plain data (e.g. ``to_dict()`` output or parsed JSON).

        Unknown keys raise :class:`ValidationError` (they would otherwise be silently lost);
        values are stored as given and checked by :meth:`validate`.
        """
        _check_names(d)
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

        Each field is checked against its declaration in :data:`PARAMETERS`, then the rules
        that involve several fields (:data:`RULES`). With ``framework`` the codes and levels
        named in the settings are checked against it too.
        """
        out = []
        for param in PARAMETERS:
            for message in param.problems(getattr(self, param.name), framework):
                out.append(Problem(_SOURCE, None, param.name, message))
        for column, rule in RULES:
            for message in rule(self, framework):
                out.append(Problem(_SOURCE, None, column, message))
        return out


def _check_names(d: Mapping[str, Any]) -> None:
    names = {f.name for f in dataclasses.fields(Config)}
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


# ---------------------------------------------------------------------------- entry checks
def _goalpost(entry: tuple, framework: Any) -> list[str]:
    code, low, high = entry
    out = []
    if not (is_number(low) and is_number(high)) or not low < high:
        out.append(f"goalposts for {code!r} need numbers low < high; got ({low!r}, {high!r})")
    if framework is not None and code not in framework.indicators:
        out.append(f"goalposts for {code!r}: not an indicator of the framework")
    return out


def _override(entry: tuple, framework: Any) -> list[str]:
    code, weight = entry
    out = []
    if not is_number(weight) or not 0 <= weight <= MAX_WEIGHT:
        out.append(f"weight for {code!r} must be a number from 0 to {MAX_WEIGHT:g}; got {weight!r}")
    if framework is not None and (code not in framework.codes or code == framework.root):
        out.append(f"{code!r} is not a weighted code of the framework")
    return out


def _level_method(entry: tuple, framework: Any) -> list[str]:
    level, method = entry
    out = []
    if method not in AGGREGATE:
        out.append(
            f"method for level {level!r} must be one of {', '.join(AGGREGATE)}; got {method!r}"
        )
    if framework is not None:
        levels = sorted(framework.levels)
        if level not in levels or level == levels[0]:
            out.append(
                f"level {level!r} has no aggregates; levels with aggregates: "
                f"{', '.join(map(str, levels[1:]))}"
            )
    return out


# ---------------------------------------------------------------------------- the declaration
#: Every setting of :class:`Config`, declared once (order = the order shown to users).
PARAMETERS: tuple[Param, ...] = (
    Param("normalise", OneOf(tuple(METHODS["normalise"])), "normalisation method",
          url="norm", label=("标准化", "Normalisation"), step="normalise"),
    Param("weights", OneOf(tuple(METHODS["weights"])), "weighting method",
          url="wt", label=("权重", "Weights"), step="weights"),
    Param("aggregate", OneOf(tuple(METHODS["aggregate"])), "aggregation method (every level)",
          url="agg", label=("汇总", "Aggregation"), step="aggregate"),
    Param("treat", OneOf(tuple(METHODS["treat"])), "outlier treatment",
          url="treat", label=("异常值处理", "Outlier treatment"), step="treat"),
    Param("impute", OneOf(tuple(METHODS["impute"])), "imputation of missing values",
          url="imp", label=("缺失值填补", "Imputation"), step="impute"),
    Param("normalise_scope", OneOf(NORMALISE_SCOPES),
          "normalisation bounds: pooled over all years, or learned per year", flag="--scope"),
    Param("min_coverage", Interval(0.0, 1.0),
          "minimum share of the children's weight present for an aggregate to exist"),
    Param("screen", OneOf(SCREENS),
          "units with too little data: exclude them from the ranking, flag them, or neither",
          url="screen", label=("数据筛查", "Screening"),
          choice_labels=(("exclude", "排除数据不足的城市", "Leave out units with too few data"),
                         ("flag", "参与排名并标记", "Rank them, marked"),
                         ("none", "不筛查", "No screening"))),
    Param("screen_min_share", Interval(0.0, 1.0),
          "screening: least share of the indicators a unit-year must have"),
    Param("treat_skew", Interval(0.0, None, closed="neither"),
          "treatment: |skewness| at or above which an indicator is treated"),
    Param("treat_kurt", Interval(), "treatment: kurtosis at or above which it is treated"),
    Param("treat_winmax", Interval(0, None, integer=True),
          "treatment: most points winsorised before a log transform"),
    Param("goalposts", Pairs("code:low:high", (str, float, float), _goalpost),
          "goalposts per indicator for normalise=goalposts, in the indicator's units"),
    Param("weights_levels", IntTuple("weights", lambda fw: sorted(fw.levels)[:-1]),
          "levels the weighting method applies to (1 = indicators); empty = every level"),
    Param("weight_overrides", Pairs("code:weight", (str, float), _override),
          "weights replacing the method's, relative to the siblings', e.g. D1:2,D2:1"),
    Param("ahp", Matrices(), "AHP pairwise comparison matrices per parent", cli=False),
    Param("aggregate_by_level", Pairs("level:method", (int, str), _level_method),
          "aggregation method for the aggregates of one level, e.g. 3:geometric"),
)  # fmt: skip

#: Declared parameter by name.
BY_NAME: dict[str, Param] = {p.name: p for p in PARAMETERS}


# ---------------------------------------------------------------------------- rules
def _means(config: Config) -> set:
    means = {config.aggregate}
    if isinstance(config.aggregate_by_level, tuple):
        means |= {e[1] for e in config.aggregate_by_level if isinstance(e, tuple) and len(e) == 2}
    return means


def _zscore_needs_arithmetic(config: Config, framework: Any) -> list[str]:
    """Geometric and harmonic means need non-negative inputs; z-scores are negative for about
    half the units (the zero-safe shift would floor them all at 0)."""
    if config.normalise == "zscore" and _means(config) & {"geometric", "harmonic"}:
        return [
            "geometric and harmonic means need non-negative normalised values; z-scores are "
            "negative for half the units: use minmax, percentile, rank, goalposts or "
            "distance_to_frontier with these means, or the arithmetic mean with z-scores"
        ]
    return []


def _no_parent_weighs_zero(config: Config, framework: Any) -> list[str]:
    """Overrides may not leave every child of a parent at weight 0 (there would be no
    aggregate; the old behaviour of silently using equal weights hid the mistake)."""
    if framework is None or not isinstance(config.weight_overrides, tuple):
        return []
    given = {}
    for entry in config.weight_overrides:
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] in framework.codes:
            given[entry[0]] = entry[1]
    out = []
    for parent in dict.fromkeys(framework.parent(c) for c in given if c != framework.root):
        kids = framework.children(parent)
        weights = [given.get(k, framework.weight(k)) for k in kids]
        if all(is_number(w) and w == 0 for w in weights):
            out.append(
                f"every child of {parent!r} would have weight 0 ({', '.join(kids)}): "
                "give at least one a weight above 0"
            )
    return out


#: Rules over several fields: (column reported, function(config, framework) -> messages).
RULES: tuple[tuple[str, Callable[[Config, Any], list[str]]], ...] = (
    ("aggregate", _zscore_needs_arithmetic),
    ("weight_overrides", _no_parent_weighs_zero),
)
