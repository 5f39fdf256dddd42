"""Result dataclasses of science mode (:func:`unspin.screen`).

A paper is screened for *tortured phrases*: listed ones, found by the fingerprint list
(:mod:`unspin.fingerprints`), and discovered ones, proposed by :mod:`unspin.discover` where a
common technical term fits the context far better than the words on the page. Offsets are
Python string indices into the screened text (``text[start:end] == found``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LISTED = "listed"
DISCOVERED = "discovered"


@dataclass(frozen=True)
class Finding:
    """One tortured phrase in a paper."""

    start: int
    end: int
    found: str  # the words as written in the paper
    expected: str  # the established phrase they stand for
    kind: str  # LISTED or DISCOVERED
    confidence: float  # 0-1; a listed fingerprint whose query matched is 1.0
    sentence: str  # the sentence around the phrase, for a reviewer
    page: int | None = None  # 1-based page of a PDF, None for plain text
    # listed: {"tortured", "expected", "papers", "query", "source"}; discovered: scores
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint_line(self) -> str:
        """This finding as a line of a PPS-format fingerprint list (tortured, expected,
        papers, query), so that a curator can confirm a discovery and add it to a list."""
        papers = int(self.evidence.get("papers", 0) or 0)
        query = self.evidence.get("query") or f'"{self.found.lower()}"'
        return "\t".join((self.found.lower(), self.expected, str(papers), query))


@dataclass
class ScreenReport:
    """Result of screening one paper."""

    name: str  # file path, URL or "-"
    words: int
    findings: list[Finding]
    pages: int | None = None  # PDF pages read, None for text
    skipped_pages: list[int] = field(default_factory=list)
    message: str = ""
    # the screened text (of a PDF: as extracted), which the offsets index; not in to_dict,
    # whose JSON the CLI prints per paper
    text: str = field(default="", repr=False, compare=False)

    @property
    def listed(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == LISTED]

    @property
    def discovered(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == DISCOVERED]

    def density(self, kind: str | None = None) -> float:
        """Findings (of ``kind``, or all) per 1,000 words."""
        n = len(self.findings) if kind is None else sum(f.kind == kind for f in self.findings)
        return round(1000.0 * n / self.words, 2) if self.words else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "words": self.words,
            "pages": self.pages,
            "skipped_pages": list(self.skipped_pages),
            "message": self.message,
            "density": self.density(),
            "listed_density": self.density(LISTED),
            "discovered_density": self.density(DISCOVERED),
            "listed": len(self.listed),
            "discovered": len(self.discovered),
            "findings": [f.to_dict() for f in self.findings],
        }
