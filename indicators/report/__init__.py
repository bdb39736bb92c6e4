"""Printable PDFs of a result: the one-page city brief and the group report (issue 12).

The engine side only (never imports streamlit): the dashboard and the command line call
:func:`brief_pdf` and :func:`report_pdf`, which return the PDF as bytes.

* Content (what is said, from the result): :mod:`indicators.report.content`, labels in
  ``texts.toml``; the paragraph is :func:`indicators.summary.city_summary`.
* Figures: :mod:`indicators.report.charts` (SVG; Vega-Lite through ``vl-convert-python``).
* Layout: typst templates in ``templates/`` compiled by the ``typst`` package with an embedded
  CJK font (:mod:`indicators.report.fonts`); data travel as JSON, never as markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indicators.report.fonts import FontMissing, find_cjk_font
from indicators.report.render import ReportError, compile_pdf

__all__ = [
    "FontMissing",
    "ReportError",
    "brief_pdf",
    "find_cjk_font",
    "group_label",
    "load_geo",
    "report_pdf",
]


def group_label(spec: str, lang: str, n: int, units: Any = None) -> str:
    """The peer group as a phrase for titles and sentences: ``yrd27`` -> 长三角中心区 27 城 /
    the YRD central 27 cities, ``all`` -> 全国 337 个地级单位, a province (in ``lang`` when the
    ``units`` table names it in both languages), a list of adcodes -> 所选 N 个城市."""
    from indicators.report.content import texts

    t = texts(lang)
    key = f"group_{spec}"
    if key in t:
        return t[key].format(n=n)
    if "," in spec or spec.strip().isdigit():
        return t["group_custom"].format(n=n)
    if units is not None and {"province_zh", "province_en"} <= set(units.columns):
        for zh, en in zip(units["province_zh"], units["province_en"], strict=True):
            if spec.strip() in (zh, en):
                return str(en if lang == "en" else zh)
    return spec


def _uncertainty(result: Any, uncertainty: Any) -> Any:
    if uncertainty is False:
        return None
    if uncertainty is None:
        from indicators.uncertainty import uncertainty as run

        return run(result)  # the declared defaults (n = 1000, seed = 0)
    return uncertainty


def _context(result, year, lang, group, uncertainty, source=None):
    from indicators.report.content import Context

    if lang not in ("zh", "en"):
        raise ReportError(f"language must be zh or en, got {lang!r}")
    if group is None:
        group = texts_group_default(lang, len(result.build.members))
    try:
        return Context(result, year, lang, group, _uncertainty(result, uncertainty), source)
    except ValueError as exc:
        raise ReportError(str(exc)) from None


def texts_group_default(lang: str, n: int) -> str:
    from indicators.report.content import texts

    return texts(lang)["group_custom"].format(n=n)


def brief_pdf(
    result: Any,
    adcode: str,
    year: int,
    lang: str = "zh",
    *,
    group: str | None = None,
    uncertainty: Any = None,
    source: str | None = None,
) -> bytes:
    """One unit's one-page A4 brief as PDF bytes.

    ``group`` names the peer group in the title and the summary (e.g. ``group_label("yrd27",
    lang, 27)``; default "所选 N 个城市"). ``uncertainty``: an
    :class:`~indicators.uncertainty.UncertaintyResult` of the same build (its rank interval
    goes into the summary), ``None`` to compute one with the declared defaults, ``False`` for
    none. ``source`` names the data in the reader's language (default ``result.build.source``).
    Raises :class:`ReportError` (unknown unit or year, bad language) and
    :class:`FontMissing` (no CJK font installed).
    """
    from indicators.report.content import city_brief

    ctx = _context(result, year, lang, group, uncertainty, source)
    try:
        content = city_brief(ctx, str(adcode))
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    return compile_pdf("brief.typ", {"t": ctx.t, "b": ctx.build(), "c": content})


def load_geo(path: str | Path | None = None) -> dict[str, dict]:
    """The committed boundaries (``data/geo/cities.geojson``) as ``{adcode: feature}``."""
    if path is None:
        from indicators.tables import default_paths

        path = default_paths()["geo"]
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    return {str(f.get("id")): f for f in collection.get("features", [])}


def report_pdf(
    result: Any,
    year: int,
    lang: str = "zh",
    *,
    group: str | None = None,
    uncertainty: Any = None,
    geo: dict[str, dict] | None = None,
    source: str | None = None,
) -> bytes:
    """The group report as PDF bytes: cover and contents, overview (ranking table and map),
    one section per dimension, the change between the first and the last year, the
    uncertainty of the ranking, one brief per unit and the methodology.

    ``group``, ``uncertainty`` and ``source`` as in :func:`brief_pdf`; ``geo`` is ``{adcode: GeoJSON
    feature}`` (default: :func:`load_geo`; ``{}`` for no map).
    """
    from indicators.report.content import group_report

    ctx = _context(result, year, lang, group, uncertainty, source)
    font = find_cjk_font()
    if geo is None:
        geo = load_geo()
    content = group_report(ctx, geo, font=font.family, font_dir=str(font.directory))
    payload = {"t": ctx.t, "b": ctx.build(), "r": content}
    return compile_pdf("report.typ", payload, font)
