"""A closed tab stops the work it started.

Regression (hardening round two, §3): a slow upload kept the server busy after its tab was
closed (22 minutes of CPU for one 4.8 KB workbook). The upload is now checked in a child
process; closing the tab while it runs must end that process within seconds, long before its
30-second deadline.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from tests.browser.conftest import chromium_context
from tests.browser.test_browser import settle

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

FRAMEWORK = (
    b"code,parent,level,name_zh,name_en,direction,weight\nidx,,3,I,I,,1\nA,idx,2,A,A,,1\n"
    b"B,idx,2,B,B,,1\na1,A,1,a1,a1,1,1\na2,A,1,a2,a2,-1,1\nb1,B,1,b1,b1,1,1\n"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
        'workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
        'sheet1.xml"/></Relationships>'
    ),
}


def slow_workbook(units: int = 200_000) -> bytes:
    """A legal 4 MB workbook that takes the reader about 15 s on the reference machine: long
    enough that only a stopped check ends within seconds."""

    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    rows = ['<row r="1">' + "".join(text(f"{c}1", v) for c, v in zip("ABCDE", (
        "adcode", "year", "a1", "a2", "b1"), strict=True)) + "</row>"]  # fmt: skip
    for i in range(units):
        r = i + 2
        rows.append(
            f'<row r="{r}">{text(f"A{r}", f"u{i:06d}")}<c r="B{r}"><v>2020</v></c>'
            f'<c r="C{r}"><v>1.5</v></c><c r="D{r}"><v>2.5</v></c><c r="E{r}"><v>3.5</v></c></row>'
        )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas'
        f'.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E{units + 1}"/>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(name, part)
    return buffer.getvalue()


def _workers(pid: int) -> set[int]:
    """Processes below ``pid``'s own children: the upload checks, forked by the forkserver
    (the server's child, which stays and idles)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, stack = set(), list(parents.get(pid, []))
    while stack:
        for child in parents.get(stack.pop(), []):
            out.add(child)
            stack.append(child)
    return out


def _busy(pids: set[int]) -> set[int]:
    """The processes among ``pids`` that use the CPU now (a worker reading the file)."""

    def ticks(pid: int) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        except OSError:
            return -1

    before = {p: ticks(p) for p in pids}
    time.sleep(0.5)
    return {p for p in pids if ticks(p) > before[p] >= 0}


@pytest.fixture
def context():
    yield from chromium_context({"width": 1400, "height": 1000})


def test_closing_the_tab_stops_the_upload_check(server_process, context):
    proc, url = server_process
    page = context.new_page()
    page.goto(f"{url}/data")
    settle(page, "CSV")
    inputs = page.locator('input[type="file"]')
    inputs.nth(0).set_input_files(
        files=[{"name": "slow.xlsx", "mimeType": XLSX, "buffer": slow_workbook()}]
    )
    inputs.nth(1).set_input_files(
        files=[{"name": "fw.csv", "mimeType": "text/csv", "buffer": FRAMEWORK}]
    )
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="校验并使用").click()
    playwright_api.expect(page.get_by_text("正在读取并校验文件").first).to_be_visible(
        timeout=30_000
    )
    workers = _busy(_workers(proc.pid))
    assert workers, "a child process checks the upload"
    page.close()  # the visitor leaves
    closed = time.monotonic()
    while time.monotonic() - closed < 5 and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.2)
    left = [w for w in workers if Path(f"/proc/{w}").exists()]
    assert not left, f"the check went on after the tab was closed: {left}"
