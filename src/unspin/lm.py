"""The n-gram language model: CMU Sphinx US-English 3-gram (BSD licence).

The model ships inside the PyPI package ``pocketsphinx`` as ``model/en-us/en-us.lm.bin``
(72,547 words, 2.05 M bigrams, 1.67 M trigrams, lower case, no punctuation or digits). It is
read with pocketsphinx's own trie reader, which memory-maps the file: loading takes ~60 ms and a
conditional probability ~0.8 µs, so no conversion or cache is needed.

Scores are log10 probabilities. Unknown words cost ``OOV_LOG10`` and cut the history, which is
what the model itself does for unknown history words.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

OOV_LOG10 = -7.0
_LOGMATH_TO_LOG10 = 4.3427276862669e-05  # pocketsphinx scores are log base 1.0001
_OOV_SCORE = -536870912  # what pocketsphinx returns for a word it does not know
_CACHE_LIMIT = 500_000  # cached trigram scores (~75 MB at most); cleared when full


def default_model_path() -> Path:
    env = os.environ.get("UNSPIN_LM")
    if env:
        return Path(env)
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us" / "en-us.lm.bin"


class NGramLM:
    """3-gram scorer. ``cond(w, h2, h1)`` is log10 P(w | h2 h1)."""

    order = 3

    def __init__(self, path: Path | None = None) -> None:
        from pocketsphinx import NGramModel

        self.path = path or default_model_path()
        if not Path(self.path).exists():
            raise FileNotFoundError(f"language model not found: {self.path}")
        self._model = NGramModel.readfile(str(self.path))
        self._prob = self._model.prob
        self._known: dict[str, bool] = {}
        self._unigram: dict[str, float] = {}
        # the lattice asks for the same trigrams many times (beam states, margins, two passes)
        self._cache: dict[tuple[str, str | None, str | None], float] = {}

    def knows(self, word: str) -> bool:
        k = self._known.get(word)
        if k is None:
            k = self._prob([word]) != _OOV_SCORE
            if len(self._known) >= _CACHE_LIMIT:
                self._known.clear()
            self._known[word] = k
        return k

    def unigram(self, word: str) -> float:
        u = self._unigram.get(word)
        if u is None:
            u = self._prob([word]) * _LOGMATH_TO_LOG10 if self.knows(word) else OOV_LOG10
            if len(self._unigram) >= _CACHE_LIMIT:
                self._unigram.clear()
            self._unigram[word] = u
        return u

    def cond(self, word: str, h2: str | None, h1: str | None) -> float:
        """log10 P(word | h2 h1); ``None`` or unknown history words shorten the history."""
        key = (word, h2, h1)
        v = self._cache.get(key)
        if v is not None:
            return v
        if not self.knows(word):
            v = OOV_LOG10
        elif h1 is None:
            v = self._prob([word]) * _LOGMATH_TO_LOG10
        elif h2 is None:
            v = self._prob([word, h1]) * _LOGMATH_TO_LOG10
        else:
            v = self._prob([word, h1, h2]) * _LOGMATH_TO_LOG10
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = v
        return v

    def score(self, words: list[str], left: tuple[str | None, str | None] = ("<s>", None)) -> float:
        """Sum of log10 P over ``words`` given two words of left context.

        ``left`` is (previous word, the word before it).
        """
        h1, h2 = left
        total = 0.0
        cache_get = self._cache.get
        for w in words:
            v = cache_get((w, h2, h1))
            total += v if v is not None else self.cond(w, h2, h1)
            h2, h1 = h1, w
        return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m unspin.lm", description=__doc__)
    ap.add_argument(
        "--prepare", action="store_true", help="check that the language model loads and scores"
    )
    args = ap.parse_args(argv)
    if args.prepare:
        t0 = time.perf_counter()
        lm = NGramLM()
        good = lm.score(["the", "source", "said"])
        bad = lm.score(["the", "supply", "mentioned"])
        ms = (time.perf_counter() - t0) * 1000
        print(f"language model ok: {lm.path} ({ms:.0f} ms; {good:.2f} > {bad:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
