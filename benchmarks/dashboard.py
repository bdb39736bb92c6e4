"""Dashboard performance: prints JSON lines with measured figures (no pass/fail here).

1. Server-side rerun time of every page (AppTest, after a warm-up run), median of N reruns,
   for the YRD 27 group and for all cities. Targets: <= 0.3 s (27) and <= 1 s (all).
2. With Chromium available: cold start (server launch -> Rankings page with table and every
   chart drawn; fresh and returning browser profile) and the time from a weight-slider change
   to the new ranking shown. Targets: <= 4 s and <= 1 s.
3. With Chromium: navigation in a warm browser to every page (YRD 27 and all cities) until
   its content is drawn, against a bare two-line Streamlit page. Targets: <= 2 s and <= 3 s.

Run: ``python benchmarks/dashboard.py [--runs 5] [--no-browser] [--only reruns|cold|slider|nav]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGES = ("rankings", "city", "compare", "lab", "methodology", "data")


#: ``--level county``: every county of a province (Jiangsu 107 units, Sichuan 186, the largest
#: province), target 1 s (issue 13).
COUNTY_GROUPS = (("江苏省", 1.0), ("四川省", 1.0))


def page_reruns(runs: int, level: str = "city") -> None:
    from streamlit.testing.v1 import AppTest

    from tests.apptest_patch import patch_apptest

    patch_apptest()  # reruns go through dashboard.py, as in the server
    groups = (("yrd27", 0.3), ("all", 1.0)) if level == "city" else COUNTY_GROUPS
    for group, target in groups:
        for page in PAGES:
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
            if level == "county":
                for key, value in (("level", "county"), ("group", "province"), ("prov", group)):
                    at.query_params[key] = value
            else:
                at.query_params["group"] = group
            at.run()
            at.switch_page(f"pages/{page}.py").run()  # warm-up: caches filled
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - start)
            ok = not at.exception
            med = statistics.median(times)
            print(
                json.dumps(
                    {
                        "benchmark": "page_rerun",
                        "page": page,
                        "group": group,
                        "level": level,
                        "runs": runs,
                        "median_s": round(med, 4),
                        "max_s": round(max(times), 4),
                        "target_s": target,
                        "meets_target": ok and med <= target,
                        "exception": None if ok else str(at.exception[0].value)[:200],
                    }
                )
            )


BASELINE_APP = """import pandas as pd
import streamlit as st

st.title("Baseline")
st.dataframe(pd.DataFrame({"rank": range(1, 28), "score": [100.0 - k for k in range(27)]}))
"""


def _cold_start(p, profile: str, app_dir: Path, port: int | None) -> dict:
    """Launch a fresh server, open / (Rankings) in a browser that is already running (as a user's
    would be) and time, from server launch: server healthy, ranking table visible, every chart
    drawn (``CHARTS_DRAWN_JS``) with the script finished."""
    from tests.local_server import CHARTS_DRAWN_JS, launch_server, open_chromium, wait_healthy

    ctx = open_chromium(p, profile)
    page = ctx.new_page()
    start = time.perf_counter()
    proc, url = launch_server(port=port, app_dir=app_dir)
    try:
        wait_healthy(proc, url)
        healthy = time.perf_counter() - start
        page.goto(f"{url}/")  # the address `streamlit run` prints: the Rankings page
        # wait_for_selector/function poll every frame; expect() backs off up to 1 s per poll
        page.wait_for_selector('[data-testid="stDataFrame"]', state="visible", timeout=60_000)
        table = time.perf_counter() - start
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
        )
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000, polling=20)
        drawn = time.perf_counter() - start
    finally:
        ctx.close()
        proc.terminate()
        proc.wait(timeout=20)
    return {"healthy": healthy, "table": table, "drawn": drawn}


def cold_start(runs: int) -> None:
    """Cold server (launched per run), Rankings page at ``/``, target <= 4 s to the first page.

    Measured for the dashboard and, interleaved run by run so both see the same machine load,
    for a baseline: a two-line Streamlit app showing one 27-row table, i.e. what Streamlit
    itself needs on this machine. Two browsers: a fresh profile (nothing cached: Streamlit's
    JavaScript is fetched and compiled) and a returning one (same profile and port as an
    earlier visit, so the browser's HTTP and code caches are warm)."""
    chromium = shutil.which("chromium")
    if not chromium:
        print(json.dumps({"benchmark": "cold_start", "skipped": "chromium not installed"}))
        return
    from playwright.sync_api import sync_playwright

    from tests.local_server import free_port

    baseline_dir = Path(tempfile.mkdtemp())
    (baseline_dir / "dashboard.py").write_text(BASELINE_APP)
    shutil.copytree(ROOT / ".streamlit", baseline_dir / ".streamlit")
    apps = {"dashboard": ROOT, "baseline_streamlit_table": baseline_dir}
    with sync_playwright() as p:
        for browser_kind in ("fresh_profile", "returning_browser"):
            marks: dict[str, list[dict]] = {name: [] for name in apps}
            kept = {name: tempfile.mkdtemp() for name in apps}
            ports = {name: free_port() for name in apps}
            for name, app_dir in apps.items():
                if browser_kind == "returning_browser":  # the earlier visit (untimed)
                    _cold_start(p, kept[name], app_dir, ports[name])
            for _ in range(runs):
                for name, app_dir in apps.items():
                    if browser_kind == "fresh_profile":
                        profile = tempfile.mkdtemp()
                        marks[name].append(_cold_start(p, profile, app_dir, None))
                        shutil.rmtree(profile, ignore_errors=True)
                    else:
                        marks[name].append(_cold_start(p, kept[name], app_dir, ports[name]))
            for name in apps:
                shutil.rmtree(kept[name], ignore_errors=True)
                med = {k: statistics.median(m[k] for m in marks[name]) for k in marks[name][0]}
                print(
                    json.dumps(
                        {
                            "benchmark": "cold_start_to_first_page",
                            "app": name,
                            "browser": browser_kind,
                            "runs": runs,
                            "median_healthy_s": round(med["healthy"], 3),
                            "median_table_s": round(med["table"], 3),
                            "median_all_drawn_s": round(med["drawn"], 3),
                            "all_drawn_s": [round(m["drawn"], 2) for m in marks[name]],
                            "target_s": 4.0,
                            "meets_target": med["drawn"] <= 4.0,
                        }
                    )
                )
    shutil.rmtree(baseline_dir, ignore_errors=True)


def slider(runs: int) -> None:
    """Time from a weight-slider key press on the Lab page to the re-ranked page (warm server)."""
    chromium = shutil.which("chromium")
    if not chromium:
        print(json.dumps({"benchmark": "slider", "skipped": "chromium not installed"}))
        return
    from playwright.sync_api import sync_playwright

    from tests.local_server import launch_server, open_chromium, wait_healthy

    with sync_playwright() as p:
        profile = tempfile.mkdtemp()
        ctx = open_chromium(p, profile)
        page = ctx.new_page()
        proc, url = launch_server()
        try:
            wait_healthy(proc, url)
            for group, target in (("yrd27", 1.0), ("all", 2.0)):
                _slider_runs(page, f"{url}/lab?group={group}", runs, group, target)
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
            proc.terminate()
            proc.wait(timeout=20)


def _slider_runs(page, link: str, runs: int, group: str, target: float) -> None:
    """Key presses on the Lab's first weight slider, each timed until the re-ranked page is
    drawn (script finished)."""
    page.goto(link)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    times = []
    for i in range(runs):
        slider = page.get_by_role("slider").first
        slider.focus()
        t0 = time.perf_counter()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="running"]', timeout=10_000
        )
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
        )
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(
        json.dumps(
            {
                "benchmark": "slider_to_new_ranking",
                "group": group,
                "runs": runs,
                "median_s": round(med, 3),
                "max_s": round(max(times), 3),
                "target_s": target,
                "meets_target": med <= target,
            }
        )
    )


def _shown(page, url: str) -> float:
    """Navigate and time until the page's script has finished and every chart is drawn."""
    from tests.local_server import CHARTS_DRAWN_JS

    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("h1", state="visible", timeout=60_000)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
    )
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=120_000, polling=20)
    return time.perf_counter() - t0


def navigation(runs: int, level: str = "city") -> None:
    """Warm server, warm browser: time from navigating to a page (a link opened in the same
    tab) until its content is shown (title, script finished, every chart drawn), for every page
    and both the YRD 27 and all cities. Interleaved with the same navigation to a bare
    two-line Streamlit page on its own server, so both see the same load. Targets (issue 11):
    <= 2 s (YRD 27) and <= 3 s (all cities)."""
    if not shutil.which("chromium"):
        print(json.dumps({"benchmark": "navigation", "skipped": "chromium not installed"}))
        return
    from playwright.sync_api import sync_playwright

    from tests.local_server import launch_server, open_chromium, wait_healthy

    baseline_dir = Path(tempfile.mkdtemp())
    (baseline_dir / "dashboard.py").write_text(BASELINE_APP)
    shutil.copytree(ROOT / ".streamlit", baseline_dir / ".streamlit")
    with sync_playwright() as p:
        profile = tempfile.mkdtemp()
        ctx = open_chromium(p, profile)
        page = ctx.new_page()
        proc, url = launch_server()
        base_proc, base_url = launch_server(app_dir=baseline_dir)
        try:
            wait_healthy(proc, url)
            wait_healthy(base_proc, base_url)
            if level == "city":
                views = [(g, f"group={g}", t) for g, t in (("yrd27", 2.0), ("all", 3.0))]
            else:  # every county of a province; target 4 s (issue 13)
                views = [
                    (g, f"level=county&group=province&prov={quote(g)}", 4.0)
                    for g, _ in COUNTY_GROUPS
                ]
            for group, query, target in views:
                for name in PAGES:
                    link = f"{url}/{name}?{query}"
                    _shown(page, link)  # warm-up: caches and the browser's code
                    _shown(page, f"{base_url}/")
                    times, base = [], []
                    for _ in range(runs):
                        times.append(_shown(page, link))
                        base.append(_shown(page, f"{base_url}/"))
                    med, bmed = statistics.median(times), statistics.median(base)
                    print(
                        json.dumps(
                            {
                                "benchmark": "navigation_to_content",
                                "level": level,
                                "page": name,
                                "group": group,
                                "runs": runs,
                                "median_s": round(med, 3),
                                "max_s": round(max(times), 3),
                                "baseline_median_s": round(bmed, 3),
                                "ratio": round(med / bmed, 2),
                                "target_s": target,
                                "meets_target": med <= target,
                            }
                        )
                    )
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
            for process in (proc, base_proc):
                process.terminate()
                process.wait(timeout=20)
    shutil.rmtree(baseline_dir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--level",
        choices=("city", "county"),
        default="city",
        help="reruns and navigation of every page at county level (all counties of 江苏省 and "
        "四川省)",
    )
    parser.add_argument("--only", choices=("reruns", "cold", "slider", "nav"), help="one part only")
    ns = parser.parse_args()
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    if ns.only in (None, "reruns"):
        page_reruns(ns.runs, ns.level)
    if not ns.no_browser and ns.only in (None, "cold"):
        cold_start(ns.runs)
    if not ns.no_browser and ns.only in (None, "slider"):
        slider(ns.runs)
    if not ns.no_browser and ns.only in (None, "nav"):
        navigation(ns.runs, ns.level)
