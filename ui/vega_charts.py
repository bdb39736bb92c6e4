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


def _tooltip(label: str, fmt: str = ".1f") -> list[dict]:
    return [
        {"field": "name", "type": "nominal", "title": " "},
        {"field": "score", "type": "quantitative", "title": label or " ", "format": fmt},
    ]


def _bar_domain(values: pd.Series, scores: bool = True) -> list[float]:
    """0–100 for scores; otherwise the data's span with 0 included and room for the labels."""
    if scores and score_range(values) == [0, 100]:
        return [0, 100]
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    pad = 0.12 * ((high - low) or 1.0)
    return [low - (pad if low < 0 else 0.0), high + pad]


def _colour_scale(values: pd.Series, domain, diverging: bool) -> dict:
    if diverging:  # symmetric around 0, so white means no change
        top = float(np.nanmax(np.abs(values))) if len(values) else 1.0
        return {"scheme": "blueorange", "domain": [-top or -1.0, top or 1.0]}
    if domain is None:
        return {"scheme": SEQUENTIAL}
    return {"scheme": SEQUENTIAL, "domain": [float(d) for d in domain]}


def _spec(data: pd.DataFrame, body: dict, height: int | dict) -> dict:
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


HIGHLIGHT = "#1f4e79"  # the city found with the search box, in every chart of the page
TOP_BARS = 15  # bars shown before "show all": a readable chart for 5 to 337 units
BAR_STEP = 22  # px per bar: the same bar thickness for 11 cities as for 337


def ranking_bar(
    frame: pd.DataFrame,
    *,
    name: str,
    score: str,
    x_title: str = "",
    highlight: str | None = None,
    top: int | None = None,
    fmt: str = ".1f",
    in_order: bool = False,
    scores: bool = True,
) -> dict:
    """Horizontal bars of ``score`` per unit, the highest on top (``in_order``: in the frame's
    order, e.g. by rank when lower values rank higher), value printed at the bar's end; a click
    on a bar selects its unit (:func:`picked`). ``top`` keeps the first ``top`` units and the
    ``highlight``ed one (drawn darker), so the chart stays readable for any group; bars are
    :data:`BAR_STEP` px. The axis spans 0–100 for ``scores`` within it, else the data with 0
    included (raw values, changes)."""
    data = _tidy(frame, name=name, value=score)
    order = data if in_order else data.sort_values("score", ascending=False, kind="stable")
    if top is not None and len(order) > top:
        keep = order.head(top)
        if highlight is not None and highlight not in set(keep["adcode"]):
            keep = pd.concat([keep, order.loc[order["adcode"] == highlight]])
        order = keep
    data = order.reset_index(drop=True)
    colour = (
        {
            "condition": {"test": f"datum.adcode === {highlight!r}", "value": HIGHLIGHT},
            "value": BAR_COLOUR,
        }  # fmt: skip
        if highlight is not None
        else {"value": BAR_COLOUR}
    )
    encoding = {
        "y": {
            "field": "name",
            "type": "nominal",
            # an explicit order (best first) rather than "-x": the two layers would each sort
            "sort": list(dict.fromkeys(data["name"])),
            "title": None,
            "axis": {"labelLimit": 180, "labelOverlap": False},
        },
        "x": {
            "field": "score",
            "type": "quantitative",
            "title": x_title,
            "scale": {
                "domain": _bar_domain(_tidy(frame, name=name, value=score)["score"], scores),
                "nice": False,
            },
        },
        "tooltip": _tooltip(x_title),
    }
    body = {
        "data": {"name": DATASET},
        "encoding": encoding,
        "layer": [
            {
                "mark": {"type": "bar", "cursor": "pointer"},
                "encoding": {"color": colour},
                "params": [_PICK_PARAM],
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
                "encoding": {"text": {"field": "score", "type": "quantitative", "format": fmt}},
            },
        ],
    }
    return _spec(data, body, height={"step": BAR_STEP})


def dumbbell(
    frame: pd.DataFrame,
    *,
    name: str,
    first: str,
    last: str,
    labels: tuple[str, str],
    x_title: str,
    highlight: str | None = None,
    top: int | None = None,
) -> dict:
    """Two points per unit joined by a line: its score in the first and the last year (one
    row per unit, best last-year score on top), the change read as the line's direction."""
    data = frame.dropna(subset=[first, last]).copy()
    data = data.sort_values(last, ascending=False, kind="stable")
    if top is not None and len(data) > top:
        keep = data.head(top)
        if highlight is not None and highlight not in set(keep["adcode"]):
            keep = pd.concat([keep, data.loc[data["adcode"] == highlight]])
        data = keep
    tidy = pd.DataFrame(
        {
            "adcode": data["adcode"].astype(str).to_numpy(),
            "name": data[name].astype(str).to_numpy(),
            "first": pd.to_numeric(data[first]).to_numpy(dtype=float),
            "last": pd.to_numeric(data[last]).to_numpy(dtype=float),
        }
    )
    y = {
        "field": "name",
        "type": "nominal",
        "sort": list(dict.fromkeys(tidy["name"])),
        "title": None,
        "axis": {"labelLimit": 180, "labelOverlap": False},
    }
    span = score_range(pd.concat([tidy["first"], tidy["last"]]))
    x = {"type": "quantitative", "title": x_title, "scale": {"domain": span, "nice": False}}
    stroke = (
        {
            "condition": {"test": f"datum.adcode === {highlight!r}", "value": HIGHLIGHT},
            "value": "#b3b6b7",
        }  # fmt: skip
        if highlight is not None
        else {"value": "#b3b6b7"}
    )
    body = {
        "data": {"name": DATASET},
        "encoding": {"y": y},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {
                    "x": {**x, "field": "first"},
                    "x2": {"field": "last"},
                    "color": stroke,
                },
            },
            {
                "transform": [{"fold": ["first", "last"], "as": ["which", "value"]}],
                "mark": {"type": "circle", "size": 70, "opacity": 1},
                "encoding": {
                    "x": {**x, "field": "value"},
                    "color": {
                        "field": "which",
                        "type": "nominal",
                        "scale": {"domain": ["first", "last"], "range": ["#aab7b8", BAR_COLOUR]},
                        "legend": {
                            "orient": "top",
                            "title": None,
                            "labelExpr": f"datum.label === 'first' ? {labels[0]!r} : {labels[1]!r}",
                        },
                    },
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": " "},
                        {
                            "field": "first",
                            "type": "quantitative",
                            "title": labels[0],
                            "format": ".1f",
                        },  # fmt: skip
                        {
                            "field": "last",
                            "type": "quantitative",
                            "title": labels[1],
                            "format": ".1f",
                        },  # fmt: skip
                    ],
                },
            },
        ],
    }
    return _spec(tidy, body, height={"step": BAR_STEP})


def choropleth(
    frame: pd.DataFrame,
    geo_url: str,
    *,
    value: str,
    name: str,
    label: str,
    domain: list[float] | None = None,
    highlight: str | None = None,
    diverging: bool = False,
    fmt: str = ".1f",
) -> dict:
    """Map of ``value`` by adcode, fitted to the units shown (offline: no base map).

    ``diverging`` colours a change around zero (blue down, red up, symmetric domain);
    ``highlight`` outlines one unit (the city found with the search box).

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
                "scale": _colour_scale(data["score"], domain, diverging),
                "legend": {"orient": "right", "gradientLength": 220},
            },
            "tooltip": _tooltip(label, fmt),
        },
    }
    if highlight is not None:  # the found city: a thick dark outline
        body["encoding"]["stroke"] = {
            "condition": {"test": f"datum.adcode === {highlight!r}", "value": HIGHLIGHT},
            "value": "white",
        }
        body["encoding"]["strokeWidth"] = {
            "condition": {"test": f"datum.adcode === {highlight!r}", "value": 3},
            "value": 0.6,
        }
    return _spec(data, body, height=480)


def distribution(
    frame: pd.DataFrame,
    *,
    value: str,
    name: str,
    label: str,
    highlight: str | None = None,
    fmt: str = ".1f",
) -> dict:
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
                    "tooltip": _tooltip(label, fmt),
                },
            },
        ],
    }
    if highlight is not None and highlight in set(data["adcode"]):  # the found city, named
        found = {"filter": f"datum.adcode === {highlight!r}"}
        body["layer"] += [
            {
                "transform": [found],
                "mark": {"type": "circle", "size": 160, "color": HIGHLIGHT, "stroke": "white"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "jitter",
                        "type": "quantitative",
                        "axis": None,
                        "scale": {"domain": [-1, 1]},
                    },
                },
            },  # fmt: skip
            {
                "transform": [found],
                "mark": {
                    "type": "text",
                    "dy": -14,
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "color": HIGHLIGHT,
                },  # fmt: skip
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "jitter",
                        "type": "quantitative",
                        "axis": None,
                        "scale": {"domain": [-1, 1]},
                    },
                    "text": {"field": "name"},
                },  # fmt: skip
            },
        ]
    return _spec(data, body, height=170)
