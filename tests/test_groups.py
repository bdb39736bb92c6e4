from pathlib import Path

import pytest

from indicators.groups import group_columns, province_options, select_units
from indicators.tables import load_units
from indicators.validate import ValidationError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def units():
    return load_units(FIXTURES / "units.csv")


def test_named_groups(units):
    assert select_units(units, "yrd27") == ["310000", "320100", "320500", "330100", "330200"]
    assert len(select_units(units, "yrd41")) == 6
    assert select_units(units, "all") == sorted(units["adcode"])
    assert select_units(units, "ALL") == sorted(units["adcode"])
    assert group_columns(units) == ["yrd27", "yrd41"]


@pytest.mark.parametrize("spec", ["浙江省", "浙江", "Zhejiang", "zhejiang", " 浙江省 "])
def test_province_names(units, spec):
    assert select_units(units, spec) == ["330100", "330200"]


def test_municipality(units):
    assert select_units(units, "上海") == ["310000"]
    assert select_units(units, "上海市") == ["310000"]


@pytest.mark.parametrize(
    "spec",
    [
        "330200,310000",
        "330200, 310000",
        "330200，310000",
        ["310000", "330200"],
        "310000,330200,310000",
    ],
)
def test_adcode_lists(units, spec):
    assert select_units(units, spec) == ["310000", "330200"]


def test_unknown_lists_valid_options(units):
    with pytest.raises(ValidationError) as info:
        select_units(units, "Atlantis")
    text = str(info.value)
    assert "unknown unit group or adcode 'Atlantis'" in text
    for option in ("all", "yrd27", "yrd41", "浙江省", "Zhejiang", "adcodes"):
        assert option in text
    with pytest.raises(ValidationError, match="'999999'"):
        select_units(units, "310000,999999")
    with pytest.raises(ValidationError, match="no units chosen"):
        select_units(units, " ")


def test_empty_group(units):
    units = units.assign(empty=0)
    with pytest.raises(ValidationError, match="group 'empty' has no units"):
        select_units(units, "empty")


def test_province_options(units):
    assert province_options(units)[:2] == ["上海市", "江苏省"]
    assert "Anhui" in province_options(units)
