"""Shared fixtures: a real HTTP server on 127.0.0.1 and fetchers allowed to reach it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from httpserver import Server

from unspin.fetch import Fetcher


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
