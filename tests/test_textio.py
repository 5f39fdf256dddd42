"""Input reading: every way input can be unusable gives a clear UnspinInputError."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from unspin.result import UnspinInputError
from unspin.textio import DEFAULT_MAX_BYTES, decode_bytes, read_bytes, read_text, write_atomic


def _write(tmp_path: Path, data: bytes, name: str = "input.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_reads_plain_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, "The café said “hello”.\n".encode())
    assert read_text(path) == "The café said “hello”.\n"


def test_strips_utf8_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbfHello world\n")
    assert read_text(path) == "Hello world\n"


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffThe source said so.\r\n".encode("utf-16-le"))
    assert read_text(path) == "The source said so.\n"


def test_crlf_and_cr_normalised(tmp_path: Path) -> None:
    path = _write(tmp_path, b"one\r\ntwo\rthree\n")
    assert read_text(path) == "one\ntwo\nthree\n"


def test_cp1252_fallback_for_text(tmp_path: Path) -> None:
    path = _write(tmp_path, b"The caf\xe9 owner said \x93we are open\x94 on Monday.\n")
    assert read_text(path) == "The café owner said “we are open” on Monday.\n"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "is empty"),
        (b"   \n\t  \r\n  ", "only whitespace"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20, "binary"),
        (bytes(range(1, 9)) * 40 + b"some words", "binary"),
        (bytes(range(0x80, 0x100)) * 8, "not valid UTF-8"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "control-chars", "invalid-utf8"],
)
def test_unusable_content(tmp_path: Path, data: bytes, needle: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(UnspinInputError, match=needle):
        read_text(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnspinInputError, match="no such file"):
        read_text(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(UnspinInputError, match="is a directory"):
        read_text(tmp_path)


def test_size_limit_is_exact(tmp_path: Path) -> None:
    assert read_text(_write(tmp_path, b"a" * 100), max_bytes=100) == "a" * 100
    with pytest.raises(UnspinInputError, match="too large"):
        read_text(_write(tmp_path, b"a" * 101, "big.txt"), max_bytes=100)


def test_stdin_reads_at_most_limit_plus_one() -> None:
    stream = io.BytesIO(b"word " * 10_000)
    with pytest.raises(UnspinInputError, match="standard input is too large"):
        read_bytes("-", max_bytes=1000, stdin=stream)
    assert stream.tell() == 1001


def test_stdin_text() -> None:
    assert read_text("-", stdin=io.BytesIO(b"The supply mentioned it.\r\n")) == (
        "The supply mentioned it.\n"
    )


def test_error_names_the_source(tmp_path: Path) -> None:
    path = _write(tmp_path, b"")
    with pytest.raises(UnspinInputError, match="input.txt"):
        read_text(path)
    with pytest.raises(UnspinInputError, match="standard input"):
        read_text("-", stdin=io.BytesIO(b""))


def test_decode_bytes_label() -> None:
    with pytest.raises(UnspinInputError, match="^blob looks like a binary file"):
        decode_bytes(b"abc\x00def", label="blob")


def test_default_limit_is_five_megabytes() -> None:
    assert DEFAULT_MAX_BYTES == 5_000_000


def test_write_atomic_replaces_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.tsv"
    write_atomic(target, b"first\n")
    write_atomic(target, b"second\n")
    assert target.read_bytes() == b"second\n"
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"second\n"  # a failed write keeps the old file
    assert [p.name for p in target.parent.iterdir()] == ["out.tsv"]
