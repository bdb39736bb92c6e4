"""Make ``streamlit.testing.v1.AppTest`` rerun the entry script, as the real server does.

AppTest resets ``PagesManager.uses_pages_directory`` before every run, and because the project
has a ``pages/`` folder, Streamlit's legacy multipage mode would then execute the page file on
its own on every rerun (skipping ``dashboard.py`` and its sidebar). In the server the flag is
cleared by the first ``st.navigation`` call and stays cleared; this patch gives AppTest the same
state. ``ui.context.current`` handles the server's one legacy run (a fresh server's first request
to a deep link). Used by ``tests/conftest.py`` and ``benchmarks/dashboard.py``.
"""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import app_test


class EntryScriptPages(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def patch_apptest() -> None:
    """Install the patch for the rest of the process."""
    app_test.PagesManager = EntryScriptPages
