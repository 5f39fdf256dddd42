"""Find the indexed article that a suspected spun copy was made from.

1. Fingerprint the copy (:mod:`unspin.fingerprint`; synonym classes, immutables).
2. Look the fingerprints up in the index and rank documents by idf-weighted shared
   fingerprints (:meth:`unspin.index.Index.candidates`).
3. Verify the best few by word alignment (:mod:`unspin.align`): a source must explain at least
   :data:`MIN_EXPLAINED` of the copy (verbatim or through short swaps) with at least
   :data:`MIN_MATCHED` of it verbatim.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from unspin.align import AlignedSwap, align, words
from unspin.fingerprint import query_hashes
from unspin.index import Index, opened
from unspin.result import Edit

__all__ = [
    "MIN_EXPLAINED",
    "MIN_MATCHED",
    "SourceMatch",
    "TraceReport",
    "edits_from_source",
    "trace",
]

# Set on benchmarks/trace.py (BBC copies spun at 10-35%, arXiv abstracts, held-out BBC
# articles): true sources explain >= 0.90 of 95% of copies even at 35% substitution, while
# no unrelated text came closer than 0.47.
MIN_EXPLAINED = 0.60
MIN_MATCHED = 0.25
CHECK_CANDIDATES = 16  # at most this many candidates are aligned ...
CHECK_WITHOUT_MATCH = 6  # ... and only this many while none explains part of the copy:
PARTIAL_SOURCE = 0.3  # a page explaining this much quotes the source; look further
WHOLE_SOURCE = 0.9  # similarity of a source that explains and covers (nearly) all of a copy


@dataclass
class SourceMatch:
    url: str
    title: str | None
    date: str | None
    site: str | None
    author: str | None
    similarity: float  # mean of the copy's explained share and the source's covered share
    explained: float  # share of the copy's words explained by the source (verbatim or swapped)
    matched: float  # share of the copy's words reproduced verbatim
    source_covered: float  # share of the source's words that the copy reproduces
    shared_fingerprints: int
    swaps: list[AlignedSwap]
    source_text: str = field(repr=False, default="")
    doc_id: int = 0

    def to_dict(self, *, with_source_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "url": self.url,
            "title": self.title,
            "date": self.date,
            "site": self.site,
            "author": self.author,
            "similarity": round(self.similarity, 4),
            "explained": round(self.explained, 4),
            "matched": round(self.matched, 4),
            "source_covered": round(self.source_covered, 4),
            "shared_fingerprints": self.shared_fingerprints,
            "swaps": [s.to_dict() for s in self.swaps],
        }
        if with_source_text:
            out["source_text"] = self.source_text
        return out


@dataclass
class TraceReport:
    text: str
    words: int
    matches: list[SourceMatch]
    candidates_checked: int
    seconds: float

    @property
    def best(self) -> SourceMatch | None:
        return self.matches[0] if self.matches else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "found": bool(self.matches),
            "candidates_checked": self.candidates_checked,
            "seconds": round(self.seconds, 4),
            "matches": [m.to_dict() for m in self.matches],
        }


def trace(
    text: str,
    index: Index | str | os.PathLike[str],
    *,
    limit: int = 3,
    min_explained: float = MIN_EXPLAINED,
    min_matched: float = MIN_MATCHED,
    candidates: int = CHECK_CANDIDATES,
) -> TraceReport:
    """Sources in ``index`` that ``text`` was copied (and possibly spun) from, best first."""
    t0 = time.perf_counter()
    with opened(index) as idx:
        fp = query_hashes(text)
        cands = idx.candidates(fp, limit=candidates)
        matches: list[SourceMatch] = []
        copy_words = words(text)
        checked = 0
        closest = 0.0
        for cand in cands:
            if matches:
                # once a whole source is verified, only near-equals are worth an alignment
                # (the same story stored twice); a partial one (a page that quotes much of
                # the copy's source) lets the search go on for the whole source
                best = max(matches, key=lambda m: m.similarity)
                whole = best.similarity >= WHOLE_SOURCE
                if cand.shared < 2 or (whole and cand.shared < 0.5 * best.shared_fingerprints):
                    break
            elif checked >= CHECK_WITHOUT_MATCH and closest < PARTIAL_SOURCE:
                break  # nothing close so far: most likely no source is indexed
            doc = idx.get(cand.doc)
            if doc is None:
                continue
            checked += 1
            al = align(text, doc.text, copy_words)
            closest = max(closest, al.explained)
            if al.explained < min_explained or al.matched < min_matched:
                continue
            matches.append(
                SourceMatch(
                    url=doc.url,
                    title=doc.title,
                    date=doc.date,
                    site=doc.site,
                    author=doc.author,
                    similarity=(al.explained + al.source_covered) / 2,
                    explained=al.explained,
                    matched=al.matched,
                    source_covered=al.source_covered,
                    shared_fingerprints=cand.shared,
                    swaps=al.swaps,
                    source_text=doc.text,
                    doc_id=doc.id,
                )
            )
        matches.sort(key=lambda m: (-m.similarity, m.url))
        return TraceReport(text, fp.words, matches[:limit], checked, time.perf_counter() - t0)


def edits_from_source(text: str, match: SourceMatch, model_edits: list[Edit]) -> list[Edit]:
    """Restoration edits for ``text`` given its verified source.

    Every aligned swap becomes an edit back to the source's wording: the source is evidence, not
    a guess. Where the copy reproduces the source, no edit can be right, so the model's edits
    survive only inside passages the alignment could not explain (rewritten or added text).
    """
    edits = [
        Edit(
            start=s.start,
            end=s.end,
            spun=s.spun,
            original=s.original,
            confidence=round(match.similarity, 4),
            evidence={
                "source": "traced",
                "source_url": match.url,
                "source_start": s.source_start,
                "source_end": s.source_end,
            },
        )
        for s in match.swaps
        if s.kind == "swap"
    ]
    open_regions = [(s.start, s.end) for s in match.swaps if s.kind in ("rewrite", "insert")]
    for e in model_edits:
        if any(a <= e.start and e.end <= b for a, b in open_regions):
            edits.append(e)
    return sorted(edits, key=lambda e: (e.start, e.end))
