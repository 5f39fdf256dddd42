"""Discover tortured phrases that no fingerprint list holds yet.

For every span of 1-4 words, the words it may have been spun from come from two places:

- word swaps learned from a fingerprint list: aligning "irregular woodland" with "random
  forest" teaches irregular -> random and woodland -> forest, lemma-folded, so the same
  spinner's "irregular timberland" is caught although only the first phrase is listed;
- a symmetric reading of three open thesauri (``data/sci_synonyms.tsv.gz``).

Each hypothesis is scored by a scientific trigram model (:mod:`unspin.scicounts`: hashed counts
of arXiv abstracts, WordNet terms and the list's expected phrases, backed off to the news model)
over the span and two words of context either side, plus a prior per swapped word. A span is
flagged when its best hypothesis gains more than a threshold fitted on development data; the
gain above the threshold is turned into the confidence.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path

from lemminflect import getAllInflections, getAllLemmas

from unspin.fingerprint import STOPWORDS
from unspin.lm import NGramLM
from unspin.scicounts import SciCounts, count_ngrams, load_counts, words_of
from unspin.tokenize import Token, tokenize

MAX_SPAN = 4
BEAM = 6


@dataclass(frozen=True)
class DiscoveryParams:
    """Weights of the decision; fitted by ``benchmarks/science.py --fit`` on development folds."""

    threshold: float = 2.0  # log10 gain a hypothesis needs to be flagged
    listed_pair: float = 1.5  # prior of a word swap learned from the fingerprint list
    listed_count: float = 0.5  # ... plus this times log10(1 + times it was listed)
    thesaurus: float = -1.0  # prior of a thesaurus-only swap
    thesaurus_vote: float = 0.25  # ... plus this per extra thesaurus vote
    attested: bool = True  # the hypothesis must be a known term or collocation, the spun words not
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
def _analyses(word: str) -> tuple[tuple[str, str | None], ...]:
    out = []
    for _pos, lemmas in getAllLemmas(word).items():
        for lemma in lemmas:
            for tag, forms in getAllInflections(lemma).items():
                # lemminflect lists mass nouns as their own plural ("woodland"): a plural
                # reading needs a plural ending
                if tag == "NNS" and not word.endswith(("s", "i", "a", "en")):
                    continue
                if word in forms:
                    out.append((lemma, tag))
    return tuple(out) or ((word, None),)


def _inflect(lemma: str, tag: str | None) -> str:
    if tag is None:
        return lemma
    forms = getAllInflections(lemma).get(tag)
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
            la, lb = _analyses(a)[0][0], _analyses(b)[0][0]
            out["\x00" + la][lb] += 1
    return dict(out)


class Discoverer:
    """Finds unlisted tortured phrases in text. Build once and reuse: loading reads the
    bundled counts and synonyms (about a second)."""

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]] = (),
        *,
        counts: Mapping[int, int] | None = None,
        news_lm: NGramLM | None = None,
        params: DiscoveryParams | None = None,
    ) -> None:
        pairs = list(pairs)
        self.params = params or DiscoveryParams.bundled()
        self._listed = listed_word_pairs(pairs)
        base = dict(counts) if counts is not None else load_counts()
        # the list's expected phrases are technical terms: make each known to the model
        for k, c in count_ngrams((), (e for _t, e in pairs)).items():
            base[k] = base.get(k, 0) + c
        self.lm = SciCounts(base, news_lm or NGramLM())
        self._thes = _thesaurus_raw()
        self._options: dict[str, tuple[tuple[str, float, str], ...]] = {}

    # ---------------------------------------------------------------- candidates per word

    def options(self, word: str) -> tuple[tuple[str, float, str], ...]:
        """(original, prior, source) for a lower-case spun word; source "listed"/"thesaurus"."""
        got = self._options.get(word)
        if got is not None:
            return got
        p = self.params
        best: dict[str, tuple[float, str]] = {}

        def put(orig: str, prior: float, source: str) -> None:
            if orig != word and (orig not in best or best[orig][0] < prior):
                best[orig] = (prior, source)

        for orig, n in self._listed.get(word, {}).items():
            put(orig, p.listed_pair + p.listed_count * math.log10(1 + n), "listed")
        for lemma, tag in _analyses(word):
            for orig_lemma, n in self._listed.get("\x00" + lemma, {}).items():
                put(_inflect(orig_lemma, tag), p.listed_pair + p.listed_count * math.log10(1 + n),
                    "listed")
        raw = self._thes.get(word)
        if raw:
            for item in raw.split(";"):
                orig, _, votes = item.partition("|")
                put(orig, p.thesaurus + p.thesaurus_vote * (int(votes) - 1), "thesaurus")
        if "-" in word and word.count("-") == 1:
            left, right = word.split("-")
            for orig, prior, source in self.options(right)[:12]:
                put(f"{left}-{orig}", prior, source)
                if self.lm.count(left + orig):
                    put(left + orig, prior, source)
        got = tuple(sorted(((o, pr, s) for o, (pr, s) in best.items()), key=lambda x: -x[1]))
        self._options[word] = got
        return got

    def _attested(self, hyp: tuple[str, ...], words: list[str], i: int, j: int) -> bool:
        """``hyp`` (standing for words[i:j]) is a known term, or forms a known bigram with a
        neighbouring word."""
        count = self.lm.count
        if len(hyp) >= 2:
            return count(" ".join(hyp)) > 0
        w = hyp[0]
        return bool(
            (i > 0 and words[i - 1] not in STOPWORDS and count(words[i - 1] + " " + w))
            or (j < len(words) and words[j] not in STOPWORDS and count(w + " " + words[j]))
        )

    # ---------------------------------------------------------------- search

    def discover(self, text: str, tokens: list[Token] | None = None) -> list[Discovery]:
        tokens = tokens if tokens is not None else tokenize(text)
        found: list[Discovery] = []
        for run in _runs(tokens):
            for d in self._discover_run(run):
                found.append(replace(d, found=text[d.start : d.end]))
        return found

    def _discover_run(self, run: list[Token]) -> list[Discovery]:
        words = [t.lower for t in run]
        n = len(words)
        lm, p = self.lm, self.params
        changeable = [
            w not in STOPWORDS and len(w) > 2 and not w[0].isdigit()
            and not (t.text[:1].isupper() and not t.sent_start) and not t.quoted
            for w, t in zip(words, run, strict=True)
        ]
        best_per_span: list[tuple[float, int, int, tuple[str, ...], list[str]]] = []
        for i in range(n):
            if not changeable[i] or not self.options(words[i]):
                continue
            left = (words[i - 1] if i >= 1 else "<s>", words[i - 2] if i >= 2 else None)
            # beam items: (prior sum, hypothesis words, sources, last word swapped)
            beam: list[tuple[float, tuple[str, ...], list[str], bool]] = [(0.0, (), [], False)]
            for j in range(i, min(n, i + MAX_SPAN)):
                w = words[j]
                ext: list[tuple[float, tuple[str, ...], list[str], bool]] = []
                for prior, hyp, src, _last in beam:
                    if j > i:  # the first word is always swapped: a shorter span keeps it
                        ext.append((prior, (*hyp, w), src, False))
                    if changeable[j]:
                        for orig, pr, s in self.options(w):
                            ext.append((prior + pr, (*hyp, *orig.split()), [*src, s], True))
                if not ext:
                    break
                ext.sort(key=lambda e: -(e[0] + lm.score(list(e[1]), left)))
                beam = ext[:BEAM]
                right = words[j + 1 : j + 3]
                base = None
                for prior, hyp, src, last in beam:
                    if not last:
                        continue  # the last word kept: a shorter span covers it
                    if p.attested and not (
                        self._attested(hyp, words, i, j + 1)
                        and not self._attested(tuple(words[i : j + 1]), words, i, j + 1)
                    ):
                        continue
                    if base is None:
                        base = lm.score([*words[i : j + 1], *right], left)
                    gain = lm.score([*hyp, *right], left) - base + prior
                    best_per_span.append((gain, i, j + 1, hyp, src))
        best_per_span.sort(key=lambda b: -b[0])
        taken = [False] * n
        out: list[Discovery] = []
        for gain, i, j, hyp, src in best_per_span:
            if gain < p.threshold:
                break
            if any(taken[i:j]):
                continue
            for k in range(i, j):
                taken[k] = True
            start, end = run[i].start, run[j - 1].end
            expected = " ".join(hyp)
            if run[i].text[:1].isupper():
                expected = expected[:1].upper() + expected[1:]
            conf = 0.5 + 0.5 * (1.0 - math.exp(-(gain - p.threshold) * p.scale))
            evidence: dict[str, object] = {"sources": sorted(set(src)), "swapped": len(src)}
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
