"""Learn a spinner's dictionary from the copies it has already made.

A content farm's spinner swaps the same word for the same replacement every time. Once a copy
has been traced to its source (:mod:`unspin.tracing`), every swap in the aligned pair is a fact
about that farm's spinner. :func:`learn` goes through the traced pairs kept in the index,
extracts their substitutions and stores counts per site (the copy's domain) and globally
(site ``*``), with word statistics of the copies and their sources.
:mod:`unspin.spinner_profile` turns them into what ``check``/``restore`` use: a test of whether
a text reads like the farm's output and a calibrated model for each edit, in which the
language model's gain still counts, so a learned pair never overrides strong context evidence.
:func:`learned_table` gives the pairs that pass simple count and share gates as plain
spinner-table entries (for a table of one's own, or to measure coverage).

Substitutions are folded to lemmas where both words inflect alike, so "mentioned -> said" and
"mentions -> says" count as one swap ("mention -> say") and restore every form. Edits that are
not spinning are dropped: changed numbers, names, text inside quotation marks, and house-style
differences (spacing, hyphens, punctuation, one-letter spelling variants).
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from unspin.align import MAX_SWAP_WORDS, align
from unspin.candidates import NUMBER_WORDS, spelled_number
from unspin.index import Index
from unspin.tokenize import tokenize

__all__ = [
    "GLOBAL",
    "LearnSummary",
    "export_tsv",
    "extract_substitutions",
    "import_tsv",
    "learn",
    "learned_table",
    "site_report",
]

GLOBAL = "*"  # the site name under which counts over all sites are kept
MAX_PHRASE_WORDS = 4  # as the bundled lexicon: longer swaps are rewrites, not dictionary entries
SITE_WEIGHT = 4  # a site's own count weighs this many times a count seen on other sites
MIN_COUNT = 2  # a pair seen once may be an editor's change or a misalignment
MIN_SHARE = 0.5  # see learned_table
MAX_WEIGHT = 20

_TAGS = {
    "VERB": ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"),
    "NOUN": ("NN", "NNS"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB", "RBR", "RBS"),
}
_WORD_RE = re.compile(r"[^\W\d_](?:\w|['’\-.](?=[^\W_]))*|\d\S*")
_SENTENCE_END_RE = re.compile(r"(?:^|[.!?:;\n])[\s\"'“‘(«]*$")


@dataclass
class LearnSummary:
    copies: int = 0
    substitutions: int = 0  # substitution occurrences kept
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> occurrences
    pairs: int = 0  # distinct (site, spun, original) rows stored, the global ones included
    sites: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "copies": self.copies,
            "substitutions": self.substitutions,
            "dropped": dict(self.dropped.most_common()),
            "pairs": self.pairs,
            "sites": self.sites,
            "seconds": round(self.seconds, 3),
        }


# --------------------------------------------------------------------------- extraction


_ABBREVIATION_RE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Rev)\.\s*$"
)


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start]
    if _ABBREVIATION_RE.search(before):  # "Dr. Brandt": the period ends a title, not a sentence
        return False
    return _SENTENCE_END_RE.search(before) is not None


def _names(text: str) -> set[str]:
    """Words written capitalised inside a sentence somewhere in ``text``."""
    out = set()
    for m in _WORD_RE.finditer(text):
        w = m.group()
        if w[0].isupper() and not _sentence_initial(text, m.start()):
            out.add(w)
    return out


def _has_name(text: str, start: int, span: str, names: set[str]) -> bool:
    """A capitalised word that does not open a sentence, a word the text capitalises inside
    sentences elsewhere (a name, even when it opens this one), or an acronym."""
    for m in _WORD_RE.finditer(span):
        w = m.group()
        if w.isupper() and len(w) > 1:
            return True
        if w[0].isupper() and (
            w in names or not (m.start() == 0 and _sentence_initial(text, start))
        ):
            return True
    return False


def _norm(phrase: str) -> str:
    return " ".join(w.lower() for w in _WORD_RE.findall(phrase))


@cache
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    import lemminflect

    return dict(lemminflect.getAllLemmas(word))


@cache
def _inflect(lemma: str, tag: str) -> tuple[str, ...]:
    import lemminflect

    return tuple(lemminflect.getInflection(lemma, tag=tag))


# modal verbs, which lemminflect inflects as verbs ("could" as the past of "can"), but a
# spinner's "can" for "will" says nothing of "could" for "would"; nor of "cans" for "wills"
_MODALS = frozenset("can could will would may might shall should must".split())


def _inflects(spun: str, original: str) -> bool:
    """Whether a pair may be folded to lemmas and inflected: one word each, neither modal."""
    return not (" " in spun or " " in original or spun in _MODALS or original in _MODALS)


def fold(spun: str, original: str) -> tuple[str, str]:
    """The lemma pattern of a one-word pair when both words carry the same inflection
    ("mentioned", "said" -> "mention", "say"); other pairs are returned as they are."""
    if not _inflects(spun, original):
        return spun, original
    ls, lo = _lemmas(spun), _lemmas(original)
    for upos in sorted(ls.keys() & lo.keys()):  # a fixed order: sets vary with the hash seed
        for a in ls[upos]:
            for b in lo[upos]:
                for tag in _TAGS.get(upos, ()):
                    if spun in _inflect(a, tag) and original in _inflect(b, tag):
                        return a, b
    return spun, original


def inflections(spun: str, original: str) -> list[tuple[str, str]]:
    """Every form of a (possibly folded) pair: the pair itself and, for one-word lemma pairs,
    the two words inflected alike for each tag both have in lemminflect's dictionary (no
    rule-made forms such as "mentioner", and only parts of speech both words have)."""
    out = [(spun, original)]
    if not _inflects(spun, original):
        return out
    for upos in _TAGS:
        fs_all, fo_all = _dictionary_forms(spun, upos), _dictionary_forms(original, upos)
        for tag in _TAGS[upos]:
            fs, fo = fs_all.get(tag), fo_all.get(tag)
            if fs and fo and fs[0] != fo[0] and all(fs[0] != a for a, _ in out):
                out.append((fs[0], fo[0]))
    return out


@cache
def _dictionary_forms(lemma: str, upos: str) -> dict[str, tuple[str, ...]]:
    import lemminflect

    lemmas = _lemmas(lemma)
    if not lemmas and upos == "NOUN":  # unknown to lemminflect: most such words are nouns
        return {tag: forms for tag in _TAGS[upos] if (forms := _inflect(lemma, tag))}
    if lemma not in lemmas.get(upos, ()):
        return {}  # not this part of speech: no "mentioner" from a verb
    known = dict(lemminflect.getAllInflections(lemma, upos=upos))
    # a word lemminflect knows only by its rules ("railcar") gets rule-made forms
    return known or {tag: forms for tag in _TAGS[upos] if (forms := _inflect(lemma, tag))}


_NUMBER_WORDS = {w: str(n) for n, w in enumerate(NUMBER_WORDS)}  # "two" -> "2"
MAX_INSERT_WORDS = 3  # words a spinner adds next to a kept word ("together with" for "with")


def _numbers(phrase: str) -> list[str]:
    """The numbers of a phrase, digits and spelled-out small numbers alike ("two" -> "2")."""
    out = []
    for w in phrase.split():
        if any(c.isdigit() for c in w):
            out.append(w.replace(",", ""))
        elif w in _NUMBER_WORDS:
            out.append(_NUMBER_WORDS[w])
    return out


def _changed_number(a: str, b: str) -> bool:
    """Both sides hold numbers and they differ: an edit of the facts, not a synonym ("14" ->
    "15"). "2" -> "two" and "12 months" -> "year" are spinner swaps."""
    na, nb = _numbers(a), _numbers(b)
    return bool(na) and bool(nb) and na != nb


def _drop_reason(
    copy: str, source: str, start: int, source_start: int, spun: str, original: str,
    quoted: set[int], names: tuple[set[str], set[str]],
) -> str | None:
    a, b = _norm(spun), _norm(original)
    if max(len(a.split()), len(b.split())) > min(MAX_PHRASE_WORDS, MAX_SWAP_WORDS):
        return "longer than 4 words"
    if _changed_number(a, b):
        return "numbers"
    if start in quoted:
        return "inside quotes"
    if _has_name(copy, start, spun, names[0]) or _has_name(
        source, source_start, original, names[1]
    ):
        return "names"
    if a.replace(" ", "").replace("-", "") == b.replace(" ", "").replace("-", ""):
        return "house style"
    if " " not in a + b and min(len(a), len(b)) >= 4 and Levenshtein.distance(a, b) <= 1:
        return "spelling variant"
    return None


@dataclass(frozen=True)
class _Gap:
    """One difference between a copy and its source that may be spinner substitutions:
    ``pairs`` when it reads one way only, else the two sides' ``words`` (both sides several
    words: side-by-side swaps or one phrase swap; see :func:`_resolve`)."""

    pairs: tuple[tuple[str, str], ...] = ()
    words: tuple[tuple[str, ...], tuple[str, ...]] | None = None


def _gaps(copy: str, source: str) -> tuple[list[_Gap], Counter[str], list[tuple[int, int]]]:
    """The differences of an aligned (copy, source) pair, the reasons some were dropped, and
    the character spans of the copy that are not verbatim source text."""
    from unspin.align import words

    al = align(copy, source)
    quoted = {t.start for t in tokenize(copy) if t.quoted}
    names = (_names(copy), _names(source))
    cw, sw = words(copy), words(source)
    gaps: list[_Gap] = []
    dropped: Counter[str] = Counter()
    for s in al.swaps:
        if s.kind == "insert":
            gaps += _insertions(copy, source, s, cw, sw, quoted, names, dropped)
            continue
        if s.kind != "swap":
            continue
        a, b = _norm(s.spun), _norm(s.original)
        if not a or not b:
            continue
        why = _drop_reason(copy, source, s.start, s.source_start, s.spun, s.original,
                           quoted, names)
        if why:
            dropped[why] += 1
            continue
        wa, wb = a.split(), b.split()
        if len(wa) > 1 and len(wb) > 1:
            gaps.append(_Gap(words=(tuple(wa), tuple(wb))))
        else:
            gaps.append(_Gap((fold(a, b),)))
    return gaps, dropped, [(g.start, g.end) for g in al.swaps if g.end > g.start]


def _insertions(copy, source, s, cw, sw, quoted, names, dropped) -> list[_Gap]:
    """Words only the copy has, right before or after a kept word: the spinner replaced the
    kept word by a longer phrase ("with" -> "together with", "despite" -> "despite the fact
    that"). Both readings are offered (the inserted words with the word after them, and with
    the word before); the one that does not recur gets a low share and a low count (see
    :mod:`unspin.spinner_profile`)."""
    import bisect

    ins = _norm(s.spun)
    if not ins or len(ins.split()) > MAX_INSERT_WORDS:
        return []
    i = bisect.bisect_left(cw.starts, s.start)
    j = bisect.bisect_left(cw.starts, s.end)
    at = bisect.bisect_left(sw.starts, s.source_start)  # the source word after the insert
    out = []
    for k, src_k, before in ((j, at, False), (i - 1, at - 1, True)):
        if not (0 <= k < len(cw.lower) and 0 <= src_k < len(sw.lower)):
            continue
        kept = cw.lower[k]
        if not kept[:1].isalpha() or sw.lower[src_k] != kept:
            continue
        ks, ke = cw.starts[k], cw.ends[k]
        if ks and copy[ks - 1].isdigit():
            continue  # a unit glued to a number ("$27bn", "5m"), not a word of its own
        lo, hi = (ks, s.end) if before else (s.start, ke)
        why = _drop_reason(copy, source, lo, sw.starts[src_k], copy[lo:hi], copy[ks:ke],
                           quoted, names)
        if why:
            dropped[why] += 1
            continue
        out.append(_Gap((fold(_norm(copy[lo:hi]), kept),)))
    return out


def extract_substitutions(
    copy: str, source: str, known: set[tuple[str, str]] | None = None
) -> tuple[list[tuple[str, str]], Counter[str]]:
    """The spinner's substitutions in an aligned (copy, source) pair, folded to lemmas, and
    the reasons other differences were dropped.

    Where both sides of a difference have several words, it may be swaps side by side
    ("workplace mentioned" -> "office said") or one phrase swap ("akin to" -> "such as").
    With ``known`` (pairs learned elsewhere), known pairs are peeled off both ends and what is
    left is one phrase swap; without it, sides of equal length are split word by word and
    others kept whole."""
    gaps, dropped, _ = _gaps(copy, source)
    return _resolve(gaps, known), dropped


def _resolve(gaps: list[_Gap], known: set[tuple[str, str]] | None) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    for g in gaps:
        if g.words is None:
            kept.extend(g.pairs)
        elif known is None:
            wa, wb = g.words
            if len(wa) == len(wb):
                kept.extend(fold(x, y) for x, y in zip(wa, wb, strict=True) if x != y)
            else:
                kept.append((" ".join(wa), " ".join(wb)))
        else:
            kept.extend(_peel(*g.words, known))
    return kept


def _same_number(a: Sequence[str], b: Sequence[str]) -> bool:
    na, nb = _numbers(" ".join(a)), _numbers(" ".join(b))
    return bool(na) and na == nb and len(a) == len(b) == 1


def _peel(
    wa: Sequence[str], wb: Sequence[str], known: set[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Split a many-to-many difference: take known pairs (a word for a phrase of up to four
    words or the other way round, or the same number written another way) off either end
    while both sides last; what remains of both sides is one phrase swap ("5 one thousand
    thousand" against "five million": "5" -> "five", then "one thousand thousand" ->
    "million"). A remainder on one side only is dropped."""
    a, b = list(wa), list(wb)
    out: list[tuple[str, str]] = []
    moved = True
    while a and b and moved:
        moved = False
        for at_end in (True, False):
            for la, lb in _UNIT_SHAPES:
                if la > len(a) or lb > len(b) or (la == len(a) and lb < len(b)) or (
                    lb == len(b) and la < len(a)
                ):
                    continue  # a unit may take a whole side only with the whole other side
                xa = a[-la:] if at_end else a[:la]
                xb = b[-lb:] if at_end else b[:lb]
                pair = fold(" ".join(xa), " ".join(xb))
                if pair in known or _same_number(xa, xb):
                    out.append(pair)
                    del a[len(a) - la if at_end else 0 : len(a) if at_end else la]
                    del b[len(b) - lb if at_end else 0 : len(b) if at_end else lb]
                    moved = True
                    break
            if moved or not (a and b):
                break
    if a and b:
        out.append(fold(" ".join(a), " ".join(b)))
    return out


# (copy words, source words) of the pairs that _peel takes off, longest first
_UNIT_SHAPES = [(la, lb) for la in range(4, 0, -1) for lb in range(4, 0, -1) if la == 1 or lb == 1]


# --------------------------------------------------------------------------- learning


def learn(index: Index) -> LearnSummary:
    """Re-learn every site's substitutions and word statistics from the traced copies in
    ``index``."""
    t0 = time.perf_counter()
    summary = LearnSummary()
    counts: Counter[tuple[str, str, str]] = Counter()
    in_copies: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    per_copy: list[tuple[str, str, list[_Gap]]] = []
    spans: dict[str, list[tuple[int, int]]] = {}  # copy url -> its non-verbatim spans
    singles: set[tuple[str, str]] = set()  # swaps with a one-word side, for _peel
    for url, site, text, source in index.iter_copies():
        summary.copies += 1
        gaps, dropped, spans[url] = _gaps(text, source.text)
        summary.dropped.update(dropped)
        per_copy.append((url, site, gaps))
        singles.update(p for g in gaps for p in g.pairs)
    for url, site, gaps in per_copy:
        subs = _resolve(gaps, singles)
        summary.substitutions += len(subs)
        for spun, orig in subs:
            for s in (site, GLOBAL):
                counts[(s, spun, orig)] += 1
                in_copies[(s, spun, orig)].add(url)
    kept, words = _word_statistics(index, {(s, a) for s, a, _ in counts if s != GLOBAL}, spans)
    # "seen": the times the spun wording stands in the copies for a learned swap or for
    # itself (kept verbatim); occurrences inside differences that were dropped say neither
    seen: Counter[tuple[str, str]] = Counter()
    for (s, a, _b), n in counts.items():
        seen[(s, a)] += n
    for (site, spun), n in kept.items():
        seen[(site, spun)] += n
        seen[(GLOBAL, spun)] += n
    rows = [
        (s, a, b, n, len(in_copies[(s, a, b)]), seen[(s, a)])
        for (s, a, b), n in sorted(counts.items())
    ]
    with index.transaction():
        index.replace_learned(rows)
        index.replace_site_words(
            (site, w, c[0], c[1], c[2]) for (site, w), c in sorted(words.items())
            if c[0] + c[2] >= MIN_WORD_COUNT
        )
    summary.pairs = len(rows)
    summary.sites = len({s for s, _, _ in counts} - {GLOBAL})
    summary.seconds = time.perf_counter() - t0
    return summary


def learned_table(
    rows: Iterable[tuple[str, str, str, int, int, int]],
    site: str | None = None,
    *,
    site_weight: int = SITE_WEIGHT,
    min_count: int = MIN_COUNT,
    min_share: float = MIN_SHARE,
) -> dict[str, dict[str, int]]:
    """Extra spinner-table pairs (spun form -> original form -> weight) for restoring text
    from ``site`` (None: no site known), every inflected form included.

    A pair is used when it was seen ``min_count`` times and is what the spun wording usually
    is: in at least ``min_share`` of its occurrences in the copies it stands for the original.
    "within -> in" passes (a spinner's "within" is nearly always an "in"); "on -> at" does not
    (most of the "on" in a copy were "on" in the source), so clean text keeps its "on". Weights
    are capped at :data:`MAX_WEIGHT`, the scale of the bundled table's counts.
    """
    weight: Counter[tuple[str, str]] = Counter()
    for s, spun, orig, count, _, seen in rows:
        if count < min_count or count < min_share * max(count, seen):
            continue
        if s == GLOBAL:
            weight[(spun, orig)] += count
        elif site is not None and s == site:
            weight[(spun, orig)] += site_weight * count
    table: dict[str, dict[str, int]] = {}
    for (spun, orig), w in weight.items():
        for fs, fo in inflections(spun, orig):
            row = table.setdefault(fs, {})
            row[fo] = max(row.get(fo, 0), min(MAX_WEIGHT, w))
    return table


MIN_WORD_COUNT = 3  # words seen fewer times in a site's copies and sources are not stored


def _word_statistics(
    index: Index, wanted: set[tuple[str, str]], spans: dict[str, list[tuple[int, int]]]
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], list[int]]]:
    """Per (site, spun wording) of ``wanted``: how often it occurs in that site's traced
    copies verbatim, outside every difference from the source (``spans``); a one-word lemma
    pattern counts every inflected form. And per (site, word), for the site and for all sites
    (:data:`GLOBAL`): [occurrences in the copies, of them verbatim, occurrences in the
    copies' sources]."""
    import bisect

    forms: dict[str, str] = {}  # surface form -> learned spun wording, for one-word patterns
    phrases: set[str] = set()
    for _, spun in sorted(wanted):  # a form two patterns share goes to the same one every run
        if " " in spun:
            phrases.add(spun)
        else:
            for form in {spun} | {
                f for tags in _TAGS.values() for t in tags for f in _inflect(spun, t)
                if spun not in _MODALS
            }:
                forms.setdefault(form, spun)
    digits = {f for f in forms if f.isdigit()}
    kept: Counter[tuple[str, str]] = Counter()
    words: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for url, site, text, source in index.iter_copies():
        gaps = spans.get(url, [])
        starts = [a for a, _ in gaps]
        toks, verbatim = [], []
        matches = list(_WORD_RE.finditer(text))
        spelled = _spelled_digits(text) if any(m.group() in digits for m in matches) else set()
        for m in matches:
            k = bisect.bisect_right(starts, m.start()) - 1
            toks.append(m.group().lower())
            verbatim.append(k < 0 or m.start() >= gaps[k][1])
        for w, v in zip(toks, verbatim, strict=True):
            for s in (site, GLOBAL):
                c = words[(s, w)]
                c[0] += 1
                c[1] += v
        for w in _WORD_RE.findall(source.text):
            words[(site, w.lower())][2] += 1
            words[(GLOBAL, w.lower())][2] += 1
        for i, w in enumerate(toks):
            lemma = forms.get(w)
            if lemma is not None and verbatim[i] and (site, lemma) in wanted:
                # a digit kept where it cannot be a number spelled out ("2 March", "2-1")
                # says nothing of how often the spinner's digit stands for a word
                if w not in digits or matches[i].start() in spelled:
                    kept[(site, lemma)] += 1
            if phrases:
                for n in (2, 3, 4):
                    p = " ".join(toks[i : i + n])
                    if p in phrases and all(verbatim[i : i + n]) and (site, p) in wanted:
                        kept[(site, p)] += 1
    return kept, words


def _spelled_digits(text: str) -> set[int]:
    """Start offsets of the single digits in ``text`` that may be numbers spelled out as
    digits (:func:`unspin.candidates.spelled_number`)."""
    toks = tokenize(text)
    return {
        t.start for k, t in enumerate(toks)
        if t.kind == "num" and spelled_number(
            t, toks[k - 1] if k else None, toks[k + 1] if k + 1 < len(toks) else None
        )
    }


def site_name(name: str | None) -> str | None:
    """A site as the index keeps it: lower case, without a leading "www." (None for none)."""
    name = (name or "").strip().lower()
    if name.startswith("www."):
        name = name[4:]
    return name or None


def site_of(url: str | None) -> str | None:
    """The site of a URL: its host name without a leading "www."."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        return site_name(urlsplit(url).hostname)
    except ValueError:  # a malformed address ("http://[::1")
        return None


# --------------------------------------------------------------------------- exchange


_HEADER = "spun\toriginal\tcount\ttable_original"


def export_tsv(index: Index, path: str | Path, site: str = GLOBAL) -> int:
    """Write ``site``'s learned pairs, every inflected form, in the bundled table's format
    (spun, original, count, table_original: the lemma pattern the form comes from)."""
    site = site if site == GLOBAL else site_name(site) or GLOBAL
    lines = ["# substitutions learned by unspin from traced copies; site: " + site, _HEADER]
    n = 0
    for _, spun, orig, count, _, _ in sorted(index.learned(site)):
        for fs, fo in inflections(spun, orig):
            lines.append(f"{fs}\t{fo}\t{count}\t{orig}")
            n += 1
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n


def import_tsv(index: Index, path: str | Path, site: str = GLOBAL) -> int:
    """Add the counts of a table file (this format or the bundled one) to ``site``; forms are
    folded back to their lemma pattern so that re-importing an export counts each pair once."""
    site = site if site == GLOBAL else site_name(site) or GLOBAL
    merged: Counter[tuple[str, str]] = Counter()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("spun\t"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{path}: not a substitution table line: {line[:80]!r}")
        spun, orig = _norm(parts[0]), _norm(parts[1])
        try:
            count = int(parts[2]) if len(parts) > 2 and parts[2].strip() else 1
        except ValueError:
            raise ValueError(f"{path}: bad count in line: {line[:80]!r}") from None
        if spun and orig:
            key = fold(spun, orig)
            merged[key] = max(merged[key], count)  # the forms of one pattern share its count
    # an imported pair carries no occurrence counts: it is taken as what its wording means
    rows = [(site, a, b, n, 0, n) for (a, b), n in sorted(merged.items())]
    if site != GLOBAL:
        rows += [(GLOBAL, a, b, n, 0, n) for (_, a, b, n, _, _) in rows]
    return index.add_learned(rows)


# --------------------------------------------------------------------------- reporting


def site_report(index: Index, top: int = 10) -> list[dict[str, Any]]:
    """Per site: copies seen, share traced to a source, sources copied most, estimated swap
    rate (learned swaps per 100 words of its traced copies), most frequent substitutions."""
    con = index.con
    out: list[dict[str, Any]] = []
    sites = con.execute(
        "SELECT site, count(*), count(source), avg(explained), avg(similarity) FROM copies"
        " GROUP BY site ORDER BY count(*) DESC, site"
    ).fetchall()
    words: Counter[str] = Counter()  # words of each site's traced copies, in one pass
    for _, site, text, _ in index.iter_copies():
        words[site] += len(_WORD_RE.findall(text))
    for site, n, traced, explained, similarity in sites:
        sources = con.execute(
            "SELECT d.url, d.title, count(*) FROM copies c JOIN documents d ON d.id = c.source"
            " WHERE c.site=? GROUP BY c.source ORDER BY count(*) DESC, d.url LIMIT ?",
            (site, 5),
        ).fetchall()
        subs = sorted(index.learned(site), key=lambda r: (-r[3], r[1], r[2]))
        swapped = sum(r[3] for r in subs)
        out.append(
            {
                "site": site,
                "copies_seen": n,
                "copies_traced": traced,
                "traced_share": round(traced / n, 3) if n else 0.0,
                "mean_explained": round(explained or 0.0, 3),
                "mean_similarity": round(similarity or 0.0, 3),
                "sources": [{"url": u, "title": t, "copies": c} for u, t, c in sources],
                "swaps_per_100_words": (
                    round(100 * swapped / words[site], 2) if words[site] else 0.0
                ),
                "substitutions": [
                    {"spun": s, "original": o, "count": c, "copies": k, "seen": seen}
                    for _, s, o, c, k, seen in subs[:top]
                ],
            }
        )
    return out


# --------------------------------------------------------------------------- recording copies


def record_copies(
    index: Index,
    copies: Iterable[tuple[str, str, str | None]],
    site: str | None = None,
) -> Counter[str]:
    """Trace each ``(url, text, site)`` copy and keep it with its source (or with none) for
    :func:`learn`. ``site`` overrides the copies' own site (else their URL's host name).
    Returns counts: "traced" and "no source", and the record statuses "added", "updated"
    and "unchanged"."""
    from unspin.tracing import trace

    out: Counter[str] = Counter()
    index.begin()
    try:
        for url, text, own_site in copies:
            best = trace(text, index, limit=1).best
            where = site_name(site) or site_name(own_site) or site_of(url) or "unknown"
            if best is None:
                out["no source"] += 1
                out[index.record_copy(url, where, text, None)] += 1
            else:
                out["traced"] += 1
                out[
                    index.record_copy(
                        url, where, text, best.doc_id, best.similarity, best.explained
                    )
                ] += 1
    finally:
        index.commit()
    return out


# --------------------------------------------------------------------------- gating

SIGNATURE_SHARE = 0.8  # a spun wording that nearly always stands for the spinner's swap ...
SIGNATURE_COUNT = 3  # ... seen at least this often, marks the spinner's output
MIN_EVIDENCE = 1.0  # signature words per 100 words before learned priors are used


def signature_forms(
    rows: Iterable[tuple[str, str, str, int, int, int]], site: str | None = None
) -> set[str]:
    """Spun wordings (every form) that mark the output of the learned spinner(s)."""
    out: set[str] = set()
    for s, spun, orig, count, _, seen in rows:
        if s not in (GLOBAL, site) or count < SIGNATURE_COUNT:
            continue
        if count >= SIGNATURE_SHARE * max(count, seen):
            out.update(fs for fs, _ in inflections(spun, orig))
    return out


def evidence(text: str, forms: set[str]) -> float:
    """Signature wordings per 100 words of ``text``: how much it reads like the spinner's."""
    toks = [w.lower() for w in _WORD_RE.findall(text)]
    if not toks or not forms:
        return 0.0
    hits = 0
    for i, w in enumerate(toks):
        if w in forms or any(" ".join(toks[i : i + n]) in forms for n in (2, 3, 4)):
            hits += 1
    return 100.0 * hits / len(toks)
