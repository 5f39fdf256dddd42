"""Tests of the science-mode folder reports: CSV, summary CSV and the self-contained HTML page.

The papers, findings and sentences are made up here; the sentences are written so that the
found phrase sits inside them (sometimes with other letter case), as the screener produces.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from unspin.screen_report import (
    CSV_COLUMNS,
    FINGERPRINT_HEADER,
    FLAG_HIGH,
    FLAG_LOW,
    FLAG_MEDIUM,
    FLAG_NO_TEXT,
    FLAG_NONE,
    SUMMARY_COLUMNS,
    density_flag,
    fingerprint_line,
    highlight,
    render_html,
    safe_cell,
    write_csv,
    write_html,
    write_summary_csv,
)
from unspin.screening_result import DISCOVERED, LISTED, Finding, ScreenReport

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'


def listed(found: str, expected: str, sentence: str, page: int | None = 1, **ev: Any) -> Finding:
    i = sentence.lower().find(found.lower())
    evidence = {
        "tortured": found.lower(),
        "expected": expected,
        "papers": 7,
        "query": f'"{found.lower()}"',
        "source": "pps",
    } | ev
    return Finding(
        100 + i, 100 + i + len(found), found, expected, LISTED, 1.0, sentence, page, evidence
    )


def discovered(
    found: str, expected: str, sentence: str, confidence: float, page: int | None = 2
) -> Finding:
    i = max(sentence.lower().find(found.lower()), 0)
    return Finding(
        500 + i,
        500 + i + len(found),
        found,
        expected,
        DISCOVERED,
        confidence,
        sentence,
        page,
        {"lm_gain": 3.25, "score": confidence, "note": "fits the context"},
    )


S_AI = "We train a counterfeit consciousness model on the images of the clinical trial."
S_DL = "Profound learning has changed how the segmentation of tumours is done."
S_RF = "The irregular woodland classifier reached an accuracy of 0.91 on the test split."
S_BD = "Large information was gathered from the sensors across the whole plant."
S_HOSTILE = (
    f"The attacker wrote {XSS_SCRIPT} and {XSS_IMG} then </script><b>bold</b> in a flawed "
    "cloud computing claim."
)


def make_reports() -> list[ScreenReport]:
    alpha = ScreenReport(
        name="papers/alpha.pdf",
        words=2000,
        pages=6,
        findings=[
            discovered("irregular woodland", "random forest", S_RF, 0.62, page=3),
            listed("Profound learning", "deep learning", S_DL, page=2),
            listed("counterfeit consciousness", "artificial intelligence", S_AI, page=1),
            discovered("Large information", "big data", S_BD, 0.88, page=4),
        ],
        skipped_pages=[5],
    )
    clean = ScreenReport(name="papers/clean.txt", words=1500, findings=[], pages=None)
    empty = ScreenReport(
        name="papers/scan.pdf", words=0, findings=[], pages=2, message="no text layer"
    )
    hostile = ScreenReport(
        name=f"papers/</script><script>alert(2)</script>{XSS_IMG}.pdf",
        words=400,
        pages=1,
        findings=[discovered("flawed cloud", "cloud computing", S_HOSTILE, 0.55, page=1)],
        message=f"warning {XSS_SCRIPT}",
    )
    uni = ScreenReport(
        name="papers/ünïcode-論文 😀.pdf",
        words=3000,
        pages=3,
        findings=[
            discovered(
                "réseau profond",
                "réseau neuronal profond",
                "Nous utilisons un Réseau Profond — 深層学習 😀 — pour la tâche.",
                0.71,
            )
        ],
    )
    return [alpha, clean, empty, hostile, uni]


# --------------------------------------------------------------------------- helpers


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def csv_text(reports: list[ScreenReport]) -> tuple[int, str]:
    buf = io.StringIO(newline="")
    n = write_csv(reports, buf)
    return n, buf.getvalue()


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.script_bodies.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_bodies[-1] += data


def tags_of(page: str) -> TagCollector:
    parser = TagCollector()
    parser.feed(page)
    parser.close()
    return parser


def embedded_data(page: str) -> dict[str, Any]:
    doc = lxml.html.document_fromstring(page)
    (node,) = doc.xpath('//script[@id="unspin-data"]')
    assert node.get("type") == "application/json"
    return json.loads(node.text)


# --------------------------------------------------------------------------- CSV


def test_csv_header_rows_and_paper_without_findings() -> None:
    reports = make_reports()
    n, text = csv_text(reports)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    rows = read_csv(text)
    # 4 + 1 + 1 + 1 + 1: every finding, plus one row for each paper without findings
    assert n == len(rows) == 8
    assert [r["paper"] for r in rows[:4]] == ["papers/alpha.pdf"] * 4
    # listed first (by page), then discovered by confidence
    assert [(r["kind"], r["found"]) for r in rows[:4]] == [
        ("listed", "counterfeit consciousness"),
        ("listed", "Profound learning"),
        ("discovered", "Large information"),
        ("discovered", "irregular woodland"),
    ]
    first = rows[0]
    f = reports[0].findings[2]
    assert first == {
        "paper": "papers/alpha.pdf",
        "page": "1",
        "kind": "listed",
        "found": "counterfeit consciousness",
        "expected": "artificial intelligence",
        "confidence": "1.0",
        "sentence": S_AI,
        "start": str(f.start),
        "end": str(f.end),
        "source": "pps",
        "papers": "7",
        "query": '"counterfeit consciousness"',
        "message": "",
    }
    assert rows[2]["confidence"] == "0.88" and rows[2]["source"] == rows[2]["query"] == ""
    clean = [r for r in rows if r["paper"] == "papers/clean.txt"]
    assert len(clean) == 1
    assert all(clean[0][c] == "" for c in CSV_COLUMNS if c != "paper")
    scan = [r for r in rows if r["paper"] == "papers/scan.pdf"]
    assert len(scan) == 1 and scan[0]["message"] == "no text layer" and scan[0]["kind"] == ""


def test_csv_neutralises_formulas() -> None:
    sentence = '=HYPERLINK("http://evil.example","click") shows a counterfeit consciousness.'
    report = ScreenReport(
        name="=cmd|' /C calc'!A0",
        words=100,
        findings=[
            Finding(0, 5, "@SUM(1+1)", "+1", DISCOVERED, 0.5, sentence, 1, {}),
            Finding(
                6,
                9,
                "\tx",
                "-2+3",
                LISTED,
                1.0,
                "\rsentence",
                2,
                {"query": '-"a b"', "source": "＝evil", "papers": 3},
            ),
        ],
        message="+warning",
    )
    _, text = csv_text([report])
    rows = read_csv(text)
    assert len(rows) == 2
    for row in rows:
        for column in ("paper", "found", "expected", "sentence", "query", "source", "message"):
            cell = row[column]
            if cell:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝")), (column, cell)
    listed_row, discovered_row = rows
    assert listed_row["paper"] == "'=cmd|' /C calc'!A0"
    assert listed_row["found"] == "'\tx"
    assert listed_row["expected"] == "'-2+3"
    assert listed_row["sentence"] == "'\rsentence"
    assert listed_row["query"] == '\'-"a b"'
    assert listed_row["source"] == "'＝evil"
    assert listed_row["message"] == "'+warning"
    assert discovered_row["found"] == "'@SUM(1+1)"
    assert discovered_row["sentence"] == "'" + sentence
    # numbers stay numbers
    assert listed_row["page"] == "2" and listed_row["papers"] == "3"
    assert listed_row["start"] == "6" and listed_row["confidence"] == "1.0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (3, 3),
        (-2, -2),
        (0.5, 0.5),
        (float("nan"), ""),
        ("bad\x00char", "bad\ufffdchar"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def test_csv_unicode_to_a_path_and_bom(tmp_path: Path) -> None:
    reports = make_reports()
    path = tmp_path / "findings.csv"
    assert write_csv(reports, path) == 8
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(raw.decode("utf-8"))
    uni = [r for r in rows if r["paper"].startswith("papers/ünïcode")]
    assert uni[0]["paper"] == "papers/ünïcode-論文 😀.pdf"
    assert uni[0]["found"] == "réseau profond"
    assert "深層学習 😀" in uni[0]["sentence"]
    # a sentence with a line break and quotes survives
    odd = ScreenReport("odd.txt", 10, [discovered("a b", "c", 'say "a\nb", then', 0.5)])
    write_csv([odd], path, bom=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    (row,) = read_csv(raw.decode("utf-8-sig"))
    assert row["sentence"] == 'say "a\nb", then'
    # control characters and lone surrogates from a bad PDF do not break the UTF-8 file
    bad = ScreenReport("bad\ud800.pdf", 10, [discovered("x\x00y", "z", "x\x00y\x0c.", 0.5)])
    assert write_csv([bad], path) == 1
    (row,) = read_csv(path.read_text("utf-8"))
    assert row["paper"] == "bad\ufffd.pdf" and row["found"] == "x\ufffdy"
    assert row["sentence"] == "x\ufffdy ."


def test_summary_csv(tmp_path: Path) -> None:
    reports = make_reports()
    path = tmp_path / "summary.csv"
    assert write_summary_csv(reports, path) == 5
    text = path.read_text("utf-8")
    assert text.splitlines()[0] == ",".join(SUMMARY_COLUMNS)
    rows = read_csv(text)
    assert [r["paper"] for r in rows] == [r.name for r in reports]
    alpha = rows[0]
    assert alpha == {
        "paper": "papers/alpha.pdf",
        "pages": "6",
        "words": "2000",
        "listed": "2",
        "discovered": "2",
        "density": "2.0",
        "listed_density": "1.0",
        "discovered_density": "1.0",
        "flag": "high",
        "skipped_pages": "5",
        "message": "",
    }
    assert rows[1]["pages"] == "" and rows[1]["flag"] == "none" and rows[1]["density"] == "0.0"
    assert rows[2]["flag"] == "no text" and rows[2]["message"] == "no text layer"
    assert rows[3]["message"] == f"warning {XSS_SCRIPT}"
    # an open file works too, and a generator of reports
    buf = io.StringIO(newline="")
    assert write_summary_csv((r for r in reports), buf) == 5


def test_density_flags() -> None:
    def report(words: int, n_listed: int, n_discovered: int) -> ScreenReport:
        fs = [listed("profound learning", "deep learning", S_DL)] * n_listed
        fs += [discovered("irregular woodland", "random forest", S_RF, 0.5)] * n_discovered
        return ScreenReport("p", words, fs)

    assert density_flag(report(1000, 1, 0)) == FLAG_HIGH
    assert density_flag(report(2000, 2, 0)) == FLAG_HIGH
    assert density_flag(report(2001, 1, 0)) == FLAG_MEDIUM  # 0.5 listed per 1,000 words
    assert density_flag(report(1000, 0, 1)) == FLAG_MEDIUM  # 1 discovered per 1,000 words
    assert density_flag(report(5000, 0, 1)) == FLAG_LOW
    assert density_flag(report(5000, 0, 0)) == FLAG_NONE
    assert density_flag(report(0, 0, 0)) == FLAG_NO_TEXT


def test_fingerprint_line_is_one_tsv_row() -> None:
    f = discovered("irregular woodland", "random forest", S_RF, 0.5)
    assert fingerprint_line(f) == f.fingerprint_line()
    assert fingerprint_line(f) == 'irregular woodland\trandom forest\t0\t"irregular woodland"'
    broken = discovered("Irregular\nwood\xadland", "random  forest", "x", 0.5)
    line = fingerprint_line(broken)
    assert line == 'irregular woodland\trandom forest\t0\t"irregular woodland"'
    assert "\n" not in line and line.count("\t") == 3


# --------------------------------------------------------------------------- HTML


def test_highlight() -> None:
    assert highlight(S_AI, "counterfeit consciousness") == (
        "We train a <mark>counterfeit consciousness</mark> model on the images of the "
        "clinical trial."
    )
    # case-insensitive: the sentence's own letters are marked
    assert highlight("Counterfeit Consciousness is here.", "counterfeit consciousness") == (
        "<mark>Counterfeit Consciousness</mark> is here."
    )
    # a line break in the found phrase, a double space in the sentence
    assert highlight("a counterfeit  consciousness b", "counterfeit\nconsciousness") == (
        "a <mark>counterfeit  consciousness</mark> b"
    )
    # not in the sentence: plain escaped text
    assert highlight("<b>nothing</b> here", "profound learning") == (
        "&lt;b&gt;nothing&lt;/b&gt; here"
    )
    assert highlight(f"x {XSS_SCRIPT} y", "<script>") == (
        "x <mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; y"
    )
    # a huge sentence (a page without full stops) is cut around the phrase
    long = "word " * 2000 + "profound learning" + " word" * 2000
    out = highlight(long, "profound learning")
    assert "<mark>profound learning</mark>" in out and len(out) < 1_200
    assert out.startswith("…") and out.endswith("…")


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(
        make_reports(),
        title="Screening of <folder> & co",
        generated="2024-05-06 07:08 UTC",
        settings={"field": "computer science", "list size": 12345, "discovery": True},
    )


def test_html_parses_and_lists_every_paper_and_finding(page: str) -> None:
    reports = make_reports()
    doc = lxml.html.document_fromstring(page)
    assert doc.findtext(".//title") == "Screening of <folder> & co"
    header = doc.xpath("//header")[0].text_content()
    for text in ("2024-05-06 07:08 UTC", "computer science", "12,345", "discovery", "on"):
        assert text in header
    stats = {dt.text_content(): dt.getnext().text_content() for dt in doc.xpath("//dl//dt")}
    assert stats["papers"] == "5" and stats["pages"] == "12" and stats["words"] == "6,900"
    assert stats["listed findings"] == "2" and stats["discovered findings"] == "4"
    assert stats["flagged high"] == "1"

    sections = doc.xpath('//section[contains(@class, "paper")]')
    assert len(sections) == len(reports)
    by_name = {s.findtext("h2"): s for s in sections}
    assert set(by_name) == {r.name for r in reports}
    # summary: one row per paper linking to its section, ordered by density, highest first
    rows = doc.xpath('//table[@id="summary"]/tbody/tr')
    links = [r.xpath(".//a")[0] for r in rows]
    assert [a.text_content() for a in links] == [
        f"papers/</script><script>alert(2)</script>{XSS_IMG}.pdf",  # 2.5 per 1,000 words
        "papers/alpha.pdf",  # 2.0
        "papers/ünïcode-論文 😀.pdf",
        "papers/clean.txt",
        "papers/scan.pdf",
    ]
    for a in links:
        target = doc.get_element_by_id(a.get("href")[1:])
        assert target.findtext("h2") == a.text_content()
    flags = [r.xpath(".//span[contains(@class, 'flag')]")[0].text for r in rows]
    assert flags == ["medium", "high", "low", "none", "no text"]
    assert [r.xpath("td")[6].text for r in rows] == ["2.5", "2", "0.33", "0", "0"]
    assert [s.findtext("h2") for s in sections] == [a.text_content() for a in links]
    # the default sort is announced on the density column
    (th,) = doc.xpath("//th[@aria-sort]")
    assert th.get("data-key") == "density" and th.get("aria-sort") == "descending"

    alpha = by_name["papers/alpha.pdf"]
    groups = alpha.xpath("./div[h3]")
    assert [g.findtext("h3") for g in groups] == ["Listed (2)", "Discovered (2)"]
    items = alpha.xpath(".//li")
    assert [li.xpath("./div/b")[0].text for li in items] == [
        "counterfeit consciousness",
        "Profound learning",
        "Large information",  # 0.88 before 0.62
        "irregular woodland",
    ]
    assert [li.get("class") for li in items] == ["f l", "f l", "f d", "f d"]
    first = items[0].text_content()
    for text in (
        "artificial intelligence",
        "p. 1",
        "confidence 1.00",
        '"counterfeit consciousness"',
        "list pps",
        "PPS papers 7",
    ):
        assert text in first
    assert "confidence 0.88" in items[2].text_content()
    assert "lm_gain 3.25" in items[2].text_content()
    assert "skipped pages 5" in alpha.text_content()
    assert "No tortured phrases found." in by_name["papers/clean.txt"].text_content()
    assert "no text layer" in by_name["papers/scan.pdf"].text_content()
    # every finding has a unique id
    ids = [li.get("id") for li in doc.xpath("//li[contains(@class, 'f')]")]
    assert len(ids) == 6 == len(set(ids))


def test_html_highlights_the_found_phrase(page: str) -> None:
    doc = lxml.html.document_fromstring(page)
    for report in make_reports():
        for f in report.findings:
            (li,) = [li for li in doc.xpath("//li") if li.xpath("./div/b")[0].text == f.found]
            (mark,) = li.xpath("./p/mark")
            assert mark.text.lower() == f.found.lower()
            assert li.xpath("./p")[0].text_content() == f.sentence
    # the sentence's own letter case is kept inside the mark
    assert "<mark>Réseau Profond</mark>" in page


def test_html_escapes_hostile_text(page: str) -> None:
    parsed = tags_of(page)
    tags = [t for t, _ in parsed.tags]
    assert tags.count("script") == 2 and "img" not in tags and "iframe" not in tags
    # the only <b> elements are the report's own (found phrases and the legend), never the
    # sentence's <b>bold</b>
    assert "<b>bold</b>" not in page
    for _, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (name, value)
            assert name != "src"
    # the scripts are the JSON data and the page's own code, nothing from a paper
    data_body, code_body = parsed.script_bodies
    assert "alert" not in code_body
    assert "</" not in data_body and "<" not in data_body
    doc = lxml.html.document_fromstring(page)
    text = doc.text_content()
    assert XSS_SCRIPT in text and XSS_IMG in text and "</script><b>bold</b>" in text
    assert "papers/</script><script>alert(2)</script>" in text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_html_loads_nothing_from_outside(page: str) -> None:
    parsed = tags_of(page)
    metas = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert page.index("Content-Security-Policy") < page.index("<style>")
    for tag, attrs in parsed.tags:
        assert "src" not in attrs and "srcset" not in attrs, tag
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form"), tag
        if "href" in attrs:
            assert (attrs["href"] or "").startswith("#"), attrs
    # no URL at all in the page (the made-up papers contain none)
    for needle in ("http:", "https:", "//", "url(", "@import"):
        assert needle not in page, needle
    # a paper with a URL in it: the URL is text only
    evil = ScreenReport(
        "https://evil.example/paper.pdf",
        100,
        [discovered("x", "y", "see https://evil.example/a.js and //evil.example/b.css x", 0.5)],
    )
    other = tags_of(render_html([evil], generated="now"))
    for _tag, attrs in other.tags:
        assert "src" not in attrs
        if "href" in attrs:
            assert (attrs["href"] or "").startswith("#")


def test_html_embedded_json_round_trips(page: str) -> None:
    reports = make_reports()
    data = embedded_data(page)
    assert data["format"] == "unspin-screen-report" and data["version"] == 1
    assert data["title"] == "Screening of <folder> & co"
    assert data["generated"] == "2024-05-06 07:08 UTC"
    assert data["settings"] == {"field": "computer science", "list size": 12345, "discovery": True}
    assert data["header"] == FINGERPRINT_HEADER
    assert data["totals"] == {
        "papers": 5,
        "pages": 12,
        "words": 6900,
        "listed": 2,
        "discovered": 4,
        "flags": {"high": 1, "medium": 1, "low": 1, "none": 1, "no text": 1},
    }
    assert [p["name"] for p in data["papers"]] == [r.name for r in reports]
    for p, r in zip(data["papers"], reports, strict=True):
        assert p["density"] == r.density() and p["listed"] == len(r.listed)
        assert p["flag"] == density_flag(r) and p["message"] == r.message
    # one fingerprint line per discovered finding, keyed by the finding's element id
    doc = lxml.html.document_fromstring(page)
    expected = {}
    for r in reports:
        for f in r.discovered:
            (li,) = [li for li in doc.xpath("//li") if li.xpath("./div/b")[0].text == f.found]
            expected[li.get("id")] = f.fingerprint_line()
    assert data["lines"] == expected


def test_html_json_escapes_script_breakers() -> None:
    sentence = "a\u2028b\u2029c & <!-- </script> -->"
    report = ScreenReport("</script>\u2028&.pdf", 10, [discovered("c &", "d", sentence, 0.5)])
    page = render_html([report], generated="now", settings={"note": "</script>", "x": 1.5})
    body = tags_of(page).script_bodies[0]
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in body
    data = embedded_data(page)
    assert data["papers"][0]["name"] == "</script>\u2028&.pdf"
    assert data["settings"] == {"note": "</script>", "x": 1.5}
    assert list(data["lines"].values()) == ['c &\td\t0\t"c &"']


def test_html_bad_characters_and_write(tmp_path: Path) -> None:
    report = ScreenReport(
        "bad\ud800\x00.pdf", 10, [discovered("x\x01y", "z", "page\x0cbreak x\x01y.", 0.5)]
    )
    path = tmp_path / "report.html"
    size = write_html([report], path, generated="now", settings={"nan": float("nan")})
    raw = path.read_bytes()
    assert size == len(raw) and raw.startswith(b"<!DOCTYPE html>")
    page = raw.decode("utf-8")
    assert "\x00" not in page and "\x01" not in page and "\x0c" not in page
    assert "bad\ufffd\ufffd.pdf" in page and "<mark>x\ufffdy</mark>" in page
    assert embedded_data(page)["settings"] == {"nan": "nan"}
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_html_without_reports() -> None:
    page = render_html([], generated="now")
    doc = lxml.html.document_fromstring(page)
    assert doc.xpath('//table[@id="summary"]/tbody/tr') == []
    assert embedded_data(page)["totals"]["papers"] == 0


def test_html_default_timestamp() -> None:
    page = render_html(make_reports()[:1])
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", page)


def test_html_big_folder_is_fast_and_compact() -> None:
    """400 papers x 20 findings: a fifth of the 2,000-paper folder the report is sized for."""
    reports = []
    for p in range(400):
        fs = []
        for k in range(20):
            if k % 2:
                fs.append(
                    listed("counterfeit consciousness", "artificial intelligence", S_AI, page=k)
                )
            else:
                fs.append(discovered("irregular woodland", "random forest", S_RF, 0.5, page=k))
        reports.append(ScreenReport(f"folder/paper-{p:04d}.pdf", 6000, fs, pages=12))
    start = time.perf_counter()
    page = render_html(reports, generated="now")
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, elapsed
    per_finding = len(page.encode("utf-8")) / 8000
    assert per_finding < 600, per_finding  # the sentence itself is ~80 bytes
    assert page.count('<li class="f ') == 8000
    assert len(embedded_data(page)["lines"]) == 4000
