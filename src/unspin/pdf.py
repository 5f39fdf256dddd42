"""Read a PDF into clean text with page numbers (science mode's input).

::

    doc = read_pdf("paper.pdf")          # or read_pdf(pdf_bytes)
    doc.text                             # pages joined by a blank line ("\\n\\n")
    doc.page_at(offset)                  # 1-based page number of a character of doc.text
    for page in doc.pages: page.number, page.text

Library: **pypdf**, its layout mode plus a column pass of our own. Measured on one core
(Python 3.11, pypdf 7.1, pdfminer.six 20260107; ``python -m benchmarks.pdf --compare``: 40
generated two-column papers, 224 pages of ~565 words, half drawn column by column, half drawn
row by row across both columns; "order" is the share of words read in order):

=======================  ===========  ===========  ==========  ===============
reader                   ms/page p50  ms/page p95  order flow  order row by row
=======================  ===========  ===========  ==========  ===============
this module (pypdf)              9.7         14.9       1.000            1.000
pypdf ``extract_text``           6.6         11.1      0.993(*)          0.531
pdfminer.six (LAParams)         45.6         60.9      0.961(*)          0.936
=======================  ===========  ===========  ==========  ===============

(*) the two baselines keep running heads and page numbers, about 1% of the words. Timings
vary by 10-20% between runs on the shared 2-core machine used. On two single-column pdfTeX
manuals (36 and 17 pages) this module takes 19 ms a page, pdfminer.six 23-24. pdfminer.six's
cost is its content interpreter (70+ ms a dense page with or without
layout analysis in a first test), and its layout analysis split lines of narrow justified
columns into separate boxes, out of order. pypdf's plain extraction follows the content
stream: the reading order for most papers, but *across* the columns when a page draws them
row by row. Its *layout mode* places every text run on a fixed-width character grid by its
position; this module finds the column gutter on that grid (a band of grid columns blank on
many rows that have text on both sides, and crossed by few rows between them), cuts the rows
there and reads each run of two-column rows left column first, then right; full-width rows
(title, abstract, wide captions) stay where they are. Layout mode ignores text inside form
XObjects and Type3 fonts without a Unicode map: on such pages the plain pass also runs and
wins when the grid holds less than 80% of its characters.

Clean-up (:func:`normalize_text`, :func:`unwrap_lines`): ligatures expanded (ﬅ, long s + t,
to "st", as NFKC does) and NFKC normalisation; words hyphenated at a line end joined
("classi-" + "fication"), a hyphen kept when the first part is already a compound
("state-of-the-" + "art") or when both parts are words and the joined form is not
(lemminflect's dictionary: "self-" + "supervised"); lines of a paragraph unwrapped;
paragraphs (blank space, an indented first line, a short last line, a heading) kept apart by
a blank line; page headers and footers that repeat on several pages and bare page numbers at
the top or bottom of a page dropped.

Bad input raises :class:`unspin.result.UnspinInputError` with a message a person can act on:
a missing or empty file, not a PDF, larger than ``max_bytes``, damaged beyond reading,
password-protected, or without a text layer (scanned images). A page that fails to extract is
skipped; its number goes to :attr:`PdfDocument.skipped`.

Limitations: one gutter per page (two columns; a three-column page reads as two); pages that
fall back to the plain pass keep the content-stream order; a paragraph running over a page
break is split there (a word hyphenated across it is finished on the first page); a prefix
broken at a line end joins its word ("pre-" + "trained" -> "pretrained"); paragraph breaks on
pages drawn row by row are approximate (layout mode estimates the right column's positions
from space widths there); the first hyphen check loads lemminflect (~0.35 s, once).
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from unspin.result import UnspinInputError
from unspin.textio import read_bytes

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PdfDocument",
    "PdfPage",
    "normalize_text",
    "read_pdf",
    "unwrap_lines",
]

#: Largest PDF accepted by default (50 MB).
DEFAULT_MAX_BYTES = 50_000_000

#: Separator between pages in :attr:`PdfDocument.text`.
PAGE_SEPARATOR = "\n\n"

# Layout mode: grid cells per average character width. pypdf's default (1.25) lets a line of
# narrow or small characters overflow its column on the grid; 2.0 leaves room.
_SCALE_WEIGHT = 2.0
# Use the layout grid when it holds at least this share of the plain pass's characters.
_LAYOUT_MIN_SHARE = 0.8
# A gutter: blank on at least this many rows (and this share of the page's text rows) that
# have text on both sides, and at least this many grid cells wide.
_GUTTER_MIN_ROWS = 4
_GUTTER_MIN_SHARE = 0.25
_GUTTER_MIN_WIDTH = 2
# ... and crossed by at most this share as many rows (between its first and last split row).
_GUTTER_MAX_CROSSING = 0.25
# A row whose text crosses the gutter may still be two columns when a gap of two or more
# spaces lies this close to the gutter band (a left-column line that overflowed a little).
_GUTTER_SLACK = 3
# A line indented this many grid cells (about 0.7 em) past its column's margin opens a
# paragraph.
_INDENT = 3
# A line ending a sentence ends its paragraph when the next line's first word would have fitted
# after it: its length + 1 + that word's < this share of the column's typical line length (the
# 90th percentile, in characters: proportional fonts make it approximate).
_FITS = 0.9
# Rows at each end of a page looked at for headers, footers and page numbers.
_EDGE_ROWS = 2
# Fewest characters in the whole document for it to count as having a text layer.
_MIN_TEXT_CHARS = 20

_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",  # long s + t
        "\ufb06": "st",
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u00a0": " ",
        "\u200b": None,  # zero-width space / joiners / BOM
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SOFT_HYPHEN = re.compile(r"\u00ad(?![ \t]*(?:\n|$))")  # kept only at a line end
_SPACES = re.compile(r"[ \t]+")
_SPAN = re.compile(r"\S+(?: \S+)*")  # text runs on a grid row: words split by single spaces
_GAP = re.compile(r" {2,}")
_PAGE_NUMBER = re.compile(
    r"(?:page\s*)?[-\u2013\u2014]?\s*(?:\d{1,4}|[ivx]{1,6})\s*[-\u2013\u2014]?"
    r"(?:\s*(?:/|of)\s*\d{1,4})?",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
# a line ending in a word and a hyphen (or soft hyphen); group 1: the hyphenated token
_HYPHEN_END = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)([-\u00ad])$")
_ALNUM_HYPHEN_END = re.compile(r"\w-$")
_FIRST_WORD = re.compile(r"\S+")
_WORD_START = re.compile(r"[^\W\d_]+")
_BULLETS = frozenset("\u2022\u25e6\u25aa\u25cf\u2023\u2043\u00b7")
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u2019\u201d)\]]*$")


@dataclass
class PdfPage:
    """One page's clean text. ``number`` is 1-based, as printed by PDF viewers."""

    number: int
    text: str


@dataclass
class PdfDocument:
    """A PDF's text page by page.

    :attr:`text` joins the pages' text with :data:`PAGE_SEPARATOR` (a blank line);
    :meth:`page_at` maps a character offset in :attr:`text` back to its page number. Treat
    the object as read-only: :attr:`text` is computed once.
    """

    #: the file read ("" when read from bytes)
    path: str
    #: the pages read, in order (skipped pages left out, so ``pages[i].number`` may differ
    #: from ``i + 1``)
    pages: list[PdfPage]
    #: the title in the PDF's metadata, when it is a real title (not a file name)
    title: str | None = None
    #: pages in the file (more than ``len(pages)`` when ``max_pages`` cut it short)
    page_count: int = 0
    #: numbers of pages that could not be read (left out of :attr:`pages`)
    skipped: list[int] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """All pages' text, separated by a blank line."""
        return PAGE_SEPARATOR.join(p.text for p in self.pages)

    @cached_property
    def page_starts(self) -> list[int]:
        """Offset in :attr:`text` where each page of :attr:`pages` begins."""
        starts, pos = [], 0
        for page in self.pages:
            starts.append(pos)
            pos += len(page.text) + len(PAGE_SEPARATOR)
        return starts

    def page_at(self, offset: int) -> int:
        """The number of the page holding ``text[offset]`` (the separator after a page counts
        as that page's; ``offset == len(text)`` is the last page)."""
        if not self.pages:
            raise ValueError("the document has no pages")
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} is outside the text (0..{len(self.text)})")
        return self.pages[bisect_right(self.page_starts, offset) - 1].number


# --------------------------------------------------------------------------- text clean-up


def normalize_text(text: str) -> str:
    """Expand ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ), NFKC-normalise, turn control characters into spaces
    and drop zero-width characters and soft hyphens inside a line. Keeps newlines."""
    text = unicodedata.normalize("NFKC", text.translate(_LIGATURES))
    # again: NFKC turns a non-breaking hyphen into U+2010
    text = _SOFT_HYPHEN.sub("", text.translate(_LIGATURES))
    return _CONTROL.sub(" ", text)


@lru_cache(maxsize=4096)
def _known_word(word: str) -> bool:
    import lemminflect

    return bool(lemminflect.getAllLemmas(word.lower()))


def _line_break(left: str, right: str) -> tuple[int, str]:
    """How to join line ``left`` to the next line ``right``: (characters to drop from the end
    of ``left``, separator). A hyphen at the line end joins a broken word ("classi-" +
    "fication") or, in a compound, stays without a space ("state-of-the-" + "art")."""
    if not left.endswith(("-", "\u00ad")):
        return 0, " "
    m = _HYPHEN_END.search(left[-80:])
    if m is None:
        if _ALNUM_HYPHEN_END.search(left) and right[:1].isalnum():
            return 0, ""  # "COVID-" + "19"
        return 0, " "
    token, hyphen = m.group(1), m.group(2)
    if hyphen == "\u00ad":  # a soft hyphen marks a word broken by the typesetter
        return 1, ""
    if not right[:1].islower():
        return 0, ""  # "non-" + "Euclidean"
    if "-" in token:  # already a compound: "state-of-the-" + "art"
        return 0, ""
    nxt = _WORD_START.match(right)
    second = nxt.group(0) if nxt else ""
    if second and not _known_word(token + second) and _known_word(token) and _known_word(second):
        return 0, ""  # "self-" + "supervised", "data-" + "driven"
    return 1, ""  # "classi-" + "fication"


@dataclass
class _Line:
    text: str
    indent: int = 0  # grid cells beyond its segment's left margin
    hard: bool = False  # a paragraph starts here whatever the rules say
    typical: float = 0.0  # typical line length of its segment (0: unknown)


def _typical_length(lengths: Sequence[int]) -> float:
    if len(lengths) < 3:
        return 0.0
    ordered = sorted(lengths)
    return float(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))])


def _starts_paragraph(prev: _Line, line: _Line) -> bool:
    if line.hard:
        return True
    if line.text[:1].islower() or _ALNUM_HYPHEN_END.search(prev.text):
        return False  # a lower-case start or a hyphen at the line end continues the sentence
    if line.indent >= _INDENT or line.text[0] in _BULLETS:
        return True
    if prev.typical:
        # the first word of this line would have fitted on the previous one, which ends a
        # sentence: the previous line ended its paragraph
        first = line.text.split(" ", 1)[0]
        room = len(prev.text) + 1 + len(first) < _FITS * prev.typical
        if room and _SENTENCE_END.search(prev.text):
            return True
        if len(prev.text) < 0.5 * prev.typical:
            return True  # after a heading or a short last line
    if (
        line.typical
        and len(line.text) < 0.5 * line.typical
        and not _SENTENCE_END.search(line.text)
        and _SENTENCE_END.search(prev.text)
    ):
        return True  # a heading after a paragraph that ran to the margin
    return False


def _paragraphs(lines: Sequence[_Line]) -> list[str]:
    out: list[str] = []
    parts: list[str] = []  # the current paragraph: line texts and separators
    prev: _Line | None = None
    for line in lines:
        if not line.text:
            if parts:
                out.append("".join(parts))
            parts, prev = [], None
            continue
        if prev is not None and parts and not _starts_paragraph(prev, line):
            drop, sep = _line_break(parts[-1], line.text)
            if drop:
                parts[-1] = parts[-1][:-drop]
            if sep:
                parts.append(sep)
        elif parts:
            out.append("".join(parts))
            parts = []
        parts.append(line.text)
        prev = line
    if parts:
        out.append("".join(parts))
    return out


def unwrap_lines(lines: Sequence[str]) -> str:
    """Join extracted lines into paragraphs: lines of a paragraph joined by a space, words
    hyphenated at a line end joined, paragraphs separated by a blank line. A blank line, an
    indented first line or a short line ending a sentence starts a new paragraph."""
    clean = [_SPACES.sub(" ", normalize_text(s)).strip() for s in lines]
    typical = _typical_length([len(s) for s in clean if s])
    seq = [
        _Line(s, indent=_indent(raw), typical=typical) for s, raw in zip(clean, lines, strict=True)
    ]
    indents = Counter(ln.indent for ln in seq if ln.text)
    base = min(indents.items(), key=lambda kv: (-kv[1], kv[0]))[0] if indents else 0
    for ln in seq:
        ln.indent -= base
    return "\n\n".join(_paragraphs(seq))


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


# --------------------------------------------------------------------------- page layout


def _spans(row: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SPAN.finditer(row)]


def _find_gutter(rows: Sequence[str]) -> tuple[int, int] | None:
    """The grid columns ``[lo, hi)`` of the gutter between two text columns, or None."""
    text_rows = [r for r in rows if r.strip()]
    if len(text_rows) < _GUTTER_MIN_ROWS:
        return None
    width = max(len(r) for r in text_rows)
    occ = [0] * (width + 2)  # rows with text in this cell
    inner = [0] * (width + 2)  # rows with text on both sides of this cell
    for row in text_rows:
        spans = _spans(row)
        for s, e in spans:
            occ[s] += 1
            occ[e] -= 1
        if len(spans) > 1:
            inner[spans[0][1]] += 1
            inner[spans[-1][0]] -= 1
    blank = [0] * width
    o = i = 0
    for c in range(width):
        o += occ[c]
        i += inner[c]
        blank[c] = i - o if i > o else 0
    lo_c, hi_c = int(width * 0.2), int(width * 0.8)
    if hi_c <= lo_c:
        return None
    best = max(range(lo_c, hi_c), key=blank.__getitem__)
    top = blank[best]
    if top < max(_GUTTER_MIN_ROWS, _GUTTER_MIN_SHARE * len(text_rows)):
        return None
    floor = 0.8 * top
    lo = best
    while lo > 0 and blank[lo - 1] >= floor:
        lo -= 1
    hi = best + 1
    while hi < width and blank[hi] >= floor:
        hi += 1
    if hi - lo < _GUTTER_MIN_WIDTH:
        return None
    # Within the rows the gutter separates, few rows may cross it: in a single column of
    # justified text, gaps that line up by chance are crossed by most rows around them.
    split: list[int] = []
    crossing: list[int] = []
    for k, row in enumerate(text_rows):
        spans = _spans(row)
        if _split_row(row, lo, hi) is None:
            crossing.append(k)
        elif spans[0][0] < lo and spans[-1][1] > hi:
            split.append(k)
    if len(split) < _GUTTER_MIN_ROWS:
        return None
    inside = sum(1 for k in crossing if split[0] < k < split[-1])
    if inside > _GUTTER_MAX_CROSSING * len(split):
        return None
    return lo, hi


def _split_row(row: str, lo: int, hi: int) -> int | None:
    """Where to cut ``row`` into left and right column text, or None for a full-width row."""
    cut = (lo + hi) // 2
    if not any(s <= cut < e for s, e in _spans(row)):
        return cut
    best: int | None = None
    first = len(row) - len(row.lstrip(" "))
    for m in _GAP.finditer(row, max(first, lo - _GUTTER_SLACK), hi + _GUTTER_SLACK):
        s, e = m.span()
        if first < s and e < len(row) and (best is None or abs(s - cut) < abs(best - cut)):
            best = s
    return best


def _segment_lines(rows: Sequence[str], hard_first: bool) -> list[_Line]:
    """A column piece or a full-width run as lines, indents measured from its left margin."""
    lines = [_Line(_SPACES.sub(" ", normalize_text(r)).strip(), _indent(r)) for r in rows]
    filled = [i for i, ln in enumerate(lines) if ln.text]
    if not filled:
        return []
    # blank rows at either end only separate this segment from rows of another one
    lines = lines[filled[0] : filled[-1] + 1]
    text = [ln for ln in lines if ln.text]
    # the column's margin: the most common indent (headings and page furniture may stick out)
    margin = min(Counter(ln.indent for ln in text).most_common(), key=lambda kv: (-kv[1], kv[0]))[0]
    typical = _typical_length([len(ln.text) for ln in text])
    for ln in lines:
        ln.indent -= margin
        ln.typical = typical
    for ln in lines:
        if ln.text:
            ln.hard = hard_first
            break
    return lines


def _order_rows(rows: Sequence[str]) -> list[_Line]:
    """Grid rows in reading order: two-column runs left column first, full-width rows kept.

    A run of full-width rows and a run of two-column rows start new paragraphs; the right
    column continues the left one's last paragraph. A blank row belongs to both columns; a
    row with text on one side only is no gap in the other."""
    gutter = _find_gutter(rows)
    if gutter is None:
        return _segment_lines(rows, hard_first=False)
    lo, hi = gutter
    out: list[_Line] = []
    left: list[str] = []
    right: list[str] = []
    wide: list[str] = []

    def add(segment: list[str], hard: bool) -> None:
        out.extend(_segment_lines(segment, hard_first=hard and bool(out)))
        segment.clear()

    for row in rows:
        if not row.strip():
            if wide:
                wide.append("")
            else:
                left.append("")
                right.append("")
            continue
        cut = _split_row(row, lo, hi)
        if cut is not None and wide and wide[-1] and not row[cut:].strip():
            cut = None  # the short last line of a full-width paragraph
        if cut is None:
            if left or right:
                hard = any(r.strip() for r in left)
                add(left, True)
                add(right, not hard)
            wide.append(row)
            continue
        if wide:
            add(wide, True)
        a, b = row[:cut], row[cut:]
        if a.strip():
            left.append(a)
        if b.strip():
            right.append(b)
    if wide:
        add(wide, True)
    hard = any(r.strip() for r in left)
    add(left, True)
    add(right, not hard)
    return out


# --------------------------------------------------------------------------- headers/footers


def _edge_key(row: str) -> str:
    return _DIGITS.sub("#", " ".join(row.split()).lower())


def _edge_indices(rows: Sequence[str]) -> list[int]:
    idx = [i for i, r in enumerate(rows) if r.strip()]
    if len(idx) <= 2 * _EDGE_ROWS:
        return idx
    return idx[:_EDGE_ROWS] + idx[-_EDGE_ROWS:]


def _drop_headers(pages: list[list[str]]) -> None:
    """Blank out repeated header/footer rows and bare page numbers at page edges, in place."""
    counts: Counter[str] = Counter()
    for rows in pages:
        counts.update({_edge_key(rows[i]) for i in _edge_indices(rows)})
    need = 2 if len(pages) < 6 else 3  # running heads change by chapter: no share of pages
    for rows in pages:
        for i in _edge_indices(rows):
            stripped = rows[i].strip()
            if counts[_edge_key(rows[i])] >= need or _PAGE_NUMBER.fullmatch(stripped):
                rows[i] = ""


# --------------------------------------------------------------------------- reading


@dataclass
class _Raw:
    number: int
    rows: list[str]
    grid: bool  # rows from layout mode (a position grid) rather than the plain pass


_LOG_LOCK = threading.Lock()
_LOG_DEPTH = 0
_LOG_LEVEL = logging.NOTSET


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings and errors about damaged files, odd fonts and rotated text
    while reading: what cannot be read is reported by exceptions and skipped pages."""
    global _LOG_DEPTH, _LOG_LEVEL
    logger = logging.getLogger("pypdf")
    with _LOG_LOCK:
        if _LOG_DEPTH == 0:
            _LOG_LEVEL = logger.level
            logger.setLevel(logging.CRITICAL)
        _LOG_DEPTH += 1
    try:
        yield
    finally:
        with _LOG_LOCK:
            _LOG_DEPTH -= 1
            if _LOG_DEPTH == 0:
                logger.setLevel(_LOG_LEVEL)


def _load(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview, max_bytes: int
) -> tuple[bytes, str]:
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), "the input"
        if len(data) > max_bytes:
            raise UnspinInputError(
                f"the PDF is too large: {len(data)} bytes (the limit is {max_bytes} bytes); "
                "pass a larger max_bytes to read it anyway"
            )
    else:
        label = os.fspath(source)
        if label == "-":  # read_bytes would take standard input
            label = os.path.join(".", label)
        data = read_bytes(
            label, max_bytes=max_bytes, what="PDF file",
            too_large_hint="pass a larger max_bytes to read it anyway",
        )
    if not data.strip():
        raise UnspinInputError(f"{label} is empty")
    if b"%PDF-" not in data[:1024]:
        head = data[:512].lstrip().lower()
        hint = ""
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            hint = " (it is an HTML page: download the PDF itself)"
        elif head.startswith(b"{\\rtf"):
            hint = " (it is an RTF document)"
        elif head.startswith(b"pk\x03\x04"):
            hint = " (it is a ZIP archive, perhaps a Word or OpenDocument file)"
        raise UnspinInputError(f"{label} is not a PDF file: no %PDF- header{hint}")
    return data, label


def _open(data: bytes, label: str) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except DependencyError:
                raise UnspinInputError(
                    f"{label} is encrypted with AES; reading it needs the 'cryptography' "
                    "package (pip install 'pypdf[crypto]')"
                ) from None
            except Exception as exc:  # an encryption scheme pypdf cannot open
                raise UnspinInputError(
                    f"{label} is encrypted in a way that cannot be opened ({type(exc).__name__}"
                    "); save an unencrypted copy and try again"
                ) from None
            if not ok:
                raise UnspinInputError(
                    f"{label} is password-protected; remove the password (e.g. print it to a "
                    "new PDF) and try again"
                )
        count = len(reader.pages)
    except UnspinInputError:
        raise
    except FileNotDecryptedError:
        raise UnspinInputError(f"{label} is password-protected") from None
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise UnspinInputError(
            f"{label} is damaged or truncated and cannot be read ({type(exc).__name__}: "
            f"{str(exc)[:120]}); re-download or re-export the PDF"
        ) from None
    if count == 0:
        raise UnspinInputError(f"{label} has no pages (the file may be truncated or damaged)")
    return reader


def _title(reader: Any) -> str | None:
    try:
        meta = reader.metadata
        raw = meta.title if meta is not None else None
    except Exception:  # broken metadata must not stop the text
        return None
    if not raw or not isinstance(raw, str):
        return None
    title = " ".join(normalize_text(raw).split())
    title = re.sub(r"^microsoft (?:word|powerpoint) - ", "", title, flags=re.IGNORECASE)
    if not title or title.lower() in {"untitled", "title", "none", "(anonymous)", "anonymous"}:
        return None
    if re.search(r"\.(?:pdf|docx?|tex|dvi|odt|rtf|indd)$", title, re.IGNORECASE):
        return None
    return title


def _nonspace(s: str) -> int:
    return len(s) - s.count(" ") - s.count("\n")


def _layout_may_miss_text(page: Any) -> bool:
    """Whether layout mode may miss text on ``page``: it reads only the page's own content
    stream (not form XObjects) and skips Type3 fonts without a Unicode map."""
    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        if not hasattr(resources, "get"):
            return True
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else {}
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Form":
                return True
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else {}
        for ref in fonts.values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type3" and "/ToUnicode" not in font:
                return True
    except Exception:  # odd resources: let the plain pass decide
        return True
    return False


def _extract(page: Any, number: int) -> _Raw | None:
    """A page's rows: the layout grid when it holds the page's text, else the plain pass."""
    grid: str | None = None
    try:
        grid = page.extract_text(extraction_mode="layout", layout_mode_scale_weight=_SCALE_WEIGHT)
    except MemoryError:
        raise
    except Exception:
        grid = None
    if grid is not None and grid.strip() and not _layout_may_miss_text(page):
        return _Raw(number, grid.split("\n"), grid=True)
    try:
        plain = page.extract_text()
    except MemoryError:
        raise
    except Exception:
        plain = None
    if grid is not None and (
        plain is None or _nonspace(grid) >= _LAYOUT_MIN_SHARE * _nonspace(plain)
    ):
        return _Raw(number, grid.split("\n"), grid=True)
    if plain is None:
        return None
    return _Raw(number, plain.split("\n"), grid=False)


def _page_text(raw: _Raw) -> str:
    rows = [r.replace("\t", " ").rstrip() for r in raw.rows]
    if raw.grid:
        lines = _order_rows(rows)
    else:
        lines = _segment_lines(rows, hard_first=False)
        for ln in lines:
            ln.indent = 0
    return "\n\n".join(_paragraphs(lines))


def _join_across_pages(pages: list[PdfPage]) -> None:
    """A word hyphenated at the end of a page is finished on that page: the rest of it moves
    from the start of the next page, in place ("classi-" | "fication of" -> "classification" |
    "of")."""
    for prev, page in zip(pages, pages[1:], strict=False):
        if page.number != prev.number + 1 or not prev.text.endswith(("-", "\u00ad")):
            continue
        m = _FIRST_WORD.match(page.text)
        if m is None:
            continue
        drop, sep = _line_break(prev.text, m.group(0))
        if sep:  # no broken word
            continue
        prev.text = prev.text[: len(prev.text) - drop] + m.group(0)
        page.text = page.text[m.end() :].lstrip()


def read_pdf(
    path_or_bytes: str | os.PathLike[str] | bytes | bytearray | memoryview,
    *,
    max_pages: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> PdfDocument:
    """Read a PDF (a path or its bytes) into clean text, page by page.

    ``max_pages`` reads only the first pages (:attr:`PdfDocument.page_count` still counts
    them all). Raises :class:`UnspinInputError` for input that cannot give text: missing,
    empty, not a PDF, over ``max_bytes``, damaged, password-protected, or without a text
    layer.
    """
    if max_pages is not None and max_pages < 1:
        raise ValueError("max_pages must be positive")
    data, label = _load(path_or_bytes, max_bytes)
    with _quiet_pypdf():
        reader = _open(data, label)
        page_count = len(reader.pages)
        wanted = page_count if max_pages is None else min(page_count, max_pages)
        raws: list[_Raw] = []
        skipped: list[int] = []
        for i in range(wanted):
            try:
                raw = _extract(reader.pages[i], i + 1)
            except MemoryError:
                raise
            except Exception:  # a page object too broken to even load
                raw = None
            if raw is None:
                skipped.append(i + 1)
            else:
                raws.append(raw)
        title = _title(reader)
    if not raws:
        raise UnspinInputError(
            f"{label}: no page could be read (the file is damaged or uses features the PDF "
            "reader does not support); re-export the PDF and try again"
        )
    _drop_headers([r.rows for r in raws])
    pages = [PdfPage(r.number, _page_text(r)) for r in raws]
    _join_across_pages(pages)
    for page in pages:  # soft hyphens left at a paragraph's end
        page.text = page.text.replace("\u00ad", "")
    if sum(_nonspace(p.text) for p in pages) < _MIN_TEXT_CHARS:
        raise UnspinInputError(
            f"{label} has no text layer (it looks like scanned images); run OCR on it first, "
            "e.g. `ocrmypdf in.pdf out.pdf`"
        )
    return PdfDocument(
        path=label if not isinstance(path_or_bytes, (bytes, bytearray, memoryview)) else "",
        pages=pages,
        title=title,
        page_count=page_count,
        skipped=skipped,
    )
