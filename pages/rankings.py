"""Rankings: the index (or any dimension or indicator) within the peer group — table with rank
intervals, bar chart, map and distribution — or its change between the censuses; a search box
highlights one city in every table and chart; a click on a city's name (or any cell of its
row), a bar or a map shape opens that city's profile."""

import streamlit as st

from indicators.change import absent_in, scores_comparable
from indicators.methods import label as method_label
from ui import chart_export, context, loaders, reports, vega_charts, views
from ui.i18n import t
from ui.safe import md

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year
root = fw.root
names = views.names_map(ctx.dataset.units, lang)

# 1. Title
st.title(t("page_rankings", lang))
st.caption(
    f"{t('peer_group', lang)}: {context.group_caption(ctx)} · {t('year', lang)}: {year} · "
    f"{method_label('normalise', ctx.config.normalise, lang)} · "
    f"{method_label('weights', ctx.config.weights, lang)} · "
    f"{method_label('aggregate', ctx.config.aggregate, lang)}"
)

# 2. What to rank, which view, which city to find (page selections, kept in the link)
years = ctx.build.years
controls = st.columns([3, 2, 3])
metric = context.choose_one(
    "metric",
    t("metric", lang),
    views.metric_options(fw),
    lambda c: views.metric_label(fw, c, lang),
    lang,
    where=controls[0],
)
view = context.choose_one(
    "view",
    t("view", lang),
    ("year", "change") if len(years) > 1 else ("year",),
    lambda v: (
        t("view_year", lang, year=year)
        if v == "year"
        else t("view_change", lang, a=years[0], b=years[-1])
    ),
    lang,
    where=controls[1],
)
other = views.names_map(ctx.dataset.units, "en" if lang == "zh" else "zh")
found = (
    context.choose_one(
        "find",
        context.lt("find_city", ctx),
        ("", *sorted(ctx.members, key=lambda a: names.get(a, a))),
        lambda a: f"{names.get(a, a)} · {other.get(a, a)} · {a}" if a else t("find_none", lang),
        lang,
        where=controls[2],
    )
    or None
)
is_index = metric == root
label = views.metric_label(fw, metric, lang)

# 3. Data (cached engine calls)
result = loaders.result(ctx.build)
intervals, no_intervals = loaders.rank_intervals(result)
index_table = views.ranking_table(result, fw, ctx.dataset.units, year, lang, intervals)
excluded = views.excluded_units(result, fw, ctx.dataset.units, year, lang)
if index_table.empty or index_table[root].isna().all():
    st.warning(t("no_scores_year", lang))
    st.stop()
table = (
    index_table
    if is_index
    else views.metric_table(result, fw, ctx.dataset.units, year, lang, metric)
)
value = root if is_index else "value"
if found is not None and found not in set(table["adcode"]):
    st.info(t("found_not_ranked", lang, name=names.get(found, found)), icon=":material/search:")


def shaded(frame):
    """The found city's row shaded (a Styler), or the frame as it is."""
    if found is None or found not in set(frame["adcode"]):
        return frame
    return frame.style.apply(
        lambda row: ["background-color: #dbe8f5" if row["adcode"] == found else ""] * len(row),
        axis=1,
    )


def open_city(adcode: str | None) -> None:
    """A click on a table cell, a bar or the map opens that city's profile."""
    if adcode is not None and adcode in set(table["adcode"]):
        st.session_state["city"] = adcode
        st.switch_page("pages/city.py")


def index_columns() -> dict:
    """Column widths so that all the columns fit the main area at 1,280 px with the sidebar open
    (views.TABLE_WIDTH); headers that would not fit are shortened, their full text is in help."""
    dims = list(fw.children(root))
    heads = {
        "rank": t("rank", lang),
        "name": context.lt("city", ctx),
        root: fw.name(root, lang),
        "interval": t("rank_range", lang),
        "coverage": t("coverage_column", lang),
    }
    widths = {key: views.fit_widths([head], views.TABLE_WIDTH)[0] for key, head in heads.items()}
    # county names are longer (苏州工业园区, 鼓楼区（南京市）: repeated names carry their city)
    widths.update(rank=max(44, widths["rank"]), name=136 if ctx.dataset.level == "county" else 96)
    widths[root] = min(max(widths[root], 100), 110)  # room for the bar and its number
    if views.fit_widths([heads[root]], views.TABLE_WIDTH)[0] > widths[root]:
        heads[root] = t("index", lang)  # "Talent vitality index" does not fit: "Index" (+ help)
    widths["interval"] = max(widths["interval"], 80)  # "146–318 ⚠"
    short = views.short_names(fw, dims, lang)
    budget = views.TABLE_WIDTH - sum(widths.values())
    widths.update(zip(dims, views.fit_widths(short, budget), strict=True))
    config = {
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
        config[dim] = st.column_config.NumberColumn(
            head, format="%.1f", width=widths[dim], help=fw.name(dim, lang)
        )
    return config


def metric_columns() -> dict:
    return {
        "rank": st.column_config.NumberColumn(t("rank", lang), format="%d", width=60),
        "name": st.column_config.TextColumn(context.lt("city", ctx), width=160),
        "shown": st.column_config.TextColumn(fw.name(metric, lang), width=220, help=label),
    }


def charts(
    frame, column: str, title: str, *, fmt: str = ".1f", diverging: bool = False, ranked=True
):
    """Bar chart (the top bars and the found city; all of them in a scrolling box on request),
    map and distribution of one column of ``frame``."""
    left, right = st.columns([1, 1])
    with left:
        st.subheader(md(title))  # a framework name may come from an upload
        show_all = len(frame) > vega_charts.TOP_BARS and st.toggle(
            context.lt("show_all_bars", ctx, n=len(frame)), key=f"all_bars_{view}"
        )
        spec = vega_charts.ranking_bar(
            frame,
            name="name",
            score=column,
            x_title=title,
            highlight=found,
            top=None if show_all else vega_charts.TOP_BARS,
            fmt=fmt,
            in_order=ranked,
            scores=not diverging and metric not in fw.indicators,
        )
        box = st.container(height=640) if show_all else st.container()
        with box:
            clicked = st.vega_lite_chart(
                spec=spec,
                width="stretch",
                key=f"bar_{view}",
                on_select="rerun",
                selection_mode=vega_charts.PICK,
            )
        open_city(vega_charts.picked(clicked))
        chart_export.export_buttons(
            spec, title=title, key=f"bar_{view}", **chart_export.view(ctx, f"bar_{metric}")
        )
        if not show_all and len(frame) > vega_charts.TOP_BARS:
            st.caption(context.lt("top_bars_note", ctx, top=vega_charts.TOP_BARS, n=len(frame)))
    with right:
        st.subheader(t("map", lang))
        geo_url = loaders.group_geo_url(ctx.dataset, ctx.members)
        # one colour scale for every year of the build: pooled scores compare across years
        span = None
        if not diverging and (metric in fw.indicators or scores_comparable(result)):
            span = views.score_span(result, metric, raw=metric in fw.indicators)
        if geo_url is not None:
            map_spec = vega_charts.choropleth(
                frame,
                geo_url,
                value=column,
                name="name",
                label=title,
                domain=span,
                highlight=found,
                diverging=diverging,
                fmt=fmt,
            )
            clicked = st.vega_lite_chart(
                spec=map_spec,
                width="stretch",
                key=f"map_{view}",
                on_select="rerun",
                selection_mode=vega_charts.PICK,
            )
            if span is not None and len(years) > 1:
                st.caption(
                    t(
                        "map_scale_raw" if metric in fw.indicators else "map_scale_note",
                        lang,
                        low=f"{span[0]:.1f}",
                        high=f"{span[1]:.1f}",
                        years=views.join_years(years, lang),
                    )
                )
            open_city(vega_charts.picked(clicked))
            chart_export.export_buttons(
                map_spec,
                title=chart_export.text("chart_of", lang, name=title, chart=t("map", lang)),
                key=f"map_{view}",
                **chart_export.view(ctx, f"map_{metric}"),
            )
            unmapped = loaders.without_boundary(ctx.dataset, ctx.members)
            if unmapped:  # e.g. an upload with some ids that are not bundled adcodes
                st.caption(t("map_partial", lang, n=unmapped))
        else:
            st.info(t("no_geo", lang))
        st.subheader(t("distribution", lang))
        dist_spec = vega_charts.distribution(
            frame, value=column, name="name", label=title, highlight=found, fmt=fmt
        )
        st.vega_lite_chart(spec=dist_spec, width="stretch", key=f"dist_{view}")
        chart_export.export_buttons(
            dist_spec,
            title=chart_export.text("chart_of", lang, name=title, chart=t("distribution", lang)),
            key=f"dist_{view}",
            **chart_export.view(ctx, f"distribution_{metric}"),
        )


# 4. The ranking of the year, or the change between the censuses
if view == "year":
    config = index_columns() if is_index else metric_columns()
    event = st.dataframe(
        shaded(table),
        hide_index=True,
        column_config=config,
        column_order=[c for c in config if c in table.columns],
        on_select="rerun",
        selection_mode="single-cell",
        key="ranking_table",
        height=min(35 * len(table) + 38, 740),
    )
    notes = [context.lt("ranking_click_note", ctx)]
    if is_index and "wide" in table and table["wide"].any():
        notes.append(context.lt("wide_note", ctx))
    if is_index and table["flagged"].any():
        notes.append(context.lt("flagged_note", ctx))
    for note in notes:
        st.caption(note)
    if event and event.selection.get("cells"):
        open_city(table.iloc[event.selection["cells"][0][0]]["adcode"])
else:
    change = views.change_view(result, fw, ctx.dataset.units, lang, metric)
    comparable = scores_comparable(result)
    heads = {
        "rank_last": t("rank_in", lang, year=years[-1]),
        "name": context.lt("city", ctx),
        "move": t("rank_move", lang, a=years[0], b=years[-1]),
        "rank_first": t("rank_in", lang, year=years[0]),
        "score_first": t("score_in", lang, year=years[0]),
        "score_last": t("score_in", lang, year=years[-1]),
        "delta": t("score_change", lang),
    }
    config = {
        "rank_last": st.column_config.NumberColumn(heads["rank_last"], format="%d"),
        "name": st.column_config.TextColumn(heads["name"]),
        "move": st.column_config.TextColumn(heads["move"], alignment="right"),
        "rank_first": st.column_config.NumberColumn(heads["rank_first"], format="%d"),
        "score_first": st.column_config.NumberColumn(heads["score_first"], format="%.1f"),
        "score_last": st.column_config.NumberColumn(heads["score_last"], format="%.1f"),
        "delta": st.column_config.TextColumn(heads["delta"], alignment="right"),
    }
    if not comparable:  # per-year scores: the score columns would invite a wrong comparison
        for key in ("score_first", "score_last", "delta"):
            config.pop(key)
    event = st.dataframe(
        shaded(change),
        hide_index=True,
        column_config=config,
        column_order=list(config),
        on_select="rerun",
        selection_mode="single-cell",
        key="change_table",
        height=min(35 * len(change) + 38, 740),
    )
    if event and event.selection.get("cells"):
        open_city(change.iloc[event.selection["cells"][0][0]]["adcode"])
    absent = [fw.name(c, lang) for c in absent_in(result, years[0])]
    st.caption(
        t("change_view_note", lang, a=years[0], b=years[-1])
        + (
            " " + t("change_absent", lang, year=years[0], absent="、".join(absent))
            if absent
            else ""
        )
        + ("" if comparable else " " + t("change_per_year", lang))
    )
    if comparable:
        st.subheader(t("dumbbell", lang, a=years[0], b=years[-1]))
        many = len(change) > 40  # about one screen of rows: more scroll inside a box
        dumbbell = vega_charts.dumbbell(
            change,
            name="name",
            first="score_first",
            last="score_last",
            labels=(str(years[0]), str(years[-1])),
            x_title=fw.name(metric, lang),
            highlight=found,
        )
        with st.container(height=480) if many else st.container():
            st.vega_lite_chart(spec=dumbbell, width="stretch", key="dumbbell")
        chart_export.export_buttons(
            dumbbell,
            title=chart_export.text(
                "chart_of", lang, name=fw.name(metric, lang), chart=f"{years[0]}–{years[-1]}"
            ),
            key="dumbbell",
            **chart_export.view(ctx, f"change_{metric}"),
        )

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

# 5. Charts of the year's values, or of the changes (a change map centred on zero)
if view == "year":
    fmt = f".{views.value_digits(table[value])}f" if metric in fw.indicators else ".1f"
    charts(table, value, fw.name(metric, lang), fmt=fmt)
else:
    column = "score_change" if scores_comparable(result) else "rank_change"
    title = t("score_change" if column == "score_change" else "rank_change_places", lang)
    charts(change, column, title, diverging=True, ranked=False)
st.caption(t("source_note", lang))
