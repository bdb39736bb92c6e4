"""Compare: two to six cities side by side — radar of dimensions, indicator table with
differences, indicator scores as grouped bars."""

import streamlit as st

from ui import chart_export, context, figures, loaders, views
from ui.i18n import t
from ui.safe import md

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year
root = fw.root
names = views.names_map(ctx.dataset.units, lang)
MAX_CITIES = len(figures.PALETTE)  # six: one distinct colour-blind-safe colour each

# 1. Title and choice of cities
st.title(context.lt("page_compare", ctx))
result = loaders.result(ctx.build)
scores = views.year_scores(result, year)
ordered = tuple(scores.sort_values("rank")["adcode"])
chosen = context.choose_many(
    "cities",
    context.lt("choose_cities", ctx),
    tuple(sorted(ctx.members, key=lambda a: names.get(a, a))),
    default=list(ordered[:3]),
    format_func=lambda a: names.get(a, a),
    lang=lang,
    max_selections=MAX_CITIES,
)
if len(chosen) < 2:
    st.info(context.lt("choose_two", ctx))
    st.stop()

# 2. Radar of the five dimensions
dims = list(fw.children(root))
indexed = scores.set_index("adcode")
st.subheader(t("dimensions", lang))
radar = figures.radar(
    {names.get(a, a): indexed.loc[a, dims] for a in chosen},
    axis_labels=[fw.name(d, lang) for d in dims],
    radial_title=t("radial_score", lang),
)
st.plotly_chart(radar, width="stretch", key="radar", config={"displayModeBar": False})
chart_export.export_buttons(
    radar, title=t("dimensions", lang), key="radar", **chart_export.view(ctx, "compare_radar")
)

# 3. Indicator table with differences to the first city
st.subheader(t("indicator_table", lang))
table = views.compare_table(result, fw, chosen, year, names, lang)
# Values and differences in two tabs: all 13 columns of six cities do not fit 1,280 px.
cities = [names.get(a, a) for a in chosen]
fixed = [t("indicator", lang), t("unit", lang)]
# fixed widths that add up to less than the table's width at 1,280 px with the sidebar open
# (818 px): 210 + 85 + 6 × 85 = 805
columns = {
    t("indicator", lang): st.column_config.TextColumn(width=210),
    t("unit", lang): st.column_config.TextColumn(width=85),
    **{c: st.column_config.Column(width=85) for c in table.columns[2:]},
}
values_tab, delta_tab = st.tabs([t("values_tab", lang), t("delta_tab", lang, city=cities[0])])
height = views.table_height(len(table))  # every indicator shows: no scrolling box
with values_tab:
    st.dataframe(
        views.shown(table[fixed + cities]),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=columns,
    )
with delta_tab:
    deltas = [c for c in table.columns if c.startswith("Δ ")]
    st.dataframe(
        views.shown(table[fixed + deltas]),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=columns,
    )
    st.caption(t("compare_note", lang, city=cities[0]))
notes = views.missing_notes(result, fw, chosen, year, names, lang, ctx.dataset.notes)
if notes:  # a "—" in the table: say why (names may come from an upload: escaped)
    st.caption(t("missing_dash_note", lang) + " " + t("list_sep", lang).join(map(md, notes)))

# 4. Indicator scores side by side (0–100, higher = better after direction)
st.subheader(t("scores_by_indicator", lang))
long = views.compare_scores_long(result, fw, chosen, year, names, lang)
bars = figures.bar_compare(
    long,
    x="indicator",
    y="score",
    color="city",
    x_title=t("score", lang),
    y_title=t("indicator", lang),
)
st.plotly_chart(bars, width="stretch", key="scores", config={"displayModeBar": False})
chart_export.export_buttons(
    bars,
    title=t("scores_by_indicator", lang),
    key="scores",
    **chart_export.view(ctx, "compare_scores"),
)
st.caption(t("source_note", lang))
