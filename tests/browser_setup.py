"""Real-browser set-up shared by the browser tests: Debian's ``chromium`` (/usr/bin/chromium,
or $UNSPIN_CHROMIUM) driven by Playwright for Python.

Importing this module skips the importing test module when either is missing, unless
UNSPIN_REQUIRE_BROWSER=1 (set by ``bash scripts/test.sh``), which turns that into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("UNSPIN_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("UNSPIN_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    reason = (
        f"Debian's chromium is not installed at {CHROMIUM} "
        "('bash scripts/test.sh' installs it as root with apt-get install chromium)"
    )
    if REQUIRED:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)
try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:
    if REQUIRED:
        raise
    pytest.skip("playwright for Python is not installed", allow_module_level=True)

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "REQUIRED", "Page", "chromium_context", "expect"]


@contextmanager
def chromium_context(profile: Path) -> Iterator[Any]:
    """A persistent Chromium context on a fresh user-data-dir, closed on exit."""
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 900},
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()
