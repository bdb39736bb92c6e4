"""Rankings: the index within the peer group — table with rank intervals, bar chart, map,
distribution; a click on a city's name (or any cell of its row), a bar or a map shape opens
that city's profile."""

import streamlit as st

from indicators.methods import label as method_label
from ui import context, loaders, reports, vega_charts, views
from ui.i18n import t

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year
root = fw.root

# 1. Title
st.title(t("page_rankings", lang))
st.caption(
    f"{t('peer_group', lang)}: {context.group_caption(ctx)} · {t('year', lang)}: {year} · "
    f"{method_label('normalise', ctx.config.normalise, lang)} · "
    f"{method_label('weights', ctx.config.weights, lang)} · "
    f"{method_label('aggregate', ctx.config.aggregate, lang)}"
)

# 2. Data (cached engine calls)
result = loaders.result(ctx.build)
intervals, no_intervals = loaders.rank_intervals(result)
table = views.ranking_table(result, fw, ctx.dataset.units, year, lang, intervals)
excluded = views.excluded_units(result, fw, ctx.dataset.units, year, lang)
if table.empty or table[root].isna().all():
    st.warning(t("no_scores_year", lang))
    st.stop()

# 3. Ranking table (a click on a city's name, or any cell of its row, opens the city).
# Widths are set so that all the columns fit the main area at 1,280 px with the sidebar open
# (views.TABLE_WIDTH); headers that would not fit are shortened, their full text is in help.
dims = list(fw.children(root))
heads = {
    "rank": t("rank", lang),
    "name": t("city", lang),
    root: fw.name(root, lang),
    "interval": t("rank_range", lang),
    "coverage": t("coverage_column", lang),
}
widths = {key: views.fit_widths([head], views.TABLE_WIDTH)[0] for key, head in heads.items()}
widths.update(rank=max(44, widths["rank"]), name=96)
widths[root] = min(max(widths[root], 100), 110)  # room for the bar and its number
if views.fit_widths([heads[root]], views.TABLE_WIDTH)[0] > widths[root]:
    heads[root] = t("index", lang)  # "Talent vitality index" does not fit: "Index" (+ help)
widths["interval"] = max(widths["interval"], 80)  # "146–318 ⚠"
short = views.short_names(fw, dims, lang)
budget = views.TABLE_WIDTH - sum(widths.values())
widths.update(zip(dims, views.fit_widths(short, budget), strict=True))
column_config = {
    "rank": st.column_config.NumberColumn(heads["rank"], format="%d", width=widths["rank"]),
    "name": st.column_config.TextColumn(heads["name"], width=widths["name"]),
    root: st.column_config.ProgressColumn(
        heads[root],
        min_value=0,
        max_value=100,
        format="%.1f",
        width=widths[root],
        help=fw.name(root, lang),
    ),
    "interval": st.column_config.TextColumn(
        heads["interval"], width=widths["interval"], help=t("rank_interval", lang)
    ),
    "coverage": st.column_config.TextColumn(
        heads["coverage"], width=widths["coverage"], help=t("coverage_help", lang)
    ),
}
for dim, head in zip(dims, short, strict=True):
    column_config[dim] = st.column_config.NumberColumn(
        head, format="%.1f", width=widths[dim], help=fw.name(dim, lang)
    )
event = st.dataframe(
    table,
    hide_index=True,
    column_config=column_config,
    column_order=[c for c in column_config if c in table.columns],
    on_select="rerun",
    selection_mode="single-cell",
    key="ranking_table",
    height=min(35 * len(table) + 38, 740),
)
notes = [t("ranking_click_note", lang)]
if "wide" in table and table["wide"].any():
    notes.append(t("wide_note", lang))
if table["flagged"].any():
    notes.append(t("flagged_note", lang))
for note in notes:
    st.caption(note)
if len(excluded):  # left out of the ranking: named with the reason, never dropped silently
    st.info(
        views.excluded_text(excluded, lang)
        + "  \n"
        + t("excluded_rule", lang, share=f"{ctx.config.screen_min_share * 100:g}"),
        icon=":material/filter_alt_off:",
    )
if no_intervals:  # the analysis cannot run for this build: say why, never drop it silently
    st.info(t("no_intervals", lang, reason=no_intervals), icon=":material/info:")
reason = reports.unavailable(lang)  # the group report as a printable PDF, made on the click
if reason:
    st.caption(reason)
else:
    st.download_button(
        t("download_report", lang),
        data=reports.report_data(ctx, result),
        file_name=reports.report_file_name(ctx),
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        key="report_pdf",
    )


def open_city(adcode: str | None) -> None:
    """A click on a table cell, a bar or the map opens that city's profile."""
    if adcode is not None and adcode in set(table["adcode"]):
        st.session_state["city"] = adcode
        st.switch_page("pages/city.py")


if event and event.selection.get("cells"):
    open_city(table.iloc[event.selection["cells"][0][0]]["adcode"])

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
    # one colour scale for every year of the build: pooled scores compare across years
    span = views.score_span(result, root) if ctx.config.normalise_scope == "pooled" else None
    if geo_url is not None:
        clicked = st.vega_lite_chart(
            spec=vega_charts.choropleth(
                table,
                geo_url,
                value=root,
                name="name",
                label=t("score", lang),
                domain=span,
            ),
            width="stretch",
            key="map",
            on_select="rerun",
            selection_mode=vega_charts.PICK,
        )
        if span is not None and len(ctx.options.years) > 1:
            st.caption(
                t(
                    "map_scale_note",
                    lang,
                    low=f"{span[0]:.1f}",
                    high=f"{span[1]:.1f}",
                    years=views.join_years(ctx.build.years, lang),
                )
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
