"""Tests for unspin.sources: feeds, sitemaps, pages, local files and WARC archives."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from httpserver import Response, Server, article_html, gzipped
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from unspin.fetch import Fetcher
from unspin.sources import RawDocument, Skipped, iter_documents

MakeFetcher = Callable[..., Fetcher]

ARTICLES = {
    "/news/1": (
        "Library extends opening hours",
        [
            "The public library in Oakridge will stay open until nine in the evening from May.",
            "Librarians said students had asked for more quiet space during the exam season.",
            "The extra hours are paid for by a grant from the regional arts fund.",
        ],
    ),
    "/news/2": (
        "Bakery wins county prize",
        [
            "A family bakery on Hill Street has won the county prize for its rye bread.",
            "The owners started baking in a garage twelve years ago with one small oven.",
            "They plan to use the prize money to train two new apprentices this autumn.",
        ],
    ),
    "/news/3": (
        "New bus route links villages",
        [
            "A new bus route will link the villages of Elmstead and Carrow from next Monday.",
            "Buses will run every hour between seven in the morning and seven at night.",
            "Residents had collected more than a thousand signatures for the service.",
        ],
    ),
    "/news/4": (
        "Volunteers clean river banks",
        [
            "More than sixty volunteers spent Saturday clearing litter from the river banks.",
            "They filled two hundred bags with plastic, glass and old fishing line.",
            "The town council thanked the group and promised new bins along the path.",
        ],
    ),
    "/private/memo": (
        "Internal memo",
        [
            "This page is listed as disallowed in robots.txt and must never be fetched.",
            "It exists only so that a fetch by mistake would show up in the tests.",
            "A third paragraph makes sure it would look like a real article.",
        ],
    ),
}


def text_of(path: str) -> str:
    return "\n\n".join(ARTICLES[path][1])


def rss(server: Server, links: list[str], *, content: bool = False) -> str:
    items = []
    for n, link in enumerate(links, 1):
        body = ""
        if content:
            paras = "".join(f"<p>{p}</p>" for p in ARTICLES[link][1])
            body = f"<content:encoded><![CDATA[{paras}]]></content:encoded>"
        items.append(
            f"<item><title>Item {n}</title><link>{server.url(link)}</link>"
            f"<pubDate>Tue, 0{n} Apr 2024 10:00:00 GMT</pubDate>"
            f"<author>desk{n}@gazette.example (Desk {n})</author>{body}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>The Example Gazette</title><link>http://gazette.example/</link>"
        f"<description>Local news</description>{''.join(items)}</channel></rss>"
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Gazette Atom</title><id>urn:gazette</id><updated>2024-05-02T00:00:00Z</updated>
  <entry><title>Bus</title><id>urn:e3</id><link href="/news/3"/>
    <updated>2024-05-01T09:00:00Z</updated><author><name>Ana Ruiz</name></author></entry>
  <entry><title>River</title><id>urn:e4</id><link href="/news/4"/>
    <updated>2024-05-02T09:00:00Z</updated><author><name>Ben Cole</name></author></entry>
</feed>"""

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(server: Server, paths: list[str]) -> str:
    locs = "".join(f"<url><loc>{server.url(p)}</loc></url>" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {SITEMAP_NS}>{locs}</urlset>'


def sitemap_index(server: Server, paths: list[str]) -> str:
    locs = "".join(f"<sitemap><loc>{server.url(p)}</loc></sitemap>" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {SITEMAP_NS}>{locs}</sitemapindex>'


@pytest.fixture
def site(server: Server) -> Server:
    """The test server as a small news site."""
    server.route(
        "/robots.txt",
        "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.01\n",
        content_type="text/plain",
    )
    for path, (title, paragraphs) in ARTICLES.items():
        server.route(path, article_html(title, paragraphs))
    server.route("/doc.pdf", Response(body=b"%PDF-1.4 fake", content_type="application/pdf"))
    server.route("/empty", "<html><head><title>Index</title></head><body><nav>Home</nav></body>")
    server.redirect("/moved", "http://10.0.0.1/news/5")
    server.route(
        "/feed.rss",
        rss(server, ["/news/1", "/news/2", "/news/1", "/private/memo"]).replace(
            "</channel>", _extra_items(server) + "</channel>"
        ),
        content_type="application/rss+xml",
    )
    server.route("/atom.xml", ATOM, content_type="application/atom+xml")
    server.route(
        "/sitemap_index.xml",
        sitemap_index(server, ["/sitemap-a.xml", "/sitemap-b.xml.gz", "/sitemap_index.xml"]),
        content_type="application/xml",
    )
    server.route("/sitemap-a.xml", urlset(server, ["/news/1", "/news/2"]), content_type="text/xml")
    server.route(
        "/sitemap-b.xml.gz",
        gzipped(urlset(server, ["/news/3", "/moved"])),
        content_type="application/x-gzip",
    )
    return server


def _extra_items(server: Server) -> str:
    return "".join(
        f"<item><title>{p}</title><link>{server.url(p)}</link></item>"
        for p in ("/missing", "/doc.pdf", "/empty")
    )


def docs_and_skips(items: list[RawDocument | Skipped]) -> tuple[list[RawDocument], list[Skipped]]:
    docs = [i for i in items if isinstance(i, RawDocument)]
    skips = [i for i in items if isinstance(i, Skipped)]
    return docs, skips


# -- network sources -------------------------------------------------------------------------


def test_rss_feed(site: Server, make_fetcher: MakeFetcher) -> None:
    spec = site.url("/feed.rss")
    items = list(iter_documents(spec, fetcher=make_fetcher()))
    docs, skips = docs_and_skips(items)
    assert [d.url for d in docs] == [site.url("/news/1"), site.url("/news/2")]
    first = docs[0]
    assert first.text == text_of("/news/1")
    assert first.title == "Library extends opening hours"
    assert first.date == "2024-04-01"  # the page has no date: the feed's pubDate
    assert first.source == spec
    assert first.site == "127.0.0.1"
    assert first.extract_seconds > 0
    assert [(s.url.removeprefix(site.url("")), s.reason, s.failed) for s in skips] == [
        ("/news/1", "duplicate", False),
        ("/private/memo", "robots.txt disallows", False),
        ("/missing", "HTTP 404", True),
        ("/doc.pdf", "not HTML (application/pdf)", False),
        ("/empty", "no article text", False),
    ]
    assert site.count("/news/1") == 1
    assert site.count("/private/memo") == 0


def test_atom_feed_relative_links(site: Server, make_fetcher: MakeFetcher) -> None:
    docs, skips = docs_and_skips(
        list(iter_documents(site.url("/atom.xml"), fetcher=make_fetcher()))
    )
    assert skips == []
    assert [d.url for d in docs] == [site.url("/news/3"), site.url("/news/4")]
    assert [d.author for d in docs] == ["Ana Ruiz", "Ben Cole"]
    assert [d.date for d in docs] == ["2024-05-01", "2024-05-02"]


def test_sitemap_index_with_gzip_child_and_loop(site: Server, make_fetcher: MakeFetcher) -> None:
    items = list(iter_documents(site.url("/sitemap_index.xml"), fetcher=make_fetcher()))
    docs, skips = docs_and_skips(items)
    assert [d.url for d in docs] == [site.url(p) for p in ("/news/1", "/news/2", "/news/3")]
    assert docs[2].text == text_of("/news/3")
    assert [(s.url.removeprefix(site.url("")), s.reason, s.failed) for s in skips] == [
        ("/moved", "refused: private address 10.0.0.1", False),
        ("/sitemap_index.xml", "duplicate", False),
    ]
    assert site.count("/sitemap_index.xml") == 1


def test_single_page_and_forced_kind(site: Server, make_fetcher: MakeFetcher) -> None:
    (doc,) = iter_documents(site.url("/news/2"), fetcher=make_fetcher())
    assert isinstance(doc, RawDocument) and doc.text == text_of("/news/2")
    (skip,) = iter_documents(site.url("/feed.rss"), fetcher=make_fetcher(), kind="html")
    assert skip == Skipped(site.url("/feed.rss"), "not HTML (application/rss+xml)", False)
    (skip,) = iter_documents(site.url("/doc.pdf"), fetcher=make_fetcher())
    assert skip.reason == "not HTML (application/pdf)"


def test_limit_stops_fetching(site: Server, make_fetcher: MakeFetcher) -> None:
    items = list(iter_documents(site.url("/feed.rss"), fetcher=make_fetcher(), limit=1))
    assert [i.url for i in items] == [site.url("/news/1")]
    assert site.count("/news/2") == 0


def test_generator_is_lazy(site: Server, make_fetcher: MakeFetcher) -> None:
    items = iter_documents(site.url("/feed.rss"), fetcher=make_fetcher())
    assert site.hits == []
    first = next(items)
    assert isinstance(first, RawDocument)
    assert site.count("/news/2") == 0
    items.close()  # type: ignore[attr-defined]


def test_default_fetcher_refuses_private_addresses(site: Server) -> None:
    (skip,) = iter_documents(site.url("/news/1"))
    assert skip == Skipped(site.url("/news/1"), "refused: private address 127.0.0.1", False)
    assert site.hits == []


def test_network_failures_are_failed_skips(site: Server, make_fetcher: MakeFetcher) -> None:
    site.route("/slow", Response(body="x", delay=3.0))
    (skip,) = iter_documents(site.url("/slow"), fetcher=make_fetcher(timeout=0.2, retries=0))
    assert skip == Skipped(site.url("/slow"), "timeout", True)


def test_bad_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="kind"):
        iter_documents("x", kind="pdf")


# -- local files -----------------------------------------------------------------------------


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_folder_walk(tmp_path: Path, site: Server, make_fetcher: MakeFetcher) -> None:
    write(tmp_path / "a.html", article_html(*ARTICLES["/news/1"]))
    write(tmp_path / "b.txt", "Short headline\n\nFirst paragraph of the note.\nSecond line.\n")
    write(tmp_path / "c.md", "# Markdown title\n\nBody text here.\n")
    write(tmp_path / "d.urls", f"# links\n{site.url('/news/2')}\n\n{site.url('/news/3')}\n")
    write(tmp_path / "e.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(tmp_path / "f.txt", "   \n\n")
    write(tmp_path / "g.txt", b"\x00\x01\x02binary\x00")
    write(tmp_path / ".hidden.txt", "never read")
    write(tmp_path / ".git" / "config.txt", "never read")
    write(tmp_path / "sub" / "h.htm", article_html(*ARTICLES["/news/4"]))
    (tmp_path / "z.txt").symlink_to(tmp_path / "nowhere.txt")
    items = list(iter_documents(str(tmp_path), fetcher=make_fetcher()))
    uri = tmp_path.absolute().as_uri()
    summary = [
        (i.url.removeprefix(uri).removeprefix(site.url("")), type(i).__name__) for i in items
    ]
    assert summary == [
        ("/a.html", "RawDocument"),
        ("/b.txt", "RawDocument"),
        ("/c.md", "RawDocument"),
        ("/news/2", "RawDocument"),
        ("/news/3", "RawDocument"),
        ("/e.png", "Skipped"),
        ("/f.txt", "Skipped"),
        ("/g.txt", "Skipped"),
        ("/z.txt", "Skipped"),
        ("/sub/h.htm", "RawDocument"),
    ]
    a, b, c = items[0], items[1], items[2]
    assert isinstance(a, RawDocument) and a.text == text_of("/news/1")
    assert a.title == "Library extends opening hours"
    assert isinstance(b, RawDocument) and b.title == "Short headline"
    assert b.text == "Short headline\n\nFirst paragraph of the note.\nSecond line."
    assert isinstance(c, RawDocument) and c.title == "Markdown title"
    assert items[5] == Skipped(f"{uri}/e.png", "unsupported file type (.png)", False)
    assert items[6] == Skipped(f"{uri}/f.txt", "empty", False)
    assert isinstance(items[7], Skipped) and "binary" in items[7].reason
    assert items[8] == Skipped(f"{uri}/z.txt", "not a regular file", False)
    assert all(i.source == str(tmp_path) for i in items if isinstance(i, RawDocument))


def test_text_file_of_urls_and_encodings(
    tmp_path: Path, site: Server, make_fetcher: MakeFetcher
) -> None:
    urls = write(tmp_path / "links.txt", f"{site.url('/news/1')}\n# comment\n{site.url('/nope')}\n")
    items = list(iter_documents(str(urls), fetcher=make_fetcher()))
    assert [(type(i).__name__, i.url) for i in items] == [
        ("RawDocument", site.url("/news/1")),
        ("Skipped", site.url("/nope")),
    ]
    # kind="text" reads the same file as a plain text document instead
    (doc,) = iter_documents(str(urls), kind="text")
    assert isinstance(doc, RawDocument) and doc.text.startswith("http://")
    latin = write(tmp_path / "latin.txt", "Caf\xe9 news\n\nThe caf\xe9 reopened.".encode("cp1252"))
    (doc,) = iter_documents(str(latin))
    assert isinstance(doc, RawDocument) and doc.title == "Café news"
    bom = write(tmp_path / "bom.txt", b"\xef\xbb\xbfHello there\nworld")
    (doc,) = iter_documents(str(bom))
    assert isinstance(doc, RawDocument) and doc.text == "Hello there\nworld"
    long_line = write(tmp_path / "long.txt", "word " * 60)
    (doc,) = iter_documents(long_line.absolute().as_uri())
    assert isinstance(doc, RawDocument) and doc.title is None


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First story text.", "title": "One", "url": "https://n.example/1"}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"title": "no text"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": "Second story.", "date": "2024-01-02", "author": "Kim", "site": "N"}),
        json.dumps({"text": "Same URL again.", "url": "https://n.example/1"}),
    ]
    path = write(tmp_path / "docs.jsonl", "\n".join(lines) + "\n")
    uri = path.absolute().as_uri()
    items = list(iter_documents(str(path)))
    assert items[0] == RawDocument(
        "https://n.example/1", "First story text.", title="One", source=str(path)
    )
    assert [(i.url, i.reason, i.failed) for i in items[1:5] if isinstance(i, Skipped)] == [
        (f"{uri}#line-3", "bad JSON: Expecting property name enclosed in double quotes", True),
        (f"{uri}#line-4", "not a JSON object", True),
        (f"{uri}#line-5", 'no "text" string field', True),
        (f"{uri}#line-6", "empty", False),
    ]
    second = items[5]
    assert isinstance(second, RawDocument)
    assert (second.url, second.date, second.author, second.site) == (
        f"{uri}#line-7",
        "2024-01-02",
        "Kim",
        "N",
    )
    assert items[6] == Skipped("https://n.example/1", "duplicate", False)
    assert len(items) == 7


def test_local_feed_with_full_content(tmp_path: Path, site: Server) -> None:
    path = write(tmp_path / "feed.xml", rss(site, ["/news/3", "/news/4"], content=True))
    items = list(iter_documents(str(path)))  # no fetcher needed: the content is in the feed
    assert [i.url for i in items] == [site.url("/news/3"), site.url("/news/4")]
    assert all(isinstance(i, RawDocument) for i in items)
    assert items[0].text == text_of("/news/3")  # type: ignore[union-attr]
    assert items[0].title == "Item 1"  # type: ignore[union-attr]
    assert items[0].site == "The Example Gazette"  # type: ignore[union-attr]
    assert items[1].date == "2024-04-02"  # type: ignore[union-attr]
    assert site.hits == []


def test_local_feed_and_sitemap_links_are_fetched(
    tmp_path: Path, site: Server, make_fetcher: MakeFetcher
) -> None:
    feed = write(tmp_path / "links.rss", rss(site, ["/news/1", "/private/memo"]))
    items = list(iter_documents(str(feed), fetcher=make_fetcher()))
    assert [(type(i).__name__, i.url) for i in items] == [
        ("RawDocument", site.url("/news/1")),
        ("Skipped", site.url("/private/memo")),
    ]
    smap = write(tmp_path / "map.xml.gz", gzipped(urlset(site, ["/news/2"])))
    (doc,) = iter_documents(str(smap), fetcher=make_fetcher())
    assert isinstance(doc, RawDocument) and doc.url == site.url("/news/2")
    other = write(tmp_path / "other.xml", "<config><a>1</a></config>")
    (skip,) = iter_documents(str(other))
    assert skip.failed and "neither a feed nor a sitemap" in skip.reason


def test_local_feed_cannot_reach_local_files(tmp_path: Path, make_fetcher: MakeFetcher) -> None:
    secret = write(tmp_path / "secret.html", article_html(*ARTICLES["/news/1"]))
    feed = rss_with_link(secret.absolute().as_uri())
    path = write(tmp_path / "feed.rss", feed)
    (skip,) = iter_documents(str(path), fetcher=make_fetcher())
    assert skip.url.endswith("/secret.html")
    assert (skip.reason, skip.failed) == ("refused: scheme file", False)


def rss_with_link(link: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        f"<item><title>t</title><link>{link}</link></item></channel></rss>"
    )


def test_missing_path() -> None:
    (skip,) = iter_documents("/no/such/place/here.txt")
    assert skip == Skipped("/no/such/place/here.txt", "no such file or folder", True)


# -- WARC ------------------------------------------------------------------------------------


def warc_bytes(gzip: bool) -> tuple[bytes, list[int]]:
    """A small WARC and the offset where each record starts."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    offsets: list[int] = []

    def response(url: str, status: str, ctype: str, body: bytes) -> None:
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        offsets.append(buf.tell())
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
        )

    def page(path: str) -> bytes:
        return article_html(*ARTICLES[path]).encode()

    offsets.append(buf.tell())
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    response(
        "https://gazette.example/news/1", "200 OK", "text/html; charset=utf-8", page("/news/1")
    )
    response("https://gazette.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n")
    response("https://gazette.example/gone", "404 Not Found", "text/html", b"<p>gone</p>")
    offsets.append(buf.tell())
    writer.write_record(
        writer.create_warc_record(
            "https://gazette.example/news/2",
            "resource",
            payload=io.BytesIO(page("/news/2")),
            warc_content_type="text/html",
        )
    )
    response("https://gazette.example/news/3", "200 OK", "text/html", page("/news/3"))
    response("https://gazette.example/news/1", "200 OK", "text/html", page("/news/1"))
    return buf.getvalue(), offsets


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc(tmp_path: Path, gz: bool) -> None:
    data, _ = warc_bytes(gz)
    path = write(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), data)
    items = list(iter_documents(str(path)))
    assert [(type(i).__name__, i.url, getattr(i, "reason", "")) for i in items] == [
        ("RawDocument", "https://gazette.example/news/1", ""),
        ("Skipped", "https://gazette.example/logo.png", "not HTML (image/png)"),
        ("Skipped", "https://gazette.example/gone", "HTTP 404"),
        ("RawDocument", "https://gazette.example/news/2", ""),
        ("RawDocument", "https://gazette.example/news/3", ""),
        ("Skipped", "https://gazette.example/news/1", "duplicate"),
    ]
    doc = items[0]
    assert isinstance(doc, RawDocument)
    assert doc.text == text_of("/news/1")
    assert doc.site == "gazette.example"
    assert not any(getattr(i, "failed", False) for i in items)


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("where", [0.5, 0.05], ids=["mid-record", "in-header"])
def test_truncated_warc(tmp_path: Path, gz: bool, where: float) -> None:
    data, offsets = warc_bytes(gz)
    start, end = offsets[5], offsets[6]  # the record of /news/3
    cut = data[: start + max(1, int((end - start) * where))]
    path = write(tmp_path / ("cut.warc.gz" if gz else "cut.warc"), cut)
    items = list(iter_documents(str(path)))
    docs, skips = docs_and_skips(items)
    assert [d.url for d in docs] == [
        "https://gazette.example/news/1",
        "https://gazette.example/news/2",
    ]
    assert items[-1] is skips[-1]
    failed = [s for s in skips if s.failed]
    assert len(failed) == 1
    assert failed[0].url == path.absolute().as_uri()
    assert failed[0].reason.startswith("broken WARC after")


def test_warc_with_wrong_length(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    data, offsets = warc_bytes(False)
    header_end = data.index(b"\r\n\r\n", offsets[1])
    head = data[offsets[1] : header_end]
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    bad_head = head.replace(f"Content-Length: {length}".encode(), b"Content-Length: 100")
    path = write(tmp_path / "bad.warc", data[: offsets[1]] + bad_head + data[header_end:])
    items = list(iter_documents(str(path)))
    assert len(items) == 1
    assert items[0].failed
    assert "wrong Content-Length" in items[0].reason
    assert capfd.readouterr().err == ""  # warcio's own warning is not printed


def test_not_a_warc(tmp_path: Path) -> None:
    path = write(tmp_path / "junk.warc", b"this is not a web archive\n" * 20)
    (skip,) = iter_documents(str(path))
    assert skip.failed and "Invalid WARC record" in skip.reason
    (skip,) = iter_documents(str(write(tmp_path / "empty.warc", b"")))
    assert skip == Skipped(
        path.with_name("empty.warc").as_uri(), "no HTTP responses or resources in WARC", False
    )
