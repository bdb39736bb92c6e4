"""One build everywhere (issue 11.1): the weights and methods chosen in the lab are the build
of every page and every download, named on every page, kept in the link, and reproducible from
a recipe file (in the dashboard and on the command line) to the same bytes.

Regression: lab weights (``w=D1:5,D2:0``) changed only the lab page; Rankings, City, Compare
and every download still showed the default build (the downloaded CSV was identical).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from indicators import Build, Config, run_pipeline
from indicators.cli import main
from indicators.download import download_table, table_intervals
from indicators.tables import BUNDLED_SOURCE
from tests.test_app import run
from ui import loaders

CUSTOM = {"w": "D1:5,D2:0", "norm": "rank"}
OVERRIDES = (("D1", 5.0), ("D2", 0.0), ("D3", 1.0), ("D4", 1.0), ("D5", 1.0))


@pytest.fixture
def downloads(monkeypatch):
    """Every st.download_button call of a run: label -> (data, file name)."""
    seen: dict[str, tuple[object, str]] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        seen[label] = (data, file_name)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return seen


@pytest.fixture
def fresh():
    st.cache_data.clear()
    st.cache_resource.clear()


def _custom_result(members="yrd27"):
    dataset = loaders.bundled_dataset()
    config = Config(normalise="rank", weight_overrides=OVERRIDES)
    build = Build.create(
        dataset.data,
        dataset.framework,
        config,
        members=members,
        units=dataset.units,
        source=BUNDLED_SOURCE,
    )
    return run_pipeline(build)


def _year(result, year=2020):
    s = result.scores
    return s.loc[s["year"] == year].set_index("adcode")


def test_the_lab_build_reaches_rankings_city_and_compare():
    expected = _year(_custom_result())
    data, framework = _bundled()
    units = loaders.bundled_dataset().units
    default = _year(run_pipeline(Build.create(data, framework, members="yrd27", units=units)))
    assert not expected["TVI"].equals(default["TVI"])  # the weights do change the scores

    at = run("rankings", params=CUSTOM)
    table = at.dataframe[0].value.set_index("adcode")
    pd.testing.assert_series_equal(
        table["TVI"], expected.loc[table.index, "TVI"], check_names=False
    )
    assert any("当前方案（非默认）" in i.value and "人才储备量 5" in i.value for i in at.info)

    at = run("city", params={**CUSTOM, "city": "340800"})
    metric = next(m for m in at.metric if m.label == "人才活力指数")
    assert metric.value == f"{expected.at['340800', 'TVI']:.1f}"

    at = run("compare", params={**CUSTOM, "cities": "310000,330100"})
    assert any("当前方案（非默认）" in i.value for i in at.info)
    assert at.session_state["_context"].config.weight_overrides == OVERRIDES


def _bundled():
    dataset = loaders.bundled_dataset()
    return dataset.data, dataset.framework


def test_the_lab_sliders_set_the_shared_weights_and_the_link():
    at = run("lab")
    slider = next(s for s in at.slider if s.label == "人才储备量")
    slider.set_value(5.0).run()
    assert at.session_state["w"][0] == ("D1", 5.0)
    assert at.query_params["w"] in ("D1:5", ["D1:5"])
    at.switch_page("pages/rankings.py").run()  # the other pages use it
    assert at.session_state["_context"].config.weight_overrides[0] == ("D1", 5.0)
    assert any("当前方案（非默认）" in i.value for i in at.info)


def test_one_click_back_to_the_default_build():
    at = run("rankings", params=CUSTOM)
    next(b for b in at.button if b.label == "恢复默认方案").click().run()
    assert at.session_state["_context"].config == Config()
    assert not [i.value for i in at.info if "当前方案（非默认）" in i.value]
    assert "w" not in at.query_params and "norm" not in at.query_params


def test_every_download_carries_the_chosen_build(fresh, downloads):
    run("data", params={**CUSTOM, "group": "province", "prov": "浙江省"})
    custom = _custom_result(members="浙江省")
    stem = "talent_vitality_浙江省_2020_custom"
    data, name = downloads["下载 CSV"]
    assert name == f"{stem}.csv"
    table = pd.read_csv(io.BytesIO(data), dtype={"adcode": str}).set_index("adcode")
    expected = _year(custom)
    pd.testing.assert_series_equal(
        table["TVI_score"], expected.loc[table.index, "TVI"], check_names=False
    )
    assert {"name_zh", "name_en", "province_zh", "rank_p05", "rank_p95"} <= set(table.columns)
    assert {"edu_years_value", "edu_years_normalised", "indicators_present"} <= set(table.columns)
    assert downloads["下载 Excel"][1] == f"{stem}.xlsx"
    assert downloads["下载 Parquet"][1] == f"{stem}.parquet"
    parquet = pd.read_parquet(io.BytesIO(downloads["下载 Parquet"][0]))
    assert list(parquet["adcode"]) == list(table.index)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(downloads["下载 Excel"][0]))
    assert {"results", "columns", "weights", "methodology"} <= set(book.sheetnames)
    items = {r[0]: r[1] for r in book["methodology"].iter_rows(min_row=2, values_only=True)}
    assert items["peer_group"] == "浙江省" and items["config.normalise"] == "rank"


def test_a_recipe_round_trip_gives_the_same_bytes(fresh, downloads, tmp_path):
    at = run("data", params={**CUSTOM, "group": "yrd41", "year": "2010"})
    recipe, recipe_name = downloads["下载方案文件（JSON）"]
    assert recipe_name == "talent_vitality_长三角_41_城_2010_custom.recipe.json"
    first_csv = downloads["下载 CSV"][0]

    # a new session with the default build loads the recipe on the Data page
    downloads.clear()
    at = _apply_recipe(recipe)
    assert any("已载入方案" in s.value for s in at.success), [e.value for e in at.error]
    assert at.session_state["_context"].config.weight_overrides == OVERRIDES
    assert downloads["下载 CSV"][0] == first_csv

    # and the command line reproduces the same file from it
    path = tmp_path / "r.json"
    path.write_bytes(recipe)
    out = tmp_path / "cli.csv"
    assert main(["compute", "--recipe", str(path), "--columns", "full", "--out", str(out)]) == 0
    assert out.read_bytes() == first_csv


def _apply_recipe(payload: bytes):
    """The Data page with a recipe file uploaded and applied (AppTest has no file-upload
    widget: the uploader's value is given as the page reads it)."""
    from unittest import mock

    class Upload(io.BytesIO):
        name = "recipe.json"

    real = st.file_uploader

    def uploader(label, *args, **kwargs):
        if kwargs.get("key") == "up_recipe":
            return Upload(payload)
        return real(label, *args, **kwargs)

    with mock.patch.object(st, "file_uploader", side_effect=uploader):
        at = run("data")
        next(b for b in at.button if b.label == "使用该方案").click().run()
    return at


def test_a_recipe_of_other_data_is_refused_with_the_part_named(fresh):
    from indicators.recipe import recipe_for

    data, framework = _bundled()
    changed = data.copy()
    changed.loc[changed["adcode"] == "310000", "edu_years"] = 30.0
    dataset = loaders.bundled_dataset()
    other = Build.create(changed, framework, Config(), members="yrd27", units=dataset.units,
                         source=BUNDLED_SOURCE)  # fmt: skip
    at = _apply_recipe(recipe_for(other, group="yrd27", year=2020).to_json())
    assert any("数据的数值" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["_context"].config == Config()  # nothing changed


def test_the_cli_full_table_is_the_download_table(tmp_path):
    out = tmp_path / "full.csv"
    assert main(["compute", "--columns", "full", "--units", "yrd27", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"adcode": str})
    result = run_pipeline(Build.create(*_bundled(), Config(), members="yrd27",
                                       units=loaders.bundled_dataset().units))  # fmt: skip
    expected = download_table(result, table_intervals(result)[0])
    assert list(table.columns) == list(expected.columns)
    assert len(table) == len(expected) == 54
