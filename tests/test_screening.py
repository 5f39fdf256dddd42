"""unspin.screening (Screener, paper_files) and unspin.screen: listed and discovered tortured
phrases in text, text files and PDFs made with reportlab in the test.

Every sentence here was written for these tests; the bundled PPS list is only read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from pdf_faults import break_pages_containing
from test_pdf import _canvas_pdf, _column

import unspin
from unspin.fingerprints import FingerprintList, Whitelist
from unspin.result import UnspinInputError
from unspin.screening import Screener, ScreenOptions, paper_files
from unspin.screening_result import DISCOVERED, LISTED, Finding, ScreenReport

LISTED_PHRASE = "concealed layer"  # a PPS fingerprint for "hidden layer"
WHITELISTED = ("statistics", "grouping methods")  # data/fingerprint_whitelist.tsv
TEXT = (
    "The irregular woodland classifier outperforms logistic regression on every data set. "
    "The concealed layer had sixty units.\n"
    "Each model was trained twice."
)
CLEAN = "The samples were stored at four degrees and weighed every morning."


@pytest.fixture(scope="module")
def fl() -> FingerprintList:
    fl = FingerprintList.bundled()
    rows = [f for f in fl if f.tortured.lower() == LISTED_PHRASE]
    assert rows and rows[0].expected == "hidden layer" and rows[0].query == LISTED_PHRASE
    field, phrase = WHITELISTED
    assert [f for f in fl if f.tortured.lower() == phrase]
    assert phrase.split() in [list(p) for p in Whitelist.bundled().phrases(field)]
    return fl


@pytest.fixture(scope="module")
def screener(fl: FingerprintList) -> Screener:
    """The bundled list and whitelist, discovery on; the discovery model loads once."""
    s = Screener(fl, whitelist=Whitelist.bundled())
    assert s.discoverer is s.discoverer
    return s


def variant(base: Screener, **options: object) -> Screener:
    """``base`` with other options, sharing its loaded discovery model."""
    return Screener(
        base.fingerprints,
        whitelist=base.whitelist,
        options=ScreenOptions(**options),  # type: ignore[arg-type]
        discoverer=base.discoverer,
    )


def _pdf(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """One line of text per sentence, page by page (the PDF tests' generator)."""
    return _canvas_pdf(path, [_column(p) for p in pages])


PDF_PAGES = [
    ["The first page describes how the soil was sampled.", "Every plot was visited twice."],
    ["The second page lists the sensors used in the field.", "A broken sensor was replaced."],
    ["On the third page, the concealed layer had sixty units.", "No reading was missing."],
]


# --------------------------------------------------------------------------- text


def test_listed_finding(screener: Screener) -> None:
    report = screener.screen_text(TEXT, "paper.txt")
    assert isinstance(report, ScreenReport)
    assert report.name == "paper.txt" and report.pages is None
    [f] = [f for f in report.findings if f.kind == LISTED]
    assert isinstance(f, Finding)
    assert f.found == LISTED_PHRASE and f.expected == "hidden layer"
    assert TEXT[f.start : f.end] == f.found
    assert f.confidence == 1.0
    assert f.page is None
    assert f.sentence == "The concealed layer had sixty units."
    assert f.evidence["query"] == LISTED_PHRASE and f.evidence["papers"] > 0
    assert report.listed == [f]


def test_discovered_finding(screener: Screener) -> None:
    report = screener.screen_text(TEXT)
    assert report.name == "-"
    found = report.discovered
    assert [f.found for f in found] == ["irregular woodland"]
    f = found[0]
    assert f.kind == DISCOVERED and f.expected.startswith("random forest")
    assert 0.5 < f.confidence <= 1.0
    assert TEXT[f.start : f.end] == f.found
    assert f.sentence == (
        "The irregular woodland classifier outperforms logistic regression on every data set."
    )
    assert f.page is None and "gain" in f.evidence
    # findings in text order
    assert report.findings == sorted(report.findings, key=lambda x: x.start)


def test_discovered_never_overlaps_listed(screener: Screener) -> None:
    # the discovery model alone also proposes "concealed" -> "hidden" inside the listed
    # phrase: the listed finding explains those words, so it is not reported twice
    text = "The concealed layer had sixty units. The test arrangement held ten images."
    alone = screener.discoverer.discover(text)
    report = screener.screen_text(text)
    assert {f.found for f in report.listed} == {LISTED_PHRASE, "test arrangement"}
    assert any(d.start < f.end and f.start < d.end for d in alone for f in report.listed)
    assert report.discovered == []

    def disjoint(r: ScreenReport) -> bool:
        return all(d.end <= f.start or f.end <= d.start for d in r.discovered for f in r.listed)

    # the unlisted plural is still discovered, next to the listed singular
    text = "The concealed layer and the concealed layers were both used."
    report = screener.screen_text(text)
    assert [f.found for f in report.listed] == [LISTED_PHRASE]
    assert [text[f.start : f.end] for f in report.discovered] == ["concealed"]
    assert report.discovered[0].start == text.rindex("concealed")
    assert disjoint(report) and disjoint(screener.screen_text(TEXT * 3))


def test_discover_false_gives_only_listed(screener: Screener) -> None:
    report = variant(screener, discover=False).screen_text(TEXT)
    assert [f.kind for f in report.findings] == [LISTED]
    assert report.discovered == []


def test_min_confidence_drops_weak_discoveries(screener: Screener) -> None:
    [d] = screener.screen_text(TEXT).discovered
    assert variant(screener, min_confidence=d.confidence).screen_text(TEXT).discovered
    above = variant(screener, min_confidence=min(1.0, d.confidence + 1e-3)).screen_text(TEXT)
    if d.confidence < 1.0:
        assert above.discovered == []
    assert len(above.listed) == 1  # listed findings are never dropped


def test_field_whitelist_suppresses_listed(screener: Screener) -> None:
    field, phrase = WHITELISTED
    text = f"We compared two {phrase} for the survey data."
    listed_only = variant(screener, discover=False)
    assert [f.found for f in listed_only.screen_text(text).listed] == [phrase]
    assert variant(screener, discover=False, field=field).screen_text(text).findings == []
    # another field's whitelist does not apply
    assert variant(screener, discover=False, field="chemistry").screen_text(text).listed


def test_field_whitelist_also_holds_with_discovery(screener: Screener) -> None:
    field, phrase = WHITELISTED
    text = f"We compared two {phrase} for the survey data."
    assert variant(screener, field=field).screen_text(text).findings == []


def test_clean_text_has_no_findings(screener: Screener) -> None:
    report = screener.screen_text(CLEAN)
    assert report.findings == []
    assert report.words == len(CLEAN.split())
    assert report.density() == 0.0


def test_density(screener: Screener) -> None:
    report = screener.screen_text(TEXT)
    words = len(TEXT.split())
    assert report.words == words
    assert report.density() == round(1000 * len(report.findings) / words, 2)
    assert report.density(LISTED) == round(1000 * 1 / words, 2)
    assert report.density(DISCOVERED) == round(1000 * len(report.discovered) / words, 2)
    d = report.to_dict()
    assert d["listed"] == 1 and d["listed_density"] == report.density(LISTED)
    assert d["density"] == report.density() and len(d["findings"]) == len(report.findings)
    assert ScreenReport("x", 0, []).density() == 0.0


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_raises(screener: Screener, text: str) -> None:
    with pytest.raises(UnspinInputError):
        screener.screen_text(text)


# --------------------------------------------------------------------------- files


def test_screen_pdf_pages(screener: Screener, tmp_path: Path) -> None:
    pages = [PDF_PAGES[0], PDF_PAGES[2]]  # the tortured phrase on page 2
    path = _pdf(tmp_path / "paper.pdf", pages)
    report = screener.screen_file(path)
    assert report.name == str(path)
    assert report.pages == 2 and report.skipped_pages == [] and report.message == ""
    [f] = report.listed
    assert f.found == LISTED_PHRASE and f.page == 2
    assert "third page" in f.sentence
    assert report.words == sum(len(line.split()) for p in pages for line in p)
    # max_pages: only page 1 read
    first = variant(screener, max_pages=1).screen_file(path)
    assert first.pages == 1 and first.findings == []


def test_pdf_page_numbers_after_a_skipped_page(
    screener: Screener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _pdf(tmp_path / "three.pdf", PDF_PAGES)
    break_pages_containing(monkeypatch, "sensors used")
    report = variant(screener, discover=False).screen_file(path)
    assert report.skipped_pages == [2] and "2" in report.message
    [f] = report.listed
    assert f.page == 3


def test_screen_text_file(screener: Screener, tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_text(TEXT, encoding="utf-8")
    report = screener.screen_file(path)
    assert report.name == str(path) and report.pages is None
    assert [f.found for f in report.listed] == [LISTED_PHRASE]
    assert all(f.page is None for f in report.findings)
    assert report.findings == screener.screen_text(TEXT, str(path)).findings


def test_unreadable_files_raise(screener: Screener, tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("This is plain text with a .pdf name.\n", encoding="utf-8")
    with pytest.raises(UnspinInputError):
        screener.screen_file(fake)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UnspinInputError):
        screener.screen_file(empty)
    with pytest.raises(UnspinInputError):
        screener.screen_file(tmp_path / "missing.txt")


def test_paper_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "deep").mkdir()
    wanted = [
        tmp_path / "a" / "deep" / "one.PDF",
        tmp_path / "a" / "two.txt",
        tmp_path / "three.pdf",
        tmp_path / "notes.md",
    ]
    for p in wanted:
        p.write_text("x", encoding="utf-8")
    for name in ("data.csv", "figure.png", "a/deep/readme", "a/table.xlsx"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "folder.pdf").mkdir()  # a folder named like a paper is no paper
    got = paper_files([str(tmp_path)])
    assert sorted(got) == sorted(wanted)
    assert got == sorted(got)
    # a file given by name is taken as it is, whatever its suffix
    single = tmp_path / "data.csv"
    assert paper_files([str(single), str(tmp_path / "a")]) == [
        single,
        tmp_path / "a" / "deep" / "one.PDF",
        tmp_path / "a" / "two.txt",
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert paper_files([str(empty)]) == []


# --------------------------------------------------------------------------- unspin.screen


def test_unspin_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screener: Screener) -> None:
    monkeypatch.setenv("UNSPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(unspin, "_SCREENERS", {})
    # share the loaded model: unspin.screen would load its own otherwise
    monkeypatch.setattr("unspin.discover.Discoverer", lambda *a, **k: screener.discoverer)
    report = unspin.screen(TEXT)
    assert isinstance(report, ScreenReport)
    assert [f.found for f in report.listed] == [LISTED_PHRASE]
    assert [f.found for f in report.discovered] == ["irregular woodland"]
    assert unspin.screen(text=TEXT, discover=False).discovered == []
    path = tmp_path / "paper.txt"
    path.write_text(TEXT, encoding="utf-8")
    by_path = unspin.screen(path=path)
    assert by_path.name == str(path)
    assert [f.found for f in by_path.findings] == [f.found for f in report.findings]
    pdf = unspin.screen(path=_pdf(tmp_path / "p.pdf", [PDF_PAGES[0], PDF_PAGES[2]]), discover=False)
    assert pdf.pages == 2 and [f.page for f in pdf.listed] == [2]
    text = f"We compared two {WHITELISTED[1]} for the survey data."
    assert unspin.screen(text, field=WHITELISTED[0], discover=False).findings == []
    assert unspin.screen(text, discover=False).listed


def test_unspin_screen_loads_discovery_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screener: Screener
) -> None:
    monkeypatch.setenv("UNSPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(unspin, "_SCREENERS", {})
    built: list[int] = []

    def make(*_a: object, **_k: object) -> object:
        built.append(1)
        return screener.discoverer

    monkeypatch.setattr("unspin.discover.Discoverer", make)
    unspin.screen(TEXT, discover=False)
    assert built == []  # listed phrases only: no discovery model
    unspin.screen(TEXT)
    unspin.screen(TEXT, field=WHITELISTED[0])
    assert built == [1]  # one model for every field


def test_unspin_screen_wants_text_or_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(unspin, "_SCREENERS", {})
    with pytest.raises(UnspinInputError, match="one of text, path or pdf"):
        unspin.screen()
    with pytest.raises(UnspinInputError, match="one of text, path or pdf"):
        unspin.screen("Some text.", path=tmp_path / "paper.txt")
    with pytest.raises(UnspinInputError, match="one of text, path or pdf"):
        unspin.screen("Some text.", pdf=b"%PDF-1.4")
    with pytest.raises(UnspinInputError):
        unspin.screen("   ")


def test_unspin_screen_pdf_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(unspin, "_SCREENERS", {})
    data = _pdf(tmp_path / "p.pdf", PDF_PAGES).read_bytes()
    report = unspin.screen(pdf=data, name="upload.pdf", discover=False)
    assert report.name == "upload.pdf" and report.pages == 3
    [f] = report.listed
    assert f.page == 3 and report.text[f.start : f.end] == f.found == LISTED_PHRASE
    first = unspin.screen(pdf=data, discover=False, max_pages=2)
    assert first.pages == 2 and first.findings == [] and first.name == "-"
    with pytest.raises(UnspinInputError):
        unspin.screen(pdf=b"not a pdf at all", discover=False)


def test_unspin_screen_keeps_one_screener_per_known_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNSPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(unspin, "_SCREENERS", {})
    text = f"We compared two {WHITELISTED[1]} for the survey data."
    assert unspin.screen(text, discover=False).listed
    # the field is normalised; one the whitelist does not know screens as no field
    assert unspin.screen(text, field=f" {WHITELISTED[0].upper()} ", discover=False).findings == []
    for unknown in ("no-such-field", "other field", "  "):
        assert unspin.screen(text, field=unknown, discover=False).listed
    assert sorted(k[0] or "" for k in unspin._SCREENERS) == ["", WHITELISTED[0]]
