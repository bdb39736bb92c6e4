"""PDF brief and report speed and size: prints one JSON line per benchmark (see
``benchmarks/README.md``).

Each timed call starts from the loaded tables and does everything a download button or the
command line does: ``Build.create``, ``run_pipeline``, ``uncertainty(n=1000, seed=0)`` and the
PDF (content, charts, typst). Fields: ``name, n_runs, median_s, min_s, size_kb, pages,
target_s, meets_target``. ``brief_yrd27_first`` is the first PDF of the process (typst and the
fonts loaded cold); the others follow one untimed warm-up run.

Run: ``python benchmarks/reports.py [--runs N] [--skip-all]``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators import (  # noqa: E402
    Build,
    Config,
    default_paths,
    load_data,
    load_framework,
    load_units,
    run_pipeline,
    uncertainty,
)
from indicators.report import brief_pdf, group_label, report_pdf  # noqa: E402

SOURCE = "bundled census data (data/cities.csv)"  # as the command line names it


def _pages(pdf: bytes) -> int | None:
    try:
        import pypdf
    except ImportError:
        return None
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _line(name: str, times: list[float], pdf: bytes, target: float | None) -> None:
    median = statistics.median(times)
    print(
        json.dumps(
            {
                "name": name,
                "n_runs": len(times),
                "median_s": round(median, 3),
                "min_s": round(min(times), 3),
                "size_kb": round(len(pdf) / 1024),
                "pages": _pages(pdf),
                "target_s": target,
                "meets_target": None if target is None else median <= target,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def _timed(make: Callable[[], bytes], runs: int, warm: bool = True) -> tuple[list[float], bytes]:
    if warm:
        make()
    times, pdf = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        pdf = make()
        times.append(time.perf_counter() - start)
    return times, pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-all", action="store_true", help="skip the 337-city report")
    args = parser.parse_args()
    paths = default_paths()
    fw = load_framework(paths["framework"])
    data = load_data(paths["data"], framework=fw)
    units = load_units(paths["units"])

    def brief(members: str, adcode: str, lang: str) -> Callable[[], bytes]:
        def make() -> bytes:
            build = Build.create(data, fw, Config(), members=members, units=units, source=SOURCE)
            result = run_pipeline(build)
            ua = uncertainty(result, n=1000, seed=0)
            group = group_label(members, lang, len(build.members))
            return brief_pdf(result, adcode, 2020, lang, group=group, uncertainty=ua)

        return make

    def report(members: str, lang: str) -> Callable[[], bytes]:
        def make() -> bytes:
            build = Build.create(data, fw, Config(), members=members, units=units, source=SOURCE)
            result = run_pipeline(build)
            ua = uncertainty(result, n=1000, seed=0)
            group = group_label(members, lang, len(build.members))
            return report_pdf(result, 2020, lang, group=group, uncertainty=ua)

        return make

    times, pdf = _timed(brief("yrd27", "310000", "zh"), 1, warm=False)
    _line("brief_yrd27_first", times, pdf, 5.0)
    for lang in ("zh", "en"):
        times, pdf = _timed(brief("yrd27", "310000", lang), args.runs)
        _line(f"brief_yrd27_{lang}", times, pdf, 5.0)
    for lang in ("zh", "en"):
        times, pdf = _timed(report("yrd27", lang), max(1, args.runs // 2))
        _line(f"report_yrd27_{lang}", times, pdf, None)
    if not args.skip_all:
        times, pdf = _timed(report("all", "zh"), 1, warm=False)
        _line("report_all_cities_zh", times, pdf, None)


if __name__ == "__main__":
    main()
