"""Result dataclasses shared by the library, the CLI and (later) the HTTP API.

Every interface serialises these with :func:`to_dict`, so the JSON is the same everywhere.
Offsets are Python string indices into the input text (``text[start:end] == spun``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class UnspinInputError(ValueError):
    """The input cannot be processed at all (empty, binary, not text, too large)."""


@dataclass(frozen=True)
class Edit:
    """One suspected spun span and the original wording proposed for it."""

    start: int
    end: int
    spun: str
    original: str
    confidence: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    """Result of :func:`unspin.check`: flagged spans and a document score."""

    text: str
    score: float
    verdict: str
    edits: list[Edit]
    words: int
    judgeable: bool = True
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return _report_dict(self)


@dataclass
class Restoration(CheckReport):
    """Result of :func:`unspin.restore`: the check report plus the restored text."""

    restored: str = ""
    # the verified source article when restoring against an index (a trace SourceMatch dict)
    source: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"restored": self.restored, **_report_dict(self)}
        if self.source is not None:
            out["source"] = self.source
        return out


def _report_dict(r: CheckReport) -> dict[str, Any]:
    return {
        "score": r.score,
        "verdict": r.verdict,
        "judgeable": r.judgeable,
        "message": r.message,
        "words": r.words,
        "edits": [e.to_dict() for e in r.edits],
    }
