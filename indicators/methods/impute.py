"""Imputation of missing indicator values (COINr ``Impute()``, ``i_mean``, ``impute_panel``).

Every function here works on the indicator matrix ``X`` (rows = unit-years, columns =
indicators, ``NaN`` = missing) and returns ``(X_imputed, details)``: a new array (the input is
never written to) and a dict of per-cell arrays of the same shape with extra information for the
log (for example ``from_year`` for ``latest``). A cell that stays ``NaN`` could not be imputed.

Scope (a decision, see ``docs/METHODS.md``): ``mean``, ``median``, ``group_mean`` and
``group_median`` use the values of the **same year** only. COINr imputes each coin (one period)
on its own, and pooling years would pull a 2010 value towards 2020 levels. When a year has no
observed value at all for an indicator (or the unit's group has none) the cell stays missing; it
is logged as ``not_imputed`` and aggregation then drops it and renormalises its siblings' weights.

Reference: OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 1.3
(single imputation: unconditional mean/median substitution, hot-deck by group, last observation
carried forward).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "impute_none",
    "i_mean",
    "i_median",
    "i_group_mean",
    "i_group_median",
    "i_latest",
]


def _fill(X: np.ndarray, stat: np.ndarray) -> np.ndarray:
    out = np.array(X, dtype=float, copy=True)
    miss = np.isnan(out)
    out[miss] = stat[miss]
    return out


def _group_stat(X: np.ndarray, keys: np.ndarray, how: str) -> np.ndarray:
    """Per-cell statistic of its column within rows sharing ``keys`` (NaN skipped)."""
    frame = pd.DataFrame(np.asarray(X, dtype=float))
    return frame.groupby(keys, sort=False).transform(how).to_numpy(dtype=float, copy=True)


def impute_none(X: np.ndarray, **_: object) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """No imputation: missing values stay missing (COINr default: no ``Impute()`` step)."""
    return np.array(X, dtype=float, copy=True), {}


def i_mean(
    X: np.ndarray, *, years: np.ndarray, **_: object
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    r"""Column mean of the same year: :math:`\hat x_{ij} = \bar x_{\cdot j}^{(t)}`.

    COINr: ``Impute(coin, dset, f_i = "i_mean")`` applied per coin (period).
    """
    return _fill(X, _group_stat(X, np.asarray(years), "mean")), {}


def i_median(
    X: np.ndarray, *, years: np.ndarray, **_: object
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Column median of the same year. COINr: ``f_i = "i_median"``."""
    return _fill(X, _group_stat(X, np.asarray(years), "median")), {}


def _group_keys(years: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    if groups is None:
        raise ValueError("group imputation needs unit_groups")
    y = pd.factorize(np.asarray(years))[0].astype(np.int64)
    g = np.asarray(groups, dtype=np.int64)
    keys = y * (int(g.max(initial=0)) + 2) + (g + 1)
    return np.where(g < 0, -1 - y, keys)  # rows without a group: a group of their own per year


def _group_impute(X, years, groups, how):
    keys = _group_keys(years, groups)
    stat = _group_stat(X, keys, how)
    g = np.asarray(groups)
    stat[g < 0, :] = np.nan  # a unit without a group label is not imputed from itself
    return _fill(X, stat)


def i_group_mean(
    X: np.ndarray, *, years: np.ndarray, groups: np.ndarray | None = None, **_: object
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    r"""Mean of the unit's group (e.g. province) in the same year.

    :math:`\hat x_{ij} = \bar x_{g(i) j}^{(t)}`; ``groups`` holds integer group labels per row
    (``-1`` = no group: not imputed). If the group has no observed value the cell stays missing
    (as COINr's ``i_mean_grp``). COINr: ``Impute(..., f_i = "i_mean_grp", use_group = ...)``.
    """
    return _group_impute(X, years, groups, "mean"), {}


def i_group_median(
    X: np.ndarray, *, years: np.ndarray, groups: np.ndarray | None = None, **_: object
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Median of the unit's group in the same year. COINr: ``f_i = "i_median_grp"``."""
    return _group_impute(X, years, groups, "median"), {}


def i_latest(
    X: np.ndarray, *, years: np.ndarray, unit_ids: np.ndarray, **_: object
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Latest earlier year of the same unit (last observation carried forward).

    For each unit, a missing value in year *t* takes the value of the most recent year
    *s < t* in which it is observed. If only a **later** year is observed the cell stays
    missing: a later value is never carried backwards, as in COINr's ``impute_panel()``
    (``imp_type = "latest"``, which only looks at previous time points). ``details["from_year"]``
    gives the year each imputed value came from.
    """
    X = np.asarray(X, dtype=float)
    years = np.asarray(years)
    order = np.lexsort((years, pd.factorize(np.asarray(unit_ids))[0]))
    Xs = pd.DataFrame(X[order])
    unit_sorted = np.asarray(unit_ids)[order]
    filled = Xs.groupby(unit_sorted, sort=False).ffill().to_numpy(dtype=float, copy=True)
    yr = np.where(np.isnan(X[order]), np.nan, years[order][:, None].astype(float))
    yr_filled = (
        pd.DataFrame(yr).groupby(unit_sorted, sort=False).ffill().to_numpy(dtype=float, copy=True)
    )
    out = np.empty_like(filled)
    out[order] = filled
    from_year = np.empty_like(yr_filled)
    from_year[order] = yr_filled
    return out, {"from_year": from_year}
