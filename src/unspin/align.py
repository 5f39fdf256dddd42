"""Word-by-word alignment of a suspected spun copy with a source article.

The alignment is difflib's longest-matching-blocks diff over lower-cased word tokens (junk
heuristics off, so frequent words still anchor). What lies between two matched runs is a
*swap* when both sides are short (a spinner's replacement of up to :data:`MAX_SWAP_WORDS`
words), otherwise an insertion, deletion or rewritten passage.

Scores, all over the copy's words:
- ``matched``: words in runs of at least two equal words, or equal content words (a lone
  "the" shared by two unrelated texts explains nothing);
- ``explained``: matched words plus the words of swaps flanked by matched runs, i.e. the
  share of the copy that is the source, verbatim or spun.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

from unspin.fingerprint import STOPWORDS
from unspin.tokenize import Token, tokenize

__all__ = ["MAX_SWAP_WORDS", "AlignedSwap", "Alignment", "align"]

MAX_SWAP_WORDS = 4
MAX_ALIGN_WORDS = 20_000  # longer texts are aligned on their first words only


@dataclass(frozen=True)
class AlignedSwap:
    """A span of the copy and the source wording it replaced (offsets into each text)."""

    start: int
    end: int
    spun: str
    source_start: int
    source_end: int
    original: str
    kind: str  # "swap", "insert" (only in the copy), "delete" (only in the source), "rewrite"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Alignment:
    copy_words: int
    source_words: int
    matched_words: int  # copy words inside solid matched runs
    explained_words: int  # matched words + words of flanked swaps
    swaps: list[AlignedSwap]

    @property
    def matched(self) -> float:
        return self.matched_words / self.copy_words if self.copy_words else 0.0

    @property
    def explained(self) -> float:
        return self.explained_words / self.copy_words if self.copy_words else 0.0

    @property
    def source_covered(self) -> float:
        """Share of the source's words that the copy reproduces (verbatim or spun)."""
        if not self.source_words:
            return 0.0
        covered = self.matched_words + sum(
            len(s.original.split()) for s in self.swaps if s.kind == "swap"
        )
        return min(1.0, covered / self.source_words)


def _words(text: str) -> list[Token]:
    return [t for t in tokenize(text) if t.is_word][:MAX_ALIGN_WORDS]


def align(copy: str, source: str) -> Alignment:
    cw, sw = _words(copy), _words(source)
    a = [t.text.lower() for t in cw]
    b = [t.text.lower() for t in sw]
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()

    solid: list[tuple[int, int, int]] = []  # matched runs that count as evidence
    for i, j, n in blocks:
        if n >= 2 or (n == 1 and a[i] not in STOPWORDS and len(a[i]) > 1):
            solid.append((i, j, n))
    matched = sum(n for _, _, n in solid)

    swaps: list[AlignedSwap] = []
    explained = matched
    prev_i = prev_j = 0
    prev_solid = False
    for i, j, n in [*solid, (len(a), len(b), 0)]:
        gap_a, gap_b = i - prev_i, j - prev_j
        if gap_a or gap_b:
            flanked = prev_solid and n > 0
            kind = _gap_kind(gap_a, gap_b, flanked)
            if kind == "swap":
                explained += gap_a
            swaps.append(_make_swap(copy, source, cw, sw, prev_i, i, prev_j, j, kind))
        prev_i, prev_j = i + n, j + n
        prev_solid = n > 0
    return Alignment(len(a), len(b), matched, explained, swaps)


def _gap_kind(gap_a: int, gap_b: int, flanked: bool) -> str:
    if gap_a and not gap_b:
        return "insert"
    if gap_b and not gap_a:
        return "delete"
    if flanked and gap_a <= MAX_SWAP_WORDS and gap_b <= MAX_SWAP_WORDS:
        return "swap"
    return "rewrite"


def _make_swap(
    copy: str,
    source: str,
    cw: list[Token],
    sw: list[Token],
    i1: int,
    i2: int,
    j1: int,
    j2: int,
    kind: str,
) -> AlignedSwap:
    if i2 > i1:
        start, end = cw[i1].start, cw[i2 - 1].end
    else:  # an empty span sits where the deleted words would have been
        start = end = cw[i1].start if i1 < len(cw) else (cw[-1].end if cw else 0)
    if j2 > j1:
        s_start, s_end = sw[j1].start, sw[j2 - 1].end
    else:
        s_start = s_end = sw[j1].start if j1 < len(sw) else (sw[-1].end if sw else 0)
    return AlignedSwap(start, end, copy[start:end], s_start, s_end, source[s_start:s_end], kind)
