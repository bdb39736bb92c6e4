"""The engine and the command line on the county table (issue 13): peer-group specs for
counties, a default build of a province's counties, screening counts, ``--level county``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from indicators import (
    Build,
    Config,
    default_paths,
    load_data,
    load_framework,
    load_units,
    run_pipeline,
    select_units,
)
from indicators.cli import main
from indicators.validate import ValidationError


@pytest.fixture(scope="module")
def county():
    paths = default_paths("county")
    framework = load_framework(paths["framework"])
    data = load_data(paths["data"], framework)
    units = load_units(paths["units"])
    return data, framework, units


def test_default_paths_by_level():
    city, county_paths = default_paths(), default_paths("county")
    assert city == default_paths("city") and city["data"].name == "cities.csv"
    assert county_paths["data"].name == "counties.csv"
    assert county_paths["units"].name == "county_units.csv"
    assert county_paths["framework"] == city["framework"]
    assert all(p.exists() for k, p in county_paths.items() if k != "geo")
    with pytest.raises(ValueError, match="unknown level 'town'"):
        default_paths("town")


def _names(units, codes):
    return set(units.set_index("adcode").loc[codes, "name_zh"])


def test_city_scopes(county):
    _, _, units = county
    suzhou = select_units(units, "苏州市")
    assert len(suzhou) == 10 and {"昆山市", "苏州工业园区", "姑苏区"} <= _names(units, suzhou)
    assert select_units(units, "city:320500") == suzhou == select_units(units, "苏州")
    assert select_units(units, "Suzhou (Jiangsu)") == suzhou
    # a name that is a province and a city: the short form is the province
    assert len(select_units(units, "吉林市")) == 12
    assert len(select_units(units, "吉林")) == len(select_units(units, "吉林省")) == 69


def test_type_filters(county):
    _, _, units = county
    types = units.set_index("adcode")["type"]
    js_cities = select_units(units, "江苏省/县级市")
    assert len(js_cities) == 22 and set(types[js_cities]) == {"县级市"}
    assert "320583" in js_cities  # 昆山市
    assert len(select_units(units, "县级市")) == 387 == len(select_units(units, "all/县级市"))
    assert select_units(units, "county-level city") == select_units(units, "县级市")
    no_zones = select_units(units, "yrd27/-功能区")
    yrd = select_units(units, "yrd27")
    assert len(yrd) == 231 and len(no_zones) == 215 and "功能区" not in set(types[no_zones])
    assert set(types[select_units(units, "苏州市/市辖区+功能区")]) == {"市辖区", "功能区"}


@pytest.mark.parametrize(
    "spec,message",
    [
        ("江苏省/镇", "unknown unit type '镇'; valid: 市辖区"),
        ("city:999900", "no city '999900'"),
        ("苏州市/县", "has no units"),
        ("nowhere", "a type filter <scope>/<type>"),
    ],
)
def test_bad_specs_say_what_is_valid(county, spec, message):
    _, _, units = county
    with pytest.raises(ValidationError, match=message):
        select_units(units, spec)


def test_type_filter_on_a_table_without_types():
    units = load_units(default_paths()["units"])
    with pytest.raises(ValidationError, match="has no type column"):
        select_units(units, "江苏省/县级市")


def test_default_build_of_a_provinces_counties(county):
    data, framework, units = county
    build = Build.create(data, framework, Config(), members="江苏省", units=units)
    assert len(build.members) == 107 and not build.absent
    result = run_pipeline(build)
    ranking = result.ranking
    y20 = ranking[ranking["year"] == 2020]
    assert len(y20) == 107 and (y20["screening"] == "ranked").all()
    assert sorted(y20["rank"].astype(int)) == list(range(1, 108))
    assert (ranking["year"] == 2010).sum() == 3  # 江阴, 宜兴, 溧阳: see SOURCES.md


def test_screening_counts_for_all_counties(county):
    data, framework, units = county
    result = run_pipeline(Build.create(data, framework, Config(), members="all", units=units))
    s = result.screening
    counts = s.groupby(["year", "screening"]).size().to_dict()
    assert counts == {(2010, "ranked"): 1555, (2020, "excluded"): 4, (2020, "ranked"): 2985}
    excluded = set(s.loc[s["screening"] == "excluded", "adcode"])
    assert excluded == {"460391", "460392", "460393", "540191"}  # Sansha's islands, 达孜工业园区


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_cli_level_county(capsys, tmp_path):
    out = tmp_path / "wuxi.csv"
    code, _, err = run(
        capsys, "compute", "--level", "county", "--units", "无锡市", "--out", str(out)
    )
    assert code == 0, err
    frame = pd.read_csv(out, dtype={"adcode": str})
    assert set(frame.loc[frame["year"] == 2020, "adcode"]) == set(
        select_units(load_units(default_paths("county")["units"]), "city:320200")
    )
    # 无锡's districts changed (2015), its county-level cities did not
    assert frame.loc[frame["year"] == 2010, "adcode"].tolist() == ["320281", "320282"]


def test_cli_level_county_default_group_is_yrd27(capsys, tmp_path):
    out = tmp_path / "yrd.csv"
    code, _, err = run(capsys, "compute", "--level", "county", "--year", "2020", "--out", str(out))
    assert code == 0, err
    assert len(pd.read_csv(out)) == 231


def test_cli_bad_level_and_spec(capsys, tmp_path):
    code, _, err = run(capsys, "compute", "--level", "town", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "invalid choice: 'town'" in err
    code, _, err = run(
        capsys, "compute", "--level", "county", "--units", "江苏省/镇", "--out",
        str(tmp_path / "x.csv"),
    )  # fmt: skip
    assert code == 1 and "unknown unit type '镇'" in err


def test_cli_help_documents_the_spec(capsys):
    code, out, _ = run(capsys, "compute", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "--level {city,county}" in text
    assert "江苏省/县级市" in text and "city:320500" in text


def test_cli_uncertainty_level_county(capsys, tmp_path):
    out = tmp_path / "u.csv"
    code, _, err = run(
        capsys, "uncertainty", "--level", "county", "--units", "苏州市", "--n", "20",
        "--year", "2020", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert len(pd.read_csv(out)) == 10


def test_cli_recipe_keeps_the_level(capsys, tmp_path):
    recipe = tmp_path / "r.json"
    first = tmp_path / "a.csv"
    code, _, err = run(
        capsys, "compute", "--level", "county", "--units", "江苏省/县级市", "--out", str(first),
        "--write-recipe", str(recipe),
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(recipe.read_text(encoding="utf-8"))["level"] == "county"
    again = tmp_path / "b.csv"
    code, _, err = run(capsys, "compute", "--recipe", str(recipe), "--out", str(again))
    assert code == 0, err
    assert pd.read_csv(first).equals(pd.read_csv(again))
    code, _, err = run(
        capsys, "compute", "--recipe", str(recipe), "--level", "city", "--out", str(again)
    )
    assert code == 2 and "differs from the recipe's level county" in err


def test_cli_level_county_refuses_coinr_inputs(capsys, tmp_path):
    code, _, err = run(
        capsys, "compute", "--level", "county", "--coinr", "--data", "x.csv", "--framework",
        "y.csv", "--out", str(tmp_path / "o.csv"),
    )  # fmt: skip
    assert code == 2 and "leave out --coinr" in err
