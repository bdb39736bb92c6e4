"""City profile: why a city ranks where it does — dimensions against the group median, score
breakdown, strengths and weaknesses, 2010 → 2020 change, nearest peers and what-if."""

import pandas as pd
import streamlit as st

from ui import chart_export, context, figures, loaders, reports, views
from ui.i18n import fmt_number, fmt_rank, t
from ui.safe import md

ctx = context.current()
lang, fw, year, units = ctx.lang, ctx.dataset.framework, ctx.year, ctx.dataset.units
root = fw.root
names = views.names_map(units, lang)

# 1. Title and city choice
st.title(context.lt("page_city", ctx))
choices = tuple(sorted(ctx.members, key=lambda a: names.get(a, a)))
adcode = context.choose_one(
    "city", context.lt("city", ctx), choices, lambda a: names.get(a, a), lang
)

# 2. Data
result = loaders.result(ctx.build)
scores = views.year_scores(result, year).set_index("adcode")
n = int(scores[root].notna().sum())
intervals, no_intervals = loaders.rank_intervals(result)
screen = views.screening_of(result, adcode, year)
status = screen["screening"] if screen else "ranked"
excluded = status == "excluded"


def columns_config(labels: dict[str, str], helps: dict[str, str], right: tuple = ()) -> dict:
    """st.dataframe column_config: labels, header help texts, numbers aligned right."""
    return {
        key: st.column_config.Column(
            label, help=helps.get(key), alignment="right" if key in right else None
        )
        for key, label in labels.items()
    }


def as_markdown(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell and header escaped with ``md``: ``st.table`` renders Markdown in its
    cells, and names, units and reasons may come from an uploaded file."""
    out = frame.map(lambda v: v if pd.isna(v) else md(v))
    out.columns = [md(c) for c in out.columns]
    return out


# 3. Headline: screening first (an unranked city must not look ranked), then the numbers
# the name in the page's language only (the other language's name is in the other interface)
st.header(md(names.get(adcode, adcode)), anchor=False)
# one row of actions: the drill-down between the levels and the printable one-page brief
drill, brief = st.columns(2)
context.drill_links(ctx, adcode, where=drill)  # 查看下辖区县排名 / 返回所属城市
coverage = (
    t("coverage_value", lang).format(present=screen["present"], total=screen["total"])
    if screen
    else ""
)
banner = views.screening_banner(
    screen, names.get(adcode, adcode), year, fw, lang, ctx.build.config.screen_min_share
)
if banner is not None:
    st.warning(banner[1], icon=":material/block:" if excluded else ":material/warning:")
if coverage:
    st.caption(t("coverage_line", lang, coverage=coverage, year=year))
c1, c2, c3 = st.columns(3)
if excluded:  # no score and no rank metric that would pretend otherwise
    c1.metric(md(fw.name(root, lang)), "—")
    c2.metric(t("rank", lang), t("not_ranked", lang))
else:
    c1.metric(md(fw.name(root, lang)), fmt_number(scores.at[adcode, root], lang))
    c2.metric(t("rank", lang), fmt_rank(scores.at[adcode, "rank"], n, lang))
wide = False
if not excluded:
    if no_intervals:
        c3.caption(t("no_intervals", lang, reason=no_intervals))
    if intervals is not None:
        iv = intervals.loc[(intervals["adcode"] == adcode) & (intervals["year"] == year)]
        if len(iv) and pd.notna(iv["p05"].iloc[0]):
            wide = bool(iv["wide"].iloc[0]) if "wide" in iv.columns else False
            c3.metric(
                t("rank_interval", lang),
                f"{iv['p05'].iloc[0]:.0f} – {iv['p95'].iloc[0]:.0f}",
                delta=t("wide_interval", lang) if wide else None,
                delta_color="orange" if wide else "normal",
                delta_arrow="off" if wide else "auto",
            )
if wide:
    st.caption(context.lt("wide_interval_note", ctx))

# 3b. In plain words (every sentence from the result), and the printable one-page brief
group = context.group_name(ctx.dataset, ctx.selections, lang)
if not excluded:  # an excluded unit's banner above already says why it is not ranked
    noun = context.unit_noun(ctx, lang)
    summary = loaders.city_summary(result, adcode, year, lang, group, intervals, noun)
    st.markdown(md(summary))
reason = reports.unavailable(lang)
if reason:
    brief.caption(reason)
else:
    brief.download_button(
        context.lt("download_brief", ctx),
        data=reports.brief_data(ctx, result, adcode),
        file_name=reports.brief_file_name(ctx, adcode),
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        key="brief_pdf",
    )

profile = views.indicator_profile(result, fw, adcode, year, lang, ctx.dataset.notes)
profile_config = columns_config(
    views.profile_columns(lang),
    views.profile_help(lang),
    right=("value", "score", "rank", "group_median_raw"),
)
if excluded:  # nothing to analyse: show the data it has and why the rest is missing
    st.subheader(t("profile_not_ranked_title", lang))
    has = views.profile_display(profile, lang)[["indicator", "value", "group_median_raw", "note"]]
    # a static table: the reasons wrap instead of being cut (no score or rank to show)
    st.table(
        as_markdown(has.rename(columns=views.profile_columns(lang))),
        hide_index=True,
        border="horizontal",
    )
    st.caption(t("source_note", lang))
    st.stop()

# 4. Radar against the group median, and the score breakdown
dims = list(fw.children(root))
left, right = st.columns(2)
with left:
    st.subheader(t("dimensions_vs_median", lang))
    radar = figures.radar(
        {
            names.get(adcode, adcode): scores.loc[adcode, dims],
            t("group_median", lang): scores[dims].median(),
        },
        axis_labels=[fw.name(d, lang) for d in dims],
        reference=t("group_median", lang),
    )
    st.plotly_chart(radar, width="stretch", key="radar", config={"displayModeBar": False})
    chart_export.export_buttons(
        radar,
        title=chart_export.text(
            "chart_of",
            lang,
            name=names.get(adcode, adcode),
            chart=t("dimensions_vs_median", lang),
        ),
        key="radar",
        **chart_export.view(ctx, "radar"),
    )
with right:
    st.subheader(t("breakdown", lang))
    breakdown = views.contributions(result, fw, adcode, year, lang)
    if breakdown is None:
        st.info(t("breakdown_not_additive", lang))
    else:
        parts = figures.contributions(
            breakdown,
            dimension="dimension",
            indicator="indicator",
            points="points",
            x_title=t("points", lang),
        )
        st.plotly_chart(
            parts,
            width="stretch",
            key="breakdown",
            config={"displayModeBar": False},
        )
        chart_export.export_buttons(
            parts,
            title=chart_export.text(
                "chart_of", lang, name=names.get(adcode, adcode), chart=t("breakdown", lang)
            ),
            key="breakdown",
            **chart_export.view(ctx, "breakdown"),
        )
        st.caption(t("breakdown_note", lang))

# 5. Strengths and weaknesses
st.subheader(t("strengths_weaknesses", lang))
sw = loaders.strengths_weaknesses(result, adcode, year, k=3)
# one above the other: side by side, half a page cannot hold the long indicator names
for kind, title in (("strength", "strengths"), ("weakness", "weaknesses")):
    st.markdown(f"**{t(title, lang)}**")
    st.dataframe(
        views.strengths_table(sw, profile, kind, lang),
        hide_index=True,
        width="stretch",
        column_config=profile_config,
    )

with st.expander(t("all_indicators", lang)):
    st.dataframe(
        views.profile_display(profile, lang),
        hide_index=True,
        width="stretch",
        column_config=profile_config,
    )

# 6. 2010 -> 2020
years = sorted(int(y) for y in result.scores["year"].unique())
if len(years) > 1:
    st.subheader(t("change_title", lang, a=years[0], b=years[-1]))
    change = views.change_table(result, fw, adcode, years[0], years[-1], lang)
    st.dataframe(
        change,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.Column(alignment="right") for c in change.columns[1:]},
    )
    absent = views.absent_indicators(result, fw, years[0], lang)
    st.caption(
        t("change_note", lang, year=years[0], absent=absent or "—")
        + " "
        + t("change_sign_note", lang)
    )

# 7. Nearest peers
st.subheader(context.lt("nearest_peers", ctx))
peers = loaders.nearest_peers(result, adcode, year, k=5)
peer_table = views.peers_table(peers, names, lang, context.lt("city", ctx))
st.dataframe(
    peer_table,
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.Column(alignment="right") for c in peer_table.columns[1:]},
)
st.caption(context.lt("peers_note", ctx))

# 8. What would it take
st.subheader(t("what_if", lang))
places = st.number_input(
    t("places_up", lang), min_value=1, max_value=max(1, n - 1), value=1, step=1
)
current_rank = scores.at[adcode, "rank"]
if pd.isna(current_rank):  # no index for this unit and year (its data are missing)
    st.info(context.lt("no_index_city", ctx))
elif current_rank == 1:
    st.info(context.lt("already_first", ctx))
elif st.toggle(t("compute_what_if", lang), key="what_if_on"):
    with st.spinner(t("computing", lang)):
        wit = loaders.what_it_takes(result, adcode, year, int(places))
    # a static table: its cells wrap, so seven columns with units fit at 1,280 px without
    # scrolling sideways (an interactive grid cuts long cells instead)
    st.table(as_markdown(views.what_if_table(wit, fw, lang)), hide_index=True, border="horizontal")
    st.caption(context.lt("what_if_caption", ctx))
st.caption(t("source_note", lang))
