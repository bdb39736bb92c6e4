"""Figure builders and display tables, without Streamlit."""

import pandas as pd
import pytest

import indicators
from indicators import Config
from ui import figures, views


@pytest.fixture(scope="module")
def bundle():
    paths = indicators.default_paths()
    fw = indicators.load_framework(paths["framework"])
    data = indicators.load_data(paths["data"], framework=fw)
    units = indicators.load_units(paths["units"])
    return fw, data, units, indicators.select_units(units, "yrd27")


def test_breakdown_adds_up_to_the_index(bundle):
    fw, data, _, members = bundle
    result = indicators.run_pipeline(indicators.Build.create(data, fw, Config(), members=members))
    for adcode, year in (("310000", 2020), ("340100", 2010)):  # 2010 has missing indicators
        parts = views.contributions(result, fw, adcode, year, "en")
        score = result.scores.set_index(["adcode", "year"]).at[(adcode, year), fw.root]
        assert parts["points"].sum() == pytest.approx(score, rel=1e-12)
        assert set(parts["code"]) <= set(fw.indicators)
    geometric = indicators.run_pipeline(
        indicators.Build.create(data, fw, Config(aggregate="geometric"), members=members)
    )
    assert views.contributions(geometric, fw, "310000", 2020, "en") is None


def test_radar_range_follows_z_scores():
    fig = figures.radar({"a": pd.Series([-1.5, 0.2, 2.0])}, axis_labels=["x", "y", "z"])
    low, high = fig.layout.polar.radialaxis.range
    assert low < -1.5 and high > 2.0
    fig = figures.radar({"a": pd.Series([10.0, 50.0, 90.0])}, axis_labels=["x", "y", "z"])
    assert list(fig.layout.polar.radialaxis.range) == [0, 100]


def test_names_reach_plotly_escaped():
    frame = pd.DataFrame({"indicator": ["<b>x</b>"], "score": [50.0], "city": ["<img src=x>"]})
    fig = figures.bar_compare(frame, x="indicator", y="score", color="city")
    assert (
        list(fig.data[0].y) == ["&lt;b&gt;x&lt;/b&gt;"] and fig.data[0].name == "&lt;img src=x&gt;"
    )


def test_ranking_table_has_every_member_once(bundle):
    fw, data, units, members = bundle
    result = indicators.run_pipeline(indicators.Build.create(data, fw, Config(), members=members))
    table = views.ranking_table(result, fw, units, 2020, "zh")
    assert sorted(table["adcode"]) == sorted(members)
    assert table["rank"].tolist() == sorted(table["rank"].tolist())
