"""The framework as index arrays, and the vectorised aggregation of the whole tree.

The pipeline works on one value matrix ``V`` with a column per framework code (rows = unit-years)
that is filled level by level. :func:`tree_of` turns a :class:`~indicators.framework.Framework`
into index arrays once (cached per framework), so no step loops over nodes in Python more than
once per level.

Building blocks for vectorised reuse (the Monte Carlo uncertainty analysis, "what would it
take"): :func:`aggregate_tree` (every aggregate from normalised indicators, with optional
leading batch dimensions), :func:`normalise_within`, :func:`effective_weights`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indicators.methods.aggregate import aggregate_matrix

__all__ = [
    "Tree",
    "LevelStep",
    "tree_of",
    "aggregate_tree",
    "normalise_within",
    "effective_weights",
]


@dataclass(frozen=True, eq=False)
class LevelStep:
    """The aggregates computed at one level.

    Attributes
    ----------
    level : int
        Level of the parents.
    parents : tuple of str
        Parent codes (framework order).
    parent_cols : (m,) int array
        Their columns in the value matrix ``V``.
    child_cols : (k,) int array
        Columns in ``V`` of every child of these parents (each child has one parent).
    owner : (k,) int array
        For each child, the position of its parent in ``parents``.
    membership : (k, m) float array
        1 where the child belongs to the parent.
    prior : (k,) float array
        Framework weights of the children (raw, as in the file).
    prior_normalised : (k,) float array
        ``prior`` normalised to sum 1 within each parent (:func:`normalise_within`).
    groups : tuple of (int, (j,) int array)
        For each parent, its position and the positions (in ``child_cols``) of its children.
    """

    level: int
    parents: tuple[str, ...]
    parent_cols: np.ndarray
    child_cols: np.ndarray
    owner: np.ndarray
    membership: np.ndarray
    prior: np.ndarray
    prior_normalised: np.ndarray = field(repr=False)
    groups: tuple = field(repr=False)

    def matrix(self, child_weights: np.ndarray) -> np.ndarray:
        """(k,) or (..., k) child weights -> (..., k, m) weight matrix for aggregation."""
        w = np.asarray(child_weights, dtype=float)
        return w[..., :, None] * self.membership


@dataclass(frozen=True, eq=False)
class Tree:
    """The framework as index arrays.

    Attributes
    ----------
    codes : tuple of str
        Every code, framework order; column ``j`` of ``V`` is ``codes[j]``.
    index : dict
        Code -> column.
    indicators : tuple of str
        Level-1 codes (framework order).
    ind_cols : (p,) int array
        Their columns in ``V``.
    directions : (p,) float array
        +1/-1 per indicator.
    steps : tuple of LevelStep
        One per aggregate level, ascending.
    root : str
    levels : (len(codes),) int array
        Level of every code.
    parent_of : tuple
        Parent code of every code (``None`` for the root).
    """

    codes: tuple[str, ...]
    index: dict[str, int]
    indicators: tuple[str, ...]
    ind_cols: np.ndarray
    directions: np.ndarray
    steps: tuple[LevelStep, ...]
    root: str
    levels: np.ndarray
    parent_of: tuple
    prior: np.ndarray = field(repr=False)
    direction: np.ndarray = field(repr=False)

    @property
    def root_col(self) -> int:
        return self.index[self.root]

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The index's children when they are aggregates (frameworks of three or more levels);
        empty when the indicators sit directly under the index."""
        kids = [c for c, p in zip(self.codes, self.parent_of, strict=True) if p == self.root]
        return () if all(c in self.indicators for c in kids) else tuple(kids)

    @property
    def dimension_cols(self) -> tuple[np.ndarray, ...]:
        """For each of :attr:`dimensions`, the positions (in ``indicators``) of the indicators
        below it."""
        cached = self.__dict__.get("_dimension_cols")
        if cached is None:
            position = {c: j for j, c in enumerate(self.indicators)}
            under: dict[str, list[int]] = {d: [] for d in self.dimensions}
            for c in self.indicators:
                node = c
                while node is not None and node not in under:
                    node = self.parent_of[self.index[node]]
                if node is not None:
                    under[node].append(position[c])
            cached = tuple(np.asarray(v, dtype=np.intp) for v in under.values())
            object.__setattr__(self, "_dimension_cols", cached)
        return cached

    def removed_with(self, indicator: str) -> tuple[str, ...]:
        """Codes that disappear when ``indicator`` is dropped: itself and every aggregate left
        without an indicator (framework order)."""
        return self._removed().get(indicator, ())

    def _removed(self) -> dict[str, tuple[str, ...]]:
        """:meth:`removed_with` of every indicator, computed once per tree."""
        cached = self.__dict__.get("_removed_cache")
        if cached is None:
            below: list[set] = [set() for _ in self.codes]
            for c in self.indicators:
                node = c
                while node is not None:
                    below[self.index[node]].add(c)
                    node = self.parent_of[self.index[node]]
            cached = {c: [] for c in self.indicators}
            for code, under in zip(self.codes, below, strict=True):
                if len(under) == 1:
                    cached[next(iter(under))].append(code)
            cached = {c: tuple(v) for c, v in cached.items()}
            object.__setattr__(self, "_removed_cache", cached)
        return cached

    def without(self, removed: set[str] | tuple[str, ...]) -> Tree:
        """The tree without some codes (e.g. :meth:`removed_with` an indicator)."""
        keep = [j for j, c in enumerate(self.codes) if c not in removed]
        return _build(
            tuple(self.codes[j] for j in keep),
            tuple(self.parent_of[j] for j in keep),
            self.levels[keep],
            self.prior[keep],
            self.direction[keep],
        )

    def framework_weights(self) -> dict[int, np.ndarray]:
        """Framework child weights per level, normalised within parents: level -> (k,)."""
        return {st.level: st.prior_normalised for st in self.steps}


def normalise_within(w: np.ndarray, owner: np.ndarray, m: int) -> np.ndarray:
    """Normalise child weights to sum 1 within each parent: :math:`w_j / \\sum_{k \\in P(j)}
    w_k` (equal weights if a parent's sum is 0). ``w`` may have leading batch dimensions."""
    w = np.asarray(w, dtype=float)
    onehot = np.zeros((owner.size, m))
    onehot[np.arange(owner.size), owner] = 1.0
    s = (w @ onehot)[..., owner]
    counts = onehot.sum(axis=0)[owner]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s > 0, w / np.where(s > 0, s, 1.0), 1.0 / counts)


def _build(
    codes: tuple[str, ...],
    parent_of: tuple,
    levels: Sequence[int],
    prior: Sequence[float],
    direction: Sequence[float],
) -> Tree:
    """Index arrays of a tree given per code (framework order): parent (``None`` for the
    root), level, framework weight and direction."""
    index = {c: j for j, c in enumerate(codes)}
    levels_a = np.asarray(levels, dtype=np.int64)
    children: dict[str, list[str]] = {c: [] for c in codes}
    root = None
    for c, p in zip(codes, parent_of, strict=True):
        if p is None:
            root = c
        else:
            children[p].append(c)
    inds = tuple(c for c, lev in zip(codes, levels_a, strict=True) if lev == 1)
    steps = []
    for level in sorted(set(levels_a.tolist()))[1:]:
        parents = tuple(c for c, lev in zip(codes, levels_a, strict=True) if lev == level)
        child_cols, owner, weights, groups = [], [], [], []
        for f, p in enumerate(parents):
            kids = children[p]
            groups.append((f, np.arange(len(child_cols), len(child_cols) + len(kids))))
            for c in kids:
                child_cols.append(index[c])
                owner.append(f)
                weights.append(float(prior[index[c]]))
        owner_a = np.asarray(owner, dtype=np.intp)
        membership = np.zeros((len(owner), len(parents)))
        membership[np.arange(len(owner)), owner_a] = 1.0
        prior_a = np.asarray(weights, dtype=float)
        steps.append(
            LevelStep(
                level=level,
                parents=parents,
                parent_cols=np.asarray([index[p] for p in parents], dtype=np.intp),
                child_cols=np.asarray(child_cols, dtype=np.intp),
                owner=owner_a,
                membership=membership,
                prior=prior_a,
                prior_normalised=normalise_within(prior_a, owner_a, len(parents)),
                groups=tuple(groups),
            )
        )
    for step in steps:
        for a in (step.parent_cols, step.child_cols, step.owner, step.membership, step.prior):
            a.flags.writeable = False
    return Tree(
        codes=tuple(codes),
        index=index,
        indicators=inds,
        ind_cols=np.asarray([index[c] for c in inds], dtype=np.intp),
        directions=np.asarray([float(direction[index[c]]) for c in inds]),
        steps=tuple(steps),
        root=root,
        levels=levels_a,
        parent_of=tuple(parent_of),
        prior=np.asarray(prior, dtype=float),
        direction=np.asarray(direction, dtype=float),
    )


def _from_framework(framework: Any) -> Tree:
    codes = tuple(framework.codes)
    return _build(
        codes,
        tuple(framework.parent(c) for c in codes),
        [framework.level(c) for c in codes],
        [framework.weight(c) for c in codes],
        [framework.direction(c) for c in codes],
    )


def tree_of(framework: Any) -> Tree:
    """The index arrays of a framework, built once per framework object and kept on it (a
    framework is immutable, so they never go stale)."""
    tree = framework.__dict__.get("_tree")
    if tree is None:
        tree = _from_framework(framework)
        object.__setattr__(framework, "_tree", tree)  # a race only builds it twice
    return tree


def aggregate_tree(
    normalised: np.ndarray,
    tree: Tree,
    weights: Mapping[int, np.ndarray] | None = None,
    method: str | Mapping[int, str] = "arithmetic",
    *,
    min_coverage: float = 0.5,
    return_coverage: bool = False,
    columns: Sequence[int] | None = None,
):
    """Fill every aggregate of the tree from normalised indicators (building block).

    Parameters
    ----------
    normalised : (..., n, p) normalised indicators (columns in ``tree.indicators`` order).
    tree : Tree
    weights : level -> (..., k) child weights (normalised within parents, as returned by
        :meth:`Tree.framework_weights`); default = framework weights. Batch dimensions
        broadcast against those of ``normalised``: a Monte Carlo passes one (n, p) matrix and
        (draws, k) weights, and the indicators are never copied per draw.
    method : aggregation name, or level -> name.
    min_coverage : see :func:`~indicators.methods.aggregate.aggregate_matrix`.
    columns : only these columns of ``V`` (e.g. the root's) are returned.

    Returns
    -------
    V or (V, shares) : (..., n, len(tree.codes)) values of every code (or of ``columns``);
    ``shares`` maps a level to the (..., n, m) present share of its parents.
    """
    N = np.asarray(normalised, dtype=float)
    weights = tree.framework_weights() if weights is None else weights
    batch = np.broadcast_shapes(N.shape[:-2], *(np.asarray(w).shape[:-1] for w in weights.values()))
    n = N.shape[-2]
    of_indicator = {int(c): j for j, c in enumerate(tree.ind_cols)}
    computed: dict[int, np.ndarray] = {}  # aggregate column -> (..., n)

    def child_values(cols: np.ndarray) -> np.ndarray:
        if all(int(c) in of_indicator for c in cols):  # no batch copy of the indicators
            return N[..., [of_indicator[int(c)] for c in cols]]
        parts = [
            N[..., of_indicator[int(c)]] if int(c) in of_indicator else computed[int(c)]
            for c in cols
        ]
        shape = np.broadcast_shapes(*(q.shape for q in parts))
        return np.stack([np.broadcast_to(q, shape) for q in parts], axis=-1)

    shares = {}
    for st in tree.steps:
        m = method if isinstance(method, str) else method.get(st.level, "arithmetic")
        out = aggregate_matrix(
            child_values(st.child_cols),
            st.matrix(weights[st.level]),
            m,
            min_coverage=min_coverage,
            return_coverage=return_coverage,
        )
        y = out[0] if return_coverage else out
        for f, col in enumerate(st.parent_cols):
            computed[int(col)] = y[..., f]
        if return_coverage:
            shares[st.level] = out[1]
    wanted = range(len(tree.codes)) if columns is None else columns
    V = np.empty(batch + (n, len(wanted)))
    for k, col in enumerate(wanted):
        col = int(col)
        V[..., k] = N[..., of_indicator[col]] if col in of_indicator else computed[col]
    return (V, shares) if return_coverage else V


def effective_weights(tree: Tree, weights: Mapping[int, np.ndarray]) -> np.ndarray:
    """End-to-end weight of every code: the product of the weights from the root down.

    Returns a (len(tree.codes),) array (root = 1).
    """
    eff = np.ones(len(tree.codes))
    for st in reversed(tree.steps):
        eff[st.child_cols] = eff[st.parent_cols][st.owner] * np.asarray(weights[st.level])
    return eff
