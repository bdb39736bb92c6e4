"""Loader shortcuts must not change results."""

import pandas as pd
import pytest

import indicators
from indicators import Config
from ui.loaders import _fixed_weights

ROOT_DIMS = ("D1", "D2", "D3", "D4", "D5")


@pytest.fixture(scope="module")
def bundle():
    paths = indicators.default_paths()
    fw = indicators.load_framework(paths["framework"])
    return fw, indicators.load_data(paths["data"], framework=fw)


def test_slider_weights_are_relative_weights(bundle):
    fw, data = bundle
    overrides = tuple(zip(ROOT_DIMS, (5.0, 1.0, 1.0, 1.0, 1.0), strict=True))
    result = indicators.run_pipeline(data, fw, Config(weight_overrides=overrides))
    weights = result.weights.set_index("code")["weight"]
    assert weights["D1"] == pytest.approx(5 / 9) and weights["D2"] == pytest.approx(1 / 9)


def test_fixed_weights_gives_the_same_scores(bundle):
    fw, data = bundle
    config = Config(weight_overrides=tuple(zip(ROOT_DIMS, (5.0, 0.5, 2.0, 1.0, 0.0), strict=True)))
    fw2, config2 = _fixed_weights(fw, config)
    assert config2.weight_overrides == () and fw2 != fw
    a = indicators.run_pipeline(data, fw, config).scores
    b = indicators.run_pipeline(data, fw2, config2).scores
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_partial_overrides_are_left_alone(bundle):
    fw, _ = bundle
    config = Config(weight_overrides=(("D1", 2.0),))
    assert _fixed_weights(fw, config) == (fw, config)
    entropy = Config(weights="entropy", weight_overrides=tuple((d, 1.0) for d in ROOT_DIMS))
    assert _fixed_weights(fw, entropy) == (fw, entropy)
