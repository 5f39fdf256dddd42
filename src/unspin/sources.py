"""Iterate documents from an ingest source: a URL, a feed, a sitemap, a WARC, files, folders.

Everything is lazy: a feed's links are fetched one at a time as the caller asks for the next
document, and a WARC file is streamed record by record. Problems never raise; they come out
as :class:`Skipped` items with a short reason.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

from lxml import etree

from unspin.extract import extract_html, html_fragment_to_text
from unspin.fetch import BlockedURL, Fetcher, FetchError, FetchResult
from unspin.result import UnspinInputError
from unspin.textio import decode_bytes

__all__ = ["KINDS", "RawDocument", "Skipped", "iter_documents"]

log = logging.getLogger(__name__)

KINDS = ("auto", "feed", "sitemap", "urls", "html", "text", "warc", "jsonl")

_MAX_FILE_BYTES = 64_000_000  # local html/text/xml files; WARC and JSONL are streamed
_MAX_XML_BYTES = 64_000_000  # a decompressed sitemap (the protocol allows 50 MB)
_MAX_RECORD_BYTES = 10_000_000  # one HTML payload inside a WARC
_MAX_JSONL_LINE = 20_000_000
_MAX_SITEMAP_DEPTH = 4
_TITLE_MAX_CHARS = 120
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_XML_TYPES = frozenset({"application/xml", "text/xml"}) | _FEED_TYPES
_WARC_TYPES = frozenset(
    {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion",
     "continuation"}
)  # fmt: skip
# served types that may hide a feed or sitemap ("" after we gunzip a body ourselves)
_MAYBE_XML_TYPES = frozenset(
    {"", "text/plain", "application/octet-stream", "application/gzip", "application/x-gzip"}
)
_URL_LINE = re.compile(r"^https?://\S+$", re.I)


@dataclass
class RawDocument:
    """One article, ready to be indexed."""

    url: str
    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    site: str | None = None
    source: str = ""
    extract_seconds: float = 0.0


@dataclass
class Skipped:
    """Something that did not become a document; ``failed`` is False for deliberate skips."""

    url: str
    reason: str
    failed: bool


Item = RawDocument | Skipped


def iter_documents(
    spec: str,
    *,
    fetcher: Fetcher | None = None,
    kind: str = "auto",
    limit: int | None = None,
    known: Callable[[str], bool] | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Yield the documents (and skips) of ``spec``: a URL, a file or a folder.

    ``kind`` forces how the source is read (one of :data:`KINDS`); ``limit`` caps the number of
    documents (skips do not count). Network sources use ``fetcher``, or a default
    :class:`Fetcher` that is closed when the iteration ends. ``known(url)``: true for web pages
    already stored, which are then skipped without a request ("already indexed").
    """
    if kind not in KINDS:
        raise ValueError(f"unknown source kind {kind!r}; expected one of {', '.join(KINDS)}")
    if limit is not None and limit < 0:
        raise ValueError("limit must be >= 0")
    return _limited(_Run(spec, fetcher, known), kind, limit)


def _limited(run: _Run, kind: str, limit: int | None) -> Iterator[Item]:
    if limit == 0:
        run.close()
        return
    items = run.iter_spec(kind)
    count = 0
    try:
        for item in items:
            yield item
            if isinstance(item, RawDocument):
                count += 1
                if limit is not None and count >= limit:
                    return
    finally:
        items.close()
        run.close()


def _file_uri(path: Path) -> str:
    return Path(os.path.abspath(path)).as_uri()  # symlinks are kept: the name the user gave


def _is_url(text: str) -> bool:
    return bool(_URL_LINE.match(text.strip()))


def _gunzip(data: bytes, limit: int = _MAX_XML_BYTES) -> bytes:
    """Decompress gzip data, refusing output beyond ``limit`` (a compression bomb)."""
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = decomp.decompress(data, limit + 1)
    if len(out) > limit or decomp.unconsumed_tail:
        raise ValueError(f"decompressed size exceeds {limit} bytes")
    return out


_XML_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "recover": True,
    "remove_comments": True,
    "remove_pis": True,
}


def _xml_root(data: bytes) -> etree._Element | None:
    try:
        root = etree.fromstring(data, etree.XMLParser(**_XML_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _localname(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).localname.lower()


def _xml_kind(data: bytes) -> str | None:
    """'feed', 'sitemap' or None, from the root element of an XML document."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return None
    root = _xml_root(data)
    if root is None:
        return None
    name = _localname(root)
    if name in ("urlset", "sitemapindex"):
        return "sitemap"
    if name in ("rss", "feed", "rdf", "channel"):
        return "feed"
    return None


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def _url_lines(text: str) -> list[str]:
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def _title_from_text(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            title = line.lstrip("#").strip()
            return title if title and len(title) <= _TITLE_MAX_CHARS else None
    return None


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return None


def _str_field(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


class _Run:
    """State of one iter_documents call: the fetcher and the URLs already seen."""

    def __init__(
        self, spec: str, fetcher: Fetcher | None, known: Callable[[str], bool] | None = None
    ) -> None:
        self.spec = spec
        self.known = known
        self._fetcher = fetcher
        self._own_fetcher = False
        self.seen: set[str] = set()

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher()
            self._own_fetcher = True
        return self._fetcher

    def close(self) -> None:
        if self._own_fetcher and self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None
            self._own_fetcher = False

    def _first_time(self, url: str) -> bool:
        key = urldefrag(url)[0] if url.lower().startswith(("http:", "https:")) else url
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    # -- entry -----------------------------------------------------------------------------

    def iter_spec(self, kind: str) -> Iterator[Item]:
        spec = self.spec.strip()
        scheme = urlsplit(spec).scheme.lower() if "://" in spec else ""
        if scheme in ("http", "https"):
            yield from self.iter_url(spec, kind)
            return
        if scheme == "file":
            path = Path(url2pathname(urlsplit(spec).path))
        elif scheme:
            yield Skipped(spec, f"unsupported URL scheme {scheme!r}", failed=True)
            return
        else:
            path = Path(spec).expanduser()
        if path.is_dir():
            yield from self.iter_dir(path, kind)
        elif path.is_file():
            yield from self.iter_file(path, kind)
        elif path.exists():
            yield Skipped(spec, "not a regular file or folder", failed=True)
        else:
            yield Skipped(spec, "no such file or folder", failed=True)

    # -- network ---------------------------------------------------------------------------

    def _get(self, url: str) -> FetchResult | Skipped:
        try:
            return self.fetcher.get(url)
        except BlockedURL as exc:
            return Skipped(url, exc.reason, failed=False)
        except FetchError as exc:
            return Skipped(url, exc.reason, failed=True)
        except Exception as exc:  # one odd URL must not end a long ingest
            log.warning("unexpected error fetching %s", url, exc_info=True)
            return Skipped(url, f"error: {exc!r}", failed=True)

    def iter_url(
        self,
        url: str,
        kind: str = "auto",
        *,
        depth: int = 0,
        hints: dict[str, str | None] | None = None,
    ) -> Iterator[Item]:
        """Fetch ``url`` and read it as ``kind`` (auto: sniff feed / sitemap / page)."""
        url = urldefrag(url.strip())[0]
        if not self._first_time(url):
            yield Skipped(url, "duplicate", failed=False)
            return
        if self.known is not None and self.known(url):
            yield Skipped(url, "already indexed", failed=False)
            return
        result = self._get(url)
        if isinstance(result, Skipped):
            yield result
            return
        final = result.url
        if final != url and not self._first_time(final):
            yield Skipped(url, f"duplicate (redirects to {final})", failed=False)
            return
        data = result.content
        ctype = result.content_type
        if data[:2] == b"\x1f\x8b" and kind in ("auto", "sitemap", "feed", "urls"):
            try:
                data = _gunzip(data)
            except (zlib.error, ValueError) as exc:
                yield Skipped(final, f"bad gzip data: {exc}", failed=True)
                return
            ctype = ""
        if kind == "auto":
            kind = self._sniff_remote(ctype, data)
            if kind is None:
                yield Skipped(final, f"not HTML ({ctype or 'unknown content type'})", failed=False)
                return
        if kind == "feed":
            yield from self.iter_feed(data, final, local=False)
        elif kind == "sitemap":
            yield from self.iter_sitemap(data, final, depth=depth)
        elif kind == "urls":
            yield from self.iter_url_list(result.text, final)
        elif kind == "text":
            text = result.text
            yield self._text_doc(final, text.replace("\r\n", "\n").strip())
        elif kind == "html":
            if ctype and ctype not in _HTML_TYPES and not _looks_like_html(data):
                yield Skipped(final, f"not HTML ({ctype})", failed=False)
                return
            yield self._html_doc(final, data, result.encoding, url=final, hints=hints)
        else:  # warc, jsonl
            yield Skipped(url, f"kind {kind!r} needs a local file", failed=True)

    @staticmethod
    def _sniff_remote(ctype: str, data: bytes) -> str | None:
        if ctype in _HTML_TYPES:
            return "html"
        if ctype in _XML_TYPES or ctype in _MAYBE_XML_TYPES:
            xml_kind = _xml_kind(data)
            if xml_kind:
                return xml_kind
            if ctype in _FEED_TYPES:
                return "feed"
        if _looks_like_html(data):
            return "html"
        if ctype == "text/plain":
            text = data.decode("utf-8", errors="replace")
            lines = _url_lines(text)
            return "urls" if lines and all(_is_url(ln) for ln in lines) else "text"
        return None

    # -- documents -------------------------------------------------------------------------

    def _html_doc(
        self,
        key: str,
        data: bytes,
        encoding: str | None,
        *,
        url: str | None,
        hints: dict[str, str | None] | None = None,
    ) -> Item:
        start = time.perf_counter()
        extracted = extract_html(data, url, encoding=encoding)
        seconds = time.perf_counter() - start
        if extracted is None:
            return Skipped(key, "no article text", failed=False)
        hints = hints or {}
        return RawDocument(
            url=key,
            text=extracted.text,
            title=extracted.title or hints.get("title"),
            date=extracted.date or hints.get("date"),
            author=extracted.author or hints.get("author"),
            site=extracted.site or hints.get("site"),
            source=self.spec,
            extract_seconds=seconds,
        )

    def _text_doc(self, key: str, text: str) -> Item:
        text = text.strip()
        if not text:
            return Skipped(key, "empty", failed=False)
        return RawDocument(url=key, text=text, title=_title_from_text(text), source=self.spec)

    # -- feeds and sitemaps ----------------------------------------------------------------

    def iter_feed(self, data: bytes, base: str, *, local: bool) -> Iterator[Item]:
        """Entries of an RSS/Atom feed: the entry's own content when ``local`` and present,
        otherwise the linked page."""
        import feedparser  # slow import, only needed here

        # a file object, never bytes or str: feedparser opens strings as paths or URLs
        headers = {"content-location": base} if base.startswith("http") else {}
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
        entries = parsed.get("entries") or []
        if not entries:
            if parsed.get("bozo"):
                exc = parsed.get("bozo_exception")
                yield Skipped(base, f"not a valid feed: {exc}", failed=True)
            else:
                yield Skipped(base, "feed has no entries", failed=False)
            return
        feed_title = (parsed.get("feed") or {}).get("title") or None
        for number, entry in enumerate(entries, 1):
            link = (entry.get("link") or "").strip()
            if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
                link = str(entry["id"]).strip()
            if link:
                link = urljoin(base, link)
            hints: dict[str, str | None] = {
                "title": (entry.get("title") or "").strip() or None,
                "date": _entry_date(entry),
                "author": (entry.get("author") or "").strip() or None,
                "site": feed_title or (urlsplit(link).hostname if link else None),
            }
            contents = entry.get("content") or []
            if local and contents:
                key = link or f"{base}#entry-{number}"
                if not self._first_time(key):
                    yield Skipped(key, "duplicate", failed=False)
                    continue
                yield self._feed_content_doc(key, contents, hints)
            elif link:
                yield from self.iter_url(link, "html", hints=hints)
            else:
                yield Skipped(f"{base}#entry-{number}", "feed entry has no link", failed=False)

    def _feed_content_doc(
        self, key: str, contents: list[Any], hints: dict[str, str | None]
    ) -> Item:
        start = time.perf_counter()
        parts = []
        for content in contents:
            value = content.get("value") or ""
            ctype = (content.get("type") or "").lower()
            parts.append(html_fragment_to_text(value) if "html" in ctype else value.strip())
        text = "\n\n".join(p for p in parts if p).strip()
        seconds = time.perf_counter() - start
        if not text:
            return Skipped(key, "empty", failed=False)
        return RawDocument(
            url=key,
            text=text,
            title=hints.get("title"),
            date=hints.get("date"),
            author=hints.get("author"),
            site=hints.get("site"),
            source=self.spec,
            extract_seconds=seconds,
        )

    def iter_sitemap(self, data: bytes, base: str, *, depth: int = 0) -> Iterator[Item]:
        """Pages of a ``<urlset>``, or (recursively) of the sitemaps of a ``<sitemapindex>``."""
        root = _xml_root(data)
        name = _localname(root) if root is not None else ""
        if root is None or name not in ("urlset", "sitemapindex"):
            yield Skipped(base, "not a sitemap", failed=True)
            return
        locs = []
        for el in root.iter():
            if _localname(el) == "loc" and el.text and el.text.strip():
                locs.append(urljoin(base, el.text.strip()))
        if not locs:
            yield Skipped(base, "sitemap lists no URLs", failed=False)
            return
        for loc in locs:
            if name == "urlset":
                yield from self.iter_url(loc, "html")
            elif depth >= _MAX_SITEMAP_DEPTH:
                yield Skipped(loc, "sitemap nested too deeply", failed=False)
            else:
                yield from self.iter_url(loc, "sitemap", depth=depth + 1)

    def iter_url_list(self, text: str, base: str) -> Iterator[Item]:
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if _is_url(line):
                yield from self.iter_url(line, "auto")
            else:
                yield Skipped(f"{base}#line-{number}", f"not a URL: {line[:80]}", failed=True)

    # -- local files -----------------------------------------------------------------------

    def iter_dir(self, root: Path, kind: str) -> Iterator[Item]:
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
            yield from _folder_errors(errors, root)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                yield from self.iter_file(Path(dirpath) / name, kind)
        yield from _folder_errors(errors, root)

    def iter_file(self, path: Path, kind: str) -> Iterator[Item]:
        uri = _file_uri(path)
        if not path.is_file():  # a FIFO or socket would block, a broken link cannot be read
            yield Skipped(uri, "not a regular file", failed=False)
            return
        forced = kind != "auto"
        if not forced:
            detected = _kind_for_path(path)
            if detected is None:
                suffix = "".join(path.suffixes[-2:]).lower() or "no extension"
                yield Skipped(uri, f"unsupported file type ({suffix})", failed=False)
                return
            kind = detected
        if kind == "warc":
            yield from self.iter_warc(path)
            return
        if kind == "jsonl":
            yield from self.iter_jsonl(path)
            return
        try:
            with open(path, "rb") as fh:
                data = fh.read(_MAX_FILE_BYTES + 1)
        except OSError as exc:
            yield Skipped(uri, f"cannot read file: {exc.strerror or exc}", failed=True)
            return
        if len(data) > _MAX_FILE_BYTES:
            yield Skipped(uri, f"file too large (> {_MAX_FILE_BYTES} bytes)", failed=False)
            return
        if not data.strip():
            yield Skipped(uri, "empty", failed=False)
            return
        if kind == "html":
            yield self._html_doc(uri, data, None, url=None)
            return
        if data[:2] == b"\x1f\x8b":
            try:
                data = _gunzip(data)
            except (zlib.error, ValueError) as exc:
                yield Skipped(uri, f"bad gzip data: {exc}", failed=True)
                return
        if kind in ("xml", "feed", "sitemap"):
            if kind == "xml":
                xml_kind = _xml_kind(data)
                if xml_kind is None:
                    yield Skipped(uri, "XML file is neither a feed nor a sitemap", failed=True)
                    return
                kind = xml_kind
            if kind == "feed":
                yield from self.iter_feed(data, uri, local=True)
            else:
                yield from self.iter_sitemap(data, uri)
            return
        try:
            text = decode_bytes(data, label="file")
        except UnspinInputError as exc:
            yield Skipped(uri, str(exc), failed=False)
            return
        if kind == "urls" or (not forced and _all_urls(text)):
            yield from self.iter_url_list(text, uri)
            return
        yield self._text_doc(uri, text)

    def iter_jsonl(self, path: Path) -> Iterator[Item]:
        uri = _file_uri(path)
        try:
            fh = open(path, "rb")
        except OSError as exc:
            yield Skipped(uri, f"cannot read file: {exc.strerror or exc}", failed=True)
            return
        with fh:
            number = 0
            while True:
                try:
                    raw = fh.readline(_MAX_JSONL_LINE + 1)
                except OSError as exc:
                    yield Skipped(uri, f"read error: {exc.strerror or exc}", failed=True)
                    return
                if not raw:
                    return
                number += 1
                line_key = f"{uri}#line-{number}"
                if len(raw) > _MAX_JSONL_LINE and not raw.endswith(b"\n"):
                    yield Skipped(line_key, "line too long", failed=True)
                    while raw and not raw.endswith(b"\n"):  # skip the rest of that line
                        raw = fh.readline(1 << 20)
                    continue
                if not raw.strip():
                    continue
                yield self._jsonl_doc(raw, line_key)

    def _jsonl_doc(self, raw: bytes, line_key: str) -> Item:
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            msg = getattr(exc, "msg", None) or str(exc)
            return Skipped(line_key, f"bad JSON: {msg}", failed=True)
        if not isinstance(obj, dict):
            return Skipped(line_key, "not a JSON object", failed=True)
        text = obj.get("text")
        if not isinstance(text, str):
            return Skipped(line_key, 'no "text" string field', failed=True)
        key = _str_field(obj, "url") or line_key
        if not text.strip():
            return Skipped(key, "empty", failed=False)
        if not self._first_time(key):
            return Skipped(key, "duplicate", failed=False)
        return RawDocument(
            url=key,
            text=text.strip(),
            title=_str_field(obj, "title"),
            date=_str_field(obj, "date"),
            author=_str_field(obj, "author"),
            site=_str_field(obj, "site"),
            source=self.spec,
        )

    # -- WARC ------------------------------------------------------------------------------

    def iter_warc(self, path: Path) -> Iterator[Item]:
        """HTML responses of a WARC file, streamed; a broken file ends with one failed skip."""
        uri = _file_uri(path)
        try:
            fh = open(path, "rb")
        except OSError as exc:
            yield Skipped(uri, f"cannot read file: {exc.strerror or exc}", failed=True)
            return
        with fh:
            try:
                size = os.fstat(fh.fileno()).st_size
                archive = _quiet_warc_iterator()(fh)
                records = iter(archive)
            except Exception as exc:
                yield Skipped(uri, f"not a readable WARC file: {exc}", failed=True)
                return
            index = 0
            produced = 0
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except Exception as exc:
                    why = f"unreadable record ({type(exc).__name__}: {exc})"
                    yield Skipped(uri, _broken(index, why), failed=True)
                    return
                index += 1
                try:
                    item, broken = self._warc_record(archive, record, uri, index)
                except Exception as exc:  # warcio fails in many ways on damaged records
                    item, broken = None, f"record {index} is unreadable ({exc!r})"
                if broken:
                    yield Skipped(uri, _broken(index - 1, broken), failed=True)
                    return
                if item is not None:
                    produced += 1
                    yield item
            # warcio stops silently at a cut-off record header; unread bytes mean truncation
            offset = getattr(archive, "offset", None)
            if isinstance(offset, int) and 0 <= offset < size:
                yield Skipped(
                    uri,
                    _broken(index, f"{size - offset} bytes at the end could not be read"),
                    failed=True,
                )
            elif produced == 0:
                yield Skipped(uri, "no HTTP responses or resources in WARC", failed=False)

    def _warc_record(
        self, archive: Any, record: Any, uri: str, index: int
    ) -> tuple[Item | None, str | None]:
        """(document or skip or None, reason the file is broken or None) for one record."""
        rtype = record.rec_type
        if rtype not in _WARC_TYPES or not hasattr(record.raw_stream, "limit"):
            return None, f"unreadable record header (record {index})"
        target = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
        target = target.strip("<>") or f"{uri}#record-{index}"
        wanted = rtype == "resource" or (rtype == "response" and record.http_headers is not None)
        skip: Skipped | None = None
        payload = b""
        charset = None
        if wanted:
            if rtype == "response":
                status = str(record.http_headers.get_statuscode())
                ctype = record.http_headers.get_header("Content-Type") or ""
            else:
                status = "200"
                ctype = record.rec_headers.get_header("Content-Type") or ""
            mime, _, params = ctype.partition(";")
            mime = mime.strip().lower()
            match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.I)
            charset = match.group(1) if match else None
            if status != "200":
                skip = Skipped(target, f"HTTP {status}", failed=False)
            elif mime not in _HTML_TYPES:
                skip = Skipped(target, f"not HTML ({mime or 'no content type'})", failed=False)
            else:
                payload = record.content_stream().read(_MAX_RECORD_BYTES + 1)
                if len(payload) > _MAX_RECORD_BYTES:
                    skip = Skipped(target, f"too large (> {_MAX_RECORD_BYTES} bytes)", False)
                elif not payload.strip():
                    skip = Skipped(target, "empty", failed=False)
        # read the rest of the record now, so a damaged one is found before it is yielded
        errors = archive.err_count
        archive.read_to_end()
        decompressor = getattr(archive.reader, "decompressor", None)
        if record.raw_stream.limit > 0 or getattr(decompressor, "eof", True) is False:
            return None, f"record {index} ({target}) is cut off"
        if archive.err_count > errors:
            return None, f"record {index} ({target}) has a wrong Content-Length"
        if not wanted or skip is not None:
            return skip, None
        if not self._first_time(target):
            return Skipped(target, "duplicate", failed=False), None
        url = target if target.lower().startswith(("http://", "https://")) else None
        return self._html_doc(target, payload, charset, url=url), None


def _folder_errors(errors: list[OSError], root: Path) -> Iterator[Skipped]:
    for error in errors:
        where = Path(error.filename).resolve().as_uri() if error.filename else str(root)
        yield Skipped(where, f"cannot read folder: {error.strerror or error}", failed=True)
    errors.clear()


def _quiet_warc_iterator() -> type:
    from warcio.archiveiterator import WARCIterator

    class QuietWARCIterator(WARCIterator):  # type: ignore[misc]
        # warcio prints this warning to stderr; we count err_count and report it instead
        INC_RECORD = ""

    return QuietWARCIterator


def _broken(records_read: int, why: str) -> str:
    return f"broken WARC after {records_read} records: {why}"


def _all_urls(text: str) -> bool:
    lines = _url_lines(text)
    return bool(lines) and all(_is_url(ln) for ln in lines)


def _kind_for_path(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".warc.gzip")):
        return "warc"
    if name.endswith((".html", ".htm", ".xhtml", ".shtml")):
        return "html"
    if name.endswith((".txt", ".md", ".markdown", ".text")):
        return "text"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith((".xml", ".rss", ".atom", ".xml.gz")):
        return "xml"
    if name.endswith((".urls", ".list")):
        return "urls"
    return None
