"""Article text and metadata from HTML pages (trafilatura, tuned for precision)."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

__all__ = ["Extracted", "decode_html", "extract_html", "html_fragment_to_text"]

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HOST_PORT = re.compile(r"^[\w.-]+:\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# trafilatura's output tree: these hold paragraphs of their own
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "code", "div", "table", "row"})
# HTML elements that start a new paragraph in html_fragment_to_text
_HTML_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "blockquote", "pre", "li", "ul", "ol", "dl", "dt",
        "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "figure", "figcaption",
        "header", "footer", "aside", "main", "address", "hr",
    }
)  # fmt: skip
_HTML_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "head"})


@dataclass
class Extracted:
    """Article text (paragraphs separated by blank lines) and what is known about it."""

    text: str
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    author: str | None = None
    site: str | None = None


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode an HTML page: BOM, then ``encoding``, then a meta charset, then UTF-8, cp1252."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    candidates: list[str] = []
    if encoding:
        candidates.append(encoding)
    match = _META_CHARSET.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", errors="ignore"))
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"  # what browsers do for these labels
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _clean(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _inline_text(el: etree._Element) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _blocks(el: etree._Element) -> list[str]:
    """Paragraph strings of trafilatura's output tree, lists one item a line."""
    if el.tag == "list":
        items = [_clean(_inline_text(item)) for item in el if item.tag == "item"]
        return ["\n".join(f"- {item}" for item in items if item)]
    if el.tag == "table":
        rows = []
        for row in el.iter("row"):
            cells = [_clean(_inline_text(cell)) for cell in row]
            rows.append(" | ".join(c for c in cells if c))
        return ["\n".join(r for r in rows if r)]
    if any(child.tag in _BLOCK_TAGS for child in el):
        out = [_clean(el.text or "")]
        for child in el:
            out.extend(
                _blocks(child) if child.tag in _BLOCK_TAGS else [_clean(_inline_text(child))]
            )
            out.append(_clean(child.tail or ""))
        return out
    return [_clean(_inline_text(el))]


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _body_text(body: etree._Element | None, fallback: str, title: str | None) -> str:
    blocks: list[str] = []
    if body is not None:
        for child in body:
            blocks.extend(b for b in _blocks(child) if b)
            if child.tail and child.tail.strip():
                blocks.append(_clean(child.tail))
    if not blocks:
        blocks = [line for line in (_clean(x) for x in fallback.split("\n")) if line]
    # the headline is kept as ``title``; don't repeat it as the first paragraph
    if blocks and title and _norm(blocks[0]) == _norm(title):
        blocks = blocks[1:]
    return "\n\n".join(blocks)


def _opt(value: object) -> str | None:
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def extract_html(
    html: str | bytes,
    url: str | None = None,
    *,
    encoding: str | None = None,
    min_words: int = 10,
) -> Extracted | None:
    """Extract the main article of an HTML page, or None when there is none.

    ``encoding`` is a hint for bytes (e.g. the HTTP charset). Pages whose extracted text has
    fewer than ``min_words`` words count as having no article. Never raises on bad input.
    """
    try:
        return _extract(html, url, encoding, min_words)
    except Exception as exc:  # trafilatura/lxml can fail in many ways on hostile input
        log.debug("extraction failed for %s: %r", url, exc)
        return None


def _extract(
    html: str | bytes, url: str | None, encoding: str | None, min_words: int
) -> Extracted | None:
    from trafilatura import bare_extraction  # slow import, only needed here

    if isinstance(html, bytes):
        html = decode_html(html, encoding)
    html = html.replace("\x00", "")
    if not html.strip():
        return None
    doc = bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
    )
    if doc is None:
        return None
    title = _opt(getattr(doc, "title", None))
    text = _body_text(getattr(doc, "body", None), getattr(doc, "text", None) or "", title)
    if len(text.split()) < max(1, min_words):
        return None
    date = _opt(getattr(doc, "date", None))
    if date and not _ISO_DATE.match(date):
        date = date[:10] if _ISO_DATE.match(date[:10]) else None
    site = _opt(getattr(doc, "sitename", None))
    if site and _HOST_PORT.match(site):
        site = site.rsplit(":", 1)[0]  # trafilatura falls back to "host:port"
    if site is None and url:
        site = urlsplit(url).hostname or None
    if site is None:
        hostname = _opt(getattr(doc, "hostname", None))  # e.g. from a canonical link
        site = urlsplit(f"//{hostname}").hostname if hostname else None
    return Extracted(
        text=text,
        title=title,
        date=date,
        author=_opt(getattr(doc, "author", None)),
        site=site,
    )


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (e.g. a feed's content:encoded), paragraphs kept."""
    fragment = fragment.replace("\x00", "").strip()
    if not fragment:
        return ""
    if "<" not in fragment:
        return "\n\n".join(p for p in (_clean(x) for x in re.split(r"\n\s*\n", fragment)) if p)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = _clean("".join(current))
        if text:
            blocks.append(text)
        current.clear()

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _HTML_SKIP or not tag:
            return
        is_block = tag in _HTML_BLOCKS
        if is_block:
            flush()
        if tag == "br":
            current.append("\n")
        current.append(el.text or "")
        for child in el:
            walk(child)
            current.append(child.tail or "")
        if is_block:
            flush()

    walk(root)
    flush()
    return "\n\n".join(blocks)


class ArticleError(Exception):
    """A page could not be turned into article text: ``kind`` is "refused" (a private or
    blocked address), "fetch_failed", "not_html" or "no_article"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def fetch_article(fetcher: Any, url: str) -> dict[str, Any]:
    """Fetch ``url`` with ``fetcher`` (an :class:`unspin.fetch.Fetcher`, which refuses private
    addresses unless configured) and extract its article: ``{"url" (after redirects), "title",
    "text", "date", "author", "site"}``. Raises :class:`ArticleError`."""
    from unspin.fetch import BlockedURL, FetchError

    try:
        result = fetcher.get(url)
    except BlockedURL as exc:
        raise ArticleError("refused", str(exc)) from None
    except FetchError as exc:
        raise ArticleError("fetch_failed", f"could not fetch {url}: {exc}") from None
    ctype = result.content_type
    if ctype == "text/plain":
        text = decode_html(result.content, result.encoding).replace("\r\n", "\n").strip()
        if not text:
            raise ArticleError("no_article", f"{result.url} is empty")
        return {"url": result.url, "title": None, "text": text, "date": None,
                "author": None, "site": None}  # fmt: skip
    if ctype and ctype not in ("text/html", "application/xhtml+xml"):
        raise ArticleError("not_html", f"{result.url} is not a web page (content type {ctype})")
    extracted = extract_html(result.content, result.url, encoding=result.encoding)
    if extracted is None:
        raise ArticleError("no_article", f"no article text found at {result.url}")
    return {
        "url": result.url,
        "title": extracted.title,
        "text": extracted.text,
        "date": extracted.date,
        "author": extracted.author,
        "site": extracted.site,
    }
