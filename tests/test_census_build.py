"""The census build step: small hand-made inputs, CLI errors, and a full byte-for-byte rebuild."""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.census import build, checks, crosswalk
from indicators.census.raw import VARIABLES

REPO = Path(__file__).resolve().parents[1]
CENSUS_DIR = REPO.parent / "shared" / "data" / "census"
DATA = REPO / "data"
OUTPUTS = [
    "cities.csv",
    "units.csv",
    "framework.csv",
    "crosswalk_2010.csv",
    "crosswalk_validation.csv",
    "crosswalk_2010_overrides.csv",
    "counties.csv",
    "county_units.csv",
    "county_match_2010.csv",
    "county_missing_notes.csv",
    "SOURCES.md",
]


def _rows(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {v: [np.nan] * n for v in VARIABLES}
    base.update(columns)
    return pd.DataFrame(base)


def test_aggregate_sums_counts_and_weights_averages() -> None:
    rows = _rows(
        adcode=["A", "A", "B"],
        pop=[100.0, 300.0, 50.0],
        edu_years=[10.0, 6.0, 9.0],
        edu_n=[90.0, 270.0, 45.0],
        fertility=[1.0, 2.0, np.nan],
        women15_64=[10.0, 30.0, 5.0],
    )
    out = build.aggregate(rows)
    assert out.loc["A", "pop"] == 400
    assert out.loc["A", "edu_years"] == pytest.approx((10 * 90 + 6 * 270) / 360)
    assert out.loc["A", "fertility"] == pytest.approx((1 * 10 + 2 * 30) / 40)
    assert np.isnan(out.loc["B", "fertility"])  # no value: missing, not zero
    assert np.isnan(out.loc["A", "occ_total"])


def test_long_form_ratios_need_a_sample() -> None:
    agg = _rows(occ_prof=[5.0, 20.0], occ_total=[50.0, 200.0])
    ratio = build.INDICATORS["prof_tech_pct"](agg)
    assert np.isnan(ratio[0])  # 50 persons: below MIN_LONG_SAMPLE
    assert ratio[1] == pytest.approx(10.0)


def test_stem_and_unit_code() -> None:
    assert crosswalk.stem("藁城市") == "藁城"
    assert crosswalk.stem("长阳土家族自治县") == "长阳土家族"
    assert crosswalk.unit_code("500200") == "500000"
    assert crosswalk.unit_code("320500") == "320500"


def test_overrides_file_is_reviewed() -> None:
    ov = crosswalk.read_overrides()
    assert ov["reason"].str.len().min() > 20
    assert ov["adcode_2020"].str.fullmatch(r"\d{6}").all()


def test_ranges_cover_every_indicator() -> None:
    assert set(checks.RANGES) == set(build.CODES)


def test_main_missing_census_dir_exits_nonzero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = build.main(["--census", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code != 0
    assert "census folder not found" in err
    assert "Traceback" not in err


def test_main_incomplete_census_dir_exits_nonzero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "census").mkdir()
    code = build.main(["--census", str(tmp_path / "census"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: raw file not found")


@pytest.mark.census
@pytest.mark.skipif(not CENSUS_DIR.is_dir(), reason=f"raw census files not found at {CENSUS_DIR}")
def test_rebuild_is_byte_identical_to_committed(tmp_path: Path) -> None:
    assert build.main(["--census", str(CENSUS_DIR), "--out", str(tmp_path)]) == 0
    for name in OUTPUTS:
        assert filecmp.cmp(tmp_path / name, DATA / name, shallow=False), (
            f"{name} differs from data/{name}"
        )
