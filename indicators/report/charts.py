"""Figures of the brief and the report as SVG text (typst places SVG as vector graphics and
draws its text with the document's fonts, so Chinese labels render with the embedded CJK font).

The radar is drawn here directly (Vega-Lite has no polar line chart, and 337 radars through a
JavaScript engine would cost seconds); the other figures are Vega-Lite specs rendered by
``vl-convert-python`` (Vega's own renderer in an embedded JavaScript engine: no browser, no
network). Every function returns an SVG string; user text reaches SVG only through
:func:`_xml` (XML-escaped) or as Vega data (which Vega escapes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape as _escape

CITY = "#1f5fa8"  # the city (dark blue)
MEDIAN = "#e08a1e"  # the group median (orange): distinguishable in grey print too
MUTED = "#7f8c8d"
SEQUENTIAL = "blues"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # a name only: nothing is fetched
LIMIT = 130  # px: a longer name in a chart is cut with "…" (Vega's limit), never off the page


def _xml(text: str) -> str:
    return _escape(str(text), {'"': "&quot;"})


# ---------------------------------------------------------------------------- radar
def _wrap(label: str) -> list[str]:
    """A radar label on one or two lines: Chinese over 5 characters split in the middle, other
    text over 10 characters at the space nearest the middle."""
    if any(ord(ch) > 0x2E80 for ch in label):
        if len(label) <= 5:
            return [label]
        half = (len(label) + 1) // 2
        return [label[:half], label[half:]]
    if len(label) <= 10 or " " not in label:
        return [label]
    middle = len(label) / 2
    cut = min((i for i, ch in enumerate(label) if ch == " "), key=lambda i: abs(i - middle))
    return [label[:cut], label[cut + 1 :]]


def radar_svg(
    labels: Sequence[str],
    city: Sequence[float | None],
    median: Sequence[float | None],
    *,
    domain: tuple[float, float] = (0.0, 100.0),
    names: tuple[str, str] = ("City", "Median"),
    size: float = 290.0,
) -> str:
    """Radar of the dimensions: ``city`` against ``median`` on a common radial ``domain``.

    Axis ``k`` of ``n`` points at angle :math:`\\theta_k = -\\pi/2 + 2\\pi k/n` (the first
    at the top, clockwise); a value ``v`` sits at radius :math:`r (v - lo)/(hi - lo)`,
    clipped to ``[0, r]``. Missing values are drawn at the centre and marked by a hollow point.
    """
    n = len(labels)
    lo, hi = domain
    span = (hi - lo) or 1.0
    r = size * 0.38

    def text_width(label: str) -> float:  # at 12 px: CJK glyphs are square, Latin ~0.55 em
        return sum(12.0 if ord(ch) > 0x2E80 else 6.6 for ch in str(label))

    # the top label has the whole width: one line; the others wrap to keep the radar large
    wrapped = [[str(lb)] if k == 0 else _wrap(str(lb)) for k, lb in enumerate(labels)]
    # room on the left and right for the side labels, so none is cut off
    side = max((text_width(line) for lines in wrapped[1:] for line in lines), default=0.0)
    width = 2 * (r + 14 + side) + 6
    height = 2 * r + 102
    cx, cy = width / 2, r + 40

    def point(k: int, v: float | None) -> tuple[float, float]:
        share = 0.0 if v is None or math.isnan(v) else min(max((v - lo) / span, 0.0), 1.0)
        angle = -math.pi / 2 + 2 * math.pi * k / n
        return cx + r * share * math.cos(angle), cy + r * share * math.sin(angle)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-size="12">'
    ]
    for ring in (0.25, 0.5, 0.75, 1.0):  # grid
        pts = " ".join(
            f"{cx + r * ring * math.cos(-math.pi / 2 + 2 * math.pi * k / n):.1f},"
            f"{cy + r * ring * math.sin(-math.pi / 2 + 2 * math.pi * k / n):.1f}"
            for k in range(n)
        )
        out.append(f'<polygon points="{pts}" fill="none" stroke="#d5dbdb" stroke-width="0.8"/>')
        value = lo + ring * span
        out.append(
            f'<text x="{cx + 3:.1f}" y="{cy - r * ring - 2:.1f}" fill="{MUTED}" '
            f'font-size="8">{value:g}</text>'
        )
    for k in range(n):
        angle = -math.pi / 2 + 2 * math.pi * k / n
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        out.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d5dbdb" '
            'stroke-width="0.8"/>'
        )
        c, sn = math.cos(angle), math.sin(angle)
        gap = 16 if sn < -0.9 else 10  # the top label clears the ring values and the vertex
        lx, ly = cx + (r + gap) * c, cy + (r + gap) * sn
        anchor = "middle" if abs(c) < 0.2 else ("start" if c > 0 else "end")
        lines = wrapped[k]
        # top label sits above its point, bottom labels below, side labels centred on it
        first = (
            -4 - 14 * (len(lines) - 1)
            if sn < -0.9
            else (12 if sn > 0.3 else 4 - 7 * (len(lines) - 1))
        )
        spans = "".join(
            f'<tspan x="{lx:.1f}" dy="{first if i == 0 else 14}">{_xml(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        out.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" fill="#2c3e50">{spans}</text>'
        )
    for values, color, fill in ((median, MEDIAN, "none"), (city, CITY, CITY)):
        pts = [point(k, v) for k, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        opacity = ' fill-opacity="0.18"' if fill != "none" else ""
        dash = ' stroke-dasharray="4 3"' if color == MEDIAN else ""
        out.append(
            f'<polygon points="{path}" fill="{fill}"{opacity} stroke="{color}" '
            f'stroke-width="1.8"{dash}/>'
        )
        for (x, y), v in zip(pts, values, strict=True):
            missing = v is None or math.isnan(v)
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" '
                f'fill="{"white" if missing else color}" stroke="{color}"/>'
            )
    # legend, bottom left
    ly = height - 8
    out.append(
        f'<line x1="6" y1="{ly - 4}" x2="24" y2="{ly - 4}" stroke="{CITY}" stroke-width="2"/>'
    )
    shown = names[0] if len(names[0]) <= 24 else names[0][:23] + "…"  # the legend stays short
    out.append(f'<text x="28" y="{ly}" fill="#2c3e50">{_xml(shown)}</text>')
    x2 = 40 + 7 * max(len(shown), 4)
    out.append(
        f'<line x1="{x2}" y1="{ly - 4}" x2="{x2 + 18}" y2="{ly - 4}" stroke="{MEDIAN}" '
        'stroke-width="2" stroke-dasharray="4 3"/>'
    )
    out.append(f'<text x="{x2 + 22}" y="{ly}" fill="#2c3e50">{_xml(names[1])}</text>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------- Vega-Lite
@cache
def _converter(font_dir: str) -> Any:
    import vl_convert as vlc

    vlc.register_font_directory(font_dir)  # text metrics with the font typst draws with
    return vlc


def _config(font: str) -> dict:
    return {
        "font": font,
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": 10,
            "titleFontSize": 10,
            "titleFontWeight": "normal",
            "labelLimit": LIMIT,
        },
        "legend": {"labelFontSize": 10, "titleFontSize": 10},
    }


def vega_svg(spec: dict, *, font: str, font_dir: str) -> str:
    """Render a Vega-Lite spec (data inline) to SVG with ``font`` (in ``font_dir``)."""
    vlc = _converter(font_dir)
    full = {"$schema": SCHEMA, "background": "white", "config": _config(font), **spec}
    return vlc.vegalite_to_svg(json.loads(json.dumps(full, allow_nan=False)))


def map_spec(features: list[dict], *, label: str, width: int = 460, height: int = 340) -> dict:
    """Choropleth of ``properties.score`` over GeoJSON ``features`` (units without a score are
    drawn grey); the projection fits the features shown."""
    return {
        "width": width,
        "height": height,
        "data": {"values": features},
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            "color": {
                "condition": {
                    "test": "!isValid(datum.properties.score)",
                    "value": "#d9d9d9",
                },
                "field": "properties.score",
                "type": "quantitative",
                "title": label,
                "scale": {"scheme": SEQUENTIAL},
                "legend": {"orient": "right", "gradientLength": 180, "format": ".0f"},
            }
        },
    }


def spread_spec(values: list[dict], *, label: str, width: int = 440) -> dict:
    """Strip plot of ``values`` (``name``, ``score``) over a quartile box (whiskers min–max);
    the vertical jitter is fixed per row, so the picture is reproducible."""
    for i, row in enumerate(values):
        row["jitter"] = ((i * 0.6180339887) % 1.0) * 1.4 - 0.7
    x = {"field": "score", "type": "quantitative", "title": label, "scale": {"zero": False}}
    return {
        "width": width,
        "height": 90,
        "data": {"values": values},
        "layer": [
            {
                "mark": {
                    "type": "boxplot",
                    "extent": "min-max",
                    "size": 44,
                    "color": "#d5dbdb",
                    "median": {"color": "#566573"},
                },
                "encoding": {"x": x},
            },
            {
                "mark": {"type": "circle", "size": 30, "color": CITY, "opacity": 0.75},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "jitter",
                        "type": "quantitative",
                        "axis": None,
                        "scale": {"domain": [-1, 1]},
                    },
                },
            },
        ],
    }


def slope_spec(rows: list[dict], *, first: int, last: int, n: int) -> dict:
    """Ranks in two years, one line per unit (``name``, ``first``, ``last``), names at both
    ends; rank 1 at the top."""
    long = []
    for row in rows:
        long.append({"name": row["name"], "year": str(first), "rank": row["first"]})
        long.append({"name": row["name"], "year": str(last), "rank": row["last"]})
    y = {
        "field": "rank",
        "type": "quantitative",
        "scale": {
            "reverse": True,
            "domain": [0, max(n, 2) + 0.5],
            "nice": False,
        },  # room for the years
        "axis": None,
    }
    x = {
        "field": "year",
        "type": "ordinal",
        "title": None,
        "axis": {"labelAngle": 0, "orient": "top", "domain": False, "ticks": False},
    }
    return {
        "width": 220,
        "height": max(200, 13 * n),
        "data": {"values": long},
        "encoding": {"x": x, "y": y},
        "layer": [
            {
                "mark": {"type": "line", "color": MUTED, "strokeWidth": 1},
                "encoding": {"detail": {"field": "name"}},
            },
            {"mark": {"type": "circle", "size": 22, "color": CITY, "opacity": 1}},
            {
                "transform": [{"filter": f"datum.year == '{first}'"}],
                "mark": {"type": "text", "align": "right", "dx": -6, "fontSize": 9, "limit": LIMIT},
                "encoding": {"text": {"field": "label"}},
            },
            {
                "transform": [{"filter": f"datum.year == '{last}'"}],
                "mark": {"type": "text", "align": "left", "dx": 6, "fontSize": 9, "limit": LIMIT},
                "encoding": {"text": {"field": "label"}},
            },
        ],
        "transform": [
            {
                "calculate": (
                    f"datum.year == '{first}' ? datum.name + ' ' + datum.rank "
                    ": datum.rank + ' ' + datum.name"
                ),
                "as": "label",
            },
        ],
    }


def scatter_spec(rows: list[dict], *, first: int, last: int, n: int) -> dict:
    """Rank in the first year against rank in the last (large groups): above the diagonal =
    moved up."""
    axis_first = {"field": "first", "type": "quantitative", "title": str(first),
                  "scale": {"domain": [1, n], "nice": False}}  # fmt: skip
    axis_last = {"field": "last", "type": "quantitative", "title": str(last),
                 "scale": {"domain": [1, n], "nice": False, "reverse": True}}  # fmt: skip
    return {
        "width": 340,
        "height": 340,
        "layer": [
            {
                "data": {"values": [{"first": 1, "last": 1}, {"first": n, "last": n}]},
                "mark": {"type": "line", "color": "#bbbbbb", "strokeDash": [4, 3]},
                "encoding": {"x": axis_first, "y": axis_last},
            },
            {
                "data": {"values": rows},
                "mark": {"type": "circle", "size": 14, "color": CITY, "opacity": 0.6},
                "encoding": {"x": axis_first, "y": axis_last},
            },
        ],
    }


def interval_spec(
    rows: list[dict], *, n: int, label: str, named: bool, interval_label: str = ""
) -> dict:
    """Nominal rank (point) and 5–95 % rank interval (rule) per unit (``name``, ``rank``,
    ``p05``, ``p95``, ``wide``). ``named``: one row per unit with its name (small groups);
    otherwise units along the nominal rank."""
    color = {
        "field": "wide",
        "type": "nominal",
        "scale": {"domain": [False, True], "range": [CITY, "#c0392b"]},
        "legend": None,
    }
    if named:
        y = {"field": "name", "type": "nominal", "sort": {"field": "rank"}, "title": None}
        x = {"field": "p05", "type": "quantitative", "title": label,
             "scale": {"domain": [0.5, n + 0.5], "nice": False}}  # fmt: skip
        return {
            "width": 380,
            "height": {"step": 13},
            "data": {"values": rows},
            "layer": [
                {"mark": {"type": "rule", "strokeWidth": 2.5, "opacity": 0.55},
                 "encoding": {"y": y, "x": x, "x2": {"field": "p95"}, "color": color}},
                {"mark": {"type": "point", "filled": True, "size": 26, "color": "#2c3e50"},
                 "encoding": {"y": y, "x": {**x, "field": "rank"}}},
            ],
        }  # fmt: skip
    x = {"field": "rank", "type": "quantitative", "title": label,
         "scale": {"domain": [1, n], "nice": False}}  # fmt: skip
    y = {"field": "p05", "type": "quantitative", "title": interval_label,
         "scale": {"domain": [1, n], "nice": False, "reverse": True}}  # fmt: skip
    return {
        "width": 420,
        "height": 300,
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 1, "opacity": 0.6},
             "encoding": {"x": x, "y": y, "y2": {"field": "p95"}, "color": color}},
            {"mark": {"type": "circle", "size": 6, "color": "#2c3e50"},
             "encoding": {"x": x, "y": {**y, "field": "rank"}}},
        ],
    }  # fmt: skip
