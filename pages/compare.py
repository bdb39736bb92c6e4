"""Compare: two to six cities side by side — radar of dimensions, indicator table with
differences, indicator scores as grouped bars."""

import streamlit as st

from ui import context, figures, loaders, views
from ui.i18n import t

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year
root = fw.root
names = views.names_map(ctx.dataset.units, lang)

# 1. Title and choice of cities
st.title(t("page_compare", lang))
result = loaders.result(ctx.build)
scores = views.year_scores(result, year)
ordered = tuple(scores.sort_values("rank")["adcode"])
chosen = context.choose_many(
    "cities",
    t("choose_cities", lang),
    tuple(sorted(ctx.members, key=lambda a: names.get(a, a))),
    default=list(ordered[:3]),
    format_func=lambda a: names.get(a, a),
    lang=lang,
    max_selections=6,
)
if len(chosen) < 2:
    st.info(t("choose_two", lang))
    st.stop()

# 2. Radar of the five dimensions
dims = list(fw.children(root))
indexed = scores.set_index("adcode")
st.subheader(t("dimensions", lang))
st.plotly_chart(
    figures.radar(
        {names.get(a, a): indexed.loc[a, dims] for a in chosen},
        axis_labels=[fw.name(d, lang) for d in dims],
    ),
    width="stretch",
    key="radar",
    config={"displayModeBar": False},
)

# 3. Indicator table with differences to the first city
st.subheader(t("indicator_table", lang))
table = views.compare_table(result, fw, chosen, year, names, lang)
st.dataframe(table, hide_index=True, width="stretch")
st.caption(t("compare_note", lang, city=names.get(chosen[0], chosen[0])))

# 4. Indicator scores side by side (0–100, higher = better after direction)
st.subheader(t("scores_by_indicator", lang))
long = views.compare_scores_long(result, fw, chosen, year, names, lang)
st.plotly_chart(
    figures.bar_compare(long, x="indicator", y="score", color="city", x_title=t("score", lang)),
    width="stretch",
    key="scores",
    config={"displayModeBar": False},
)
st.caption(t("source_note", lang))
