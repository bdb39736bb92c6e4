"""Downloads (indicators/download.py): every column under an unambiguous name, equal to the
result, with a column guide, the weights and the exact build in the workbook."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from indicators import Build, Config, run_pipeline, uncertainty
from indicators.download import column_guide, download_table, file_stem, write_download
from indicators.recipe import recipe_for


@pytest.fixture(scope="module")
def built():
    from indicators import default_paths, load_data, load_framework, load_units

    paths = default_paths()
    fw = load_framework(paths["framework"])
    data = load_data(paths["data"], framework=fw)
    units = load_units(paths["units"])
    config = Config(weight_overrides=(("D1", 5.0), ("D2", 0.0)))
    result = run_pipeline(Build.create(data, fw, config, members="浙江省", units=units))
    return result, uncertainty(result, n=60, seed=2).ranks


def test_columns_equal_the_result(built):
    result, ranks = built
    table = download_table(result, ranks)
    fw = result.framework
    assert list(table.columns[:7]) == [
        "adcode", "year", "name_zh", "name_en", "province_zh", "province_en", "rank"
    ]  # fmt: skip
    keyed = table.set_index(["adcode", "year"])
    raw = result.raw.set_index(["adcode", "year"])
    norm = result.normalised.set_index(["adcode", "year"])
    scores = result.scores.set_index(["adcode", "year"])
    for code in fw.indicators:
        np.testing.assert_array_equal(keyed[f"{code}_value"], raw.loc[keyed.index, code])
        np.testing.assert_array_equal(keyed[f"{code}_normalised"], norm.loc[keyed.index, code])
    for code in (fw.root, *fw.children(fw.root)):
        np.testing.assert_array_equal(keyed[f"{code}_score"], scores.loc[keyed.index, code])
    assert set(table["province_zh"]) == {"浙江省"} and table["name_en"].notna().all()
    iv = ranks.set_index(["adcode", "year"])
    np.testing.assert_array_equal(keyed["rank_p95"], iv.loc[keyed.index, "p95"])
    assert (table["indicators_total"] == len(fw.indicators)).all()


def test_the_guide_names_every_column_with_its_unit(built):
    result, ranks = built
    table = download_table(result, ranks)
    guide = column_guide(result, table)
    assert list(guide["column"]) == list(table.columns)
    assert (guide["meaning_zh"] != "").all() and (guide["meaning_en"] != "").all()
    row = guide.set_index("column").loc["edu_years_value"]
    assert row["unit_en"] == result.framework.unit("edu_years", "en")


def test_the_workbook_states_the_build(built):
    result, ranks = built
    recipe = recipe_for(result.build, group="浙江省", year=2020)
    payload = write_download(
        result, "xlsx", intervals=ranks, group="浙江省", recipe=recipe, year=2020
    )
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert book.sheetnames == ["results", "columns", "weights", "framework", "methodology"]
    items = {r[0]: r[1] for r in book["methodology"].iter_rows(min_row=2, values_only=True)}
    assert items["peer_group"] == "浙江省"
    assert '"D1", 5.0' in items["config.weight_overrides"]
    assert recipe.build_key in items["recipe"]
    weights = pd.DataFrame(book["weights"].values)
    assert "effective_weight" in list(weights.iloc[0])
    years = {r[1] for r in book["results"].iter_rows(min_row=2, values_only=True)}
    assert years == {2020}


def test_file_names_name_the_group_year_and_build():
    assert file_stem("浙江省", 2020, True) == "talent_vitality_浙江省_2020_custom"
    assert (
        file_stem("长三角中心区 27 城", 2010, False)
        == "talent_vitality_长三角中心区_27_城_2010_default"
    )
    assert file_stem('a/b:"c"', None, False) == "talent_vitality_a-b--c-_all_years_default"
