"""Uploads are read and validated in a separate, low-priority process with a deadline.

One Streamlit server serves every session from one Python process, and reading a hostile file
(a spreadsheet that claims a million rows, a header of two million commas) is CPU-bound Python
that holds the interpreter: every other visitor would wait. So :func:`validate` hands the bytes
to a child process (``forkserver``: a clean single-threaded parent with pandas and the engine
already imported, so a child starts in milliseconds), lowers its priority (``nice``) and waits
for it while drawing a small progress line. It stops the child when

* it has worked for :data:`UPLOAD_SECONDS` (the upload is refused with that reason), or
* the visitor leaves: closing the tab, or any new interaction, makes Streamlit stop the script
  at its next update of the progress line (``StopException``), and ``finally`` kills the child.

The child also caps its own address space (:data:`WORKER_MEMORY_BYTES`), so a file that
decompresses or expands far beyond its size ends in a refusal rather than in the server's
memory. What the child returns is plain data (the framework, data and units tables and the
problems found), pickled back through a pipe.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from typing import Any

#: Longest an upload's reading and validation may take (the reference machine needs < 3 s for
#: the largest upload the dashboard accepts, 20 MB).
UPLOAD_SECONDS = 30.0
#: Address space a validating child may use (4 GiB; pandas and pyarrow reserve some up front).
WORKER_MEMORY_BYTES = 4 * 2**30
#: Nice increment of the child: other visitors' work comes first.
WORKER_NICE = 10

#: Largest upload the dashboard computes interactively: every page, the rank intervals and the
#: Lab's Monte Carlo stay within seconds up to this size. Larger panels: the command line.
MAX_SESSION_UNITS = 5_000
MAX_SESSION_ROWS = 20_000
#: A text file with more lines than this many times the row limit is refused before it is
#: parsed (counting its line breaks takes milliseconds; parsing 400,000 rows takes the child
#: many seconds of CPU that other visitors share). The slack leaves room for blank lines,
#: comments and line breaks inside quoted cells, which are not rows.
LINE_SLACK = 2


def session_limit_message(found: str) -> str:
    """Why a panel is too large for the dashboard, and what to use instead."""
    return (
        f"{found}: the dashboard computes up to {MAX_SESSION_UNITS:,} units "
        f"({MAX_SESSION_ROWS:,} rows) interactively; use the command line for larger panels "
        "(python -m indicators compute --data ... --framework ... --out scores.csv)"
    )


def _too_many_lines(payload: bytes) -> str | None:
    """The session-limit message for a text file with far too many lines, else None.
    Workbooks (ZIP) and Parquet files declare their sizes and are checked by the reader."""
    if payload[:4] in (b"PK\x03\x04", b"PAR1"):
        return None
    lines = payload.count(b"\n")
    if lines > LINE_SLACK * MAX_SESSION_ROWS:
        return session_limit_message(f"the file has {lines:,} lines")
    return None


_CONTEXT = mp.get_context("forkserver")
_CONTEXT.set_forkserver_preload(
    ["pandas", "indicators", "indicators.tables", "indicators.read", "openpyxl", "pyarrow.parquet"]
)


def _read(files: dict[str, tuple[str, bytes] | None]) -> dict[str, Any]:
    """Read and validate the uploaded files (runs in the child): every problem, or the tables."""
    import io

    import indicators

    def source(role: str):
        name, payload = files[role]
        buffer = io.BytesIO(payload)
        buffer.name = name
        return buffer

    problems: list = []
    framework = data = units = None
    too_many = _too_many_lines(files["data"][1])
    if too_many is not None:
        problems.append(indicators.Problem(files["data"][0], None, None, too_many))
        return {"problems": problems, "framework": None, "data": None, "units": None, "notes": []}
    try:
        framework = indicators.load_framework(source("framework"))
    except indicators.ValidationError as err:
        problems.extend(err.problems)
    if framework is not None:
        try:
            data = indicators.load_data(source("data"), framework=framework)
        except indicators.ValidationError as err:
            problems.extend(err.problems)
    if files.get("units") is not None:
        try:
            units = indicators.load_units(source("units"))
        except indicators.ValidationError as err:
            problems.extend(err.problems)
    notes: list[str] = []
    if units is not None and data is not None:
        units, found = indicators.reconcile_units(units, data, files["units"][0])
        problems.extend(p for p in found if p.severity == "error")
        notes.extend(p.message for p in found if p.severity != "error")
    return {
        "problems": problems,
        "framework": framework,
        "data": data,
        "units": units,
        "notes": notes,
    }


def _child(conn, files) -> None:
    try:
        import resource

        os.nice(WORKER_NICE)
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    except (ImportError, OSError, ValueError):  # not on this platform: still validate
        pass
    try:
        conn.send(("ok", _read(files)))
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # reported to the parent, which shows it as a problem
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def validate(
    files: dict[str, tuple[str, bytes] | None],
    progress: Callable[[float], None] = lambda elapsed: None,
    *,
    seconds: float | None = None,
) -> tuple[str, Any]:
    """Run :func:`_read` on ``files`` (role -> (name, bytes) or None) in a child process.

    ``seconds`` defaults to :data:`UPLOAD_SECONDS`. Returns ``("ok", tables)``,
    ``("timeout", seconds)``, ``("memory", None)`` or
    ``("error", text)``. ``progress(elapsed)`` is called about four times a second while the
    child works (the page's progress line; in Streamlit it is also where a closed tab stops the
    wait). The child is always gone when this returns or raises.
    """
    seconds = UPLOAD_SECONDS if seconds is None else seconds
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_child, args=(sender, files), daemon=True)
    started = time.monotonic()
    child.start()
    sender.close()
    try:
        while not receiver.poll(0.25):
            elapsed = time.monotonic() - started
            if elapsed > seconds:
                return "timeout", seconds
            if not child.is_alive() and not receiver.poll(0):
                return "error", f"the reading process stopped (exit code {child.exitcode})"
            progress(elapsed)
        return receiver.recv()
    except EOFError:
        return "error", f"the reading process stopped (exit code {child.exitcode})"
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
