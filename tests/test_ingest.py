"""Tests for unspin.ingest: filling an index from files, JSONL and a real (local) web site."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from httpserver import Response, Server, article_html
from news_samples import ARTICLES, SPUN_HARBOUR

from unspin.fetch import Fetcher
from unspin.fingerprint import fingerprints
from unspin.index import Index
from unspin.ingest import MIN_WORDS, IngestSummary, ingest
from unspin.sources import RawDocument, Skipped
from unspin.tracing import trace

ROOT = Path(__file__).resolve().parents[1]
MakeFetcher = Callable[..., Fetcher]
TOO_SHORT = f"too short (under {MIN_WORDS} words)"


def paragraphs(key: str) -> list[str]:
    return ARTICLES[key][1].split("\n\n")


def jsonl_line(url: str, key: str, **extra: str) -> str:
    title, text = ARTICLES[key]
    return json.dumps({"url": url, "title": title, "text": text, **extra}) + "\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of the five sample articles as text, Markdown, HTML and JSONL, plus noise."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    title, text = ARTICLES["harbour"]
    (root / "harbour.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    title, _ = ARTICLES["orchard"]
    (root / "orchard.html").write_text(article_html(title, paragraphs("orchard")), "utf-8")
    (root / "sub" / "library.md").write_text(ARTICLES["library"][1], encoding="utf-8")
    (root / "feed.jsonl").write_text(
        jsonl_line("https://news.example/rail", "rail", date="2024-05-01")
        + "\n"
        + jsonl_line("https://news.example/clinic", "clinic", author="Desk"),
        encoding="utf-8",
    )
    (root / "short.txt").write_text("Too short to be worth indexing.", encoding="utf-8")
    (root / "scan.pdf").write_bytes(b"%PDF-1.4 not read")
    (root / ".hidden.txt").write_text(ARTICLES["harbour"][1] + " hidden", encoding="utf-8")
    return root


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    with Index(tmp_path / "news.db") as idx:
        yield idx


def urls(idx: Index) -> set[str]:
    return {d.url for d in idx.iter_documents()}


# --------------------------------------------------------------------------- local files


def test_folder_ingest_counts_and_stores(corpus: Path, index: Index) -> None:
    summary = ingest([str(corpus)], index)
    assert (summary.added, summary.updated, summary.unchanged, summary.duplicate) == (5, 0, 0, 0)
    assert dict(summary.skipped) == {TOO_SHORT: 1, "unsupported file type (.pdf)": 1}
    assert dict(summary.failed) == {}
    assert summary.stored == 5 and summary.seen == 7
    assert len(index) == 5
    assert urls(index) == {
        (corpus / "harbour.txt").as_uri(),
        (corpus / "orchard.html").as_uri(),
        (corpus / "sub" / "library.md").as_uri(),
        "https://news.example/rail",
        "https://news.example/clinic",
    }
    rail = index.get_url("https://news.example/rail")
    assert rail is not None
    assert (rail.title, rail.date, rail.text) == (
        ARTICLES["rail"][0],
        "2024-05-01",
        ARTICLES["rail"][1],
    )
    orchard = index.get_url((corpus / "orchard.html").as_uri())
    assert orchard is not None
    assert orchard.text == ARTICLES["orchard"][1] and orchard.title == ARTICLES["orchard"][0]
    harbour = index.get_url((corpus / "harbour.txt").as_uri())
    assert harbour is not None and harbour.title == ARTICLES["harbour"][0]
    assert not index._in_tx  # everything committed
    # what was stored can be found
    best = trace(SPUN_HARBOUR, index).best
    assert best is not None and best.url == (corpus / "harbour.txt").as_uri()


def test_rerun_is_unchanged_and_modified_file_is_updated(corpus: Path, index: Index) -> None:
    ingest([str(corpus)], index)
    stats = index.stats()

    again = ingest([str(corpus)], index)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert len(index) == 5
    assert index.stats()["postings"] == stats["postings"]

    path = corpus / "sub" / "library.md"
    new_text = path.read_text(encoding="utf-8") + "\n\nThe café will open in April."
    path.write_text(new_text, encoding="utf-8")
    third = ingest([str(corpus)], index)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 4)
    doc = index.get_url(path.as_uri())
    assert doc is not None and doc.text == new_text
    assert len(index) == 5


def test_single_files_and_jsonl(corpus: Path, index: Index) -> None:
    summary = ingest([str(corpus / "feed.jsonl"), str(corpus / "orchard.html")], index)
    assert summary.added == 3
    assert urls(index) == {
        "https://news.example/rail",
        "https://news.example/clinic",
        (corpus / "orchard.html").as_uri(),
    }


def test_jsonl_duplicates_short_and_bad_lines(tmp_path: Path, index: Index) -> None:
    path = tmp_path / "docs.jsonl"
    text = ARTICLES["clinic"][1]
    path.write_text(
        json.dumps({"url": "https://a.example/1", "text": text})
        + "\n"
        + json.dumps({"url": "https://b.example/copy", "text": text})  # same text, other URL
        + "\n"
        + json.dumps({"url": "https://a.example/2", "text": "Three words only."})
        + "\n"
        + "{not json\n"
        + json.dumps({"url": "https://a.example/3", "body": "no text field"})
        + "\n",
        encoding="utf-8",
    )
    summary = ingest([str(path)], index)
    assert (summary.added, summary.duplicate) == (1, 1)
    assert summary.skipped[TOO_SHORT] == 1
    assert sum(summary.failed.values()) == 2
    assert any(reason.startswith("bad JSON") for reason in summary.failed)
    assert summary.failed['no "text" string field'] == 1
    assert len(summary.failed_examples) == 2
    assert urls(index) == {"https://a.example/1"}


def test_missing_path_is_reported_not_raised(tmp_path: Path, index: Index) -> None:
    missing = str(tmp_path / "nowhere")
    summary = ingest([missing], index)
    assert summary.stored == 0 and len(index) == 0
    assert dict(summary.failed) == {"no such file or folder": 1}
    assert summary.failed_examples == [(missing, "no such file or folder")]


def test_limit_and_on_item(corpus: Path, index: Index) -> None:
    seen: list[tuple[str, str]] = []

    def on_item(item: RawDocument | Skipped, status: str) -> None:
        seen.append((type(item).__name__, status))

    summary = ingest([str(corpus / "feed.jsonl")], index, limit=1, on_item=on_item)
    assert summary.added == 1 and len(index) == 1
    assert seen == [("RawDocument", "added")]

    seen.clear()
    ingest([str(corpus)], index, on_item=on_item)
    statuses = sorted(s for _, s in seen)
    assert statuses == ["added"] * 4 + ["skipped"] * 2 + ["unchanged"]


def test_summary_to_dict_is_json(corpus: Path, index: Index) -> None:
    summary = ingest([str(corpus), str(corpus / "missing.txt")], index)
    d = json.loads(json.dumps(summary.to_dict()))
    assert d["added"] == 5
    assert d["skipped"] == {TOO_SHORT: 1, "unsupported file type (.pdf)": 1}
    assert d["failed"] == {"no such file or folder": 1}
    assert d["failed_examples"] == [
        {"url": str(corpus / "missing.txt"), "reason": "no such file or folder"}
    ]
    assert set(d) >= {"updated", "unchanged", "duplicate", "seconds", "index_seconds"}
    assert IngestSummary().to_dict()["added"] == 0


# --------------------------------------------------------------------------- web sources


def rss(server: Server, paths: list[str]) -> str:
    items = "".join(
        f"<item><title>{p}</title><link>{server.url(p)}</link>"
        f"<pubDate>Tue, 07 May 2024 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Gazette</title><link>{server.url('/')}</link>{items}</channel></rss>"
    )


PAGES = [f"/news/{key}" for key in ARTICLES]


@pytest.fixture
def site(server: Server) -> Server:
    server.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for key, (title, _) in ARTICLES.items():
        server.route(f"/news/{key}", article_html(title, paragraphs(key)))
    server.route("/private/memo", article_html("Memo", paragraphs("harbour")))
    server.route(
        "/feed.rss",
        rss(server, [*PAGES, "/private/memo", "/missing"]),
        content_type="application/rss+xml",
    )
    return server


def test_feed_ingest_skips_known_pages_and_refreshes(
    site: Server, make_fetcher: MakeFetcher, index: Index
) -> None:
    feed = site.url("/feed.rss")
    first = ingest([feed], index, fetcher=make_fetcher())
    assert first.added == 5
    assert dict(first.skipped) == {"robots.txt disallows": 1}
    assert dict(first.failed) == {"HTTP 404": 1}
    assert first.failed_examples == [(site.url("/missing"), "HTTP 404")]
    assert urls(index) == {site.url(p) for p in PAGES}
    assert site.count("/private/memo") == 0  # robots.txt is obeyed
    doc = index.get_url(site.url("/news/harbour"))
    assert doc is not None
    assert doc.text == ARTICLES["harbour"][1]
    assert doc.title == ARTICLES["harbour"][0]
    assert doc.date == "2024-05-07"  # from the feed
    best = trace(SPUN_HARBOUR, index).best
    assert best is not None and best.url == site.url("/news/harbour")
    assert all(site.count(p) == 1 for p in PAGES)

    # a second run reads the feed again but does not request pages already indexed
    second = ingest([feed], index, fetcher=make_fetcher())
    assert site.count("/feed.rss") == 2
    assert all(site.count(p) == 1 for p in PAGES)
    assert second.added == second.unchanged == 0
    assert second.skipped["already indexed"] == 5
    assert second.skipped["robots.txt disallows"] == 1
    assert dict(second.failed) == {"HTTP 404": 1}  # not indexed, so tried again
    assert len(index) == 5

    # refresh fetches every page again; a changed page is updated
    title, _ = ARTICLES["rail"]
    site.route("/news/rail", article_html(title, [*paragraphs("rail"), "Tickets cost 89 euros."]))
    third = ingest([feed], index, fetcher=make_fetcher(), refresh=True)
    assert all(site.count(p) == 2 for p in PAGES)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 4)
    rail = index.get_url(site.url("/news/rail"))
    assert rail is not None and rail.text.endswith("Tickets cost 89 euros.")
    assert site.count("/private/memo") == 0


def test_single_page_and_server_errors(
    site: Server, make_fetcher: MakeFetcher, index: Index
) -> None:
    site.route("/broken", Response(status=500, body="oops", content_type="text/plain"))
    summary = ingest(
        [site.url("/news/clinic"), site.url("/broken"), site.url("/gone")],
        index,
        fetcher=make_fetcher(retries=0),
    )
    assert summary.added == 1
    assert dict(summary.failed) == {"HTTP 500": 1, "HTTP 404": 1}
    assert {u for u, _ in summary.failed_examples} == {site.url("/broken"), site.url("/gone")}
    assert urls(index) == {site.url("/news/clinic")}


# --------------------------------------------------------------------------- crash safety

CRASH_DOCS = 400

TOWNS = ["Port Elwin", "Marlow Bay", "Kessel", "Aarvik", "Varden"]


def generated_line(i: int) -> str:
    town = TOWNS[i % len(TOWNS)]
    text = (
        f"Report {i}: the council of {town} approved {i * 3 + 7} new benches for the riverside "
        f"park on day {i}, and residents said the plan would cost {i * 11 + 100} thousand "
        f"euros over {i % 9 + 2} years. Work starts in week {i % 52 + 1} with {i % 17 + 3} crews."
    )
    return json.dumps(
        {"url": f"https://gazette.example/{i}", "title": f"Benches {i}", "text": text}
    )


CHILD = """
import sys, time
from unspin.index import Index
from unspin.ingest import ingest

def slow(item, status):
    time.sleep(0.004)  # a slow source, so the parent can kill us mid-way

idx = Index(sys.argv[1])
ingest([sys.argv[2]], idx, commit_every=10, on_item=slow)
idx.close()
print("finished")
"""


def count_documents(path: Path) -> int:
    con = sqlite3.connect(path, timeout=10)
    try:
        return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
    finally:
        con.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_ingest_killed_midway_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    source = tmp_path / "generated.jsonl"
    source.write_text("\n".join(generated_line(i) for i in range(CRASH_DOCS)) + "\n", "utf-8")
    db = tmp_path / "crash.db"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(source)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                stored = count_documents(db)
                if stored >= 20:
                    break
            time.sleep(0.01)
        assert proc.poll() is None, "the ingest finished before it could be killed"
        assert 0 < stored < CRASH_DOCS
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL

    survived = count_documents(db)  # only committed batches survive the kill
    assert 0 < survived < CRASH_DOCS

    with Index(db) as idx:
        assert idx.integrity_ok()
        summary = ingest([str(source)], idx, commit_every=10)
    assert summary.unchanged == survived
    assert summary.added == CRASH_DOCS - survived
    assert summary.updated == summary.duplicate == 0
    assert dict(summary.failed) == {} and dict(summary.skipped) == {}

    con = sqlite3.connect(db)
    try:
        docs, distinct = con.execute(
            "SELECT count(*), count(DISTINCT url) FROM documents"
        ).fetchone()
        assert docs == distinct == CRASH_DOCS
        got = {u for (u,) in con.execute("SELECT url FROM documents")}
        assert got == {f"https://gazette.example/{i}" for i in range(CRASH_DOCS)}
        postings = con.execute("SELECT count(*) FROM postings").fetchone()[0]
        declared = con.execute("SELECT sum(fingerprints) FROM documents").fetchone()[0]
        assert postings == declared > CRASH_DOCS
        # and per document: every fingerprint stored once, none left over from the crash
        mismatched = con.execute(
            "SELECT count(*) FROM documents d LEFT JOIN "
            "(SELECT doc, count(*) AS n FROM postings GROUP BY doc) p ON p.doc = d.id "
            "WHERE coalesce(p.n, 0) != d.fingerprints"
        ).fetchone()[0]
        assert mismatched == 0
        orphans = con.execute(
            "SELECT count(*) FROM postings WHERE doc NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        assert orphans == 0
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()

    with Index(db, create=False) as idx:
        doc = idx.get_url("https://gazette.example/123")
        assert doc is not None
        assert doc.text == json.loads(generated_line(123))["text"]
        fp = fingerprints(doc.text)
        row = idx.con.execute("SELECT fingerprints FROM documents WHERE id=?", (doc.id,))
        assert row.fetchone()[0] == len(fp.hashes)
