"""Shared test set-up: the example builds every engine test starts from.

* ``framework``, ``data``, ``provinces``: the tiny fixture (``tests/fixtures``): IDX <- D1
  (ind_a +, ind_b -), D2 (ind_c w2, ind_d w1); D2 weighs 2, D1 1; 6 units x 2010/2020 with one
  missing cell (320100, 2020, ind_d); provinces = the adcode's first two digits.
* ``example_build``: the default build of the tiny fixture, with its provinces as unit groups.
* ``bundle``: the bundled census tables (data, framework, the 27 YRD cities' adcodes) and
  ``yrd27_build``: their default build for the YRD 27, as the dashboard makes it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Unexpected errors in pages fail the tests as exceptions (ui.errors.guarded re-raises them);
# tests/test_errors.py checks what a visitor sees instead.
os.environ["TVI_RAISE_ERRORS"] = "1"


@pytest.fixture(autouse=True)
def _apptest_runs_the_entry_script(monkeypatch):
    """See ``tests/apptest_patch.py``: AppTest reruns go through ``dashboard.py``."""
    from streamlit.testing.v1 import app_test

    from tests.apptest_patch import EntryScriptPages

    monkeypatch.setattr(app_test, "PagesManager", EntryScriptPages)


@pytest.fixture
def framework():
    from indicators import Framework

    return Framework.from_table(pd.read_csv(FIXTURES / "framework.csv"))


@pytest.fixture
def data() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "data.csv", dtype={"adcode": str})


@pytest.fixture
def provinces(data) -> dict[str, str]:
    return {a: a[:2] for a in data["adcode"].unique()}


@pytest.fixture
def example_build(data, framework, provinces):
    from indicators import Build

    return Build.create(data, framework, unit_groups=provinces, source="tests/fixtures")


@pytest.fixture(scope="session")
def bundle():
    """(data, framework, yrd27 adcodes) of the bundled tables; read-only, shared."""
    from indicators import default_paths, load_data, load_framework, load_units, select_units

    paths = default_paths()
    framework = load_framework(paths["framework"])
    data = load_data(paths["data"], framework)
    return data, framework, select_units(load_units(paths["units"]), "yrd27")


@pytest.fixture(scope="session")
def yrd27_build():
    """The dashboard's default build: bundled data, default config, the YRD 27."""
    from indicators import Build, default_paths, load_data, load_framework, load_units

    paths = default_paths()
    framework = load_framework(paths["framework"])
    return Build.create(
        load_data(paths["data"], framework),
        framework,
        members="yrd27",
        units=load_units(paths["units"]),
        source="bundled census data",
    )
