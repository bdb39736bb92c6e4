"""Methodology: the framework tree, definitions and sources, formulas, statistical audit and
data coverage. Long text lives in docs/methodology_{zh,en}.md; names come from the framework."""

from pathlib import Path

import streamlit as st

from ui import chart_export, context, figures, loaders, views
from ui.i18n import t

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year

# 1. Title
st.title(t("page_methodology", lang))
result = loaders.result(ctx.build)

# 2. The framework
st.subheader(t("framework_tree", lang))
tree = views.framework_table(result, fw, lang)
# The sunburst beside a short table, the full definitions below at the page's width (side by
# side, the definitions were cut off at 1,280 px).
left, right = st.columns([3, 2])
with left:
    sunburst = figures.sunburst(tree, labels="label", weight="effective")
    st.plotly_chart(sunburst, width="stretch", key="sunburst", config={"displayModeBar": False})
    chart_export.export_buttons(
        sunburst,
        title=t("framework_tree", lang),
        key="sunburst",
        **chart_export.view(ctx, "framework"),
    )
    st.caption(t("sunburst_note", lang))
with right:
    # the upper levels with their effective weights (the indicators are in the table below)
    weights = views.weights_table(result, fw, lang)
    upper = weights.loc[weights[t("level", lang)] > 1].drop(columns=[t("level", lang)])
    st.dataframe(
        views.shown(upper),
        hide_index=True,
        width="stretch",
        height=views.table_height(len(upper)),
        # 150 + 2 × 80 px: fits the column beside the sunburst at 1,280 px (318 px)
        column_config={
            t("component", lang): st.column_config.TextColumn(width=150),
            t("weight_in_parent", lang): st.column_config.Column(width=80),
            t("effective_weight", lang): st.column_config.Column(width=80),
        },
    )
# The definitions at the page's width, as a static table that wraps its text (in a scrolling
# grid beside the sunburst they were cut off at 1,280 px). st.table reads Markdown in cells, and
# framework text may come from a user's upload: every cell is escaped (views.escaped).
# Long reference sections fold away, so the page stays within about three screens.
definitions = views.definitions_table(fw, lang)
with st.expander(t("definitions_title", lang, n=len(definitions)), icon=":material/menu_book:"):
    st.table(views.escaped(definitions), hide_index=True)

# 3. Method and formulas (our own text, rendered as Markdown)
st.subheader(t("method_text", lang))
doc = Path(__file__).resolve().parents[1] / "docs" / f"methodology_{lang}.md"
text = doc.read_text(encoding="utf-8")
lead, _, rest = text.partition("\n\n")  # the first paragraph shown, the rest on request
st.markdown(lead)
with st.expander(t("method_more", lang), icon=":material/functions:"):
    st.markdown(rest)

# 4. Statistical audit of the current group and year
st.subheader(t("audit", lang))
audit = loaders.audit(result, year)
heat = figures.heatmap(
    views.labelled_matrix(audit["correlations"], fw, lang), title=t("correlations_title", lang)
)
st.plotly_chart(heat, width="stretch", key="corr", config={"displayModeBar": False})
chart_export.export_buttons(
    heat,
    title=t("correlations_title", lang),
    key="corr",
    width=1300,  # 19 long indicator names on both axes
    **chart_export.view(ctx, "correlations"),
)
a_col, p_col = st.columns([3, 2])
with a_col:
    st.markdown(f"**{t('cronbach', lang)}**")
    st.dataframe(
        views.shown(views.alpha_table(audit["alpha"], fw, lang)), hide_index=True, width="stretch"
    )
with p_col:
    st.markdown(f"**{t('pca', lang)}**")
    pca = views.pca_table(audit["pca"], lang)
    shown_rows = min(len(pca), 8)  # the first components; the rest scroll (and are said)
    st.dataframe(
        views.shown(pca), hide_index=True, width="stretch", height=views.table_height(shown_rows)
    )
    if len(pca) > shown_rows:
        st.caption(t("rows_scroll", lang, shown=shown_rows, n=len(pca)))
st.caption(t("audit_note", lang))
# Weak statistics in plain words: what a low alpha means for reading that dimension.
for note in views.alpha_warnings(audit["alpha"], fw, lang):
    st.warning(note, icon=":material/warning:")

# 5. Data coverage
st.subheader(t("coverage", lang))
# a static table: the reasons wrap instead of being cut off at the grid's edge
coverage = views.coverage_table(result, fw, lang, ctx.dataset.notes)
with st.expander(t("coverage_title", lang, n=len(coverage)), icon=":material/table_rows:"):
    st.table(views.escaped(coverage), hide_index=True)
st.caption(t("coverage_note", lang))
