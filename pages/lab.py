"""Weights & method lab: re-weight the dimensions and watch the ranking move against the
default build; run the uncertainty analysis for rank intervals."""

import streamlit as st

from indicators import Config
from ui import chart_export, context, figures, loaders, views
from ui.i18n import t

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year
root = fw.root
dims = list(fw.children(root))
names = views.names_map(ctx.dataset.units, lang)

# 1. Title
st.title(t("page_lab", lang))
st.caption(t("lab_intro", lang))

# 2. Dimension weight sliders (relative weights, 0–5): the shared ``w`` selection, so the
# weights chosen here are the build of every page and download (and of the link, w=D1:5,…)
weights = context.weight_sliders(ctx.options, lambda d: fw.name(d, lang), lang)
if sum(weights.values()) == 0:
    st.warning(t("all_zero_weights", lang))
    st.stop()

# 3. Live re-ranking: the chosen build (every page shows it) against the default build
baseline = loaders.result(ctx.build_with(Config()))  # the default build: Config()
current = loaders.result(ctx.build)
shift = views.rank_shift(baseline, current, year, names)
n = int(shift["after"].notna().sum())
moved = int((shift["after"] != shift["before"]).sum())
st.metric(context.lt("cities_moved", ctx), f"{moved} / {n}")
# a readable chart for any group: the cities that moved most, all of them on request
many = len(shift) > views.TOP_ROWS
show_all = many and st.toggle(context.lt("show_all_cities", ctx, n=n), key="all_shifts")
if many and not show_all:
    st.caption(context.lt("most_moved_note", ctx, k=views.TOP_ROWS))
shift_fig = figures.rank_change(
    shift if show_all else views.most_moved(shift, views.TOP_ROWS),
    name="name",
    before="before",
    after="after",
    before_label=t("default_build", lang),
    after_label=t("your_build", lang),
    n=n,
)
st.plotly_chart(shift_fig, width="stretch", key="shift", config={"displayModeBar": False})
chart_export.export_buttons(
    shift_fig, title=t("chart_shift", lang), key="shift", **chart_export.view(ctx, "rank_shift")
)
st.caption(t("shift_note", lang))

# 4. Effective weights of the current build
with st.expander(t("effective_weights", lang)):
    st.dataframe(views.weights_table(current, fw, lang), hide_index=True, width="stretch")

# 5. Uncertainty analysis
st.subheader(t("uncertainty", lang))
c1, c2 = st.columns(2)
draws = c1.select_slider(t("draws", lang), options=[100, 200, 500, 1000, 2000], value=500)
seed = int(c2.number_input(t("seed", lang), min_value=0, max_value=10**6, value=1, step=1))
with st.spinner(t("computing", lang)):
    ua, no_analysis = loaders.uncertainty_or_reason(current, n=int(draws), seed=seed)
if ua is None:  # e.g. a framework with one indicator: say why, and stop here
    st.info(t("no_intervals", lang, reason=no_analysis), icon=":material/info:")
    st.stop()
ranks = ua.ranks.loc[ua.ranks["year"] == year].copy()
ranks["name"] = ranks["adcode"].map(names).fillna(ranks["adcode"])
many = len(ranks) > views.TOP_ROWS
all_ranks = many and st.toggle(
    context.lt("show_all_cities", ctx, n=len(ranks)), key="all_intervals"
)
if many and not all_ranks:
    st.caption(context.lt("best_ranked_note", ctx, k=views.TOP_ROWS))
    ranks = ranks.nsmallest(views.TOP_ROWS, "nominal_rank")
intervals = figures.rank_intervals(
    ranks,
    name="name",
    nominal="nominal_rank",
    median="median_rank",
    low="p05",
    high="p95",
    n=n,
    labels={
        "median": t("median_rank", lang),
        "nominal": t("nominal_rank", lang),
        "axis": t("rank", lang),
    },
)
st.plotly_chart(intervals, width="stretch", key="intervals", config={"displayModeBar": False})
chart_export.export_buttons(
    intervals,
    title=t("chart_intervals", lang),
    key="intervals",
    **chart_export.view(ctx, "rank_intervals"),
)
st.markdown(f"**{t('variance_share', lang)}**")
st.dataframe(views.variance_share_table(ua.variance_share, lang), hide_index=True, width="stretch")
st.caption(t("uncertainty_note", lang))
