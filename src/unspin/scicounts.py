"""Scientific n-gram statistics kept as numbers only: hashed 1-3-gram counts.

The news-trained 3-gram model knows little of science ("random forest", "hidden layer"), so
science mode adds counts of word n-grams from scientific text. Only 64-bit hashes of the
n-grams and their counts are stored (``data/sci_counts.npz``, built by
``scripts/build_science.py`` from CC0 arXiv abstracts), never the text itself.

:class:`SciCounts` turns them into an interpolated, absolutely discounted trigram model whose
unigram level falls back on the news model for words science text never used.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import numpy as np

from unspin.lm import NGramLM

WORD_RE = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_DISCOUNT = 0.75
_CONT = "\x01"  # prefix of the key that counts distinct continuations of a history


def words_of(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def key(gram: str) -> int:
    """Stable 64-bit hash of a space-joined n-gram (two independent 32-bit checksums)."""
    b = gram.encode("utf-8")
    return (zlib.crc32(b) << 32) | zlib.adler32(b)


def count_ngrams(texts: Iterable[str], extra_terms: Iterable[str] = ()) -> Counter[int]:
    """Hashed counts of the 1-3-grams of ``texts`` (plus continuation counts per history).

    ``extra_terms`` (multi-word technical terms from a term list) count once each, so that a
    term is known even when the texts never used it.
    """
    return _count(_grams(texts, extra_terms))


def term_followers(
    texts: Iterable[str], extra_terms: Iterable[str] = ()
) -> dict[int, frozenset[int]]:
    """Hashed head -> hashed next words: for every 2- and 3-gram of ``texts`` (and of the
    terms), ``key(first n-1 words)`` -> the ``key`` of each word that followed them.

    Numbers only, like the counts. It lets discovery enumerate the known terms that a span's
    word-by-word synonyms can spell ("irregular woodland": which synonym of "woodland"
    follows a synonym of "irregular" in science text) with one set intersection per head,
    instead of testing every pair of synonyms against the counts.
    """
    return _follow(_grams(texts, extra_terms))


def counts_and_followers(
    texts: Iterable[str], extra_terms: Iterable[str] = ()
) -> tuple[Counter[int], dict[int, frozenset[int]]]:
    """:func:`count_ngrams` and :func:`term_followers` of the same texts, tokenised once."""
    lists = list(_grams(texts, extra_terms))
    return _count(lists), _follow(lists)


def _grams(texts: Iterable[str], extra_terms: Iterable[str]) -> Iterable[list[str]]:
    """The word lists that the statistics are taken from (terms: 2-3 words only)."""
    for text in texts:
        yield words_of(text)
    for term in extra_terms:
        w = words_of(term)
        if 2 <= len(w) <= 3:
            yield w


def _count(lists: Iterable[list[str]]) -> Counter[int]:
    grams: Counter[str] = Counter()
    for w in lists:
        for n in (1, 2, 3):
            for i in range(len(w) - n + 1):
                grams[" ".join(w[i : i + n])] += 1
    out: Counter[int] = Counter()
    for gram, c in grams.items():
        out[key(gram)] += c
        head, sep, _ = gram.rpartition(" ")
        out[key(_CONT + head)] += 1  # head "" is the unigram level: number of word types
    out[key("\x02total")] = sum(c for g, c in grams.items() if " " not in g)
    return out


def _follow(lists: Iterable[list[str]]) -> dict[int, frozenset[int]]:
    out: dict[int, set[int]] = {}
    for w in lists:
        for i in range(len(w) - 1):
            out.setdefault(key(w[i]), set()).add(key(w[i + 1]))
            if i + 2 < len(w):
                out.setdefault(key(w[i] + " " + w[i + 1]), set()).add(key(w[i + 2]))
    return {h: frozenset(f) for h, f in out.items()}


def save_counts(
    counts: Counter[int], path: Path, followers: dict[int, frozenset[int]] | None = None
) -> None:
    keys = np.array(sorted(counts), dtype=np.uint64)
    vals = np.array([min(counts[int(k)], 2**31 - 1) for k in keys], dtype=np.uint32)
    arrays = {"keys": keys, "counts": vals}
    if followers is not None:
        pairs = sorted((h, f) for h, fs in followers.items() for f in fs)
        arrays["follow_heads"] = np.array([h for h, _ in pairs], dtype=np.uint64)
        arrays["follow_words"] = np.array([f for _, f in pairs], dtype=np.uint64)
    np.savez_compressed(path, **arrays)


def bundled_counts_path() -> Path:
    return Path(str(resources.files("unspin") / "data" / "sci_counts.npz"))


def load_counts(path: Path | None = None) -> dict[int, int]:
    p = path or bundled_counts_path()
    with np.load(p) as z:
        return dict(zip(z["keys"].tolist(), z["counts"].tolist(), strict=True))


def load_followers(path: Path | None = None) -> dict[int, frozenset[int]]:
    """The :func:`term_followers` saved with the counts (empty for a file without them)."""
    p = path or bundled_counts_path()
    with np.load(p) as z:
        if "follow_heads" not in z:
            return {}
        heads, words = z["follow_heads"], z["follow_words"]
        starts = np.flatnonzero(np.diff(heads, prepend=heads[:1] + 1)).tolist()
        hs, ws = heads[starts].tolist(), words.tolist()
        ends = [*starts[1:], len(ws)]
        return {h: frozenset(ws[a:b]) for h, a, b in zip(hs, starts, ends, strict=True)}


class SciCounts:
    """Interpolated absolute-discounting trigram model over hashed counts."""

    def __init__(self, counts: dict[int, int] | Counter[int], news: NGramLM) -> None:
        self._c = counts
        self._news = news
        self.total = max(1, counts.get(key("\x02total"), 1))
        self._cache: dict[tuple[str | None, ...], float] = {}
        self._low: dict[tuple[str, ...], float] = {}

    def count(self, gram: str) -> int:
        return self._c.get(key(gram), 0)

    def news_knows(self, word: str) -> bool:
        return self._news.knows(word)

    def known_term(self, words: tuple[str, ...]) -> bool:
        return self.count(" ".join(words)) > 0

    def _p_uni(self, w: str) -> float:
        c = self.count(w)
        news = 10.0 ** self._news.unigram(w)
        # science counts are few: half of the unigram mass comes from the news model
        return 0.5 * (c + 0.5) / (self.total + 0.5 * len(self._c) ** 0.5) + 0.5 * news

    def _p(self, w: str, hist: tuple[str, ...]) -> float:
        if len(hist) < 2:  # the lower orders recur for every history: memoised
            k = (w, *hist)
            v = self._low.get(k)
            if v is None:
                v = self._p_uni(w) if not hist else self._p_raw(w, hist)
                if len(self._low) > 1_000_000:
                    self._low.clear()
                self._low[k] = v
            return v
        return self._p_raw(w, hist)

    def _p_raw(self, w: str, hist: tuple[str, ...]) -> float:
        lower = self._p(w, hist[1:])
        h = " ".join(hist)
        ch = self.count(h)
        if ch == 0:
            return lower
        cont = self.count(_CONT + h)
        if cont == 0:  # the history ends every text it occurs in
            return lower
        c = self.count(h + " " + w)
        return max(c - _DISCOUNT, 0.0) / ch + (_DISCOUNT * cont / ch) * lower

    def cond(self, w: str, h2: str | None, h1: str | None) -> float:
        """log10 P(w | h2 h1)."""
        k = (w, h2, h1)
        v = self._cache.get(k)
        if v is None:
            if h1 is None or h1 == "<s>":
                hist: tuple[str, ...] = ()
            elif h2 is None or h2 == "<s>":
                hist = (h1,)
            else:
                hist = (h2, h1)
            v = math.log10(self._p(w, hist))
            if len(self._cache) > 1_000_000:  # drop the older half (dicts keep insertion order)
                for old in list(itertools.islice(self._cache, 500_000)):
                    del self._cache[old]
            self._cache[k] = v
        return v

    def score(self, words: list[str], left: tuple[str | None, str | None]) -> float:
        h1, h2 = left
        total = 0.0
        for w in words:
            total += self.cond(w, h2, h1)
            h2, h1 = h1, w
        return total
