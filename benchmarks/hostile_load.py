"""Hostile-upload load test: do normal visitors stay fast while someone uploads hostile files?

Starts ``streamlit run dashboard.py`` on 127.0.0.1 and runs rounds of ``--sessions`` normal
browser sessions (the actions of ``benchmarks/load_test.py``: group, city, weights, language,
province and compare links). Rounds alternate: a *baseline* round with the normal sessions
only, then a *hostile* round in which one more session keeps uploading hostile files on the
Data page for as long as the normal sessions run (``--pairs`` pairs, interleaved, so that a
change in the machine's load hits both kinds). Hostile files, all within the 20 MB upload limit:

* ``wide_header.csv``: a header of 2 MB of commas (two million empty column names);
* ``many_rows.csv``: 19 MB of well-formed rows for 400,000 units (refused for the session
  limit: by its line count before parsing since that check exists; it was parsed in full before);
* ``far_cell.xlsx``: a small workbook whose sheet claims the last cell XFD1048576.

Prints JSON lines: one per round (``kind``, latency median / p95 of the normal actions,
errors, hostile uploads completed) and a summary with the p95 ratio hostile / baseline
(target: at most 1.5).

    python benchmarks/hostile_load.py                 # 4 sessions, 2 pairs of rounds
    python benchmarks/hostile_load.py --sessions 6 --pairs 3
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.load_test import emit, rss_mb, session, start_server, summary  # noqa: E402
from tests.local_server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FRAMEWORK = (
    b"code,parent,level,name_zh,name_en,direction,weight\nidx,,3,I,I,,1\nA,idx,2,A,A,,1\n"
    b"B,idx,2,B,B,,1\na1,A,1,a1,a1,1,1\na2,A,1,a2,a2,-1,1\nb1,B,1,b1,b1,1,1\n"
)


def far_cell_xlsx() -> bytes:
    """A tiny workbook whose sheet dimension claims A1:XFD1048576, with a value far away."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>adcode</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><f>1+1</f></c></row>'
        "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
            'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName'
            '="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def hostile_files() -> list[tuple[str, str, bytes]]:
    rows = b"".join(b"u%06d,2020,1.5,2.5,3.5\n" % i for i in range(400_000))
    return [
        ("wide_header.csv", "text/csv", b"adcode" + b"," * (2 * 2**20) + b"\nu1\n"),
        ("many_rows.csv", "text/csv", b"adcode,year,a1,a2,b1\n" + rows),
        (
            "far_cell.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            far_cell_xlsx(),
        ),
    ]


async def hostile(browser, url: str, stop: asyncio.Event, done: list) -> None:
    """Upload the hostile files one after another on the Data page until ``stop`` is set."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    files = hostile_files()
    k = 0
    try:
        await page.goto(url + "/data", timeout=120_000)
        await page.wait_for_selector('input[type="file"]', state="attached", timeout=120_000)
        while not stop.is_set():
            name, mime, payload = files[k % len(files)]
            k += 1
            started = time.perf_counter()
            inputs = page.locator('input[type="file"]')
            await inputs.nth(0).set_input_files(
                files=[{"name": name, "mimeType": mime, "buffer": payload}]
            )
            await inputs.nth(1).set_input_files(
                files=[{"name": "fw.csv", "mimeType": "text/csv", "buffer": FRAMEWORK}]
            )
            await page.wait_for_timeout(500)
            await page.get_by_role("button", name="校验并使用").click(timeout=60_000)
            await page.wait_for_timeout(300)
            await page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
            )
            done.append({"file": name, "seconds": round(time.perf_counter() - started, 2)})
    except Exception as exc:  # noqa: BLE001 - the attacker's errors are not a result
        done.append({"error": type(exc).__name__})
    finally:
        await context.close()


async def main_async(args) -> int:
    from playwright.async_api import async_playwright

    proc, url = start_server()
    results = {"baseline": [], "hostile": []}
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            await session(browser, url, -1, 0, args.action_timeout * 1000, [])  # warm-up
            emit(event="memory", when="before", rss_mb=rss_mb(proc.pid))
            rnd = 0
            for _ in range(args.pairs):
                for kind in ("baseline", "hostile"):
                    rnd += 1
                    records: list[dict] = []
                    stop, uploads = asyncio.Event(), []
                    attacker = (
                        asyncio.create_task(hostile(browser, url, stop, uploads))
                        if kind == "hostile"
                        else None
                    )
                    if attacker is not None:
                        await asyncio.sleep(3)  # the attack is under way before users act
                    await asyncio.gather(
                        *(
                            session(browser, url, i, rnd, args.action_timeout * 1000, records)
                            for i in range(args.sessions)
                        )
                    )
                    stop.set()
                    if attacker is not None:
                        await asyncio.wait_for(attacker, timeout=180)
                    results[kind] += records
                    emit(
                        event="round",
                        kind=kind,
                        round=rnd,
                        rss_mb=rss_mb(proc.pid),
                        uploads=uploads,
                        **summary(records),
                    )
                    await asyncio.sleep(2)
            await browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    base, host = summary(results["baseline"]), summary(results["hostile"])
    ratio = (
        round(host["p95_s"] / base["p95_s"], 2) if base["p95_s"] and host["p95_s"] else None
    )
    emit(
        event="summary",
        baseline_p95_s=base["p95_s"],
        hostile_p95_s=host["p95_s"],
        baseline_median_s=base["median_s"],
        hostile_median_s=host["median_s"],
        p95_ratio=ratio,
        target_ratio=1.5,
        meets_target=ratio is not None and ratio <= 1.5,
        errors=base["exceptions_on_page"] + host["exceptions_on_page"],
        median_ratio=(
            round(statistics.median([host["median_s"]]) / base["median_s"], 2)
            if base["median_s"]
            else None
        ),
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=4, help="normal sessions (4)")
    parser.add_argument("--pairs", type=int, default=2, help="baseline/hostile round pairs (2)")
    parser.add_argument("--action-timeout", type=float, default=120, help="seconds per action")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
