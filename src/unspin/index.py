"""The article index: one SQLite file (WAL mode) with documents and their fingerprints.

The schema lives here and nowhere else; its version is ``PRAGMA user_version``. Documents are
keyed on URL, with a content hash so that a re-run stores only what is new or changed and the
same text under a second URL is recognised. Fingerprints (:mod:`unspin.fingerprint`) go in an
inverted table ``postings(h, doc)`` kept as a clustered B-tree (WITHOUT ROWID), so a look-up
is one index seek per fingerprint. Text is stored zlib-compressed with a preset dictionary of
common English words (``data/zdict.txt``, part of the format of schema 1).
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from unspin.fingerprint import IMMUTABLE_BIT, Fingerprints, fingerprints

__all__ = [
    "SCHEMA_VERSION",
    "Candidate",
    "Index",
    "IndexFileError",
    "PreparedDocument",
    "StoredDocument",
    "content_hash",
    "opened",
    "prepare_document",
]

SCHEMA_VERSION = 3

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    content_hash BLOB NOT NULL,
    title TEXT,
    date TEXT,
    author TEXT,
    site TEXT,
    words INTEGER NOT NULL,
    fingerprints INTEGER NOT NULL,
    text BLOB NOT NULL,
    added_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_content_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS postings (
    h INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (h, doc)
) WITHOUT ROWID;
"""
    + """
CREATE TABLE IF NOT EXISTS copies (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    source INTEGER REFERENCES documents(id),  -- NULL: no source found (yet)
    similarity REAL NOT NULL,
    explained REAL NOT NULL,
    text BLOB NOT NULL,
    traced_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS copies_site ON copies(site);
CREATE TABLE IF NOT EXISTS learned (
    site TEXT NOT NULL,
    spun TEXT NOT NULL,
    original TEXT NOT NULL,
    count INTEGER NOT NULL,  -- times the spinner swapped original -> spun
    copies INTEGER NOT NULL,  -- copies in which it did
    seen INTEGER NOT NULL DEFAULT 0,  -- times the spun wording occurs in those sites' copies
    origin TEXT NOT NULL DEFAULT 'learned',  -- 'learned' (rebuilt by unspin learn) or 'imported'
    PRIMARY KEY (site, spun, original, origin)
) WITHOUT ROWID;
"""
    + """
CREATE TABLE IF NOT EXISTS site_words (
    site TEXT NOT NULL,
    word TEXT NOT NULL,
    in_copies INTEGER NOT NULL,  -- occurrences in the site's traced copies
    verbatim INTEGER NOT NULL,  -- of those, outside every difference from the source
    in_sources INTEGER NOT NULL,  -- occurrences in those copies' sources
    PRIMARY KEY (site, word)
) WITHOUT ROWID;
"""
)
# schema 1: documents and postings; schema 2 adds traced copies and learned substitutions;
# schema 3 adds the word statistics of each site's traced copies (rebuilt by unspin learn)

_SIGN = 1 << 31  # hashes are stored as signed 32-bit values (4 bytes in a SQLite record)
MAX_POSTINGS = 5_000  # a fingerprint shared by more documents than this says nothing
QUERY_PARTS = 8
RERANK_POOL = 64


@dataclass(frozen=True)
class PreparedDocument:
    """A document ready to store: the costly work (fingerprints, compression) is done, so it
    can be prepared in worker processes and written by one."""

    url: str
    content_hash: bytes
    title: str | None
    date: str | None
    author: str | None
    site: str | None
    words: int
    hashes: tuple[int, ...]
    blob: bytes


def prepare_document(
    url: str,
    text: str,
    title: str | None = None,
    date: str | None = None,
    author: str | None = None,
    site: str | None = None,
    fp: Fingerprints | None = None,
) -> PreparedDocument:
    fp = fp or fingerprints(text)
    return PreparedDocument(
        url, content_hash(text), title, date, author, site, fp.words, fp.hashes, _compress(text)
    )


class IndexFileError(Exception):
    """The index file cannot be opened or is not an unspin index."""


@dataclass(frozen=True)
class StoredDocument:
    id: int
    url: str
    title: str | None
    date: str | None
    author: str | None
    site: str | None
    text: str
    words: int


@dataclass(frozen=True)
class Candidate:
    doc: int
    score: float  # idf-weighted shared fingerprints (immutable shingles count double)
    shared: int  # fingerprints shared with the query
    parts: int = 1  # parts of the query (eighths) in which it shares fingerprints


def content_hash(text: str) -> bytes:
    """Hash of the text with whitespace normalised (16 bytes of SHA-256)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).digest()[:16]


@cache
def _zdict() -> bytes:
    path = Path(str(resources.files("unspin") / "data" / "zdict.txt"))
    return path.read_bytes()


@cache
def _primed_compressor() -> Any:
    return zlib.compressobj(6, zdict=_zdict())


def _compress(text: str) -> bytes:
    c = _primed_compressor().copy()  # cheaper than loading the dictionary again
    return c.compress(text.encode("utf-8")) + c.flush()


def _decompress(blob: bytes) -> str:
    d = zlib.decompressobj(zdict=_zdict())
    return (d.decompress(blob) + d.flush()).decode("utf-8")


class Index:
    """An unspin index file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise IndexFileError(f"no index at {self.path}; build one with 'unspin ingest'")
        if self.path.exists() and self.path.is_dir():
            raise IndexFileError(f"{self.path} is a directory, not an index file")
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise IndexFileError(
                    f"cannot create the folder of {self.path}: {exc.strerror or exc}"
                ) from None
        try:
            self.con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            raise IndexFileError(f"{self.path} is not a usable unspin index: {exc}") from None
        try:
            self._setup(create)
        except sqlite3.DatabaseError as exc:
            self.con.close()
            raise IndexFileError(f"{self.path} is not a usable unspin index: {exc}") from None
        except BaseException:
            self.con.close()
            raise
        self._in_tx = False

    def _setup(self, create: bool) -> None:
        con = self.con
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 and tables - {"documents", "postings", "copies", "learned", "site_words"}:
            raise IndexFileError(f"{self.path} is a SQLite file but not an unspin index")
        if version > SCHEMA_VERSION:
            raise IndexFileError(
                f"{self.path} has index schema {version}; this unspin reads up to "
                f"{SCHEMA_VERSION}. Upgrade unspin."
            )
        if version == 0 and not create:  # refused before WAL mode writes to the file
            raise IndexFileError(f"{self.path} is not an unspin index")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA cache_size=-65536")  # 64 MB page cache
        if version < SCHEMA_VERSION:  # create, or upgrade: every statement is IF NOT EXISTS
            con.executescript(_SCHEMA)
            con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    # ----------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        if self._in_tx:
            self.commit()
        self.con.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def begin(self) -> None:
        if not self._in_tx:
            self.con.execute("BEGIN IMMEDIATE")
            self._in_tx = True

    def commit(self) -> None:
        if self._in_tx:
            self.con.execute("COMMIT")
            self._in_tx = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Join the open transaction (see :meth:`begin`), or run the block in one of its own,
        committed at the end and rolled back on an error."""
        if self._in_tx:
            yield
            return
        self.begin()
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            self._in_tx = False
            raise
        self.commit()

    # ----------------------------------------------------------------------- writing

    def upsert(
        self,
        url: str,
        text: str,
        *,
        title: str | None = None,
        date: str | None = None,
        author: str | None = None,
        site: str | None = None,
    ) -> tuple[str, int]:
        """Store one document; see :meth:`put`."""
        return self.put(prepare_document(url, text, title, date, author, site))

    def put(self, doc: PreparedDocument) -> tuple[str, int]:
        """Store one prepared document. Returns (status, id); status is one of "added",
        "updated", "unchanged" (same URL, same text) or "duplicate" (same text already stored
        under another URL; nothing is written and the id is that document's).

        Runs inside the current transaction if :meth:`begin` was called, else in its own.
        """
        with self.transaction():
            return self._put(doc)

    def _put(self, d: PreparedDocument) -> tuple[str, int]:
        con = self.con
        row = con.execute(
            "SELECT id, content_hash, text FROM documents WHERE url=?", (d.url,)
        ).fetchone()
        if row is not None and row[1] == d.content_hash:
            return "unchanged", row[0]
        if row is None:
            dup = con.execute(
                "SELECT id FROM documents WHERE content_hash=? LIMIT 1", (d.content_hash,)
            ).fetchone()
            if dup is not None:
                return "duplicate", dup[0]
        now = time.time()
        meta = (d.content_hash, d.title, d.date, d.author, d.site, d.words, len(d.hashes), d.blob)
        if row is None:
            cur = con.execute(
                "INSERT INTO documents (url, content_hash, title, date, author, site, words,"
                " fingerprints, text, added_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (d.url, *meta, now, now),
            )
            doc_id = int(cur.lastrowid or 0)
            status = "added"
        else:
            doc_id = row[0]
            old = fingerprints(_decompress(row[2]))
            con.executemany(
                "DELETE FROM postings WHERE h=? AND doc=?",
                [(h - _SIGN, doc_id) for h in old.hashes],
            )
            con.execute(
                "UPDATE documents SET content_hash=?, title=?, date=?, author=?, site=?,"
                " words=?, fingerprints=?, text=?, updated_at=? WHERE id=?",
                (*meta, now, doc_id),
            )
            status = "updated"
        con.executemany(
            "INSERT OR IGNORE INTO postings (h, doc) VALUES (?, ?)",
            [(h - _SIGN, doc_id) for h in d.hashes],
        )
        return status, doc_id

    # ----------------------------------------------------------------------- traced copies

    def record_copy(
        self,
        url: str,
        site: str,
        text: str,
        source: int | None,
        similarity: float = 0.0,
        explained: float = 0.0,
    ) -> str:
        """Keep a suspected copy and the source it was traced to (None: none found);
        "added", "updated" or "unchanged"."""
        row = self.con.execute("SELECT source, text FROM copies WHERE url=?", (url,)).fetchone()
        if row is not None and row[0] == source and _decompress(row[1]) == text:
            return "unchanged"
        self.con.execute(
            "INSERT INTO copies (url, site, source, similarity, explained, text, traced_at)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET site=excluded.site,"
            " source=excluded.source, similarity=excluded.similarity,"
            " explained=excluded.explained, text=excluded.text, traced_at=excluded.traced_at",
            (url, site, source, similarity, explained, _compress(text), time.time()),
        )
        return "added" if row is None else "updated"

    def iter_copies(self) -> Iterator[tuple[str, str, str, StoredDocument]]:
        """(copy url, site, copy text, source document) for every traced copy."""
        rows = self.con.execute(
            "SELECT url, site, text, source FROM copies WHERE source IS NOT NULL ORDER BY id"
        ).fetchall()
        for url, site, blob, source in rows:
            doc = self.get(source)
            if doc is not None:
                yield url, site, _decompress(blob), doc

    def replace_learned(self, rows: Iterable[tuple[str, str, str, int, int, int]]) -> int:
        """Replace the learned (not the imported) substitutions by ``(site, spun, original,
        count, copies, seen)``."""
        with self.transaction():
            self.con.execute("DELETE FROM learned WHERE origin='learned'")
            return self.con.executemany(
                "INSERT INTO learned (site, spun, original, count, copies, seen)"
                " VALUES (?,?,?,?,?,?)",
                rows,
            ).rowcount

    def replace_site_words(self, rows: Iterable[tuple[str, str, int, int, int]]) -> int:
        """Replace the word statistics by ``(site, word, in_copies, verbatim, in_sources)``."""
        with self.transaction():
            self.con.execute("DELETE FROM site_words")
            return self.con.executemany(
                "INSERT INTO site_words (site, word, in_copies, verbatim, in_sources)"
                " VALUES (?,?,?,?,?)",
                rows,
            ).rowcount

    def site_words(self, site: str) -> dict[str, tuple[int, int, int]]:
        """``word -> (in_copies, verbatim, in_sources)`` for one site (``*``: all sites)."""
        return {
            w: (c, v, s)
            for w, c, v, s in self.con.execute(
                "SELECT word, in_copies, verbatim, in_sources FROM site_words WHERE site=?",
                (site,),
            )
        }

    def add_learned(self, rows: Iterable[tuple[str, str, str, int, int, int]]) -> int:
        """Add imported counts: kept apart from learned ones (``learn`` rebuilds only those),
        summed with earlier imports of the same pair."""
        with self.transaction():
            return self.con.executemany(
                "INSERT INTO learned (site, spun, original, count, copies, seen, origin)"
                " VALUES (?,?,?,?,?,?,'imported') ON CONFLICT(site, spun, original, origin)"
                " DO UPDATE SET count=count+excluded.count, copies=copies+excluded.copies,"
                " seen=seen+excluded.seen",
                rows,
            ).rowcount

    def learned(self, site: str | None = None) -> list[tuple[str, str, str, int, int, int]]:
        """Learned substitutions ``(site, spun, original, count, copies, seen)``, of one site
        or all."""
        cols = "SELECT site, spun, original, sum(count), sum(copies), sum(seen) FROM learned"
        group = " GROUP BY site, spun, original ORDER BY site, spun, original"
        if site is None:
            q, args = cols + group, ()
        else:
            q, args = cols + " WHERE site=?" + group, (site,)
        return [tuple(r) for r in self.con.execute(q, args)]  # type: ignore[misc]

    def has_url(self, url: str) -> bool:
        row = self.con.execute("SELECT 1 FROM documents WHERE url=?", (url,)).fetchone()
        return row is not None

    # ----------------------------------------------------------------------- reading

    def __len__(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM documents").fetchone()[0])

    def get(self, doc_id: int) -> StoredDocument | None:
        row = self.con.execute(
            "SELECT id, url, title, date, author, site, text, words FROM documents WHERE id=?",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        return StoredDocument(
            row[0], row[1], row[2], row[3], row[4], row[5], _decompress(row[6]), row[7]
        )

    def get_url(self, url: str) -> StoredDocument | None:
        row = self.con.execute("SELECT id FROM documents WHERE url=?", (url,)).fetchone()
        return self.get(row[0]) if row else None

    def iter_documents(self) -> Iterator[StoredDocument]:
        last = 0
        while True:
            ids = [
                r[0]
                for r in self.con.execute(
                    "SELECT id FROM documents WHERE id>? ORDER BY id LIMIT 500", (last,)
                )
            ]
            if not ids:
                return
            for i in ids:
                doc = self.get(i)
                if doc is not None:
                    yield doc
            last = ids[-1]

    def candidates(self, fp: Fingerprints, limit: int = 10) -> list[Candidate]:
        """Documents sharing fingerprints with ``fp``, best first.

        Ranked by how many parts of the query they match (with ``fp.positions``: eighths of
        the text), then by fingerprints shared, then by idf weight. A source matches all
        through a copy; a document that merely quotes a paragraph of it matches one part, even
        when that paragraph holds many fingerprints.
        """
        # max(id) is one B-tree seek; count(*) would scan a million rows on every query
        n_docs = max(1, int(self.con.execute("SELECT max(id) FROM documents").fetchone()[0] or 0))
        score: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        parts: dict[int, int] = defaultdict(int)  # bit mask of the query parts matched
        positions = fp.positions or (0.0,) * len(fp.hashes)
        q = "SELECT doc FROM postings WHERE h=? LIMIT ?"
        for h, pos in zip(fp.hashes, positions, strict=True):
            docs = self.con.execute(q, (h - _SIGN, MAX_POSTINGS + 1)).fetchall()
            if not docs or len(docs) > MAX_POSTINGS:
                continue
            w = math.log(1.0 + n_docs / len(docs)) * (2.0 if h & IMMUTABLE_BIT else 1.0)
            bit = 1 << min(QUERY_PARTS - 1, int(pos * QUERY_PARTS))
            for (d,) in docs:
                score[d] += w
                shared[d] += 1
                parts[d] |= bit
        pool = sorted(score, key=lambda d: (-parts[d].bit_count(), -shared[d], -score[d], d))
        pool = pool[: RERANK_POOL or limit]
        if RERANK_POOL and fp.words and len(pool) > limit:
            # a spun copy keeps its source's length; documents that merely share some of
            # its paragraphs rarely have it: among near-equals, the closest length wins
            marks = ",".join("?" * len(pool))
            length = dict(
                self.con.execute(f"SELECT id, words FROM documents WHERE id IN ({marks})", pool)
            )

            def closeness(d: int) -> float:
                return abs(math.log(max(1, length.get(d, 1)) / fp.words))

            pool.sort(key=lambda d: (-(parts[d].bit_count() - 4 * closeness(d)), -shared[d], d))
        best = pool[:limit]
        return [Candidate(d, score[d], shared[d], parts[d].bit_count()) for d in best]

    def stats(self) -> dict[str, float]:
        docs = len(self)
        postings = int(self.con.execute("SELECT count(*) FROM postings").fetchone()[0])
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return {
            "documents": docs,
            "postings": postings,
            "bytes": size,
            "bytes_per_document": size / docs if docs else 0.0,
        }

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check passes; False for a damaged file."""
        try:
            return self.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:  # "database disk image is malformed"
            return False


@contextmanager
def opened(index: Index | str | os.PathLike[str]) -> Iterator[Index]:
    """``index`` itself, or the existing index at that path, closed afterwards."""
    if isinstance(index, Index):
        yield index
        return
    with Index(index, create=False) as idx:
        yield idx
