"""The result of one build: every stage, the config used, the weights and a log of every action.

As a COINr coin holds its data sets (``Raw``, ``Imputed``, ``Treated``, ``Normalised``,
``Aggregated``) and its log, a :class:`Result` keeps each stage of :func:`run_pipeline` so any
number can be traced back, and the config so the build can be regenerated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indicators.config import Config

__all__ = ["Result"]


@dataclass(frozen=True, eq=False)
class Result:
    """Every stage of one build (frames have ``adcode, year`` first, sorted by both).

    Attributes
    ----------
    config : Config
        The settings used.
    framework : Framework
        The indicator tree used.
    raw, imputed, treated : DataFrame
        ``adcode, year`` and one column per indicator, at each stage (peer group only).
    normalised : DataFrame
        ``adcode, year`` and the normalised indicators (higher = better).
    scores : DataFrame
        ``adcode, year``, every framework code (normalised value for indicators, score for
        aggregates) in framework order, then ``rank`` (rank of the root within the group and
        year; 1 = best, ties share the best rank; nullable ``Int64``, missing score = <NA>).
    ranks : DataFrame
        ``adcode, year`` and the rank of every code within the group and year (``Int64``).
    weights : DataFrame
        ``code, parent, level, weight`` (normalised within siblings, after overrides) and
        ``effective`` (product of the weights from the root down); the root has weight 1.
    coverage : DataFrame
        ``adcode, year, code, present_share`` for every aggregate with a missing child.
    log : list of dict
        One dict per action: ``step``, ``action`` and details (``code``, ``adcode``, ``year``,
        ``value``, ``bounds``, ...); warnings carry ``severity = "warning"``.
    """

    config: Config
    framework: Any
    raw: pd.DataFrame
    imputed: pd.DataFrame
    treated: pd.DataFrame
    normalised: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    weights: pd.DataFrame
    coverage: pd.DataFrame
    log: list[dict] = field(default_factory=list)

    @property
    def warnings(self) -> list[dict]:
        """The log entries that are warnings."""
        return [e for e in self.log if e.get("severity") == "warning"]

    def log_frame(self) -> pd.DataFrame:
        """The log as a table (one row per entry; details that do not apply are empty)."""
        return pd.DataFrame(self.log)

    def stage(self, name: str) -> pd.DataFrame:
        """A stage frame by name: ``raw``, ``imputed``, ``treated``, ``normalised``,
        ``scores``, ``ranks``."""
        if name not in ("raw", "imputed", "treated", "normalised", "scores", "ranks"):
            raise KeyError(f"unknown stage {name!r}")
        return getattr(self, name)
