"""Candidate originals for every span of 1-4 words of a sentence.

Sources: the real spinner table, the hand-written expansions, the reverse thesaurus (all via
:class:`unspin.lexicon.Lexicon`), plus two rules that need no lexicon: a/an repair and small
numbers written as digits ("the 2 leaders" -> "the two leaders").

Each candidate carries a feature vector; :mod:`unspin.decode` turns it into an edit gain with
weights fitted on development data (``data/params.json``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from unspin.lexicon import Lexicon, Origin
from unspin.tokenize import Token

FEATURES = (
    "table",  # pair seen in the real spinner table
    "table_count",  # log(1 + count) of that pair
    "rule",  # hand-written function-word / multi-word expansion
    "thesaurus",  # only thesaurus evidence
    "thes_sources",  # share of the four thesaurus flags (M m W Y) present
    "first_sense",  # spun word is in the original's first WordNet/MyThes sense
    "thes_rank",  # position in the synonym list, /50, capped at 1
    "quoted",  # span inside quotation marks
    "capitalised",  # span starts with a capital letter mid-sentence (likely a name)
    "article",  # a/an repair
    "number",  # digit spelled out
    "length_change",  # words(original) - words(spun)
    "spun_freq",  # log10 unigram probability of the rarest spun word
    "orig_freq",  # log10 unigram probability of the rarest original word
)
N_FEATURES = len(FEATURES)
_F = {name: i for i, name in enumerate(FEATURES)}

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_UNITS_AFTER = frozenset(
    "% percent per cent pc m bn km kg kmh mph am pm ft lb lbs cm mm st nd rd th gb mb".split()
)
_CURRENCY = frozenset("$£€¥")
_VOWEL_SOUND_EXCEPTIONS = frozenset(
    "hour hours honest honour honor heir heiress hourly honourable honorable".split()
)
_CONSONANT_SOUND_EXCEPTIONS = (
    "uni", "use", "usu", "uti", "ure", "eu", "one", "once", "ufo", "uk", "us ", "ubiq", "uto",
)


@dataclass(slots=True)
class Candidate:
    i: int  # first word index in the sentence
    j: int  # one past the last word index
    words: tuple[str, ...]  # original, lower case, language-model form
    text: str  # original with the spun span's capitalisation
    source: str  # table | rule | thesaurus | article | number
    features: list[float]
    origin: Origin | None = None


def lm_form(token: Token) -> str:
    """The word the language model sees for a token (lower case, digits spelled out)."""
    if token.kind == "num":
        digits = token.text.replace(",", "")
        if digits.isdigit():
            n = int(digits)
            if n <= 20:
                return NUMBER_WORDS[n]
            return "thousand" if n >= 1000 else "hundred"
        return "several"
    return token.text.lower().replace("’", "'")


def match_case(original: str, spun_first: str) -> str:
    if spun_first[:1].isupper():
        if len(spun_first) > 1 and spun_first.isupper() and " " not in original:
            return original.upper()
        return original[:1].upper() + original[1:]
    return original


def starts_with_vowel_sound(word: str) -> bool:
    w = word.lower()
    if w in _VOWEL_SOUND_EXCEPTIONS:
        return True
    if w.startswith(_CONSONANT_SOUND_EXCEPTIONS):
        return False
    return w[:1] in "aeiou"


def generate(
    words: list[Token],
    adjacent: list[bool],
    lexicon: Lexicon,
    unigram: Callable[[str], float],
    max_words: int = 4,
    next_token: list[Token | None] | None = None,
    prev_token: list[Token | None] | None = None,
) -> list[Candidate]:
    """All candidates for one sentence. ``adjacent[k]``: words k and k+1 touch (no punctuation)."""
    out: list[Candidate] = []
    lows = [lm_form(t) for t in words]
    raw = [t.text.lower().replace("’", "'") for t in words]
    n = len(words)
    for i in range(n):
        tok = words[i]
        first = tok.text
        capitalised = first[:1].isupper() and not tok.sent_start
        if _never_spun(tok):
            continue
        for length in range(1, max_words + 1):
            j = i + length
            if j > n:
                break
            if length > 1 and (not adjacent[j - 2] or not lexicon.starts_phrase(raw[i])):
                break
            quoted = any(words[k].quoted for k in range(i, j))
            origins = lexicon.lookup(" ".join(raw[i:j]))
            if not origins:
                continue
            spun_freq = min(unigram(w) for w in lows[i:j])
            for origin in origins:
                cand = _lexicon_candidate(i, j, origin, first, quoted, capitalised, length)
                cand.features[_F["spun_freq"]] = spun_freq
                cand.features[_F["orig_freq"]] = min(unigram(w) for w in cand.words)
                out.append(cand)
        if tok.kind == "num":
            cand = _number_candidate(words, i, next_token, prev_token)
            if cand:
                out.append(cand)
        if lows[i] in ("a", "an") and i + 1 < n and adjacent[i] and words[i + 1].kind == "word":
            # repair only a/an that disagrees with the next word's sound ("an plane")
            if (lows[i] == "an") == starts_with_vowel_sound(words[i + 1].text):
                continue
            other = "an" if lows[i] == "a" else "a"
            feats = [0.0] * N_FEATURES
            feats[_F["article"]] = 1.0
            feats[_F["quoted"]] = float(tok.quoted)
            out.append(Candidate(i, i + 1, (other,), match_case(other, first), "article", feats))
    return out


def _never_spun(tok: Token) -> bool:
    """Abbreviations, initials and acronyms ("m", "UK", "GM") are not spinner output."""
    t = tok.text
    if tok.kind != "word":
        return False
    if len(t) == 1:
        return t not in "aAI"
    return t.isupper() and len(t) <= 5


def _lexicon_candidate(
    i: int, j: int, origin: Origin, first: str, quoted: bool, capitalised: bool, length: int
) -> Candidate:
    feats = [0.0] * N_FEATURES
    flags = origin.flags
    if "T" in flags:
        feats[_F["table"]] = 1.0
        feats[_F["table_count"]] = math.log1p(origin.count)
        source = "table"
    elif "R" in flags:
        feats[_F["rule"]] = 1.0
        source = "rule"
    else:
        feats[_F["thesaurus"]] = 1.0
        source = "thesaurus"
    feats[_F["thes_sources"]] = sum(f in flags for f in "MmWY") / 4.0
    feats[_F["first_sense"]] = float("w" in flags or "y" in flags)
    feats[_F["thes_rank"]] = min(origin.rank, 50) / 50.0
    feats[_F["quoted"]] = float(quoted)
    feats[_F["capitalised"]] = float(capitalised)
    orig_words = tuple(origin.text.split(" "))
    feats[_F["length_change"]] = float(len(orig_words) - length)
    return Candidate(
        i, j, orig_words, match_case(origin.text, first), source, feats, origin
    )


def _number_candidate(
    words: list[Token],
    i: int,
    next_token: list[Token | None] | None,
    prev_token: list[Token | None] | None,
) -> Candidate | None:
    tok = words[i]
    if not (tok.text.isdigit() and len(tok.text) == 1 and tok.text != "0"):
        return None
    nxt = next_token[i] if next_token else None
    prv = prev_token[i] if prev_token else None
    if nxt is not None and (nxt.text.lower() in _UNITS_AFTER or nxt.kind == "num"):
        return None
    if nxt is not None and nxt.start == tok.end and nxt.text in ".,:/-–":
        # "2.5", "2,000", "2:30", "2/3", "2-1": part of a larger number or a score
        return None
    if prv is not None and (prv.text in _CURRENCY or prv.text in ":/-–"):
        return None
    if prv is not None and prv.kind == "word" and prv.text[:1].isupper() and not prv.sent_start:
        return None  # part of a name: "France 3", "Apollo 9"
    if nxt is not None and nxt.kind == "word" and nxt.text[:1].isupper():
        return None  # "2 Broke Girls", "9 News"
    feats = [0.0] * N_FEATURES
    feats[_F["number"]] = 1.0
    feats[_F["quoted"]] = float(tok.quoted)
    word = NUMBER_WORDS[int(tok.text)]
    return Candidate(i, i + 1, (word,), match_case(word, tok.text), "number", feats)
