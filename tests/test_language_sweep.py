"""Language sweep: the Chinese interface is Chinese, the English one English (issue 10, point 3).

Every page is rendered with AppTest in both languages (and once with ``group=all`` and once with
``year=2010``). Everything a visitor can read is collected from the element tree: titles,
headers, Markdown, captions, notices, metric labels and values, widget labels, options and help,
tab and expander labels, dataframe column headers, column help and text cells, and the titles,
axis titles, legend entries and category labels in the Plotly and Vega-Lite specifications.

In Chinese mode no Latin word of three letters or more may appear, in English mode no CJK
character, except the small allow-list below:

* ``ALLOWED_LATIN``: proper names (Cronbach, Pearson, Lei Dong, Excel, MIT …), codes and method
  acronyms (TVI, PCA, CRITIC, AHP, COINr, CSV, XLSX, Parquet, URL …);
* text in Markdown code spans (`` `adcode` ``): column names and file paths are code, typed as is;
* framework codes of the dataset (``TVI``, ``D1``, ``edu_years`` …) where a code is shown as such
  (the definitions table's code column, the Data page's code toggle);
* Streamlit's own built-in widget texts (``STREAMLIT_TEXTS``), which the app cannot translate.

City names come in both languages (``data/units.csv``): in English mode they must be English.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT / "data" / "cities.csv").exists(), reason="data/cities.csv not built yet"
)
PAGES = ("rankings", "city", "compare", "lab", "methodology", "data")

#: Latin words allowed in Chinese mode (compared case-sensitively, whole words).
ALLOWED_LATIN = {
    # file formats
    "PDF",
    "JSON",
    "json",
    # proper names
    "Cronbach",
    "Pearson",
    "Lei",
    "Dong",
    "Excel",
    "MIT",
    "Nunnally",
    "OECD",
    "JRC",
    "Okabe",
    "Ito",
    "Monte",
    "Carlo",
    "Shannon",
    "Saaty",
    "Spearman",
    "Kendall",
    "Tukey",
    "Python",
    "Becker",
    "Saisana",
    "Saltelli",
    "Tarantola",
    "JRSS",
    # codes, formats and method acronyms
    "TVI",
    "PCA",
    "CRITIC",
    "AHP",
    "COINr",
    "CSV",
    "XLSX",
    "Parquet",
    "URL",
    "GBK",
    "UTF",
    "MCDA",
    "TOPSIS",
    "GeoJSON",
    "PNG",  # chart downloads (ui.chart_export)
    "SVG",
}
#: Texts Streamlit's widgets add themselves (placeholders), not the app's words.
STREAMLIT_TEXTS = {"Choose an option", "Choose options", "No options to select."}
#: The language switch names each language in its own language.
LANGUAGES = {"中文", "English"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # a code such as edu_years is one word
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
CODE_SPAN = re.compile(r"`[^`]*`")
MATH_SPAN = re.compile(r"\$[^$]*\$")  # LaTeX: notation, not words
ESCAPE = re.compile(r"\\(.)")  # Markdown escapes (ui.safe.md): edu\_years is edu_years
# The titles of cited works are in their own language: italics in a references paragraph.
REFERENCES = re.compile(r"(参考文献|References)[^\n]*(\n(?!\n)[^\n]*)*")
ITALIC = re.compile(r"\*[^*]+\*")
# Proto fields that are identifiers, formats or styling, never shown as text.
#: Labels of the Rankings search box (ui/i18n "find_city"), whose options are bilingual.
FIND_LABELS = {"查找城市（中文、英文或代码）", "Find a city (Chinese, English or code)"}

SKIP_FIELDS = {
    "id",
    "deferred_file_id",
    "form_id",
    "icon",
    "key",
    "format",
    "type",
    "spec",
    "columns",
    "data",
    "theme",
    "url",
    "mime_type",
    "file_name",
    "selection_mode",
    "width_config",
    "height_config",
    "anchor",
    "element_type",
    "block_id",
    "fragment_id",
    "deploy_params",
    "style",
    "editing_mode",
    "column_order",
    "vega_lite_theme",
    "value",  # widget values are options already listed; text values are checked via options
}


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ------------------------------------------------------------------------------- collecting text
def _proto_strings(message, where: str):
    """Every string field of a protobuf message (recursively), except identifiers/styling."""
    for field, value in message.ListFields():
        if field.name in SKIP_FIELDS:
            continue
        if field.type == field.TYPE_STRING:
            for text in [value] if isinstance(value, str) else value:
                yield f"{where}.{field.name}", text
        elif field.type == field.TYPE_MESSAGE:
            items = [value] if hasattr(value, "ListFields") else value
            for item in items:
                if hasattr(item, "ListFields"):
                    yield from _proto_strings(item, f"{where}.{field.name}")


def _frame_strings(frame: pd.DataFrame, where: str):
    for column in frame.columns:
        yield f"{where}.header", str(column)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            for text in dict.fromkeys(values.dropna()):
                if isinstance(text, str):
                    yield f"{where}[{column}]", text


def _plotly_strings(spec: dict, where: str):
    layout = spec.get("layout", {})
    for key, value in layout.items():
        if isinstance(value, dict):
            title = value.get("title")
            text = title.get("text") if isinstance(title, dict) else title
            if isinstance(text, str):
                yield f"{where}.layout.{key}.title", text
            for axis in ("radialaxis", "angularaxis"):
                if isinstance(value.get(axis), dict):
                    t = value[axis].get("title")
                    t = t.get("text") if isinstance(t, dict) else t
                    if isinstance(t, str):
                        yield f"{where}.layout.{key}.{axis}.title", t
    title = layout.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    if isinstance(text, str):
        yield f"{where}.layout.title", text
    for trace in spec.get("data", []):
        if trace.get("showlegend", True) and isinstance(trace.get("name"), str):
            yield f"{where}.trace.name", trace["name"]
        for key in ("x", "y", "theta", "labels", "text"):
            values = trace.get(key)
            if isinstance(values, list):
                for value in values:
                    if isinstance(value, str):
                        yield f"{where}.trace.{key}", value


def _vega_strings(spec: dict, where: str):
    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    yield f"{path}.title", value
                else:
                    yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, path)

    yield from walk({k: v for k, v in spec.items() if k != "datasets"}, where)


def rendered_text(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of everything a visitor can read on the page, sidebar included."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    found: list[tuple[str, str]] = []
    for root in (at.main, at.sidebar):
        for node in root:
            kind = getattr(node, "type", "")
            proto = getattr(node, "proto", None)
            if proto is None:
                continue
            if kind == "plotly_chart":
                found += _plotly_strings(json.loads(proto.spec), kind)
            elif kind == "vega_lite_chart":
                found += _vega_strings(json.loads(proto.spec), kind)
                for dataset in proto.datasets:
                    frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
                    # field names are not shown; names and categories in the cells are
                    found += [(w, t) for w, t in _frame_strings(frame, kind) if "[" in w]
            elif kind == "iframe" and "const FIG = " in proto.srcdoc:
                # a chart's PNG/SVG buttons (ui.chart_export): the srcdoc is code; the texts are
                # the exported figure's (title, subtitle, source) and the failure message
                match = re.search(r"const FIG = (.*), OPTS = (.*);\n", proto.srcdoc)
                fig = json.loads(match.group(1))
                shown = [*_plotly_strings(fig, "chart_export")]
                shown.append(("chart_export.subtitle", fig["layout"]["title"]["subtitle"]["text"]))
                found += [(w, re.sub(r"<[^>]*>", " ", text)) for w, text in shown]  # Plotly tags
                found.append(("chart_export.failed", json.loads(match.group(2))["failed"]))
            elif kind == "table":
                found += _frame_strings(node.value, "dataframe")
            elif kind == "dataframe":
                frame = node.value
                config = json.loads(proto.columns) if proto.columns else {}
                hidden = {c for c, cfg in config.items() if cfg.get("hidden")}
                if proto.column_order:  # columns left out of the order are not shown
                    hidden |= set(map(str, frame.columns)) - set(proto.column_order)
                labels = {c: cfg.get("label") for c, cfg in config.items() if cfg.get("label")}
                for column, cfg in config.items():
                    if cfg.get("help") and column not in hidden:
                        found.append(("dataframe.help", cfg["help"]))
                shown = frame.drop(columns=[c for c in hidden if c in frame.columns])
                shown = shown.rename(columns=labels)
                found += _frame_strings(shown, "dataframe")
            elif kind == "selectbox" and proto.label in FIND_LABELS:
                # the city search lists each city in both languages (and its adcode) so that
                # either name finds it: only its label must be in the page's language
                found.append(("selectbox.label", proto.label))
            else:
                found += _proto_strings(proto, kind)
    return [(w, t) for w, t in found if t and t.strip()]


# ------------------------------------------------------------------------------------- checking
def _allowed_codes() -> set[str]:
    from ui import loaders

    # the framework's codes and the tables' own key columns, shown as codes in column help
    return set(loaders.bundled_dataset().framework.codes) | {"adcode", "year", "rank"}


def _code_place(where: str) -> bool:
    """Places that show framework codes as codes: the code column of a table, column help."""
    return where in ("dataframe[代码]", "dataframe[Code]", "dataframe.help")


def offending(texts: list[tuple[str, str]], lang: str) -> list[tuple[str, str, str]]:
    """(where, text, offending part) for every text in the wrong language."""
    codes = _allowed_codes()
    bad = []
    for where, text in texts:
        if text in STREAMLIT_TEXTS or (where.startswith("button_group") and text in LANGUAGES):
            continue
        plain = MATH_SPAN.sub(" ", CODE_SPAN.sub(" ", text))
        plain = REFERENCES.sub(lambda m: ITALIC.sub(" ", m.group(0).replace("**", "")), plain)
        plain = ESCAPE.sub(r"\1", plain)
        if lang == "zh":
            words = [
                w
                for w in LATIN_WORD.findall(plain)
                if w not in ALLOWED_LATIN and not (w in codes and _code_place(where))
            ]
            words = [w for w in words if sum(c.isalpha() for c in w) >= 3]
            if words:
                bad.append((where, text, " ".join(dict.fromkeys(words))))
        elif CJK.search(plain):
            bad.append((where, text, "".join(dict.fromkeys(CJK.findall(plain)))))
    return bad


VIEWS = [(page, {}) for page in PAGES] + [
    ("rankings", {"group": "all"}),
    ("city", {"year": "2010"}),
    ("compare", {"group": "all", "cities": "310000,330100,320500,340100,320100,330200"}),
    ("methodology", {"group": "all", "year": "2010"}),
    ("data", {"year": "2010"}),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("page", "params"), VIEWS, ids=lambda v: str(v))
def test_every_text_is_in_the_page_language(page, params, lang):
    at = run(page, {**params, "lang": lang})
    texts = rendered_text(at)
    assert len(texts) > 20, "the collector found next to nothing: it is broken"
    bad = offending(texts, lang)
    assert not bad, f"{len(bad)} strings in the wrong language:\n" + "\n".join(
        f"  {w}: {t[:120]!r} -> {p}" for w, t, p in bad
    )
