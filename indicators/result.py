"""The result of one build: its build, every stage, the weights and a log of every action.

As a COINr coin holds its data sets (``Raw``, ``Imputed``, ``Treated``, ``Normalised``,
``Aggregated``) and its log, a :class:`Result` keeps each stage so any number can be traced back,
and its :class:`~indicators.build.Build` so the build can be regenerated. The arrays are computed
by :func:`indicators.run_pipeline`; each table is made from them the first time it is read (most
callers read one or two), and every read returns a fresh frame over the same data (pandas'
copy-on-write keeps the result unchanged whatever the caller does with it).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from indicators.tree import effective_weights

if TYPE_CHECKING:  # pragma: no cover
    from indicators.build import Build, Panel
    from indicators.config import Config
    from indicators.framework import Framework
    from indicators.pipeline import Computed

__all__ = ["Result", "STAGES"]

STAGES = ("raw", "imputed", "treated", "normalised", "scores", "ranks")


def _table(panel: Panel, matrix: np.ndarray, columns: list[str], **extra) -> pd.DataFrame:
    """``adcode, year``, the matrix's columns, then ``extra`` 1-D arrays, as one frame.

    Made with ``pandas.api.internals.create_dataframe_from_blocks`` (one block per dtype, the
    matrix copied once into pandas' column-major layout): about ten times faster than
    ``pd.concat`` of the pieces, which matters because most runs read one or two tables.
    """
    from pandas.api.internals import create_dataframe_from_blocks

    n_cols = len(columns)
    blocks = [
        (panel.adcode_array.copy(), np.array([0])),  # a wrapper of its own: setitem safe
        (panel.years[None, :].copy(), np.array([1])),
        (np.array(matrix.T, dtype=float, order="C"), np.arange(2, 2 + n_cols)),
    ]
    for k, values in enumerate(extra.values()):
        blocks.append((values, np.array([2 + n_cols + k])))
    return create_dataframe_from_blocks(
        blocks,
        index=pd.RangeIndex(panel.n),
        columns=pd.Index(["adcode", "year", *columns, *extra]),
    )


def _ranks_array(ranks: np.ndarray) -> pd.arrays.IntegerArray:
    """Float ranks (NaN = none) as a nullable ``Int64`` array, built directly."""
    missing = np.isnan(ranks)
    return pd.arrays.IntegerArray(np.where(missing, 0, ranks).astype(np.int64), missing)


class Result:
    """Every stage of one build (frames have ``adcode, year`` first, sorted by both).

    Attributes
    ----------
    build : Build
        What the result was computed from (data, framework, config, peer group).
    config, framework : the build's.
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
        ``adcode, year, code, present_share`` for every aggregate with a missing child (of the
        unit-years that take part).
    screening : DataFrame
        ``adcode, year, indicators_present, indicators_total, missing_dimensions`` (codes of
        the dimensions with no indicator, comma-separated), ``screening`` (``ranked``,
        ``flagged``, ``excluded``): data availability of every unit-year and the rule's verdict
        (``Config.screen``).
    ranking : DataFrame
        ``scores`` followed by the screening columns: the table the exports and the command
        line write, so every excluded or flagged unit is listed with its reason.
    log : list of dict
        One dict per action: ``step``, ``action`` and details (``code``, ``adcode``, ``year``,
        ``value``, ``bounds``, ...); warnings carry ``severity = "warning"``.
    """

    def __init__(self, build: Build, computed: Computed):
        self._build = build
        self._c = computed
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------------------- identity
    @property
    def build(self) -> Build:
        return self._build

    @property
    def config(self) -> Config:
        return self._build.config

    @property
    def framework(self) -> Framework:
        return self._build.framework

    @property
    def arrays(self) -> Computed:
        """The arrays behind the tables (read-only by convention)."""
        return self._c

    def __repr__(self) -> str:
        return (
            f"Result({len(self._build.members)} units, years {list(self._build.years)}, "
            f"{self._build.config.changes() or 'default config'})"
        )

    # ---------------------------------------------------------------------------- tables
    def _get(self, name: str, make) -> Any:
        value = self._cache.get(name)
        if value is None:
            value = make()
            with self._lock:
                value = self._cache.setdefault(name, value)
        return value

    def _frame(self, name: str, make) -> pd.DataFrame:
        return self._get(name, make).copy(deep=False)

    def _stage(self, M: np.ndarray, cols: list[str]) -> pd.DataFrame:
        return _table(self._build.panel, M, cols)

    @property
    def raw(self) -> pd.DataFrame:
        return self._frame("raw", lambda: self._stage(self._c.X0, self._inds))

    @property
    def imputed(self) -> pd.DataFrame:
        return self._frame("imputed", lambda: self._stage(self._c.X1, self._inds))

    @property
    def treated(self) -> pd.DataFrame:
        return self._frame("treated", lambda: self._stage(self._c.X2, self._inds))

    @property
    def normalised(self) -> pd.DataFrame:
        return self._frame("normalised", lambda: self._stage(self._c.N, self._inds))

    @property
    def scores(self) -> pd.DataFrame:
        def make() -> pd.DataFrame:
            codes = list(self._tree.codes)
            return _table(self._build.panel, self._c.V, codes, rank=_ranks_array(self._c.root_rank))

        return self._frame("scores", make)

    @property
    def ranks(self) -> pd.DataFrame:
        def make() -> pd.DataFrame:
            from indicators.steps import rank

            R = rank(self._c.V, self._build.panel.years)
            body = pd.DataFrame({c: _ranks_array(R[:, j]) for j, c in enumerate(self._tree.codes)})
            return pd.concat([self._build.panel.keys, body], axis=1)

        return self._frame("ranks", make)

    @property
    def weights(self) -> pd.DataFrame:
        def make() -> pd.DataFrame:
            tree, level_weights = self._tree, self._c.aggregated.weights
            wrow = np.ones(len(tree.codes))
            for st in tree.steps:
                wrow[st.child_cols] = level_weights[st.level]
            return pd.DataFrame(
                {
                    "code": pd.array(tree.codes, dtype="str"),
                    "parent": pd.array(tree.parent_of, dtype="str"),
                    "level": tree.levels.copy(),
                    "weight": wrow,
                    "effective": effective_weights(tree, level_weights),
                }
            )

        return self._frame("weights", make)

    @property
    def coverage(self) -> pd.DataFrame:
        def make() -> pd.DataFrame:
            parts = self._c.aggregated.coverage
            codes = np.asarray(self._tree.codes, dtype=object)
            keys = self._build.panel.keys
            if parts:
                rows = np.concatenate([p[0] for p in parts])
                cols = np.concatenate([p[1] for p in parts])
                shares = np.concatenate([p[2] for p in parts])
            else:
                rows = cols = np.array([], dtype=np.intp)
                shares = np.array([], dtype=float)
            frame = pd.DataFrame(
                {
                    "adcode": pd.array(keys["adcode"].to_numpy()[rows], dtype="str"),
                    "year": keys["year"].to_numpy()[rows],
                    "code": pd.array(codes[cols], dtype="str"),
                    "present_share": shares,
                }
            )
            frame = frame.sort_values(["adcode", "year", "code"], kind="stable")
            return frame.reset_index(drop=True)

        return self._frame("coverage", make)

    @property
    def screening(self) -> pd.DataFrame:
        def make() -> pd.DataFrame:
            sc, panel = self._c.screening, self._build.panel
            missing = [
                ",".join(d for d, m in zip(sc.dimensions, row, strict=True) if m)
                for row in sc.missing_dimensions
            ]
            return pd.DataFrame(
                {
                    "adcode": panel.adcode_array.copy(),
                    "year": panel.years.copy(),
                    "indicators_present": sc.present.astype(np.int64),
                    "indicators_total": np.full(panel.n, sc.total, dtype=np.int64),
                    "missing_dimensions": pd.array(missing, dtype="str"),
                    "screening": pd.array(sc.status.tolist(), dtype="str"),
                }
            )

        return self._frame("screening", make)

    @property
    def ranking(self) -> pd.DataFrame:
        def make() -> pd.DataFrame:
            extra = self.screening.drop(columns=["adcode", "year"])
            return pd.concat([self.scores, extra], axis=1)

        return self._frame("ranking", make)

    @property
    def log(self) -> list[dict]:
        return [dict(e) for e in self._get("log", self._make_log)]

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
        if name not in STAGES:
            raise KeyError(f"unknown stage {name!r}")
        return getattr(self, name)

    # ---------------------------------------------------------------------------- helpers
    @property
    def _tree(self):
        return self._build.tree

    @property
    def _inds(self) -> list[str]:
        return list(self._tree.indicators)

    def _make_log(self) -> list[dict]:
        from indicators.log import build_log

        return build_log(self._build, self._c)
