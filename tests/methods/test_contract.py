"""One contract test run against every registered method (scikit-learn's check_estimator idea).

For every name in every registry, a build on the tiny fixture must: keep the same unit-years,
never modify its input, produce no NaN where none is allowed (every aggregate is present, since
at most one child is missing anywhere), and log what the step did. At the matrix level every
method must accept a read-only array (so it cannot write into its input) and keep the shape.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from indicators.build import Build
from indicators.config import PARAMETERS, Config
from indicators.methods import (
    AGGREGATE,
    IMPUTE,
    METHODS,
    NORMALISE,
    TREAT,
    WEIGHTS,
)
from indicators.pipeline import run_pipeline

CASES = [(step, name) for step, reg in METHODS.items() for name in reg]

EXTRA = {
    ("normalise", "goalposts"): {"goalposts": (("ind_a", 0, 50), ("ind_b", 5, 20))},
    ("weights", "ahp"): {"ahp": (("IDX", ((1, 3), (1 / 3, 1))), ("D2", ((1, 2), (0.5, 1))))},
}


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.flags.writeable = False
    return a


def test_every_method_is_declared_completely():
    fields = {p.name for p in PARAMETERS}
    for step, reg in METHODS.items():
        assert step in fields, step
        for name, method in reg.items():
            assert method.name == name
            assert method.label_zh and method.label_en and method.description, (step, name)
            assert set(method.params) <= fields, (step, name, method.params)


@pytest.mark.parametrize(("step", "name"), CASES, ids=[f"{s}-{n}" for s, n in CASES])
def test_pipeline_contract(step, name, data, framework, provinces):
    config = Config(**{step: name}, **EXTRA.get((step, name), {}))
    before = copy.deepcopy(data)
    fw_table = framework.table.copy()
    result = run_pipeline(Build.create(data, framework, config, unit_groups=provinces))

    pd.testing.assert_frame_equal(data, before)  # input untouched
    pd.testing.assert_frame_equal(framework.table, fw_table)
    keys = data[["adcode", "year"]].sort_values(["adcode", "year"]).reset_index(drop=True)
    for frame in (
        result.raw,
        result.imputed,
        result.treated,
        result.normalised,
        result.scores,
        result.ranks,
    ):
        pd.testing.assert_frame_equal(frame[["adcode", "year"]], keys, check_dtype=False)
        assert isinstance(frame.index, pd.RangeIndex)
    assert list(result.scores.columns) == ["adcode", "year", *framework.codes, "rank"]
    assert list(result.normalised.columns) == ["adcode", "year", *framework.indicators]

    aggregates = [c for c in framework.codes if c not in framework.indicators]
    assert not result.scores[aggregates].isna().any().any()
    assert not result.scores["rank"].isna().any()
    # the only missing cell is missing in normalised unless it was imputed
    n_missing = int(result.normalised[list(framework.indicators)].isna().sum().sum())
    assert n_missing == int(result.imputed[list(framework.indicators)].isna().sum().sum())
    # weights sum to 1 within each parent
    w = result.weights.dropna(subset=["parent"])
    np.testing.assert_allclose(w.groupby("parent")["weight"].sum(), 1.0)
    assert result.weights["effective"].iloc[0] == 1.0
    # the step logged what it did
    logged = [e for e in result.log if e["step"] == step]
    assert logged, f"no log entry for {step}={name}"
    assert result.config is config


@pytest.mark.parametrize("name", list(NORMALISE))
def test_normalise_contract(name):
    X = _readonly([[1.0, 4.0], [2.0, np.nan], [3.0, 2.0], [6.0, 1.0]])
    Y, info = NORMALISE[name](X, np.array([1.0, -1.0]), scope=None, goalposts=None)
    assert Y.shape == X.shape
    assert np.isnan(Y[1, 1]) and not np.isnan(np.delete(Y.ravel(), 3)).any()
    assert len(info) == 2


@pytest.mark.parametrize("name", list(IMPUTE))
def test_impute_contract(name):
    X = _readonly([[1.0, 4.0], [2.0, np.nan], [3.0, 2.0], [6.0, 1.0]])
    Y, details = IMPUTE[name](
        X,
        years=np.array([1, 2, 1, 2]),
        unit_ids=np.array(["a", "a", "b", "b"]),
        groups=np.array([0, 0, 0, 0]),
    )
    assert Y.shape == X.shape
    np.testing.assert_array_equal(Y[~np.isnan(X)], X[~np.isnan(X)])  # observed kept
    if name != "none":
        assert not np.isnan(Y).any()


@pytest.mark.parametrize("name", list(TREAT))
def test_treat_contract(name):
    X = _readonly(np.c_[np.r_[np.arange(1, 11), 30, 100], np.arange(12)])
    Y, events = TREAT[name](X, scope=None)
    assert Y.shape == X.shape and not np.isnan(Y).any()
    if name != "none":
        assert {e["action"] for e in events} >= {"assessed"}


@pytest.mark.parametrize("name", list(WEIGHTS))
def test_weights_contract(name):
    X = _readonly([[1.0, 4.0, 2.0], [2.0, 3.0, 2.5], [3.0, 2.0, 1.0], [6.0, 1.0, 7.0]])
    pairwise = np.array([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    w, info = WEIGHTS[name](
        X, np.array([1.0, -1.0, 1.0]), np.array([1.0, 1.0, 2.0]), pairwise=pairwise
    )
    assert w.shape == (3,) and np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)
    assert isinstance(info, dict)


@pytest.mark.parametrize("name", list(AGGREGATE))
def test_aggregate_contract(name):
    V = _readonly([[0.0, 100.0], [50.0, np.nan], [np.nan, np.nan]])
    y = AGGREGATE[name](V, np.array([[1.0], [1.0]]))
    assert y.shape == (3, 1)
    assert y[1, 0] == pytest.approx(50.0) and np.isnan(y[2, 0])
