"""Tortured-phrase fingerprints for scientific papers ("science mode").

A *tortured phrase* is what a paraphrasing tool makes of an established scientific term:
"counterfeit consciousness" for "artificial intelligence", "irregular woodland" for "random
forest". The Problematic Paper Screener (PPS; Guillaume Cabanac, Cyril Labbé, Alexander
Magazinov, https://www.irit.fr/~Guillaume.Cabanac/problematic-paper-screener) screens the
literature with a curated list of such *fingerprints*, each a search query. Half of its
export is bundled here (``data/pps_fingerprints.tsv.gz``, CC BY 4.0, built by
``scripts/build_fingerprints.py``); :func:`update` downloads the current export and
:func:`add` installs a user's own list.

Queries
-------
A query is a small boolean expression over phrases, as PPS writes them for Dimensions::

    information mining                      a bare phrase
    bosom AND "breast"                      fires only when the document also has "breast"
    magnetic cell separation NOT "with MACS"
    favorable cancer AND ("benign cancer" OR "benign tumor")
    gatherings clustering~10                proximity: the words within 10 words
    Chime labs NOT "CHIMe labs Stanford"~5
    Web of Things (IoT)                     literal parentheses: part of the phrase

* Operators are the upper-case words ``AND``, ``OR`` and ``NOT`` (``AND NOT`` = ``NOT``);
  lower-case "and" is text. Without parentheses operators apply **left to right** with equal
  precedence: ``fit record OR "fit file" AND "fit index"`` means
  ``(fit record OR "fit file") AND "fit index"``, which is how the PPS queries read (the
  tortured phrase first, then its conditions). ``a NOT b`` means a and not b.
* A phrase is quoted (``"a b"``) or bare (the words up to the next operator, quote or group).
  Parentheses group only when they follow an operator (or an opening group) or hold a quote or
  an operator; otherwise, as in ``Web of Things (IoT)`` or ``Intel(R) Center``, they are part
  of the phrase.
* ``PHRASE~N`` (quoted or bare) is proximity (Lucene's sloppy phrase, in any order): all the
  words of the phrase occur in a stretch of the document with at most ``N`` other words among
  them. ``a b~10`` fires where ``a`` and ``b`` occur with at most 10 words between them,
  either order; the hit spans both. ``~`` without a number (Lucene's fuzzy search) is an
  error.
* A query's *hits* are the occurrences of its leading phrases: for ``X AND Y`` and
  ``X NOT Y`` the hits of ``X`` when ``Y`` is (or is not) anywhere in the document; for
  ``X OR Y`` the hits of both. Conditions are checked against the whole text passed in.

Matching
--------
Text is split into words (letters and digits, with inner apostrophes) and punctuation marks;
words are compared after Unicode NFKC and case folding, with curly quotes, dashes and the
invisible soft hyphen and zero-width characters normalised. Hyphens, dashes, quote marks and
whitespace (newlines included) only separate words, so "pre-trained" matches "pre trained"
and "pre–\\ntrained" (but not "pretrained", and a word hyphenated across a line break,
"learn-\\ning", stays two words). Other punctuation must match: "information. Mining" is not
"information mining". Matches are whole words only: "bosom" does not match inside "bosoms"
(PPS searches whole phrases, and plural forms are separate fingerprints). Hits carry
character offsets into the original text.

Whitelist
---------
Some phrases are legitimate in a field ("Corvus corone" is the carrion crow in biology,
"in the presence of N2" is ordinary chemistry). ``data/fingerprint_whitelist.tsv`` (columns
field, phrase, reason) lists such uses; ``match(text, field="chemistry")`` drops a hit when a
whitelisted phrase of that field is the fingerprint's tortured phrase or occurs (whole words)
in the hit's text.

User data
---------
User lists live in ``$UNSPIN_HOME/fingerprints/`` (else ``$XDG_DATA_HOME/unspin`` else
``~/.local/share/unspin``); the downloaded PPS export is ``pps_export.tsv`` in that home.
:meth:`FingerprintList.default` is the bundled list, with the downloaded export merged over
it, then every user list (by file name) merged over that: a later list's rows replace the
earlier lists' rows with the same normalised tortured phrase.
"""

from __future__ import annotations

import csv
import gzip
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unspin.result import UnspinInputError
from unspin.textio import write_atomic

if TYPE_CHECKING:
    from unspin.fetch import Fetcher

__all__ = [
    "DEFAULT_EXPORT_URL",
    "AddSummary",
    "And",
    "Fingerprint",
    "FingerprintError",
    "FingerprintHit",
    "FingerprintList",
    "LoadWarning",
    "Near",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "QueryError",
    "UpdateSummary",
    "Whitelist",
    "WhitelistEntry",
    "add",
    "data_dir",
    "export_path",
    "match",
    "normalize",
    "parse_query",
    "update",
    "user_lists_dir",
]

#: The PPS export as published in github.com/hahuyhoang411/tortured-phrase (``data/tortured.csv``,
#: main branch). Not verified from the machine this was written on (it had no network); pass
#: another URL to :func:`update` (``unspin fingerprints update --url``) if it moves.
DEFAULT_EXPORT_URL = (
    "https://raw.githubusercontent.com/hahuyhoang411/tortured-phrase/main/data/tortured.csv"
)
BUNDLED_SOURCE = "pps"
EXPORT_SOURCE = "pps-export"
MIN_EXPORT_ROWS = 100  # a download with fewer valid rows is refused
EXPORT_MAX_BYTES = 50_000_000
_BUNDLED_FILE = "pps_fingerprints.tsv.gz"
_WHITELIST_FILE = "fingerprint_whitelist.tsv"
_HEADER = ("tortured", "expected", "num_papers", "pps_query")
_LIST_SUFFIXES = (".tsv", ".csv", ".tsv.gz", ".csv.gz")
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class FingerprintError(UnspinInputError):
    """A fingerprint list, whitelist or download that cannot be used at all."""


class QueryError(ValueError):
    """A query that cannot be parsed."""


# --------------------------------------------------------------------------- tokens

_JOINERS = "\u00ad\u200b\u200c\u200d\u2060"  # soft hyphen, zero-width characters
_APOSTROPHES = "'\u2019\u02bc"
_WORD_CHAR = r"[\w\u0300-\u036f]"
# characters that only separate words: whitespace, hyphens and dashes, quote marks
_SEPARATORS = (
    r"\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d\"'`\u00b4\u2018-\u201f\u00ab\u00bb\u2039\u203a"
    r"\ufeff" + _JOINERS
)
_TOKEN_RE = re.compile(
    rf"({_WORD_CHAR}+(?:(?:[{_APOSTROPHES}]|[{_JOINERS}]+){_WORD_CHAR}+)*)|([^{_SEPARATORS}])"
)
_WORD_TRANS = str.maketrans({"\u2019": "'", "\u02bc": "'", **{c: None for c in _JOINERS}})


def _norm_word(word: str) -> str:
    if word.isascii():
        return word.lower()
    word = unicodedata.normalize("NFKC", word.translate(_WORD_TRANS)).casefold()
    return unicodedata.normalize("NFKC", word)


def _norm_mark(mark: str) -> str:
    return mark if mark.isascii() else unicodedata.normalize("NFKC", mark).casefold()


@dataclass(slots=True)
class _Tokens:
    norms: list[str]
    starts: list[int]
    ends: list[int]
    word_pos: list[int]  # position among words, -1 for punctuation marks


def _tokenize(text: str) -> _Tokens:
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    word_pos: list[int] = []
    n = 0
    for m in _TOKEN_RE.finditer(text):
        word = m.group(1)
        if word is not None:
            norms.append(word.lower() if word.isascii() else _norm_word(word))
            word_pos.append(n)
            n += 1
        else:
            mark = m.group(2)
            norms.append(mark if mark.isascii() else _norm_mark(mark))
            word_pos.append(-1)
        starts.append(m.start())
        ends.append(m.end())
    return _Tokens(norms, starts, ends, word_pos)


def _phrase_tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokenize(text).norms)


def normalize(text: str) -> str:
    """``text`` as the matcher sees it: normalised tokens joined by single spaces."""
    return " ".join(_tokenize(text).norms)


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True, slots=True)
class Phrase:
    """An exact phrase: its normalised tokens, and the text as written in the query."""

    tokens: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Near:
    """Proximity: every word within a stretch with at most ``slop`` other words."""

    words: tuple[str, ...]
    slop: int
    text: str


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Not:
    """``left AND NOT right``."""

    left: Node
    right: Node


Node = Phrase | Near | And | Or | Not

_QUOTES = '"\u201c\u201d\u201e\u201f'
_OPERATORS = ("AND", "OR", "NOT")
_OP_RE = re.compile(r"(AND|OR|NOT)(?=$|[\s\"\u201c\u201d()])")
_INNER_OP_RE = re.compile(r"(?<![\w-])(AND|OR|NOT)(?![\w-])")
_SLOP_RE = re.compile(r"~(\d+)")
_PLAIN_RE = re.compile(r"[^\"\u201c\u201d\u201e\u201f()~]+")
_OP_WORD_RE = re.compile(r"\b(?:AND|OR|NOT)\b")


@dataclass(slots=True)
class _Lexeme:
    kind: str  # "phrase", "op", "(", ")"
    value: str = ""
    slop: int | None = None
    pos: int = 0


def _closing_paren(q: str, i: int) -> int:
    """Index of the parenthesis that closes the one at ``i`` (quotes skipped), or -1."""
    depth = 0
    quoted = False
    for j in range(i, len(q)):
        c = q[j]
        if c in _QUOTES:
            quoted = not quoted
        elif quoted:
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _is_group(q: str, i: int, after_operator: bool) -> bool:
    end = _closing_paren(q, i)
    if end < 0:
        raise QueryError(f"unbalanced '(' at character {i + 1}")
    if after_operator:
        return True
    inner = q[i + 1 : end]
    return any(c in _QUOTES for c in inner) or _INNER_OP_RE.search(inner) is not None


def _lex(q: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    i, n = 0, len(q)

    def after_operator() -> bool:
        return bool(out) and out[-1].kind in ("op", "(")

    def read_slop(lex: _Lexeme, j: int) -> int:
        if j < n and q[j] == "~":
            m = _SLOP_RE.match(q, j)
            if m is None:
                raise QueryError(
                    f"'~' at character {j + 1} needs a number of words (fuzzy search is not "
                    "supported)"
                )
            lex.slop = int(m.group(1))
            return m.end()
        return j

    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c in _QUOTES:
            end = next((j for j in range(i + 1, n) if q[j] in _QUOTES), -1)
            if end < 0:
                raise QueryError(f"unbalanced quote at character {i + 1}")
            lex = _Lexeme("phrase", q[i + 1 : end], pos=i)
            i = read_slop(lex, end + 1)
            out.append(lex)
        elif c == "(" and _is_group(q, i, after_operator()):
            out.append(_Lexeme("(", pos=i))
            i += 1
        elif c == ")":
            out.append(_Lexeme(")", pos=i))
            i += 1
        elif c == "~":
            raise QueryError(f"'~' at character {i + 1} does not follow a phrase")
        elif (m := _OP_RE.match(q, i)) is not None:
            out.append(_Lexeme("op", m.group(1), pos=i))
            i = m.end()
        else:
            start = i
            while i < n:
                c = q[i]
                if c in _QUOTES or c == ")" or c == "~":
                    break
                if c == "(":
                    if _is_group(q, i, False):
                        break
                    i = _closing_paren(q, i) + 1
                    continue
                if c.isspace():
                    j = i
                    while j < n and q[j].isspace():
                        j += 1
                    if j >= n or _OP_RE.match(q, j) is not None:
                        break
                    i = j
                    continue
                i += 1
            lex = _Lexeme("phrase", q[start:i].strip(), pos=start)
            i = read_slop(lex, i)
            out.append(lex)
    return out


def _leaf(lex: _Lexeme) -> Node:
    tokens = _tokenize(lex.value)
    if not tokens.norms:
        raise QueryError(f"empty phrase at character {lex.pos + 1}")
    if lex.slop is None:
        return Phrase(tuple(tokens.norms), lex.value)
    words = tuple(t for t, w in zip(tokens.norms, tokens.word_pos, strict=True) if w >= 0)
    if not words:
        raise QueryError(f"proximity phrase without words at character {lex.pos + 1}")
    return Near(words, lex.slop, lex.value)


class _Parser:
    def __init__(self, query: str) -> None:
        self.lexemes = _lex(query)
        self.i = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.i] if self.i < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lex = self.peek()
        if lex is None:
            raise QueryError("the query ends too early (a phrase is missing)")
        self.i += 1
        return lex

    def expr(self) -> Node:
        left = self.operand()
        while (lex := self.peek()) is not None and lex.kind == "op":
            self.i += 1
            op = lex.value
            nxt = self.peek()
            if nxt is not None and nxt.kind == "op" and nxt.value == "NOT":
                if op != "AND":
                    raise QueryError(f"'{op} NOT' at character {lex.pos + 1} is not supported")
                self.i += 1
                op = "NOT"
            right = self.operand()
            left = (
                And(left, right)
                if op == "AND"
                else Or(left, right)
                if op == "OR"
                else Not(left, right)
            )
        return left

    def operand(self) -> Node:
        lex = self.take()
        if lex.kind == "phrase":
            return _leaf(lex)
        if lex.kind == "(":
            node = self.expr()
            close = self.take()
            if close.kind != ")":
                raise QueryError(f"expected ')' at character {close.pos + 1}")
            return node
        if lex.kind == "op":
            raise QueryError(
                f"operator {lex.value} at character {lex.pos + 1} has no phrase before it"
            )
        raise QueryError(f"unexpected ')' at character {lex.pos + 1}")


def parse_query(query: str) -> Node:
    """Parse a PPS query into an AST of :class:`Phrase`, :class:`Near`, And, Or and Not.

    Raises :class:`QueryError` when it is malformed.
    """
    if not query or not query.strip():
        raise QueryError("empty query")
    if _PLAIN_RE.fullmatch(query) and _OP_WORD_RE.search(query) is None:
        tokens = _phrase_tokens(query)  # fast path: one bare phrase
        if tokens:
            return Phrase(tokens, query.strip())
    parser = _Parser(query)
    node = parser.expr()
    rest = parser.peek()
    if rest is not None:
        what = (
            "')'"
            if rest.kind == ")"
            else f"phrase {rest.value!r}"
            if rest.kind == "phrase"
            else rest.value or rest.kind
        )
        raise QueryError(f"unexpected {what!s} at character {rest.pos + 1} (a missing AND/OR/NOT?)")
    return node


_parse_cached = lru_cache(maxsize=None)(parse_query)


def _first_phrase(node: Node) -> str:
    while not isinstance(node, Phrase | Near):
        node = node.left
    return node.text


# --------------------------------------------------------------------------- fingerprints


@dataclass(frozen=True)
class Fingerprint:
    """One fingerprint: the tortured phrase, the established term it replaces, how many papers
    PPS found with it, its query, and the list it comes from ("pps", "pps-export" or the name
    of a user's list)."""

    tortured: str
    expected: str
    papers: int
    query: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "tortured": self.tortured,
            "expected": self.expected,
            "papers": self.papers,
            "query": self.query,
            "source": self.source,
        }


@dataclass(frozen=True)
class FingerprintHit:
    """A fingerprint found in a text: ``text == document[start:end]`` (original offsets)."""

    start: int
    end: int
    text: str
    fingerprint: Fingerprint

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text} | {
            k: v for k, v in self.fingerprint.to_dict().items()
        }


@dataclass(frozen=True)
class LoadWarning:
    """A line of a list that was skipped (or read with a fallback), and why."""

    source: str
    line: int  # 1-based line of the file; 0 for the whole file
    message: str

    def __str__(self) -> str:
        return (
            f"{self.source}:{self.line}: {self.message}"
            if self.line
            else (f"{self.source}: {self.message}")
        )


_COLUMNS: dict[str, frozenset[str]] = {
    "tortured": frozenset(
        {
            "tortured",
            "tortured phrase",
            "tortured phrases",
            "tortured term",
            "fingerprint",
            "fingerprints",
            "tortured expression",
        }
    ),
    "expected": frozenset(
        {
            "expected",
            "expected phrase",
            "expected phrases",
            "expected term",
            "correct",
            "correct phrase",
            "correct term",
            "original",
            "original phrase",
        }
    ),
    "papers": frozenset(
        {
            "num papers",
            "papers",
            "number of papers",
            "n papers",
            "nb papers",
            "paper count",
            "papers count",
            "count",
        }
    ),
    "query": frozenset({"pps query", "query", "search query", "dimensions query"}),
}
_WHITELIST_COLUMNS: dict[str, frozenset[str]] = {
    "field": frozenset({"field", "domain", "discipline"}),
    "phrase": frozenset({"phrase", "tortured", "tortured phrase", "fingerprint"}),
    "reason": frozenset({"reason", "why", "note", "comment"}),
}


def _column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name.strip().lstrip("\ufeff").lower()).strip()


def _unquote_cell(cell: str) -> str:
    """A TSV cell a spreadsheet wrapped in quotes (inner quotes doubled), unwrapped."""
    if len(cell) >= 2 and cell[0] == '"' and cell[-1] == '"':
        inner = cell[1:-1]
        if '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    return cell


def _table_rows(
    text: str, label: str, columns: dict[str, frozenset[str]]
) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """The column map of a TSV/CSV text and its data rows as (line number, cells).

    The header is the first line that is neither blank nor a ``#`` comment; the delimiter is
    a tab if the header has one, else ``;`` or ``,`` (whichever it has more of).
    """
    lines = text.splitlines()
    header_at = next(
        (i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")),
        None,
    )
    if header_at is None:
        raise FingerprintError(f"{label} has no header line")
    header_line = lines[header_at]
    if "\t" in header_line:
        header = header_line.split("\t")

        def tsv() -> Iterator[tuple[int, list[str]]]:
            for i in range(header_at + 1, len(lines)):
                yield i + 1, [_unquote_cell(c.strip()) for c in lines[i].split("\t")]

        rows = tsv()
    else:
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = next(csv.reader([header_line], delimiter=delimiter))

        def csv_rows() -> Iterator[tuple[int, list[str]]]:
            body = (
                "" if line.lstrip().startswith("#") else line for line in lines[header_at + 1 :]
            )
            reader = csv.reader(body, delimiter=delimiter)
            try:
                for cells in reader:
                    yield header_at + 1 + reader.line_num, cells
            except csv.Error as exc:
                raise FingerprintError(
                    f"{label}: CSV error near line {header_at + 1 + reader.line_num}: {exc}"
                ) from None

        rows = csv_rows()
    found: dict[str, int] = {}
    for j, name in enumerate(header):
        key = _column_key(name)
        for col, names in columns.items():
            if key in names and col not in found:
                found[col] = j
    return found, rows


def _cell(cells: list[str], cols: dict[str, int], name: str) -> str:
    j = cols.get(name)
    return cells[j].strip() if j is not None and j < len(cells) else ""


def _parse_papers(value: str) -> int | None:
    digits = value.replace(",", "").replace("_", "").replace(" ", "")
    if not digits:
        return 0
    try:
        n = float(digits)
    except ValueError:
        return None
    return int(n) if n >= 0 and n == n and n != float("inf") else None


def _parse_fingerprints(
    text: str, source: str, label: str
) -> tuple[list[Fingerprint], list[LoadWarning]]:
    cols, rows = _table_rows(text, label, _COLUMNS)
    if "expected" not in cols or ("tortured" not in cols and "query" not in cols):
        raise FingerprintError(
            f"{label}: missing columns: a list needs an 'expected' column and a 'tortured' or "
            "'query' column (PPS export format: tortured, expected, num_papers, pps_query)"
        )
    out: list[Fingerprint] = []
    warnings: list[LoadWarning] = []
    for lineno, cells in rows:
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        tortured = _cell(cells, cols, "tortured")
        expected = _cell(cells, cols, "expected")
        query = _cell(cells, cols, "query")
        if not query:
            if not tortured:
                warnings.append(LoadWarning(source, lineno, "no tortured phrase and no query"))
                continue
            query = '"' + "".join(c for c in tortured if c not in _QUOTES) + '"'
        try:
            node = _parse_cached(query)
        except QueryError as exc:
            warnings.append(LoadWarning(source, lineno, f"cannot parse query {query!r}: {exc}"))
            continue
        if not tortured:
            tortured = _first_phrase(node)
        if not _key(tortured):
            warnings.append(LoadWarning(source, lineno, f"tortured phrase {tortured!r} is empty"))
            continue
        papers = _parse_papers(_cell(cells, cols, "papers"))
        if papers is None:
            warnings.append(
                LoadWarning(
                    source,
                    lineno,
                    f"number of papers {_cell(cells, cols, 'papers')!r} is not a number (0 used)",
                )
            )
            papers = 0
        out.append(Fingerprint(tortured, expected, papers, query, source))
    return out, warnings


def _read_file(path: Path, label: str) -> str:
    from unspin.textio import decode_bytes

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FingerprintError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise FingerprintError(f"{label} is a directory, not a list") from None
    except OSError as exc:
        raise FingerprintError(f"cannot read {label}: {exc.strerror or exc}") from None
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise FingerprintError(f"{label} is not a valid gzip file: {exc}") from None
    try:
        return decode_bytes(data, label=label)
    except FingerprintError:
        raise
    except UnspinInputError as exc:
        raise FingerprintError(str(exc)) from None


def _list_name(path: Path) -> str:
    name = path.name
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix in (".tsv", ".csv", ".txt"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "list"
    return name[:64]


@lru_cache(maxsize=8192)
def _key(tortured: str) -> str:
    return normalize(tortured)


def _clean(value: str) -> str:
    return " ".join(value.replace("\t", " ").splitlines()).strip()


def _table_text(fingerprints: Iterable[Fingerprint], comments: Sequence[str] = ()) -> str:
    lines = [f"# {_clean(c)}" for c in comments]
    lines.append("\t".join(_HEADER))
    for fp in fingerprints:
        cells = (fp.tortured, fp.expected, str(fp.papers), fp.query)
        lines.append("\t".join(_clean(c) for c in cells))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- matcher

_Prog = tuple[Any, ...]
_Span = tuple[int, int]  # token indices [i, j)


class _Matcher:
    """All the phrases of a list in one word trie; each fingerprint's query as a program."""

    def __init__(self, fingerprints: Sequence[Fingerprint]) -> None:
        self.trie: dict[str, Any] = {}
        self.ids: dict[tuple[str, ...], int] = {}
        self.programs: list[_Prog] = []
        self.keys: list[tuple[str, ...]] = []
        self.by_anchor: dict[int, list[int]] = {}
        for i, fp in enumerate(fingerprints):
            node = _parse_cached(fp.query)
            self.programs.append(self._compile(node))
            self.keys.append(tuple(_key(fp.tortured).split(" ")))
            for pid in self._anchors(node):
                self.by_anchor.setdefault(pid, []).append(i)

    def _pid(self, tokens: tuple[str, ...]) -> int:
        pid = self.ids.get(tokens)
        if pid is None:
            pid = self.ids[tokens] = len(self.ids)
            node = self.trie
            for tok in tokens:
                node = node.setdefault(tok, {})
            node[""] = pid
        return pid

    def _compile(self, node: Node) -> _Prog:
        if isinstance(node, Phrase):
            return ("p", self._pid(node.tokens))
        if isinstance(node, Near):
            return ("n", tuple(self._pid((w,)) for w in node.words), node.slop)
        kind = "a" if isinstance(node, And) else "o" if isinstance(node, Or) else "x"
        return (kind, self._compile(node.left), self._compile(node.right))

    def _anchors(self, node: Node) -> set[int]:
        if isinstance(node, Phrase):
            return {self.ids[node.tokens]}
        if isinstance(node, Near):
            return {self.ids[(w,)] for w in node.words}
        if isinstance(node, Or):
            return self._anchors(node.left) | self._anchors(node.right)
        return self._anchors(node.left)

    def scan(self, toks: list[str]) -> dict[int, list[_Span]]:
        occ: dict[int, list[_Span]] = {}
        trie = self.trie
        n = len(toks)
        for i in range(n):
            node = trie.get(toks[i])
            j = i + 1
            while node is not None:
                pid = node.get("")
                if pid is not None:
                    spans = occ.get(pid)
                    if spans is None:
                        occ[pid] = [(i, j)]
                    else:
                        spans.append((i, j))
                if j >= n:
                    break
                node = node.get(toks[j])
                j += 1
        return occ

    def spans(
        self, prog: _Prog, occ: dict[int, list[_Span]], tokens: _Tokens, memo: dict[_Prog, Any]
    ) -> list[_Span]:
        kind = prog[0]
        if kind == "p":
            return occ.get(prog[1], [])
        if kind == "n":
            found = memo.get(prog)
            if found is None:
                found = memo[prog] = _near(prog[1], prog[2], occ, tokens)
            return found
        left = self.spans(prog[1], occ, tokens, memo)
        if kind == "o":
            return left + self.spans(prog[2], occ, tokens, memo)
        if not left:
            return []
        right = self.spans(prog[2], occ, tokens, memo)
        if kind == "a":
            return left if right else []
        return [] if right else left


def _near(
    pids: tuple[int, ...], slop: int, occ: dict[int, list[_Span]], tokens: _Tokens
) -> list[_Span]:
    """Minimal stretches holding every word of ``pids`` with at most ``slop`` other words."""
    need: dict[int, int] = {}
    for pid in pids:
        need[pid] = need.get(pid, 0) + 1
    events: list[tuple[int, int]] = []  # (token index, pid)
    for pid in need:
        spans = occ.get(pid)
        if not spans:
            return []
        events.extend((i, pid) for i, _ in spans)
    events.sort()
    k = len(pids)
    have = dict.fromkeys(need, 0)
    missing = k
    left = 0
    out: list[_Span] = []
    wpos = tokens.word_pos
    for right_tok, pid in events:
        if have[pid] < need[pid]:
            missing -= 1
        have[pid] += 1
        while missing == 0:
            left_tok, lpid = events[left]
            if have[lpid] > need[lpid]:
                have[lpid] -= 1
                left += 1
                continue
            if wpos[right_tok] - wpos[left_tok] + 1 - k <= slop:
                out.append((left_tok, right_tok + 1))
            have[lpid] -= 1
            missing += 1
            left += 1
    return out


def _contains(seq: Sequence[str], sub: tuple[str, ...]) -> bool:
    n = len(sub)
    if n == 0 or n > len(seq):
        return False
    first = sub[0]
    for i in range(len(seq) - n + 1):
        if seq[i] == first and tuple(seq[i : i + n]) == sub:
            return True
    return False


# --------------------------------------------------------------------------- whitelist


@dataclass(frozen=True)
class WhitelistEntry:
    """A phrase that is a legitimate term in ``field`` (lower-case), and why."""

    field: str
    phrase: str
    reason: str = ""


class Whitelist:
    """Per-field legitimate uses of phrases that fingerprints would flag."""

    def __init__(self, entries: Iterable[WhitelistEntry] = ()) -> None:
        self.entries: tuple[WhitelistEntry, ...] = tuple(entries)
        self._by_field: dict[str, list[tuple[str, ...]]] = {}
        for e in self.entries:
            tokens = _phrase_tokens(e.phrase)
            if tokens:
                self._by_field.setdefault(e.field.strip().lower(), []).append(tokens)

    @classmethod
    def bundled(cls) -> Whitelist:
        """``data/fingerprint_whitelist.tsv``."""
        return _bundled_whitelist()

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Whitelist:
        """A whitelist file: TSV or CSV with the columns field, phrase and (optional) reason."""
        p = Path(path)
        return cls.from_text(_read_file(p, str(p)), label=str(p))

    @classmethod
    def from_text(cls, text: str, *, label: str = "whitelist") -> Whitelist:
        cols, rows = _table_rows(text, label, _WHITELIST_COLUMNS)
        if "field" not in cols or "phrase" not in cols:
            raise FingerprintError(f"{label}: a whitelist needs the columns field and phrase")
        entries = []
        for _, cells in rows:
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            fld, phrase = _cell(cells, cols, "field").lower(), _cell(cells, cols, "phrase")
            if fld and phrase:
                entries.append(WhitelistEntry(fld, phrase, _cell(cells, cols, "reason")))
        return cls(entries)

    def merged(self, other: Whitelist) -> Whitelist:
        return Whitelist(self.entries + other.entries)

    def fields(self) -> list[str]:
        return sorted(self._by_field)

    def phrases(self, field: str) -> list[tuple[str, ...]]:
        """The normalised token tuples whitelisted for ``field``."""
        return self._by_field.get(field.strip().lower(), [])

    def __len__(self) -> int:
        return len(self.entries)


@cache
def _bundled_whitelist() -> Whitelist:
    path = Path(str(resources.files("unspin") / "data" / _WHITELIST_FILE))
    return Whitelist.from_text(path.read_text(encoding="utf-8"), label=_WHITELIST_FILE)


def _whitelist_for(whitelist: Whitelist | str | os.PathLike[str] | None) -> Whitelist:
    if whitelist is None:
        return Whitelist.bundled()
    if isinstance(whitelist, Whitelist):
        return whitelist
    return Whitelist.bundled().merged(Whitelist.load(whitelist))


# --------------------------------------------------------------------------- lists


class FingerprintList:
    """An ordered, read-only list of fingerprints, with the warnings of loading it.

    Rows that repeat an earlier row (same normalised tortured phrase and query) are dropped.
    A tortured phrase may have several rows (e.g. one query per context word).
    """

    def __init__(
        self, fingerprints: Iterable[Fingerprint] = (), *, warnings: Iterable[LoadWarning] = ()
    ) -> None:
        seen: set[tuple[str, str]] = set()
        items: list[Fingerprint] = []
        for fp in fingerprints:
            k = (_key(fp.tortured), " ".join(fp.query.split()))
            if k not in seen:
                seen.add(k)
                items.append(fp)
        self._items: tuple[Fingerprint, ...] = tuple(items)
        self.warnings: tuple[LoadWarning, ...] = tuple(warnings)
        self._matcher: _Matcher | None = None

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> FingerprintList:
        """The bundled half of the PPS export (source "pps")."""
        return _bundled_list()

    @classmethod
    def from_text(cls, text: str, name: str, *, label: str | None = None) -> FingerprintList:
        """Parse a list in PPS export format (TSV or CSV, columns found by their header).

        Raises :class:`FingerprintError` when the columns are missing; bad rows are skipped
        and reported in :attr:`warnings`.
        """
        rows, warnings = _parse_fingerprints(text, name, label or name)
        return cls(rows, warnings=warnings)

    @classmethod
    def load(cls, path: str | os.PathLike[str], name: str | None = None) -> FingerprintList:
        """Read a TSV/CSV list (``.gz`` too); ``name`` (default: the file name) is its source."""
        p = Path(path)
        return cls.from_text(_read_file(p, str(p)), name or _list_name(p), label=str(p))

    @classmethod
    def default(cls) -> FingerprintList:
        """Bundled, then the downloaded export, then every user list (by name), each merged
        over the ones before. A user file that cannot be read becomes a warning."""
        files: list[tuple[str, Path]] = []
        if export_path().is_file():
            files.append((EXPORT_SOURCE, export_path()))
        folder = user_lists_dir()
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.name.endswith(_LIST_SUFFIXES) and not p.name.startswith(".") and p.is_file():
                    files.append((_list_name(p), p))
        signature = []
        for name, p in files:
            try:
                st = p.stat()
            except OSError:
                continue
            signature.append((name, str(p), st.st_ino, st.st_mtime_ns, st.st_size))
        return _default_list(tuple(signature))

    # -- combining -------------------------------------------------------------------------

    def merged(self, other: FingerprintList) -> FingerprintList:
        """This list with ``other`` over it: ``other``'s rows replace every row of this list
        with the same normalised tortured phrase."""
        replaced = {_key(fp.tortured) for fp in other}
        kept = [fp for fp in self._items if _key(fp.tortured) not in replaced]
        return FingerprintList(kept + list(other), warnings=self.warnings + other.warnings)

    @classmethod
    def merge(cls, *lists: FingerprintList) -> FingerprintList:
        out = cls()
        for fl in lists:
            out = out.merged(fl)
        return out

    # -- access ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Fingerprint]:
        return iter(self._items)

    def __getitem__(self, i: int) -> Fingerprint:
        return self._items[i]

    def __repr__(self) -> str:
        return f"FingerprintList({len(self)} fingerprints, sources={self.sources()})"

    def sources(self) -> dict[str, int]:
        """How many fingerprints each source contributes, in order of first appearance."""
        out: dict[str, int] = {}
        for fp in self._items:
            out[fp.source] = out.get(fp.source, 0) + 1
        return out

    def search(self, word: str) -> list[Fingerprint]:
        """Fingerprints whose tortured or expected phrase contains ``word`` (normalised)."""
        needle = normalize(word)
        if not needle:
            return []
        return [
            fp
            for fp in self._items
            if needle in _key(fp.tortured) or needle in normalize(fp.expected)
        ]

    def to_text(self, comments: Sequence[str] = ()) -> str:
        """The list in PPS export format (TSV with a header), after ``# comment`` lines."""
        return _table_text(self._items, comments)

    # -- matching --------------------------------------------------------------------------

    def match(
        self,
        text: str,
        field: str | None = None,
        *,
        whitelist: Whitelist | str | os.PathLike[str] | None = None,
    ) -> list[FingerprintHit]:
        """The fingerprints found in ``text``, in text order (offsets into ``text``).

        With ``field``, hits whitelisted for that field are dropped (``whitelist``: a
        :class:`Whitelist`, or a file whose entries are added to the bundled whitelist).
        """
        if self._matcher is None:
            self._matcher = _Matcher(self._items)
        m = self._matcher
        tokens = _tokenize(text)
        occ = m.scan(tokens.norms)
        candidates = sorted({fi for pid in occ for fi in m.by_anchor.get(pid, ())})
        allowed = _whitelist_for(whitelist).phrases(field) if field else []
        memo: dict[_Prog, Any] = {}
        seen: set[tuple[int, int, tuple[str, ...], str]] = set()
        hits: list[FingerprintHit] = []
        for fi in candidates:
            fp = self._items[fi]
            key = m.keys[fi]
            if allowed and key in allowed:
                continue
            for i, j in sorted(set(m.spans(m.programs[fi], occ, tokens, memo))):
                mark = (i, j, key, fp.expected.lower())
                if mark in seen:
                    continue
                seen.add(mark)
                if allowed and any(_contains(tokens.norms[i:j], p) for p in allowed):
                    continue
                start, end = tokens.starts[i], tokens.ends[j - 1]
                hits.append(FingerprintHit(start, end, text[start:end], fp))
        hits.sort(key=lambda h: (h.start, h.end, -h.fingerprint.papers))
        return hits


@cache
def _bundled_list() -> FingerprintList:
    path = Path(str(resources.files("unspin") / "data" / _BUNDLED_FILE))
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return FingerprintList.from_text(text, BUNDLED_SOURCE, label=_BUNDLED_FILE)


@lru_cache(maxsize=4)
def _default_list(signature: tuple[tuple[str, str, int, int, int], ...]) -> FingerprintList:
    out = FingerprintList.bundled()
    for name, path, *_ in signature:
        try:
            fl = FingerprintList.load(path, name)
        except FingerprintError as exc:
            out = FingerprintList(out, warnings=out.warnings + (LoadWarning(name, 0, str(exc)),))
            continue
        out = out.merged(fl)
    return out


def match(
    text: str,
    field: str | None = None,
    *,
    fingerprints: FingerprintList | None = None,
    whitelist: Whitelist | str | os.PathLike[str] | None = None,
) -> list[FingerprintHit]:
    """The known fingerprints in ``text`` (default list: :meth:`FingerprintList.default`)."""
    fl = fingerprints if fingerprints is not None else FingerprintList.default()
    return fl.match(text, field, whitelist=whitelist)


# --------------------------------------------------------------------------- user data


def data_dir() -> Path:
    """``$UNSPIN_HOME``, else ``$XDG_DATA_HOME/unspin``, else ``~/.local/share/unspin``."""
    home = os.environ.get("UNSPIN_HOME")
    if home:
        return Path(home).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "unspin"


def user_lists_dir() -> Path:
    """Where user lists live: ``data_dir() / "fingerprints"``."""
    return data_dir() / "fingerprints"


def export_path() -> Path:
    """Where :func:`update` keeps the downloaded PPS export."""
    return data_dir() / "pps_export.tsv"


def _by_key(fl: Iterable[Fingerprint]) -> dict[str, set[tuple[str, str, int]]]:
    out: dict[str, set[tuple[str, str, int]]] = {}
    for fp in fl:
        row = (fp.expected, " ".join(fp.query.split()), fp.papers)
        out.setdefault(_key(fp.tortured), set()).add(row)
    return out


def _diff(old: Iterable[Fingerprint], new: Iterable[Fingerprint]) -> tuple[int, int, int]:
    """(added, changed, removed), counted in distinct normalised tortured phrases."""
    a, b = _by_key(old), _by_key(new)
    added = sum(1 for k in b if k not in a)
    changed = sum(1 for k in b if k in a and a[k] != b[k])
    removed = sum(1 for k in a if k not in b)
    return added, changed, removed


@dataclass(frozen=True)
class UpdateSummary:
    """What :func:`update` did. added/changed/removed count distinct tortured phrases,
    compared with the previous download (or with the bundled list when there was none)."""

    url: str
    path: str
    total: int  # rows in the new export
    added: int
    changed: int
    removed: int
    skipped: int  # rows of the download that could not be used
    compared_with: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AddSummary:
    """What :func:`add` did: counts of distinct tortured phrases new to the named list or
    changed in it, and its total rows afterwards."""

    name: str
    path: str
    added: int
    changed: int
    total: int
    skipped: int
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def update(
    url: str = DEFAULT_EXPORT_URL,
    *,
    fetcher: Fetcher | None = None,
    allow_private: bool = False,
) -> UpdateSummary:
    """Download the current PPS export and keep it as ``export_path()``.

    The default URL is the CSV of github.com/hahuyhoang411/tortured-phrase (``data/tortured.csv``
    on raw.githubusercontent.com, main branch); it could not be checked from the offline
    machine this was written on, so pass ``url`` if it has moved. The download goes through
    :class:`unspin.fetch.Fetcher` (no private addresses unless ``allow_private``; a given
    ``fetcher`` is used as it is configured). Our own fetcher skips robots.txt: this is one
    file a person asked for, not crawling.

    The download is validated before anything is replaced: it must parse as a list (columns
    found by their header) with at least :data:`MIN_EXPORT_ROWS` valid rows. It is written in
    PPS export format (TSV) through a temporary file and ``os.replace``. Raises
    :class:`FingerprintError` when the download fails or is refused; the current list is
    kept then.
    """
    from unspin.fetch import Fetcher as _Fetcher
    from unspin.fetch import FetchError
    from unspin.textio import decode_bytes

    own = fetcher is None
    client = (
        fetcher
        if fetcher is not None
        else _Fetcher(
            obey_robots=False,
            allow_private=allow_private,
            delay=0.0,
            retries=2,
            timeout=30.0,
            max_bytes=EXPORT_MAX_BYTES,
        )
    )
    try:
        result = client.get(url)
    except FetchError as exc:
        raise FingerprintError(f"cannot download {url}: {exc}") from None
    finally:
        if own:
            client.close()
    keep = "the current list is kept"
    try:
        text = decode_bytes(result.content, label=f"the download from {url}")
        new = FingerprintList.from_text(text, EXPORT_SOURCE, label=f"the download from {url}")
    except UnspinInputError as exc:
        raise FingerprintError(f"refused: {exc}; {keep}") from None
    if len(new) < MIN_EXPORT_ROWS:
        raise FingerprintError(
            f"refused: the download from {url} has {len(new)} valid fingerprint rows (at "
            f"least {MIN_EXPORT_ROWS} expected; {len(new.warnings)} rows skipped); {keep}"
        )
    path = export_path()
    old: FingerprintList | None = None
    compared = EXPORT_SOURCE
    if path.is_file():
        try:
            old = FingerprintList.load(path, EXPORT_SOURCE)
        except FingerprintError:
            old = None
    if old is None:
        old, compared = FingerprintList.bundled(), BUNDLED_SOURCE
    added, changed, removed = _diff(old, new)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    comments = (
        "Problematic Paper Screener fingerprints (Cabanac, Labbé, Magazinov), CC BY 4.0, "
        "https://www.irit.fr/~Guillaume.Cabanac/problematic-paper-screener",
        f"downloaded from {url} at {when}",
    )
    write_atomic(path, new.to_text(comments).encode("utf-8"))
    return UpdateSummary(
        url=url,
        path=str(path),
        total=len(new),
        added=added,
        changed=changed,
        removed=removed,
        skipped=len(new.warnings),
        compared_with=compared,
        warnings=tuple(str(w) for w in new.warnings),
    )


def add(path: str | os.PathLike[str], name: str | None = None) -> AddSummary:
    """Validate a user's list and install it as ``user_lists_dir()/NAME.tsv``.

    ``name`` defaults to the file name without its extension. An existing list of that name
    is kept, with the new rows replacing its rows of the same tortured phrase. Raises
    :class:`FingerprintError` when the file cannot be read, lacks the columns, has no valid
    row, or the name is not usable.
    """
    src = Path(path)
    name = name if name is not None else _list_name(src)
    if not _NAME_RE.fullmatch(name):
        raise FingerprintError(
            f"list name {name!r} is not usable: use letters, digits, '.', '_' and '-' "
            "(at most 64 characters, starting with a letter or digit)"
        )
    if name.lower() in (BUNDLED_SOURCE, EXPORT_SOURCE):
        raise FingerprintError(f"list name {name!r} is reserved for the PPS lists")
    new = FingerprintList.load(src, name)
    if not len(new):
        first = f" (first problem: {new.warnings[0]})" if new.warnings else ""
        raise FingerprintError(f"{src} has no valid fingerprint rows{first}")
    dest = user_lists_dir() / f"{name}.tsv"
    old = FingerprintList.load(dest, name) if dest.is_file() else FingerprintList()
    merged = old.merged(new)
    added, changed, _ = _diff(old, new)
    comments = (f"unspin fingerprint list {name!r}; last added from {src.name}",)
    write_atomic(dest, merged.to_text(comments).encode("utf-8"))
    return AddSummary(
        name=name,
        path=str(dest),
        added=added,
        changed=changed,
        total=len(merged),
        skipped=len(new.warnings),
        warnings=tuple(str(w) for w in new.warnings),
    )
