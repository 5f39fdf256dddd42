"""Shared fixtures: a real HTTP server on 127.0.0.1 and fetchers allowed to reach it.

The suite runs unspin in fast mode (n-gram only) unless UNSPIN_MODE is already set: accurate
mode's neural rescoring is tested in tests/test_neural.py. Subprocesses inherit the setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from httpserver import Server

from unspin.fetch import Fetcher

os.environ.setdefault("UNSPIN_MODE", "fast")


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def make_fetcher(server: Server) -> Iterator[Callable[..., Fetcher]]:
    """Build fast fetchers that may reach only the test server (closed after the test)."""
    made: list[Fetcher] = []

    def make(**kw: Any) -> Fetcher:
        options: dict[str, Any] = {
            "allowed_hosts": {server.host},
            "delay": 0.0,
            "retries": 1,
            "backoff": 0.01,
            "timeout": 2.0,
        }
        options.update(kw)
        fetcher = Fetcher(**options)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()
