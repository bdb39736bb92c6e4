"""The sidebar: shared selections, their URL form, and the context every page reads.

``setup()`` runs in the entry script on every rerun, before the page. It reads the link once per
session (bad values fall back to defaults with a visible notice), draws the sidebar widgets
(whose state survives page switches because they live in the entry script), writes the
selections back to ``st.query_params`` so the address bar is always a shareable link, and stores
a ``Context`` for the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from indicators import Build, Config, ValidationError
from ui import loaders, state
from ui.i18n import LANGS, STRINGS, t
from ui.safe import md
from ui.views import names_map

_CTX = "_context"


@dataclass(frozen=True)
class Context:
    """What a page needs to know about the current view: the language, the selections, the
    dataset (names, notes, boundaries) and the build every page computes from."""

    lang: str
    selections: dict
    dataset: loaders.Dataset
    options: state.Options
    build: Build

    @property
    def year(self) -> int:
        return int(self.selections["year"])

    @property
    def members(self) -> tuple[str, ...]:
        return self.build.members

    @property
    def config(self) -> Config:
        return self.build.config

    def build_with(self, config: Config) -> Build:
        """This view's data and peer group under another config (e.g. the default one)."""
        return loaders.build(self.dataset, self.build.members, config)


def current() -> Context:
    """The context set up by the entry script for this rerun.

    Streamlit keeps a legacy mode for apps with a ``pages/`` folder: until ``st.navigation`` has
    run once in the process, it executes a page file directly, without ``dashboard.py``. The
    server leaves that mode at start-up (``ui.warmup.leave_legacy_pages_mode``), but AppTest
    (on every rerun) and a server started without ``dashboard.app`` still enter it. The page
    would then see no sidebar and a stale context, so we switch the legacy mode off and rerun
    through the entry script. ``uses_pages_directory`` is the flag ``st.navigation`` itself
    clears (streamlit/commands/navigation.py).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state[_CTX]


def group_name(dataset: loaders.Dataset, selections: dict, lang: str) -> str:
    """The peer group by name: the province itself for a province group (浙江省 / Zhejiang),
    otherwise the group's label (长三角中心区 27 城, 自定义 …)."""
    group = selections["group"]
    if group == "province":
        return _province_label(dataset, str(selections["prov"]), lang)
    if group == "citycounties":
        city = names_map(_cities(), lang).get(str(selections["parent"]), str(selections["parent"]))
        return t("group_citycounties_of", lang, city=city)
    if group == "ccity_prov":
        province = _province_label(dataset, str(selections["prov"]), lang)
        return t("group_ccity_prov_of", lang, province=province)
    return t(_at_level(f"group_{group}", dataset), lang)


def _cities():
    """The city units table (names of the cities whose counties form a group)."""
    return loaders.bundled_dataset("city").units


def _at_level(key: str, dataset: loaders.Dataset) -> str:
    """``key``, or its county variant ``<key>_county`` at the county level (if there is one)."""
    county = f"{key}_county"
    return county if dataset.level == "county" and county in STRINGS else key


def unit_noun(ctx_or_level, lang: str) -> str:
    """The units' noun: "城市" / "cities", or at county level "区县" / "counties"."""
    level = getattr(getattr(ctx_or_level, "dataset", None), "level", ctx_or_level)
    return t("county_noun" if level == "county" else "city_noun", lang)


def lt(key: str, ctx, **fmt) -> str:
    """``t`` with the county variant of a text (key ``<key>_county``) at county level."""
    return t(_at_level(key, ctx.dataset), ctx.lang, **fmt)


def group_caption(ctx: Context) -> str:
    """The peer group as every page names it: "浙江省 · 11 个城市" / "Zhejiang · 11 cities"
    (Markdown-safe: a province name can come from an uploaded units file)."""
    name = group_name(ctx.dataset, ctx.selections, ctx.lang)
    return lt("group_caption", ctx, group=name, n=len(ctx.members))


def setup() -> Context:
    """Draw the sidebar, sync the URL and return the context (see module docstring)."""
    level = st.session_state.get("level")
    if level not in state.LEVELS:  # the session's first run: the link's (checked by parse)
        level = state._first(st.query_params.get("level", state.LEVELS[0]))
        level = level if level in state.LEVELS else state.LEVELS[0]
    try:
        dataset = loaders.current_dataset(level)
    except ValidationError as err:  # the bundled files are broken: say so, don't crash
        st.error(f"The bundled data could not be loaded / 内置数据无法读取:\n\n{md(err)}")
        st.stop()
    options = loaders.options_for(dataset)
    first_run = st.session_state.get("_dataset_key") != dataset.key
    if first_run:
        _init_from_link(dataset, options, link=st.session_state.get("_dataset_key") is None)
        st.session_state["_dataset_key"] = dataset.key
        st.session_state["level"] = dataset.level

    lang = _sidebar(dataset, options)
    selections = {}
    for key in state.SHARED_KEYS:
        value = st.session_state.get(key)
        selections[key] = options.default(key) if value is None else value
    selections["members"] = tuple(selections["members"] or ())
    try:
        members = loaders.members_for(dataset, selections)
    except ValidationError:
        members = ()
    ranked = loaders.ranked_count(dataset, members)
    if ranked < loaders.MIN_RANKED:  # say so at the top of the page, never fall back silently
        asked = group_name(dataset, selections, lang)
        fallback = {**selections, "group": options.default("group")}
        fallback_members = loaders.members_for(dataset, fallback)
        usable = loaders.ranked_count(dataset, fallback_members) >= loaders.MIN_RANKED
        if usable and fallback["group"] != selections["group"]:
            selections, members = fallback, fallback_members
            message = t(
                _at_level("group_too_small_shown", dataset),
                lang,
                group=asked,
                n=ranked,
                least=loaders.MIN_RANKED,
                shown=group_name(dataset, selections, lang),
            )
        else:  # nothing better to show: say so, and show what there is (unranked)
            message = t("group_cannot_rank", lang, group=asked, n=ranked, least=loaders.MIN_RANKED)
        if st.session_state.get("group") == "custom":
            message += " " + t(_at_level("group_too_small_custom", dataset), lang)
        st.warning(message, icon=":material/group_off:")
    config = loaders.config_for(selections)
    _write_link(selections, options)
    try:
        build = loaders.build(dataset, members, config)
    except ValidationError as err:  # refused before any page renders, with the reason
        _refused(err, lang)
        st.stop()
    if build.years and selections["year"] not in build.years:
        # a county group without 2010 rows (docs/METHODS.md): show its year, and say so
        shown = max(build.years)
        st.session_state["_link_notices"] = [
            *st.session_state.get("_link_notices", []),
            t(
                "year_not_in_group",
                lang,
                group=group_name(dataset, selections, lang),
                year=selections["year"],
                shown=shown,
            ),
        ]
        st.session_state["year"] = shown
        st.rerun()
    ctx = Context(lang, selections, dataset, options, build)
    st.session_state[_CTX] = ctx
    build_notice(ctx)
    return ctx


def _refused(err: ValidationError, lang: str) -> None:
    """Say why the chosen build cannot be computed, in the page's language, and how to fix
    it (a rule of ``indicators.config.RULES`` has its own explanation and a one-click fix)."""
    st.title(t("build_refused_title", lang))
    about_methods = all(p.source == "config" for p in err.problems)
    message = t("build_refused" if about_methods else "build_refused_data", lang)
    st.error(message, icon=":material/block:")
    for problem in err.problems:
        key = f"refused_{problem.column}"  # our own words; a message may quote user codes
        st.markdown(f"- {t(key, lang) if key in _REFUSAL_KEYS else md(problem.message)}")
    columns = {p.column for p in err.problems}
    if "weight_overrides" in columns:  # e.g. every lab slider at 0: back to the framework's
        st.button(t("reset_weights", lang), on_click=_set, args=("w", ()))
    if "aggregate" in columns and st.session_state.get("norm") == "zscore":
        left, right = st.columns(2)
        left.button(t("fix_use_minmax", lang), on_click=_set, args=("norm", "minmax"))
        right.button(t("fix_use_arithmetic", lang), on_click=_set, args=("agg", "arithmetic"))


_REFUSAL_KEYS = ("refused_aggregate", "refused_impute", "refused_weight_overrides")


def _set(key: str, value: object) -> None:
    st.session_state[key] = value


def _init_from_link(dataset: loaders.Dataset, options: state.Options, link: bool) -> None:
    """Seed the widgets from the URL (first run of a session), or keep the session's choices
    when the dataset changes (an upload): whatever the new dataset cannot offer falls back to
    its default with a notice, like a stale link."""
    params = st.query_params.to_dict() if link else _current_params()
    values, notices, unknown = state.parse(params, options)
    # Page-owned keys (city, cities, …) are consumed by the page when it first renders.
    st.session_state["_link_page_params"] = {
        k: state._first(v) for k, v in params.items() if k in state.PAGE_KEYS
    }
    prov_asked = "prov" in params and not any(n.key == "prov" for n in notices)
    for key, value in values.items():
        st.session_state[key] = list(value) if key == "members" else value
    if not prov_asked:  # chosen when the province group is: that of the city then in view
        st.session_state["prov"] = None
        values["prov"] = default_province(dataset, options)
    if not ("parent" in params and not any(n.key == "parent" for n in notices)):
        st.session_state["parent"] = None  # chosen with its group: the city in view
        values["parent"] = default_parent(dataset, options)
    lang = values["lang"]
    wording = "bad_param" if link else "selection_unavailable"
    messages = []
    if any(n.key == "members" for n in notices):
        messages += _members_notices(dataset, options, params, values, lang)
    for n in notices:
        if n.key == "members":
            continue
        if n.key == "prov" and loaders.province_of_name(dataset, n.value) is not None:
            # a real province that cannot form a group (a municipality: one unit)
            members = loaders.members_for(dataset, {"group": "province", "prov": n.value})
            messages.append(
                t(
                    _at_level("province_too_small", dataset),
                    lang,
                    value=_province_label(dataset, n.value, lang),
                    n=loaders.ranked_count(dataset, members),
                    least=loaders.MIN_RANKED,
                    shown=_province_label(dataset, str(values["prov"]), lang),
                )
            )
            continue
        default = n.default
        if n.key == "prov":
            default = _province_label(dataset, str(values["prov"]), lang)
        elif n.key == "parent":  # the city whose counties are shown, by name
            default = names_map(_cities(), lang).get(str(values["parent"]), str(values["parent"]))
        elif n.default in options.groups:  # a group code: name it
            default = t(_at_level(f"group_{n.default}", dataset), lang)
        messages.append(t(wording, lang, key=n.key, value=n.value, default=default))
    if unknown:
        messages.append(t("unknown_param", lang, keys=", ".join(unknown)))
    st.session_state["_link_notices"] = messages


def _members_notices(
    dataset: loaders.Dataset, options: state.Options, params: dict, values: dict, lang: str
) -> list[str]:
    """What happened to a custom group from a link: the unknown codes it named, and, when too
    few cities were left, the group shown instead."""
    asked = [a.strip() for a in state._first(params.get("members", "")).split(",") if a.strip()]
    unknown = [a for a in dict.fromkeys(asked) if a not in options.adcodes]
    out = []
    if unknown:
        codes = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        out.append(t("members_unknown", lang, codes=codes[:200]))
    if state._first(params.get("group", "")) == "custom" and values["group"] != "custom":
        kept = [a for a in dict.fromkeys(asked) if a in options.adcodes]
        out.append(
            t(
                _at_level("group_too_small_shown", dataset),
                lang,
                group=t("group_custom", lang),
                n=loaders.ranked_count(dataset, kept),
                least=loaders.MIN_RANKED,
                shown=group_name(dataset, values, lang),
            )
        )
    return out


def _current_params() -> dict[str, str]:
    """The session's shared selections in their link form (language, group, year, methods):
    only those in use (a province only with the province group, cities only with a custom
    group)."""
    group = st.session_state.get("group")
    out = {}
    for key in state.SHARED_KEYS:
        value = st.session_state.get(key)
        if value is None or value == [] or value == ():
            continue
        if (
            (key == "prov" and group not in ("province", "ccity_prov"))
            or (key == "members" and group != "custom")
            or (key == "parent" and group != "citycounties")
        ):
            continue
        if key == "w":  # the lab's weights: (code, weight) pairs, linked as D1:5,D2:0
            out[key] = ",".join(f"{c}:{v:g}" for c, v in value)
            continue
        out[key] = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return out


def _sidebar(dataset: loaders.Dataset, options: state.Options) -> str:
    sb = st.sidebar
    shown = st.session_state.get("lang") or options.default("lang")
    _bound(
        sb.segmented_control,
        "lang",
        t("language", shown),
        LANGS,
        lambda code: {"zh": "中文", "en": "English"}[code],
        shown,
        options.default("lang"),
        required=True,
    )
    lang = st.session_state["lang"]
    for message in st.session_state.pop("_link_notices", []):
        st.warning(message, icon=":material/link_off:")

    if len(options.levels) > 1:
        _level_widget(sb, options, lang)
    county = dataset.level == "county"
    _bound(
        sb.selectbox,
        "group",
        t("peer_group", lang),
        options.groups,
        lambda g: t(
            f"group_{g}_county" if county and f"group_{g}_county" in STRINGS else f"group_{g}", lang
        ),
        lang,
        options.default("group"),
    )
    group = st.session_state.get("group")
    if group == "citycounties":
        cities = names_map(_cities(), lang)
        _bound(
            sb.selectbox,
            "parent",
            t("parent_city", lang),
            options.parents,
            lambda a: cities.get(a, a),
            lang,
            default_parent(dataset, options),
        )
    if group in ("province", "ccity_prov"):
        provinces = options.cc_provinces if group == "ccity_prov" else options.provinces
        default = default_province(dataset, options)
        _bound(
            sb.selectbox,
            "prov",
            t("province", lang),
            provinces,
            lambda p: _province_label(dataset, p, lang),
            lang,
            default if default in provinces else provinces[0],
        )
    elif group == "custom":
        names = names_map(dataset.units, lang)
        _bound(
            sb.multiselect,
            "members",
            t(_at_level("custom_members", dataset), lang),
            sorted(options.adcodes),
            lambda a: names.get(a, a),
            lang,
            [],
            multi=True,
            max_selections=400,
            placeholder=t("choose_placeholder", lang),
        )
    if len(options.years) > 1:
        _bound(
            sb.segmented_control,
            "year",
            t("year", lang),
            options.years,
            str,
            lang,
            options.default("year"),
            required=True,
        )
    with sb.expander(t("methods", lang), icon=":material/functions:"):
        for param in state.METHOD_PARAMS:  # declared once, in indicators.config.PARAMETERS
            _bound(
                st.selectbox,
                param.url,
                param.label[1] if lang == "en" else param.label[0],
                options.choices(param.url),
                lambda m, param=param: param.choice_label(m, lang),
                lang,
                options.default(param.url),
            )
    sb.caption(f"{t('data_source', lang)}: {md(dataset.label(lang))}")
    sb.caption(t("share_link", lang))
    return lang


def _level_widget(sb, options: state.Options, lang: str) -> None:
    """The level switch (城市 / 区县): a change goes through :func:`switch_level`, so each level
    keeps its own peer group and page choices."""
    widget_key = f"_w_level_{lang}"
    level = st.session_state.get("level") or options.default("level")
    if st.session_state.get(widget_key) != level:
        st.session_state[widget_key] = level
    sb.segmented_control(
        t("unit_level", lang),
        options.levels,
        key=widget_key,
        format_func=lambda v: t(f"unit_level_{v}", lang),
        required=True,
        on_change=lambda: switch_level(st.session_state[widget_key] or level),
    )


#: What each level keeps of its own when the user switches level (peer group and the pages'
#: unit choices: a county adcode means nothing at the city level).
LEVEL_KEYS = ("group", "prov", "parent", "members", "city", "cities", "peer", "find")


def switch_level(level: str, **values: object) -> None:
    """Change the level: remember the level left's group and unit choices, bring back the
    new level's (its defaults on a first visit), then set ``values`` (a drill-down's group and
    city). Streamlit callbacks run before the rerun, so setup sees the new level at once."""
    old = st.session_state.get("level") or state.LEVELS[0]
    saved = st.session_state.setdefault("_level_saved", {})
    if level != old:
        if old == "city":  # the county level's first group: the counties of this city
            st.session_state["_city_in_view"] = st.session_state.get("city")
        saved[old] = {k: st.session_state.get(k) for k in LEVEL_KEYS}
        for key in LEVEL_KEYS:
            st.session_state[key] = saved.get(level, {}).get(key)
    st.session_state["level"] = level
    for key, value in values.items():
        st.session_state[key] = value


def default_parent(dataset: loaders.Dataset, options: state.Options) -> str:
    """The city whose counties the county-level group shows first: the city in view (the
    city page's choice, or the city of the county in view), if its counties can be ranked;
    else the first of the YRD 27 cities offered (上海市); else the first offered city."""
    pending = st.session_state.get("_link_page_params", {})
    parents = set(options.parents)
    city_of = dict(
        zip(
            dataset.units["adcode"].astype(str),
            dataset.units.get("city_adcode", dataset.units["adcode"]).astype(str),
            strict=True,
        )
    )
    for adcode in (
        st.session_state.get("_city_in_view"),
        st.session_state.get("city"),
        pending.get("city"),
    ):
        for candidate in (adcode, city_of.get(str(adcode))):
            if candidate in parents:
                return str(candidate)
    yrd = (
        set(_cities().loc[_cities().get("yrd27", 0) == 1, "adcode"].astype(str))
        if "yrd27" in _cities().columns
        else set()
    )
    for parent in options.parents:
        if parent in yrd:
            return parent
    return str(options.default("parent"))


def _bound(
    widget,
    key: str,
    label: str,
    choices,
    format_func,
    lang: str,
    default,
    *,
    multi: bool = False,
    **kwargs,
) -> None:
    """A widget whose labels depend on the language, bound to the session value ``key``.

    Streamlit keeps a widget's value as its *displayed label*; after a language switch the old
    label matches no option. So the widget key carries the language (a fresh widget per
    language), and the value itself lives under ``key``, copied back by the change callback.
    A plain session key also survives ``st.switch_page`` (a click in the ranking table or a
    chart), which drops the values of widget keys in Streamlit 1.67: that is why the language
    and the year, whose labels do not all change, are bound this way too.
    """
    value = st.session_state.get(key)
    if multi:
        value = [v for v in (value or []) if v in choices]
    elif value not in choices:
        value = default
    st.session_state[key] = value
    widget_key = f"_w_{key}_{lang}"
    if st.session_state.get(widget_key) != value:
        st.session_state[widget_key] = value
    widget(
        label,
        choices,
        key=widget_key,
        format_func=format_func,
        on_change=_copy,
        args=(widget_key, key),
        **kwargs,
    )


def default_province(dataset: loaders.Dataset, options: state.Options) -> str:
    """The province offered first: that of the city the session is looking at (the city
    page's choice, or a city named in the link), if it can be ranked as a group; else the first
    offered province."""
    pending = st.session_state.get("_link_page_params", {})
    for adcode in (st.session_state.get("city"), pending.get("city")):
        province = loaders.province_of(dataset, adcode)
        if province in options.provinces:
            return province
    if dataset.level == "county":  # the province of the city the session last looked at
        province = loaders.province_of(
            loaders.bundled_dataset("city"), st.session_state.get("_city_in_view")
        )
        if province in options.provinces:
            return province
    return str(options.default("prov"))


def _province_label(dataset: loaders.Dataset, province_zh: str, lang: str) -> str:
    if lang != "en" or "province_en" not in dataset.units.columns:
        return province_zh
    match = dataset.units.loc[dataset.units["province_zh"] == province_zh, "province_en"]
    return str(match.iloc[0]) if len(match) else province_zh


def _write_link(selections: dict, options: state.Options) -> None:
    """Keep the address bar equal to the view: shared keys plus the page's own keys."""
    current = st.query_params.to_dict()
    wanted = {k: v for k, v in current.items() if k in state.PAGE_KEYS}
    wanted.update(state.serialise(selections, options))
    if wanted != current:
        st.query_params.from_dict(wanted)


def _link_value(key: str) -> str | None:
    """A page-owned link parameter, returned once (the first time the page asks for it)."""
    pending = st.session_state.get("_link_page_params", {})
    return pending.pop(key, None)


def choose_one(
    key: str, label: str, choices: tuple[str, ...], format_func, lang: str, where=st
) -> str:
    """A single-choice page selection remembered for the session and kept in the URL.

    Order of precedence: a value set by another page (e.g. a click in the ranking table), the
    link, the last choice in this session, the first choice. A value that is not among
    ``choices`` (another peer group, a stale link) falls back with a notice.
    """
    wanted = _link_value(key) or st.session_state.get(key)
    if wanted is not None and wanted not in choices:
        where.info(t("not_in_group", lang, value=str(wanted)[:40]), icon=":material/info:")
        wanted = None
    value = wanted if wanted is not None else choices[0]
    st.session_state[key] = value
    widget = f"_w_{key}_{lang}"  # labels depend on the language: see ``_bound``
    if st.session_state.get(widget) != value:
        st.session_state[widget] = value
    where.selectbox(
        label, choices, key=widget, format_func=format_func, on_change=_copy, args=(widget, key)
    )
    st.query_params[key] = value
    return value


def choose_many(
    key: str,
    label: str,
    choices: tuple[str, ...],
    default: list[str],
    format_func,
    lang: str,
    max_selections: int,
    where=st,
) -> list[str]:
    """A multi-choice page selection remembered for the session and kept in the URL."""
    raw = _link_value(key)
    wanted = raw.split(",") if raw is not None else st.session_state.get(key)
    if wanted is not None:
        valid = [w for w in dict.fromkeys(wanted) if w in choices][:max_selections]
        if len(valid) < len(wanted):
            where.info(t("some_not_in_group", lang), icon=":material/info:")
        wanted = valid
    value = list(wanted) if wanted else list(default)
    st.session_state[key] = value
    widget = f"_w_{key}_{lang}"  # labels depend on the language: see ``_bound``
    if st.session_state.get(widget) != value:
        st.session_state[widget] = value
    if st.session_state.pop(_TOO_MANY, None) == key:
        where.warning(t("too_many_choices", lang, n=max_selections), icon=":material/info:")
    # The limit is ours, not the widget's ``max_selections``: Streamlit's own message at the
    # limit is English only; a choice past it is undone with a notice in the page's language.
    where.multiselect(
        label,
        choices,
        key=widget,
        format_func=format_func,
        placeholder=t("choose_placeholder", lang),
        on_change=_copy_at_most,
        args=(widget, key, max_selections),
    )
    st.query_params[key] = ",".join(value)
    return value


_TOO_MANY = "_too_many_choices"


def _copy_at_most(source: str, target: str, limit: int) -> None:
    """Multiselect callback: keep at most ``limit`` choices (the first ones) and say so."""
    value = list(st.session_state[source])
    if len(value) > limit:
        value = value[:limit]
        st.session_state[source] = value
        st.session_state[_TOO_MANY] = target
    st.session_state[target] = value


def _copy(source: str, target: str) -> None:
    """Widget callback: remember the widget's value under the page's session key."""
    value = st.session_state[source]
    st.session_state[target] = list(value) if isinstance(value, list) else value


def weight_sliders(options: state.Options, label, lang: str, where=st) -> dict[str, float]:
    """One slider per dimension (relative weight 0–5, step 0.5), bound to the shared ``w``
    selection: the weights are part of the build every page and download uses, and of the
    link (``w=D1:5,D2:0``, only the weights that differ from the framework's)."""
    defaults = dict(options.weights)
    chosen = dict(st.session_state.get("w") or ()) or defaults
    columns = where.columns(len(defaults))
    values: dict[str, float] = {}
    for column, code in zip(columns, defaults, strict=True):
        widget = f"_w_w_{code}"
        if st.session_state.get(widget) != chosen.get(code, defaults[code]):
            st.session_state[widget] = float(chosen.get(code, defaults[code]))
        values[code] = float(
            column.slider(
                md(label(code)),
                0.0,
                state.MAX_WEIGHT,
                step=0.5,
                key=widget,
                on_change=_weights_changed,
                args=(options,),
            )
        )
    where.button(
        t("reset_weights", lang), key="_reset_w", on_click=_set, args=("w", ()), type="tertiary"
    )
    return values


def _weights_changed(options: state.Options) -> None:
    """Slider callback: the shared ``w`` from every slider's value (before the rerun, so the
    sidebar, the link and the build see the new weights)."""
    values = {code: st.session_state.get(f"_w_w_{code}", w) for code, w in options.weights}
    st.session_state["w"] = state.dimension_weights(values, options.weights)


def reset_build(options: state.Options) -> None:
    """Button callback: every method setting and the weights back to the default build."""
    for param in state.METHOD_PARAMS:
        st.session_state[param.url] = options.default(param.url)
    st.session_state["w"] = ()


def build_notice(ctx: Context) -> None:
    """Name the build on every page when it is not the default one ("自定义权重：人才储备量 5 ·
    …；标准化：Z 分数"), with a one-click way back (:func:`reset_build`)."""
    from ui.views import build_label

    text = build_label(ctx.config, ctx.dataset.framework, ctx.lang)
    if text is None:
        return
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(text, icon=":material/tune:")
    right.button(
        t("reset_build", ctx.lang), key="_reset_build", on_click=reset_build, args=(ctx.options,)
    )


def apply_recipe(dataset: loaders.Dataset, options: state.Options, payload: bytes, name: str):
    """Load a recipe file into the view: the peer group, year, methods and weights it names.

    Returns ``(True, notes)`` when the dashboard's build of those selections on this dataset
    is the recipe's build (the same data, framework, units, members and config; only the
    source's name may differ, e.g. a file named on the command line and uploaded here), else
    ``(False, reason)``; nothing is changed then. ``notes`` and ``reason`` are interface keys
    with their fields (the page words them in its language).
    """
    from indicators.recipe import Recipe

    try:
        recipe = Recipe.from_json(payload, source=name)
    except ValidationError as err:
        return False, ("recipe_unreadable", {"reason": "; ".join(p.message for p in err.problems)})
    if recipe.level != dataset.level:
        return False, (_at_level("recipe_level", dataset), {"level": recipe.level})
    selections = {key: st.session_state.get(key, options.default(key)) for key in state.SHARED_KEYS}
    spec = recipe.group or ""
    if spec in options.groups and spec not in ("province", "custom"):
        selections["group"] = spec
    elif loaders.province_of_name(dataset, spec) in options.provinces:
        selections["group"], selections["prov"] = (
            "province",
            loaders.province_of_name(dataset, spec),
        )
    else:
        selections["group"], selections["members"] = "custom", tuple(recipe.members)
    if recipe.year is not None:
        if recipe.year not in options.years:
            return False, ("recipe_year", {"year": recipe.year})
        selections["year"] = recipe.year
    for param in state.METHOD_PARAMS:
        selections[param.url] = getattr(recipe.config, param.name)
    selections["w"] = tuple(recipe.config.weight_overrides)
    config = loaders.config_for(selections)
    if config != recipe.config:  # settings the sidebar does not offer: say which
        other = sorted(k for k, v in recipe.config.to_dict().items() if config.to_dict()[k] != v)
        return False, ("recipe_settings", {"settings": ", ".join(other)})
    try:
        build = loaders.build(dataset, loaders.members_for(dataset, selections), config)
    except ValidationError as err:
        return False, ("recipe_unreadable", {"reason": "; ".join(p.message for p in err.problems)})
    differ = [
        tag for tag, d in build.key_parts.items() if recipe.parts.get(tag) != d and tag != "source"
    ]
    if differ:
        return False, ("recipe_other_data", {"parts": differ})
    for key, value in selections.items():
        st.session_state[key] = list(value) if key == "members" else value
    renamed = build.key_parts["source"] != recipe.parts.get("source")
    return True, (
        "recipe_applied_renamed" if renamed else "recipe_applied",
        {"key": build.key[:12]},
    )


def drill_links(ctx: Context, adcode: str, where=st) -> None:
    """The drill-down between the levels, under a profile's name: a city's profile opens the
    ranking of its counties (county level, group = the city's counties); a county's profile
    opens its city's profile (city level). The language, year and methods stay; each level
    gets back its own other choices (:func:`switch_level`)."""
    if ctx.dataset.level == "city" and "county" in ctx.options.levels:
        counties = loaders.bundled_dataset("county")
        name = names_map(ctx.dataset.units, ctx.lang).get(adcode, adcode)
        if adcode not in loaders.options_for(counties).parents:
            where.caption(t("drill_none", ctx.lang, city=name))
            return
        if where.button(
            t("drill_down", ctx.lang),
            icon=":material/account_tree:",
            help=t("drill_down_help", ctx.lang, city=name),
            key="_drill_down",
        ):
            switch_level("county", group="citycounties", parent=adcode, find=None)
            st.switch_page("pages/rankings.py")
    elif ctx.dataset.level == "county":
        units = ctx.dataset.units.set_index(ctx.dataset.units["adcode"].astype(str))
        if adcode not in units.index:
            return
        row = units.loc[adcode]
        cities = names_map(_cities(), ctx.lang)
        parent = str(row.get("city_adcode", "") or "")
        city = cities.get(parent, str(row.get("city_zh", "") or "—"))
        en = ctx.lang == "en"
        where.caption(
            t(
                "county_type",
                ctx.lang,
                type=row.get("type_en" if en else "type", ""),
                city=city,
                province=row.get("province_en" if en else "province_zh", ""),
            )
        )
        if parent in cities and where.button(
            t("back_to_city", ctx.lang, city=city),
            icon=":material/arrow_upward:",
            help=t("back_to_city_help", ctx.lang, city=city),
            key="_drill_up",
        ):
            switch_level("city", city=parent)
            _group_with(parent)
            st.switch_page("pages/city.py")


def _group_with(city: str) -> None:
    """After a drill-up: keep the city level's own group if it has the city, else show the
    city's province (else all cities), so that its profile opens (the sidebar shows it)."""
    dataset = loaders.bundled_dataset("city")
    options = loaders.options_for(dataset)
    chosen = {
        k: st.session_state.get(k) or options.default(k)
        for k in ("group", "prov", "parent", "members")
    }
    try:
        if city in loaders.members_for(dataset, chosen):
            return
    except ValidationError:
        pass
    province = loaders.province_of(dataset, city)
    if province in options.provinces:
        st.session_state["group"], st.session_state["prov"] = "province", province
    else:
        st.session_state["group"] = "all"
