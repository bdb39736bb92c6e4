"""Running a build: validate -> impute -> treat -> normalise -> weigh and aggregate -> rank.

:func:`run_pipeline` is the one entry point (COINr: ``new_coin`` + ``Impute`` + ``Treat`` +
``Normalise`` + ``Aggregate`` + ``get_results``): it chains the step functions of
:mod:`indicators.steps` on the build's arrays (:func:`compute`) and wraps the outcome in a
:class:`~indicators.result.Result`, whose tables are made from the arrays when first read.
:func:`regenerate` reruns a result's build with some settings changed (COINr ``Regen()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indicators import steps
from indicators.build import Build
from indicators.result import Result

__all__ = ["run_pipeline", "regenerate", "compute", "Computed"]


@dataclass(frozen=True, eq=False)
class Computed:
    """The arrays of one run (see :class:`~indicators.result.Result` for their tables)."""

    X0: np.ndarray
    screening: steps.Screening
    X1: np.ndarray
    X2: np.ndarray
    N: np.ndarray
    aggregated: steps.Aggregated
    root_rank: np.ndarray
    impute_details: dict = field(repr=False)
    treat_events: list = field(repr=False)
    normalise_info: list = field(repr=False)

    @property
    def V(self) -> np.ndarray:
        return self.aggregated.V


def compute(build: Build, X: np.ndarray | None = None) -> Computed:
    """Run every step of ``build`` on its data (or on ``X``, a raw indicator matrix of the same
    shape, e.g. with one value changed) and return the arrays.

    Deterministic: the same build gives identical arrays.
    """
    panel, config, tree = build.panel, build.config, build.tree
    X0 = panel.X if X is None else X
    screening = steps.screen(X0, tree, config)
    # An excluded unit-year takes no part: its row is empty for every step (bounds, outlier
    # statistics, weights and ranks come from the others) and stays empty after imputation.
    Xk = X0 if screening.kept.all() else np.where(screening.kept[:, None], X0, np.nan)
    X1, details = steps.impute(Xk, panel, config)
    if not screening.kept.all():
        X1 = np.where(screening.kept[:, None], X1, np.nan)
    X2, events = steps.treat(X1, panel, config)
    N, info = steps.normalise(X2, panel, tree, config)
    agg = steps.weigh_and_aggregate(N, X2, tree, config, screening.kept)
    root_rank = steps.rank(agg.V[:, tree.root_col], panel.years)
    return Computed(X0, screening, X1, X2, N, agg, root_rank, details, events, info)


def run_pipeline(build: Build) -> Result:
    """Build the index: validate -> impute -> treat -> normalise -> weigh -> aggregate -> rank.

    Parameters
    ----------
    build : Build
        Made by :meth:`Build.create` (which validates the data, framework, config and peer
        group and says what is wrong).

    Returns
    -------
    Result
        Every stage, the weights, the coverage of the aggregates and a log of every action;
        ``result.build`` is the build.

    Notes
    -----
    Weights of a level are computed after the level below has been aggregated, so data-driven
    weights of the level-2 nodes (within their parents) use the level-2 scores. Entropy and
    CRITIC use the treated (un-normalised) indicator values at level 1 and the children's
    scores above; PCA uses normalised values; all are pooled over every year of the group.
    """
    if not isinstance(build, Build):
        raise TypeError(
            "run_pipeline takes a Build: Build.create(data, framework, config, members=...)"
        )
    return Result(build, compute(build))


def regenerate(result: Result, **changes: Any) -> Result:
    """Rerun ``result``'s build with some config settings changed (COINr ``Regen()``).

    ``regenerate(result, weights="entropy", aggregate="geometric")``; no change reruns the
    same build. Raises :class:`~indicators.validate.ValidationError` for settings that are
    unknown or invalid for the framework.
    """
    return run_pipeline(result.build.replace(**changes))
