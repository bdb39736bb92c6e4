"""Shared browser-test fixtures: a dashboard server on loopback and a headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest

from tests.local_server import launch_server, open_chromium, wait_healthy


@pytest.fixture(scope="module")
def server_process():
    """``(process, base URL)`` of a dashboard started for the module's tests."""
    proc, url = launch_server(stderr=subprocess.PIPE)
    wait_healthy(proc, url)
    yield proc, url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(server_process):
    return server_process[1]


def chromium_context(viewport: dict, **options):
    """A fixture body: a Chromium context on a fresh profile, closed and removed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        profile = tempfile.mkdtemp(prefix="chromium-profile-")
        context = open_chromium(p, profile, viewport=viewport, **options)
        yield context
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
