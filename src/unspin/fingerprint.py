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

import numpy as np

__all__ = [
    "SAMPLE",
    "Fingerprints",
    "canonical_ids",
    "fingerprints",
    "query_hashes",
    "synonym_classes",
]

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
    # for queries: where each hash first occurs, as a share of the text (0 <= x < 1)
    positions: tuple[float, ...] = ()


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


# One pass over the text: numbers, words (as in unspin.tokenize) and sentence ends. A word after
# a sentence end (or at the start) is sentence-initial, so its capital says nothing about names.
_SCAN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_](?:\w|['’\-.](?=[^\W_]))*|[.!?:;\n]")
_SENTENCE_ENDS = frozenset(".!?:;\n")
_END_INFO = (-2, -2, False)
_M1, _M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)


_STOP = -1
_WORD_CACHE_MAX = 500_000
_word_cache: dict[str, tuple[int, int, bool]] = {}


def _key_id(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def _word_ids(word: str) -> tuple[int, int]:
    """(id as an ordinary word, id as a name) for a word as written; _STOP for dropped words."""
    low = word.lower()
    if low in STOPWORDS or len(low) < 2:
        return _STOP, _STOP
    plain = _key_id(synonym_classes().get(low, low))
    name = _key_id("@" + low) if word[0].isupper() else plain
    return plain, name


def _token_info(tok: str) -> tuple[int, int, bool]:
    """(id as written mid-sentence, id at a sentence start, always immutable) for a token;
    ids < 0 mark dropped words and sentence ends."""
    if tok in _SENTENCE_ENDS:
        return _END_INFO
    if tok[0].isdigit():
        key = _key_id("#" + _NUM_RE.sub("", tok))
        return key, key, True
    plain, name = _word_ids(tok)
    return plain, name, False


def canonical_ids(text: str) -> tuple[list[int], list[bool], int]:
    """Key ids of the content words of ``text``, whether each is an immutable, and the number
    of words.

    Keys: ``#digits`` for numbers, ``@name`` for capitalised words inside a sentence, otherwise
    the synonym-class representative of the lower-cased word.
    """
    # the hot path of ingest: list comprehensions over cached per-token facts
    toks = _SCAN_RE.findall(text)
    cache = _word_cache
    infos = [cache.get(t) for t in toks]
    for i, info in enumerate(infos):
        if info is None:
            info = infos[i] = _token_info(toks[i])
            if len(cache) < _WORD_CACHE_MAX:
                cache[toks[i]] = info
    after_end = [True] if infos else []
    after_end += [info is _END_INFO for info in infos[:-1]]
    kept = [
        (name, True) if name != plain and not starts else (plain, always)
        for (plain, name, always), starts in zip(infos, after_end, strict=True)
        if plain >= 0
    ]
    words = len(infos) - sum(1 for info in infos if info is _END_INFO)
    return [k for k, _ in kept], [m for _, m in kept], words


def shingle_hashes(ids: list[int], immutable: list[bool]) -> np.ndarray:
    """Every shingle hash of the key-id sequence, with the immutable bit set where it applies."""
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(SHINGLE, n)
    m = n - width + 1
    v = np.asarray(ids, dtype=np.uint64)
    x = np.zeros(m, dtype=np.uint64)
    for k in range(width):
        x = (x ^ v[k : k + m]) * _M1
    x = (x ^ (x >> np.uint64(29))) * _M2
    h = (x >> np.uint64(32)) & ~np.uint64(IMMUTABLE_BIT)
    if any(immutable):
        imm = np.asarray(immutable, dtype=np.uint8)
        held = np.convolve(imm, np.ones(width, dtype=np.uint8), mode="valid") > 0
        h[held] |= np.uint64(IMMUTABLE_BIT)
    return h


def _select(every: np.ndarray, bottom: int) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The sampled and the ``bottom`` smallest hashes, with where each first occurs."""
    if len(every) == 0:
        return (), ()
    uniq, first = np.unique(every, return_index=True)  # sorted
    keep = ((uniq >> np.uint64(1)) % np.uint64(SAMPLE)) == 0
    keep[:bottom] = True
    pos = first[keep] / len(every)
    return tuple(int(h) for h in uniq[keep]), tuple(float(x) for x in pos)


def fingerprints(text: str) -> Fingerprints:
    """The sampled fingerprints of ``text`` (see the module docstring)."""
    ids, immutable, words = canonical_ids(text)
    hashes, _ = _select(shingle_hashes(ids, immutable), MIN_KEPT)
    return Fingerprints(hashes, len(ids), words)


def query_hashes(text: str) -> Fingerprints:
    """Fingerprints for looking ``text`` up: the sample plus the smallest hashes, with their
    positions.

    Every source keeps its smallest hashes besides its sample, so a query includes its own
    smallest ones too (more of them, as spinning removes some); the bottom of a spun copy
    overlaps the bottom of its source wherever the shingles survived.
    """
    ids, immutable, words = canonical_ids(text)
    hashes, positions = _select(shingle_hashes(ids, immutable), 4 * MIN_KEPT)
    return Fingerprints(hashes, len(ids), words, positions)
