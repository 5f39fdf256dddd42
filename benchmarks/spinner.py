"""A simulated article spinner, modelled on what real news spinners were measured to do.

``Spinner(table_rows, seed, rate).spin(text)`` returns a :class:`SpunDoc`: the spun text, the
original, and the gold swaps with character offsets into the spun text. Behaviour:

- about ``rate`` of the original's words (0.10 / 0.20 / 0.35) end up inside a swap, and about
  40% of the swaps are multi-word on either side;
- pairs from the real substitution table (``kind='table'``) take priority where they apply, the
  spun side sampled by the table's counts; then function-word and phrase expansions from
  :data:`EXPANSIONS` (``kind='expansion'``: "at least" -> "no less than"); then synonyms drawn
  from WordNet / MyThes (Moby as a fallback) with the sense chosen uniformly, so wrong senses
  occur ("round" -> "spherical") (``kind='thesaurus'``); a/an is fixed after a swap
  (``kind='article'``: "a statement" -> "an announcement");
- near-deterministic within a document: one original word or phrase always gets the same
  replacement (function words are swapped at only some of their occurrences);
- text inside quotation marks ("..." and “...”), proper nouns (capitalised mid-sentence words),
  all-caps words, numbers and units after numbers are never touched;
- inflection is kept (the lemma is spun and re-inflected with the same Penn tag via lemminflect:
  "said" -> "stated", "offices" -> "workplaces"), and so is capitalisation;
- deterministic for a given seed.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from unspin.engine import apply_edits

# --------------------------------------------------------------------------------------------
# data types


@dataclass(frozen=True)
class TableRow:
    """One row of the real substitution table: ``original`` was spun into ``spun``."""

    original: str
    spun: str
    count: int = 1
    articles: int = 1


@dataclass(frozen=True)
class Swap:
    """One gold substitution; ``start``/``end`` index the *spun* text (``text[start:end]``)."""

    start: int
    end: int
    spun: str
    original: str
    kind: str
    # further originals that count as a correct restoration (e.g. keeping a republisher's edit)
    acceptable: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "spun": self.spun,
            "original": self.original,
            "kind": self.kind,
            "acceptable": list(self.acceptable),
        }


@dataclass
class SpunDoc:
    text: str
    original: str
    swaps: list[Swap]
    words: int = 0  # word tokens in the original
    meta: dict[str, Any] = field(default_factory=dict)

    def unspun(self) -> str:
        """Apply the gold swaps in reverse: equals :attr:`original`."""
        return apply_swaps(self.text, self.swaps)


def apply_swaps(text: str, swaps: Iterable[Swap]) -> str:
    return apply_edits(text, swaps)


class SensesSource(Protocol):
    def get(self, key: str, default: Any = None, /) -> Any: ...


# --------------------------------------------------------------------------------------------
# word lists modelled on real spinners

#: original phrase (lower case) -> replacements, most typical first. Function words and stock
#: phrases that real spinners expand ("at least" -> "no less than") or rewrite ("said" ->
#: "stated"). Keys are word sequences separated by single spaces.
EXPANSIONS: dict[str, tuple[str, ...]] = {
    "at least": ("no less than", "not less than"),
    "because": ("as a result of",),
    "because of": ("due to", "on account of"),
    "before": ("earlier than",),
    "since": ("for the reason that",),
    "since the": ("for the reason that",),
    "year": ("12 months", "yr"),
    "last year": ("final 12 months", "final yr"),
    "next year": ("subsequent 12 months", "subsequent yr"),
    "last week": ("final week",),
    "last month": ("final month",),
    "with": ("together with",),
    "according to": ("in line with", "based on"),
    "two": ("2",),
    "three": ("3",),
    "four": ("4",),
    "five": ("5",),
    "six": ("6",),
    "seven": ("7",),
    "eight": ("8",),
    "nine": ("9",),
    "said": ("stated", "mentioned"),
    "told": ("informed", "advised"),
    "but": ("however",),
    "however": ("nevertheless", "nonetheless"),
    "also": ("additionally", "moreover"),
    "including": ("together with", "along with"),
    "as well as": ("in addition to", "together with"),
    "in addition to": ("along with", "together with"),
    "due to": ("on account of", "as a consequence of"),
    "despite": ("regardless of", "despite the fact that"),
    "under": ("underneath", "beneath"),
    "via": ("by way of", "through"),
    "always": ("at all times", "all the time"),
    "still": ("nonetheless", "nonetheless"),
    "is still": ("continues to be", "remains to be"),
    "are still": ("are nonetheless", "proceed to be"),
    "were": ("have been",),
    "both": ("each",),
    "although": ("though", "even supposing"),
    "though": ("although",),
    "while": ("whereas",),
    "whether": ("whether or not",),
    "several": ("a number of",),
    "more than": ("greater than", "greater than"),
    "more": ("extra",),
    "in order to": ("so as to", "with a purpose to"),
    "such as": ("akin to", "reminiscent of", "corresponding to"),
    "around": ("round",),
    "across": ("throughout",),
    "against": ("towards", "in opposition to"),
    "the latest": ("the most recent", "the newest"),
    "as soon as": ("as quickly as",),
    "a lot of": ("numerous", "a whole lot of"),
    "lots of": ("a lot of", "loads of"),
    "need to": ("have to", "must"),
    "want to": ("wish to", "need to"),
    "able to": ("in a position to",),
    "would have to": ("must",),
    "at the weekend": ("on the weekend",),
    "a number of": ("quite a few", "a variety of"),
    "during": ("throughout", "in the course of"),
    "until": ("till",),
    "among": ("amongst",),
    "within": ("inside",),
    "in": ("within",),
    "nearly": ("almost", "practically"),
    "almost": ("nearly", "virtually"),
    "often": ("usually", "typically"),
    "so far": ("to date", "up to now"),
    "as well": ("as properly", "as nicely"),
    "at the moment": ("in the meanwhile", "for the time being"),
    "for example": ("for instance",),
    "in fact": ("in actual fact", "in reality"),
    "meanwhile": ("in the meantime",),
    "recently": ("not too long ago", "lately"),
    "on the other hand": ("alternatively",),
    "a lot": ("rather a lot", "loads"),
    "people": ("individuals", "folks"),
    "the city": ("town",),
    "previous": ("earlier",),
    "enough": ("sufficient",),
}

#: phrasal verbs and verb phrases: base form -> replacement base form; inflected forms
#: ("carried out" -> "finished up") are generated with lemminflect on the first word.
VERB_EXPANSIONS: dict[str, str] = {
    "carry out": "finish up",
    "comment on": "touch upon",
    "set up": "arrange",
    "deal with": "take care of",
    "look at": "take a look at",
    "point out": "level out",
    "find out": "discover",
    "go on": "proceed",
    "take place": "happen",
    "make sure": "be certain",
    "pick up": "choose up",
    "give up": "surrender",
    "keep": "maintain",
}

#: words the thesaurus path never touches (they are only swapped via table or expansions)
STOPWORDS: frozenset[str] = frozenset(
    """a an the and or but nor so yet for of to in on at by from with without into onto upon
    over under about above below after before since until while as than then that this these
    those there here what which who whom whose when where why how whether if because though
    although i me my mine we us our ours you your yours he him his she her hers it its they them
    their theirs one ones be am is are was were been being have has had having do does did
    doing done will would shall should can could may might must not no nor only own same other
    such too very just also all any both each few more most some many much several every
    either neither up down out off again further once s t don't can't won't isn't aren't
    wasn't weren't hasn't haven't hadn't doesn't didn't it's he's she's they're we're i'm
    you're let's said says say mr mrs ms dr per cent percent""".split()
)

#: single function words: when one of these is swapped via table or expansion, only some of
#: its occurrences are (a real spinner does not turn every "at" into "on")
_PARTIAL = 0.5

#: units after a number are not touched
UNITS: frozenset[str] = frozenset(
    """per percent cent pc bn m million billion trillion thousand hundred km kilometres
    kilometers miles mile metres meters m kg kilos tonnes tons pounds lbs dollars euros years
    year months month days day weeks week hours hour minutes seconds times points pence p
    degrees mph""".split()
)

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*(?:-[A-Za-z0-9]+)*")
_GAP = re.compile(r"[ \t]+")
_SYN_OK = re.compile(r"[a-z]+(?:[-' ][a-z]+)*")
_VERB_TAGS = ("VB", "VBD", "VBN", "VBG", "VBZ", "VBP")
_TAGS = {
    "NOUN": ("NN", "NNS"),
    "VERB": ("VB", "VBP", "VBZ", "VBD", "VBN", "VBG"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB", "RBR", "RBS"),
}
_UPOS = {"noun": "NOUN", "verb": "VERB", "adj": "ADJ", "adv": "ADV"}
_BASE_TAGS = frozenset({"NN", "VB", "VBP", "JJ", "RB"})


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Word tokens ``(start, end, text)``: letters/digits with inner apostrophes and hyphens."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


# --------------------------------------------------------------------------------------------
# morphology (lemminflect is optional: without it only uninflected words are thesaurus-spun)


@cache
def _lemminflect() -> Any:
    try:
        import lemminflect
    except ImportError:  # pragma: no cover - depends on the build extra
        return None
    return lemminflect


@cache
def analyses(word: str) -> tuple[tuple[str, str, str], ...]:
    """``(upos, lemma, penn_tag)`` readings of a lower-case word form."""
    li = _lemminflect()
    if li is None:
        return ()
    out: list[tuple[str, str, str]] = []
    for upos, lemmas in li.getAllLemmas(word).items():
        if upos not in _TAGS:
            continue
        for lemma in lemmas:
            for tag in _TAGS[upos]:
                if word in li.getInflection(lemma, tag):
                    out.append((upos, lemma, tag))
                    break
    return tuple(out)


@cache
def known_word(word: str) -> bool:
    """A word lemminflect's lexicon knows (a proxy for 'common English word')."""
    if word in STOPWORDS:
        return True
    li = _lemminflect()
    if li is None:
        return True
    return bool(li.getAllLemmas(word))


def inflect(lemma: str, tag: str) -> str | None:
    if tag in _BASE_TAGS:
        return lemma
    li = _lemminflect()
    if li is None:
        return None
    # lexicon forms only: out-of-vocabulary rules make "formerer" from "former"
    forms = li.getInflection(lemma, tag, inflect_oov=False)
    return forms[0] if forms else None


def inflect_phrase(phrase: str, upos: str, tag: str) -> str | None:
    """Re-inflect a (possibly multi-word) lemma phrase: verbs on the first word, nouns on the
    head (the word before "of", else the last word); adjectives/adverbs only in base form."""
    if tag in _BASE_TAGS:
        return phrase
    words = phrase.split(" ")
    if upos == "VERB":
        idx = 0
    elif upos == "NOUN":
        idx = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    elif len(words) == 1:
        idx = 0
    else:
        return None
    form = inflect(words[idx], tag)
    if form is None:
        return None
    words[idx] = form
    return " ".join(words)


def article_for(word: str) -> str:
    """'a' or 'an' for the following word (spelling heuristic)."""
    w = word.lower()
    if not w:
        return "a"
    if w[0].isdigit():
        return "an" if re.match(r"(8|11|18)(\D|\d{2}(\D|$)|$)", w) else "a"
    if w.startswith(("hour", "honest", "honour", "honor", "heir")):
        return "an"
    if w.startswith(("uni", "use", "usu", "uti", "ura", "ure", "uro", "eu", "ewe", "one", "once")):
        return "a"
    if w.startswith(("u.", "ubiq")):
        return "a"
    return "an" if w[0] in "aeiou" else "a"


def match_case(source: str, replacement: str) -> str:
    if source[:1].isupper() and replacement[:1].islower():
        replacement = replacement[0].upper() + replacement[1:]
    if "’" in source:
        replacement = replacement.replace("'", "’")
    return replacement


# --------------------------------------------------------------------------------------------
# thesaurus


class SystemThesaurus:
    """Lazy union of WordNet and MyThes senses per lemma, Moby as a fallback sense.

    Missing thesauri are skipped (see :attr:`notes`)."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self._sources: list[Mapping[str, Sequence[tuple[str, Sequence[str]]]]] = []
        self._moby: Mapping[str, Sequence[str]] = {}
        try:
            from unspin import thesauri
        except ImportError:  # pragma: no cover
            self.notes.append("unspin.thesauri not importable: thesaurus swaps disabled")
            return
        for name in ("wordnet", "mythes"):
            try:
                self._sources.append(getattr(thesauri, name)())
            except (thesauri.ThesaurusMissing, OSError) as exc:
                self.notes.append(f"{name} missing: {exc}")
        try:
            self._moby = thesauri.moby()
        except (thesauri.ThesaurusMissing, OSError) as exc:
            self.notes.append(f"moby missing: {exc}")
        self._cache: dict[str, list[tuple[str, list[str]]]] = {}

    def get(self, key: str, default: Any = None, /) -> Any:
        if key in self._cache:
            return self._cache[key] or default
        seen: set[tuple[str, tuple[str, ...]]] = set()
        senses: list[tuple[str, list[str]]] = []
        for src in self._sources:
            for pos, syns in src.get(key, ()):
                sig = (pos, tuple(sorted(syns)))
                if sig not in seen:
                    seen.add(sig)
                    senses.append((pos, list(syns)))
        if len(senses) < 2 and key in self._moby:
            # Moby's lists are long and unordered: keep symmetric single words only
            group = [
                s
                for s in self._moby[key]
                if " " not in s and s != key and key in self._moby.get(s, ())
            ][:40]
            if group:
                senses.append(("any", group))
        self._cache[key] = senses
        return senses or default


@cache
def system_thesaurus() -> SystemThesaurus:
    """The simulator's thesaurus. Without WordNet or MyThes the spun sets lose most of their
    thesaurus swaps and every figure changes, so a benchmark stops here and says what to
    install (``UNSPIN_BENCH_PARTIAL_THESAURUS=1`` runs on with what there is)."""
    th = SystemThesaurus()
    if th.notes and os.environ.get("UNSPIN_BENCH_PARTIAL_THESAURUS") != "1":
        raise SystemExit(
            "benchmark spinner: " + "; ".join(th.notes)
            + ".\nThe spun sets need the system thesauri: apt-get install wordnet-base "
            "mythes-en-us (or set UNSPIN_BENCH_PARTIAL_THESAURUS=1 to run without them)"
        )
    return th


# --------------------------------------------------------------------------------------------
# the simulator


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    low: str
    locked: bool  # never touched (quoted, proper noun, number, unit, all caps)
    initial: bool  # sentence-initial


@dataclass
class _Key:
    kind: str  # table | expansion | thesaurus
    phrase: str  # lower-case original phrase
    occs: list[tuple[int, int]] = field(default_factory=list)  # token ranges [i, j)
    choice: str | None = None
    alt_multi: str | None = None

    @property
    def partial(self) -> bool:
        return " " not in self.phrase and self.phrase in STOPWORDS


def _stable_seed(*parts: object) -> int:
    h = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(h[:8], "big")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside quotation marks: “...” pairs, and straight "..." pairs counted
    per paragraph (an unclosed straight quote runs to the end of its paragraph)."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"“[^”]*(?:”|$)", text):
        spans.append((m.start(), m.end()))
    pos = 0
    for para in re.split(r"(\n)", text):
        if para != "\n":
            opened: int | None = None
            for i, ch in enumerate(para):
                if ch == '"':
                    if opened is None:
                        opened = pos + i
                    else:
                        spans.append((opened, pos + i + 1))
                        opened = None
            if opened is not None:
                spans.append((opened, pos + len(para)))
        pos += len(para)
    return sorted(spans)


class Spinner:
    """Simulated spinner. ``table_rows``: real-table rows it may use (e.g. one half).

    ``thesaurus`` maps a lemma to ``[(pos, [synonyms])]`` (pos: noun/verb/adj/adv, or 'any');
    by default WordNet + MyThes (+ Moby) from the system, whichever are installed.
    """

    def __init__(
        self,
        table_rows: Iterable[TableRow] = (),
        seed: int = 0,
        rate: float = 0.20,
        *,
        multiword_share: float = 0.40,
        table_prob: float = 0.85,
        first_sense_prob: float = 0.5,
        expansion_prob: float = 0.7,
        thesaurus: SensesSource | None = None,
        expansions: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        if not 0.0 < rate < 1.0:
            raise ValueError("rate must be in (0, 1)")
        self.seed = seed
        self.rate = rate
        self.multiword_share = multiword_share
        self.table_prob = table_prob
        self.first_sense_prob = first_sense_prob
        self.expansion_prob = expansion_prob
        self._thesaurus = thesaurus
        self.table: dict[str, list[tuple[str, int]]] = {}
        for row in table_rows:
            orig = " ".join(_norm(row.original).split())
            spun = " ".join(row.spun.split())
            if not self._usable_phrase(orig) or not spun or orig in ("the", "a", "an"):
                continue
            self.table.setdefault(orig, []).append((spun, max(1, int(row.count))))
        exp: dict[str, tuple[str, ...]] = {
            k: tuple(v) for k, v in (EXPANSIONS if expansions is None else expansions).items()
        }
        if expansions is None:
            for base, repl in VERB_EXPANSIONS.items():
                for orig, new in _verb_forms(base, repl):
                    exp.setdefault(orig, (new,))
        self.expansions = {k: v for k, v in exp.items() if k not in self.table}
        self._max_n = max(
            [len(k.split()) for k in self.table] + [len(k.split()) for k in self.expansions] + [1]
        )

    @property
    def thesaurus(self) -> SensesSource:
        if self._thesaurus is None:
            self._thesaurus = system_thesaurus()
        return self._thesaurus

    @staticmethod
    def _usable_phrase(phrase: str) -> bool:
        words = phrase.split(" ")
        return bool(phrase) and [w for _, _, w in tokenize(phrase)] == words

    # -- tokens -------------------------------------------------------------------------------

    def _tokens(self, text: str) -> list[_Tok]:
        quotes = quoted_spans(text)
        raw = tokenize(text)
        # capitalised forms seen mid-sentence are names, also at the start of a sentence
        initial_flags = [_is_initial(text, s) for s, _, _ in raw]
        mid_caps = {w for (_, _, w), ini in zip(raw, initial_flags, strict=True) if not ini}
        toks: list[_Tok] = []
        qi = 0
        prev_number = False
        for k, ((s, e, w), ini) in enumerate(zip(raw, initial_flags, strict=True)):
            while qi < len(quotes) and quotes[qi][1] <= s:
                qi += 1
            in_quote = qi < len(quotes) and quotes[qi][0] <= s < quotes[qi][1]
            low = _norm(w)
            has_digit = any(c.isdigit() for c in w)
            caps = w[:1].isupper()
            locked = (
                in_quote
                or has_digit
                or (len(w) > 1 and w.isupper())
                or (caps and not ini)
                or (caps and ini and w in mid_caps)
                or (caps and ini and k + 1 < len(raw) and _name_follows(text, raw[k], raw[k + 1]))
                or (prev_number and low in UNITS)
            )
            gap = text[toks[-1].end : s] if toks else ""
            prev_number = has_digit or (prev_number and low in UNITS and gap.strip() == "")
            toks.append(_Tok(s, e, w, low, locked, ini))
        return toks

    # -- candidates ---------------------------------------------------------------------------

    def _collect(self, text: str, toks: list[_Tok]) -> list[_Key]:
        keys: dict[tuple[str, str], _Key] = {}
        n = len(toks)
        for i in range(n):
            if toks[i].locked:
                continue
            phrase = toks[i].low
            for j in range(i + 1, min(n, i + self._max_n) + 1):
                if j > i + 1:
                    if toks[j - 1].locked or not _GAP.fullmatch(
                        text[toks[j - 2].end : toks[j - 1].start]
                    ):
                        break
                    phrase = phrase + " " + toks[j - 1].low
                kind = (
                    "table"
                    if phrase in self.table
                    else "expansion"
                    if phrase in self.expansions
                    else None
                )
                if kind:
                    keys.setdefault((kind, phrase), _Key(kind, phrase)).occs.append((i, j))
            low = toks[i].low
            if (
                low not in STOPWORDS
                and low not in self.table
                and low not in self.expansions
                and len(low) >= 3
                and low.replace("-", "").isalpha()
                and known_word(low)
            ):
                keys.setdefault(("thesaurus", low), _Key("thesaurus", low)).occs.append((i, i + 1))
        return list(keys.values())

    def _thesaurus_choice(self, word: str, rng: random.Random, multi: bool) -> str | None:
        """Pick a sense uniformly among all senses the word form can have, then a synonym."""
        readings = analyses(word) or ((("ANY", word, "NN"),) if known_word(word) else ())
        options: list[tuple[str, str, list[str]]] = []  # (upos, tag, synonyms)
        seen_lemmas: set[tuple[str, str]] = set()
        for upos, lemma, tag in readings:
            if (lemma, upos) in seen_lemmas:
                continue
            seen_lemmas.add((lemma, upos))
            for pos, syns in self.thesaurus.get(lemma, ()) or ():
                p = _UPOS.get(pos, "ANY")
                if p != upos and not (p == "ANY" or upos == "ANY"):
                    continue
                good = [s for s in syns if _good_synonym(s, lemma)]
                if multi:
                    good = [s for s in good if " " in s]
                if good:
                    options.append((upos if upos != "ANY" else p, tag, good))
        # the first sense of the likeliest reading (an inflected form names its reading: "rose"
        # as a past tense) with probability ``first_sense_prob``, else a sense chosen uniformly
        # among all senses of all readings, so wrong senses occur ("round" -> "spherical")
        first = sorted(range(len(options)), key=lambda k: options[k][1] in _BASE_TAGS)[:1]
        if first and rng.random() < self.first_sense_prob:
            options = [options[first[0]]]
        rng.shuffle(options)
        while options:
            upos, tag, syns = options.pop()
            syn = syns[0] if rng.random() < 0.5 else rng.choice(syns)
            if tag not in _BASE_TAGS and upos == "ANY":
                continue
            form = inflect_phrase(syn, upos, tag)
            if form and form != word:
                return form
        return None

    def _choose(self, key: _Key, rng: random.Random) -> None:
        if key.kind == "table":
            spuns, weights = zip(*self.table[key.phrase], strict=True)
            key.choice = rng.choices(spuns, weights=weights)[0]
        elif key.kind == "expansion":
            alts = self.expansions[key.phrase]
            key.choice = alts[0] if len(alts) == 1 or rng.random() < 0.6 else rng.choice(alts)
        else:
            key.choice = self._thesaurus_choice(key.phrase, rng, multi=False)
            if key.choice is not None and " " not in key.choice:
                key.alt_multi = self._thesaurus_choice(key.phrase, rng, multi=True)

    # -- spinning -----------------------------------------------------------------------------

    def spin(self, text: str, doc_id: str | int | None = None) -> SpunDoc:
        rng = random.Random(_stable_seed(self.seed, doc_id if doc_id is not None else text))
        toks = self._tokens(text)
        n_words = len(toks)
        target = self.rate * n_words
        keys = self._collect(text, toks)
        taken = [False] * n_words
        chosen: dict[int, tuple[int, str, str]] = {}  # token start -> (token end, repl, kind)
        state = {"covered": 0, "swaps": 0, "multi": 0}

        def accept(key: _Key, choice: str | None) -> bool:
            if choice is None:
                return False
            occs = [
                (i, j)
                for i, j in key.occs
                if not any(taken[i:j]) and (not key.partial or rng.random() < _PARTIAL)
            ]
            # the same token range can be listed once per key only, but ranges of one key
            # may overlap each other ("a lot of a lot"): keep them left to right
            kept: list[tuple[int, int]] = []
            for i, j in occs:
                if not kept or i >= kept[-1][1]:
                    kept.append((i, j))
            if not kept:
                return False
            add = sum(j - i for i, j in kept)
            if state["covered"] + add > target * 1.25 + 1 and state["covered"] > 0:
                return False
            is_multi = " " in key.phrase or " " in choice
            for i, j in kept:
                for t in range(i, j):
                    taken[t] = True
                chosen[i] = (j, choice, key.kind)
            state["covered"] += add
            state["swaps"] += len(kept)
            state["multi"] += len(kept) if is_multi else 0
            return True

        table_keys = [k for k in keys if k.kind == "table"]
        rng.shuffle(table_keys)
        # longer phrases first so that a multi-word table entry is not pre-empted by its parts
        table_keys.sort(key=lambda k: -len(k.phrase.split()))
        for key in table_keys:
            if state["covered"] >= target:
                break
            if rng.random() < self.table_prob:
                self._choose(key, rng)
                accept(key, key.choice)

        # then expansions, most of them (real spinners apply their stock phrases eagerly)
        expansion_keys = [k for k in keys if k.kind == "expansion"]
        rng.shuffle(expansion_keys)
        expansion_keys.sort(key=lambda k: -len(k.phrase.split()))
        for key in expansion_keys:
            if state["covered"] >= target:
                break
            if rng.random() < self.expansion_prob:
                self._choose(key, rng)
                accept(key, key.choice)

        rest = [k for k in keys if k.kind == "thesaurus"]
        rng.shuffle(rest)
        multi_q: list[_Key] = []
        single_q: list[_Key] = []
        for key in rest:
            if state["covered"] >= target:
                break
            self._choose(key, rng)
            if key.choice is None:
                continue
            (multi_q if " " in key.phrase or " " in key.choice else single_q).append(key)
            # drain the queues, keeping the multi-word share near its target
            while (multi_q or single_q) and state["covered"] < target:
                want_multi = state["multi"] < self.multiword_share * (state["swaps"] + 1)
                if want_multi and multi_q:
                    k = multi_q.pop()
                    accept(k, k.choice)
                elif not want_multi and single_q:
                    k = single_q.pop()
                    accept(k, k.choice)
                elif want_multi and any(k.alt_multi for k in single_q):
                    k = next(k for k in single_q if k.alt_multi)
                    single_q.remove(k)
                    accept(k, k.alt_multi)
                else:
                    break  # wait for a key of the wanted shape
        for k in multi_q + single_q:  # still short of the target: take what is left
            if state["covered"] >= target:
                break
            accept(k, k.choice)

        return self._realise(text, toks, chosen, taken, state["covered"], target)

    def _realise(
        self,
        text: str,
        toks: list[_Tok],
        chosen: dict[int, tuple[int, str, str]],
        taken: list[bool],
        covered: int,
        target: float,
    ) -> SpunDoc:
        """The spun document for the replacements ``chosen`` (token start -> (token end,
        replacement, kind)) over ``taken`` tokens."""
        n_words = len(toks)
        # realise replacements in original coordinates, then fix a/an before them
        reps: list[tuple[int, int, str, str, str]] = []  # (start, end, repl, original, kind)
        for i, (j, choice, kind) in chosen.items():
            s, e = toks[i].start, toks[j - 1].end
            reps.append((s, e, match_case(text[s:e], choice), text[s:e], kind))
        for i, (_j, choice, _kind) in list(chosen.items()):
            if i == 0 or taken[i - 1]:
                continue
            art = toks[i - 1]
            if art.low not in ("a", "an") or art.locked:
                continue
            if not _GAP.fullmatch(text[art.end : toks[i].start]):
                continue
            new_first = choice.split(" ")[0]
            old_first = toks[i].low
            want = article_for(new_first)
            if article_for(old_first) == art.low and want != art.low:
                reps.append((art.start, art.end, match_case(art.text, want), art.text, "article"))
        reps.sort()

        out: list[str] = []
        swaps: list[Swap] = []
        pos = 0
        length = 0
        for s, e, repl, orig, kind in reps:
            chunk = text[pos:s]
            out.append(chunk)
            length += len(chunk)
            out.append(repl)
            swaps.append(Swap(length, length + len(repl), repl, orig, kind))
            length += len(repl)
            pos = e
        out.append(text[pos:])
        return SpunDoc(
            "".join(out),
            text,
            swaps,
            words=n_words,
            meta={"covered_words": covered, "target_words": round(target, 1)},
        )


class DictionarySpinner(Spinner):
    """A content farm's spinner as a fixed dictionary, as real ones are: whether a phrase is
    in the dictionary and what replaces it are decided once by the seed, and every occurrence
    of a dictionary phrase is replaced (each with probability ``apply_prob``; stop words, as
    in :class:`Spinner`, half as often). Longer phrases go first, table pairs before stock
    expansions before thesaurus synonyms. The spin rate is not a target but what the
    dictionary covers: ``thesaurus_share`` of the words that have thesaurus synonyms are in
    it (with the defaults, about 20% of a BBC article's words end up inside a swap)."""

    def __init__(
        self,
        table_rows: Iterable[TableRow] = (),
        seed: int = 0,
        *,
        table_share: float = 1.0,
        expansion_share: float = 1.0,
        thesaurus_share: float = 0.5,
        multi_choice_prob: float = 0.6,
        apply_prob: float = 0.95,
        **kwargs: Any,
    ) -> None:
        super().__init__(table_rows, seed=seed, **kwargs)
        self.shares = {"table": table_share, "expansion": expansion_share,
                       "thesaurus": thesaurus_share}
        self.multi_choice_prob = multi_choice_prob
        self.apply_prob = apply_prob
        self._entries: dict[tuple[str, str], str | None] = {}

    def entry(self, kind: str, phrase: str) -> str | None:
        """The dictionary's replacement for ``phrase`` (None: not in the dictionary)."""
        k = (kind, phrase)
        if k not in self._entries:
            rng = random.Random(_stable_seed(self.seed, "dictionary", kind, phrase))
            choice = None
            if rng.random() < self.shares[kind]:
                key = _Key(kind, phrase)
                super()._choose(key, rng)
                choice = key.choice
                if key.alt_multi and rng.random() < self.multi_choice_prob:
                    choice = key.alt_multi
            self._entries[k] = choice
        return self._entries[k]

    def spin(self, text: str, doc_id: str | int | None = None) -> SpunDoc:
        rng = random.Random(_stable_seed(self.seed, doc_id if doc_id is not None else text))
        toks = self._tokens(text)
        keys = self._collect(text, toks)
        rank = {"table": 0, "expansion": 1, "thesaurus": 2}
        keys.sort(key=lambda k: (rank[k.kind], -len(k.phrase.split()), k.phrase))
        taken = [False] * len(toks)
        chosen: dict[int, tuple[int, str, str]] = {}
        covered = 0
        for key in keys:
            choice = self.entry(key.kind, key.phrase)
            if choice is None:
                continue
            for i, j in key.occs:
                if any(taken[i:j]) or rng.random() >= self.apply_prob:
                    continue
                if key.partial and rng.random() >= _PARTIAL:
                    continue
                for t in range(i, j):
                    taken[t] = True
                chosen[i] = (j, choice, key.kind)
                covered += j - i
        return self._realise(text, toks, chosen, taken, covered, covered)


def _name_follows(text: str, tok: tuple[int, int, str], nxt: tuple[int, int, str]) -> bool:
    """A capitalised word right after ``tok`` ("Time Warner", "Prime Minister")."""
    return nxt[2][:1].isupper() and _GAP.fullmatch(text[tok[1] : nxt[0]]) is not None


def _is_initial(text: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and text[k] in " \t\"“‘'([":
        k -= 1
    return k < 0 or text[k] in ".!?:\n"


def _good_synonym(syn: str, lemma: str) -> bool:
    if syn == lemma or not _SYN_OK.fullmatch(syn):
        return False
    words = syn.split(" ")
    if len(words) > 3 or lemma in words:
        return False
    return all(known_word(w) for w in words)


def _verb_forms(base: str, repl: str) -> list[tuple[str, str]]:
    """("carry out", "finish up") -> [("carried out", "finished up"), ...] for each verb tag."""
    out: list[tuple[str, str]] = [(base, repl)]
    b_head, _, b_rest = base.partition(" ")
    r_head, _, r_rest = repl.partition(" ")
    for tag in ("VBD", "VBN", "VBG", "VBZ"):
        bf, rf = inflect(b_head, tag), inflect(r_head, tag)
        if bf is None or rf is None:
            continue
        o = f"{bf} {b_rest}".strip()
        r = f"{rf} {r_rest}".strip()
        if (o, r) not in out and o != r:
            out.append((o, r))
    return [(o, r) for o, r in out if o != r]


def spin_rate(doc: SpunDoc) -> float:
    """Share of the original's words inside a (non-article) swap."""
    return doc.meta.get("covered_words", 0) / doc.words if doc.words else 0.0


def multiword_share(docs: Sequence[SpunDoc]) -> float:
    swaps = [s for d in docs for s in d.swaps if s.kind != "article"]
    if not swaps:
        return 0.0
    return sum(1 for s in swaps if " " in s.spun or " " in s.original) / len(swaps)
