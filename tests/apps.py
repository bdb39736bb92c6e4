"""Driving the dashboard in tests: open a page with link parameters, and clear the caches."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page: str | None = None, params: dict | None = None, timeout: int = 60) -> AppTest:
    """The dashboard run once with ``params`` as the link, switched to ``pages/<page>.py``;
    fails the test on any exception element."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fresh_caches():
    """Fixture body: every Streamlit cache cleared before the test (caches persist across
    AppTest instances in one process)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
