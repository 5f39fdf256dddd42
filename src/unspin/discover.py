"""Discover tortured phrases that no fingerprint list holds yet.

For every span of 1-4 words, the words it may have been spun from come from three places:

- word swaps learned from a fingerprint list: aligning "irregular woodland" with "random
  forest" teaches irregular -> random and woodland -> forest, lemma-folded, so the same
  spinner's "irregular timberland" is caught although only the first phrase is listed;
- phrase swaps of other lengths learned from the list the same way ("machine gaining
  knowledge" / "machine learning" teaches "gaining knowledge" -> "learning");
- a symmetric reading of three open thesauri (``data/sci_synonyms.tsv.gz``).

Two searches propose hypotheses: a beam that walks each span word by word over the listed
swaps and the strongest thesaurus synonyms, and a term search that walks only known terms
(the hashed followers of each 1-2-word head in the science statistics) through every listed
swap, listed phrase swap and up to 60 synonyms per word: few of the products of two synonym
lists are terms, so it can afford the long tail the beam has to cut.

Each hypothesis is scored by a scientific trigram model (:mod:`unspin.scicounts`: hashed counts
of arXiv abstracts, WordNet terms and the list's expected phrases, backed off to the news model)
over the span and two words of context either side, plus a prior per swapped word and one for
how often science text uses the hypothesised term. A span is
flagged when its best hypothesis gains more than a threshold fitted on development data; the
gain above the threshold is turned into the confidence.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from lemminflect import getAllInflections, getAllLemmas

from unspin.candidates import match_case
from unspin.fingerprint import STOPWORDS
from unspin.lm import NGramLM
from unspin.neural import SentenceScorer
from unspin.scicounts import (
    SciCounts,
    count_ngrams,
    key,
    load_counts,
    load_followers,
    term_followers,
    words_of,
)
from unspin.tokenize import Token, sentence_spans, tokenize

MAX_SPAN = 4
_Option = tuple[str, float, str]  # (original, prior, source)
BEAM = 6
# thesaurus originals tried per word, strongest first: a thesaurus-only swap needs a large
# language-model gain to pass, which the long tail of weak synonyms almost never reaches
MAX_THESAURUS = 20
# options tried per part of a hyphenated word: the products are checked one by one against
# the counts, which made the compounds a fifth of discovery time at 60
COMPOUND_PART_OPTIONS = 20
# per-word caches (options, term options) are cleared when they hold this many words: a
# long-running server meets new words (names, typos) without end. An entry holds up to 80
# options, about 10 KB: 1,000 arXiv abstracts fill 20,000 entries (+380 MB with the rest)
WORD_CACHE_LIMIT = 30_000
KEY_CACHE_LIMIT = 200_000  # hashed n-grams (small ints)


@dataclass(frozen=True)
class DiscoveryParams:
    """Weights of the decision; fitted by ``benchmarks/science.py --fit`` on development folds."""

    threshold: float = 2.0  # log10 gain a hypothesis needs to be flagged
    listed_pair: float = 1.5  # prior of a word swap learned from the fingerprint list
    listed_count: float = 0.5  # ... plus this times log10(1 + times it was listed)
    thesaurus: float = -1.0  # prior of a thesaurus-only swap
    thesaurus_vote: float = 0.25  # ... plus this per extra thesaurus vote
    attested: bool = True  # the hypothesis must be a known term or collocation, the spun words not
    # penalty per decade of the spun word's count in the science statistics above 10: a word
    # that science text uses all the time ("information", "strategy") is rarely spinner output
    common_word: float = 0.0
    # term search: every known 2-3-word term that the span's words spell word by word through
    # their listed swaps, listed phrase swaps and up to ``term_synonyms`` thesaurus synonyms
    # each (0: off; the beam alone, as before)
    term_synonyms: int = 0
    listed_phrase: float = 1.0  # prior of a phrase swap learned from the list ("gaining knowledge")
    # plus this times log10(1 + count) of a multi-word hypothesis in the science statistics:
    # a term science text uses often ("hidden layer") is a likelier original than a rare one
    term_count: float = 0.0
    # added to a known compound hypothesised for a hyphenated word neither model knows
    # ("meta-studying" -> meta-learning)
    compound: float = 0.0
    scale: float = 1.5  # confidence = 1 - exp(-(gain - threshold) * scale) squashed to (0.5, 1)

    @classmethod
    def bundled(cls) -> DiscoveryParams:
        """The fitted parameters in ``data/discovery_params.json`` (defaults if absent)."""
        path = _data_path("discovery_params.json")
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.get("params", raw).items() if k in names})


@dataclass(frozen=True)
class NeuralDiscoveryParams:
    """Accurate discovery: the n-gram pass proposes, a neural LM decides."""

    ngram_floor: float = 0.5  # n-gram gain a hypothesis needs to reach the neural LM
    top_k: int = 3  # hypotheses per span sent to the neural LM
    threshold: float = 6.0  # natural-log gain the neural LM must give the hypothesis
    ngram_weight: float = 0.0  # weight of the n-gram gain next to the neural one
    left_chars: int = 300  # sentence context given to the neural LM
    right_chars: int = 60

    @classmethod
    def bundled(cls) -> NeuralDiscoveryParams:
        path = _data_path("discovery_params.json")
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8")).get("neural", {})
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Discovery:
    start: int
    end: int
    found: str
    expected: str
    confidence: float
    gain: float  # log10 language-model gain plus priors, against the words as written
    evidence: dict[str, object] = field(default_factory=dict)


def _data_path(name: str) -> Path:
    return Path(str(resources.files("unspin") / "data" / name))


@cache
def _thesaurus_raw() -> dict[str, str]:
    raw: dict[str, str] = {}
    with gzip.open(_data_path("sci_synonyms.tsv.gz"), "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                k, _, v = line.rstrip("\n").partition("\t")
                raw[k] = v
    return raw


@cache
def analyses(word: str) -> tuple[tuple[str, str | None], ...]:
    """(lemma, Penn tag) readings of a word form; (word, None) when lemminflect has none.
    Shared with scripts/build_science.py, so the bundled synonyms and the run-time swaps
    inflect alike."""
    out = []
    for _pos, lemmas in getAllLemmas(word).items():
        for lemma in lemmas:
            table = getAllInflections(lemma)
            for tag, forms in table.items():
                # lemminflect lists mass nouns as their own plural ("woodland"): a plural
                # reading needs a plural ending
                if tag == "NNS" and not word.endswith(("s", "i", "a", "en")):
                    continue
                if word in forms:
                    out.append((lemma, tag))
                    # ... and leaves out a regular verb's past participle, which is its past
                    # tense: "concealed" is VBN too, so that it may stand for "hidden"
                    if tag == "VBD" and "VBN" not in table:
                        out.append((lemma, "VBN"))
    return tuple(out) or ((word, None),)


def tag_forms(lemma: str, tag: str) -> tuple[str, ...]:
    """lemminflect's forms of ``lemma`` for a Penn ``tag``; a regular verb's past participle,
    which lemminflect leaves out, is its past tense. Shared with scripts/build_science.py."""
    table = getAllInflections(lemma)
    return tuple(table.get(tag) or (table.get("VBD", ()) if tag == "VBN" else ()))


def _inflect(lemma: str, tag: str | None) -> str:
    if tag is None:
        return lemma
    forms = tag_forms(lemma, tag)
    return forms[0] if forms else lemma


def listed_word_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Counter[str]]:
    """Lemma-level word swaps (spun lemma -> original lemma -> count) from (tortured,
    expected) phrase pairs of equal length; "grouping methods" / "classification methods"
    gives grouping -> classification, and "concealed layers" / "hidden layers" also the lemma
    swap conceal -> hide, re-inflected on use ("concealing" -> "hiding")."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for tortured, expected in pairs:
        tw, ew = words_of(tortured), words_of(expected)
        if len(tw) != len(ew) or not tw:
            continue
        for a, b in zip(tw, ew, strict=True):
            if a == b or a in STOPWORDS or b in STOPWORDS:
                continue
            out[a][b] += 1
            la, lb = analyses(a)[0][0], analyses(b)[0][0]
            out["\x00" + la][lb] += 1
    return dict(out)


def listed_phrase_pairs(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, ...], Counter[str]]:
    """Phrase swaps of different lengths (spun words -> original words -> count) from
    (tortured, expected) pairs: the words both share at either end are peeled off, and so are
    word swaps of :func:`listed_word_pairs` at the ends, and what is left is one swap when its
    sides differ in length: "machine gaining knowledge" / "machine learning" gives
    "gaining knowledge" -> "learning", "skin malignant growth" / "skin cancer" "malignant
    growth" -> "cancer"."""
    pairs = list(pairs)
    words = listed_word_pairs(pairs)

    def known(a: str, b: str) -> bool:
        return a == b or b in words.get(a, ())

    out: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for tortured, expected in pairs:
        tw, ew = words_of(tortured), words_of(expected)
        if len(tw) == len(ew):
            continue
        while tw and ew and known(tw[0], ew[0]):
            tw, ew = tw[1:], ew[1:]
        while tw and ew and known(tw[-1], ew[-1]):
            tw, ew = tw[:-1], ew[:-1]
        if tw and ew and len(tw) != len(ew) and len(tw) <= MAX_SPAN and len(ew) <= 3:
            if all(w in STOPWORDS for w in ew):
                continue
            out[tuple(tw)][" ".join(ew)] += 1
    return dict(out)


class Discoverer:
    """Finds unlisted tortured phrases in text. Build once and reuse: loading reads the
    bundled counts and synonyms (about a second)."""

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]] = (),
        *,
        counts: Mapping[int, int] | None = None,
        followers: Mapping[int, frozenset[int]] | None = None,
        news_lm: NGramLM | None = None,
        params: DiscoveryParams | None = None,
        neural: SentenceScorer | None = None,
        neural_params: NeuralDiscoveryParams | None = None,
    ) -> None:
        pairs = list(pairs)
        self.params = params or DiscoveryParams.bundled()
        self.neural = neural
        self.neural_params = neural_params or NeuralDiscoveryParams.bundled()
        self._listed = listed_word_pairs(pairs)
        self._phrases = listed_phrase_pairs(pairs)
        self._phrase_lengths = sorted({len(k) for k in self._phrases}, reverse=True)
        base = dict(counts) if counts is not None else load_counts()
        if followers is None:
            followers = load_followers() if counts is None else {}
        # the list's expected phrases are technical terms: make each known to the model
        expected = [e for _t, e in pairs]
        for k, c in count_ngrams((), expected).items():
            base[k] = base.get(k, 0) + c
        fol = dict(followers)
        for h, f in term_followers((), expected).items():
            fol[h] = fol[h] | f if h in fol else f
        self._followers = fol
        self.lm = SciCounts(base, news_lm or NGramLM())
        self._term_options: dict[
            str, tuple[frozenset[int], frozenset[int], dict[int, list[_Option]]]
        ] = {}
        self._keys: dict[str, int] = {}
        self._thes = _thesaurus_raw()
        self._options: dict[str, tuple[tuple[str, float, str], ...]] = {}

    def with_params(self, params: DiscoveryParams) -> Discoverer:
        """A copy that decides with ``params`` and shares the language model, the counts and
        the learned swaps (none of which depend on them); the caches that do are new."""
        other = copy.copy(self)
        other.params = params
        other._options = {}
        other._term_options = {}
        return other

    # ---------------------------------------------------------------- candidates per word

    def options(self, word: str, limit: int = MAX_THESAURUS) -> tuple[tuple[str, float, str], ...]:
        """(original, prior, source) for a lower-case spun word; source "listed"/"thesaurus";
        at most ``limit`` thesaurus synonyms."""
        ck = word if limit == MAX_THESAURUS else f"{word}\x00{limit}"
        got = self._options.get(ck)
        if got is not None:
            return got
        p = self.params
        best: dict[str, tuple[float, str]] = {}
        common = p.common_word * max(0.0, math.log10(1 + self.lm.count(word)) - 1.0)

        def put(orig: str, prior: float, source: str) -> None:
            if _spelling_variant(word, orig):
                return  # "color" / "colour": house style, not spinning
            prior -= common
            if orig != word and (orig not in best or best[orig][0] < prior):
                best[orig] = (prior, source)

        for orig, n in self._listed.get(word, {}).items():
            put(orig, p.listed_pair + p.listed_count * math.log10(1 + n), "listed")
        for lemma, tag in analyses(word):
            for orig_lemma, n in self._listed.get("\x00" + lemma, {}).items():
                put(_inflect(orig_lemma, tag), p.listed_pair + p.listed_count * math.log10(1 + n),
                    "listed")
        raw = self._thes.get(word)
        if raw:
            for item in raw.split(";")[:limit]:
                orig, _, votes = item.partition("|")
                put(orig, p.thesaurus + p.thesaurus_vote * (int(votes) - 1), "thesaurus")
        if word.count("-") == 1:
            self._compound_options(word, limit, put)
        got = tuple(sorted(((o, pr, s) for o, (pr, s) in best.items()), key=lambda x: -x[1]))
        if len(self._options) >= WORD_CACHE_LIMIT:
            self._options.clear()
        self._options[ck] = got
        return got

    def _compound_options(self, word: str, limit: int, put) -> None:  # noqa: ANN001
        """Originals of a hyphenated word spun part by part ("nice-tuning" -> fine-tuning,
        "traverse-approval" -> cross-validation): either part, or both, swapped for one of
        its options, kept only when the science statistics know the compound (hyphenated or
        written as one word)."""
        left, right = word.split("-")
        if not left or not right:
            return
        count = self.lm.count
        cap = min(limit, COMPOUND_PART_OPTIONS)
        sides = [
            [(part, 0.0, "")]
            + [o for o in self.options(part, cap) if " " not in o[0] and "-" not in o[0]]
            for part in (left, right)
        ]
        for lo, lp, ls in sides[0]:
            for ro, rp, rs in sides[1]:
                if lo == left and ro == right:
                    continue
                for cand in (f"{lo}-{ro}", lo + ro):
                    if count(cand):
                        put(cand, lp + rp, rs or ls)

    def _respelt(self, spun: str, orig: str) -> bool:
        """``spun`` is a hyphenated compound that neither model knows, ``orig`` a compound
        the science statistics know: a spinner swapped a part of a term."""
        return ("-" in spun and self.lm.count(spun) == 0 and self.lm.count(orig) >= 2
                and not self.lm.news_knows(spun))

    def _key(self, gram: str) -> int:
        k = self._keys.get(gram)
        if k is None:
            if len(self._keys) > KEY_CACHE_LIMIT:
                self._keys.clear()
            k = self._keys[gram] = key(gram)
        return k

    def term_options(
        self, word: str
    ) -> tuple[frozenset[int], frozenset[int], dict[int, list[_Option]]]:
        """The one-word originals of ``options(word, term_synonyms)`` by the hash of the word,
        for intersecting with the followers of a term's head: (all hashes, the hashes of those
        that begin a known n-gram, hash -> options)."""
        got = self._term_options.get(word)
        if got is None:
            by: dict[int, list[_Option]] = defaultdict(list)
            for orig, prior, source in self.options(word, self.params.term_synonyms):
                if " " not in orig:
                    by[self._key(orig)].append((orig, prior, source))
            keys = frozenset(by)
            heads = frozenset(k for k in keys if k in self._followers)
            if len(self._term_options) >= WORD_CACHE_LIMIT:
                self._term_options.clear()
            got = self._term_options[word] = (keys, heads, dict(by))
        return got

    def _term_hyps(self, words: list[str], changeable: list[bool], free: list[bool]) -> list[_Hyp]:
        """Every known 2-3-word term (and every one-word original of a listed phrase swap)
        that the spans of ``words`` spell segment by segment: a segment is a word kept, a word
        swapped for one of its term options, or a listed phrase swap. The first and the last
        segment of a span are swapped (words kept after it only show that the term goes on);
        each step must continue a known n-gram (the followers index), so the search only
        walks terms that science text or the term lists hold."""
        n = len(words)
        fol = self._followers
        p = self.params
        out: list[_Hyp] = []
        key_ = self._key
        empty: frozenset[int] = frozenset()
        # per position: its term options, the listed phrase swaps starting there, and every
        # word a term may go on with there (for pruning a walk before it is pushed)
        opts = [self.term_options(w) if c else (empty, empty, {})
                for w, c in zip(words, changeable, strict=True)]
        phrases: list[list[tuple[int, tuple[str, ...], float]]] = [[] for _ in range(n)]
        reach: list[frozenset[int]] = []
        for pos in range(n):
            firsts = set()
            for length in self._phrase_lengths:
                if pos + length > n or not all(free[pos : pos + length]):
                    continue
                for orig, c in self._phrases.get(tuple(words[pos : pos + length]), {}).items():
                    new = tuple(orig.split())
                    prior = p.listed_phrase + p.listed_count * math.log10(1 + c)
                    phrases[pos].append((length, new, prior))
                    firsts.add(key_(new[0]))
            reach.append(opts[pos][0] | firsts | {key_(words[pos])})

        def segments(hyp: tuple[str, ...], pos: int, follow: frozenset[int] | None):  # noqa: ANN202
            """(words taken, original words, prior, source or "" for a word kept)."""
            if follow is not None and key_(words[pos]) in follow:
                yield 1, (words[pos],), 0.0, ""
            keys, heads, by = opts[pos]
            # a first word swapped on its own is the beam's: here it must begin a term
            for k in (heads if follow is None else keys & follow):
                for orig, prior, source in by[k]:
                    yield 1, (orig,), prior, source
            for length, new, prior in phrases[pos]:
                if len(hyp) + len(new) <= 3 and self._continues(hyp, new):
                    yield length, new, prior, "listed"

        def emit(i: int, j: int, hyp: tuple[str, ...], prior: float, src: tuple[str, ...]) -> None:
            spun = tuple(words[i:j])
            if hyp == spun or self._attested(spun, words, i, j):
                return
            if len(hyp) >= 2 or self._attested(hyp, words, i, j):
                out.append(_Hyp(prior, i, j, hyp, src))

        for i in range(n):
            if not changeable[i]:
                continue
            # (next word, hypothesis, prior sum, sources, whether its last segment is a swap,
            # the followers of its last one or two words; None: nothing to continue yet)
            stack: list[tuple[int, tuple[str, ...], float, tuple[str, ...], bool,
                              frozenset[int] | None]] = [(i, (), 0.0, (), True, None)]
            while stack:
                pos, hyp, prior, src, swapped, follow = stack.pop()
                for m, new, pr, source in segments(hyp, pos, follow):
                    cand = (*hyp, *new)
                    end = pos + m
                    pr_, src_ = prior + pr, ((*src, source) if source else src)
                    if source and (len(cand) >= 2 or end - i >= 2):
                        emit(i, end, cand, pr_, src_)
                    elif not source and swapped:  # the term goes on with a word as written:
                        emit(i, pos, hyp, prior, src)  # the span ends before it
                    if len(cand) < 3 and end < n and end - i < MAX_SPAN:
                        nxt = fol.get(key_(" ".join(cand[-2:])), empty)
                        if not nxt.isdisjoint(reach[end]):
                            stack.append((end, cand, pr_, src_, bool(source), nxt))
        return out

    def _continues(self, hyp: tuple[str, ...], new: tuple[str, ...]) -> bool:
        """``hyp`` followed by ``new`` stays inside known n-grams, step by step."""
        cur = hyp
        for x in new:
            if cur:
                follow = self._followers.get(self._key(" ".join(cur[-2:])))
                if follow is None or self._key(x) not in follow:
                    return False
            cur = (*cur, x)
        return True

    def _attested(self, hyp: tuple[str, ...], words: list[str], i: int, j: int) -> bool:
        """``hyp`` (standing for words[i:j]) is a known term, or forms a known bigram with a
        neighbouring word."""
        count = self.lm.count
        if len(hyp) >= 2:
            return self.lm.known_term(hyp)
        w = hyp[0]
        if "-" in w and count(w) >= 2:  # a known compound ("meta-learning") stands alone
            return True
        return bool(
            (i > 0 and words[i - 1] not in STOPWORDS and count(words[i - 1] + " " + w))
            or (j < len(words) and words[j] not in STOPWORDS and count(w + " " + words[j]))
        )

    # ---------------------------------------------------------------- search

    def discover(self, text: str, tokens: list[Token] | None = None) -> list[Discovery]:
        tokens = tokens if tokens is not None else tokenize(text)
        if self.neural is not None:
            return self._discover_neural(text, tokens)
        found: list[Discovery] = []
        for run in _runs(tokens):
            for d in self._discover_run(run):
                found.append(replace(d, found=text[d.start : d.end]))
        return found

    def _discover_neural(self, text: str, tokens: list[Token]) -> list[Discovery]:
        """Accurate mode: the n-gram pass proposes (with a low threshold) the best few
        hypotheses per span; a neural LM scores each in its sentence, in one batch per
        document, and decides."""
        np_ = self.neural_params
        sentences = sentence_spans(tokens)
        runs = list(_runs(tokens))
        per_run: list[list[_Hyp]] = []
        texts: list[str] = []
        seen: dict[str, int] = {}
        index: list[tuple[int, int]] = []  # (text id of the original window, of the hypothesis)

        def text_id(t: str) -> int:
            k = seen.get(t)
            if k is None:
                k = seen[t] = len(texts)
                texts.append(t)
            return k

        for run in runs:
            hyps = [h for h in self._candidates(run, keep=np_.top_k) if h.gain >= np_.ngram_floor]
            per_run.append(hyps)
            for h in hyps:
                a, b = run[h.i].start, run[h.j - 1].end
                # the whole sentence when it is short, so that its original is scored once
                lo, hi = sentences[run[0].sent]
                if hi - lo > np_.left_chars + np_.right_chars:
                    lo, hi = max(lo, a - np_.left_chars), min(hi, b + np_.right_chars)
                expected = _cased(h.hyp, run[h.i : h.j])
                index.append((text_id(text[lo:hi]), text_id(text[lo:a] + expected + text[b:hi])))
        scores = self.neural.score(texts) if texts else []
        found: list[Discovery] = []
        k = 0
        for run, hyps in zip(runs, per_run, strict=True):
            keep: list[_Hyp] = []
            margins: list[float] = []
            neural_gain: dict[tuple[int, int, str], float] = {}
            for h in hyps:
                o, hy = index[k]
                k += 1
                gain = scores[hy] - scores[o]  # natural log
                margin = min(gain - np_.threshold, np_.ngram_weight * h.gain + gain - np_.threshold)
                if margin >= 0:
                    keep.append(h)
                    margins.append(margin)
                    key = (run[h.i].start, run[h.j - 1].end, " ".join(h.hyp))
                    neural_gain[key] = round(gain, 3)
            for d in self._select(run, keep, margins):
                d.evidence["neural_gain"] = neural_gain.get((d.start, d.end, d.expected.lower()))
                found.append(replace(d, found=text[d.start : d.end]))
        return found

    def _candidates(self, run: list[Token], keep: int = 1) -> list[_Hyp]:
        """Scored hypotheses for the spans of ``run``: the ``keep`` best per span."""
        words = [t.lower for t in run]
        n = len(words)
        lm, p = self.lm, self.params
        # free: a word spinners touch: no digits, names or quotes. A capitalised word inside
        # a sentence is a name unless only its first letter is upper case: papers write terms
        # in title case ("a Support Vector Machine (SVM)"), and spinners keep the case
        # ("a Bolster Vector Machine"); acronyms and "ImageNet" stay untouched.
        # changeable: a free word that can be a swap on its own (no stop word)
        free = [
            not w[0].isdigit() and not t.quoted
            and (not t.text[:1].isupper() or t.sent_start or t.text[1:].islower())
            for w, t in zip(words, run, strict=True)
        ]
        changeable = [
            f and w not in STOPWORDS and len(w) > 2 for w, f in zip(words, free, strict=True)
        ]
        by_span: dict[tuple[int, int], dict[tuple[str, ...], _Hyp]] = defaultdict(dict)

        def put(h: _Hyp) -> None:
            if p.term_count and len(h.hyp) >= 2:
                bonus = p.term_count * math.log10(1 + lm.count(" ".join(h.hyp)))
                h = h._replace(gain=h.gain + bonus, prior=h.prior + bonus)
            if p.compound and h.j - h.i == 1 and len(h.hyp) == 1 and self._respelt(
                words[h.i], h.hyp[0]
            ):
                h = h._replace(gain=h.gain + p.compound, prior=h.prior + p.compound)
            spans = by_span[(h.i, h.j)]
            old = spans.get(h.hyp)
            if old is None or old.gain < h.gain:
                spans[h.hyp] = h

        cond = lm.cond
        # a multi-word hypothesis must be a known 2-3-word term, and the term search finds
        # every one that the beam could (from more synonyms): the beam is left the one-word
        # spans
        one_word = p.attested and p.term_synonyms >= MAX_THESAURUS and bool(self._followers)
        span = 1 if one_word else MAX_SPAN
        for i in range(n):
            if not changeable[i] or not self.options(words[i]):
                continue
            h1 = words[i - 1] if i >= 1 else "<s>"
            h2 = words[i - 2] if i >= 2 else None
            # beam items: (prior sum, lm score so far, hypothesis words, sources, last swapped);
            # the lm score of a hypothesis grows word by word from the left context
            beam: list[tuple[float, float, tuple[str, ...], tuple[str, ...], bool]] = [
                (0.0, 0.0, (), (), False)
            ]
            spun_score = 0.0  # lm score of words[i..j] as written
            for j in range(i, min(n, i + span)):
                w = words[j]
                if j == i:
                    spun_score += cond(w, h2, h1)
                else:
                    spun_score += cond(w, words[j - 2] if j >= 2 else None, words[j - 1])
                ext: list[tuple[float, float, tuple[str, ...], tuple[str, ...], bool]] = []
                for prior, score, hyp, src, _last in beam:
                    a2, a1 = _history(hyp, h2, h1)
                    if j > i:  # the first word is always swapped: a shorter span keeps it
                        ext.append((prior, score + cond(w, a2, a1), (*hyp, w), src, False))
                    if changeable[j]:
                        for orig, pr, s in self.options(w):
                            new = orig.split()
                            sc, b2, b1 = score, a2, a1
                            for x in new:
                                sc += cond(x, b2, b1)
                                b2, b1 = b1, x
                            ext.append((prior + pr, sc, (*hyp, *new), (*src, s), True))
                if not ext:
                    break
                ext.sort(key=lambda e: -(e[0] + e[1]))
                beam = ext[:BEAM]
                right = words[j + 1 : j + 3]
                base = None
                for prior, score, hyp, src, last in beam:
                    if not last:
                        continue  # the last word kept: a shorter span covers it
                    if p.attested and not (
                        self._attested(hyp, words, i, j + 1)
                        and not self._attested(tuple(words[i : j + 1]), words, i, j + 1)
                    ):
                        continue
                    if base is None:
                        base = spun_score + lm.score(right, (w, words[j - 1] if j >= 1 else "<s>"))
                    a2, a1 = _history(hyp, h2, h1)
                    gain = score + lm.score(right, (a1, a2)) - base + prior
                    put(_Hyp(gain, i, j + 1, hyp, src, prior))
        if p.term_synonyms > 0 or self._phrases:
            bases: dict[tuple[int, int], float] = {}
            for prior, i, j, hyp, src, _ in self._term_hyps(words, changeable, free):
                left = (words[i - 1] if i >= 1 else "<s>", words[i - 2] if i >= 2 else None)
                right = words[j : j + 2]
                base = bases.get((i, j))
                if base is None:
                    base = bases[(i, j)] = lm.score([*words[i:j], *right], left)
                gain = lm.score([*hyp, *right], left) - base + prior
                put(_Hyp(gain, i, j, hyp, src, prior))
        best_per_span: list[_Hyp] = []
        for spans in by_span.values():
            best_per_span.extend(sorted(spans.values(), key=lambda h: -h.gain)[:keep])
        return best_per_span

    def _discover_run(self, run: list[Token]) -> list[Discovery]:
        p = self.params
        chosen = [h for h in self._candidates(run) if h.gain >= p.threshold]
        return self._select(run, chosen, [h.gain - p.threshold for h in chosen])

    def _select(self, run: list[Token], hyps: list[_Hyp], margins: list[float]) -> list[Discovery]:
        """Non-overlapping hypotheses, best margin first, as discoveries."""
        p = self.params
        words = [t.lower for t in run]
        taken = [False] * len(run)
        out: list[Discovery] = []
        order = sorted(range(len(hyps)), key=lambda k: -margins[k])
        for k in order:
            gain, i, j, hyp, src, prior = hyps[k]
            margin = margins[k]
            if any(taken[i:j]):
                continue
            for k in range(i, j):
                taken[k] = True
            start, end = run[i].start, run[j - 1].end
            expected = _cased(hyp, run[i:j])
            conf = 0.5 + 0.5 * (1.0 - math.exp(-margin * p.scale))
            evidence: dict[str, object] = {
                "sources": sorted(set(src)), "swapped": len(src),
                # the gain split: what the n-gram model says, what the swap priors add
                "lm_gain": round(gain - prior, 3), "prior": round(prior, 3),
            }
            if len(hyp) == 1:
                evidence["phrase"] = self._phrase(hyp[0], words, i)
            conf, gain = round(conf, 4), round(gain, 3)
            out.append(Discovery(start, end, "", expected, conf, gain, evidence))
        return out

    def _phrase(self, orig: str, words: list[str], i: int) -> list[str]:
        """[spun, original] two-word phrases for a one-word discovery, with the neighbour that
        makes the original a known collocation: a fingerprint of "profound" alone would flag
        every "profound", "profound learning" only the tortured use."""
        count = self.lm.count
        if i + 1 < len(words) and count(orig + " " + words[i + 1]):
            return [f"{words[i]} {words[i + 1]}", f"{orig} {words[i + 1]}"]
        if i > 0 and count(words[i - 1] + " " + orig):
            return [f"{words[i - 1]} {words[i]}", f"{words[i - 1]} {orig}"]
        return [words[i], orig]


_UK_US = (("our", "or"), ("ise", "ize"), ("isation", "ization"), ("yse", "yze"),
          ("tre", "ter"), ("ogue", "og"), ("lled", "led"), ("lling", "ling"), ("ence", "ense"))


def _spelling_variant(a: str, b: str) -> bool:
    """British and American spellings of one word ("colour"/"color", "modelling"/"modeling")."""
    if a == b or abs(len(a) - len(b)) > 2:
        return False
    for uk, us in _UK_US:
        if a.replace(uk, us) == b.replace(uk, us):
            return True
    return False


def _cased(hyp: tuple[str, ...], spun: list[Token]) -> str:
    """The hypothesis in the case of the words it replaces: title case for a title-cased term
    ("Bolster Vector Machine" -> "Support Vector Machine"), else as the core engine writes an
    original (``match_case``: a capital first letter, all capitals for one word in capitals)."""
    text = " ".join(hyp)
    if len(spun) > 1 and all(t.text[:1].isupper() for t in spun if t.lower not in STOPWORDS):
        return " ".join(w if w in STOPWORDS else w[:1].upper() + w[1:] for w in hyp)
    return match_case(text, spun[0].text)


def _history(hyp: tuple[str, ...], h2: str | None, h1: str) -> tuple[str | None, str]:
    """The two words before the next one: the hypothesis's last two, or the left context."""
    if len(hyp) >= 2:
        return hyp[-2], hyp[-1]
    if len(hyp) == 1:
        return h1, hyp[0]
    return h2, h1


class _Hyp(NamedTuple):
    gain: float  # n-gram log10 gain plus priors
    i: int  # first word of the span in its run
    j: int  # one past the last
    hyp: tuple[str, ...]
    sources: tuple[str, ...]
    prior: float = 0.0  # the priors within ``gain``


def _runs(tokens: list[Token]) -> Iterable[list[Token]]:
    """Maximal runs of word tokens of one sentence with no punctuation between them."""
    run: list[Token] = []
    for t in tokens:
        if t.is_word and (not run or (t.sent == run[-1].sent)):
            run.append(t)
            continue
        if run:
            yield run
        run = [t] if t.is_word else []
    if run:
        yield run
