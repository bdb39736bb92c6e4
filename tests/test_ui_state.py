"""Link parameters: every value is validated; bad input falls back with a notice, never raises."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui import state

OPTIONS = state.Options(
    years=(2010, 2020),
    provinces=("浙江省", "江苏省"),
    adcodes=frozenset({"310000", "330100", "320500"}),
    weights=(("D1", 1.0), ("D2", 1.0), ("D3", 2.0)),
)


def test_defaults_when_no_parameters():
    values, notices, unknown = state.parse({}, OPTIONS)
    assert values["lang"] == "zh" and values["group"] == "yrd27" and values["year"] == 2020
    assert values["norm"] == "minmax" and values["members"] == ()
    assert notices == [] and unknown == []


def test_valid_parameters_are_used():
    values, notices, _ = state.parse(
        {"lang": "en", "group": "province", "prov": "江苏省", "year": "2010", "wt": "entropy"},
        OPTIONS,
    )
    assert (values["lang"], values["group"], values["prov"], values["year"], values["wt"]) == (
        "en",
        "province",
        "江苏省",
        2010,
        "entropy",
    )
    assert notices == []


@pytest.mark.parametrize(
    "key,value",
    [
        ("lang", "fr"),
        ("year", "2015"),
        ("year", "abc"),
        ("norm", "<script>"),
        ("group", "yrd99"),
        ("prov", "Atlantis"),
        ("agg", "x" * 5000),
    ],
)
def test_bad_values_fall_back_with_notice(key, value):
    values, notices, _ = state.parse({key: value}, OPTIONS)
    assert values[key] == OPTIONS.default(key)
    assert [n.key for n in notices] == [key]
    assert len(notices[0].value) <= 81  # echoed values are truncated


def test_custom_group_needs_two_known_cities():
    values, notices, _ = state.parse({"group": "custom", "members": "310000,999999"}, OPTIONS)
    assert values["group"] == "yrd27"  # only one known member: back to the default group
    assert {n.key for n in notices} == {"members"}
    values, notices, _ = state.parse({"group": "custom", "members": "310000,330100"}, OPTIONS)
    assert values["group"] == "custom" and values["members"] == ("310000", "330100") and not notices


def test_unknown_keys_reported_and_page_keys_kept():
    _, _, unknown = state.parse({"foo": "1", "city": "310000", "w": "D1:2"}, OPTIONS)
    assert unknown == ["foo"]


def test_serialise_round_trip_leaves_out_defaults():
    values, _, _ = state.parse(
        {"lang": "en", "group": "custom", "members": "310000,320500"}, OPTIONS
    )
    link = state.serialise(values, OPTIONS)
    assert link == {"lang": "en", "group": "custom", "members": "310000,320500"}
    again, notices, _ = state.parse(link, OPTIONS)
    assert again == values and not notices


def test_parse_weights():
    assert state.parse_weights("D1:2,D2:0.5", {"D1", "D2"}) == ({"D1": 2.0, "D2": 0.5}, True)
    parsed, ok = state.parse_weights("D1:9,D9:1,D2:x", {"D1", "D2"})
    assert parsed == {} and not ok


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=300), max_size=12))
def test_any_link_parses_without_error(params):
    values, notices, unknown = state.parse(params, OPTIONS)
    assert set(values) == set(state.SHARED_KEYS)
    assert values["lang"] in ("zh", "en") and values["year"] in OPTIONS.years


def test_link_keys_and_choices_are_the_declared_method_settings():
    """One declaration (indicators.config.PARAMETERS) gives the links' method keys, their
    choices (the method registries) and their defaults (Config())."""
    from indicators.config import PARAMETERS, Config
    from indicators.methods import METHODS

    declared = {p.url: p for p in PARAMETERS if p.url}
    views = {"lang", "level", "group", "prov", "parent", "members", "year", "w"}  # "w": weights
    assert set(state.SHARED_KEYS) - views == set(declared)
    for key, param in declared.items():
        options = tuple(METHODS[param.step]) if param.step else param.constraint.options
        assert OPTIONS.choices(key) == options
        assert OPTIONS.default(key) == getattr(Config(), param.name)


def test_lab_weights_are_a_shared_selection():
    """Regression (issue 11): the lab's weights (w=D1:5,D2:0) changed only the lab page; they
    are now a shared selection, parsed for every page and written back in the link."""
    values, notices, unknown = state.parse({"w": "D1:5,D2:0"}, OPTIONS)
    assert values["w"] == (("D1", 5.0), ("D2", 0.0), ("D3", 2.0)) and not notices and not unknown
    assert state.serialise(values, OPTIONS)["w"] == "D1:5,D2:0"
    same, _, _ = state.parse({"w": "D3:2"}, OPTIONS)  # the framework's own weights
    assert same["w"] == () and "w" not in state.serialise(same, OPTIONS)


@pytest.mark.parametrize("raw", ["D9:1", "D1:7", "D1:0.3", "D1:x", "D1:1," * 1000])
def test_bad_weights_in_a_link_fall_back_with_a_notice(raw):
    values, notices, _ = state.parse({"w": raw}, OPTIONS)
    assert [n.key for n in notices] == ["w"]
    assert all(0 <= v <= state.MAX_WEIGHT for _, v in values["w"])
