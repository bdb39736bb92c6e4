"""Method registries: each step picks its method by name (COINr style: ``f_n = "n_minmax"``).

``IMPUTE``, ``TREAT``, ``NORMALISE``, ``WEIGHTS``, ``AGGREGATE`` map a name (the value allowed in
the matching ``Config`` field) to a small function; ``DESCRIPTIONS[step][name]`` is a one-line
description for ``--help`` and the dashboard. Formulas, references and the COINr function each
name corresponds to are in the functions' docstrings and in ``docs/METHODS.md``.
"""

from __future__ import annotations

from collections.abc import Callable

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

__all__ = ["IMPUTE", "TREAT", "NORMALISE", "WEIGHTS", "AGGREGATE", "DESCRIPTIONS", "REGISTRIES"]

IMPUTE: dict[str, Callable] = {
    "none": impute_none,
    "mean": i_mean,
    "median": i_median,
    "group_mean": i_group_mean,
    "group_median": i_group_median,
    "latest": i_latest,
}
TREAT: dict[str, Callable] = {"none": treat_none, "coinr": treat_coinr}
NORMALISE: dict[str, Callable] = NORMALISERS  # one table: normalise_matrix uses it too
WEIGHTS: dict[str, Callable] = {
    "framework": w_framework,
    "equal": w_equal,
    "entropy": w_entropy,
    "critic": w_critic,
    "pca": w_pca,
    "ahp": w_ahp,
}
AGGREGATE: dict[str, Callable] = {
    "arithmetic": a_amean,
    "geometric": a_gmean,
    "harmonic": a_hmean,
}

#: step name (as in the Config field) -> registry
REGISTRIES: dict[str, dict[str, Callable]] = {
    "impute": IMPUTE,
    "treat": TREAT,
    "normalise": NORMALISE,
    "weights": WEIGHTS,
    "aggregate": AGGREGATE,
}

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "impute": {
        "none": "no imputation: missing values stay missing (COINr default)",
        "mean": "mean of the indicator in the same year (COINr i_mean)",
        "median": "median of the indicator in the same year (COINr i_median)",
        "group_mean": "mean of the unit's group (e.g. province) in the same year (i_mean_grp)",
        "group_median": "median of the unit's group in the same year (i_median_grp)",
        "latest": "the unit's latest earlier year; never carried backwards (impute_panel)",
    },
    "treat": {
        "none": "no outlier treatment (COINr default build)",
        "coinr": "COINr Treat(): if |skew|>=2 and kurtosis>=3.5 winsorise up to 5 points, "
        "else log_CT",
    },
    "normalise": {
        "minmax": "min-max to 0-100, direction applied (COINr n_minmax, default)",
        "zscore": "z-score, mean 0 and sd 1 (COINr n_zscore)",
        "rank": "rank, 1 = worst, ties min (COINr n_rank)",
        "percentile": "percentile rank on 0-100 (COINr n_prank x 100)",
        "goalposts": "per-indicator goalposts (low, high), clipped, 0-100 (COINr n_goalposts)",
        "distance_to_frontier": "100 x value / best value (COINr n_fracmax)",
    },
    "weights": {
        "framework": "weights from the framework file (expert weights)",
        "equal": "equal weights within each parent",
        "entropy": "entropy weights (熵权法), pooled over years",
        "critic": "CRITIC weights: contrast x conflict (Diakoulaki et al. 1995)",
        "pca": "PCA weights, OECD/JRC Handbook recipe (eigenvalue > 1, varimax)",
        "ahp": "AHP principal eigenvector of a pairwise matrix (Saaty); CR > 0.1 warned",
    },
    "aggregate": {
        "arithmetic": "weighted arithmetic mean (COINr a_amean, default)",
        "geometric": "weighted geometric mean on 1 + 0.99x, zero-safe (COINr a_gmean)",
        "harmonic": "weighted harmonic mean on 1 + 0.99x, zero-safe (COINr a_hmean)",
    },
}
