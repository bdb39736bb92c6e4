"""The CSV reader's two parsers (Arrow for text without quotes, the csv module otherwise) give
the same table and the same problems."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.read import _WHITESPACE, _csv_with_csv_module, _csv_without_quotes
from indicators.validate import ValidationError


def _outcome(parse):
    try:
        return parse(), None
    except ValidationError as err:
        return None, [str(p) for p in err.problems]


field = st.text(alphabet="ab1.-, ;#\t\u3000\u00a0x", max_size=4)
line = st.lists(field, min_size=0, max_size=4).map(lambda cells: ",".join(cells))
texts = st.lists(line, min_size=1, max_size=8).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda end: end.join(lines))
)


@settings(max_examples=300, deadline=None)
@given(text=texts, delimiter=st.sampled_from([",", ";", "\t"]))
def test_arrow_and_csv_module_read_alike(text, delimiter):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fast, fast_problems = _outcome(lambda: _csv_without_quotes("t.csv", text, lines, delimiter))
    if fast is None and fast_problems is None:
        return  # left to the csv module
    slow, slow_problems = _outcome(lambda: _csv_with_csv_module("t.csv", text, delimiter))
    assert fast_problems == slow_problems
    if slow is not None:
        pd.testing.assert_frame_equal(fast, slow)


def test_arrow_path_is_taken_for_plain_files_only():
    text = "a,b\n1,2\n\n ,\n3,4\n"
    frame = _csv_without_quotes("t.csv", text, text.split("\n"), ",")
    assert frame.index.tolist() == [2, 5] and frame["b"].tolist() == ["2", "4"]
    quoted = 'a,b\n"1,5",2\n'
    assert _csv_without_quotes("t.csv", quoted, quoted.split("\n"), ",") is None
    ragged = "a,b\n1,2,3\n"
    assert _csv_without_quotes("t.csv", ragged, ragged.split("\n"), ",") is None


def test_whitespace_is_what_str_strip_removes():
    assert _WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_ends(end):
    text = end.join(["a,b", "1,2", "", "3,4", ""])
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fast = _csv_without_quotes("t.csv", text, lines, ",")
    pd.testing.assert_frame_equal(fast, _csv_with_csv_module("t.csv", text, ","))
