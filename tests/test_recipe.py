"""Recipes (indicators/recipe.py): a build's portable form reproduces it byte for byte, and other
inputs are refused with the differing parts named."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from indicators import Build, Config, ValidationError, run_pipeline, write_table
from indicators.cli import main
from indicators.recipe import Recipe, build_from_recipe, recipe_for
from indicators.tables import BUNDLED_SOURCE, default_paths, load_data, load_framework, load_units


@pytest.fixture(scope="module")
def bundled():
    paths = default_paths()
    fw = load_framework(paths["framework"])
    return load_data(paths["data"], framework=fw), fw, load_units(paths["units"])


def _build(bundled, config=None, members="yrd27"):
    data, fw, units = bundled
    return Build.create(data, fw, config or Config(), members=members, units=units, source=BUNDLED_SOURCE)


def test_json_round_trip_gives_the_same_bytes(bundled):
    config = Config(weights="entropy", normalise="zscore", weight_overrides=(("D1", 2.0),))
    recipe = recipe_for(_build(bundled, config), group="yrd27", year=2020)
    payload = recipe.to_json()
    again = Recipe.from_json(payload)
    assert again == recipe
    assert again.to_json() == payload
    d = json.loads(payload)
    assert d["config"]["weights"] == "entropy" and d["year"] == 2020
    assert len(d["members"]) == 27 and d["group"] == "yrd27"


def test_a_recipe_rebuilds_the_same_build_and_bytes(bundled):
    build = _build(bundled, Config(aggregate="geometric", screen="flag"), members="浙江省")
    recipe = Recipe.from_json(recipe_for(build, group="浙江省").to_json())
    data, fw, units = bundled
    again = build_from_recipe(recipe, data, fw, units)
    assert again.key == build.key
    a = write_table(run_pipeline(build).ranking, None, "csv")
    b = write_table(run_pipeline(again).ranking, None, "csv")
    assert a == b


def test_other_data_are_refused_with_the_part_named(bundled):
    data, fw, units = bundled
    recipe = recipe_for(_build(bundled))
    changed = data.copy()
    column = fw.indicators[0]
    changed.loc[changed["adcode"] == "310000", column] = changed[column].max() * 2
    with pytest.raises(ValidationError, match="the data values differ"):
        build_from_recipe(recipe, changed, fw, units)
    other_fw = fw.with_weights({"D1": 3.0})
    with pytest.raises(ValidationError, match="the framework differ"):
        build_from_recipe(recipe, data, other_fw, units)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="x"), "not a recipe"),
        (lambda d: d.update(version=99), "version 99 is not supported"),
        (lambda d: d["config"].update(normalise="nope"), "normalise must be one of"),
        (lambda d: d["config"].update(bogus=1), "unknown setting 'bogus'"),
        (lambda d: d.update(members="310000"), "'members' must be"),
        (lambda d: d.update(year="2020"), "'year' must be"),
    ],
)
def test_bad_recipes_say_what_is_wrong(bundled, edit, message):
    d = recipe_for(_build(bundled)).to_dict()
    edit(d)
    with pytest.raises(ValidationError, match=message):
        Recipe.from_json(json.dumps(d))


def test_not_json_is_a_message():
    with pytest.raises(ValidationError, match="not valid JSON"):
        Recipe.from_json(b"{oops")


def test_cli_write_recipe_then_compute_from_it_gives_identical_bytes(tmp_path, capsys):
    first, recipe = tmp_path / "a.csv", tmp_path / "build.json"
    args = ["compute", "--units", "浙江省", "--weights", "entropy", "--year", "2020"]
    assert main([*args, "--out", str(first), "--write-recipe", str(recipe)]) == 0
    second = tmp_path / "b.csv"
    assert main(["compute", "--recipe", str(recipe), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    table = pd.read_csv(second, dtype={"adcode": str})
    assert set(table["year"]) == {2020} and len(table) == 11


def test_cli_recipe_matches_the_dashboards_download(bundled, tmp_path):
    """The dashboard builds bundled data with the same source name: a recipe of its build
    reproduces its CSV download through the command line."""
    build = _build(bundled, Config(normalise="rank"), members="yrd41")
    recipe_path = tmp_path / "r.json"
    recipe_for(build, group="yrd41").write(recipe_path)
    out = tmp_path / "cli.csv"
    assert main(["compute", "--recipe", str(recipe_path), "--out", str(out)]) == 0
    assert out.read_bytes() == write_table(run_pipeline(build).ranking, None, "csv")


def test_cli_recipe_refuses_options_it_fixes(tmp_path, capsys):
    recipe = tmp_path / "r.json"
    assert main(["compute", "--out", str(tmp_path / "x.csv"), "--write-recipe", str(recipe)]) == 0
    code = main(["compute", "--recipe", str(recipe), "--normalise", "rank", "--out", "y.csv"])
    assert code == 2
    assert (
        "--recipe fixes the peer group and the methods; drop --normalise" in capsys.readouterr().err
    )


def test_cli_recipe_of_a_file_needs_that_file(tmp_path, capsys):
    from tests.conftest import FIXTURES

    recipe = tmp_path / "r.json"
    args = ["--data", str(FIXTURES / "data.csv"), "--framework", str(FIXTURES / "framework.csv")]
    assert (
        main(["compute", *args, "--out", str(tmp_path / "a.csv"), "--write-recipe", str(recipe)])
        == 0
    )
    capsys.readouterr()
    assert main(["compute", "--recipe", str(recipe), "--out", str(tmp_path / "b.csv")]) == 2
    assert "made from the data file 'data.csv'" in capsys.readouterr().err
    assert main(["compute", "--recipe", str(recipe), *args, "--out", str(tmp_path / "c.csv")]) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
