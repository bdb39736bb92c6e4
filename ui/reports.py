"""The PDF brief (city profile) and group report (rankings) of the current view, for
``st.download_button``.

A page calls, for example on the city profile::

    from ui import reports

    reason = reports.unavailable(ctx.lang)
    if reason:
        st.caption(reason)
    else:
        st.download_button(
            t("download_brief", ctx.lang),
            data=reports.brief_data(ctx, result, adcode),   # made when clicked
            file_name=reports.brief_file_name(ctx, adcode),
            mime="application/pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
        )

and ``reports.report_data(ctx, result)`` / ``reports.report_file_name(ctx)`` with
``t("download_report", ctx.lang)`` on the Rankings page. ``data`` is a callable, so the PDF is
made on the click (in Streamlit's download thread, not in the page's rerun), and cached on the
build's identity, the unit, the year and the language. The rank interval in the brief's summary
comes from the same cached uncertainty analysis as the profile's (``loaders.rank_intervals``),
so the PDF and the page say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import streamlit as st

from indicators.result import Result
from ui import loaders
from ui.i18n import t

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@cache
def _font_problem() -> str | None:
    from indicators.report import FontMissing, find_cjk_font

    try:
        find_cjk_font()
    except FontMissing as exc:
        return str(exc)
    return None


def unavailable(lang: str) -> str | None:
    """Why no PDF can be made on this server (no CJK font installed), or ``None``."""
    problem = _font_problem()
    return None if problem is None else t("pdf_unavailable", lang, reason=problem)


def group_phrase(ctx) -> str:
    """The peer group as the PDFs name it: 长三角中心区 27 城, a province, 所选 N 个城市."""
    from indicators.report import group_label

    group = ctx.selections.get("group", "custom")
    n = len(ctx.members)
    if group == "province":
        return group_label(str(ctx.selections.get("prov", "")), ctx.lang, n, ctx.dataset.units)
    return group_label(group if group in ("yrd27", "yrd41", "all") else "custom", ctx.lang, n)


def _uncertainty(result: Result):
    ua, _reason = loaders.uncertainty_or_reason(
        result, loaders.RANK_INTERVAL_DRAWS, loaders.RANK_INTERVAL_SEED
    )
    return False if ua is None else ua  # False: the PDFs leave the interval out


@st.cache_data(show_spinner=False, max_entries=16, ttl=loaders.CACHE_TTL_S)
def _brief(key: str, adcode: str, year: int, lang: str, group: str, source: str, _r: Result):
    from indicators.report import brief_pdf

    ua = _uncertainty(_r)
    return brief_pdf(_r, adcode, year, lang, group=group, uncertainty=ua, source=source)


@st.cache_data(show_spinner=False, max_entries=4, ttl=loaders.CACHE_TTL_S)
def _report(key: str, year: int, lang: str, group: str, source: str, _r: Result):
    from indicators.report import report_pdf

    ua = _uncertainty(_r)
    return report_pdf(_r, year, lang, group=group, uncertainty=ua, source=source)


def brief_data(ctx, result: Result, adcode: str) -> Callable[[], bytes]:
    """A zero-argument callable that returns the brief of ``adcode`` for the view's year."""
    args = (result.build.key, str(adcode), ctx.year, ctx.lang, group_phrase(ctx))
    source = ctx.dataset.label(ctx.lang)
    return lambda: _brief(*args, source, result)


def report_data(ctx, result: Result) -> Callable[[], bytes]:
    """A zero-argument callable that returns the group report for the view's year."""
    args = (result.build.key, ctx.year, ctx.lang, group_phrase(ctx))
    source = ctx.dataset.label(ctx.lang)
    return lambda: _report(*args, source, result)


def brief_file_name(ctx, adcode: str) -> str:
    """``talent_vitality_brief_上海市_2020_zh.pdf``: the city by its name in the page's
    language (an uploaded name is made safe for a file name)."""
    from indicators.download import file_part
    from ui.views import names_map

    name = names_map(ctx.dataset.units, ctx.lang).get(adcode, str(adcode))
    return f"talent_vitality_brief_{file_part(name)[:60]}_{ctx.year}_{ctx.lang}.pdf"


def report_file_name(ctx) -> str:
    """``talent_vitality_report_浙江省_2020_zh.pdf``: the group by name (a province by its
    own name, never a generic "province")."""
    from indicators.download import file_part
    from ui.context import group_name

    name = group_name(ctx.dataset, ctx.selections, ctx.lang)
    return f"talent_vitality_report_{file_part(name)[:60]}_{ctx.year}_{ctx.lang}.pdf"
