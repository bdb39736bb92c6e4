"""Entry point of the talent vitality dashboard: ``streamlit run dashboard.py``.

Reads the link parameters once per session, draws the shared selections in the sidebar, keeps
them in the URL, and hands over to the chosen page (``pages/``). Pages read the selections from
``ui.context.current()``.
"""

from __future__ import annotations

import streamlit as st

from ui import context
from ui.i18n import t

st.set_page_config(page_title="人才活力指数 · Talent Vitality", page_icon="🏙️", layout="wide")

ctx = context.setup()  # sidebar + URL sync; never raises on bad links
lang = ctx.lang

PAGES = [
    st.Page(
        "pages/rankings.py",
        title=t("page_rankings", lang),
        icon=":material/leaderboard:",
        url_path="rankings",
        default=True,
    ),
    st.Page(
        "pages/city.py",
        title=t("page_city", lang),
        icon=":material/location_city:",
        url_path="city",
    ),
    st.Page(
        "pages/compare.py",
        title=t("page_compare", lang),
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page("pages/lab.py", title=t("page_lab", lang), icon=":material/tune:", url_path="lab"),
    st.Page(
        "pages/methodology.py",
        title=t("page_methodology", lang),
        icon=":material/menu_book:",
        url_path="methodology",
    ),
    st.Page(
        "pages/data.py", title=t("page_data", lang), icon=":material/table_view:", url_path="data"
    ),
]

page = st.navigation(PAGES, position="sidebar", expanded=True)
page.run()
