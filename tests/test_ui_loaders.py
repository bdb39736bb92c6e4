"""Loader identities: cache keys are collision-free and name everything that determines a result."""

import io

import numpy as np
import pandas as pd
import pytest

import indicators
from indicators import Build, Config
from indicators.tables import BUNDLED_SOURCE
from ui import loaders

ROOT_DIMS = ("D1", "D2", "D3", "D4", "D5")


def test_slider_weights_are_relative_weights(bundle):
    data, fw, _ = bundle
    overrides = tuple(zip(ROOT_DIMS, (5.0, 1.0, 1.0, 1.0, 1.0), strict=True))
    result = indicators.run_pipeline(Build.create(data, fw, Config(weight_overrides=overrides)))
    weights = result.weights.set_index("code")["weight"]
    assert weights["D1"] == pytest.approx(5 / 9) and weights["D2"] == pytest.approx(1 / 9)


def test_slider_weights_in_the_uncertainty_equal_a_reweighted_framework(yrd27_build):
    """The engine treats weight overrides as fixed weights (the UI used to move them into the
    framework itself to get this path): same draws as a framework carrying those weights."""
    weights = dict(zip(ROOT_DIMS, (5.0, 0.5, 2.0, 1.0, 0.0), strict=True))
    sliders = yrd27_build.replace(weight_overrides=tuple(weights.items()))
    framework = yrd27_build.framework.with_weights(weights)
    moved = Build.create(yrd27_build.data, framework, members=list(yrd27_build.members))
    a = indicators.uncertainty(sliders, n=60, seed=4)
    b = indicators.uncertainty(moved, n=60, seed=4)
    np.testing.assert_allclose(a.score_draws, b.score_draws, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(a.rank_draws, b.rank_draws)


class _File(io.BytesIO):
    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


def test_upload_keys_are_unambiguous():
    """Regression: the key was sha256(framework + data + units) with no separators, so two
    uploads whose concatenated bytes are equal shared a key (and cached results)."""
    a = loaders.upload_key({"data": _File("d.csv", b"ab"), "framework": _File("f.csv", b"c")})
    b = loaders.upload_key({"data": _File("d.csv", b"a"), "framework": _File("f.csv", b"bc")})
    assert a != b
    renamed = loaders.upload_key({"data": _File("e.csv", b"ab"), "framework": _File("f.csv", b"c")})
    assert renamed != a  # the file name is shown in exports: it is part of the identity
    swapped = loaders.upload_key({"data": _File("f.csv", b"c"), "framework": _File("d.csv", b"ab")})
    assert swapped != a
    again = loaders.upload_key({"data": _File("d.csv", b"ab"), "framework": _File("f.csv", b"c")})
    assert again == a


def test_digest_is_length_prefixed():
    assert loaders._digest("ab", "c") != loaders._digest("a", "bc")


def test_default_sidebar_selections_are_the_default_config():
    """The dashboard's default build is Config() by declaration, not by registry order."""
    dataset = loaders.bundled_dataset()
    options = loaders.options_for(dataset)
    assert loaders.config_for(options.default_selections()) == Config()


def test_build_of_the_dashboard_names_its_source(bundle):
    dataset = loaders.bundled_dataset()
    members = loaders.members_for(dataset, loaders.options_for(dataset).default_selections())
    build = loaders.build(dataset, members, Config())
    # the command line's name for the bundled tables: the same choices make the same build
    assert build.source == BUNDLED_SOURCE and len(build.members) == 27
    assert isinstance(build.units, pd.DataFrame) and len(build.units) == 27
