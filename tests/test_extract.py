"""Tests for unspin.extract on small hand-written pages."""

from __future__ import annotations

import pytest
from httpserver import article_html

from unspin.extract import decode_html, extract_html, html_fragment_to_text

PARAGRAPHS = [
    "The town council of Bramford voted on Tuesday to rebuild the old footbridge over the canal.",
    "Work is expected to start in April and last about five months, the council said.",
    "Shop owners near the canal welcomed the decision after a long campaign by residents.",
    "A temporary crossing will be opened a short walk downstream while the work goes on.",
]

META = """
<meta name="author" content="Mira Okafor">
<meta property="article:published_time" content="2023-11-07T08:30:00+00:00">
<meta property="og:site_name" content="The Bramford Courier">
"""


def test_text_title_date_author_site_from_meta() -> None:
    page = article_html("Council backs new footbridge", PARAGRAPHS, meta=META)
    doc = extract_html(page, "https://courier.example/news/footbridge")
    assert doc is not None
    assert doc.title == "Council backs new footbridge"
    assert doc.date == "2023-11-07"
    assert doc.author == "Mira Okafor"
    assert doc.site == "The Bramford Courier"
    # paragraphs separated by blank lines; headline, navigation and footer left out
    assert doc.text == "\n\n".join(PARAGRAPHS)


def test_site_falls_back_to_hostname_and_missing_meta_is_none() -> None:
    doc = extract_html(article_html("Footbridge", PARAGRAPHS), "https://courier.example/a")
    assert doc is not None
    assert doc.site == "courier.example"
    assert doc.author is None
    assert doc.date is None


def test_lists_and_line_breaks_are_kept() -> None:
    html = f"""<html><head><title>Road works</title></head><body><article>
    <p>{PARAGRAPHS[0]}</p>
    <p>Closed roads this week:</p>
    <ul><li>Mill Lane</li><li>Station Road</li></ul>
    <p>{PARAGRAPHS[1]}<br>{PARAGRAPHS[2]}</p>
    </article></body></html>"""
    doc = extract_html(html)
    assert doc is not None
    assert "- Mill Lane\n- Station Road" in doc.text
    assert f"{PARAGRAPHS[1]}\n{PARAGRAPHS[2]}" in doc.text


def test_bytes_with_meta_charset() -> None:
    page = article_html("Café reopens", [p.replace("canal", "café") for p in PARAGRAPHS])
    data = page.replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252")
    doc = extract_html(data)
    assert doc is not None
    assert doc.title == "Café reopens"
    assert "café" in doc.text


def test_decode_html_order() -> None:
    assert decode_html("naïve".encode()) == "naïve"
    assert decode_html("naïve".encode("cp1252")) == "naïve"  # not UTF-8: cp1252
    assert decode_html("naïve".encode("cp1252"), "iso-8859-1") == "naïve"
    assert decode_html(b"\xef\xbb\xbfnaive") == "naive"
    assert decode_html("naïve".encode("utf-16-le"), "bogus-charset").startswith("n\x00")


def test_page_without_article_is_none() -> None:
    html = """<html><head><title>Home</title></head><body>
    <nav><a href="/a">News</a> <a href="/b">Sport</a> <a href="/c">Weather</a></nav>
    <footer>Contact us</footer></body></html>"""
    assert extract_html(html) is None
    assert extract_html("") is None
    assert extract_html(b"   ") is None


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>" + PARAGRAPHS[0] + "<div><p>" + PARAGRAPHS[1] + "<span><b>",
        b"\x00\xff\xfe\x80<html><body><p>" + PARAGRAPHS[0].encode() + b"\x00\x81\x9d",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        "<<<>>><html<<body>>>" * 50,
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;&a;</x>",
        "<html>" + "<div>" * 3000 + PARAGRAPHS[0] + "</div>" * 10,
    ],
)
def test_malformed_input_never_raises(html: str | bytes) -> None:
    doc = extract_html(html)
    assert doc is None or isinstance(doc.text, str)


def test_unclosed_tags_still_give_text() -> None:
    html = "<html><head><title>Bridge</title><body><article>" + "".join(
        f"<p>{p}" for p in PARAGRAPHS
    )
    doc = extract_html(html)
    assert doc is not None
    assert PARAGRAPHS[0] in doc.text and PARAGRAPHS[-1] in doc.text


def test_html_fragment_to_text() -> None:
    fragment = (
        "<p>First <b>part</b> here.</p><p>Second<br/>line</p>"
        "<script>alert(1)</script><ul><li>one</li><li>two</li></ul>tail <!-- note --> end"
    )
    assert html_fragment_to_text(fragment) == (
        "First part here.\n\nSecond\nline\n\none\n\ntwo\n\ntail end"
    )
    assert html_fragment_to_text("plain text\n\nsecond paragraph") == (
        "plain text\n\nsecond paragraph"
    )
    assert html_fragment_to_text("   ") == ""
