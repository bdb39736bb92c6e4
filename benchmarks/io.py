"""Reading and writing speed: prints one JSON line per benchmark (see ``benchmarks/README.md``).

The table: 10,000 units × 100 indicators, one year, about 5 % empty cells, values written with
Python's shortest round-trip repr (as ``write_table`` writes them), and a framework with those
100 indicators. Each benchmark is timed against a baseline measured in the same run on the same
table, interleaved with it (so both see the same machine load):

* ``load_data_csv``: ``indicators.load_data(csv_bytes, framework)`` against
  ``pandas.read_csv(csv_bytes, dtype={"adcode": str})``.
* ``write_table_csv``: ``indicators.export.write_table(frame, path, "csv")`` against
  ``frame.to_csv(path, index=False)``.

Fields: ``name, n_runs, median_s, min_s, baseline, baseline_median_s, ratio`` (median over
baseline median), ``target_s, meets_target``. Wall time is ``time.perf_counter``; one untimed
warm-up run of each first.

Run: ``python benchmarks/io.py [--runs N] [--units N] [--indicators N]``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators import Framework, load_data  # noqa: E402
from indicators.export import write_table  # noqa: E402

TARGETS = {"load_data_csv": 0.5, "write_table_csv": 0.3}


def table(units: int, indicators: int, seed: int = 0) -> tuple[bytes, Framework]:
    """CSV bytes of a one-year wide table (5 % empty cells) and its framework."""
    rng = np.random.default_rng(seed)
    codes = [f"x{j + 1:03d}" for j in range(indicators)]
    values = rng.lognormal(size=(units, indicators)) * 10.0 ** rng.integers(-2, 5, indicators)
    values[rng.random(values.shape) < 0.05] = np.nan
    frame = pd.DataFrame(values, columns=codes)
    frame.insert(0, "year", 2020)
    frame.insert(0, "adcode", [f"{110000 + i:06d}" for i in range(units)])
    rows = [("IDX", None, 2, None, 1.0)] + [(c, "IDX", 1, 1, 1.0) for c in codes]
    framework = Framework.from_table(
        pd.DataFrame(rows, columns=["code", "parent", "level", "direction", "weight"])
    )
    return frame.to_csv(index=False).encode("utf-8"), framework


def paired(
    name: str,
    fn: Callable[[], object],
    baseline_name: str,
    baseline: Callable[[], object],
    runs: int,
) -> dict:
    fn()
    baseline()
    times, base = [], []
    for _ in range(runs):
        started = time.perf_counter()
        baseline()
        base.append(time.perf_counter() - started)
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    median, base_median = statistics.median(times), statistics.median(base)
    return {
        "name": name,
        "n_runs": runs,
        "median_s": round(median, 4),
        "min_s": round(min(times), 4),
        "baseline": baseline_name,
        "baseline_median_s": round(base_median, 4),
        "ratio": round(median / base_median, 2),
        "target_s": TARGETS[name],
        "meets_target": median <= TARGETS[name],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--indicators", type=int, default=100)
    args = parser.parse_args(argv)
    payload, framework = table(args.units, args.indicators)
    print(
        json.dumps(
            {
                "table": f"{args.units} units x {args.indicators} indicators, one year",
                "csv_mb": round(len(payload) / 2**20, 2),
            }
        ),
        flush=True,
    )
    result = paired(
        "load_data_csv",
        lambda: load_data(payload, framework, name="d.csv"),
        "pandas.read_csv",
        lambda: pd.read_csv(io.BytesIO(payload), dtype={"adcode": str}),
        args.runs,
    )
    print(json.dumps(result), flush=True)
    frame = load_data(payload, framework, name="d.csv")
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = Path(tmp) / "ours.csv", Path(tmp) / "pandas.csv"
        result = paired(
            "write_table_csv",
            lambda: write_table(frame, ours, "csv"),
            "DataFrame.to_csv",
            lambda: frame.to_csv(theirs, index=False),
            args.runs,
        )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
