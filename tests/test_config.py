"""Config: frozen, hashable, plain-data round trip, every bad field reported."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from indicators.config import Config
from indicators.framework import Framework
from indicators.validate import ValidationError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FULL = Config(
    impute="latest",
    treat="coinr",
    normalise="goalposts",
    goalposts=(("ind_a", 0.0, 50.0),),
    weights="ahp",
    weights_levels=(2,),
    weight_overrides=(("D1", 2.0),),
    ahp=(("IDX", ((1.0, 3.0), (1 / 3, 1.0))),),
    aggregate="geometric",
    aggregate_by_level=((3, "arithmetic"),),
    min_coverage=0.6,
)


def test_defaults_are_coinr_defaults_and_valid():
    c = Config()
    assert (c.impute, c.treat, c.normalise, c.weights, c.aggregate) == (
        "none",
        "none",
        "minmax",
        "framework",
        "arithmetic",
    )
    assert (c.treat_skew, c.treat_kurt, c.treat_winmax, c.min_coverage) == (2.0, 3.5, 5, 0.5)
    assert c.validate() == []


def test_round_trip_json_and_hash():
    d = json.loads(json.dumps(FULL.to_dict()))  # lists after JSON
    again = Config.from_dict(d)
    assert again == FULL and hash(again) == hash(FULL)
    assert Config.from_dict(Config().to_dict()) == Config()
    assert {FULL: 1}[again] == 1


def test_frozen_and_replace():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FULL.impute = "mean"  # type: ignore[misc]
    c = Config().replace(weights="equal", weights_levels=[1, 2])
    assert c.weights_levels == (1, 2) and hash(c)


def test_settings_are_stored_not_validated():
    c = Config(impute="nope", min_coverage=3)  # no error here
    columns = [p.column for p in c.validate()]
    assert columns == ["impute", "min_coverage"]


def test_validate_lists_every_bad_field_with_allowed_values():
    c = Config(
        impute="x",
        treat="y",
        normalise="z",
        weights="w",
        aggregate="a",
        normalise_scope="decade",
        treat_winmax=-1,
        goalposts=(("ind_a", 5, 1),),
        weight_overrides=(("D1", -1),),
        ahp=(("IDX", ((1, 2), (2, 1))),),
        aggregate_by_level=((2, "median"),),
    )
    problems = c.validate()
    cols = {p.column for p in problems}
    assert cols >= {
        "impute",
        "treat",
        "normalise",
        "weights",
        "aggregate",
        "normalise_scope",
        "treat_winmax",
        "goalposts",
        "weight_overrides",
        "ahp",
        "aggregate_by_level",
    }
    text = " ".join(p.message for p in problems)
    assert "none, mean, median, group_mean, group_median, latest" in text
    assert "not reciprocal" in text


def test_validate_against_framework():
    fw = Framework.from_table(pd.read_csv(FIXTURES / "framework.csv"))
    assert FULL.validate(fw) == []
    bad = Config(
        goalposts=(("nope", 0, 1),),
        ahp=(("D1", ((1, 2, 3), (0.5, 1, 1), (1 / 3, 1, 1))),),
        weights_levels=(3,),
        weight_overrides=(("IDX", 1.0),),
    )
    assert len(bad.validate(fw)) == 4


def test_zscore_with_geometric_is_rejected():
    assert [p.column for p in Config(normalise="zscore", aggregate="geometric").validate()] == [
        "aggregate"
    ]


def test_from_dict_rejects_unknown_keys():
    with pytest.raises(ValidationError, match="unknown setting 'colour'"):
        Config.from_dict({"colour": "red"})


def test_aggregate_for_level():
    assert FULL.aggregate_for(3) == "arithmetic" and FULL.aggregate_for(2) == "geometric"


def test_weight_overrides_that_overflow_or_all_weigh_zero_are_refused():
    """Regression (hardening round two, §5): all-zero overrides silently became equal weights,
    and huge ones overflowed into NaN scores."""
    fw = Framework.from_table(pd.read_csv(FIXTURES / "framework.csv"))
    huge = Config(weight_overrides=(("D1", 1e300), ("D2", 1e300)))
    assert [p.column for p in huge.validate(fw)] == ["weight_overrides", "weight_overrides"]
    assert "from 0 to 1e+12" in huge.validate(fw)[0].message
    zero = Config(weight_overrides=(("D1", 0.0), ("D2", 0.0)))
    messages = [p.message for p in zero.validate(fw)]
    assert messages == [
        "every child of 'IDX' would have weight 0 (D1, D2): give at least one a weight above 0"
    ]
    # one sibling at 0 is fine; a sibling left to the framework keeps its weight
    assert Config(weight_overrides=(("D1", 0.0),)).validate(fw) == []
