"""Candidate originals for every span of 1-4 words of a sentence.

Sources: the real spinner table, the hand-written expansions, the reverse thesaurus (all via
:class:`unspin.lexicon.Lexicon`), plus two rules that need no lexicon: a/an repair and small
numbers written as digits ("the 2 leaders" -> "the two leaders").

Each candidate carries a feature vector; the engine turns it into an edit gain with weights
fitted on development data (``data/params.json``) and :mod:`unspin.decode` weighs that gain
against the language model.
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
    "thes_prior",  # learned log-odds that a spinner made this thesaurus swap (lexicon build)
    "quoted",  # span inside quotation marks
    "capitalised",  # span starts with a capital letter mid-sentence (likely a name)
    "article",  # a/an repair
    "number",  # digit spelled out
    "length_change",  # words(original) - words(spun)
    "spun_freq",  # log10 unigram probability of the rarest spun word
    "orig_freq",  # log10 unigram probability of the rarest original word
    "table_spun_freq",  # spun_freq for table pairs: common words are rarely spinner output
    "thes_spun_freq",  # spun_freq for thesaurus-only pairs
    # document-level: first-pass edit density (0-1) times the candidate's source
    "doc_table",
    "doc_rule",
    "doc_thesaurus",
    "doc_other",
    "doc_pair",  # the same spun phrase -> original wins (in isolation) elsewhere in the document
    "orig_in_doc",  # the original itself occurs in the document outside quotes
)
N_FEATURES = len(FEATURES)
_F = {name: i for i, name in enumerate(FEATURES)}
_QUOTED = _F["quoted"]
_CAPITALISED = _F["capitalised"]

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
    "uni", "use", "usu", "uti", "ure", "eu", "one", "once", "ufo", "uk", "ubiq", "uto",
)


@dataclass(slots=True)
class Candidate:
    i: int  # first word index in the sentence
    j: int  # one past the last word index
    words: tuple[str, ...]  # original, lower case, language-model form
    spelled: str  # original as written in the lexicon (or by a rule)
    spun_first: str  # first spun word, whose capitalisation the original takes
    source: str  # table | rule | thesaurus | article | number
    features: list[float]
    origin: Origin | None = None
    static: tuple[float, ...] = ()  # engine's gains from the position-free features
    isolated_lm_gain: float = 0.0  # log10 gain against the spun words, in the spun context

    @property
    def text(self) -> str:
        """The original with the spun span's capitalisation (computed only when needed)."""
        return match_case(self.spelled, self.spun_first)


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


@dataclass(slots=True)
class Span:
    """A spun phrase found in the lexicon, with the entries that may explain it."""

    i: int
    j: int
    first: str  # first spun word as written
    quoted: float
    capitalised: float
    entries: list[tuple[Origin, tuple]]  # (lexicon entry, its template)


def find_spans(
    words: list[Token],
    adjacent: list[bool],
    lexicon: Lexicon,
    unigram: Callable[[str], float],
    max_words: int = 4,
    next_token: list[Token | None] | None = None,
    prev_token: list[Token | None] | None = None,
    admit: Callable[[list[float]], tuple[float, ...] | None] | None = None,
    templates: dict[int, tuple | None] | None = None,
) -> tuple[list[Span], list[Candidate]]:
    """Look up every span of 1-``max_words`` words of one sentence; also apply the rules.

    ``adjacent[k]``: words k and k+1 touch (no punctuation between them). ``admit`` sees an
    entry's position-free features and returns the engine's static gains for them, or None to
    veto the entry; ``templates`` caches that per lexicon entry. Returns the spans and the rule
    candidates (a/an repair, digits spelled out).
    """
    spans: list[Span] = []
    rules: list[Candidate] = []
    lows = [lm_form(t) for t in words]
    raw = [t.text.lower().replace("’", "'") for t in words]
    n = len(words)
    if templates is None:
        templates = {}
    for i in range(n):
        tok = words[i]
        first = tok.text
        if _never_spun(tok):
            continue
        capitalised = float(first[:1].isupper() and not tok.sent_start)
        for length in range(1, max_words + 1):
            j = i + length
            if j > n:
                break
            if length > 1 and (not adjacent[j - 2] or not lexicon.starts_phrase(raw[i])):
                break
            origins = lexicon.lookup(" ".join(raw[i:j]))
            if not origins:
                continue
            entries = []
            for origin in origins:
                tmpl = templates.get(id(origin), False)
                if tmpl is False:
                    tmpl = _template(origin, lows[i:j], unigram, admit)
                    templates[id(origin)] = tmpl
                if tmpl is not None:
                    entries.append((origin, tmpl))
            if entries:
                quoted = float(any(words[k].quoted for k in range(i, j)))
                spans.append(Span(i, j, first, quoted, capitalised, entries))
        if tok.kind == "num":
            cand = _number_candidate(words, i, next_token, prev_token)
            if cand:
                rules.append(cand)
        if lows[i] in ("a", "an") and i + 1 < n and adjacent[i] and words[i + 1].kind == "word":
            # repair only a/an that disagrees with the next word's sound ("an plane")
            if (lows[i] == "an") == starts_with_vowel_sound(words[i + 1].text):
                continue
            other = "an" if lows[i] == "a" else "a"
            feats = [0.0] * N_FEATURES
            feats[_F["article"]] = 1.0
            feats[_F["quoted"]] = float(tok.quoted)
            rules.append(Candidate(i, i + 1, (other,), other, first, "article", feats))
    return spans, rules


def build_candidates(
    spans: list[Span],
    rules: list[Candidate],
    span_filter: Callable[[int, int], Callable[[tuple[float, ...], str], bool]] | None = None,
) -> list[Candidate]:
    """Fresh candidates for the spans. ``span_filter(i, j)`` returns a test of an entry's
    (static gains, source), so hopeless entries are skipped before a candidate is built."""
    out: list[Candidate] = []
    for sp in spans:
        passes = span_filter(sp.i, sp.j) if span_filter is not None else None
        for origin, (feats, orig_words, source, static) in sp.entries:
            if passes is not None and not passes(static, source):
                continue
            feats = list(feats)
            feats[_QUOTED] = sp.quoted
            feats[_CAPITALISED] = sp.capitalised
            out.append(Candidate(sp.i, sp.j, orig_words, origin.text, sp.first, source, feats,
                                 origin, static))
    for r in rules:
        out.append(Candidate(r.i, r.j, r.words, r.spelled, r.spun_first, r.source,
                             list(r.features)))
    return out


def generate(
    words: list[Token],
    adjacent: list[bool],
    lexicon: Lexicon,
    unigram: Callable[[str], float],
    **kwargs,
) -> list[Candidate]:
    """All candidates for one sentence (:func:`find_spans` then :func:`build_candidates`)."""
    return build_candidates(*find_spans(words, adjacent, lexicon, unigram, **kwargs))


def _template(
    origin: Origin,
    spun_lows: list[str],
    unigram: Callable[[str], float],
    admit: Callable[[list[float]], tuple[float, ...] | None] | None,
) -> tuple[list[float], tuple[str, ...], str, tuple[float, ...]] | None:
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
    feats[_F["thes_prior"]] = origin.prior
    orig_words = tuple(origin.text.split(" "))
    feats[_F["length_change"]] = float(len(orig_words) - len(spun_lows))
    spun_freq = min(unigram(w) for w in spun_lows)
    feats[_F["spun_freq"]] = spun_freq
    feats[_F["orig_freq"]] = min(unigram(w) for w in orig_words)
    if source == "table":
        feats[_F["table_spun_freq"]] = spun_freq
    elif source == "thesaurus":
        feats[_F["thes_spun_freq"]] = spun_freq
    static: tuple[float, ...] = ()
    if admit is not None:
        got = admit(feats)
        if got is None:
            return None
        static = got
    return feats, orig_words, source, static


def set_document_features(cand: Candidate, density: float) -> None:
    name = f"doc_{cand.source}" if cand.source in ("table", "rule", "thesaurus") else "doc_other"
    cand.features[_F[name]] = density


def _never_spun(tok: Token) -> bool:
    """Abbreviations, initials and acronyms ("m", "UK", "GM") are not spinner output."""
    t = tok.text
    if tok.kind != "word":
        return False
    if len(t) == 1:
        return t not in "aAI"
    return t.isupper() and len(t) <= 5


def spelled_number(tok: Token, prev: Token | None, nxt: Token | None) -> str | None:
    """The number word that a single digit may stand for ("the 2 leaders" -> "two"), or None
    where the digit cannot be one spelled out: part of a larger number or a score, an amount,
    a unit, or a name. ``prev``/``nxt``: the tokens either side (punctuation included)."""
    if not (tok.text.isdigit() and len(tok.text) == 1 and tok.text != "0"):
        return None
    if nxt is not None and (nxt.text.lower() in _UNITS_AFTER or nxt.kind == "num"):
        return None
    if nxt is not None and nxt.start == tok.end and nxt.text in ".,:/-–":
        # "2.5", "2,000", "2:30", "2/3", "2-1": part of a larger number or a score
        return None
    if prev is not None and (prev.text in _CURRENCY or prev.text in ":/-–"):
        return None
    if prev is not None and prev.kind == "word" and prev.text[:1].isupper() and not prev.sent_start:
        return None  # part of a name: "France 3", "Apollo 9"
    if nxt is not None and nxt.kind == "word" and nxt.text[:1].isupper():
        return None  # "2 Broke Girls", "9 News"
    return NUMBER_WORDS[int(tok.text)]


def _number_candidate(
    words: list[Token],
    i: int,
    next_token: list[Token | None] | None,
    prev_token: list[Token | None] | None,
) -> Candidate | None:
    tok = words[i]
    word = spelled_number(
        tok, prev_token[i] if prev_token else None, next_token[i] if next_token else None
    )
    if word is None:
        return None
    feats = [0.0] * N_FEATURES
    feats[_F["number"]] = 1.0
    feats[_F["quoted"]] = float(tok.quoted)
    return Candidate(i, i + 1, (word,), word, tok.text, "number", feats)
