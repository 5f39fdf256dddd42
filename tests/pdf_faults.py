"""Damaged PDF pages for the tests: pypdf raises on every page whose text holds a marker."""

from __future__ import annotations

import pytest


def break_pages_containing(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    pypdf = pytest.importorskip("pypdf")
    real = pypdf.PageObject.extract_text

    def flaky(self: object, *args: object, **kw: object) -> str:
        if marker in real(self):  # type: ignore[arg-type]
            raise KeyError("/Broken")
        return real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pypdf.PageObject, "extract_text", flaky)
