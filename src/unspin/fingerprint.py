"""Fingerprints of a text that survive a spinner's synonym swaps.

Each content word is mapped to its synonym class (``data/synclasses.tsv.gz``, built by
``scripts/build_synclasses.py``), so "said" and "mentioned" give the same key. Function words
are dropped, because spinners rewrite them freely ("at least" -> "no less than"). Numbers and
mid-sentence capitalised words (names) are *immutables*: spinners leave them alone, so they
are kept literally and their shingles carry more weight.

A fingerprint is a 32-bit hash of three consecutive keys. Only hashes divisible by
:data:`SAMPLE` are kept (content-defined sampling: a copy keeps the same sample as its source
wherever its keys are unchanged), plus the :data:`MIN_KEPT` smallest hashes (a bottom-k
sketch, which keeps short, heavily spun copies findable). The lowest
bit of a kept hash tells whether its shingle contains an immutable.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from unspin.tokenize import tokenize

__all__ = ["SAMPLE", "Fingerprints", "canonical_keys", "fingerprints", "synonym_classes"]

SAMPLE = 8  # keep one shingle hash in SAMPLE
SHINGLE = 3
MIN_KEPT = 8  # the smallest hashes, kept besides the sample
IMMUTABLE_BIT = 1

# Function words and the filler that spinners add or rewrite. Content words only survive.
STOPWORDS = frozenset(
    """
    a about above according across actually additionally after afterwards again against ago
    all almost along already also although always am among amongst an and another any
    anyone anything are around as at away back be became because become becomes been before
    beforehand behind being below beside besides between beyond both but by can cannot could
    did do does doing done down due during each earlier either else elsewhere enough even
    ever every few first for former formerly from further furthermore had has have having he
    her here hers herself him himself his how however i if in including indeed instead into
    is it its itself just last late later latter least less let like many may me meanwhile
    might mine more moreover most mostly much must my myself near nearly neither never
    nevertheless next no nobody none nor not nothing now of off often on once one only onto
    or other others otherwise our ours ourselves out over own per perhaps previous prior
    quite rather really same several shall she should since so some somehow something
    sometimes still such than that the their theirs them themselves then there thereafter
    thereby therefore these they this those though through throughout thus to together too
    toward towards under unless until up upon us very via was we well were what whatever
    when whenever where whereas whether which while who whoever whole whom whose why will
    with within without would yet you your yours yourself yourselves
    additionally moreover furthermore addition result reason line keeping consistent regard
    regarding respect order top via
    """.split()
)

_NUM_RE = re.compile(r"[^\d]")


@dataclass(frozen=True, slots=True)
class Fingerprints:
    hashes: tuple[int, ...]  # kept shingle hashes, sorted, unique
    keys: int  # canonical keys (content words) in the text
    words: int  # word tokens in the text


def _data_path(name: str) -> Path:
    return Path(str(resources.files("unspin") / "data" / name))


@cache
def synonym_classes() -> dict[str, str]:
    """word -> class representative, for words that share a class with another word."""
    out: dict[str, str] = {}
    path = _data_path("synclasses.tsv.gz")
    if not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                word, _, rep = line.rstrip("\n").partition("\t")
                out[word] = rep
    return out


def canonical_keys(text: str) -> tuple[list[tuple[str, bool, int, int]], int]:
    """(key, immutable, start, end) for each content word of ``text``, and the word count.

    Keys: ``#digits`` for numbers, ``@name`` for mid-sentence capitalised words, otherwise the
    synonym-class representative of the lower-cased word.
    """
    classes = synonym_classes()
    out: list[tuple[str, bool, int, int]] = []
    words = 0
    for tok in tokenize(text):
        if not tok.is_word:
            continue
        words += 1
        t = tok.text
        if tok.kind == "num":
            digits = _NUM_RE.sub("", t)
            if digits:
                out.append(("#" + digits, True, tok.start, tok.end))
            continue
        low = t.lower()
        if low in STOPWORDS or len(low) < 2:
            continue
        if t[0].isupper() and not tok.sent_start:
            out.append(("@" + low, True, tok.start, tok.end))
            continue
        out.append((classes.get(low, low), False, tok.start, tok.end))
    return out, words


def _hash(parts: list[str]) -> int:
    return zlib.crc32("\x1f".join(parts).encode("utf-8"))


def shingle_hashes(keys: list[tuple[str, bool, int, int]]) -> list[int]:
    """Every shingle hash of the key sequence, with the immutable bit set where it applies."""
    out: list[int] = []
    n = len(keys)
    if n == 0:
        return out
    width = min(SHINGLE, n)
    for i in range(n - width + 1):
        window = keys[i : i + width]
        h = _hash([k for k, _, _, _ in window]) & ~IMMUTABLE_BIT
        if any(imm for _, imm, _, _ in window):
            h |= IMMUTABLE_BIT
        out.append(h)
    return out


def is_sampled(h: int) -> bool:
    return (h >> 1) % SAMPLE == 0


def fingerprints(text: str) -> Fingerprints:
    """The sampled fingerprints of ``text`` (see the module docstring)."""
    keys, words = canonical_keys(text)
    every = set(shingle_hashes(keys))
    kept = {h for h in every if is_sampled(h)} | set(sorted(every)[:MIN_KEPT])
    return Fingerprints(tuple(sorted(kept)), len(keys), words)


def query_hashes(text: str) -> Fingerprints:
    """Fingerprints for looking ``text`` up: the sample plus the smallest hashes.

    Every source keeps its smallest hashes besides its sample, so a query includes its own
    smallest ones too (more of them, as spinning removes some); the bottom of a spun copy
    overlaps the bottom of its source wherever the shingles survived.
    """
    keys, words = canonical_keys(text)
    every = set(shingle_hashes(keys))
    kept = {h for h in every if is_sampled(h)} | set(sorted(every)[: 4 * MIN_KEPT])
    return Fingerprints(tuple(sorted(kept)), len(keys), words)
