"""PDF brief and group report (indicators.report): what a reader of the PDF sees, read back
with pypdf — city names, ranks, section titles, one page per brief, nothing outside the page,
Chinese in an embedded CJK font, hostile names printed literally, and the command line."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from indicators import Build, Config, run_pipeline, uncertainty
from indicators.report import FontMissing, brief_pdf, group_label, report_pdf
from indicators.report.content import rank_move, signed, texts

pypdf = pytest.importorskip("pypdf")
PDFTOTEXT = shutil.which("pdftotext")
if os.environ.get("CI") and not PDFTOTEXT:  # CI installs poppler-utils: the check must run there
    raise RuntimeError("pdftotext (Debian package poppler-utils) is required in CI")

HOSTILE = "#sys.exit() *bold* $x$ <script>alert(1)</script> _u_ @ref \\ ] [ `raw`"
LONG = "X" * 150  # one word far wider than the page


def _squash(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", text)


def _pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def _outside(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """Text outside its page: (page, text, x, y).

    With poppler's ``pdftotext -bbox`` (exact word boxes from the fonts' metrics), every word
    must lie at least 1 cm inside the page, so a line that runs past the 1.6 cm margin is
    caught; pypdf alone only sees where each piece of text starts (inside the media box)."""
    bad = []
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages):
        box = page.mediabox
        x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))

        def visit(text, cm, tm, font, size, number=number, box=(x0, y0, x1, y1)):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (box[0] - 0.5 <= x <= box[2] + 0.5 and box[1] - 0.5 <= y <= box[3] + 0.5):
                bad.append((number, text, x, y))

        page.extract_text(visitor_text=visit)
    if PDFTOTEXT:
        cm = 28.35
        out = subprocess.run(
            [PDFTOTEXT, "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        for number, body in enumerate(out.split("<page ")[1:]):
            width, height = (float(v) for v in re.findall(r'(?:width|height)="([\d.]+)"', body)[:2])
            for x_min, y_min, x_max, y_max, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<',
                body,
            ):
                inside = float(x_min) >= cm and float(x_max) <= width - cm
                inside = inside and float(y_min) >= cm / 2 and float(y_max) <= height - cm / 2
                if not inside:
                    bad.append((number, word, float(x_min), float(x_max)))
    return bad


def _fonts(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


@pytest.fixture(scope="module")
def census():
    from indicators import default_paths, load_data, load_framework, load_units

    paths = default_paths()
    fw = load_framework(paths["framework"])
    data = load_data(paths["data"], framework=fw)
    units = load_units(paths["units"])
    return data, fw, units


@pytest.fixture(scope="module")
def yrd(census):
    data, fw, units = census
    source = "bundled census data (data/cities.csv)"  # as the command line names it
    build = Build.create(data, fw, Config(), members="yrd27", units=units, source=source)
    result = run_pipeline(build)
    return result, uncertainty(result, n=100, seed=1)


def _names(units, lang):
    column = "name_en" if lang == "en" else "name_zh"
    return dict(zip(units["adcode"], units[column], strict=True))


@pytest.fixture(scope="module", params=["zh", "en"])
def report(request, yrd, census):
    """The full 27-city report, rendered once per language."""
    result, ua = yrd
    lang = request.param
    pdf = report_pdf(result, 2020, lang, group=group_label("yrd27", lang, 27), uncertainty=ua)
    return lang, pdf, _pages(pdf)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_brief_is_one_page_with_the_city_its_rank_and_every_section(yrd, census, lang):
    result, ua = yrd
    t = texts(lang)
    pdf = brief_pdf(
        result, "310000", 2020, lang, group=group_label("yrd27", lang, 27), uncertainty=ua
    )
    pages = _pages(pdf)
    assert len(pages) == 1
    text = _squash(pages[0])
    rank = int(result.scores.query("year == 2020 and adcode == '310000'")["rank"].iloc[0])
    assert _squash(_names(census[2], lang)["310000"]) in text
    assert _squash(t["rank_of"].format(rank=rank, n=27)) in text
    for key in ("summary", "breakdown", "strengths", "peers", "build", "source"):
        if key == "summary":
            continue  # the paragraph has no title; its first sentence is checked below
        assert _squash(t[key]) in text, key
    assert _squash(t["change"].format(first=2010, last=2020)) in text
    assert _squash(t["radar"]) in text
    first_sentence = "2020年" if lang == "zh" else "In2020"
    assert first_sentence in text
    assert not _outside(pdf)
    assert any("WenQuanYi" in f for f in _fonts(pdf)), _fonts(pdf)


def test_brief_change_column_shows_rank_moves_and_signed_score_changes(yrd):
    result, ua = yrd
    t = texts("en")
    text = _pages(brief_pdf(result, "320100", 2020, "en", uncertainty=ua))[0]
    s = result.scores.set_index(["adcode", "year"])
    first, last = int(s.at[("320100", 2010), "rank"]), int(s.at[("320100", 2020), "rank"])
    delta = s.at[("320100", 2020), "TVI"] - s.at[("320100", 2010), "TVI"]
    lines = [ln for ln in text.splitlines() if re.match(t["index"] + r" [\d.]+ ", ln)]
    assert len(lines) == 2  # the score breakdown, then the change table
    assert lines[1].startswith(f"{t['index']} {first} {last} {rank_move(first, last)} ")
    assert lines[1].endswith(signed(float(delta)))


def test_move_and_sign_formats():
    assert rank_move(5, 3) == "↑2" and rank_move(3, 4) == "↓1" and rank_move(2, 2) == "="
    assert signed(3.24) == "+3.2" and signed(-1.0) == "\u22121.0" and signed(0.01) == "±0.0"


def test_report_sections_cities_ranks_and_page_numbers(report, yrd, census):
    lang, pdf, pages = report
    result, _ = yrd
    t = texts(lang)
    whole = _squash("".join(pages))
    for key in ("toc", "overview", "dimensions", "uncertainty", "profiles", "methodology"):
        assert _squash(t[key]) in whole, key
    assert _squash(t["change_section"].format(first=2010, last=2020)) in whole
    for dim in result.framework.children("TVI"):
        assert _squash(result.framework.name(dim, lang)) in whole
    # figures and tables numbered and captioned
    figure, table = ("图", "表") if lang == "zh" else ("Figure", "Table")
    for k in (1, 2, 3):
        assert f"{figure}{k}" in whole and f"{table}{k}" in whole
    # one brief page per city, each with its own rank, and the brief never runs over a page
    names = _names(census[2], lang)
    kicker = _squash(t["report_kicker"] + " · " + t["brief"])
    brief_pages = [p for p in pages if kicker in _squash(p)]
    assert len(brief_pages) == 27
    footer = _squash(t["generated"].split("{")[0])
    ranks = result.scores.query("year == 2020").set_index("adcode")["rank"]
    heads = [_squash(p).split(kicker, 1)[1] for p in brief_pages]
    for adcode, rank in ranks.items():
        name, rank_text = _squash(names[adcode]), _squash(t["rank_of"].format(rank=int(rank), n=27))
        own = [h for h in heads if h.startswith(name)]
        assert len(own) == 1, adcode
        assert rank_text in own[0][: len(name) + 60], adcode
    assert all(footer in _squash(p) for p in brief_pages)
    # page numbers: every page after the cover ends with its number (the contents page is 1)
    for number, page in enumerate(pages[1:], start=1):
        assert page.strip().splitlines()[-1].strip() == str(number)
    assert not _outside(pdf)


def test_report_ranking_table_lists_cities_in_rank_order(report, yrd, census):
    lang, _pdf, pages = report
    result, _ = yrd
    names = _names(census[2], lang)
    t = texts(lang)
    group, index = group_label("yrd27", lang, 27), result.framework.name("TVI", lang)
    caption = _squash(t["ranking_caption"].format(year=2020, group=group, index=index))
    overview = next(i for i, p in enumerate(pages) if caption[:20] in _squash(p))
    table = "\n".join(pages[overview : overview + 2])
    order = result.scores.query("year == 2020").sort_values("rank")
    lines = [ln for ln in table.splitlines()]
    previous = -1
    for adcode, rank in zip(order["adcode"], order["rank"], strict=True):
        row = next(i for i, ln in enumerate(lines) if ln.startswith(f"{rank} {names[adcode]} "))
        assert row > previous
        previous = row


def _hostile(census):
    data, fw, units = census
    units = units.copy()
    units.loc[units["adcode"] == "310000", ["name_zh", "name_en"]] = HOSTILE
    units.loc[units["adcode"] == "320100", ["name_zh", "name_en"]] = LONG
    members = "310000,320100,330100,340100"
    return run_pipeline(Build.create(data, fw, Config(), members=members, units=units))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_names_print_literally(census, lang):
    result = _hostile(census)
    group = "<b>*g*</b> #x $y$"
    pdf = brief_pdf(result, "310000", 2020, lang, group=group)
    brief = _squash(_pages(pdf)[0])
    assert _squash(HOSTILE) in brief
    assert _squash(group) in brief
    assert LONG in brief  # a peer: wrapped, never cut off or run off the page
    assert not _outside(pdf)
    pdf = brief_pdf(result, "320100", 2020, lang, group=group)
    assert len(_pages(pdf)) == 1 and LONG in _squash(_pages(pdf)[0])
    assert not _outside(pdf)
    pdf = report_pdf(result, 2020, lang, group=group, geo={})
    report = _squash("".join(_pages(pdf)))
    assert _squash(HOSTILE) in report and _squash(group) in report and LONG in report
    assert not _outside(pdf)


def test_unranked_city_gets_a_one_page_brief_that_says_so(census):
    data, fw, units = census
    data = data.copy()
    rows = (data["adcode"] == "320100") & (data["year"] == 2020)
    data.loc[rows, list(fw.indicators)[:10]] = np.nan
    members = "310000,320100,330100,340100,320200"
    result = run_pipeline(Build.create(data, fw, Config(), members=members, units=units))
    assert (
        result.screening.query("adcode == '320100' and year == 2020")["screening"].iloc[0]
        == "excluded"
    )
    for lang in ("zh", "en"):
        pages = _pages(brief_pdf(result, "320100", 2020, lang, uncertainty=False))
        assert len(pages) == 1
        assert _squash(texts(lang)["not_ranked"]) in _squash(pages[0])
        assert _squash(texts(lang)["excluded_note"]) in _squash(pages[0])
        assert _squash(texts(lang)["no_sw"]) not in _squash(pages[0])
        report = _pages(report_pdf(result, 2020, lang, uncertainty=False, geo={}))
        assert _squash(texts(lang)["uncertainty_missing"]) in _squash("".join(report))


def test_unknown_unit_or_year_is_a_clear_error(yrd):
    from indicators.report import ReportError

    result, ua = yrd
    with pytest.raises(ReportError, match="999999"):
        brief_pdf(result, "999999", 2020, uncertainty=ua)
    with pytest.raises(ReportError, match="2015"):
        brief_pdf(result, "310000", 2015, uncertainty=ua)


def test_missing_cjk_font_names_the_package(yrd, monkeypatch, tmp_path):
    result, ua = yrd
    monkeypatch.setenv("INDICATORS_FONT_DIR", str(tmp_path))
    with pytest.raises(FontMissing, match="fonts-wqy-microhei"):
        brief_pdf(result, "310000", 2020, uncertainty=ua)


def test_cli_writes_a_brief_and_refuses_bad_input(tmp_path, capsys, monkeypatch):
    from indicators.cli import main

    out = tmp_path / "brief.pdf"
    args = ["report", "--units", "yrd27", "--year", "2020", "--lang", "en", "--n", "50"]
    assert main([*args, "--city", "310000", "--out", str(out)]) == 0
    assert len(_pages(out.read_bytes())) == 1
    assert main([*args, "--city", "999999", "--out", str(out)]) == 1
    assert "999999" in capsys.readouterr().err
    assert main([*args, "--out", str(tmp_path / "r.csv")]) == 2
    assert ".pdf" in capsys.readouterr().err
    monkeypatch.setenv("INDICATORS_FONT_DIR", str(tmp_path))
    assert main([*args, "--city", "310000", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "fonts-wqy-microhei" in err and "Traceback" not in err


def test_summary_facts_from_the_briefs_tables_are_the_summarys_own(yrd):
    """The brief hands its strengths/weaknesses (k=3) and peers to city_facts instead of
    computing them twice: the facts must be exactly those city_facts computes itself."""
    from indicators import nearest_peers, strengths_weaknesses
    from indicators.summary import city_facts

    result, ua = yrd
    for adcode in ("310000", "320100", "341800", "330900"):
        for year in (2010, 2020):
            own = city_facts(result, adcode, year, "en", intervals=ua.ranks)
            sw = strengths_weaknesses(result, adcode, year, k=3)
            near = nearest_peers(result, adcode, year, k=5)
            given = city_facts(result, adcode, year, "en", intervals=ua.ranks, sw=sw, near=near)
            assert given == own


def _view(census, result, group="yrd27", prov="", lang="zh"):
    from types import SimpleNamespace

    data, fw, units = census
    dataset = SimpleNamespace(
        level="city", units=units, label=lambda lg: "数据集" if lg == "zh" else "dataset"
    )
    selections = {"group": group, "prov": prov, "year": 2020}
    return SimpleNamespace(
        lang=lang, selections=selections, dataset=dataset, members=result.build.members, year=2020
    )


def test_dashboard_helpers_make_the_pdfs_the_pages_offer(census, yrd):
    """ui.reports: what the download buttons hand to st.download_button (callables, names)."""
    from ui import reports

    result, _ = yrd
    view = _view(census, result)
    assert reports.unavailable("zh") is None
    assert reports.group_phrase(view) == "长三角中心区 27 城"
    assert reports.brief_file_name(view, "310000") == "talent_vitality_brief_上海市_2020_zh.pdf"
    assert reports.brief_file_name(view, "../x y") == "talent_vitality_brief_..-x_y_2020_zh.pdf"
    assert reports.report_file_name(view) == "talent_vitality_report_长三角中心区_27_城_2020_zh.pdf"
    pages = _pages(reports.brief_data(view, result, "310000")())
    assert len(pages) == 1 and "数据集" in pages[0] and "长三角中心区27城" in _squash(pages[0])
    data, fw, units = census
    zj = run_pipeline(Build.create(data, fw, Config(), members="浙江省", units=units))
    view = _view(census, zj, group="province", prov="浙江省", lang="en")
    assert reports.group_phrase(view) == "Zhejiang"
    assert reports.report_file_name(view) == "talent_vitality_report_Zhejiang_2020_en.pdf"


def test_the_report_engine_never_imports_streamlit():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; import indicators.report, indicators.report.content, "
        "indicators.report.charts, indicators.report.render, indicators.cli; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'ui')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
