"""Uploads are read in a child process that stops at a deadline or when the visitor leaves.

Regression (hardening round two, §3): a 4.8 KB XLSX cost about 22 minutes of CPU in the server
process, and the server thread kept running after the tab was closed.
"""

from __future__ import annotations

import multiprocessing as mp
import time

import pytest

from ui import upload_worker

FW = b"code,parent,level,direction\nidx,,2,\na1,idx,1,1\na2,idx,1,1\n"
DATA = b"adcode,a1,a2\nu1,1,2\nu2,3,4\n"


def _files(data: bytes = DATA) -> dict:
    return {"data": ("d.csv", data), "framework": ("f.csv", FW), "units": None}


# a valid file that takes the child well over the first 0.25 s poll to read (about 2 s here):
# 39,000 rows of quoted text, within the line count the child refuses before parsing
_TEXT = b",".join(b'"x"' for _ in range(60))
BIG = b"adcode,a1,a2," + b",".join(b"c%d" % i for i in range(60)) + b"\n"
BIG += b"".join(b"u%d,1,2," % i + _TEXT + b"\n" for i in range(39_000))


def test_a_good_upload_comes_back_as_tables():
    outcome, value = upload_worker.validate(_files())
    assert outcome == "ok" and value["problems"] == []
    assert list(value["data"]["adcode"]) == ["u1", "u2"]


def test_problems_come_back_as_problem_rows():
    outcome, value = upload_worker.validate(_files(b"adcode,a1,a2\nu1,x,2\n"))
    assert outcome == "ok"
    assert [(p.row, p.column) for p in value["problems"]] == [(2, "a1")]


def test_the_deadline_stops_the_child():
    started = time.monotonic()
    outcome, value = upload_worker.validate(_files(BIG), seconds=0.2)
    assert outcome == "timeout" and time.monotonic() - started < 5
    assert not any(p.is_alive() for p in mp.active_children())


def test_a_visitor_who_leaves_stops_the_child():
    """Streamlit raises StopException in the script when the tab is closed, at the next update
    of the progress line; the child must not outlive it."""

    class Left(BaseException):
        pass

    def progress(elapsed: float) -> None:
        raise Left

    with pytest.raises(Left):
        upload_worker.validate(_files(BIG), progress)
    time.sleep(0.2)
    assert not any(p.is_alive() for p in mp.active_children())


def test_far_too_many_lines_are_refused_before_parsing():
    """Regression: a 19 MB file of 400,000 rows was parsed in full (tens of seconds of CPU
    beside the other visitors) before the session limit refused it."""
    lines = upload_worker.LINE_SLACK * upload_worker.MAX_SESSION_ROWS + 1
    data = b"adcode,a1,a2\n" + b"".join(b"u%d,1,2\n" % i for i in range(lines))
    outcome, value = upload_worker.validate(_files(data))
    assert outcome == "ok" and value["data"] is None
    (problem,) = value["problems"]
    assert f"the file has {lines + 1:,} lines" in problem.message
    assert "python -m indicators compute" in problem.message
    from ui.problems import translate

    zh, known = translate(problem.message, "zh")
    assert known and f"文件有 {lines + 1:,} 行" in zh and "命令行" in zh


def test_blank_lines_within_the_slack_are_not_counted_as_rows():
    rows = upload_worker.MAX_SESSION_ROWS - 1  # each row and a blank line, plus the header
    data = b"adcode,a1,a2\n" + b"".join(b"u%d,1,2\n\n" % i for i in range(rows))
    outcome, value = upload_worker.validate(_files(data))
    assert outcome == "ok" and value["problems"] == []
    assert len(value["data"]) == rows
