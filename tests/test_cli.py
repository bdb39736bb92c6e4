from pathlib import Path

import pandas as pd
import pytest

from indicators.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
FW = str(FIXTURES / "framework.csv")
DATA = str(FIXTURES / "data.csv")
UNITS = str(FIXTURES / "units.csv")


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", [[], ["compute"], ["uncertainty"]])
def test_help_lists_every_method(capsys, command):
    from indicators import methods

    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    for registry in (
        methods.IMPUTE,
        methods.TREAT,
        methods.NORMALISE,
        methods.WEIGHTS,
        methods.AGGREGATE,
    ):
        for name in registry:
            assert name in out


def test_bad_method_is_usage_error(capsys):
    code, _, err = run(capsys, "compute", "--normalise", "magic", "--out", "x.csv")
    assert code == 2
    assert "invalid choice: 'magic'" in err


def test_bad_output_suffix(capsys, tmp_path):
    code, _, err = run(
        capsys, "compute", "--data", DATA, "--framework", FW, "--out", str(tmp_path / "x.json")
    )
    assert code == 2 and ".csv, .xlsx or .parquet" in err


def test_missing_file(capsys, tmp_path):
    missing = str(tmp_path / "nope.csv")
    code, _, err = run(
        capsys, "compute", "--data", missing, "--framework", FW, "--out", str(tmp_path / "o.csv")
    )
    assert code == 1
    assert "nope.csv: file not found" in err


def test_invalid_data_lists_problems(capsys, tmp_path):
    bad = str(FIXTURES / "broken" / "data_three_problems.csv")
    code, _, err = run(
        capsys, "compute", "--data", bad, "--framework", FW, "--out", str(tmp_path / "o.csv")
    )
    assert code == 1
    assert "3 problems found" in err
    assert "data_three_problems.csv, row 2, column 'ind_b'" in err


def test_compute_on_fixtures(capsys, tmp_path):
    out = tmp_path / "scores.csv"
    code, _, err = run(
        capsys,
        "compute",
        "--data",
        DATA,
        "--framework",
        FW,
        "--units-file",
        UNITS,
        "--out",
        str(out),
    )
    assert code == 0, err
    frame = pd.read_csv(out, dtype={"adcode": str}, encoding="utf-8-sig")
    expected = ["adcode", "year", "IDX", "D1", "D2", "ind_a", "ind_b", "ind_c", "ind_d", "rank"]
    screening = ["indicators_present", "indicators_total", "missing_dimensions", "screening"]
    assert frame.columns.tolist()[:2] == ["adcode", "year"]
    assert sorted(frame.columns[: len(expected)]) == sorted(expected)
    assert frame.columns.tolist()[len(expected) - 1 :] == ["rank", *screening]
    assert (frame["screening"] == "ranked").all() and frame["indicators_total"].eq(4).all()
    # default group with a units file is yrd27: Bengbu (340300) is not in it
    assert sorted(frame["adcode"].unique()) == ["310000", "320100", "320500", "330100", "330200"]
    assert len(frame) == 10
    assert frame.groupby("year")["rank"].min().tolist() == [1, 1]


def test_compute_year_units_and_formats(capsys, tmp_path):
    out = tmp_path / "s.xlsx"
    code, _, err = run(
        capsys,
        "compute",
        "--data",
        DATA,
        "--framework",
        FW,
        "--units",
        "all",
        "--year",
        "2020",
        "--normalise",
        "zscore",
        "--out",
        str(out),
    )
    assert code == 0, err
    frame = pd.read_excel(out, sheet_name="results", dtype={"adcode": str})
    assert len(frame) == 6 and set(frame["year"]) == {2020}
    methodology = pd.read_excel(out, sheet_name="methodology")
    assert "zscore" in methodology["value"].tolist()
    code, _, err = run(
        capsys,
        "compute",
        "--data",
        DATA,
        "--framework",
        FW,
        "--year",
        "1999",
        "--out",
        str(tmp_path / "y.parquet"),
    )
    assert code == 1 and "year 1999 is not in the data" in err
    code, _, err = run(
        capsys,
        "compute",
        "--data",
        DATA,
        "--framework",
        FW,
        "--units",
        "Atlantis",
        "--out",
        str(tmp_path / "y.csv"),
    )
    assert code == 1 and "unknown unit group" in err


def test_compute_province_parquet(capsys, tmp_path):
    out = tmp_path / "zj.parquet"
    code, _, err = run(
        capsys,
        "compute",
        "--data",
        DATA,
        "--framework",
        FW,
        "--units-file",
        UNITS,
        "--units",
        "浙江",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert sorted(pd.read_parquet(out)["adcode"].unique()) == ["330100", "330200"]


def test_coinr_matches_hand_computed_coinr_default(capsys, tmp_path):
    """COINr default build (n_minmax to [0, 100], a_amean with iMeta weights, NAs dropped)."""
    out = tmp_path / "coinr.csv"
    code, _, err = run(
        capsys,
        "compute",
        "--coinr",
        "--data",
        str(FIXTURES / "coinr" / "iData.csv"),
        "--framework",
        str(FIXTURES / "coinr" / "iMeta.csv"),
        "--out",
        str(out),
    )
    assert code == 0, err
    got = pd.read_csv(out, encoding="utf-8-sig")
    expected = pd.read_csv(FIXTURES / "coinr" / "expected.csv")
    assert "year" not in got.columns  # single period
    got = got[expected.columns]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, atol=1e-9, rtol=0)


def test_coinr_needs_both_tables(capsys, tmp_path):
    code, _, err = run(
        capsys, "compute", "--coinr", "--data", DATA, "--out", str(tmp_path / "x.csv")
    )
    assert code == 2 and "--coinr needs" in err


def test_uncertainty_writes_rank_intervals(capsys, tmp_path):
    pytest.importorskip("indicators.uncertainty")
    out = tmp_path / "u.csv"
    code, _, err = run(
        capsys,
        "uncertainty",
        "--data",
        DATA,
        "--framework",
        FW,
        "--units",
        "all",
        "--n",
        "20",
        "--seed",
        "1",
        "--out",
        str(out),
    )
    assert code == 0, err
    frame = pd.read_csv(out, dtype={"adcode": str}, encoding="utf-8-sig")
    for column in ("adcode", "nominal_rank", "median_rank", "p05", "p95"):
        assert column in frame.columns


def test_build_data_delegates(monkeypatch):
    import indicators.census.build as build

    seen = {}
    monkeypatch.setattr(build, "main", lambda argv: seen.setdefault("argv", argv) and 0)
    assert main(["build-data", "--x", "1"]) == 0
    assert seen["argv"] == ["--x", "1"]


def test_module_entry_point():
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "indicators", "compute", "--aggregate", "nope", "--out", "x.csv"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr and "Traceback" not in proc.stderr


def test_uncertainty_with_group_imputation_uses_the_provinces(capsys, tmp_path):
    """Regression: exited 1 with "impute='group_mean' needs unit_groups" (groups were derived
    for the main build only)."""
    out = tmp_path / "x.csv"
    code, _, err = run(
        capsys,
        "uncertainty",
        "--units",
        "yrd27",
        "--impute",
        "group_mean",
        "--n",
        "50",
        "--seed",
        "1",
        "--out",
        str(out),
    )
    assert code == 0, err
    frame = pd.read_csv(out, dtype={"adcode": str}, encoding="utf-8-sig")
    assert len(frame) == 54 and frame["p95"].notna().all()


def test_out_equal_to_an_input_is_refused(capsys, tmp_path):
    data = tmp_path / "data.csv"
    data.write_bytes(Path(DATA).read_bytes())
    before = data.read_bytes()
    code, _, err = run(
        capsys, "compute", "--data", str(data), "--framework", FW, "--out", str(data)
    )
    assert code == 2 and "is also --data" in err
    assert data.read_bytes() == before


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--n", "0", "must be an integer in [2, 20000]"),
        ("--n", "1000000", "must be an integer in [2, 20000]"),
        ("--seed", "-1", "must be an integer in [0, "),
        ("--seed", "x", "must be an integer"),
    ],
)
def test_uncertainty_arguments_are_range_checked(capsys, tmp_path, flag, value, message):
    code, _, err = run(
        capsys, "uncertainty", "--data", DATA, "--framework", FW, flag, value, "--out",
        str(tmp_path / "u.csv"),
    )  # fmt: skip
    assert code == 2 and message in err


def test_units_of_the_units_file_without_data_are_reported(capsys, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text(Path(UNITS).read_text(encoding="utf-8") + "999999,虚构市,Nowhere,,,1,1\n")
    code, _, err = run(
        capsys, "compute", "--data", DATA, "--framework", FW, "--units-file", str(units),
        "--out", str(tmp_path / "o.csv"),
    )  # fmt: skip
    assert code == 0, err
    assert "1 unit(s) of the peer group have no row in the data" in err and "999999" in err


def test_all_zero_weight_overrides_are_refused(capsys, tmp_path):
    code, _, err = run(
        capsys, "compute", "--data", DATA, "--framework", FW, "--weight-overrides", "D1:0,D2:0",
        "--out", str(tmp_path / "o.csv"),
    )  # fmt: skip
    assert code == 1 and "every child of 'IDX' would have weight 0" in err


def test_declared_settings_reach_the_build(capsys, tmp_path):
    out = tmp_path / "o.xlsx"
    code, _, err = run(
        capsys, "compute", "--data", DATA, "--framework", FW, "--treat", "coinr",
        "--treat-winmax", "2", "--weight-overrides", "D1:2", "--aggregate-by-level", "3:geometric",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    sheet = pd.read_excel(out, sheet_name="methodology").set_index("item")["value"]
    assert sheet["config.treat_winmax"] == "2" or sheet["config.treat_winmax"] == 2
    assert "D1" in sheet["config.weight_overrides"]
    assert "geometric" in sheet["config.aggregate_by_level"]
