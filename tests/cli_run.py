"""Running ``unspin`` in-process for the CLI tests: exit code and captured output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from unspin.cli import main


class Out:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Out:
    """``unspin ARGS...`` through :func:`unspin.cli.main`."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return Out(code, captured.out, captured.err)


def assert_one_line_error(out: Out, fragment: str) -> None:
    """Exit status 2 with one ``unspin: error:`` line naming ``fragment``, no traceback."""
    assert out.code == 2
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("unspin: error: "), out.err
    assert fragment in lines[0]
    assert "Traceback" not in out.err
