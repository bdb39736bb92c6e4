"""The COINr benchmark harness (``benchmarks/coinr.py``): its numpy floor and synthetic tables
are the engine's arithmetic, and it runs without R. No timing is asserted here."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "coinr"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "benchmarks_coinr", ROOT / "benchmarks" / "coinr.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_synthetic_tables_are_seeded_and_shaped(bench):
    idata, imeta = bench.synthetic_tables(60, 10, seed=4)
    again, _ = bench.synthetic_tables(60, 10, seed=4)
    pd.testing.assert_frame_equal(idata, again)
    assert idata.shape == (60, 11)
    assert idata.iloc[:, 1:].isna().to_numpy().any()
    assert set(imeta.loc[imeta["Level"] == 1, "Direction"]) == {1, -1}
    assert list(imeta.loc[imeta["Level"] == 3, "iCode"]) == ["Index"]


def test_floor_is_the_engines_arithmetic(bench, tmp_path):
    idata, imeta = bench.synthetic_tables(40, 10, seed=3)
    files = bench.write_tables(idata, imeta, tmp_path, "tiny")
    data, table = bench.engine_load(*files)
    framework = bench.engine_framework(table)
    scores = bench.engine_build(data, framework, bench.engine_config()).set_index("adcode")

    tree = bench.floor_tree(pd.read_csv(files[1]))
    read = pd.read_csv(files[0])
    index, rank = bench.floor_build(bench.floor_matrix(read, tree), tree)

    units = read["uCode"].astype(str)
    np.testing.assert_allclose(index, scores.loc[units, "Index"].to_numpy(float), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(rank, scores.loc[units, "rank"].to_numpy(float))


def test_floor_uncertainty_gives_ordered_rank_quantiles(bench, tmp_path):
    idata, imeta = bench.synthetic_tables(30, 10, seed=5)
    tree = bench.floor_tree(imeta)
    q = bench.floor_uncertainty(bench.floor_matrix(idata, tree), tree, n=50, seed=0)
    assert q.shape == (3, 30)
    assert np.all(q[0] <= q[1]) and np.all(q[1] <= q[2])
    assert q.min() >= 1 and q.max() <= 30


def test_quick_without_r_runs_and_says_why(bench, tmp_path, monkeypatch, capsys):
    # the tiny COINr fixture stands in for ASEM
    shutil.copy(FIXTURES / "iData.csv", tmp_path / "asem_idata.csv")
    shutil.copy(FIXTURES / "iMeta.csv", tmp_path / "asem_imeta.csv")
    monkeypatch.setattr(bench, "coinr_status", lambda rscript, r_libs: "Rscript not found (test)")

    def no_r(*args, **kwargs):
        raise AssertionError("R must not be started")

    monkeypatch.setattr(bench, "CoinR", no_r)
    argv = ["--quick", "--runs", "1", "--only", "asem", "uncertainty_asem"]
    assert bench.main([*argv, "--asem-dir", str(tmp_path)]) == 0

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [rec["name"] for rec in lines] == ["asem", "uncertainty_asem"]
    for rec in lines:
        assert rec["coinr_median_s"] is None and rec["coinr_over_engine"] is None
        assert rec["engine_median_s"] > 0 and rec["floor_median_s"] > 0
        assert "COINr not run: Rscript not found (test)" in rec["note"]
    assert lines[0]["max_abs_diff"] is None
    assert lines[0]["floor_max_abs_diff"] < 1e-9
    assert lines[1]["draws"] == 100
