"""Figure builders: plain functions from tidy frames to plotly figures (no Streamlit here).

The Rankings page, the first one a visitor sees, uses Vega-Lite instead (``ui.vega_charts``:
Plotly's JavaScript is loaded only when a page shows a Plotly chart).

Every builder takes already-translated labels, so the same function serves both languages, and
returns a ``go.Figure`` that tests can inspect. Colours: one qualitative accent for the selected
city, a sequential scale for scores (higher = darker), a diverging scale for changes.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.safe import plain

ACCENT = "#c0392b"
MUTED = "#9aa5b1"
DIVERGING = "RdBu"
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def _layout(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        title=dict(text=title, x=0, font=dict(size=15)) if title else None,
        font=dict(family=FONT, size=12),
        plot_bgcolor="white",
        hoverlabel=dict(font_family=FONT),
    )
    return fig


def score_range(values: pd.Series, high: float = 100) -> list[float]:
    """[0, 100] for 0–100 scores; the data's own span otherwise (z-scores can be negative)."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty or (v.min() >= 0 and v.max() <= high):
        return [0, high]
    pad = 0.05 * (v.max() - v.min() or 1)
    return [float(v.min() - pad), float(v.max() + pad)]


#: Colours of the cities on a chart, in order: the Okabe–Ito colour-blind-safe qualitative
#: palette (Okabe & Ito 2008, "Color Universal Design"), without its yellow (too pale on white)
#: and black (kept for text): six hues that stay distinct under the common colour-vision
#: deficiencies, so up to six cities (the Compare page's limit) never share a look-alike colour.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def radar(
    series: dict[str, pd.Series],
    *,
    axis_labels: list[str],
    reference: str | None = None,
    range_max: float = 100,
    radial_title: str | None = None,
) -> go.Figure:
    """Radar of several profiles on the same axes; ``reference`` (e.g. the group median) is
    drawn as a grey dotted line, the others in distinct colours, the first one filled."""
    fig = go.Figure()
    colour = iter(PALETTE * 2)
    for i, (label, values) in enumerate(series.items()):
        r = list(values.to_numpy(dtype=float))
        is_ref = label == reference
        fig.add_trace(
            go.Scatterpolar(
                r=r + r[:1],
                theta=[wrap_label(a) for a in axis_labels + axis_labels[:1]],
                name=plain(label),
                line=dict(
                    color=MUTED if is_ref else next(colour),
                    width=2 if is_ref else 2.5,
                    dash="dot" if is_ref else None,
                ),
                fill="toself" if i == 0 and not is_ref else None,
                opacity=0.9,
                hovertemplate="%{theta}: %{r:.1f}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        polar=dict(
            radialaxis=dict(
                range=score_range(pd.concat(list(series.values())), range_max),
                gridcolor="#ddd",
                angle=54,
                tickfont=dict(size=9),
            ),
            angularaxis=dict(gridcolor="#ddd", direction="clockwise"),
        ),
        legend=dict(orientation="h", y=-0.12),
    )
    fig = _layout(fig, height=440)
    # room for the axis labels at the sides: with labels wrapped at about 7 CJK characters or
    # 14 Latin ones, 100 px holds the longest (measured in Chromium at 1,280 and 1,400 px)
    fig.update_layout(margin=dict(l=100, r=100, t=40, b=30))
    if radial_title:  # the radial axis's title, in a corner: along the axis it hid the ticks
        fig.add_annotation(
            text=plain(radial_title),
            name="radial_title",
            x=0,
            y=1,
            xref="paper",
            yref="paper",
            xanchor="left",
            showarrow=False,
            font=dict(size=11, color="#555"),
        )
    return fig


def wrap_label(text: str, width: int = 14) -> str:
    """An axis label escaped for Plotly and broken into lines (``<br>``) so that it fits
    beside a radar: at spaces after about ``width`` Latin characters, or in two halves when a
    label of wide characters without spaces (Chinese) is longer than ``width // 2`` characters (a CJK character
    is about twice as wide)."""
    text = str(text)
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    if wide and " " not in text.strip():
        if len(text) <= width // 2:
            return plain(text)
        half = (len(text) + 1) // 2
        return plain(text[:half]) + "<br>" + plain(text[half:])
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(plain(line) for line in lines)


def contributions(
    frame: pd.DataFrame, *, dimension: str, indicator: str, points: str, x_title: str
) -> go.Figure:
    """One bar per dimension, split into its indicators: index points each one contributes.

    The bars add up to the index score (weighted arithmetic mean at every level)."""
    fig = go.Figure()
    colours = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(dict.fromkeys(frame[dimension]))}
    for _, row in frame.iterrows():
        fig.add_trace(
            go.Bar(
                x=[row[points]],
                y=[plain(row[dimension])],
                orientation="h",
                name=plain(row[indicator]),
                marker=dict(color=colours[row[dimension]], line=dict(color="white", width=1.5)),
                customdata=[[plain(row[indicator]), plain(row[dimension])]],
                # names go in as data, never into the template (a name may contain "%{")
                hovertemplate="%{customdata[0]}: %{x:.2f}<extra>%{customdata[1]}</extra>",
            )
        )
    totals = frame.groupby(dimension, sort=False)[points].sum()
    fig.add_trace(
        go.Scatter(
            x=totals.to_numpy(),
            y=[plain(d) for d in totals.index],
            mode="text",
            text=[f"  {v:.1f}" for v in totals],
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_layout(barmode="stack", showlegend=False)
    fig.update_xaxes(title=plain(x_title), gridcolor="#eee", range=[0, max(totals.max() * 1.2, 1)])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, height=90 + 48 * len(totals))


def rank_change(
    frame: pd.DataFrame,
    *,
    name: str,
    before: str,
    after: str,
    before_label: str,
    after_label: str,
    n: int,
) -> go.Figure:
    """Dumbbell chart of rank under two settings (years or method choices); 1 = best at top."""
    data = frame.dropna(subset=[before, after]).sort_values(after)
    fig = go.Figure()
    for _, row in data.iterrows():
        moved = row[after] - row[before]
        color = "#27ae60" if moved < 0 else ("#c0392b" if moved > 0 else MUTED)
        fig.add_trace(
            go.Scatter(
                x=[row[before], row[after]],
                y=[plain(row[name])] * 2,
                mode="lines",
                line=dict(color=color, width=2),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=data[before],
            y=data[name].map(plain),
            mode="markers",
            name=plain(before_label),
            marker=dict(color=MUTED, size=9),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=data[after],
            y=data[name].map(plain),
            mode="markers",
            name=plain(after_label),
            marker=dict(color=ACCENT, size=10),
        )
    )
    fig.update_xaxes(
        range=[n + 0.5, 0.5],
        dtick=max(1, n // 10),
        gridcolor="#eee",
        side="top",
        showticklabels=True,
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.01, yanchor="top"))
    return _layout(fig, height=max(300, 22 * len(data) + 80))


def rank_intervals(
    frame: pd.DataFrame,
    *,
    name: str,
    nominal: str,
    median: str,
    low: str,
    high: str,
    labels: dict[str, str],
    n: int,
) -> go.Figure:
    """Each unit's nominal rank with its Monte Carlo median and 5–95% interval."""
    data = frame.sort_values(nominal)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=data[median],
            y=data[name].map(plain),
            mode="markers",
            name=plain(labels["median"]),
            marker=dict(color=MUTED, size=8, symbol="diamond"),
            error_x=dict(
                type="data",
                symmetric=False,
                array=data[high] - data[median],
                arrayminus=data[median] - data[low],
                color="#bbb",
                thickness=2,
                width=0,
            ),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=data[nominal],
            y=data[name].map(plain),
            mode="markers",
            name=plain(labels["nominal"]),
            marker=dict(color=ACCENT, size=9),
        )
    )
    fig.update_xaxes(
        range=[n + 0.5, 0.5], title=plain(labels["axis"]), gridcolor="#eee", side="top"
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.01, yanchor="top"))
    return _layout(fig, height=max(300, 22 * len(data) + 80))


#: Smallest label size on the sunburst: a sector too small for its label at this size shows
#: none (the hover and the table beside it still name it) instead of an unreadable speck.
SUNBURST_MIN_FONT = 12


def sunburst(table: pd.DataFrame, *, labels: str, weight: str, depth: int = 3) -> go.Figure:
    """The framework tree as a sunburst sized by effective weight.

    Three rings at a time (index, dimensions, secondary indicators; a click on a sector opens
    its branch, down to the indicators): with all four rings the 19 outer sectors are too thin
    for any label. Labels are horizontal, wrapped at about eight characters, never below
    :data:`SUNBURST_MIN_FONT` px."""
    fig = go.Figure(
        go.Sunburst(
            ids=table["code"],
            parents=table["parent"].fillna(""),
            labels=table[labels].map(lambda s: _wrap(plain(s))),
            values=table[weight],
            branchvalues="total",
            maxdepth=depth,
            hovertemplate="%{label}<br>%{value:.1%}<extra></extra>",
            insidetextorientation="horizontal",
            textfont=dict(size=14),
        )
    )
    fig.update_layout(uniformtext=dict(minsize=SUNBURST_MIN_FONT, mode="hide"))
    return _layout(fig, height=560)


def _wrap(text: str, width: int = 6) -> str:
    """Break a long label into lines of at most about ``width`` characters, evenly (Chinese has
    no spaces to break at: 人才发展可持续性 -> 人才发展 / 可持续性; English breaks at spaces)."""
    if len(text) <= width:
        return text
    if " " in text:
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > 2 * width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return "<br>".join([*lines, line])
    step = -(-len(text) // -(-len(text) // width))  # ceil(len / number of lines)
    return "<br>".join(text[i : i + step] for i in range(0, len(text), step))


def heatmap(matrix: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Correlation heatmap (−1 … 1, diverging)."""
    z = matrix.to_numpy(dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[plain(c) for c in matrix.columns],
            y=[plain(c) for c in matrix.index],
            zmin=-1,
            zmax=1,
            colorscale=DIVERGING,
            text=np.round(z, 2),
            texttemplate="%{text}",
            textfont=dict(size=9),
            hovertemplate="%{y} × %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig, height=max(360, 24 * len(matrix) + 120), title=plain(title) if title else None
    )


def bar_compare(
    frame: pd.DataFrame, *, x: str, y: str, color: str, x_title: str = "", y_title: str = ""
) -> go.Figure:
    """Grouped horizontal bars: one group per indicator (``x``, read top to bottom), one bar
    per unit (``color``) showing ``y``; unit colours match the radar's."""
    fig = go.Figure()
    for i, (key, part) in enumerate(frame.groupby(color, sort=False)):
        fig.add_trace(
            go.Bar(
                y=part[x].map(plain),
                x=part[y],
                name=plain(key),
                orientation="h",
                marker_color=PALETTE[i % len(PALETTE)],
                hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>",
            )
        )
    n_groups, n_units = frame[x].nunique(), frame[color].nunique()
    fig.update_layout(
        barmode="group", bargap=0.25, legend=dict(orientation="h", y=1.0, yanchor="bottom")
    )
    fig.update_xaxes(title=plain(x_title), gridcolor="#eee", range=score_range(frame[y]))
    fig.update_yaxes(autorange="reversed", automargin=True, title=plain(y_title) or None)
    return _layout(fig, height=80 + n_groups * (8 * n_units + 14))
