"""Tests for unspin.index: the SQLite article index."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from news_samples import ARTICLES, SPUN_HARBOUR

from unspin.fingerprint import fingerprints, query_hashes
from unspin.index import (
    SCHEMA_VERSION,
    Index,
    IndexFileError,
    content_hash,
    prepare_document,
)

HARBOUR = ARTICLES["harbour"][1]
SIGN = 1 << 31  # hashes are stored as signed 32-bit integers


def url(key: str) -> str:
    return f"https://news.example/{key}"


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    with Index(tmp_path / "news.db") as idx:
        yield idx


@pytest.fixture
def filled(index: Index) -> Index:
    for key, (title, text) in ARTICLES.items():
        status, _ = index.upsert(url(key), text, title=title, site="news.example")
        assert status == "added"
    return index


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def postings_of(idx: Index, doc_id: int) -> set[int]:
    rows = idx.con.execute("SELECT h FROM postings WHERE doc=?", (doc_id,)).fetchall()
    return {h + SIGN for (h,) in rows}


# --------------------------------------------------------------------------- file format


def test_new_index_has_schema_version_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "news.db"  # parent folders are created
    with Index(path) as idx:
        idx.upsert(url("harbour"), HARBOUR)
    con = raw(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"documents", "postings", "copies", "learned", "site_words"}
    finally:
        con.close()


def test_schema_1_index_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Index(path) as idx:
        idx.upsert(url("harbour"), HARBOUR)
    con = raw(path)
    con.execute("DROP TABLE copies")
    con.execute("DROP TABLE learned")
    con.execute("DROP TABLE site_words")
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    with Index(path, create=False) as idx:
        assert len(idx) == 1
        assert idx.learned() == [] and idx.site_words("*") == {}
    con = raw(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    finally:
        con.close()


def test_schema_2_index_gains_site_words(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Index(path) as idx:
        _, doc = idx.upsert(url("harbour"), HARBOUR)
        idx.record_copy("https://farm.example/a", "farm.example", HARBOUR, doc)
        idx.replace_learned([("farm.example", "mention", "say", 2, 1, 2)])
    con = raw(path)
    con.execute("DROP TABLE site_words")
    con.execute("PRAGMA user_version=2")
    con.commit()
    con.close()
    with Index(path, create=False) as idx:
        assert idx.learned() == [("farm.example", "mention", "say", 2, 1, 2)]  # kept
        idx.replace_site_words([("farm.example", "harbour", 3, 2, 3)])
        assert idx.site_words("farm.example") == {"harbour": (3, 2, 3)}


def test_reopen_keeps_documents(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Index(path) as idx:
        idx.upsert(url("harbour"), HARBOUR, title="Harbour")
    with Index(path, create=False) as idx:
        assert len(idx) == 1
        doc = idx.get_url(url("harbour"))
        assert doc is not None and doc.text == HARBOUR and doc.title == "Harbour"


def test_missing_index_without_create_raises_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "news.db"
    with pytest.raises(IndexFileError, match="no index at .*unspin ingest"):
        Index(path, create=False)
    assert not path.exists() and not path.parent.exists()


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError, match="is a directory"):
        Index(tmp_path)
    with pytest.raises(IndexFileError, match="is a directory"):
        Index(tmp_path, create=False)


@pytest.mark.parametrize("create", [True, False])
def test_non_sqlite_file_is_refused(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 200
    path.write_bytes(content)
    with pytest.raises(IndexFileError, match="notes.db is not a usable unspin index"):
        Index(path, create=create)
    assert path.read_bytes() == content  # left alone


@pytest.mark.parametrize("create", [True, False])
def test_unrelated_sqlite_database_is_refused(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "app.db"
    con = raw(path)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO users (name) VALUES ('ada')")
    con.commit()
    con.close()
    with pytest.raises(IndexFileError, match="SQLite file but not an unspin index"):
        Index(path, create=create)
    con = raw(path)
    try:  # untouched: same tables, same rows, still not an index, not switched to WAL
        assert con.execute("SELECT name FROM users").fetchall() == [("ada",)]
        assert con.execute("PRAGMA user_version").fetchone()[0] == 0
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        con.close()


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Index(path) as idx:
        idx.upsert(url("harbour"), HARBOUR)
    con = raw(path)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.close()
    for create in (True, False):
        with pytest.raises(IndexFileError, match=f"schema {SCHEMA_VERSION + 1}.*Upgrade unspin"):
            Index(path, create=create)


def test_empty_file_without_create_is_not_an_index(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with pytest.raises(IndexFileError, match="not an unspin index"):
        Index(path, create=False)
    assert path.read_bytes() == b""  # a read-only open writes nothing (no WAL switch)
    with Index(path) as idx:  # while create=True makes it an index
        assert len(idx) == 0
    with Index(path, create=False) as idx:
        assert len(idx) == 0


def test_index_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("not a folder")
    with pytest.raises(IndexFileError, match="cannot create the folder"):
        Index(tmp_path / "file.txt" / "news.db")


# --------------------------------------------------------------------------- upsert


def test_upsert_statuses(index: Index) -> None:
    added, doc_id = index.upsert(url("harbour"), HARBOUR)
    assert added == "added"
    assert index.upsert(url("harbour"), HARBOUR) == ("unchanged", doc_id)
    # whitespace does not make a new version
    reflowed = " ".join(HARBOUR.split())
    assert index.upsert(url("harbour"), reflowed) == ("unchanged", doc_id)
    # the same text under another URL is recognised and not stored again
    assert index.upsert("https://mirror.example/harbour", HARBOUR) == ("duplicate", doc_id)
    assert len(index) == 1
    assert not index.has_url("https://mirror.example/harbour")
    # a changed text under the same URL replaces the stored one
    changed = HARBOUR.replace("another week", "another ten days")
    assert index.upsert(url("harbour"), changed, title="New") == ("updated", doc_id)
    doc = index.get(doc_id)
    assert doc is not None
    assert doc.text == changed and doc.title == "New"
    assert len(index) == 1
    # a second document gets its own id
    status, other = index.upsert(url("orchard"), ARTICLES["orchard"][1])
    assert status == "added" and other != doc_id
    assert len(index) == 2


def test_update_replaces_postings(index: Index) -> None:
    _, doc_id = index.upsert(url("doc"), HARBOUR)
    old_fp = fingerprints(HARBOUR)
    assert postings_of(index, doc_id) == set(old_fp.hashes)
    assert [c.doc for c in index.candidates(old_fp)] == [doc_id]

    new_text = ARTICLES["rail"][1]
    assert index.upsert(url("doc"), new_text)[0] == "updated"
    new_fp = fingerprints(new_text)
    assert postings_of(index, doc_id) == set(new_fp.hashes)
    assert index.candidates(old_fp) == []  # the old text no longer finds it
    assert [c.doc for c in index.candidates(new_fp)] == [doc_id]
    row = index.con.execute("SELECT fingerprints, words FROM documents WHERE id=?", (doc_id,))
    assert row.fetchone() == (len(new_fp.hashes), new_fp.words)


def test_put_prepared_document(index: Index) -> None:
    prepared = prepare_document(url("harbour"), HARBOUR, title="T", date="2024-05-01")
    assert prepared.content_hash == content_hash(HARBOUR)
    assert prepared.hashes == fingerprints(HARBOUR).hashes
    status, doc_id = index.put(prepared)
    assert status == "added"
    doc = index.get(doc_id)
    assert doc is not None and (doc.title, doc.date, doc.text) == ("T", "2024-05-01", HARBOUR)


def test_content_hash_ignores_whitespace_only() -> None:
    assert content_hash("a  b\n\nc") == content_hash(" a b c ")
    assert content_hash("a b c") != content_hash("a b d")
    assert len(content_hash("x")) == 16


def test_transaction_is_invisible_until_commit(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Index(path) as idx:
        idx.begin()
        idx.upsert(url("harbour"), HARBOUR)
        idx.upsert(url("rail"), ARTICLES["rail"][1])
        other = raw(path)
        try:
            assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
            idx.commit()
            assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        finally:
            other.close()


def test_close_commits_an_open_transaction(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    idx = Index(path)
    idx.begin()
    idx.upsert(url("harbour"), HARBOUR)
    idx.close()
    with Index(path, create=False) as again:
        assert again.has_url(url("harbour"))


# --------------------------------------------------------------------------- stored text


@pytest.mark.parametrize(
    "text",
    [
        HARBOUR,
        "Zoë’s café in Malmö — «très bien» — served 東京 ramen 🍜 to 1,200 guests.\n\n\tTabs too.",
        "  leading and trailing whitespace is kept exactly  \n",
        "x" * 50_000,
    ],
)
def test_text_round_trips_exactly(index: Index, text: str) -> None:
    _, doc_id = index.upsert(url("t"), text)
    doc = index.get(doc_id)
    assert doc is not None and doc.text == text
    assert index.get_url(url("t")) == doc


def test_text_is_compressed_with_the_preset_dictionary(index: Index) -> None:
    _, doc_id = index.upsert(url("harbour"), HARBOUR)
    blob = index.con.execute("SELECT text FROM documents WHERE id=?", (doc_id,)).fetchone()[0]
    assert isinstance(blob, bytes)
    assert len(blob) < len(HARBOUR.encode("utf-8"))
    plain = zlib.compress(HARBOUR.encode("utf-8"), 6)
    assert len(blob) < len(plain)  # the dictionary of common words helps short texts
    with pytest.raises(zlib.error):  # and is needed to read it back
        zlib.decompress(blob)


def test_missing_documents(index: Index) -> None:
    assert index.get(12345) is None
    assert index.get_url("https://news.example/none") is None
    assert not index.has_url("https://news.example/none")
    assert len(index) == 0
    assert list(index.iter_documents()) == []


def test_iter_documents_pages_through_everything(index: Index) -> None:
    index.begin()
    n = 520  # more than one page of 500
    for i in range(n):
        index.upsert(f"https://news.example/{i}", f"Story number {i} about harbour cranes.")
    index.commit()
    docs = list(index.iter_documents())
    assert len(docs) == n
    assert [d.url for d in docs] == [f"https://news.example/{i}" for i in range(n)]
    assert docs[-1].text == f"Story number {n - 1} about harbour cranes."


# --------------------------------------------------------------------------- look-ups


def test_candidates_rank_the_source_first(filled: Index) -> None:
    cands = filled.candidates(query_hashes(SPUN_HARBOUR))
    assert cands
    best = filled.get(cands[0].doc)
    assert best is not None and best.url == url("harbour")
    assert cands[0].shared >= 3 and cands[0].score > 0
    assert all(a.shared >= b.shared for a, b in zip(cands, cands[1:], strict=False))


def test_candidates_respect_limit_and_empty_query(filled: Index) -> None:
    fp = query_hashes(" ".join(text for _, text in ARTICLES.values()))
    assert len(filled.candidates(fp, limit=10)) == 5
    assert len(filled.candidates(fp, limit=2)) == 2
    assert filled.candidates(fingerprints("")) == []


def test_stats_and_integrity(filled: Index) -> None:
    stats = filled.stats()
    fp_total = sum(len(fingerprints(text).hashes) for _, text in ARTICLES.values())
    assert stats["documents"] == 5
    assert stats["postings"] == fp_total
    col = filled.con.execute("SELECT sum(fingerprints) FROM documents").fetchone()[0]
    assert col == fp_total
    assert stats["bytes"] > 0
    assert stats["bytes_per_document"] == pytest.approx(stats["bytes"] / 5)
    assert filled.integrity_ok() is True


def test_stats_of_an_empty_index(index: Index) -> None:
    stats = index.stats()
    assert (stats["documents"], stats["postings"], stats["bytes_per_document"]) == (0, 0, 0.0)
    assert index.integrity_ok()


def test_integrity_check_finds_damage(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Index(path) as idx:
        idx.begin()
        for i in range(300):
            idx.upsert(f"https://news.example/{i}", f"Report {i} on dock cranes and ships {i * 7}.")
        idx.commit()
        idx.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con = raw(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='postings'").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    end = root * page_size  # pages are numbered from 1; cells sit at the end of a page
    assert len(data) >= end
    data[end - 1500 : end] = b"\xa5" * 1500  # scribble over the postings b-tree
    path.write_bytes(bytes(data))
    with Index(path, create=False) as idx:  # page 1 is intact: the file opens
        assert idx.integrity_ok() is False  # a damaged page is reported, not raised
