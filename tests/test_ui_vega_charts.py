"""Rankings page charts (Vega-Lite specs), the group boundary files and the start-up warm-up."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import indicators
from ui import loaders, vega_charts, warmup

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = "<img src=x onerror=alert(1)>"


def frame(scores, names=None):
    n = len(scores)
    return pd.DataFrame(
        {
            "adcode": [f"{k:06d}" for k in range(n)],
            "name": names or [f"city {k}" for k in range(n)],
            "idx": scores,
        }
    )


def without_data(spec: dict) -> str:
    return json.dumps({k: v for k, v in spec.items() if k != "datasets"}, ensure_ascii=False)


def test_bar_orders_best_first_and_drops_missing():
    spec = vega_charts.ranking_bar(frame([40.0, np.nan, 75.5, 40.0]), name="name", score="idx")
    data = spec["datasets"]["scores"]
    assert set(data["adcode"]) == {"000000", "000002", "000003"}  # the missing score is out
    # best on top; equal scores keep the table's order
    assert spec["encoding"]["y"]["sort"] == ["city 2", "city 0", "city 3"]
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert spec["encoding"]["y"]["axis"]["labelOverlap"] is False  # every city is named
    assert spec["height"] == {"step": vega_charts.BAR_STEP}  # one bar thickness for any group


def test_bar_axis_follows_scores_outside_0_100():
    spec = vega_charts.ranking_bar(frame([-1.5, 0.5, 2.0]), name="name", score="idx")
    low, high = spec["encoding"]["x"]["scale"]["domain"]
    assert low < -1.5 and high > 2.0


def test_names_travel_as_data_only():
    """Names are data values (the Arrow dataset; the bar chart's sort order), which Vega draws
    as text and its tooltips escape, so they are passed as given, unescaped, and never become
    part of a title or label template."""
    table = frame([10.0, 20.0], names=[PAYLOAD, "ok"])
    bar = vega_charts.ranking_bar(table, name="name", score="idx")
    geo = vega_charts.choropleth(table, "/g.geojson", value="idx", name="name", label="s")
    dist = vega_charts.distribution(table, value="idx", name="name", label="s")
    for spec in (bar, geo, dist):
        assert PAYLOAD in set(spec["datasets"]["scores"]["name"])
    assert bar["encoding"]["y"]["sort"] == ["ok", PAYLOAD]
    bar["encoding"]["y"]["sort"] = []
    for spec in (bar, geo, dist):
        assert "onerror" not in without_data(spec)


def test_map_joins_scores_to_boundaries_by_adcode():
    spec = vega_charts.choropleth(
        frame([1.0, 2.0]), "/u.geojson", value="idx", name="name", label="L"
    )
    assert spec["data"] == {"url": "/u.geojson", "format": {"type": "json", "property": "features"}}
    lookup, keep = spec["transform"]
    assert lookup["lookup"] == "id" and lookup["from"]["key"] == "adcode"
    assert keep == {"filter": "isValid(datum.score)"}  # units without a score are not drawn
    assert spec["projection"]["type"] == "mercator"
    assert spec["encoding"]["color"]["title"] == "L"


def test_distribution_jitter_is_fixed():
    a = vega_charts.distribution(frame([1.0, 2.0, 3.0]), value="idx", name="name", label="x")
    b = vega_charts.distribution(frame([1.0, 2.0, 3.0]), value="idx", name="name", label="x")
    jitter = a["datasets"]["scores"]["jitter"]
    assert list(jitter) == list(b["datasets"]["scores"]["jitter"])
    assert jitter.abs().max() <= 0.35


@pytest.fixture(scope="module")
def bundled():
    return loaders.bundled_dataset()


def test_group_boundaries_hold_just_the_group(bundled):
    members = tuple(indicators.select_units(bundled.units, "yrd27"))
    url = loaders.group_geo_url(bundled, members)
    assert url.startswith("/app/static/geo/groups/")
    served = json.loads((ROOT / url.removeprefix("/app/")).read_text())
    assert sorted(f["id"] for f in served["features"]) == sorted(members)
    assert loaders.group_geo_url(bundled, tuple(reversed(members))) == url  # order-free
    everyone = tuple(bundled.units["adcode"])
    assert loaders.group_geo_url(bundled, everyone) == loaders.GEO_URL  # the full file


def test_feature_split_matches_a_full_decode():
    """The fast line split and the full decode give the same features, and the group file
    built from them is valid GeoJSON."""
    payload = (ROOT / "data" / "geo" / "cities.geojson").read_bytes()
    fast = loaders.split_features(payload)
    decoded = json.loads(payload)["features"]
    assert list(fast) == [f["id"] for f in decoded]
    assert {k: json.loads(v) for k, v in fast.items()} == {f["id"]: f for f in decoded}
    compact = json.dumps(json.loads(payload), separators=(",", ":")).encode()  # one line
    slow = loaders.split_features(compact)
    assert {k: json.loads(v) for k, v in slow.items()} == {f["id"]: f for f in decoded}


def test_no_boundaries_no_map(bundled):
    from dataclasses import replace

    assert loaders.group_geo_url(replace(bundled, geo_url=None), ("310000",)) is None


def test_prune_keeps_the_newest(tmp_path):
    import os

    for k in range(5):
        path = tmp_path / f"{k}.geojson"
        path.write_text("{}")
        os.utime(path, (k, k))
    loaders._prune(tmp_path, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.geojson", "4.geojson"]


def test_warm_up_runs_and_a_failure_is_only_logged(monkeypatch, caplog):
    warmup.prepare()
    warmup.warm()

    def broken():
        raise OSError("disk gone")

    broken.__name__ = "prepare"
    with caplog.at_level(logging.ERROR, logger="talent_vitality.warmup"):
        assert warmup._logged(broken) is False
    assert "disk gone" in caplog.text


def test_lifespan_leaves_legacy_pages_mode_and_starts_the_warm_up(monkeypatch):
    import asyncio
    import threading

    from streamlit.runtime.pages_manager import PagesManager

    started = threading.Event()
    monkeypatch.setattr(warmup, "_warm_all", started.set)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)

    async def serve():
        async with warmup.lifespan(None):
            assert PagesManager.uses_pages_directory is False  # before any session starts

    asyncio.run(serve())
    assert started.wait(10)


def test_streamlit_run_serves_the_app_with_its_warm_up():
    """`streamlit run dashboard.py` looks for an ASGI app by reading the file (no execution),
    then imports the module; the module must give an ``st.App`` carrying our lifespan."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "dashboard.py")
    assert found.is_asgi_app and found.import_string == "dashboard:app"
    code = (
        "import dashboard, streamlit as st, ui.warmup as w; "
        "assert isinstance(dashboard.app, st.App); "
        "assert dashboard.app._user_lifespan is w.lifespan; print('ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.strip() == "ok", out.stderr[-2000:]
