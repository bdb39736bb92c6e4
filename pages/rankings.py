"""Rankings: the index within the peer group — table with rank intervals, bar chart, map,
distribution; a click on a row opens that city's profile."""

import streamlit as st

from indicators.methods import label as method_label
from ui import context, loaders, vega_charts, views
from ui.i18n import t

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year
root = fw.root

# 1. Title
st.title(t("page_rankings", lang))
st.caption(
    f"{t('peer_group', lang)}: {t('group_' + ctx.selections['group'], lang)} · {len(ctx.members)} "
    f"{t('cities_unit', lang)} · {t('year', lang)}: {year} · "
    f"{method_label('normalise', ctx.config.normalise, lang)} · "
    f"{method_label('weights', ctx.config.weights, lang)} · "
    f"{method_label('aggregate', ctx.config.aggregate, lang)}"
)

# 2. Data (cached engine calls)
result = loaders.result(ctx.build)
intervals, no_intervals = loaders.rank_intervals(result)
table = views.ranking_table(result, fw, ctx.dataset.units, year, lang, intervals)
if table[root].isna().all():
    st.warning(t("no_scores_year", lang))
    st.stop()

# 3. Ranking table (click a row to open the city)
dims = list(fw.children(root))
column_config = {
    "adcode": None,
    "rank": st.column_config.NumberColumn(t("rank", lang), format="%d", width="small"),
    "name": st.column_config.TextColumn(t("city", lang), width="medium", pinned=True),
    root: st.column_config.ProgressColumn(
        fw.name(root, lang), min_value=0, max_value=100, format="%.1f"
    ),
    "interval": st.column_config.TextColumn(
        t("rank_range", lang), width="small", help=t("rank_interval", lang)
    ),
    "median_rank": None,
    "p05": None,
    "p95": None,
}
for dim in dims:
    column_config[dim] = st.column_config.NumberColumn(fw.name(dim, lang), format="%.1f")
event = st.dataframe(
    table,
    hide_index=True,
    column_config=column_config,
    on_select="rerun",
    selection_mode="single-row",
    key="ranking_table",
    height=min(38 * len(table) + 40, 740),
)
st.caption(t("ranking_table_note", lang))
if no_intervals:  # the analysis cannot run for this build: say why, never drop it silently
    st.info(t("no_intervals", lang, reason=no_intervals), icon=":material/info:")


def open_city(adcode: str | None) -> None:
    """A click on a row, a bar or the map opens that city's profile."""
    if adcode is not None and adcode in set(table["adcode"]):
        st.session_state["city"] = adcode
        st.switch_page("pages/city.py")


if event and event.selection.rows:
    open_city(table.iloc[event.selection.rows[0]]["adcode"])

# 4. Charts
left, right = st.columns([1, 1])
with left:
    st.subheader(t("bar_chart", lang))
    clicked = st.vega_lite_chart(
        spec=vega_charts.ranking_bar(table, name="name", score=root, x_title=fw.name(root, lang)),
        width="stretch",
        key="bar",
        on_select="rerun",
        selection_mode=vega_charts.PICK,
    )
    open_city(vega_charts.picked(clicked))
with right:
    st.subheader(t("map", lang))
    geo_url = loaders.group_geo_url(ctx.dataset, ctx.members)
    if geo_url is not None:
        clicked = st.vega_lite_chart(
            spec=vega_charts.choropleth(
                table,
                geo_url,
                value=root,
                name="name",
                label=t("score", lang),
            ),
            width="stretch",
            key="map",
            on_select="rerun",
            selection_mode=vega_charts.PICK,
        )
        open_city(vega_charts.picked(clicked))
        unmapped = loaders.without_boundary(ctx.dataset, ctx.members)
        if unmapped:  # e.g. an upload with some ids that are not bundled adcodes
            st.caption(t("map_partial", lang, n=unmapped))
    else:
        st.info(t("no_geo", lang))
    st.subheader(t("distribution", lang))
    st.vega_lite_chart(
        spec=vega_charts.distribution(table, value=root, name="name", label=fw.name(root, lang)),
        width="stretch",
        key="dist",
    )
st.caption(t("source_note", lang))
