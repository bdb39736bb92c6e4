"""Start the dashboard on 127.0.0.1 and drive Debian's Chromium: shared by the browser tests,
``benchmarks/dashboard.py`` and ``benchmarks/load_test.py``.

Nothing here reaches beyond the machine: the server binds to loopback and Chromium runs with
its background networking switched off (without those flags it keeps trying Google's hosts).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def open_chromium(playwright, profile: str, **options):
    """A headless Debian Chromium with the offline flags above, on the profile folder
    ``profile`` (a persistent context: keep a folder to model a returning browser)."""
    options.setdefault("viewport", {"width": 1400, "height": 1000})
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_server(
    port: int | None = None, stderr=subprocess.DEVNULL, app_dir: Path = ROOT
) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run dashboard.py`` (in ``app_dir``) on loopback; returns (process, base
    URL) at once."""
    port = port or free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=app_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(proc: subprocess.Popen, url: str, timeout: float = 60) -> None:
    """Poll ``/_stcore/health`` until the server answers; stop it and raise after ``timeout``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    detail = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
    raise RuntimeError(f"streamlit did not start within {timeout:.0f} s {detail}")


# True once every chart on the page has drawn: Plotly charts have their SVG, and every Vega-Lite
# chart (SVG renderer) has data marks (the map has none until its GeoJSON has loaded).
CHARTS_DRAWN_JS = """() => {
  const plotly = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const vega = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return plotly.every(c => c.querySelector('.main-svg'))
    && vega.every(c => c.querySelector('svg.marks .role-mark > *'));
}"""
