"""Method registries: each step picks its method by name (COINr style: ``f_n = "n_minmax"``).

Every method is declared once as a :class:`Method`: its function, its labels (Chinese and
English, shown in the dashboard), a one-line description (``--help``), the settings it reads
(COINr's ``f_n_para``) and, for weights, whether the weights depend on the data. ``METHODS[step]``
maps a name (the value allowed in the matching ``Config`` field) to its ``Method``; ``IMPUTE``,
``TREAT``, ``NORMALISE``, ``WEIGHTS``, ``AGGREGATE`` are the same tables. Formulas, references and
the COINr function each name corresponds to are in the functions' docstrings and in
``docs/METHODS.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indicators.methods.aggregate import a_amean, a_gmean, a_hmean
from indicators.methods.impute import (
    i_group_mean,
    i_group_median,
    i_latest,
    i_mean,
    i_median,
    impute_none,
)
from indicators.methods.normalise import NORMALISERS
from indicators.methods.treat import treat_coinr, treat_none
from indicators.methods.weights import w_ahp, w_critic, w_entropy, w_equal, w_framework, w_pca

__all__ = [
    "Method",
    "METHODS",
    "STEPS",
    "IMPUTE",
    "TREAT",
    "NORMALISE",
    "WEIGHTS",
    "AGGREGATE",
    "label",
]


@dataclass(frozen=True)
class Method:
    """One registered method.

    Attributes
    ----------
    name : the value of the ``Config`` field that picks it.
    fn : the function (its signature is the step's contract, see the step's module).
    label_zh, label_en : display names.
    description : one line for ``--help`` (English, with the COINr counterpart).
    params : ``Config`` fields the method reads besides its name (COINr ``f_n_para``).
    data_driven : weights only: the weights are learned from the data (so they change when
        the data, the normalisation or the set of indicators change).
    needs_groups : imputation only: needs the units' groups (e.g. province).
    """

    name: str
    fn: Callable
    label_zh: str
    label_en: str
    description: str
    params: tuple[str, ...] = ()
    data_driven: bool = False
    needs_groups: bool = False

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


def _table(*methods: Method) -> dict[str, Method]:
    return {m.name: m for m in methods}


IMPUTE = _table(
    Method("none", impute_none, "不填补", "None",
           "no imputation: missing values stay missing (COINr default)"),
    Method("mean", i_mean, "均值", "Mean",
           "mean of the indicator in the same year (COINr i_mean)"),
    Method("median", i_median, "中位数", "Median",
           "median of the indicator in the same year (COINr i_median)"),
    Method("group_mean", i_group_mean, "省内均值", "Group mean (province)",
           "mean of the unit's group (e.g. province) in the same year (i_mean_grp)",
           needs_groups=True),
    Method("group_median", i_group_median, "省内中位数", "Group median (province)",
           "median of the unit's group in the same year (i_median_grp)", needs_groups=True),
    Method("latest", i_latest, "最近年份", "Latest available year",
           "the unit's latest earlier year; never carried backwards (impute_panel)"),
)  # fmt: skip
TREAT = _table(
    Method("none", treat_none, "不处理", "None", "no outlier treatment (COINr default build)"),
    Method("coinr", treat_coinr, "COINr 规则（缩尾/对数）", "COINr rule (winsorise / log)",
           "COINr Treat(): if |skew|>=2 and kurtosis>=3.5 winsorise up to 5 points, else log_CT",
           params=("treat_skew", "treat_kurt", "treat_winmax")),
)  # fmt: skip
_N = NORMALISERS
NORMALISE = _table(
    Method("minmax", _N["minmax"], "最小-最大 (0–100)", "Min–max (0–100)",
           "min-max to 0-100, direction applied (COINr n_minmax, default)"),
    Method("zscore", _N["zscore"], "Z 分数", "z-score",
           "z-score, mean 0 and sd 1 (COINr n_zscore)"),
    Method("rank", _N["rank"], "排序", "Rank", "rank, 1 = worst, ties min (COINr n_rank)"),
    Method("percentile", _N["percentile"], "百分位", "Percentile rank",
           "percentile rank on 0-100 (COINr n_prank x 100)"),
    Method("goalposts", _N["goalposts"], "目标值法", "Goalposts",
           "per-indicator goalposts (low, high), clipped, 0-100 (COINr n_goalposts)",
           params=("goalposts",)),
    Method("distance_to_frontier", _N["distance_to_frontier"], "距前沿距离",
           "Distance to frontier", "100 x value / best value (COINr n_fracmax)"),
)  # fmt: skip
WEIGHTS = _table(
    Method("framework", w_framework, "框架（专家）权重", "Framework (expert)",
           "weights from the framework file (expert weights)"),
    Method("equal", w_equal, "等权", "Equal", "equal weights within each parent"),
    Method("entropy", w_entropy, "熵权法", "Entropy",
           "entropy weights (熵权法), pooled over years", data_driven=True),
    Method("critic", w_critic, "CRITIC 法", "CRITIC",
           "CRITIC weights: contrast x conflict (Diakoulaki et al. 1995)", data_driven=True),
    Method("pca", w_pca, "主成分 (PCA)", "PCA-based",
           "PCA weights, OECD/JRC Handbook recipe (eigenvalue > 1, varimax)", data_driven=True),
    Method("ahp", w_ahp, "层次分析法 (AHP)", "AHP",
           "AHP principal eigenvector of a pairwise matrix (Saaty); CR > 0.1 warned",
           params=("ahp",)),
)  # fmt: skip
AGGREGATE = _table(
    Method("arithmetic", a_amean, "加权算术平均", "Weighted arithmetic mean",
           "weighted arithmetic mean (COINr a_amean, default)"),
    Method("geometric", a_gmean, "加权几何平均", "Weighted geometric mean",
           "weighted geometric mean on 1 + 0.99x, zero-safe (COINr a_gmean)"),
    Method("harmonic", a_hmean, "加权调和平均", "Weighted harmonic mean",
           "weighted harmonic mean on 1 + 0.99x, zero-safe (COINr a_hmean)"),
)  # fmt: skip

#: the pipeline's method steps, in pipeline order; each is also the name of a ``Config`` field
STEPS = ("impute", "treat", "normalise", "weights", "aggregate")

#: step name (as in the Config field) -> registry
METHODS: dict[str, dict[str, Method]] = {
    "impute": IMPUTE,
    "treat": TREAT,
    "normalise": NORMALISE,
    "weights": WEIGHTS,
    "aggregate": AGGREGATE,
}


def label(step: str, name: str, lang: str) -> str:
    """Display name of a method of ``step`` (an unknown name is shown as given)."""
    method = METHODS.get(step, {}).get(name)
    return name if method is None else method.label(lang)
