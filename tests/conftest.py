"""Shared test set-up."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _apptest_runs_the_entry_script(monkeypatch):
    """See ``tests/apptest_patch.py``: AppTest reruns go through ``dashboard.py``."""
    from streamlit.testing.v1 import app_test

    from tests.apptest_patch import EntryScriptPages

    monkeypatch.setattr(app_test, "PagesManager", EntryScriptPages)
