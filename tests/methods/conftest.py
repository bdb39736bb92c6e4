"""Shared tiny inputs for the engine tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.framework import Framework

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def framework() -> Framework:
    """IDX <- D1 (ind_a +, ind_b -), D2 (ind_c w2, ind_d w1); D2 weighs 2, D1 1."""
    return Framework.from_table(pd.read_csv(FIXTURES / "framework.csv"))


@pytest.fixture
def data() -> pd.DataFrame:
    """6 units x 2010/2020, one missing cell (320100, 2020, ind_d)."""
    return pd.read_csv(FIXTURES / "data.csv", dtype={"adcode": str})


@pytest.fixture
def provinces(data) -> dict[str, str]:
    return {a: a[:2] for a in data["adcode"].unique()}
