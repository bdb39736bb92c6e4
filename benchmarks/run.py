"""Engine performance: prints one JSON line per benchmark (see ``benchmarks/README.md``).

Fields: ``name, n_runs, median_s, min_s, peak_mb, memory, target_s, meets_target`` (and
``target_mb``, ``meets_memory``). Wall time is ``time.perf_counter`` over ``n_runs`` runs after
one warm-up run; ``peak_mb`` is the **tracemalloc peak** of one extra run (every Python and
numpy allocation made during the call, above what was allocated before it; the interpreter and
imported libraries are not counted), measured separately because tracing slows the code down.

Run: ``python benchmarks/run.py [--runs N] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators import (  # noqa: E402
    Build,
    Config,
    Framework,
    default_paths,
    load_data,
    load_framework,
    load_units,
    run_pipeline,
    select_units,
)
from indicators.analysis import what_it_takes  # noqa: E402
from indicators.uncertainty import uncertainty  # noqa: E402

TARGET_MB = 500.0


def synthetic_panel(
    units: int = 3000, dims: int = 5, per_dim: int = 10, years: int = 5, seed: int = 0
) -> tuple[pd.DataFrame, Framework]:
    """A random panel and framework: ``dims`` dimensions × ``per_dim`` indicators, 5 % missing.

    Indicators are log-normal (skewed, as real ratios are); every fifth one has direction −1.
    """
    rng = np.random.default_rng(seed)
    rows = [("IDX", None, 3, None, 1.0)]
    codes = []
    for d in range(dims):
        rows.append((f"D{d + 1}", "IDX", 2, None, 1.0))
        for j in range(per_dim):
            code = f"x{d + 1}_{j + 1}"
            codes.append(code)
            rows.append((code, f"D{d + 1}", 1, -1 if j % 5 == 4 else 1, 1.0 + (j % 3)))
    framework = Framework.from_table(
        pd.DataFrame(rows, columns=["code", "parent", "level", "direction", "weight"])
    )
    level = rng.lognormal(size=(units, len(codes)))
    frames = []
    for t in range(years):
        X = level * rng.lognormal(0.0, 0.2, size=level.shape)
        X[rng.random(X.shape) < 0.05] = np.nan
        frame = pd.DataFrame(X, columns=codes)
        frame.insert(0, "year", 2016 + t)
        frame.insert(0, "adcode", [f"U{i:05d}" for i in range(units)])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True), framework


def measure(
    name: str, fn: Callable[[], object], runs: int, target_s: float, memory: bool = True
) -> dict:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    peak_mb = None
    if memory:
        tracemalloc.start()
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb = round(peak / 2**20, 1)
    median = statistics.median(times)
    return {
        "name": name,
        "n_runs": runs,
        "median_s": round(median, 4),
        "min_s": round(min(times), 4),
        "peak_mb": peak_mb,
        "memory": "tracemalloc peak of one run",
        "target_s": target_s,
        "meets_target": bool(median <= target_s),
        "target_mb": TARGET_MB,
        "meets_memory": None if peak_mb is None else bool(peak_mb <= TARGET_MB),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per benchmark")
    parser.add_argument("--only", nargs="*", default=None, help="benchmark names to run")
    args = parser.parse_args(argv)

    paths = default_paths()
    framework = load_framework(paths["framework"])
    data = load_data(paths["data"], framework)
    yrd27 = select_units(load_units(paths["units"]), "yrd27")
    panel, panel_framework = synthetic_panel()
    city_panel, city_framework = synthetic_panel(units=340, dims=5, per_dim=4, years=2, seed=3)
    yrd27_result = run_pipeline(
        Build.create(data, framework, members="yrd27", units=load_units(paths["units"]))
    )
    county_paths = default_paths("county")
    county_data = load_data(county_paths["data"], framework)
    county_units = load_units(county_paths["units"])
    ranked = yrd27_result.scores.query("year == 2020").sort_values("rank")
    middle_city = ranked["adcode"].iloc[len(ranked) // 2]  # rank 14 of 27: every indicator works

    benchmarks = [
        (
            "pipeline_all_cities",
            lambda: run_pipeline(Build.create(data, framework, Config())).scores,
            20,
            0.1,
        ),
        (
            "uncertainty_1000_yrd27",
            lambda: uncertainty(
                Build.create(data, framework, Config(), members=yrd27), n=1000, seed=0
            ),
            5,
            2.0,
        ),
        (
            "uncertainty_1000_all_cities",
            lambda: uncertainty(Build.create(data, framework, Config()), n=1000, seed=0),
            3,
            15.0,
        ),
        (
            # issue 13: every county-level unit, both years (2,989 units in 2020, 1,555 in 2010)
            "pipeline_all_counties",
            lambda: (
                run_pipeline(
                    Build.create(
                        county_data, framework, Config(), members="all", units=county_units
                    )
                ).scores
            ),
            20,
            0.15,
        ),
        (
            "uncertainty_1000_all_counties",
            lambda: uncertainty(
                Build.create(county_data, framework, Config(), members="all", units=county_units),
                n=1000,
                seed=0,
            ),
            3,
            10.0,
        ),
        (
            # the former timed unit test: a city-sized panel through every data-driven step
            "pipeline_city_sized_treat_latest_entropy",
            lambda: (
                run_pipeline(
                    Build.create(
                        city_panel,
                        city_framework,
                        Config(treat="coinr", impute="latest", weights="entropy"),
                    )
                ).scores
            ),
            20,
            0.1,
        ),
        (
            "what_it_takes_one_city_yrd27",
            lambda: what_it_takes(yrd27_result, middle_city, 2020, 1),
            5,
            0.5,
        ),
        (
            "pipeline_synthetic_3000x50x5",
            lambda: run_pipeline(Build.create(panel, panel_framework, Config())).scores,
            5,
            1.0,
        ),
    ]
    for name, fn, runs, target in benchmarks:
        if args.only and name not in args.only:
            continue
        print(json.dumps(measure(name, fn, args.runs or runs, target)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
