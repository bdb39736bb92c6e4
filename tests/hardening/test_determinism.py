"""Determinism and integrity: same inputs and seed give byte-identical exports; committed data
files match their recorded SHA-256 sums (``data/SHA256SUMS``, see ``tools/write_sha256sums.py``).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import write_sha256sums  # noqa: E402


def _cli(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "indicators", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_compute_twice_gives_identical_bytes(tmp_path, fmt):
    outs = [tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"]
    for out in outs:
        _cli("compute", "--units", "yrd27", "--weights", "entropy", "--out", str(out))
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_uncertainty_with_a_seed_twice_gives_identical_bytes(tmp_path):
    outs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for out in outs:
        _cli("uncertainty", "--units", "yrd27", "--n", "100", "--seed", "7", "--out", str(out))
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_committed_data_matches_recorded_sums():
    recorded = {}
    for line in (ROOT / "data" / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        recorded[name] = digest
    current = {
        p.relative_to(ROOT / "data").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in write_sha256sums.data_files()
    }
    assert set(current) == set(recorded), "files added or removed: run tools/write_sha256sums.py"
    changed = sorted(name for name in current if current[name] != recorded[name])
    assert not changed, f"changed since the sums were recorded: {changed}"
