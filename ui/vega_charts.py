"""Vega-Lite charts for the Rankings page, the page every visitor opens first.

Why not Plotly here: Streamlit loads a chart library's JavaScript the first time a chart of that
kind appears. Plotly's bundle (~4.6 MB) kept the browser busy ~2.5 s on this 2-core machine
before the ranking table appeared; Vega-Lite comes with Streamlit's own chart stack and costs a
few tenths of a second (``benchmarks/dashboard.py``). The other pages keep Plotly for the
radar, sunburst and interval charts.

Builders are plain functions from tidy frames to Vega-Lite specifications (dicts, shown with
``st.vega_lite_chart``): no Altair, so nothing is imported or schema-validated on the server.
The data travel as a named dataset (``datasets.scores``, sent as Arrow), never as markup: Vega
draws text on a canvas and its tooltips escape HTML, so names need no escaping here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.figures import FONT, MUTED, score_range

BAR_COLOUR = "#e67e22"
SEQUENTIAL = "yelloworangered"  # Vega's name for ColorBrewer's YlOrRd
DATASET = "scores"
PICK = "pick"  # the click selection of the bar chart and the map: {"pick": [{"adcode": ...}]}
_PICK_PARAM = {"name": PICK, "select": {"type": "point", "fields": ["adcode"], "on": "click"}}


def _tidy(frame: pd.DataFrame, *, name: str, value: str) -> pd.DataFrame:
    """adcode, name, score: the rows with a score, under field names Vega reads literally
    (a column called e.g. ``a.b`` would be read as a nested field)."""
    data = frame.dropna(subset=[value])
    return pd.DataFrame(
        {
            "adcode": data["adcode"].astype(str).to_numpy(),
            "name": data[name].astype(str).to_numpy(),
            "score": pd.to_numeric(data[value]).to_numpy(dtype=float),
        }
    )


def _tooltip(label: str) -> list[dict]:
    return [
        {"field": "name", "type": "nominal", "title": " "},
        {"field": "score", "type": "quantitative", "title": label or " ", "format": ".1f"},
    ]


def _spec(data: pd.DataFrame, body: dict, height: int) -> dict:
    """Top-level spec: the shared dataset, height, font and a frameless view."""
    return {
        "datasets": {DATASET: data},
        "height": height,
        "config": {"font": FONT, "view": {"stroke": None}},
        **body,
    }


def picked(event) -> str | None:
    """The adcode a click selected in a chart drawn with ``on_select``, if any."""
    rows = (getattr(event, "selection", None) or {}).get(PICK) or []
    adcode = rows[0].get("adcode") if rows and isinstance(rows[0], dict) else None
    return str(adcode) if adcode else None


def ranking_bar(frame: pd.DataFrame, *, name: str, score: str, x_title: str = "") -> dict:
    """Horizontal bars of ``score`` per unit, best on top, value printed at the bar's end; a
    click on a bar selects its unit (:func:`picked`)."""
    data = _tidy(frame, name=name, value=score)
    encoding = {
        "y": {
            "field": "name",
            "type": "nominal",
            # an explicit order (best first) rather than "-x": the two layers would each sort
            "sort": list(
                dict.fromkeys(data.sort_values("score", ascending=False, kind="stable")["name"])
            ),
            "title": None,
            "axis": {"labelLimit": 180, "labelOverlap": False},
        },
        "x": {
            "field": "score",
            "type": "quantitative",
            "title": x_title,
            "scale": {"domain": score_range(data["score"]), "nice": False},
        },
        "tooltip": _tooltip(x_title),
    }
    body = {
        "data": {"name": DATASET},
        "encoding": encoding,
        "layer": [
            {
                "mark": {"type": "bar", "color": BAR_COLOUR, "cursor": "pointer"},
                "params": [_PICK_PARAM],
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
                "encoding": {"text": {"field": "score", "type": "quantitative", "format": ".1f"}},
            },
        ],
    }
    return _spec(data, body, height=max(200, 20 * len(data)))  # 20 px a bar: every name shows


def choropleth(
    frame: pd.DataFrame,
    geo_url: str,
    *,
    value: str,
    name: str,
    label: str,
    domain: list[float] | None = None,
) -> dict:
    """Map of ``value`` by adcode, fitted to the units shown (offline: no base map).

    ``domain`` fixes the colour scale (e.g. the score's span over every year of the build, so
    one colour means one score in 2010 and 2020); without it the scale spans the data shown.

    The browser fetches the boundaries from ``geo_url`` (a GeoJSON FeatureCollection whose
    feature ``id`` is the adcode) and joins the scores to them by adcode; units without a score
    are not drawn, and the projection fits the ones that are. A click selects a unit."""
    data = _tidy(frame, name=name, value=value)
    body = {
        "data": {"url": geo_url, "format": {"type": "json", "property": "features"}},
        "transform": [
            {
                "lookup": "id",
                "from": {
                    "data": {"name": DATASET},
                    "key": "adcode",
                    "fields": ["adcode", "name", "score"],
                },
            },
            {"filter": "isValid(datum.score)"},
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.6, "cursor": "pointer"},
        "params": [_PICK_PARAM],
        "encoding": {
            "color": {
                "field": "score",
                "type": "quantitative",
                "title": label,
                "scale": {"scheme": SEQUENTIAL}
                if domain is None
                else {"scheme": SEQUENTIAL, "domain": [float(d) for d in domain]},
                "legend": {"orient": "right", "gradientLength": 220},
            },
            "tooltip": _tooltip(label),
        },
    }
    return _spec(data, body, height=480)


def distribution(frame: pd.DataFrame, *, value: str, name: str, label: str) -> dict:
    """Strip plot over a min–max box plot: where each unit's score sits in the group.

    The vertical jitter is fixed per row (seeded), so the picture is the same on every rerun."""
    data = _tidy(frame, name=name, value=value)
    data["jitter"] = np.random.default_rng(0).uniform(-0.35, 0.35, len(data))
    # padding: the outermost points are drawn whole, not cut by the plot's edge
    x = {
        "field": "score",
        "type": "quantitative",
        "title": label,
        "scale": {"zero": False, "padding": 10},
    }
    body = {
        "data": {"name": DATASET},
        "layer": [
            {
                "mark": {
                    "type": "boxplot",
                    "extent": "min-max",
                    "size": 60,
                    "color": "#d5dbdb",
                    "median": {"color": "#7f8c8d"},
                },
                "encoding": {"x": x},
            },
            {
                "mark": {
                    "type": "circle",
                    "size": 55,
                    "color": MUTED,
                    "opacity": 0.9,
                    "stroke": "white",
                    "strokeWidth": 0.5,
                },
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "jitter",
                        "type": "quantitative",
                        "axis": None,
                        "scale": {"domain": [-1, 1]},
                    },
                    "tooltip": _tooltip(label),
                },
            },
        ],
    }
    return _spec(data, body, height=170)
