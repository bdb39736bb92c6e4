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

from indicators import Config, ValidationError
from ui import loaders, state
from ui.i18n import LANGS, t
from ui.labels import method_label, unit_name

_CTX = "_context"


@dataclass(frozen=True)
class Context:
    """What a page needs to know about the current view."""

    lang: str
    selections: dict
    dataset: loaders.Dataset
    options: state.Options
    members: tuple[str, ...]
    config: Config

    @property
    def year(self) -> int:
        return int(self.selections["year"])

    def name(self, adcode: str) -> str:
        """A unit's display name in the current language."""
        return unit_name(self.dataset.units, adcode, self.lang)


def current() -> Context:
    """The context set up by the entry script for this rerun."""
    return st.session_state[_CTX]


def setup() -> Context:
    """Draw the sidebar, sync the URL and return the context (see module docstring)."""
    try:
        dataset = loaders.current_dataset()
    except ValidationError as err:  # the bundled files are broken: say so, don't crash
        st.error(f"The bundled data could not be loaded / 内置数据无法读取:\n\n{err}")
        st.stop()
    options = loaders.options_for(dataset)
    first_run = st.session_state.get("_dataset_key") != dataset.key
    if first_run:
        _init_from_link(options, link=st.session_state.get("_dataset_key") is None)
        st.session_state["_dataset_key"] = dataset.key

    lang = _sidebar(dataset, options)
    selections = {key: st.session_state.get(key, options.default(key)) for key in state.SHARED_KEYS}
    selections["members"] = tuple(selections["members"] or ())
    try:
        members = loaders.members_for(dataset, selections)
    except ValidationError:
        members = ()
    if len(members) < 2:
        st.sidebar.warning(t("group_too_small", lang))
        selections["group"] = options.default("group")
        members = loaders.members_for(dataset, selections)
    config = loaders.config_for(selections)
    _write_link(selections, options)
    ctx = Context(lang, selections, dataset, options, members, config)
    st.session_state[_CTX] = ctx
    return ctx


def _init_from_link(options: state.Options, link: bool) -> None:
    """Seed the widgets from the URL (first run of a session) or from defaults (new dataset)."""
    params = st.query_params.to_dict() if link else {}
    values, notices, unknown = state.parse(params, options)
    for key, value in values.items():
        st.session_state[key] = list(value) if key == "members" else value
    lang = values["lang"]
    messages = [t("bad_param", lang, key=n.key, value=n.value, default=n.default) for n in notices]
    if unknown:
        messages.append(t("unknown_param", lang, keys=", ".join(unknown)))
    st.session_state["_link_notices"] = messages


def _sidebar(dataset: loaders.Dataset, options: state.Options) -> str:
    sb = st.sidebar
    sb.segmented_control(
        t("language", st.session_state.get("lang", "zh")),
        LANGS,
        key="lang",
        required=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )
    lang = st.session_state.get("lang") or "zh"
    for message in st.session_state.pop("_link_notices", []):
        st.warning(message, icon=":material/link_off:")

    sb.selectbox(
        t("peer_group", lang),
        options.groups,
        key="group",
        format_func=lambda g: t(f"group_{g}", lang),
    )
    group = st.session_state.get("group")
    if group == "province":
        sb.selectbox(
            t("province", lang),
            options.provinces,
            key="prov",
            format_func=lambda p: _province_label(dataset, p, lang),
        )
    elif group == "custom":
        sb.multiselect(
            t("custom_members", lang),
            sorted(options.adcodes),
            key="members",
            format_func=lambda a: unit_name(dataset.units, a, lang),
            max_selections=400,
        )
    if len(options.years) > 1:
        sb.segmented_control(t("year", lang), options.years, key="year", required=True)
    with sb.expander(t("methods", lang), icon=":material/functions:"):
        for key, label in (
            ("norm", "normalise"),
            ("wt", "weights"),
            ("agg", "aggregate"),
            ("treat", "treat"),
            ("imp", "impute"),
        ):
            st.selectbox(
                t(label, lang),
                options.choices(key),
                key=key,
                format_func=lambda m, k=key: method_label(k, m, lang),
            )
    sb.caption(f"{t('data_source', lang)}: {dataset.label(lang)}")
    sb.caption(t("share_link", lang))
    return lang


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
