"""An unexpected error shows a short message with an error id; the details go to the log.

Regression (hardening round two, §2): unexpected errors showed full tracebacks with server paths.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
SECRET = "/srv/secret/path/views.py"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    st.cache_data.clear()
    monkeypatch.delenv("TVI_RAISE_ERRORS")  # as in production


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_error_shows_only_an_error_id(monkeypatch, caplog, lang):
    import ui.views

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom in {SECRET} see https://evil.example")

    monkeypatch.setattr(ui.views, "ranking_table", broken)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    with caplog.at_level(logging.ERROR, logger="talent_vitality.errors"):
        at.run()
    assert not at.exception
    message = at.error[0].value
    assert ("错误编号" if lang == "zh" else "Error id") in message
    error_id = message.split("：" if lang == "zh" else ": ")[1][:8]
    shown = " ".join(str(e.value) for e in [*at.markdown, *at.error, *at.caption, *at.title])
    assert SECRET not in shown and "evil" not in shown and "Traceback" not in shown
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert error_id in logged
    assert any(r.exc_info for r in caplog.records)  # the traceback is in the server's log
    assert at.sidebar.selectbox, "the sidebar still works: another choice can be made"


def test_streamlit_flow_control_passes_through(monkeypatch):
    """st.switch_page / st.rerun / st.stop are not errors (a row click still opens a city)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/city.py").run()
    assert not at.exception and not at.error and at.title[0].value == "城市画像"


def test_config_hides_error_details():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
