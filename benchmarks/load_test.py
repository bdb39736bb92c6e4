"""Load test: N concurrent browser sessions against a locally started dashboard.

Starts ``streamlit run dashboard.py`` on 127.0.0.1 (a free port), launches one Debian Chromium
through Playwright with one browser context per session, and drives every session through a
fixed list of actions (peer group, city and weight changes through links, a language switch
through the sidebar widget), for ``--rounds`` rounds. Everything is bounded: a fixed number of
actions, a per-action timeout and a global deadline after which the run stops and reports.

Measures, per action, the rerun latency from the action (navigation or click) to
``[data-testid="stApp"][data-test-script-state="notRunning"]`` with the page's title drawn;
counts errors (``[data-testid="stException"]`` shown on the page, timeouts); reads the server's
resident memory (``VmRSS`` in ``/proc/<pid>/status``) before the first round and after every
round, so a plateau is visible. Prints one JSON object per line.

    python benchmarks/load_test.py                       # 20 sessions x 6 actions x 2 rounds
    python benchmarks/load_test.py --sessions 5 --rounds 3 --timeout 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.local_server import CHROMIUM, launch_server, wait_healthy  # noqa: E402
from tests.local_server import CHROMIUM_ARGS as ARGS  # noqa: E402

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
EXCEPTION = '[data-testid="stException"]'
# 27 YRD cities (data/units.csv, yrd27 = 1) used for city links; a sample is enough.
VERBOSE = False
CITIES = ("310000", "320100", "330100", "340100", "320500", "330200", "320200", "341000")


def emit(**record: object) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (``VmRSS`` from /proc), or None if unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def start_server() -> tuple[subprocess.Popen, str]:
    proc, url = launch_server()
    wait_healthy(proc, url)
    return proc, url


def actions(rng: random.Random) -> list[tuple[str, str]]:
    """One session's actions: ("goto", path) or ("click", button name)."""
    city = rng.choice(CITIES)
    weight = rng.choice(("0.5", "2", "3.5", "5"))
    return [
        ("goto", "/rankings?group=yrd41"),
        ("goto", f"/city?city={city}&group=yrd27"),
        ("goto", f"/lab?w=D1:{weight},D2:{rng.choice(('1', '4'))}"),
        ("click", "English"),
        ("goto", "/rankings?group=province&prov=浙江省&lang=en"),
        ("goto", f"/compare?cities={city},310000&group=all"),
    ]


async def settle(page, timeout_ms: float, click: bool) -> None:
    """Wait until the rerun an action caused has finished and the page's title is drawn."""
    if click:  # the old page stays on screen: wait for the rerun to start first
        try:
            await page.wait_for_selector(RUNNING, timeout=3000)
        except Exception:  # noqa: BLE001 - a very fast rerun may finish before we look
            pass
    await page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    await page.wait_for_selector(IDLE, timeout=timeout_ms)


async def session(browser, url: str, index: int, rnd: int, timeout_ms: float, out: list) -> None:
    rng = random.Random(1000 * rnd + index)
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    try:
        for kind, target in actions(rng):
            started = time.perf_counter()
            record = {"session": index, "round": rnd, "action": f"{kind} {target}"}
            try:
                if kind == "goto":
                    await page.goto(url + target, timeout=timeout_ms)
                else:
                    sidebar = page.locator('[data-testid="stSidebar"]')
                    await sidebar.get_by_text(target, exact=True).click(timeout=timeout_ms)
                await settle(page, timeout_ms, click=kind == "click")
                record["latency_s"] = round(time.perf_counter() - started, 3)
                record["exceptions"] = await page.locator(EXCEPTION).count()
                record["ok"] = record["exceptions"] == 0
                if record["exceptions"]:
                    text = await page.locator(EXCEPTION).first.inner_text()
                    record["exception_text"] = text[:300]
            except Exception as exc:  # noqa: BLE001 - a timeout or a closed page is a result
                record["latency_s"] = None
                record["error"] = type(exc).__name__
                record["ok"] = False
            out.append(record)
            if VERBOSE:
                emit(event="action", **record)
    finally:
        await context.close()


def summary(records: list[dict]) -> dict:
    lat = sorted(r["latency_s"] for r in records if r.get("latency_s") is not None)
    p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))] if lat else None
    return {
        "actions": len(records),
        "completed": len(lat),
        "median_s": round(statistics.median(lat), 3) if lat else None,
        "p95_s": p95,
        "max_s": lat[-1] if lat else None,
        "exceptions_on_page": sum(r.get("exceptions", 0) for r in records),
        "timeouts_or_errors": sum(1 for r in records if "error" in r),
    }


async def main_async(args) -> int:
    from playwright.async_api import async_playwright

    proc, url = start_server()
    deadline = time.monotonic() + args.timeout
    all_records: list[dict] = []
    try:
        emit(event="server_started", url=url, pid=proc.pid, rss_mb=rss_mb(proc.pid))
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            # One warm-up session: loads the bundled data and imports, so "before" is a baseline.
            warm: list[dict] = []
            await session(browser, url, -1, 0, args.action_timeout * 1000, warm)
            emit(event="memory", when="before", rss_mb=rss_mb(proc.pid))
            for rnd in range(1, args.rounds + 1):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    emit(event="deadline", round=rnd)
                    break
                records: list[dict] = []
                started = time.perf_counter()
                tasks = [
                    session(browser, url, i, rnd, args.action_timeout * 1000, records)
                    for i in range(args.sessions)
                ]
                try:
                    await asyncio.wait_for(asyncio.gather(*tasks), timeout=remaining)
                except TimeoutError:
                    emit(event="deadline", round=rnd)
                wall = round(time.perf_counter() - started, 1)
                await asyncio.sleep(2)  # let the server finish the last reruns
                emit(
                    event="round",
                    round=rnd,
                    sessions=args.sessions,
                    wall_s=wall,
                    rss_mb=rss_mb(proc.pid),
                    **summary(records),
                )
                all_records += records
            await browser.close()
        for r in all_records:
            if not r["ok"]:
                emit(event="failed_action", **r)
        emit(event="total", **summary(all_records), rss_mb=rss_mb(proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    bad = sum(1 for r in all_records if not r["ok"])
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (20)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of actions (2)")
    parser.add_argument("--action-timeout", type=float, default=90, help="seconds per action")
    parser.add_argument("--timeout", type=float, default=900, help="global deadline, seconds")
    parser.add_argument("--verbose", action="store_true", help="one line per action")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    if not Path(CHROMIUM).exists():
        print(f"chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
