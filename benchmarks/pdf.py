"""PDF reading speed and reading order: ``python -m benchmarks.pdf [--docs N] [--out PATH]``.

Generates ``--docs`` (default 40) made-up two-column "papers" with reportlab from a word list
in this script (no third-party text), about ``--words`` (default 500) words per page:

- **flow** (even-numbered docs): reportlab frames, justified, first lines indented, a
  full-width title and abstract on page 1, section headings, a running head and a page number
  on every page, and long words broken at line ends with a hyphen (soft hyphens in the
  source). Columns are drawn one after the other, as most typesetters do.
- **interleaved** (odd-numbered docs): the same kind of text drawn row by row *across* both
  columns (left line, right line, next left line...), as some generators and OCR text layers
  do, so reading in content-stream order mixes the columns.

Times :func:`unspin.pdf.read_pdf` on one pinned core (after one warm-up document, which loads
lemminflect for hyphenated words) and checks the reading order: the share of the generated
words found in order (difflib ratio of the word sequences, case and punctuation ignored, a
hyphen inside a word ignored) and the share of documents read exactly. ms/page p50 and p95
are over documents (a document's time over its pages). With ``--compare``,
pypdf's plain ``extract_text`` and pdfminer.six's ``extract_text`` (when installed) are timed
and scored on the same files.

Results: table on stdout, JSON in ``benchmarks/results/pdf.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from benchmarks.data import REPO_ROOT
from benchmarks.restore import _pin_one_core, machine_info, write_results

DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results" / "pdf.json"

NOUNS = (
    "sample sensor signal model layer protein membrane network gradient spectrum filter "
    "sediment catalyst enzyme lattice particle voltage fibre tissue receptor estimator "
    "classifier dataset baseline threshold coefficient boundary surface reactor channel"
).split()
ADJECTIVES = (
    "robust sparse thermal adaptive linear stochastic optical nonlinear spectral dense "
    "synthetic empirical residual latent coarse porous stable"
).split()
VERBS = (
    "improves reduces predicts measures controls increases limits stabilises separates "
    "explains detects estimates"
).split()
# long words with soft hyphens where reportlab may break them at a line end
LONG = (
    "classi\xadfication repre\xadsentation optimi\xadsation charac\xadterisation "
    "concen\xadtration tempera\xadture measure\xadment experi\xadmental distri\xadbution "
    "regulari\xadsation"
).split()
COMPOUNDS = "state-of-the-art data-driven well-known fine-grained".split()
HEADINGS = ["Introduction", "Methods", "Results", "Discussion", "Conclusion"]

MARGIN = 56.0
GUTTER = 20.0
FONT, SIZE, LEADING = "Times-Roman", 11.0, 14.0


def sentence(rng: random.Random) -> str:
    words: list[str] = []
    for _ in range(rng.randint(2, 4)):
        r = rng.random()
        if r < 0.12:
            words.append(rng.choice(LONG))
        elif r < 0.17:
            words.append(rng.choice(COMPOUNDS))
        else:
            words.append(rng.choice(ADJECTIVES))
        words.append(rng.choice(NOUNS))
        words.append(rng.choice(VERBS) if rng.random() < 0.4 else rng.choice(["of", "in", "and"]))
        words.append(rng.choice(["the", "a", "each", "this"]))
    words.append(rng.choice(NOUNS))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


@dataclass
class Paper:
    title: str
    abstract: str
    sections: list[tuple[str, list[str]]]

    def blocks(self) -> list[str]:
        out = [self.title, self.abstract]
        for i, (head, paras) in enumerate(self.sections, start=1):
            out.append(f"{i} {head}")
            out.extend(paras)
        return out

    def words(self) -> int:
        return sum(len(b.split()) for b in self.blocks())


def make_paper(rng: random.Random, words: int) -> Paper:
    title = " ".join(w.capitalize() for w in rng.sample(ADJECTIVES + NOUNS, 6))
    abstract = paragraph(rng)
    sections: list[tuple[str, list[str]]] = []
    total = len(abstract.split())
    while total < words:
        paras = [paragraph(rng) for _ in range(rng.randint(2, 5))]
        total += sum(len(p.split()) for p in paras)
        sections.append((HEADINGS[len(sections) % len(HEADINGS)], paras))
    return Paper(title, abstract, sections)


def _furniture(c: Any, page: int, width: float, height: float) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(MARGIN, height - 30, "Journal of Synthetic Results, vol. 3 (2031)")
    c.drawCentredString(width / 2, 26, str(page))


def write_flow(path: Path, paper: Paper) -> None:
    """reportlab frames: title and abstract full width on page 1, then two columns."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        NextPageTemplate,
        PageTemplate,
        Paragraph,
    )

    w, h = A4
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=SIZE,
        leading=LEADING,
        alignment=TA_JUSTIFY,
        firstLineIndent=12,
        embeddedHyphenation=1,
        hyphenationMinWordLength=4,
    )
    head = ParagraphStyle("head", fontName="Times-Bold", fontSize=12, leading=16, spaceBefore=6)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19)
    col_w = (w - 2 * MARGIN - GUTTER) / 2
    top = h - MARGIN
    first_top = top - 200

    def cols(height: float) -> list[Any]:
        return [
            Frame(MARGIN, MARGIN, col_w, height - MARGIN, id="left"),
            Frame(MARGIN + col_w + GUTTER, MARGIN, col_w, height - MARGIN, id="right"),
        ]

    def deco(c: Any, doc: Any) -> None:
        _furniture(c, doc.page, w, h)

    doc = BaseDocTemplate(str(path), pagesize=A4)
    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [Frame(MARGIN, first_top, w - 2 * MARGIN, top - first_top, id="top")]
                + cols(first_top),
                onPage=deco,
            ),
            PageTemplate("later", cols(top), onPage=deco),
        ]
    )
    story: list[Any] = [
        NextPageTemplate("later"),
        Paragraph(paper.title, title),
        Paragraph(paper.abstract, body),
        FrameBreak(),
    ]
    for i, (name, paras) in enumerate(paper.sections, start=1):
        story.append(Paragraph(f"{i} {name}", head))
        story.extend(Paragraph(p, body) for p in paras)
    doc.build(story)


def _wrap(text: str, width: float, indent: float) -> list[tuple[float, str]]:
    """Greedy line breaking (no hyphenation): (x offset, line) pairs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[tuple[float, str]] = []
    cur: list[str] = []
    x = indent
    for word in text.replace("\xad", "").split():
        trial = " ".join([*cur, word])
        if cur and stringWidth(trial, FONT, SIZE) > width - x:
            lines.append((x, " ".join(cur)))
            cur, x = [word], 0.0
        else:
            cur.append(word)
    if cur:
        lines.append((x, " ".join(cur)))
    return lines


def write_interleaved(path: Path, paper: Paper) -> None:
    """Two ragged-right columns drawn row by row across both columns, one text object a page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    w, h = A4
    col_w = (w - 2 * MARGIN - GUTTER) / 2
    rows: list[tuple[float, str, str]] = []  # (x offset, text, font)
    for i, block in enumerate(paper.blocks()):
        if i == 0:
            continue  # the title is drawn full width above the columns
        is_head = i > 1 and re.fullmatch(r"\d+ [A-Z][a-z]+", block) is not None
        if is_head:
            rows.append((0.0, "", FONT))
            rows.append((0.0, block, "Times-Bold"))
        else:
            rows.extend((x, s, FONT) for x, s in _wrap(block, col_w, 12.0))
    c = canvas.Canvas(str(path), pagesize=A4)
    page = 0
    while rows:
        page += 1
        _furniture(c, page, w, h)
        top = h - MARGIN - 20
        if page == 1:
            c.setFont("Helvetica-Bold", 15)
            c.drawCentredString(w / 2, top, paper.title)
            top -= 40
        n = int((top - MARGIN) // LEADING)
        left, right = rows[:n], rows[n : 2 * n]
        rows = rows[2 * n :]
        t = c.beginText()
        for k in range(max(len(left), len(right))):
            y = top - k * LEADING
            for col, x0 in ((left, MARGIN), (right, MARGIN + col_w + GUTTER)):
                if k < len(col) and col[k][1]:
                    dx, s, font = col[k]
                    t.setFont(font, SIZE)
                    t.setTextOrigin(x0 + dx, y)
                    t.textOut(s)
        c.drawText(t)
        c.showPage()
    c.save()


_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def tokens(text: str) -> list[str]:
    """Words for comparing reading order: lower case, no punctuation, hyphens dropped."""
    return [t.replace("-", "") for t in _TOKEN.findall(text.lower().replace("\xad", ""))]


def order_score(expected: Sequence[str], got: Sequence[str]) -> float:
    return SequenceMatcher(None, expected, got, autojunk=False).ratio()


@dataclass
class Run:
    name: str
    seconds: list[float] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    failures: int = 0

    def summary(self) -> dict[str, Any]:
        total_pages, total_s = sum(self.pages), sum(self.seconds)
        per_page = sorted(1000 * s / p for s, p in zip(self.seconds, self.pages, strict=True))
        out: dict[str, Any] = {
            "docs": len(self.pages),
            "pages": total_pages,
            "seconds": round(total_s, 3),
            "pages_per_s": round(total_pages / total_s, 1) if total_s else None,
            "ms_per_page_p50": round(statistics.median(per_page), 1) if per_page else None,
            "ms_per_page_p95": round(_pct(per_page, 0.95), 1) if per_page else None,
            "failures": self.failures,
        }
        for kind in sorted(set(self.kinds)):
            idx = [i for i, k in enumerate(self.kinds) if k == kind]
            out[f"order_{kind}"] = round(statistics.mean(self.scores[i] for i in idx), 4)
            out[f"exact_{kind}"] = round(sum(self.exact[i] for i in idx) / len(idx), 3)
        return out


def _pct(sorted_values: Sequence[float], q: float) -> float:
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def _unspin_reader(path: Path) -> tuple[str, int]:
    from unspin.pdf import read_pdf

    doc = read_pdf(path)
    return doc.text, len(doc.pages)


def _pypdf_plain(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return re.sub(r"(\w)-\n(\w)", r"\1\2", text), len(reader.pages)


def _pdfminer(path: Path) -> tuple[str, int]:
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    text = extract_text(str(path), laparams=LAParams())
    return re.sub(r"(\w)-\n(\w)", r"\1\2", text), text.count("\f") or 1


def measure(
    name: str, reader: Callable[[Path], tuple[str, int]], docs: Sequence[tuple[Path, Paper, str]]
) -> Run:
    run = Run(name)
    reader(docs[0][0])  # warm-up: imports, lemminflect's tables
    for path, paper, kind in docs:
        t0 = time.perf_counter()
        try:
            text, pages = reader(path)
        except Exception:  # a benchmark reports failures, it does not stop
            run.failures += 1
            continue
        run.seconds.append(time.perf_counter() - t0)
        run.pages.append(pages)
        expected, got = tokens(" ".join(paper.blocks())), tokens(text)
        run.scores.append(order_score(expected, got))
        run.exact.append(expected == got)
        run.kinds.append(kind)
    return run


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--words", type=int, default=500, help="words per page (roughly)")
    ap.add_argument("--pages", type=int, default=6, help="pages per document (roughly)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--compare", action="store_true", help="also time pypdf plain, pdfminer.six")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    try:
        import reportlab  # noqa: F401
    except ImportError:
        print("benchmarks.pdf: reportlab is not installed (pip install -e '.[test]'); skipped")
        return 0
    core = _pin_one_core()
    rng = random.Random(args.seed)
    results: dict[str, Any] = {"machine": machine_info(), "pinned_core": core}
    with tempfile.TemporaryDirectory() as tmp:
        docs: list[tuple[Path, Paper, str]] = []
        t0 = time.perf_counter()
        for i in range(args.docs):
            paper = make_paper(rng, args.words * args.pages)
            path = Path(tmp) / f"paper{i:03d}.pdf"
            kind = "flow" if i % 2 == 0 else "interleaved"
            (write_flow if kind == "flow" else write_interleaved)(path, paper)
            docs.append((path, paper, kind))
        results["generate_s"] = round(time.perf_counter() - t0, 2)
        results["words_per_doc"] = round(statistics.mean(p.words() for _, p, _ in docs))
        readers: list[tuple[str, Callable[[Path], tuple[str, int]]]] = [
            ("unspin.pdf", _unspin_reader)
        ]
        if args.compare:
            readers.append(("pypdf plain", _pypdf_plain))
            try:
                import pdfminer  # noqa: F401

                readers.append(("pdfminer.six", _pdfminer))
            except ImportError:
                print("pdfminer.six is not installed: not compared")
        runs = [measure(name, fn, docs) for name, fn in readers]
    results["runs"] = {r.name: r.summary() for r in runs}
    main_run = results["runs"]["unspin.pdf"]
    results["words_per_page"] = round(results["words_per_doc"] * len(docs) / main_run["pages"])

    print(
        f"{len(docs)} generated two-column PDFs ({main_run['pages']} pages, "
        f"~{results['words_per_page']} words/page), one core"
    )
    print(
        f"{'reader':<14} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'ms/page p50':>12} "
        f"{'p95':>6} {'order flow':>11} {'order interl.':>14} {'exact f/i':>10}"
    )
    for name, s in results["runs"].items():
        print(
            f"{name:<14} {s['pages']:>6} {s['seconds']:>8.2f} {s['pages_per_s']:>8.1f} "
            f"{s['ms_per_page_p50']:>12.1f} {s['ms_per_page_p95']:>6.1f} "
            f"{s.get('order_flow', 0):>11.4f} {s.get('order_interleaved', 0):>14.4f} "
            f"{s.get('exact_flow', 0):>5.2f}/{s.get('exact_interleaved', 0):<4.2f}"
        )
    write_results(args.out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
