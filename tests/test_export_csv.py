"""The Arrow CSV writer gives exactly the bytes pandas' ``to_csv`` gave."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.export import _csv_bytes_arrow, _neutralised, write_table


def _pandas_bytes(frame: pd.DataFrame) -> bytes:
    return _neutralised(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e17, max_value=1e17),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.integers(-(10**17), 10**17).map(float),
    st.sampled_from([0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e10, 9999999999.999998, 1e16]),
)
texts = st.one_of(st.none(), st.text(alphabet="ab,\"\n\r\t=+-@ '中", max_size=6))


@st.composite
def frames(draw):
    n = draw(st.integers(1, 12))
    data = {
        "adcode": pd.Series(draw(st.lists(texts, min_size=n, max_size=n)), dtype="str"),
        "year": np.array(draw(st.lists(st.integers(-5, 3000), min_size=n, max_size=n))),
        "x": np.array(draw(st.lists(floats, min_size=n, max_size=n)), dtype="float64"),
        "rank": pd.array(
            draw(st.lists(st.one_of(st.none(), st.integers(1, 400)), min_size=n, max_size=n)),
            dtype="Int64",
        ),
    }
    names = draw(st.permutations(list(data)))
    renamed = draw(st.sampled_from([{}, {"x": "=x,1"}, {"adcode": 'a"b'}]))
    return pd.DataFrame({renamed.get(k, k): data[k] for k in names})


@settings(max_examples=300, deadline=None)
@given(frame=frames())
def test_arrow_writer_matches_pandas(frame):
    fast = _csv_bytes_arrow(frame)
    assert fast is not None
    assert fast == _pandas_bytes(frame)


def test_wide_sample_of_magnitudes():
    rng = np.random.default_rng(0)
    values = rng.lognormal(size=50_000) * 10.0 ** rng.integers(-12, 20, 50_000)
    values[::17] *= -1
    values[::101] = np.round(values[::101])
    values[::97] = np.nan
    frame = pd.DataFrame({"adcode": [f"u{i}" for i in range(len(values))], "v": values})
    frame["adcode"] = frame["adcode"].astype("str")
    assert _csv_bytes_arrow(frame) == _pandas_bytes(frame)


def test_other_tables_are_written_by_pandas(tmp_path):
    odd = pd.DataFrame({"flag": [True, False], "x": [1.5, 2.0]})
    assert _csv_bytes_arrow(odd) is None
    assert write_table(odd, tmp_path / "o.csv") == _pandas_bytes(odd)
    assert _csv_bytes_arrow(pd.DataFrame({"x": [1.0]})) is None  # one column: pandas quotes ""
