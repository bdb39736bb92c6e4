"""Output safety: user text (unit names, indicator names, file names) never reaches an element
that renders Markdown/HTML; CSV/XLSX exports neutralise formulas; downloads equal the screen.

Uploads go through the Data page with ``AppTest`` (as ``tests/test_app.py`` does), then every
page is visited. Elements whose text Streamlit renders as Markdown (markdown, caption, titles,
headers, alerts, metric and widget labels, tab and expander labels) must not contain a payload;
dataframes and selectbox options are plain text. Plotly figures must not carry ``<img``,
``<script`` or markdown images in any text field.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import indicators as ind
from indicators import export

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![x](http://evil.example/a.png)",
    "[click](javascript:alert(1))",
)
# Fragments that must not appear in Markdown-rendered text or plotly text.
DANGEROUS = ("<script", "<img", "](http://evil", "](javascript:")
MARKDOWN_VALUE = {"markdown", "caption", "title", "header", "subheader", "alert", "exception"}
MARKDOWN_TYPES = {"markdown", "caption", "title", "header", "subheader", "info", "warning"}
MARKDOWN_TYPES |= {"error", "success", "toast"}

FRAMEWORK = (
    "code,parent,level,name_zh,name_en,direction,weight\n"
    f'idx,,3,"{PAYLOADS[0]}","{PAYLOADS[1]}",,1\n'
    f'A,idx,2,"{PAYLOADS[2]}","{PAYLOADS[3]}",,1\n'
    f'B,idx,2,"{PAYLOADS[1]}","{PAYLOADS[0]}",,1\n'
    f'a1,A,1,"{PAYLOADS[3]}","{PAYLOADS[2]}",1,1\n'
    'a2,A,1,"=1+1","+cmd",-1,1\n'
    'b1,B,1,"@SUM(A1)","-2+3",1,1\n'
).encode()
DATA = b"adcode,year,a1,a2,b1\nu1,2020,1,5,3\nu2,2020,2,4,1\nu3,2020,3,3,2\nu4,2020,4,1,5\n"
UNITS = (
    "adcode,name_zh,name_en,province_zh,province_en\n"
    + "".join(
        f'u{k + 1},"{p}","{PAYLOADS[(k + 1) % 4]}","{p}","{p}"\n' for k, p in enumerate(PAYLOADS)
    )
).encode()
FILE_NAME = "![x](http://evil.example/a.png).csv"


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield


def _walk(node, out):
    for child in getattr(node, "children", {}).values():
        out.append(child)
        _walk(child, out)
    return out


def rendered_markdown(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every text Streamlit renders as Markdown."""
    found = []
    for element in _walk(at._tree, []):
        kind = getattr(element, "type", "")
        proto = getattr(element, "proto", None)
        if kind in MARKDOWN_TYPES or type(element).__name__.lower() in MARKDOWN_VALUE:
            found.append((kind, str(getattr(element, "value", "") or getattr(proto, "body", ""))))
        label = getattr(proto, "label", None) if proto is not None else None
        if isinstance(label, str) and label:
            found.append((f"{kind} label", label))
        if kind == "tab" or type(element).__name__ in ("Tab", "Expander"):
            found.append((f"{kind} label", str(getattr(element, "label", ""))))
    return found


def _json_paths(node, path=""):
    """(path, text) for every string in a plotly figure."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _json_paths(value, f"{path}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _json_paths(value, f"{path}[]")
    elif isinstance(node, str):
        yield path, node


def _findings(at: AppTest, page: str, plotly: bool) -> list[str]:
    bad = []
    for kind, text in rendered_markdown(at):
        if any(fragment in text for fragment in DANGEROUS):
            bad.append(f"{page}: {kind}: {text[:90]!r}")
    if plotly:
        for element in at.get("plotly_chart"):
            figure = json.loads(element.proto.spec)
            for path, text in _json_paths(figure):
                if "<img" in text or "<script" in text:
                    bad.append(f"{page}: plotly {element.proto.id.split('-')[-1]} {path}")
    return bad


PAGES = {
    "rankings": {},
    "city": {"city": "u1"},
    "compare": {"cities": "u1,u2,u3"},
    "lab": {},
    "methodology": {},
    "data": {},
}
CLEAN_FRAMEWORK = (
    "code,parent,level,name_zh,name_en,direction,weight\n"
    "idx,,3,指数,Index,,1\nA,idx,2,甲,Alpha,,1\nB,idx,2,乙,Beta,,1\n"
    "a1,A,1,甲一,A one,1,1\na2,A,1,甲二,A two,-1,1\nb1,B,1,乙一,B one,1,1\n"
).encode()
CLEAN_UNITS = "adcode,name_zh,name_en\nu1,一,One\nu2,二,Two\nu3,三,Three\nu4,四,Four\n".encode()
VECTORS = {
    "file_name": (FILE_NAME, CLEAN_FRAMEWORK, CLEAN_UNITS),
    "unit_names": ("mine.csv", CLEAN_FRAMEWORK, UNITS),
    "framework_names": ("mine.csv", FRAMEWORK, CLEAN_UNITS),
}


def visit_all(lang: str, vector: str, plotly: bool = False) -> list[str]:
    name, framework, units = VECTORS[vector]
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="up_data").set_value((name, DATA, "text/csv"))
    at.file_uploader(key="up_fw").set_value(("framework.csv", framework, "text/csv"))
    at.file_uploader(key="up_units").set_value(("units.csv", units, "text/csv"))
    at.run()
    next(b for b in at.button if b.label in ("校验并使用", "Validate and use")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/rankings.py").run()
    assert sorted(at.dataframe[0].value["adcode"]) == ["u1", "u2", "u3", "u4"]  # upload in use
    if vector == "unit_names":  # names are shown, as plain text in the table
        assert set(at.dataframe[0].value["name"]) <= set(PAYLOADS)
    findings = []
    for page, params in PAGES.items():
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        findings += _findings(at, page, plotly)
    return sorted(set(findings))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("vector", list(VECTORS))
def test_user_text_never_rendered_as_markdown(lang, vector):
    findings = visit_all(lang, vector)
    assert not findings, "\n".join(findings)


def test_plotly_text_has_no_raw_html():
    findings = visit_all("en", "unit_names", plotly=True)
    findings += visit_all("en", "framework_names", plotly=True)
    assert not findings, "\n".join(findings)


# ------------------------------------------------------------------------------------------
# Exports


def _payload_result():
    framework = ind.load_framework(FRAMEWORK, "framework.csv")
    data = pd.read_csv(io.BytesIO(DATA), dtype={"adcode": str})
    data["adcode"] = ["=HYPERLINK(1)", "+1", "-cmd", "@SUM(A1)"]
    data = ind.load_data(data.to_csv(index=False).encode(), framework, name="d.csv")
    return ind.run_pipeline(ind.Build.create(data, framework, ind.Config()))


def _xlsx_cells(payload: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(payload))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            cells += row
    return cells


def test_exports_neutralise_formulas():
    result = _payload_result()
    buf = io.BytesIO()
    export.write_table(result.scores, buf, "csv", result=result)
    text = buf.getvalue().decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        first = line.split(",")[0]
        assert not first.startswith(("=", "+", "-", "@")), first
    buf = io.BytesIO()
    export.write_table(result.scores, buf, "xlsx", result=result)
    for cell in _xlsx_cells(buf.getvalue()):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "@")), cell.value
            assert not cell.value.startswith("-") or cell.value[1:2].isdigit(), cell.value


def test_downloads_reproduce_the_screen_exactly():
    """The Data page's downloads are the download table of the view's build and year, the
    same in every format (exactly for CSV and Parquet; openpyxl's digits for XLSX)."""
    from indicators.download import download_table
    from ui import loaders

    dataset = loaders.bundled_dataset()
    options = loaders.options_for(dataset)
    selections = options.default_selections()
    members = loaders.members_for(dataset, selections)
    config = loaders.config_for(selections)
    build = loaders.build(dataset, members, config)
    result = loaders.result(build)
    intervals, _ = loaders.rank_intervals(result)
    year = int(selections["year"])
    table = download_table(result, intervals)
    expected = table.loc[table["year"] == year].reset_index(drop=True)
    recipe = loaders.recipe_of(build, dataset, selections)
    text = [c for c in expected.columns if pd.api.types.is_string_dtype(expected[c])]

    def export(fmt: str) -> bytes:
        return loaders.export_bytes(result, fmt, year, "长三角中心区 27 城", recipe)

    csv = pd.read_csv(io.BytesIO(export("csv")), dtype={"adcode": str})
    xlsx = pd.read_excel(io.BytesIO(export("xlsx")), sheet_name="results", dtype={"adcode": str})
    parquet = pd.read_parquet(io.BytesIO(export("parquet")))
    for name, got in (("csv", csv), ("xlsx", xlsx), ("parquet", parquet)):
        assert list(got.columns) == list(expected.columns), name
        assert got["adcode"].astype(str).tolist() == expected["adcode"].tolist(), name
        for column in text:
            have = ["" if pd.isna(v) else str(v) for v in got[column]]
            want = ["" if pd.isna(v) else str(v) for v in expected[column]]
            assert have == want, (name, column)
        for column in expected.columns.drop(text):
            if expected[column].dtype == bool:
                assert got[column].astype(bool).tolist() == expected[column].tolist(), name
                continue
            want = expected[column].astype("float64").to_numpy()
            have = got[column].astype("float64").to_numpy()
            same = (want == have) | (pd.isna(want) & pd.isna(have))
            if name == "xlsx":  # openpyxl writes 16 significant digits (Excel keeps 15)
                same |= abs(want - have) <= 1e-15 * abs(want)
            assert same.all(), (name, column)


@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/login",
        "http://evil.example",
        "www.evil.example",
        "WWW.evil.example",
        "a@evil.example",
        "mailto:a@evil.example",
        "xmpp:a@evil.example",
    ],
)
def test_md_breaks_literal_autolinks_and_keeps_the_text(text):
    """GFM literal autolinks are found after parsing, so escaping alone did not stop them; md
    puts a WORD JOINER inside each pattern (the browser test counts the links on the pages)."""
    import re

    from ui.safe import WORD_JOINER, md

    out = md(text)
    assert WORD_JOINER in out
    shown = re.sub(r"\\(.)", r"\1", out).replace(WORD_JOINER, "")
    assert shown == text  # what a reader sees is unchanged
    assert not re.search(r"(?i)www\.|://|\w@", re.sub(r"\\(.)", r"\1", out))
