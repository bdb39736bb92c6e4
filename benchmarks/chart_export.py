"""Chart export speed (issue 11, point 4): prints one JSON line per chart type and format.

* Vega-Lite (server, ``vl-convert``): the Rankings page's bar, map and distribution for the
  YRD 27 and for all cities, exactly as a download button makes them
  (``ui.chart_export.vega_image``: spec made self-contained, map boundaries inlined). The
  first call of the process (fonts registered, JavaScript engine started) is reported as
  ``first_s``; ``median_s``/``min_s`` over ``--runs`` warm calls (the button caches its
  result, so a second click costs nothing).
* Plotly (browser), with ``--server URL`` (a running dashboard): click on a chart's PNG or SVG
  button until the download arrives, in Debian's Chromium, for every Plotly chart of the City,
  Compare, Lab and Methodology pages. The first click of a page loads plotly.js (4.8 MB, from
  this server); ``first_s`` is that click, ``median_s`` the following ones.

Run: ``python benchmarks/chart_export.py [--runs N] [--server http://127.0.0.1:8501]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _line(name: str, first: float, times: list[float], size: int) -> None:
    print(
        json.dumps(
            {
                "name": name,
                "first_s": round(first, 3),
                "n_runs": len(times),
                "median_s": round(statistics.median(times), 3) if times else None,
                "min_s": round(min(times), 3) if times else None,
                "size_kb": round(size / 1024),
            }
        ),
        flush=True,
    )


def vega(runs: int) -> None:
    import pandas as pd

    from ui import chart_export, loaders, vega_charts

    dataset = loaders.bundled_dataset()
    units = dataset.units.assign(adcode=dataset.units["adcode"].astype(str))
    texts = {"title": "人才活力指数", "subtitle": "长三角中心区 27 城 · 2020 年", "source": "数据"}
    for group, chosen in (("yrd27", units.loc[units["yrd27"].astype(bool)]), ("all", units)):
        data = pd.DataFrame(
            {
                "adcode": chosen["adcode"].to_numpy(),
                "name": chosen["name_zh"].to_numpy(),
                "score": [float(i % 97) for i in range(len(chosen))],
            }
        )
        url = loaders.group_geo_url(dataset, tuple(chosen["adcode"]))
        specs = {
            "bar": vega_charts.ranking_bar(data, name="name", score="score"),
            "map": vega_charts.choropleth(data, url, value="score", name="name", label="指数"),
            "dist": vega_charts.distribution(data, value="score", name="name", label="指数"),
        }
        for chart, spec in specs.items():
            for fmt in ("svg", "png"):
                start = time.perf_counter()
                out = chart_export.vega_image(spec, fmt, **texts)
                first = time.perf_counter() - start
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    chart_export.vega_image(spec, fmt, **texts)
                    times.append(time.perf_counter() - start)
                _line(f"vega_{chart}_{group}_{fmt}", first, times, len(out))


CHARTS = ("radar", "breakdown", "compare_radar", "compare_scores", "rank_shift")
CHARTS += ("rank_intervals", "framework", "correlations")
PAGES = {
    "city": "city?city=310000",
    "compare": "compare?cities=310000,320500,330100",
    "lab": "lab",
    "methodology": "methodology",
}


def plotly(server: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.local_server import CHARTS_DRAWN_JS, open_chromium

    with sync_playwright() as p:
        context = open_chromium(
            p, tempfile.mkdtemp(), viewport={"width": 1400, "height": 900}, accept_downloads=True
        )
        for page_name, path in PAGES.items():
            page = context.new_page()
            page.goto(f"{server}/{path}")
            page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000
            )
            page.wait_for_function(CHARTS_DRAWN_JS, timeout=90_000, polling=100)
            page.wait_for_timeout(1500)
            for frame in [f for f in page.frames if f.url == "about:srcdoc"]:
                stem = json.loads(frame.evaluate("() => JSON.stringify(OPTS)"))["filename"]
                rest = stem.removeprefix("talent_vitality_")
                chart = max((c for c in CHARTS if rest.startswith(c + "_")), key=len)
                for fmt in ("png", "svg"):
                    clicks = []
                    size = 0
                    for _ in range(runs + 1):
                        start = time.perf_counter()
                        with page.expect_download(timeout=60_000) as info:
                            frame.click(f"button[data-format={fmt}]")
                        path_ = info.value.path()
                        clicks.append(time.perf_counter() - start)
                        size = Path(path_).stat().st_size
                    _line(f"plotly_{page_name}_{chart}_{fmt}", clicks[0], clicks[1:], size)
            page.close()
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server", help="a running dashboard, for the Plotly exports")
    args = parser.parse_args()
    if not args.server:
        vega(args.runs)
    if args.server:
        plotly(args.server.rstrip("/"), args.runs)


if __name__ == "__main__":
    main()
