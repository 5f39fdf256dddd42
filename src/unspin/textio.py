"""Read user input (a file path or ``-`` for stdin) and turn it into clean text.

Everything that makes input unusable is reported as :class:`UnspinInputError` with a message
a person can act on: missing file, a directory, too large, binary, not decodable, empty.
"""

from __future__ import annotations

import os
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

from unspin.result import UnspinInputError

__all__ = ["DEFAULT_MAX_BYTES", "decode_bytes", "read_bytes", "read_text", "write_atomic"]

#: Largest input accepted by default (5 MB of encoded text).
DEFAULT_MAX_BYTES = 5_000_000

# Share of control characters (other than tab, newline, CR, form feed, vertical tab) above
# which input is treated as binary rather than text.
_MAX_CONTROL_SHARE = 0.05
# For input that is not UTF-8: share of non-ASCII bytes above which it is not taken as
# single-byte encoded text (cp1252 / latin-1) but rejected.
_MAX_HIGH_BYTE_SHARE = 0.30
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB"
    return f"{n} bytes"


_TOO_LARGE_HINT = "split it into smaller pieces or raise the limit with --max-bytes"


def _too_large(label: str, max_bytes: int, hint: str = _TOO_LARGE_HINT) -> UnspinInputError:
    return UnspinInputError(
        f"{label} is too large: more than {_size(max_bytes)} (the limit is {max_bytes} bytes); "
        + hint
    )


def read_bytes(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    what: str = "text file",
    too_large_hint: str = _TOO_LARGE_HINT,
) -> bytes:
    """Read at most ``max_bytes`` from a path, or from stdin when ``source`` is ``"-"``.

    Never reads more than ``max_bytes + 1`` bytes, so a huge input fails fast. ``what`` and
    ``too_large_hint`` word the errors for other kinds of file (a PDF).
    """
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    if os.fspath(source) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise _too_large("standard input", max_bytes, too_large_hint)
        return data

    path = os.fspath(source)
    try:
        if os.path.isdir(path):
            raise UnspinInputError(f"{path} is a directory, not a {what}")
        with open(path, "rb") as fh:
            try:
                size = os.fstat(fh.fileno()).st_size
            except OSError:
                size = 0
            if size > max_bytes:
                raise _too_large(f"{path} ({_size(size)})", max_bytes, too_large_hint)
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise UnspinInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnspinInputError(f"{path} is a directory, not a {what}") from None
    except PermissionError:
        raise UnspinInputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise UnspinInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise _too_large(path, max_bytes, too_large_hint)
    return data


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc")
    return bad / len(text)


def decode_bytes(data: bytes, *, label: str = "input") -> str:
    """Decode ``data`` to text, rejecting binary data; normalise line endings to ``\\n``."""
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise UnspinInputError(
                    f"{label} starts with a {encoding.upper()} byte-order mark "
                    "but is not valid text in that encoding"
                ) from None
            break

    if text is None:
        if b"\x00" in data:
            raise UnspinInputError(f"{label} looks like a binary file (it contains NUL bytes)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            high = sum(1 for b in data if b >= 0x80)
            if data and high / len(data) > _MAX_HIGH_BYTE_SHARE:
                raise UnspinInputError(
                    f"{label} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                    f"{exc.start}) and does not look like text; save it as UTF-8 and try again"
                ) from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")

    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise UnspinInputError(
            f"{label} looks like a binary file (too many control characters), not text"
        )
    if not text:
        raise UnspinInputError(f"{label} is empty")
    if not text.strip():
        raise UnspinInputError(f"{label} contains only whitespace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> str:
    """Read ``source`` (a path, or ``"-"`` for stdin) and return it as text.

    Raises :class:`UnspinInputError` with a human-readable message when the input is missing,
    a directory, larger than ``max_bytes``, binary, not decodable, empty or only whitespace.
    """
    data = read_bytes(source, max_bytes=max_bytes, stdin=stdin)
    label = "standard input" if os.fspath(source) == "-" else os.fspath(source)
    return decode_bytes(data, label=label)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, replaced into
    place only when complete: a reader never sees half a file, and a failed write leaves the
    old one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
