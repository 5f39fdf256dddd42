"""Metrics for the restore benchmark: WER, error reduction, edit scoring against gold swaps,
ROC AUC and quantiles. Pure Python plus numpy.

Edit scoring
------------
An edit is judged together with every other edit that touches the same gold swaps (a
*cluster*). The cluster's region is the union of its edits and the gold swaps they overlap.
The cluster is correct when the region, with the cluster's edits applied, reads the same as the
region with the gold swaps restored (case-insensitive, whitespace-normalised; any of a gold
swap's ``acceptable`` alternatives also counts). So an edit whose span equals a gold swap's
span is correct exactly when its original equals the gold original, and an engine may also
restore two adjacent gold swaps with one edit, or one gold swap with two edits, or include
unchanged context words ("the supply" -> "the source"). An edit that overlaps no gold swap is
wrong; so are edits that overlap an earlier edit. Edits whose original equals the text they
cover are no-ops and are not counted. Edits touching an ``unscored`` span (boilerplate with no
original) are counted separately, not as wrong.

A gold swap is *restored* when a correct cluster covers it: the restored text then has the gold
original there. ``span_exact`` additionally requires one edit with exactly the gold span.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

# --------------------------------------------------------------------------------------------
# WER

_EDGE = string.punctuation + "“”‘’«»…—–·•"


def wer_words(text: str) -> list[str]:
    """Whitespace tokens with punctuation stripped from their edges (case kept)."""
    out = []
    for raw in text.split():
        w = raw.strip(_EDGE)
        if w:
            out.append(w)
    return out


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Word-level Levenshtein distance (unit costs), row-vectorised with numpy."""
    # common prefix / suffix cost nothing
    p = 0
    while p < len(a) and p < len(b) and a[p] == b[p]:
        p += 1
    a, b = a[p:], b[p:]
    q = 0
    while q < len(a) and q < len(b) and a[-1 - q] == b[-1 - q]:
        q += 1
    if q:
        a, b = a[:-q], b[:-q]
    if not a:
        return len(b)
    if not b:
        return len(a)
    vocab: dict[str, int] = {}
    arr_a = np.array([vocab.setdefault(w, len(vocab)) for w in a], dtype=np.int64)
    arr_b = np.array([vocab.setdefault(w, len(vocab)) for w in b], dtype=np.int64)
    idx = np.arange(len(arr_b) + 1, dtype=np.int64)
    prev = idx.copy()
    cur = np.empty_like(prev)
    for i, x in enumerate(arr_a, 1):
        cost = (arr_b != x).astype(np.int64)
        cur[0] = i
        np.minimum(prev[1:] + 1, prev[:-1] + cost, out=cur[1:])
        # insertions: cur[j] = min_k<=j cur[k] + (j - k)
        cur = np.minimum.accumulate(cur - idx) + idx
        prev, cur = cur, prev
    return int(prev[-1])


def word_errors(hyp: str, ref: str) -> tuple[int, int]:
    """(word edit distance, reference words)."""
    r = wer_words(ref)
    return edit_distance(wer_words(hyp), r), len(r)


def wer(hyp: str, ref: str) -> float:
    errors, n = word_errors(hyp, ref)
    return errors / n if n else float(errors > 0)


def error_reduction(spun: str, restored: str, original: str | Sequence[str]) -> float | None:
    """1 - WER(restored, original) / WER(spun, original); ``None`` when the spun text has no
    errors. Several references may be given: each WER is the minimum over them."""
    refs = [original] if isinstance(original, str) else list(original)
    base = min(wer(spun, r) for r in refs)
    if base == 0:
        return None
    return 1.0 - min(wer(restored, r) for r in refs) / base


@dataclass
class WerTotals:
    """Corpus-level WER: errors summed over documents, divided by reference words."""

    ref_words: int = 0
    spun_errors: int = 0
    restored_errors: int = 0

    def add(self, spun: str, restored: str, original: str | Sequence[str]) -> None:
        refs = [original] if isinstance(original, str) else list(original)
        s = [word_errors(spun, r) for r in refs]
        r = [word_errors(restored, ref) for ref in refs]
        self.spun_errors += min(e for e, _ in s)
        self.restored_errors += min(e for e, _ in r)
        self.ref_words += s[0][1]

    @property
    def wer_spun(self) -> float | None:
        return self.spun_errors / self.ref_words if self.ref_words else None

    @property
    def wer_restored(self) -> float | None:
        return self.restored_errors / self.ref_words if self.ref_words else None

    @property
    def error_reduction(self) -> float | None:
        if not self.spun_errors:
            return None
        return 1.0 - self.restored_errors / self.spun_errors


# --------------------------------------------------------------------------------------------
# edit scoring


class EditLike(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def original(self) -> str: ...


class GoldLike(EditLike, Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def acceptable(self) -> tuple[str, ...]: ...


def norm_phrase(s: str) -> str:
    return " ".join(s.replace("’", "'").replace("‘", "'").lower().split())


@dataclass
class EditScore:
    n_gold: int
    correct: int = 0
    wrong: int = 0
    unscored: int = 0
    noop: int = 0
    restored: set[int] = field(default_factory=set)  # gold indices
    span_exact: set[int] = field(default_factory=set)  # gold indices
    verdicts: list[str] = field(default_factory=list)  # per input edit

    @property
    def n_edits(self) -> int:
        return self.correct + self.wrong

    @property
    def precision(self) -> float | None:
        return self.correct / self.n_edits if self.n_edits else None

    def restored_by_kind(self, gold: Sequence[GoldLike]) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for i, g in enumerate(gold):
            c = out.setdefault(g.kind, [0, 0])
            c[1] += 1
            c[0] += i in self.restored
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def _overlaps(s: int, e: int, gs: int, ge: int) -> bool:
    if s == e:  # an insertion touches a span it sits in or next to
        return gs <= s <= ge
    return s < ge and gs < e


def score_edits(
    text: str,
    edits: Iterable[EditLike],
    gold: Sequence[GoldLike],
    unscored: Sequence[tuple[int, int]] = (),
) -> EditScore:
    """Judge ``edits`` (offsets into ``text``) against ``gold`` swaps (offsets into ``text``)."""
    edit_list = list(edits)
    score = EditScore(n_gold=len(gold))
    verdict = ["" for _ in edit_list]
    order = sorted(range(len(edit_list)), key=lambda k: (edit_list[k].start, edit_list[k].end))
    live: list[int] = []
    last_end = -1
    for k in order:
        e = edit_list[k]
        if norm_phrase(e.original) == norm_phrase(text[e.start : e.end]):
            verdict[k] = "noop"
            continue
        if any(_overlaps(e.start, e.end, us, ue) for us, ue in unscored):
            verdict[k] = "unscored"
            continue
        if e.start < last_end:
            verdict[k] = "wrong"  # overlaps an earlier edit
            continue
        last_end = max(last_end, e.end)
        live.append(k)

    # clusters: edits joined through the gold swaps they overlap
    gold_of: dict[int, list[int]] = {}
    for k in live:
        e = edit_list[k]
        gold_of[k] = [i for i, g in enumerate(gold) if _overlaps(e.start, e.end, g.start, g.end)]
        if not gold_of[k]:
            verdict[k] = "wrong"
    parent = {k: k for k in live if gold_of[k]}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[int, int] = {}
    for k in parent:
        for g in gold_of[k]:
            if g in owner:
                parent[find(k)] = find(owner[g])
            else:
                owner[g] = k
    clusters: dict[int, list[int]] = {}
    for k in parent:
        clusters.setdefault(find(k), []).append(k)

    for members in clusters.values():
        gidx = sorted({g for k in members for g in gold_of[k]})
        es = sorted((edit_list[k] for k in members), key=lambda e: e.start)
        lo = min([e.start for e in es] + [gold[g].start for g in gidx])
        hi = max([e.end for e in es] + [gold[g].end for g in gidx])
        actual = _apply_region(text, lo, hi, [(e.start, e.end, e.original) for e in es])
        ok = False
        options = [(gold[g].original, *gold[g].acceptable) for g in gidx]
        for combo in itertools.islice(itertools.product(*options), 256):
            reps = [(gold[g].start, gold[g].end, alt) for g, alt in zip(gidx, combo, strict=True)]
            if norm_phrase(actual) == norm_phrase(_apply_region(text, lo, hi, reps)):
                ok = True
                break
        for k in members:
            verdict[k] = "correct" if ok else "wrong"
        if ok:
            score.restored.update(gidx)
            spans = {(e.start, e.end) for e in es}
            score.span_exact.update(g for g in gidx if (gold[g].start, gold[g].end) in spans)

    for v in verdict:
        if v == "correct":
            score.correct += 1
        elif v == "wrong":
            score.wrong += 1
        elif v == "unscored":
            score.unscored += 1
        elif v == "noop":
            score.noop += 1
    score.verdicts = verdict
    return score


def _apply_region(text: str, lo: int, hi: int, reps: Sequence[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = lo
    for s, e, new in sorted(reps):
        out.append(text[pos:s])
        out.append(new)
        pos = e
    out.append(text[pos:hi])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# ranking


def roc_auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half),
    computed from average ranks (Mann-Whitney U). ``None`` if either side is empty."""
    if not positive or not negative:
        return None
    values = [(float(v), 1) for v in positive] + [(float(v), 0) for v in negative]
    values.sort(key=lambda t: t[0])
    rank_sum = 0.0
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1][0] == values[i][0]:
            j += 1
        avg_rank = (i + j) / 2 + 1
        rank_sum += avg_rank * sum(lab for _, lab in values[i : j + 1])
        i = j + 1
    n_pos, n_neg = len(positive), len(negative)
    u = rank_sum - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


def quantiles(values: Sequence[float], qs: Sequence[float] = (0.1, 0.5, 0.9)) -> list[float]:
    """Linear-interpolated quantiles (numpy's default method); empty input gives []."""
    if not values:
        return []
    return [float(x) for x in np.quantile(np.asarray(values, dtype=float), list(qs))]
