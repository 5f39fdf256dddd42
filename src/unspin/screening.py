"""Science mode: screen a paper (text or PDF) for tortured phrases.

``Screener`` loads the fingerprint list and, when discovery is on, the discovery model once;
``screen_text`` / ``screen_file`` then take milliseconds per page. Listed findings come from
:mod:`unspin.fingerprints`; discovered ones from :mod:`unspin.discover`, which learns its word
swaps from the same list, so a user's added list improves discovery too.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unspin.fingerprints import FingerprintList, Whitelist
from unspin.result import UnspinInputError
from unspin.screening_result import DISCOVERED, LISTED, Finding, ScreenReport
from unspin.textio import read_text
from unspin.tokenize import sentence_spans, tokenize

PDF_SUFFIXES = (".pdf",)
TEXT_SUFFIXES = (".txt", ".text", ".md", ".tex")
SENTENCE_CHARS = 400  # longest sentence shown with a finding


@dataclass
class ScreenOptions:
    field: str | None = None  # a discipline whose legitimate uses are whitelisted
    discover: bool = True
    min_confidence: float = 0.0  # discovered findings below this are dropped
    max_pages: int | None = None
    # discovery rescored by the neural LM (unspin[neural]): more found at the same precision,
    # about a second per page on a CPU instead of milliseconds
    accurate: bool = False


class Screener:
    def __init__(
        self,
        fingerprints: FingerprintList | None = None,
        *,
        whitelist: Whitelist | None = None,
        options: ScreenOptions | None = None,
        discoverer: object | None = None,
    ) -> None:
        self.fingerprints = fingerprints if fingerprints is not None else FingerprintList.default()
        self.whitelist = whitelist
        self.options = options or ScreenOptions()
        self._discoverer = discoverer

    @property
    def discoverer(self):  # noqa: ANN201 - unspin.discover.Discoverer, imported lazily
        if self._discoverer is None:
            from unspin.discover import Discoverer

            neural = None
            if self.options.accurate:
                from unspin.neural import LazyNeuralLM, available

                if not available():
                    raise UnspinInputError(
                        "accurate discovery needs the neural extra: pip install 'unspin[neural]'"
                    )
                neural = LazyNeuralLM()
            self._discoverer = Discoverer(
                ((f.tortured, f.expected) for f in self.fingerprints), neural=neural
            )
        return self._discoverer

    # ------------------------------------------------------------------ text

    def screen_text(
        self, text: str, name: str = "-", page_at: Callable[[int], int] | None = None
    ) -> ScreenReport:
        """Screen ``text``; ``page_at`` maps a character offset to its page number."""
        if not text.strip():
            raise UnspinInputError(f"{name}: no text to screen")
        opts = self.options
        tokens = tokenize(text)
        words = sum(1 for t in tokens if t.is_word)
        sentences = sorted(sentence_spans(tokens).values())

        def page_of(offset: int) -> int | None:
            return page_at(offset) if page_at is not None else None

        findings: list[Finding] = []
        taken: list[tuple[int, int]] = []
        for hit in self.fingerprints.match(text, opts.field, whitelist=self.whitelist):
            fp = hit.fingerprint
            findings.append(
                Finding(
                    hit.start, hit.end, hit.text, fp.expected, LISTED, 1.0,
                    _sentence(text, sentences, hit.start, hit.end), page_of(hit.start),
                    fp.to_dict(),
                )
            )
            taken.append((hit.start, hit.end))
        if opts.discover and opts.field:
            # a phrase whitelisted for the field is legitimate there: discovery must not
            # flag what the list was told to leave alone
            wl = self.whitelist if self.whitelist is not None else Whitelist.bundled()
            for phrase in wl.phrases(opts.field):
                pattern = r"(?<![\w-])" + r"[\s\-]+".join(map(re.escape, phrase)) + r"(?![\w-])"
                taken.extend(m.span() for m in re.finditer(pattern, text, re.IGNORECASE))
        if opts.discover:
            for d in self.discoverer.discover(text, tokens):
                if d.confidence < opts.min_confidence:
                    continue
                if any(d.start < e and s < d.end for s, e in taken):
                    continue  # a listed fingerprint already explains these words
                findings.append(
                    Finding(
                        d.start, d.end, d.found, d.expected, DISCOVERED, d.confidence,
                        _sentence(text, sentences, d.start, d.end), page_of(d.start),
                        {"gain": d.gain, **d.evidence},
                    )
                )
        findings.sort(key=lambda f: (f.start, f.end))
        return ScreenReport(name=name, words=words, findings=findings, text=text)

    # ------------------------------------------------------------------ files

    def screen_file(self, path: str | os.PathLike[str]) -> ScreenReport:
        """Screen a PDF or a text file; raises UnspinInputError when it cannot be read."""
        p = Path(path)
        if p.suffix.lower() in PDF_SUFFIXES:
            return self.screen_pdf(p, str(p))
        return self.screen_text(read_text(str(p)), str(p))

    def screen_pdf(
        self, pdf: str | os.PathLike[str] | bytes, name: str = "-"
    ) -> ScreenReport:
        """Screen a PDF given as a path or as its bytes; findings carry their page."""
        from unspin.pdf import read_pdf

        doc = read_pdf(pdf, max_pages=self.options.max_pages)
        report = self.screen_text(doc.text, name, doc.page_at)
        report.pages = len(doc.pages)
        report.skipped_pages = list(doc.skipped)
        if doc.skipped:
            report.message = f"pages {', '.join(map(str, doc.skipped))} could not be read"
        return report


def paper_files(paths: list[str]) -> list[Path]:
    """The papers named by ``paths``: files as given, folders searched for PDFs and text."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in PDF_SUFFIXES + TEXT_SUFFIXES
                )
            )
        else:
            out.append(p)
    return out


def _sentence(text: str, bounds: list[tuple[int, int]], start: int, end: int) -> str:
    i = bisect.bisect_right(bounds, (start, len(text) + 1)) - 1
    s, e = bounds[i] if i >= 0 else (start, end)
    s, e = min(s, start), max(e, end)
    if e - s > SENTENCE_CHARS:  # a run-on "sentence" (tables, lists): a window around the hit
        s = max(s, start - SENTENCE_CHARS // 2)
        e = min(e, end + SENTENCE_CHARS // 2)
    return " ".join(text[s:e].split())
