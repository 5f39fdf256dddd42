"""End-to-end tests of the command line: real ``python -m unspin`` subprocesses, no mocks.

Tests that need the engine call ``pytest.importorskip("unspin.engine")`` first, so they run
automatically once the engine exists.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import unspin
from unspin.cli import diff_segments, render_check, render_diff
from unspin.result import CheckReport, Edit, Restoration

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SPUN = EXAMPLES / "spun-example.txt"
ORIGINAL = EXAMPLES / "spun-example.original.txt"
CLEAN = EXAMPLES / "clean-example.txt"

CHECK_KEYS = {"score", "verdict", "judgeable", "message", "words", "edits"}
RESTORE_KEYS = CHECK_KEYS | {"restored"}
EDIT_KEYS = {"start", "end", "spun", "original", "confidence", "evidence"}

FRENCH = (
    "Le conseil municipal s'est réuni mardi soir pour discuter de la tempête qui a privé "
    "des milliers de foyers d'électricité pendant le week-end. Le maire a déclaré que les "
    "équipes avaient travaillé toute la nuit, mais plusieurs quartiers près de la rivière "
    "restaient sans courant lundi soir. Les habitants se plaignent de ne pas avoir reçu "
    "assez d'aide depuis le début de la tempête.\n"
)


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[bytes], seconds: float) -> None:
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8")
        self.err = proc.stderr.decode("utf-8")
        self.seconds = seconds

    def json(self) -> dict[str, Any]:
        return json.loads(self.out)


def run_cli(*args: str | Path, stdin: bytes | None = None, timeout: float = 300) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "unspin", *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
        check=False,
    )
    return Run(proc, time.perf_counter() - t0)


@functools.cache
def cached(*args: str) -> Run:
    """Engine runs are slow-ish (the model loads per process): share identical ones."""
    return run_cli(*args)


def words(text: str) -> list[str]:
    return text.split()


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, words(a), words(b), autojunk=False).ratio()


def assert_clean_error(run: Run, code: int = 2) -> None:
    assert run.code == code, (run.code, run.err)
    assert "Traceback" not in run.err
    assert run.out == ""


# --------------------------------------------------------------------------- no engine needed


def test_version() -> None:
    run = run_cli("--version")
    assert run.code == 0
    assert run.out.strip() == f"unspin {unspin.__version__}"


def test_help_and_missing_command() -> None:
    assert run_cli("--help").code == 0
    run = run_cli()
    assert run.code == 2
    assert "usage:" in run.err


@pytest.mark.parametrize("value", ["1.5", "-0.1", "abc", "nan"])
def test_bad_min_confidence(value: str) -> None:
    run = run_cli("check", "--min-confidence", value, SPUN)
    assert_clean_error(run)
    assert "--min-confidence" in run.err


def test_json_and_diff_are_exclusive() -> None:
    run = run_cli("restore", "--json", "--diff", SPUN)
    assert_clean_error(run)
    assert "unspin: error:" in run.err


@pytest.mark.parametrize("command", ["check", "restore"])
@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"  \n\n\t ", "only whitespace"),
        (b"GIF89a\x00\x01\x00\x01" * 50, "binary"),
        (bytes(range(0x80, 0x100)) * 4, "not valid UTF-8"),
    ],
    ids=["empty", "whitespace", "binary", "invalid-utf8"],
)
def test_unusable_file(tmp_path: Path, command: str, data: bytes, needle: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    run = run_cli(command, path)
    assert_clean_error(run)
    assert run.err.startswith("unspin: error: ")
    assert needle in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_missing_file_and_directory(tmp_path: Path) -> None:
    run = run_cli("check", tmp_path / "missing.txt")
    assert_clean_error(run)
    assert "no such file" in run.err
    run = run_cli("restore", tmp_path)
    assert_clean_error(run)
    assert "is a directory" in run.err


def test_empty_stdin() -> None:
    run = run_cli("check", "-", stdin=b"")
    assert_clean_error(run)
    assert "standard input is empty" in run.err


def test_small_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "input.txt"
    path.write_text("The supply mentioned that the workplace was closed.\n" * 10)
    run = run_cli("restore", "--max-bytes", "100", path)
    assert_clean_error(run)
    assert "too large" in run.err


def test_fifty_megabyte_file_fails_fast(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = b"The council mentioned that the storm had left no less than 2,000 homes dark.\n"
    with path.open("wb") as fh:
        for _ in range(50_000_000 // (len(line) * 1000) + 1):
            fh.write(line * 1000)
    assert path.stat().st_size >= 50_000_000
    for command in ("check", "restore"):
        run = run_cli(command, path, timeout=60)
        assert_clean_error(run)
        assert "too large" in run.err and "5.0 MB" in run.err
        assert run.seconds < 20


def test_oversize_stdin_fails() -> None:
    run = run_cli("check", "-", stdin=b"word " * 1_300_000)
    assert_clean_error(run)
    assert "standard input is too large" in run.err


# --------------------------------------------------------------------------- real engine


def test_check_json_shape_and_offsets() -> None:
    pytest.importorskip("unspin.engine")
    run = cached("check", "--json", str(SPUN))
    assert run.code == 0, run.err
    data = run.json()
    assert set(data) == CHECK_KEYS
    assert data["judgeable"] is True
    assert 0.0 <= data["score"] <= 1.0
    assert isinstance(data["verdict"], str) and data["verdict"]
    assert data["words"] > 200
    assert data["edits"], "the spun example should have suspected spans"
    text = SPUN.read_text(encoding="utf-8")
    for edit in data["edits"]:
        assert set(edit) == EDIT_KEYS
        assert text[edit["start"] : edit["end"]] == edit["spun"]
        assert 0.0 <= edit["confidence"] <= 1.0
        assert isinstance(edit["evidence"], dict)


def test_restore_json_shape() -> None:
    pytest.importorskip("unspin.engine")
    run = cached("restore", "--json", str(SPUN))
    assert run.code == 0, run.err
    data = run.json()
    assert set(data) == RESTORE_KEYS
    assert isinstance(data["restored"], str) and data["restored"].strip()
    text = SPUN.read_text(encoding="utf-8")
    for edit in data["edits"]:
        assert set(edit) == EDIT_KEYS
        assert text[edit["start"] : edit["end"]] == edit["spun"]


def test_restore_moves_example_towards_original() -> None:
    pytest.importorskip("unspin.engine")
    run = cached("restore", str(SPUN))
    assert run.code == 0, run.err
    spun = SPUN.read_text(encoding="utf-8")
    original = ORIGINAL.read_text(encoding="utf-8")
    before = similarity(spun, original)
    after = similarity(run.out, original)
    assert after > before, (before, after)
    # The summary goes to stderr, the text alone to stdout.
    assert "score" in run.err and "edit" in run.err
    assert "score" not in run.out.splitlines()[-1]


def test_restore_text_matches_json() -> None:
    pytest.importorskip("unspin.engine")
    assert (
        cached("restore", str(SPUN)).out
        == cached("restore", "--json", str(SPUN)).json()["restored"]
    )


def test_restore_diff_plain_markers() -> None:
    pytest.importorskip("unspin.engine")
    run = run_cli("restore", "--diff", SPUN)
    assert run.code == 0, run.err
    assert "[-" in run.out and "{+" in run.out
    assert "\x1b[" not in run.out
    # Undoing the markers gives back the input; applying them gives the restored text.
    spun = SPUN.read_text(encoding="utf-8")
    restored = cached("restore", str(SPUN)).out
    dels, ins = re.compile(r"\[-(.*?)-\]", re.S), re.compile(r"\{\+(.*?)\+\}", re.S)
    undo = dels.sub(r"\1", ins.sub("", run.out))
    apply = ins.sub(r"\1", dels.sub("", run.out))
    assert undo == spun
    assert apply.rstrip("\n") == restored.rstrip("\n")


def test_check_human_output() -> None:
    pytest.importorskip("unspin.engine")
    run = run_cli("check", "--color", "never", SPUN)
    assert run.code == 0, run.err
    verdict = cached("check", "--json", str(SPUN)).json()["verdict"]
    last = run.out.strip().splitlines()[-1]
    assert re.fullmatch(r"score \d\.\d\d — .+ \(\d+ edits? in \d+ words?\)", last), last
    assert verdict in last
    assert re.search(r"\[[^\]]+ → [^\]]+ \(\d\.\d\d\)\]", run.out)
    assert "\x1b[" not in run.out


def test_check_color_always() -> None:
    pytest.importorskip("unspin.engine")
    run = run_cli("check", "--color", "always", SPUN)
    assert run.code == 0, run.err
    assert "\x1b[" in run.out and "→" in run.out


def test_min_confidence_never_adds_edits() -> None:
    pytest.importorskip("unspin.engine")
    default = cached("check", "--json", str(SPUN)).json()
    strict = cached("check", "--json", "--min-confidence", "0.99", str(SPUN)).json()
    assert len(strict["edits"]) <= len(default["edits"])
    strict_restore = cached("restore", "--json", "--min-confidence", "0.99", str(SPUN)).json()
    assert len(strict_restore["edits"]) <= len(default["edits"])


def test_stdin_dash_matches_file() -> None:
    pytest.importorskip("unspin.engine")
    run = run_cli("check", "--json", "-", stdin=SPUN.read_bytes())
    assert run.code == 0, run.err
    assert run.json() == cached("check", "--json", str(SPUN)).json()


def test_crlf_input_gives_same_edits(tmp_path: Path) -> None:
    pytest.importorskip("unspin.engine")
    path = tmp_path / "crlf.txt"
    path.write_bytes(SPUN.read_bytes().replace(b"\n", b"\r\n"))
    run = run_cli("check", "--json", path)
    assert run.code == 0, run.err
    assert run.json() == cached("check", "--json", str(SPUN)).json()


def test_clean_text_scores_below_spun_text() -> None:
    pytest.importorskip("unspin.engine")
    clean = cached("check", "--json", str(CLEAN)).json()
    spun = cached("check", "--json", str(SPUN)).json()
    assert clean["judgeable"] is True
    assert clean["score"] < spun["score"]
    assert len(clean["edits"]) < len(spun["edits"])


@pytest.mark.parametrize("command", ["check", "restore"])
def test_french_is_not_judged(tmp_path: Path, command: str) -> None:
    pytest.importorskip("unspin.engine")
    path = tmp_path / "fr.txt"
    path.write_text(FRENCH, encoding="utf-8")
    run = run_cli(command, path)
    assert run.code == 3, (run.out, run.err)
    assert "Traceback" not in run.err
    assert run.err.startswith("unspin: ") and len(run.err.strip()) > len("unspin: ")
    assert run.out == ""
    data = run_cli(command, "--json", path)
    assert data.code == 3
    payload = data.json()
    assert payload["judgeable"] is False
    assert payload["message"]
    assert payload["edits"] == []


# --------------------------------------------------------------------------- rendering (no engine)

_TEXT = "The supply mentioned the workplace was closed.\n"
_EDITS = [
    Edit(4, 10, "supply", "source", 0.93),
    Edit(11, 20, "mentioned", "said", 0.88),
    Edit(25, 34, "workplace", "office", 0.7),
]


def test_render_check_plain_markers() -> None:
    report = CheckReport(_TEXT, 0.8, "likely spun", _EDITS, 7)
    assert render_check(report, styled=False).plain == (
        "The [supply → source (0.93)] [mentioned → said (0.88)] the "
        "[workplace → office (0.70)] was closed.\n"
    )


def test_render_diff_uses_offsets_and_falls_back_to_words() -> None:
    restored = "The source said the office was closed.\n"
    result = Restoration(_TEXT, 0.8, "likely spun", _EDITS, 7, restored=restored)
    assert render_diff(result, styled=False).plain == (
        "The [-supply-]{+source+} [-mentioned-]{+said+} the [-workplace-]{+office+} was closed.\n"
    )
    # Edits that do not reproduce the restored text: a word diff of the two texts instead.
    shut = "The source said the office was shut.\n"
    other = Restoration(_TEXT, 0.8, "x", _EDITS, 7, restored=shut)
    assert render_diff(other, styled=False).plain.endswith("was [-closed.-]{+shut.+}\n")
    assert diff_segments("a b", "a b", []) == [("same", "a b")]
