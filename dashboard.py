"""Entry point of the talent vitality dashboard: ``streamlit run dashboard.py``.

Each visit runs this file as a script (``__name__ == "__main__"``): :func:`main` reads the link
parameters once per session, draws the shared selections in the sidebar, keeps them in the URL
and hands over to the chosen page (``pages/``). Pages read the selections from
``ui.context.current()``.

``streamlit run`` also finds the ``app`` object at the bottom (an ``st.App``: Streamlit imports
this file once as a module to get it) and serves the dashboard through it. Its lifespan hook
(``ui.warmup``) prepares the default Rankings page while the first browser is still loading.
"""

from __future__ import annotations

import streamlit as st

# (page file in pages/, sidebar icon, URL path); the first is the default page, served at "/"
# (its own path "home" is only reserved: see the alias below).
PAGES = (
    ("rankings", ":material/leaderboard:", "home"),
    ("city", ":material/location_city:", "city"),
    ("compare", ":material/compare_arrows:", "compare"),
    ("lab", ":material/tune:", "lab"),
    ("methodology", ":material/menu_book:", "methodology"),
    ("data", ":material/table_view:", "data"),
)


def main() -> None:
    """One run of the app: sidebar, link sync, then the chosen page."""
    from ui import context
    from ui.i18n import t

    st.set_page_config(page_title="人才活力指数 · Talent Vitality", page_icon="🏙️", layout="wide")

    ctx = context.setup()  # sidebar + URL sync; never raises on bad links
    lang = ctx.lang

    pages = [
        st.Page(
            f"pages/{name}.py",
            title=context.lt(f"page_{name}", ctx),
            icon=icon,
            url_path=path,
            default=k == 0,
        )
        for k, (name, icon, path) in enumerate(PAGES)
    ]
    # Streamlit serves the default page at "/" only: a link to /rankings would open it with a
    # "Page not found" notice. This hidden alias forwards such links to "/"; the selections in
    # the link survive (ui.context reads them on the session's first run).
    rankings = pages[0]
    pages.append(
        st.Page(
            lambda: st.switch_page(rankings),
            title=t("page_rankings", lang),
            url_path="rankings",
            visibility="hidden",
        )
    )

    page = st.navigation(pages, position="sidebar", expanded=True)
    page.run()


if __name__ == "__main__":  # a visit (or AppTest) runs the script
    from ui.errors import guarded

    guarded(main)  # an unexpected error shows an error id, never a traceback
else:  # `streamlit run` imports the module to find the server object
    from ui.warmup import lifespan

    app = st.App("dashboard.py", lifespan=lifespan)
