"""Hardening tests: hypothesis profiles and a per-target case counter.

Profiles: ``ci`` (default, a few hundred cases in total, well under a minute) and ``fuzz``
(``HYPOTHESIS_PROFILE=fuzz python -m pytest tests/hardening -m "not slow or slow"``: 20x more
cases). The number of cases run per target is printed at the end of the session.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

CASES: Counter[str] = Counter()

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,  # a per-case wall-clock bound is asserted by the tests themselves
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.register_profile(
    "fuzz",
    max_examples=800,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    if CASES:
        terminalreporter.section("hardening: cases run per target")
        for target, n in sorted(CASES.items()):
            terminalreporter.write_line(f"{target}: {n}")
        terminalreporter.write_line(f"total: {sum(CASES.values())}")
