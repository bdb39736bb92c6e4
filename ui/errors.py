"""An unexpected error: a short message with an error id on the page, the details in the log.

The app should never fail, but if it does the visitor must not see a traceback with server paths
(nor links inside an exception text). :func:`guarded` runs a page; on an exception it logs the
traceback under a random id on the server and shows only that id, in the page's language, so a
user can report it and an operator can find it. Streamlit's own flow control (``st.stop``,
``st.rerun``, ``st.switch_page``) raises ``BaseException`` subclasses that pass through.
``client.showErrorDetails = "none"`` in ``.streamlit/config.toml`` covers anything outside.

For the tests, ``TVI_RAISE_ERRORS=1`` re-raises after logging, so an unexpected error still fails
them as an exception element instead of hiding behind the friendly message.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable

import streamlit as st

LOG = logging.getLogger("talent_vitality.errors")


def guarded(run: Callable[[], None]) -> None:
    """Run ``run`` (a page); show an error id instead of any unexpected exception."""
    try:
        run()
    except Exception:
        error_id = secrets.token_hex(4)
        LOG.exception("unexpected error %s", error_id)
        if os.environ.get("TVI_RAISE_ERRORS") == "1":
            raise
        from ui.i18n import t

        lang = st.session_state.get("lang") or "zh"
        st.error(t("unexpected_error", lang if lang in ("zh", "en") else "zh", id=error_id))
