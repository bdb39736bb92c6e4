"""Rankings for analysts (issue 11): any metric ranked and mapped, the 2010 → 2020 change view,
a city found and highlighted in every chart, and bar charts that stay readable for 5 to 337
units."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import ROOT
from ui import loaders


def run(params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def specs(at: AppTest) -> dict[str, dict]:
    """Vega specs by the kind of chart: bar, map, dist, dumbbell."""
    out = {}
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if spec.get("mark", {}).get("type") == "geoshape":
            out["map"] = spec
        elif any(layer.get("mark", {}).get("type") == "boxplot" for layer in spec.get("layer", [])):
            out["dist"] = spec
        elif any(layer.get("mark", {}).get("type") == "rule" for layer in spec.get("layer", [])):
            out["dumbbell"] = spec
        else:
            out["bar"] = spec
    return out


def result_of(at: AppTest):
    return loaders.result(at.session_state["_context"].build)


def test_the_change_view_equals_the_two_years():
    at = run({"view": "change"})
    result = result_of(at)
    s = result.scores.set_index(["adcode", "year"])
    table = at.dataframe[0].value
    assert len(table) == 27
    for row in table.itertuples():
        assert row.score_first == s.at[(row.adcode, 2010), "TVI"]
        assert row.score_last == s.at[(row.adcode, 2020), "TVI"]
        assert row.rank_first == s.at[(row.adcode, 2010), "rank"]
        assert row.rank_last == s.at[(row.adcode, 2020), "rank"]
        moved = row.rank_first - row.rank_last
        assert row.move == (
            f"↑ 上升 {moved} 位" if moved > 0 else f"↓ 下降 {-moved} 位" if moved else "持平"
        )
    assert any("2010 年缺少常住人口年均增长率" in c.value for c in at.caption)
    assert "dumbbell" in specs(at)


def test_per_year_normalisation_compares_ranks_only():
    at = run({"view": "change", "lang": "en"})
    assert "score_first" in at.dataframe[0].value.columns  # pooled: scores compare
    from indicators import Config, run_pipeline

    ctx = at.session_state["_context"]
    per_year = run_pipeline(ctx.build.replace(config=Config(normalise_scope="per_year")))
    from ui import views

    table = views.change_view(per_year, ctx.dataset.framework, ctx.dataset.units, "en", "TVI")
    assert table["score_change"].isna().all() and (table["delta"] == "—").all()


def test_an_indicator_is_ranked_by_its_direction_with_its_unit():
    at = run({"metric": "aged_pct", "group": "province", "prov": "浙江省"})
    table = at.dataframe[0].value
    raw = result_of(at).raw.query("year == 2020").set_index("adcode")["aged_pct"]
    assert list(table["value"]) == sorted(raw.loc[table["adcode"]])  # fewer elderly rank first
    assert table["shown"].str.endswith("%").all() and list(table["rank"]) == list(range(1, 12))
    bar = specs(at)["bar"]
    assert bar["encoding"]["x"]["title"] == "65岁及以上人口占比"
    assert bar["encoding"]["x"]["scale"]["domain"][1] < 40  # not a 0–100 axis for a 20 % share


def test_a_dimension_is_ranked_by_its_score():
    at = run({"metric": "D3"})
    table = at.dataframe[0].value
    scores = result_of(at).scores.query("year == 2020").set_index("adcode")["D3"]
    assert list(table["value"]) == sorted(scores.loc[table["adcode"]], reverse=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_found_city_is_highlighted_in_every_chart(lang):
    at = run({"group": "all", "find": "340800", "lang": lang})
    charts = specs(at)
    bar = charts["bar"]
    names = list(bar["encoding"]["y"]["sort"])
    assert len(names) == 16  # the top 15 and the city found
    assert names[-1] == ("安庆市" if lang == "zh" else "Anqing")
    colour = bar["layer"][0]["encoding"]["color"]
    assert "340800" in colour["condition"]["test"]
    assert "340800" in charts["map"]["encoding"]["stroke"]["condition"]["test"]
    assert any(
        "340800" in json.dumps(layer.get("transform", [])) for layer in charts["dist"]["layer"]
    )


def test_show_all_lists_every_city_in_a_scrolling_box():
    at = run({"group": "all"})
    at.toggle(key="all_bars_year").set_value(True).run()
    assert len(specs(at)["bar"]["encoding"]["y"]["sort"]) == 336


def test_bars_keep_their_thickness_for_small_groups():
    at = run({"group": "province", "prov": "浙江省"})
    assert specs(at)["bar"]["height"] == {"step": 22}  # 11 bars as thick as 337


def test_a_stale_metric_link_falls_back_with_a_notice():
    at = run({"metric": "nope"})
    assert any("nope" in i.value for i in at.info)
    assert isinstance(at.dataframe[0].value, pd.DataFrame)


@pytest.mark.parametrize("params", [{}, {"view": "change"}])
def test_every_rankings_chart_can_leave_the_app(params):
    at = run(params)
    labels = [b.proto.label for b in at.get("download_button")]
    charts = 4 if params else 3  # bar, map, distribution (and the dumbbell)
    assert sum("PNG" in label for label in labels) == charts, labels
    assert sum("SVG" in label for label in labels) == charts, labels
