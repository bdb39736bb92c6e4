"""Server start-up: prepare the first page before the first visitor's browser asks for it.

``dashboard.py`` hands :func:`lifespan` to ``st.App``; Streamlit runs it once its server has
started. Without a warm-up the first visit pays for everything on its first script run:
importing pandas and the engine, reading the bundled tables, the default ranking and its rank
intervals (~1 s on the 2-core machine). The warm-up runs in a background thread, so the server
answers at once and the work overlaps with the browser loading Streamlit's JavaScript (~1 s).
Starting it earlier, while Streamlit itself starts, was measured slower: the two compete for
the interpreter and the server became ready ~0.6 s later.

It also switches Streamlit's legacy ``pages/`` mode off before the first session (see
:func:`leave_legacy_pages_mode`).

The caches filled here are the ones the pages use (``st.cache_resource``/``st.cache_data`` in
``ui.loaders``); results stay the same, only earlier. A failure is logged and ignored: the page
then computes, and reports, as it would have without the warm-up.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager

LOG = logging.getLogger("talent_vitality.warmup")


def prepare() -> None:
    """Step 1: import pandas, the engine and the views; read the bundled tables."""
    from ui import context, loaders, vega_charts, views  # noqa: F401  (imports are the point)

    loaders.bundled_dataset()


def warm() -> None:
    """Step 2: the default Rankings view (result, rank intervals, the map's boundary file).

    Runs once the server is up: ``st.cache_resource`` keeps its entries in the running server's
    cache storage, so entries made before would not be found by the pages."""
    from ui import loaders

    dataset = loaders.bundled_dataset()
    options = loaders.options_for(dataset)
    selections = options.default_selections()
    members = loaders.members_for(dataset, selections)
    result = loaders.result(loaders.build(dataset, members, loaders.config_for(selections)))
    loaders.rank_intervals(result)
    loaders.group_geo_url(dataset, members)
    # the county table and its groups (0.2 s): every city profile asks whether it can drill down
    loaders.options_for(loaders.bundled_dataset("county"))


def _logged(step) -> bool:
    start = time.perf_counter()
    try:
        step()
    except Exception:  # never take the server down: the page will compute and report itself
        LOG.exception("warm-up step %s failed; the first visit computes it itself", step.__name__)
        return False
    LOG.info("warm-up step %s done in %.2f s", step.__name__, time.perf_counter() - start)
    return True


def _warm_all() -> None:
    if _logged(prepare):
        _logged(warm)


def leave_legacy_pages_mode() -> None:
    """Tell Streamlit now that this app navigates with ``st.navigation``.

    Streamlit guesses "legacy ``pages/`` mode" from the folder when the first session starts,
    runs the page file without ``dashboard.py`` and ``ui.context.current`` has to rerun (0.25–
    0.35 s on the first visit). The flag is process-wide; with the hidden ``/rankings`` alias
    in ``dashboard.py`` every deep link resolves without the legacy page list."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


@asynccontextmanager
async def lifespan(_app):
    """``st.App`` lifespan hook: start the warm-up thread and serve at once."""
    leave_legacy_pages_mode()
    threading.Thread(target=_warm_all, name="warm-up", daemon=True).start()
    yield
