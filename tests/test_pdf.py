"""unspin.pdf: PDFs made with reportlab in the test read back as clean text with page numbers.

Every sentence here was written for these tests. Two-column pages are drawn line by line
across both columns (left line, right line, next left line...), so reading in content-stream
order would interleave the columns: the tests check that it does not.
"""

from __future__ import annotations

import io
import os
import random
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

pytest.importorskip("reportlab")
pypdf = pytest.importorskip("pypdf")

from pdf_faults import break_pages_containing  # noqa: E402
from reportlab.lib.enums import TA_JUSTIFY  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph  # noqa: E402

from unspin.pdf import (  # noqa: E402
    PAGE_SEPARATOR,
    PdfDocument,
    PdfPage,
    normalize_text,
    read_pdf,
    unwrap_lines,
)
from unspin.result import UnspinInputError  # noqa: E402

Line = tuple[float, float, str]

LEFT = [
    "Soil samples were collected from",
    "twelve plots along the river bank.",
    "Each sample was dried at room",
    "temperature and weighed twice, and",
    "the mean moisture content fell",
    "steadily from spring to autumn.",
    "Plots near the water held more",
    "moisture than the upland plots did.",
]
RIGHT = [
    "Root density followed a similar",
    "pattern across the whole season.",
    "Dense roots were found mostly in",
    "the upper ten centimetres of soil,",
    "while deeper layers contained few",
    "roots and much less organic matter.",
    "These results agree with earlier",
    "surveys of the same river valley.",
]


def _words(text: str) -> list[str]:
    return text.split()


def _canvas_pdf(
    path: Path,
    pages: Sequence[Sequence[Line]],
    *,
    font: str = "Helvetica",
    size: float = 10,
    encrypt: object = None,
) -> Path:
    """Each page's lines drawn in the order given, in one text object per page."""
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for page in pages:
        t = c.beginText()
        t.setFont(font, size)
        for x, y, s in page:
            t.setTextOrigin(x, y)
            t.textOut(s)
        c.drawText(t)
        c.showPage()
    c.save()
    return path


def _column(lines: Sequence[str], x: float = 72, top: float = 760, lead: float = 14) -> list[Line]:
    return [(x, top - i * lead, s) for i, s in enumerate(lines)]


def _interleaved(left: Sequence[str], right: Sequence[str], top: float = 700) -> list[Line]:
    out: list[Line] = []
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        out += [(60, top - 12 * i, a), (320, top - 12 * i, b)]
    return out


# --------------------------------------------------------------------------- pages


PAGE_SENTENCES = [
    ["The first page describes how the lamps were calibrated.", "All lamps were new."],
    ["The second page lists the sensors used in the field.", "Each sensor was tested."],
    ["The third page reports the readings taken at dawn.", "No reading was missing."],
]


def test_single_column_pages_and_numbers(tmp_path: Path) -> None:
    doc = read_pdf(_canvas_pdf(tmp_path / "p.pdf", [_column(p) for p in PAGE_SENTENCES]))
    assert isinstance(doc, PdfDocument)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.page_count == 3 and doc.skipped == []
    for page, sentences in zip(doc.pages, PAGE_SENTENCES, strict=True):
        assert _words(page.text) == _words(" ".join(sentences))
    assert doc.text == PAGE_SEPARATOR.join(p.text for p in doc.pages)
    assert doc.path == str(tmp_path / "p.pdf")


def test_page_at_maps_offsets_to_pages(tmp_path: Path) -> None:
    doc = read_pdf(_canvas_pdf(tmp_path / "p.pdf", [_column(p) for p in PAGE_SENTENCES]))
    text = doc.text
    assert doc.page_at(0) == 1
    assert doc.page_at(text.index("lamps were calibrated")) == 1
    assert doc.page_at(text.index("sensors used")) == 2
    assert doc.page_at(text.index("No reading")) == 3
    assert doc.page_at(len(text)) == 3
    end1 = len(doc.pages[0].text)
    assert doc.page_at(end1 - 1) == 1
    assert doc.page_at(end1) == 1  # the separator after page 1
    assert doc.page_at(end1 + len(PAGE_SEPARATOR)) == 2
    assert doc.page_starts == [0, end1 + 2, end1 + 2 + len(doc.pages[1].text) + 2]
    for bad in (-1, len(text) + 1):
        with pytest.raises(ValueError):
            doc.page_at(bad)


def test_page_at_uses_page_numbers_not_positions() -> None:
    doc = PdfDocument(path="x.pdf", pages=[PdfPage(1, "one"), PdfPage(3, "three")], skipped=[2])
    assert doc.text == "one\n\nthree"
    assert doc.page_at(doc.text.index("three")) == 3


def test_max_pages(tmp_path: Path) -> None:
    path = _canvas_pdf(tmp_path / "p.pdf", [_column(p) for p in PAGE_SENTENCES])
    doc = read_pdf(path, max_pages=2)
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.page_count == 3
    assert "dawn" not in doc.text
    with pytest.raises(ValueError):
        read_pdf(path, max_pages=0)


def test_bytes_input(tmp_path: Path) -> None:
    data = _canvas_pdf(tmp_path / "p.pdf", [_column(PAGE_SENTENCES[0])]).read_bytes()
    for source in (data, bytearray(data), memoryview(data)):
        doc = read_pdf(source)
        assert "lamps were calibrated" in doc.text
        assert doc.path == ""


# --------------------------------------------------------------------------- columns


def test_two_columns_drawn_line_by_line_read_left_then_right(tmp_path: Path) -> None:
    path = _canvas_pdf(tmp_path / "two.pdf", [_interleaved(LEFT, RIGHT)])
    # the page really is drawn across the columns: a content-order reader interleaves them
    plain = pypdf.PdfReader(str(path)).pages[0].extract_text()
    assert "collected from Root density" in " ".join(plain.split())

    text = read_pdf(path).text
    assert _words(text) == _words(" ".join(LEFT + RIGHT))
    # a sentence broken over the left column's lines comes back whole
    assert "Soil samples were collected from twelve plots along the river bank." in text
    assert "Dense roots were found mostly in the upper ten centimetres of soil," in text
    left_part = text[: text.index("Root density")]
    for word in ("density", "roots", "valley", "organic", "centimetres"):
        assert word not in left_part


def test_full_width_title_then_two_columns(tmp_path: Path) -> None:
    title = "Moisture and Root Growth in River Bank Soils of a Small Valley"
    lines = [(150, 780, title)] + _interleaved(LEFT, RIGHT)
    text = read_pdf(_canvas_pdf(tmp_path / "t.pdf", [lines])).text
    assert _words(text) == _words(" ".join([title] + LEFT + RIGHT))
    assert text.startswith(title + "\n\n")  # the title is its own paragraph


WORDS = (
    "sample signal model sensor layer method protein cell network gradient field measure "
    "value error noise filter region surface current pressure"
).split()


def _sentences(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        ws = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
        out.append(" ".join(ws).capitalize() + ".")
    return " ".join(out)


def _platypus(path: Path, paras: Sequence[str], columns: int, title: str = "") -> Path:
    style = ParagraphStyle(
        "body",
        fontName="Times-Roman",
        fontSize=9.5,
        leading=11.5,
        alignment=TA_JUSTIFY,
        firstLineIndent=10,
    )
    w, h = A4
    m, gap = 54, 18
    top = h - m - (40 if title else 0)
    col_w = (w - 2 * m - gap * (columns - 1)) / columns
    frames = [Frame(m + i * (col_w + gap), m, col_w, top - m, id=f"c{i}") for i in range(columns)]

    def head(c: canvas.Canvas, doc: BaseDocTemplate) -> None:
        if title and doc.page == 1:
            c.setFont("Helvetica-Bold", 14)
            c.drawCentredString(w / 2, h - m - 14, title)

    doc = BaseDocTemplate(str(path), pagesize=A4)
    doc.addPageTemplates([PageTemplate("p", frames, onPage=head)])
    doc.build([Paragraph(p, style) for p in paras])
    return path


def test_two_column_justified_paper_reads_in_order(tmp_path: Path) -> None:
    rng = random.Random(3)
    paras = [_sentences(rng, 5) for _ in range(12)]
    title = "Signal Filters for Noisy Pressure Sensors"
    doc = read_pdf(_platypus(tmp_path / "paper.pdf", paras, columns=2, title=title))
    assert len(doc.pages) == 1
    assert _words(doc.text) == _words(" ".join([title] + paras))
    # paragraphs (first line indented) come back as paragraphs, lines unwrapped
    assert doc.text.split("\n\n")[1:] == paras


def test_single_column_justified_text_is_not_split(tmp_path: Path) -> None:
    rng = random.Random(5)
    paras = [_sentences(rng, 6) for _ in range(24)]
    doc = read_pdf(_platypus(tmp_path / "one.pdf", paras, columns=1))
    assert len(doc.pages) >= 2
    assert _words(doc.text) == _words(" ".join(paras))


# --------------------------------------------------------------------------- clean-up


def test_hyphenation_across_lines(tmp_path: Path) -> None:
    lines = [
        "We propose a new classi-",
        "fication method for short texts that",
        "uses a state-of-the-art encoder and a",
        "pre-trained model. The results are state-of-the-",
        "art on three tests, and the self-",
        "supervised variant is also strong.",
    ]
    text = read_pdf(_canvas_pdf(tmp_path / "h.pdf", [_column(lines)])).text
    assert "\n" not in text  # one paragraph, unwrapped
    assert "new classification method" in text
    assert "a state-of-the-art encoder" in text
    assert "pre-trained model" in text
    assert "are state-of-the-art on three" in text
    assert "the self-supervised variant" in text
    assert "classi-" not in text and "- " not in text


def test_word_hyphenated_across_a_page_break(tmp_path: Path) -> None:
    pages = [
        _column(["The first page ends with a word that is classi-"]),
        _column(["fication of the samples, and the second page goes on."]),
    ]
    doc = read_pdf(_canvas_pdf(tmp_path / "pb.pdf", pages))
    assert doc.pages[0].text == "The first page ends with a word that is classification"
    assert doc.pages[1].text == "of the samples, and the second page goes on."


def test_ligatures_in_a_pdf_are_expanded(tmp_path: Path) -> None:
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    pdfmetrics.registerFont(TTFont("VeraTest", str(vera)))
    lines = ["The \ufb01nal \ufb02ow rate was \ufb01xed by the \ufb01rst \ufb02ask."]
    path = _canvas_pdf(tmp_path / "lig.pdf", [_column(lines)], font="VeraTest")
    raw = pypdf.PdfReader(str(path)).pages[0].extract_text()
    assert "\ufb01" in raw  # the PDF really holds the ligature characters
    text = read_pdf(path).text
    assert text == "The final flow rate was fixed by the first flask."


def test_normalize_text() -> None:
    # Vera has only the fi and fl ligature glyphs, so the other five are checked here
    assert normalize_text("\ufb00 \ufb01 \ufb02 \ufb03 \ufb04 \ufb05 \ufb06") == (
        "ff fi fl ffi ffl st st"
    )
    assert normalize_text("e\ufb03cient \ufb04ow") == "efficient fflow"
    assert normalize_text("a\u00a0b\u200bc \uff21\uff11") == "a bc A1"
    assert normalize_text("co\u00adoperate") == "cooperate"
    assert normalize_text("x\x00y\x07z\nw") == "x y z\nw"
    assert normalize_text("pre\u2010trained") == "pre-trained"


def test_unwrap_lines() -> None:
    lines = [
        "A first paragraph that goes on and",
        "on for a while until it ends here.",
        "",
        "A second para-",
        "graph that is well-",
        "known and coop\u00ad",
        "erative ends.",
    ]
    assert unwrap_lines(lines) == (
        "A first paragraph that goes on and on for a while until it ends here.\n\n"
        "A second paragraph that is well-known and cooperative ends."
    )
    # an indented line starting with a capital opens a paragraph; a lower-case one does not
    lines = [
        "The method is fast and",
        "it uses little memory",
        "    Results follow from",
        "the tests, and",
        "    more of them come later.",
        "\u2022 A bullet point",
    ]
    assert unwrap_lines(lines) == (
        "The method is fast and it uses little memory\n\n"
        "Results follow from the tests, and more of them come later.\n\n\u2022 A bullet point"
    )
    assert unwrap_lines(["COVID-", "19 cases", "non-", "Euclidean"]) == (
        "COVID-19 cases non-Euclidean"
    )


def test_indented_paragraphs_and_running_heads(tmp_path: Path) -> None:
    body = [
        [
            (72, 700, "The pumps were run for six hours on each day of the"),
            (72, 686, "trial, and their output was logged every minute."),
            (90, 672, "A second paragraph starts with an indent and says"),
            (72, 658, "that the logs were checked by two people."),
        ],
        [
            (72, 700, "Later tests repeated the trial with warmer water and"),
            (72, 686, "found the same output within one part in a hundred."),
        ],
        [
            (72, 700, "The last page thanks the staff who kept the pumps"),
            (72, 686, "running through the night on every day of the trial."),
        ],
    ]
    pages = []
    for i, lines in enumerate(body, start=1):
        head = (72, 800, f"Annals of Invented Results {i + 3} (2031)")
        foot = (290, 40, str(i))
        pages.append([head, *lines, foot])
    doc = read_pdf(_canvas_pdf(tmp_path / "runs.pdf", pages))
    assert "Annals" not in doc.text
    assert doc.pages[0].text.split("\n\n") == [
        "The pumps were run for six hours on each day of the trial, and their output was "
        "logged every minute.",
        "A second paragraph starts with an indent and says that the logs were checked by "
        "two people.",
    ]
    for page in doc.pages:
        assert not page.text.rstrip().endswith(str(page.number))


def test_title_from_metadata(tmp_path: Path) -> None:
    path = tmp_path / "meta.pdf"
    c = canvas.Canvas(str(path))
    c.setTitle("Lamp Calibration in Cold Rooms")
    c.drawString(72, 720, "The lamps were calibrated in a cold room before use.")
    c.showPage()
    c.save()
    assert read_pdf(path).title == "Lamp Calibration in Cold Rooms"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "The lamps were calibrated in a cold room before use.")
    c.showPage()
    c.save()
    assert read_pdf(path).title is None  # reportlab's "(anonymous)" placeholder


# --------------------------------------------------------------------------- bad input


def _good_pdf(tmp_path: Path) -> bytes:
    return _canvas_pdf(tmp_path / "good.pdf", [_column(p) for p in PAGE_SENTENCES]).read_bytes()


def _raises(source: object, *needles: str, **kw: object) -> str:
    with pytest.raises(UnspinInputError) as info:
        read_pdf(source, **kw)  # type: ignore[arg-type]
    msg = str(info.value)
    for needle in needles:
        assert needle in msg, msg
    return msg


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    _raises(empty, "empty")
    _raises(b"   \n", "empty")
    _raises(tmp_path / "nope.pdf", "no such file")
    _raises(tmp_path, "directory")


def test_not_a_pdf(tmp_path: Path) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("These are plain notes, not a PDF at all.\n")
    _raises(text, "not a PDF")
    _raises(b"<!DOCTYPE html><html><body>Paywall</body></html>", "not a PDF", "HTML")
    _raises(b"PK\x03\x04" + b"\x00" * 100, "not a PDF", "ZIP")


def test_corrupt_and_truncated(tmp_path: Path) -> None:
    rng = random.Random(1)
    garbage = b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(4000))
    _raises(garbage, "damaged or truncated")
    _raises(b"%PDF-1.7\n%%EOF\n", "damaged or truncated")
    good = _good_pdf(tmp_path)
    for cut in (0.3, 0.6, 0.9):
        _raises(good[: int(len(good) * cut)], "damaged or truncated")


def test_too_large(tmp_path: Path) -> None:
    good = _good_pdf(tmp_path)
    path = tmp_path / "big.pdf"
    path.write_bytes(good)
    _raises(path, "too large", "max_bytes", max_bytes=len(good) - 1)
    _raises(good, "too large", max_bytes=100)
    assert read_pdf(path, max_bytes=len(good)).page_count == 3


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    img = Image.new("RGB", (60, 40), (200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(2):
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 72, 500, width=300, height=200)
        c.showPage()
    c.save()
    _raises(path, "no text layer", "OCR")


def test_encrypted(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    lines = [_column(PAGE_SENTENCES[0])]
    locked = StandardEncryption("secret", ownerPassword="owner")
    _raises(_canvas_pdf(tmp_path / "locked.pdf", lines, encrypt=locked), "password")
    # an empty user password (only the owner's restrictions) opens without asking
    open_ = StandardEncryption("", ownerPassword="owner", canCopy=0)
    doc = read_pdf(_canvas_pdf(tmp_path / "open.pdf", lines, encrypt=open_))
    assert "lamps were calibrated" in doc.text


def test_aes_encrypted(tmp_path: Path) -> None:
    good = _good_pdf(tmp_path)
    for user, readable in (("", True), ("secret", False)):
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(good)))
        writer.encrypt(user_password=user, owner_password="owner", algorithm="AES-256")
        buf = io.BytesIO()
        writer.write(buf)
        if readable:
            assert "lamps were calibrated" in read_pdf(buf.getvalue()).text
        else:
            _raises(buf.getvalue(), "password")


def test_failing_page_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _canvas_pdf(tmp_path / "p.pdf", [_column(p) for p in PAGE_SENTENCES])
    break_pages_containing(monkeypatch, "sensors used")
    doc = read_pdf(path)
    assert doc.skipped == [2]
    assert [p.number for p in doc.pages] == [1, 3]
    assert doc.page_at(doc.text.index("dawn")) == 3


def test_no_warnings_printed(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    good = _good_pdf(tmp_path)
    # a wrong cross-reference offset: pypdf rebuilds the table, and would warn about it
    broken = re.sub(rb"startxref\s+\d+", b"startxref\n17", good)
    assert broken != good
    doc = read_pdf(broken)
    assert len(doc.pages) == 3
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_types_of_path(tmp_path: Path) -> None:
    path = _canvas_pdf(tmp_path / "p.pdf", [_column(PAGE_SENTENCES[0])])
    assert read_pdf(str(path)).pages[0].number == 1
    assert read_pdf(os.fspath(path)).path == str(path)
