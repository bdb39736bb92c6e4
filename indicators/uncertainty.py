"""Monte Carlo uncertainty analysis of the ranks, with first-order variance shares.

Following Saisana, Saltelli and Tarantola (2005) and the OECD/JRC *Handbook* (2008, step 7),
every draw is one alternative build of the index: the config (and the framework, when an
indicator is dropped) is changed and the **same pipeline** is rerun; the spread of each unit's
rank over the draws is its uncertainty. COINr: ``get_sensitivity(SA_type = "UA")``
(``R/sensitivity.R``): ``RankStats`` with nominal, mean, median, 5% and 95% ranks.

Uncertain inputs (``vary``), each drawn independently and uniformly per draw:

* ``weights`` — every weight is multiplied by :math:`U(1-w, 1+w)` (``weight_noise`` = *w*) and
  the weights are renormalised within each set of siblings (all levels);
* ``normalise`` — one of the nominal method and ``minmax, zscore, rank``;
* ``aggregate`` — one of the nominal method and ``arithmetic, geometric`` (every level); a pair
  the config rejects (z-scores with a geometric mean) is replaced by drawing among the methods
  valid with the drawn normalisation (so z-score draws always aggregate arithmetically);
* ``treat`` — outlier treatment ``none`` or ``coinr``;
* ``drop`` — none, or one indicator removed from the framework (each with the same chance);
  an aggregate left without indicators is removed with it and its siblings are renormalised.

Vectorised, with exactly the semantics of rerunning the pipeline, and through the same step
functions (:mod:`indicators.steps`). The normalised matrix of a draw depends only on
(normalisation, treatment) because imputation, treatment and normalisation work indicator by
indicator; so the treatment and normalisation steps run once per distinct combination (at most
a few dozen) on the nominal build's imputed values. The draws of one combination and
aggregation method are then aggregated together as matrix operations (weights of shape draws ×
children, :func:`~indicators.tree.aggregate_tree`) and ranked per year with one ``argsort``.

A dropped indicator gets weight 0 (and so does an aggregate it leaves empty) and its siblings'
weights are renormalised. With weights that do not depend on the data (framework, equal, AHP,
and any weight overrides) that is the whole effect. Data-driven weights (``entropy``,
``critic``, ``pca``) are learned again without the dropped indicator and for the drawn
normalisation, treatment and aggregation: the weighting step runs once per such combination
(exact, but slower). :meth:`UncertaintyResult.draw_build` returns, for any draw, the build whose
:func:`~indicators.pipeline.run_pipeline` gives that draw's scores (tests check this to 1e-9).

References
----------
Saisana M., Saltelli A., Tarantola S. (2005), Uncertainty and sensitivity analysis techniques
as tools for the quality assessment of composite indicators, *J. R. Stat. Soc. A* 168(2),
307–323. OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, step 7.
Saltelli A. et al. (2008), *Global Sensitivity Analysis: The Primer*, ch. 1 (first-order
index).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from indicators import steps
from indicators.build import Build
from indicators.config import Config
from indicators.framework import Framework
from indicators.methods import WEIGHTS
from indicators.params import Interval, Param
from indicators.pipeline import run_pipeline
from indicators.result import Result
from indicators.tree import Tree, aggregate_tree, tree_of
from indicators.validate import Problem, ValidationError

__all__ = [
    "uncertainty",
    "UncertaintyResult",
    "CHOICES",
    "ALTERNATIVES",
    "WEIGHT_BINS",
    "MAX_DRAWS",
    "PARAMETERS",
    "rank_rows",
    "first_order_shares",
    "wide_intervals",
]

#: the uncertain inputs, in the order they are drawn
CHOICES = ("weights", "normalise", "aggregate", "treat", "drop")

#: alternatives for the discrete choices (the nominal config's own method is always added)
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "normalise": ("minmax", "zscore", "rank"),
    "aggregate": ("arithmetic", "geometric"),
    "treat": ("none", "coinr"),
}

#: equal-width bins of each weight multiplier for the binned first-order estimate
WEIGHT_BINS = 10

#: weight methods whose weights depend on the data (so on the dropped indicator, etc.)
_DATA_DRIVEN = ("entropy", "critic", "pca")

_SOURCE = "uncertainty"


#: Most Monte Carlo draws in one analysis (20,000 give rank percentiles to about ±0.3 ranks).
MAX_DRAWS = 20_000
#: Most (draws × unit-years) held at once: two float arrays of this size are kept (~0.8 GB).
MAX_DRAW_CELLS = 50_000_000

#: Declared arguments of :func:`uncertainty` (checked, and offered by the command line).
PARAMETERS: tuple[Param, ...] = (
    Param("n", Interval(2, MAX_DRAWS, integer=True), "number of Monte Carlo draws"),
    Param("seed", Interval(0, 2**63 - 1, integer=True), "random seed (same seed, same draws)"),
    Param("weight_noise", Interval(0.0, 1.0, closed="left"),
          "w in the weight multiplier U(1-w, 1+w)", cli=False),
)  # fmt: skip


# ---------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Outcome of :func:`uncertainty`.

    Attributes
    ----------
    ranks : DataFrame
        ``adcode, year, nominal_rank, median_rank, mean_rank, p05, p95`` (5th and 95th
        percentile ranks, linear interpolation as R's default ``quantile`` type 7 used by
        COINr) and ``wide`` (the interval is unusually wide: :func:`wide_intervals`), one row
        per unit-year of the group, sorted by ``adcode, year``.
    variance_share : DataFrame
        ``choice, share``: estimated first-order share of the rank variance explained by each
        varied choice, then ``interactions`` = 1 − their sum (floored at 0); see
        :func:`first_order_shares`.
    draws : DataFrame
        One row per draw: ``draw, normalise, aggregate, treat, drop`` (``""`` = none) and
        ``weight_change`` (largest relative change of a normalised weight against the
        combination's nominal weights).
    rank_draws : ndarray (n, rows)
        Rank of every unit-year (rows as in ``ranks``) in every draw.
    score_draws : ndarray (n, rows)
        Index score of every unit-year in every draw.
    weights : ndarray (n, codes)
        Normalised-within-siblings weight of every framework code in every draw (0 = dropped).
    codes : tuple of str
        Columns of ``weights`` (framework order; the root has weight 1).
    nominal : Result
        The nominal build's result.
    multipliers : ndarray (n, codes)
        The drawn weight multipliers.
    """

    ranks: pd.DataFrame
    variance_share: pd.DataFrame
    draws: pd.DataFrame
    rank_draws: np.ndarray = field(repr=False)
    score_draws: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    codes: tuple[str, ...]
    nominal: Result = field(repr=False)
    multipliers: np.ndarray = field(repr=False)
    n: int = 0
    seed: int = 0
    weight_noise: float = 0.25
    vary: tuple[str, ...] = CHOICES

    def draw_build(self, i: int) -> Build:
        """The build whose :func:`run_pipeline` reproduces draw ``i``.

        The nominal build with the framework without the dropped indicator (and any aggregate
        left empty); the draw's normalisation, treatment and aggregation (every level, when
        aggregation is varied) and every weight given as a ``weight_overrides`` entry (so the
        weighting method itself no longer matters and is set to ``framework``).
        """
        row = self.draws.iloc[i]
        build = self.nominal.build
        framework = _without(build.framework, row["drop"] or None)
        changes: dict[str, Any] = {
            "normalise": row["normalise"],
            "treat": row["treat"],
            "weights": "framework",
            "weights_levels": (),
            "ahp": (),
        }
        if "aggregate" in self.vary:
            changes["aggregate"] = row["aggregate"]
            changes["aggregate_by_level"] = ()
        position = {c: j for j, c in enumerate(self.codes)}
        changes["weight_overrides"] = tuple(
            (c, float(self.weights[i, position[c]])) for c in framework.codes if c != framework.root
        )
        return build.replace(framework=framework, **changes)


# ---------------------------------------------------------------------------- helpers
def _without(framework: Framework, drop: str | None) -> Framework:
    """The framework without indicator ``drop`` and any aggregate left with no indicator."""
    if drop is None:
        return framework
    gone = set(tree_of(framework).removed_with(drop))
    table = framework.table
    return Framework.from_table(table.loc[~table["code"].isin(gone)].reset_index(drop=True))


def _can_drop(tree: Tree, drop: str, weights: np.ndarray) -> bool:
    """Whether the tree without ``drop`` is valid: the highest removed node must have a
    sibling left whose (nominal) weight is above 0 (the root cannot go)."""
    removed = set(tree.removed_with(drop))
    top = next(c for c in removed if tree.parent_of[tree.index[c]] not in removed)
    parent = tree.parent_of[tree.index[top]]
    if parent is None:
        return False
    siblings = [
        c for c, p in zip(tree.codes, tree.parent_of, strict=True) if p == parent and c != top
    ]
    return any(weights[tree.index[s]] > 0 for s in siblings)


def rank_rows(scores: np.ndarray) -> np.ndarray:
    """Rank each row of ``scores`` (draws × units) descending: 1 = best, ties share the best
    rank (``"min"``), NaN stays NaN — the rule of :func:`indicators.methods.rank.rank_desc`,
    for all draws at once with one ``argsort``.
    """
    S = np.asarray(scores, dtype=float)
    D, m = S.shape
    missing = np.isnan(S)
    key = np.where(missing, np.inf, -S)  # ascending sort of -S; missing last
    order = np.argsort(key, axis=1, kind="stable")
    ordered = np.take_along_axis(key, order, axis=1)
    new = np.ones((D, m), dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.where(new, np.arange(1, m + 1, dtype=float), 0.0)
    position = np.maximum.accumulate(position, axis=1)
    ranks = np.empty((D, m))
    np.put_along_axis(ranks, order, position, axis=1)
    ranks[missing] = np.nan
    return ranks


#: An interval spanning less than this share of the group is never called wide.
WIDE_FLOOR = 0.25


def wide_intervals(low: np.ndarray, high: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Which rank intervals are unusually wide, within each year.

    Width :math:`w = p_{95} - p_{05}`. An interval is wide when it is an outlier among the
    group's intervals by Tukey's rule, :math:`w > Q_3 + 1.5\\,(Q_3 - Q_1)`, **and** spans at
    least :data:`WIDE_FLOOR` of the ranks, :math:`w \\ge 0.25\\,(n - 1)` with :math:`n` the
    units ranked that year (a group whose intervals are all narrow has no wide one, however
    the narrow ones vary). A unit-year without an interval (not ranked) is not wide.
    """
    width = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    out = np.zeros(width.size, dtype=bool)
    for year in np.unique(years):
        rows = np.flatnonzero((years == year) & ~np.isnan(width))
        if rows.size < 2:
            continue
        q1, q3 = np.quantile(width[rows], [0.25, 0.75])
        threshold = max(q3 + 1.5 * (q3 - q1), WIDE_FLOOR * (rows.size - 1))
        out[rows] = width[rows] > threshold
    return out


def _between_within(y: np.ndarray, factors: Sequence[tuple[np.ndarray, int]]) -> np.ndarray:
    """Pooled (over columns) bias-corrected between-level sums of squares, one per factor.

    For each column (unit-year) with ``N`` draws and a factor with ``L`` occurring levels:
    ``SS_b = Σ_l n_l (ȳ_l − ȳ)²``, ``SS_t = Σ_i (y_i − ȳ)²`` and the corrected numerator
    ``SS_b − (L − 1)·SS_w/(N − L)`` (``SS_w = SS_t − SS_b``), whose expectation is zero when
    the factor has no effect; summed over columns (the correction is linear, so it is applied
    to the sums). Every factor's level sums come from one matrix product of the draws' one-hot
    level indicators with the centred ranks.
    """
    N = y.shape[0]
    centred = y - y.mean(axis=0)
    ss_t = float((centred**2).sum())
    offsets = np.cumsum([0, *(levels for _, levels in factors)])
    onehot = np.zeros((N, int(offsets[-1])))
    rows = np.arange(N)
    for (labels, _), offset in zip(factors, offsets[:-1], strict=False):
        onehot[rows, offset + np.asarray(labels)] = 1.0
    sums = onehot.T @ centred  # (levels of every factor, columns)
    counts = onehot.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_level = np.where(counts > 0, (sums**2).sum(axis=1) / np.where(counts > 0, counts, 1), 0)
    out = np.zeros(len(factors))
    for f in range(len(factors)):
        lo, hi = offsets[f], offsets[f + 1]
        L = int(np.count_nonzero(counts[lo:hi]))
        if L < 2 or N <= L:
            continue
        ss_b = float(per_level[lo:hi].sum())
        out[f] = ss_b - (L - 1) * (ss_t - ss_b) / (N - L)
    return out


def first_order_shares(
    rank_draws: np.ndarray,
    factors: Mapping[str, Sequence[tuple[np.ndarray, int]]],
) -> pd.DataFrame:
    """Estimate each choice's first-order share of the rank variance from a Monte Carlo sample.

    For a discrete choice :math:`X` the first-order (main-effect) index of the rank
    :math:`Y_u` of unit-year *u* is :math:`S_X = \\operatorname{Var}(E[Y_u|X]) /
    \\operatorname{Var}(Y_u)` (Saltelli et al. 2008; the correlation ratio :math:`\\eta^2`).
    It is estimated from the sample by grouping the draws by the level of :math:`X`:
    between-level over total sum of squares, with the small-sample correction of
    :math:`\\varepsilon^2` (Kelley 1935), :math:`SS_b - (L-1) SS_w/(N-L)` in the numerator,
    which removes the upward bias :math:`\\approx (L-1)/N` of the plain ratio. Units are pooled
    by summing numerators and denominators over unit-years (a variance-weighted average of
    the per-unit indices, so that units whose rank never moves do not add noise). A choice
    described by several independent factors (the weight multipliers, one per node, each
    binned into :data:`WEIGHT_BINS` equal-width bins) gets the sum of their indices.

    Limits: the estimate is first order only — what a choice explains together with another
    (e.g. the effect of dropping an indicator *under* geometric aggregation), and the
    interactions among the weight multipliers, end up in ``interactions`` = 1 − Σ shares.
    Binning a continuous factor slightly underestimates its index (within-bin variation is
    counted as noise). With the default 1,000 draws the standard error of a pooled share is
    about 0.01–0.02; shares are clipped to [0, 1].

    Parameters
    ----------
    rank_draws : (N, units) ranks; unit-years with a missing rank in any draw, or a constant
        rank, are left out.
    factors : choice → list of ``(labels, levels)``, labels an (N,) int array in
        ``range(levels)``.

    Returns
    -------
    DataFrame ``choice, share``, then ``interactions``.
    """
    y = np.asarray(rank_draws, dtype=float)
    keep = ~np.isnan(y).any(axis=0)
    y = y[:, keep]
    if not (y.size and float(((y - y.mean(axis=0)) ** 2).sum()) > 0):
        names = [*factors, "interactions"]  # the ranks never move: nothing to explain
        return pd.DataFrame({"choice": names, "share": np.zeros(len(names))})
    denominator = float(((y - y.mean(axis=0)) ** 2).sum())
    every = [part for parts in factors.values() for part in parts]
    numerators = _between_within(y, every) if every else np.zeros(0)
    rows = []
    total_share, k = 0.0, 0
    for choice, parts in factors.items():
        numerator = float(numerators[k : k + len(parts)].sum())
        k += len(parts)
        share = float(np.clip(numerator / denominator, 0.0, 1.0))
        total_share += share
        rows.append({"choice": choice, "share": share})
    rows.append({"choice": "interactions", "share": float(max(0.0, 1.0 - total_share))})
    return pd.DataFrame(rows, columns=["choice", "share"])


def _problems(n, seed, weight_noise, vary, tree: Tree, rows: int) -> list[Problem]:
    out = []
    values = {"n": n, "seed": seed, "weight_noise": weight_noise}
    for param in PARAMETERS:
        for message in param.problems(values[param.name]):
            out.append(Problem(_SOURCE, None, param.name, message))
    if isinstance(n, int | np.integer) and n * rows > MAX_DRAW_CELLS:
        out.append(
            Problem(
                _SOURCE,
                None,
                "n",
                f"{n:,} draws × {rows:,} unit-years is more than {MAX_DRAW_CELLS:,} ranks to "
                f"hold; use at most {max(2, MAX_DRAW_CELLS // rows):,} draws for this group",
            )
        )
    unknown = [v for v in vary if v not in CHOICES]
    if unknown:
        out.append(
            Problem(
                _SOURCE,
                None,
                "vary",
                f"unknown choice(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(CHOICES)}",
            )
        )
    if len(tree.indicators) < 2:
        out.append(
            Problem(
                _SOURCE,
                None,
                None,
                "the uncertainty analysis needs at least two indicators "
                f"(the framework has {len(tree.indicators)})",
            )
        )
    return out


def _level_arrays(tree: Tree, weights: np.ndarray) -> dict[int, np.ndarray]:
    """(D, codes) weights → level → (D, k) child weights renormalised within siblings.

    A parent whose children all weigh 0 (a dropped, emptied aggregate) keeps zeros.
    """
    out = {}
    for st in tree.steps:
        w = weights[:, st.child_cols]
        sums = (w @ st.membership)[:, st.owner]
        out[st.level] = np.where(sums > 0, w / np.where(sums > 0, sums, 1.0), 0.0)
    return out


def _full_vector(tree: Tree, sub: Tree, level_weights: dict[int, np.ndarray]) -> np.ndarray:
    """Level weights of ``sub`` (a tree with some codes removed) as a (codes,) vector of the
    full ``tree``: 0 for removed codes, 1 for the root."""
    out = np.zeros(len(tree.codes))
    out[tree.root_col] = 1.0
    for st in sub.steps:
        cols = [tree.index[sub.codes[c]] for c in st.child_cols]
        out[cols] = level_weights[st.level]
    return out


# ---------------------------------------------------------------------------- main
def uncertainty(
    source: Result | Build,
    *,
    n: int = 1000,
    seed: int = 0,
    weight_noise: float = 0.25,
    vary: Sequence[str] = CHOICES,
    alternatives: Mapping[str, Sequence[str]] | None = None,
    chunk: int | None = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of the ranks (see the module docstring).

    Parameters
    ----------
    source : Result or Build
        The nominal build (a result of it is reused as the nominal result).
    n : int
        Number of draws (COINr's ``N``), 2 to :data:`MAX_DRAWS`.
    seed : int
        Seed of the ``numpy.random.Generator``; the same seed gives identical output.
    weight_noise : float
        *w* in the multiplier :math:`U(1-w, 1+w)` of every weight.
    vary : sequence of str
        Which of :data:`CHOICES` to vary; the others stay at the nominal config.
    alternatives : mapping, optional
        Replaces entries of :data:`ALTERNATIVES` (e.g. ``{"normalise": ("minmax", "rank")}``).
    chunk : int, optional
        Draws aggregated at once (the memory is about ``chunk × rows × widest level × 8``
        bytes); by default as many as keep that near 16 MB.

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    ValidationError
        For bad arguments (with what is allowed).
    """
    if isinstance(source, Result):
        nominal = source
    elif isinstance(source, Build):
        nominal = run_pipeline(source)
    else:
        raise TypeError("uncertainty takes a Result or a Build")
    build = nominal.build
    config, panel, tree = build.config, build.panel, build.tree
    vary = tuple(vary)
    problems = _problems(n, seed, weight_noise, vary, tree, panel.n)
    if problems:
        raise ValidationError(problems)
    codes = tree.codes
    ncodes = len(codes)
    alts = {**ALTERNATIVES, **dict(alternatives or {})}
    data_driven = any(
        WEIGHTS[config.weights].data_driven and config.weights_apply_at(st.level - 1)
        for st in tree.steps
    )

    # ---- the options of each discrete choice (nominal first)
    def options(name: str, nominal_value: str) -> tuple[str, ...]:
        if name not in vary:
            return (nominal_value,)
        return tuple(dict.fromkeys([nominal_value, *alts[name]]))

    def valid(cfg: Config) -> bool:
        return not cfg.validate()

    norm_opts = options("normalise", config.normalise)
    if "aggregate" not in vary:  # e.g. z-scores cannot feed the nominal geometric mean
        norm_opts = tuple(nm for nm in norm_opts if valid(config.replace(normalise=nm)))
    treat_opts = options("treat", config.treat)
    agg_opts = options("aggregate", config.aggregate)
    nominal_w = np.ones(ncodes)
    for st in tree.steps:
        nominal_w[st.child_cols] = nominal.arrays.aggregated.weights[st.level]
    drop_opts: list[str | None] = [None]
    if "drop" in vary:
        drop_opts += [c for c in tree.indicators if _can_drop(tree, c, nominal_w)]
    valid_aggs: dict[str, tuple[str, ...]] = {}
    for nm in norm_opts:
        if "aggregate" in vary:
            ok = tuple(
                a
                for a in agg_opts
                if valid(config.replace(normalise=nm, aggregate=a, aggregate_by_level=()))
            )
            valid_aggs[nm] = ok or ("arithmetic",)
        else:
            valid_aggs[nm] = (config.aggregate,)

    # ---- draws (always drawn in the same order, whatever is varied)
    rng = np.random.default_rng(seed)
    i_norm = rng.integers(len(norm_opts), size=n)
    u_agg = rng.random(n)
    i_treat = rng.integers(len(treat_opts), size=n)
    i_drop = rng.integers(len(drop_opts), size=n)
    mult = rng.uniform(1.0 - weight_noise, 1.0 + weight_noise, size=(n, ncodes))
    if "weights" not in vary:
        mult = np.ones((n, ncodes))
    # the aggregation is drawn among those valid with the drawn normalisation
    agg_opts = tuple(dict.fromkeys([*agg_opts, *(a for v in valid_aggs.values() for a in v)]))
    i_agg = np.zeros(n, dtype=np.int64)
    for k, nm in enumerate(norm_opts):
        allowed = np.asarray([agg_opts.index(a) for a in valid_aggs[nm]])
        mask = i_norm == k
        i_agg[mask] = allowed[(u_agg[mask] * allowed.size).astype(np.int64)]

    # ---- the steps, once per combination (imputation is not varied)
    X1 = nominal.arrays.X1
    treated: dict[str, np.ndarray] = {}
    normalised: dict[tuple[str, str], np.ndarray] = {}

    def treated_for(tr: str) -> np.ndarray:
        if tr not in treated:
            treated[tr] = (
                nominal.arrays.X2
                if tr == config.treat
                else steps.treat(X1, panel, config.replace(treat=tr))[0]
            )
        return treated[tr]

    def normalised_for(nm: str, tr: str) -> np.ndarray:
        if (nm, tr) not in normalised:
            if (nm, tr) == (config.normalise, config.treat):
                normalised[(nm, tr)] = nominal.arrays.N
            else:
                cfg = config.replace(normalise=nm, treat=tr)
                normalised[(nm, tr)] = steps.normalise(treated_for(tr), panel, tree, cfg)[0]
        return normalised[(nm, tr)]

    subtrees: dict[str | None, Tree] = {None: tree}

    def learned_weights(nm: str, tr: str, drop: str | None, agg: str | None) -> np.ndarray:
        """Data-driven weights of one combination, learned again (full-tree vector)."""
        if drop not in subtrees:
            subtrees[drop] = tree.without(set(tree.removed_with(drop)))
        sub = subtrees[drop]
        keep = [tree.indicators.index(c) for c in sub.indicators]
        changes: dict[str, Any] = {"normalise": nm, "treat": tr}
        if agg is not None:
            changes.update(aggregate=agg, aggregate_by_level=())
        cfg = config.replace(**changes)
        kept = tuple((c, w) for c, w in cfg.weight_overrides if c in sub.index)
        cfg = cfg.replace(weight_overrides=kept)
        N = normalised_for(nm, tr)[:, keep]
        X = treated_for(tr)[:, keep]
        return _full_vector(tree, sub, steps.weigh_and_aggregate(N, X, sub, cfg).weights)

    base_by_drop: dict[str | None, np.ndarray] = {}
    for drop in drop_opts:
        w = nominal_w.copy()
        if drop is not None:
            w[[tree.index[c] for c in tree.removed_with(drop)]] = 0.0
        base_by_drop[drop] = w

    rows = panel.n
    year_rows = [np.flatnonzero(panel.years == y) for y in np.unique(panel.years)]
    root = tree.root_col
    rank_draws = np.full((n, rows), np.nan)
    score_draws = np.full((n, rows), np.nan)

    # draws that share (normalisation, treatment, aggregation[, dropped indicator when the
    # weights are learned again]) are aggregated together
    combo = np.stack(
        [
            i_norm,
            i_treat,
            i_drop if data_driven else np.zeros(n, dtype=np.int64),
            i_agg if "aggregate" in vary else np.full(n, -1),
        ],
        axis=1,
    )
    uniques, which = np.unique(combo, axis=0, return_inverse=True)
    which = which.reshape(-1)
    members = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[members], np.arange(len(uniques) + 1))
    batches = {
        (
            norm_opts[u[0]],
            treat_opts[u[1]],
            drop_opts[u[2]] if data_driven else None,
            agg_opts[u[3]] if u[3] >= 0 else None,
        ): members[bounds[k] : bounds[k + 1]]
        for k, u in enumerate(uniques.tolist())
    }
    ordered = sorted(batches, key=lambda k: tuple("" if v is None else v for v in k))

    # ---- every draw's weights at once: its base (nominal weights without the dropped
    # indicator, or the weights learned for its combination) times its multipliers
    base = np.stack([base_by_drop[d] for d in drop_opts])[i_drop]
    if data_driven:
        for key in ordered:
            base[batches[key]] = learned_weights(*key)
    level_w = _level_arrays(tree, base * mult)
    base_level = _level_arrays(tree, base)
    weights_out = np.ones((n, ncodes))
    weight_change = np.zeros(n)
    for st in tree.steps:
        weights_out[:, st.child_cols] = level_w[st.level]
        b = base_level[st.level]
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(b > 0, np.abs(level_w[st.level] / b - 1.0), 0.0)
        weight_change = np.maximum(weight_change, rel.max(axis=1, initial=0.0))

    # ---- aggregate each combination's draws together, a memory-bounded chunk at a time
    widest = max((len(st.parents) for st in tree.steps), default=1)
    chunk = chunk or int(np.clip(2_000_000 // max(1, rows * widest), 16, 4096))
    for key in ordered:
        idx = np.asarray(batches[key])
        nm, tr, _, agg_key = key
        N = normalised_for(nm, tr)
        if agg_key is not None:
            method: str | dict[int, str] = agg_key
        else:
            method = {st.level: config.aggregate_for(st.level) for st in tree.steps}
        for start in range(0, idx.size, chunk):
            part = idx[start : start + chunk]
            S = aggregate_tree(
                N,
                tree,
                {lev: w[part] for lev, w in level_w.items()},
                method,
                min_coverage=config.min_coverage,
                columns=[root],
            )[..., 0]
            score_draws[part] = S
            for r in year_rows:
                rank_draws[part[:, None], r[None, :]] = rank_rows(S[:, r])

    # ---- summaries
    q = np.full((3, rows), np.nan)
    mean = np.full(rows, np.nan)
    gaps = np.isnan(rank_draws).any(axis=0)
    if not gaps.all():  # np.quantile is vectorised; the NaN-aware version loops per column
        q[:, ~gaps] = np.quantile(rank_draws[:, ~gaps], [0.05, 0.5, 0.95], axis=0)
        mean[~gaps] = rank_draws[:, ~gaps].mean(axis=0)
    if gaps.any():
        with warnings.catch_warnings():  # a unit-year never ranked (missing index) gives NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            q[:, gaps] = np.nanquantile(rank_draws[:, gaps], [0.05, 0.5, 0.95], axis=0)
            mean[gaps] = np.nanmean(rank_draws[:, gaps], axis=0)
    keys = panel.keys
    ranks = pd.DataFrame(
        {
            "adcode": keys["adcode"],
            "year": keys["year"],
            "nominal_rank": nominal.arrays.root_rank,
            "median_rank": q[1],
            "mean_rank": mean,
            "p05": q[0],
            "p95": q[2],
            "wide": wide_intervals(q[0], q[2], panel.years),
        }
    )

    factors: dict[str, list[tuple[np.ndarray, int]]] = {}
    if "weights" in vary and weight_noise > 0:
        parts = []
        for st in tree.steps:
            sizes = st.membership.sum(axis=0)[st.owner]
            for j, col in enumerate(st.child_cols):
                if sizes[j] < 2:
                    continue  # an only child: its multiplier is renormalised away
                u = (mult[:, col] - (1.0 - weight_noise)) / (2.0 * weight_noise)
                parts.append(
                    (np.clip((u * WEIGHT_BINS).astype(int), 0, WEIGHT_BINS - 1), WEIGHT_BINS)
                )
        factors["weights"] = parts
    for name, opts, drawn in (
        ("normalise", norm_opts, i_norm),
        ("aggregate", agg_opts, i_agg),
        ("treat", treat_opts, i_treat),
        ("drop", drop_opts, i_drop),
    ):
        if name in vary and len(opts) > 1:
            factors[name] = [(drawn, len(opts))]
    variance_share = first_order_shares(rank_draws, factors)

    def named(opts: Sequence, drawn: np.ndarray) -> pd.api.extensions.ExtensionArray:
        texts = np.asarray(["" if o is None else o for o in opts], dtype=object)
        return pd.array(texts[drawn], dtype="str")

    draws = pd.DataFrame(
        {
            "draw": np.arange(n),
            "normalise": named(norm_opts, i_norm),
            "aggregate": named(agg_opts, i_agg if "aggregate" in vary else np.zeros(n, int)),
            "treat": named(treat_opts, i_treat),
            "drop": named(drop_opts, i_drop),
            "weight_change": weight_change,
        }
    )
    return UncertaintyResult(
        ranks=ranks,
        variance_share=variance_share,
        draws=draws,
        rank_draws=rank_draws,
        score_draws=score_draws,
        weights=weights_out,
        codes=codes,
        nominal=nominal,
        multipliers=mult,
        n=int(n),
        seed=int(seed),
        weight_noise=float(weight_noise),
        vary=vary,
    )


#: The defaults of the declared arguments, read from :func:`uncertainty`'s signature.
UNCERTAINTY_DEFAULTS = SimpleNamespace(
    **{p.name: inspect.signature(uncertainty).parameters[p.name].default for p in PARAMETERS}
)
