"""Methodology: the framework tree, definitions and sources, formulas, statistical audit and
data coverage. Long text lives in docs/methodology_{zh,en}.md; names come from the framework."""

from pathlib import Path

import streamlit as st

from ui import context, figures, loaders, views
from ui.i18n import t

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year

# 1. Title
st.title(t("page_methodology", lang))
result = loaders.result(ctx.build)

# 2. The framework
st.subheader(t("framework_tree", lang))
tree = views.framework_table(result, fw, lang)
left, right = st.columns([1, 1])
with left:
    st.plotly_chart(
        figures.sunburst(tree, labels="label", weight="effective"),
        width="stretch",
        key="sunburst",
        config={"displayModeBar": False},
    )
    st.caption(t("sunburst_note", lang))
with right:
    # Framework text may come from a user's upload: shown in a table, never as Markdown/HTML.
    st.dataframe(views.definitions_table(fw, lang), hide_index=True, width="stretch", height=520)

# 3. Method and formulas (our own text, rendered as Markdown)
st.subheader(t("method_text", lang))
doc = Path(__file__).resolve().parents[1] / "docs" / f"methodology_{lang}.md"
st.markdown(doc.read_text(encoding="utf-8"))

# 4. Statistical audit of the current group and year
st.subheader(t("audit", lang))
audit = loaders.audit(result, year)
st.plotly_chart(
    figures.heatmap(
        views.labelled_matrix(audit["correlations"], fw, lang), title=t("correlations_title", lang)
    ),
    width="stretch",
    key="corr",
    config={"displayModeBar": False},
)
a_col, p_col = st.columns(2)
with a_col:
    st.markdown(f"**{t('cronbach', lang)}**")
    st.dataframe(views.alpha_table(audit["alpha"], fw, lang), hide_index=True, width="stretch")
with p_col:
    st.markdown(f"**{t('pca', lang)}**")
    st.dataframe(views.pca_table(audit["pca"], lang), hide_index=True, width="stretch")
st.caption(t("audit_note", lang))

# 5. Data coverage
st.subheader(t("coverage", lang))
st.dataframe(
    views.coverage_table(result, fw, lang, ctx.dataset.notes), hide_index=True, width="stretch"
)
st.caption(t("coverage_note", lang))
