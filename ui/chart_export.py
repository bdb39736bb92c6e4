"""Charts leave the app: PNG and SVG downloads of every chart, self-explaining on paper.

Every exported picture carries, drawn on the image, the chart's title (page language), the line
"<group> · <year>" and the data source (Vega: below the chart), so a chart pasted into a report needs no caption.
File names: ``talent_vitality_<chart>_<group>_<year>.<png|svg>`` (group made safe by
``indicators.download.file_part``).

Two renderers, both offline:

* **Vega-Lite** (the Rankings page's bar, map and distribution): rendered on the server by
  ``vl-convert-python`` (Vega's own renderer in an embedded JavaScript engine; no browser, no
  network), with the CJK font the PDFs use (``indicators.report.find_cjk_font``) registered
  through ``indicators.report.charts`` (one registration per process). The map's boundaries,
  which the browser fetches by URL, are read from the served static file and inlined. Made on
  the click (``st.download_button`` with a callable), cached per spec and format.
* **Plotly** (city, compare, lab and methodology pages): a server-side render would need
  ``kaleido``, which drives a Chromium browser and by default loads MathJax from a CDN (2.7 s
  for one small figure here). Instead the browser that already shows the chart draws the
  export: two small buttons (in an ``st.iframe``) call ``Plotly.downloadImage`` on a copy of
  the figure with the title, subtitle and source added (all three above the plot: a line below it would
  collide with what Plotly's automargin places there). plotly.js is loaded only on the first
  click, from this server's static folder (a copy of the file shipped in the ``plotly``
  package, made at start-up), never from a CDN.

User text (unit and group names) reaches Plotly only through ``ui.safe.plain`` (Plotly reads a
few HTML tags in its text) and the page only as JSON with ``<``, ``>``, ``&`` escaped; Vega
receives it as data. Both renderers write text nodes, so the SVG escapes it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import loaders
from ui.figures import PALETTE
from ui.i18n import STRINGS, t
from ui.safe import plain

STATIC = loaders.STATIC_GEO.parents[1]  # the served static/ folder
PLOTLY_JS = STATIC / "vendor" / "plotly.min.js"
PLOTLY_JS_URL = "/app/static/vendor/plotly.min.js"
VEGA_WIDTH = 640  # px of the exported plot area (the page draws it at the column's width)
PLOTLY_WIDTH = 900
PNG_SCALE = 2  # PNG at twice the nominal size: sharp in a printed report
TITLE_COLOUR = "#2c3e50"
NOTE_COLOUR = "#5d6d7e"


# ---------------------------------------------------------------------------- texts
def text(key: str, lang: str, /, **fmt: object) -> str:
    """``ui.i18n`` text with fields filled in *as they are*: drawn on an image, not read as
    Markdown (``t`` would Markdown-escape a name like ``A&B``). Escaping for the renderer
    happens where the text meets it (``plain`` for Plotly; Vega takes text as data)."""
    zh, en = STRINGS[key]
    return (en if lang == "en" else zh).format(**fmt)


def view(ctx, chart: str) -> dict:
    """The keyword arguments of :func:`export_buttons` that come from the view: subtitle
    ("浙江省 · 2020"), the data source line, the language and the file stem."""
    from indicators.download import file_part
    from ui.context import group_name

    group = group_name(ctx.dataset, ctx.selections, ctx.lang)
    return {
        "subtitle": text("chart_subtitle", ctx.lang, group=group, year=ctx.year),
        "source": source_line(ctx.dataset, ctx.lang),
        "lang": ctx.lang,
        "file_stem": f"talent_vitality_{file_part(chart)}_{file_part(group)[:60]}_{ctx.year}",
    }


def source_line(dataset, lang: str) -> str:
    """The census line for the bundled data; an uploaded dataset is named by its own label."""
    if dataset.key == "bundled":
        return t("source_note", lang)
    return text("chart_source_upload", lang, source=dataset.label(lang))


# ---------------------------------------------------------------------------- Vega-Lite
@cache
def _font():
    from indicators.report import find_cjk_font

    return find_cjk_font()  # raises FontMissing (the message names the package)


def _inline_geo(data: dict) -> dict:
    """``{"url": "/app/static/geo/…"}`` → ``{"values": [features]}`` read from the served
    file (only our own static folder: any other URL is refused, nothing is fetched)."""
    url = str(data.get("url", ""))
    prefix = "/app/static/"
    path = (STATIC / url[len(prefix) :]).resolve() if url.startswith(prefix) else None
    if path is None or STATIC.resolve() not in path.parents or not path.is_file():
        raise ValueError(f"chart data not in the static folder: {url!r}")
    collection = json.loads(path.read_bytes())
    return {"values": collection["features"]}


def _records(value) -> list[dict]:
    if isinstance(value, pd.DataFrame):
        return json.loads(value.to_json(orient="records", force_ascii=False))
    return list(value)


def export_spec(spec: dict, *, title: str, subtitle: str, source: str, font: str) -> dict:
    """The page's Vega-Lite ``spec`` made self-contained and self-explaining: datasets as
    inline records, a URL dataset (the map's boundaries) inlined, a fixed width, the title
    and "<group> · <year>" above and the data source below the chart."""
    inner = copy.deepcopy({k: v for k, v in spec.items() if k not in ("datasets", "config")})
    datasets = {name: _records(v) for name, v in (spec.get("datasets") or {}).items()}

    def inline(node):
        if isinstance(node, dict):
            if isinstance(node.get("data"), dict) and "url" in node["data"]:
                node["data"] = _inline_geo(node["data"])
            for value in node.values():
                inline(value)
        elif isinstance(node, list):
            for value in node:
                inline(value)

    inline(inner)
    inner.setdefault("width", VEGA_WIDTH)
    inner["title"] = {
        "text": title,
        "subtitle": subtitle,
        "anchor": "start",
        "fontSize": 16,
        "subtitleFontSize": 12,
        "color": TITLE_COLOUR,
        "subtitleColor": NOTE_COLOUR,
        "offset": 12,
    }
    config = copy.deepcopy(spec.get("config") or {})
    config["font"] = font  # the registered CJK family: measured and drawn with one font
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",  # a name: not fetched
        "background": "white",
        "padding": 16,
        "datasets": datasets,
        "config": config,
        "vconcat": [inner],
        "title": {
            "text": source,
            "orient": "bottom",
            "anchor": "start",
            "fontSize": 10,
            "fontWeight": "normal",
            "color": NOTE_COLOUR,
            "offset": 14,
        },
    }


def vega_image(spec: dict, fmt: str, *, title: str, subtitle: str, source: str) -> bytes:
    """The exported chart as SVG (UTF-8) or PNG bytes (``fmt`` "svg" or "png")."""
    from indicators.report.charts import _converter

    font = _font()
    vlc = _converter(str(font.directory))
    full = export_spec(spec, title=title, subtitle=subtitle, source=source, font=font.family)
    full = json.loads(json.dumps(full, allow_nan=False))
    if fmt == "svg":
        return vlc.vegalite_to_svg(full).encode("utf-8")
    return vlc.vegalite_to_png(full, scale=PNG_SCALE)


@st.cache_data(show_spinner=False, max_entries=32, ttl=loaders.CACHE_TTL_S)
def _vega_cached(digest: str, fmt: str, title: str, subtitle: str, source: str, _spec: dict):
    return vega_image(_spec, fmt, title=title, subtitle=subtitle, source=source)


def _digest(spec: dict) -> str:
    """Identity of a spec, datasets included (frames by their content)."""
    h = hashlib.sha256()
    for name, value in sorted((spec.get("datasets") or {}).items()):
        h.update(name.encode())
        h.update(_records_bytes(value))
    rest = {k: v for k, v in spec.items() if k != "datasets"}
    h.update(json.dumps(rest, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _records_bytes(value) -> bytes:
    if isinstance(value, pd.DataFrame):
        return pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes()
    return json.dumps(value, sort_keys=True, default=str).encode()


def unavailable(lang: str) -> str | None:
    """Why Vega charts cannot be exported on this server (no CJK font), or ``None``."""
    from ui.reports import unavailable as pdf_unavailable

    return t("export_unavailable", lang) if pdf_unavailable(lang) else None


# ---------------------------------------------------------------------------- Plotly
def export_figure(
    fig: go.Figure, *, title: str, subtitle: str, source: str, width: int | None = None
) -> go.Figure:
    """A copy of ``fig`` with the title, "<group> · <year>" and the source above the plot
    (user text through :func:`ui.safe.plain`); the page's figure is left as it is."""
    out = go.Figure(fig)
    m = out.layout.margin
    t0, b0, l0, r0 = (m.t or 0), (m.b or 0), max(m.l or 0, 20), max(m.r or 0, 20)
    height = out.layout.height or 450
    top, bottom = 96, 16  # room for the title, subtitle and source lines
    top_axis = [a for a in out.select_xaxes() if a.side == "top" and a.title.text]
    if top_axis:
        top += 26  # an axis title above the plot: below the subtitle, not beside the title
    out.update_layout(
        title=dict(
            text=f"<b>{plain(title)}</b>",
            # the source as the subtitle's second line: a line under the plot would collide
            # with whatever Plotly's automargin puts there (rotated labels, a legend)
            subtitle=dict(
                text=f"{plain(subtitle)}<br><span style='font-size:10px'>{plain(source)}</span>",
                font=dict(size=12, color=NOTE_COLOUR),
            ),
            x=12 / (width or out.layout.width or PLOTLY_WIDTH),
            xanchor="left",
            xref="container",
            y=1 - 14 / (height - t0 + top + bottom),
            yanchor="top",
            yref="container",
            font=dict(size=16, color=TITLE_COLOUR),
        ),
        # the plot area keeps its size; the new lines get their own room
        height=height - t0 + top + bottom,
        width=width or out.layout.width or PLOTLY_WIDTH,
        margin=dict(l=l0, r=r0, t=top, b=b0 + bottom),
        paper_bgcolor="white",
        # the page's colours come from Streamlit's theme, which the export does not have
        colorway=out.layout.colorway or PALETTE,
        sunburstcolorway=out.layout.sunburstcolorway or PALETTE,
    )
    # long tick labels push the margins out (Streamlit's theme does this on the page)
    out.update_xaxes(automargin=True)
    out.update_yaxes(automargin=True)
    return out


_copy_lock = threading.Lock()


def publish_plotly_js() -> str | None:
    """Copy ``plotly.min.js`` from the ``plotly`` package into ``static/vendor`` (when missing
    or of another size) and return its URL, or ``None`` if that fails."""
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    try:
        with _copy_lock:
            if not PLOTLY_JS.exists() or PLOTLY_JS.stat().st_size != source.stat().st_size:
                PLOTLY_JS.parent.mkdir(parents=True, exist_ok=True)
                tmp = PLOTLY_JS.with_name(f".plotly.{os.getpid()}.tmp")
                tmp.write_bytes(source.read_bytes())
                tmp.replace(PLOTLY_JS)
        return PLOTLY_JS_URL
    except OSError:
        return None


def _script_json(value) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>``, no ``<!--``, no ``&``."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# Material Symbols "download" (Apache 2.0), as Streamlit's own download buttons show it
_ICON = (
    '<svg viewBox="0 -960 960 960" aria-hidden="true"><path d="M480-320 280-520l56-58 104 '
    "104v-326h80v326l104-104 56 58-200 200ZM240-160q-33 0-56.5-23.5T160-240v-120h80v120h480v"
    '-120h80v120q0 33-23.5 56.5T720-160H240Z"/></svg>'
)
_BUTTONS = """<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;font-family:"Source Sans Pro","Source Sans",sans-serif;font-size:14px}
button{font:inherit;font-size:14px;color:#31333f;background:none;cursor:pointer;border:0;
padding:2px 4px;margin:0 14px 0 0;display:inline-flex;align-items:center;gap:6px}
button:hover{color:#c0392b}button:disabled{opacity:.5;cursor:wait}
svg{width:18px;height:18px;fill:currentColor}
span{color:#c0392b;font-size:12px;margin-left:4px}</style></head><body>
<button type="button" data-format="png" title="__HELP__">__ICON__PNG</button><button
 type="button" data-format="svg" title="__HELP__">__ICON__SVG</button><span role="status"></span>
<script>
const FIG = __FIG__, OPTS = __OPTS__;
function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  return new Promise((ok, fail) => {
    const s = document.createElement("script");
    s.src = OPTS.src; s.onload = () => ok(window.Plotly); s.onerror = fail;
    document.head.appendChild(s);
  });
}
for (const b of document.querySelectorAll("button")) {
  b.addEventListener("click", async () => {
    const status = document.querySelector("span");
    status.textContent = ""; b.disabled = true;
    try {
      const Plotly = await loadPlotly();
      const fmt = b.dataset.format;
      await Plotly.downloadImage({data: FIG.data, layout: FIG.layout,
        config: {staticPlot: true}}, {format: fmt, filename: OPTS.filename,
        width: OPTS.width, height: OPTS.height, scale: fmt === "png" ? OPTS.scale : 1});
    } catch (e) { status.textContent = OPTS.failed; }
    b.disabled = false;
  });
}
</script></body></html>"""


def plotly_buttons_html(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    lang: str,
    file_stem: str,
    width: int | None = None,
) -> str:
    """The two-button component (see the module docstring) for ``fig``."""
    out = export_figure(fig, title=title, subtitle=subtitle, source=source, width=width)
    opts = {
        "src": PLOTLY_JS_URL,
        "filename": file_stem,
        "width": int(out.layout.width),
        "height": int(out.layout.height),
        "scale": PNG_SCALE,
        "failed": t("export_failed", lang),
    }
    help_text = plain(t("export_help", lang)).replace('"', "&quot;")
    return (
        _BUTTONS.replace("__HELP__", help_text)
        .replace("__ICON__", _ICON)
        .replace("__OPTS__", _script_json(opts))
        .replace("__FIG__", _script_json(json.loads(out.to_json())))
    )


# ---------------------------------------------------------------------------- the buttons
def export_buttons(
    chart: dict | go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    key: str,
    lang: str,
    file_stem: str,
    width: int | None = None,
) -> None:
    """Two compact download buttons, PNG and SVG, under a chart (a Vega-Lite spec or a Plotly
    figure). A page calls ``export_buttons(fig, title=..., key="radar",
    **chart_export.view(ctx, "radar"))``. ``width``: the exported Plotly figure's width in px
    (default 900; wide charts such as the correlation heatmap need more)."""
    texts = {"title": title, "subtitle": subtitle, "source": source}
    if isinstance(chart, go.Figure):
        if publish_plotly_js() is None:
            st.caption(t("export_unavailable_plotly", lang))
            return
        # our own HTML (user text only inside JSON with < > & escaped): st.iframe runs it
        html = plotly_buttons_html(chart, lang=lang, file_stem=file_stem, width=width, **texts)
        st.iframe(html, height=34)
        return
    reason = unavailable(lang)
    if reason:
        st.caption(reason)
        return
    digest = _digest(chart)
    with st.container(horizontal=True, gap="small", key=f"export_{key}"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                fmt.upper(),
                data=_lazy(digest, fmt, texts, chart),
                file_name=f"{file_stem}.{fmt}",
                mime=mime,
                on_click="ignore",
                icon=":material/download:",
                help=t("export_help", lang),
                key=f"export_{key}_{fmt}",
                type="tertiary",
            )


def _lazy(digest: str, fmt: str, texts: dict, spec: dict) -> Callable[[], bytes]:
    return lambda: _vega_cached(
        digest, fmt, texts["title"], texts["subtitle"], texts["source"], spec
    )
