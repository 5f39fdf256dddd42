"""The check/restore engine: tokens -> candidates -> lattice decoding -> calibrated decisions.

One :class:`Engine` holds the lexicon, the language model and the fitted parameters; build it
once and reuse it (``unspin.check``/``unspin.restore`` share a process-wide instance).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from importlib import resources
from operator import itemgetter, mul
from pathlib import Path
from typing import Protocol

from unspin.candidates import (
    FEATURES,
    Candidate,
    build_candidates,
    find_spans,
    lm_form,
    match_case,
    set_document_features,
    starts_with_vowel_sound,
)
from unspin.decode import Decision, decode_sentence
from unspin.lexicon import Lexicon
from unspin.lm import NGramLM
from unspin.result import CheckReport, Edit, Restoration, UnspinInputError
from unspin.tokenize import Token, tokenize

MAX_CHARS = 20_000_000
Progress = Callable[[int, int], None]  # (words done, words in total)
_ARTICLE_BEFORE = re.compile(r"\b(an?|An?|AN?)(\s+)$")
MAX_LM_GAIN = 12.5  # log10; the largest LM gain of a correct edit on dev data was 12.3
PRUNE_SLACK = 2.0  # logit units a neighbouring edit may add to a candidate's isolated score
# the density measure counts edits that win with at most this LM gain (log10): long shots
# are left to the final pass, which keeps the measure cheap
DENSITY_MAX_LM_GAIN = 4.0
MAX_SENTENCE_WORDS = 120  # longer runs of words are decoded in pieces
BLOCK_WORDS = 5000  # longer texts are analysed in blocks (document features per block)
# features that depend on where a phrase occurs, not on the lexicon entry (all 0 or 1)
_POSITION_FEATURES = (
    "quoted",
    "capitalised",
    "doc_table",
    "doc_rule",
    "doc_thesaurus",
    "doc_other",
    "doc_pair",
    "orig_in_doc",
)
_DOC_PAIR = FEATURES.index("doc_pair")
_ORIG_IN_DOC = FEATURES.index("orig_in_doc")
_ENGLISH_MARKERS = frozenset(
    "the of and to in a is that for on it with as was by at be are from this have has an "
    "not or but his her they their he she we which were said will would been".split()
)


def read_params_file(name: str, path: Path | None = None) -> dict:
    """The fitted parameters in ``path`` (default: the bundled ``data/<name>``); empty when
    the file is missing."""
    p = path or Path(str(resources.files("unspin") / "data" / name))
    if not p.exists():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))


@dataclass
class Params:
    """Weights of the decision model, fitted by ``scripts/calibrate.py`` on dev data and
    shipped in ``data/params.json``; the defaults here only serve a missing file."""

    lm_weight: float = 1.0
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "table": -0.3,
            "table_count": 0.4,
            "rule": -0.8,
            "thesaurus": -2.6,
            "thes_sources": 0.8,
            "first_sense": 0.4,
            "thes_rank": -0.5,
            "quoted": -4.0,
            "capitalised": -2.5,
            "article": -0.6,
            "number": 0.3,
            "length_change": 0.0,
            "spun_freq": 0.0,
            "orig_freq": 0.0,
        }
    )
    bias: float = 0.0
    # confidence = sigmoid(conf_bias + sum(conf_weights[f] * f) over CONFIDENCE_FEATURES)
    conf_bias: float = 0.0
    conf_weights: dict[str, float] = field(default_factory=lambda: {"posterior_logit": 1.0})
    min_confidence: float = 0.5
    # weights of the first pass, which measures how spun the document is (None: one pass)
    pass1: dict | None = None
    # document score = sigmoid(doc_bias + doc_density * sum(confidence) per 100 words)
    doc_bias: float = -3.0
    doc_density: float = 1.2
    doc_smoothing_words: float = 30.0

    @classmethod
    def load(cls, path: Path | None = None) -> Params:
        data = read_params_file("params.json", path)
        if not data:
            return cls()
        base = cls()
        weights = dict(base.weights)
        weights.update(data.pop("weights", {}))
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{**known, "weights": weights})

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class NeuralParams:
    """Accurate mode: how a neural LM rescores the n-gram decisions, fitted by
    ``scripts/calibrate_neural.py`` on dev data and shipped in ``data/neural_params.json``.

    An edit whose n-gram confidence lies in [band_low, band_high] is rescored: the neural LM
    scores a window of the sentence with and without the edit (``delta``: natural-log gain,
    clipped to +-``max_delta``) and the confidence becomes
    ``sigmoid(bias + w_conf * logit(conf) + w_neural * delta + w_ngram * ngram_gain)``, with
    the n-gram LM's gain for the edit in nats.
    Edits outside the band keep their n-gram confidence (rescoring everything is too slow on a
    CPU). ``min_confidence`` is accurate mode's edit threshold."""

    band_low: float = 0.2
    band_high: float = 0.95
    w_conf: float = 1.0
    w_neural: float = 0.0
    w_ngram: float = 0.0  # weight of the n-gram LM gain (nats), which the neural gain repeats
    bias: float = 0.0
    min_confidence: float = 0.5
    left_words: int = 6
    right_words: int = 3
    max_delta: float = 20.0

    @classmethod
    def load(cls, path: Path | None = None) -> NeuralParams:
        data = read_params_file("neural_params.json", path)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


_LN10 = math.log(10.0)  # the n-gram LM's gains are log10; the neural LM's are natural logs


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def neural_windows(
    text: str, tokens: list[Token], first: int, last: int, original: str, left: int, right: int
) -> tuple[str, str]:
    """(window without the edit, window with it): up to ``left`` words before token ``first``
    and ``right`` after token ``last`` (indexes into ``tokens``), within the sentence."""
    sent = tokens[first].sent
    a, n = first, 0
    while a > 0 and tokens[a - 1].sent == sent and n < left:
        a -= 1
        n += tokens[a].is_word
    b, n = last, 0
    while b + 1 < len(tokens) and tokens[b + 1].sent == sent and n < right:
        b += 1
        n += tokens[b].is_word
    pre = text[tokens[a].start : tokens[first].start] if a < first else ""
    post = text[tokens[last].end : tokens[b].end] if b > last else ""
    spun = text[tokens[first].start : tokens[last].end]
    norm = " ".join
    return norm((pre + spun + post).split()), norm((pre + original + post).split())


def confidence_features(d: Decision) -> dict[str, float]:
    """What the confidence model sees of a decoded edit: its margins and its evidence."""
    post = min(max(d.posterior, 1e-9), 1 - 1e-9)
    feats = {
        "posterior_logit": math.log(post / (1 - post)),
        "margin_keep": max(min(d.margin_keep, 10.0), -10.0),
        "margin_alt": min(d.margin_alt, 5.0),
        "lm_gain": max(min(d.lm_gain, 8.0), -8.0),
        "prior": d.gain,
    }
    for name, value in zip(FEATURES, d.cand.features, strict=True):
        feats[f"f_{name}"] = value
    return feats


_POSITION_INDEX = tuple(FEATURES.index(f) for f in _POSITION_FEATURES)
_position_values = itemgetter(*_POSITION_INDEX)


@dataclass(frozen=True)
class _Stage:
    """One pass's linear edit gain, split into a per-entry static part and the part that
    depends on the occurrence (quotes, capitals, document density)."""

    lm_weight: float
    bias: float
    vec: tuple[float, ...]
    position_vec: tuple[float, ...]
    best_position: float  # the largest the position part can be

    @classmethod
    def of(cls, weights: dict[str, float], bias: float, lm_weight: float) -> _Stage:
        vec = tuple(weights.get(f, 0.0) for f in FEATURES)
        pos = tuple(vec[i] for i in _POSITION_INDEX)
        return cls(lm_weight, bias, vec, pos, sum(max(w, 0.0) for w in pos))

    def static(self, features: list[float]) -> float:
        total = self.bias + sum(map(mul, self.vec, features))
        return total - self.position_part(features)

    def position_part(self, features: list[float]) -> float:
        return sum(map(mul, self.position_vec, _position_values(features)))


def _history(lows: list[str], i: int) -> tuple[str | None, str | None]:
    """(previous word, the word before it) for position ``i`` of a sentence."""
    if i == 0:
        return ("<s>", None)
    if i == 1:
        return (lows[0], "<s>")
    return (lows[i - 1], lows[i - 2])


def _right_window(lows: list[str], i: int, j: int) -> list[str]:
    """Words i..j plus the two that follow, closed by </s> at the end of the sentence: all a
    3-gram model needs to compare an edit of i..j with the spun words."""
    window = lows[i : j + 2]
    return window if j + 2 <= len(lows) else [*window, "</s>"]


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(slots=True)
class _Sentence:
    words: list[Token]
    adjacent: list[bool]
    next_token: list[Token | None]
    prev_token: list[Token | None]


LEARNED_MIN_LM_GAIN = 0.5  # log10 gain the LM must give a learned-only swap (see Engine)


class Engine:
    def __init__(
        self,
        exclude_table_originals: frozenset[str] = frozenset(),
        params: Params | None = None,
        lm: NGramLM | None = None,
        lexicon: Lexicon | None = None,
        learned_pairs: frozenset[tuple[str, str]] = frozenset(),
        learned_min_lm_gain: float = LEARNED_MIN_LM_GAIN,
        neural=None,
        neural_params: NeuralParams | None = None,
        profile=None,
    ) -> None:
        # accurate mode: a neural LM (unspin.neural.SentenceScorer) rescores uncertain edits
        self.neural = neural
        self.neural_params = neural_params or (NeuralParams.load() if neural else None)
        self.lexicon = lexicon or Lexicon(exclude_table_originals=exclude_table_originals)
        # (spun, original) pairs known only from a site's copies (unspin.learn): a prior, kept
        # only where the language model also prefers the original
        self.learned_pairs = learned_pairs
        self.learned_min_lm_gain = learned_min_lm_gain
        # a content farm's learned spinner (unspin.spinner_profile.SpinnerProfile): its
        # calibrated model gives every edit its confidence
        self.profile = profile
        self.lm = lm or NGramLM()
        if profile is not None and getattr(profile, "unigram", None) is None:
            profile.unigram = self.lm.unigram
        self.params = params or Params.load()
        p = self.params
        # stage 0: the final pass; stage 1: the first pass that measures the document
        self._stages = [_Stage.of(p.weights, p.bias, p.lm_weight)]
        if p.pass1:
            self._stages.append(
                _Stage.of(p.pass1["weights"], p.pass1["bias"], p.pass1["lm_weight"])
            )
        self._templates: dict[int, tuple | None] = {}  # per lexicon entry, see find_spans()

    def derive(
        self,
        table: dict[str, dict[str, int]] | None = None,
        learned_pairs: frozenset[tuple[str, str]] = frozenset(),
        profile=None,
    ) -> Engine:
        """An engine that shares this one's language models and parameters, with extra
        spinner-table pairs, pairs known only from copies (see ``learned_pairs`` above) and
        a learned spinner profile."""
        return Engine(
            lexicon=self.lexicon.with_table(table) if table else self.lexicon,
            lm=self.lm,
            params=self.params,
            learned_pairs=learned_pairs,
            neural=self.neural,
            neural_params=self.neural_params,
            profile=profile,
        )

    # ----------------------------------------------------------------- public API
    def check(
        self, text: str, min_confidence: float | None = None, progress: Progress | None = None
    ) -> CheckReport:
        """Flag suspected spun spans. ``progress(words_done, words_total)`` is called as long
        texts are worked through (once per block of BLOCK_WORDS words)."""
        return self.check_many([text], min_confidence, progress)[0]

    def check_many(
        self,
        texts: Sequence[str],
        min_confidence: float | None = None,
        progress: Progress | None = None,
    ) -> list[CheckReport]:
        """:meth:`check` for several texts. In accurate mode their uncertain edits go to the
        neural LM together, in one batched call (fuller batches run faster per word)."""
        out = []
        for text, (edits, words, judgeable, message) in zip(
            texts, self._analyse_many(texts, min_confidence, progress), strict=True
        ):
            score = self._doc_score(edits, words) if judgeable else 0.0
            out.append(CheckReport(
                text=text,
                score=score,
                verdict=self._verdict(score, judgeable, message),
                edits=edits,
                words=words,
                judgeable=judgeable,
                message=message,
            ))
        return out

    def restore(
        self, text: str, min_confidence: float | None = None, progress: Progress | None = None
    ) -> Restoration:
        return self.restore_many([text], min_confidence, progress)[0]

    def restore_many(
        self,
        texts: Sequence[str],
        min_confidence: float | None = None,
        progress: Progress | None = None,
    ) -> list[Restoration]:
        """:meth:`restore` for several texts (see :meth:`check_many`)."""
        out = []
        for report in self.check_many(texts, min_confidence, progress):
            shared = {f.name: getattr(report, f.name) for f in fields(CheckReport)}
            out.append(Restoration(**shared, restored=apply_edits(report.text, report.edits)))
        return out

    # ------------------------------------------------------------ analysis steps
    def decisions(
        self, text: str, progress: Progress | None = None
    ) -> tuple[list[tuple[Token, Token, Decision]], int, bool, str]:
        """Every edit on the best paths, before the confidence threshold (for calibration)."""
        out, n_words, judgeable, message, _tokens = self._decide(text, progress)
        return out, n_words, judgeable, message

    def _decide(
        self, text: str, progress: Progress | None = None
    ) -> tuple[list[tuple[Token, Token, Decision]], int, bool, str, list[Token]]:
        tokens, n_words, judgeable, message = self._read(text)
        out: list[tuple[Token, Token, Decision]] = []
        done = 0
        for prepared, block_words in self._prepare_blocks(tokens if judgeable else []):
            if progress is not None:
                progress(done, n_words)
            done += block_words
            for sent, lows, cands in prepared:
                gains = [self._gain(c) for c in cands]
                if self.profile is not None:
                    cands, gains = self._blind_gains(sent, cands, gains)
                for d in decode_sentence(self.lm, lows, cands, gains, self.params.lm_weight):
                    out.append((sent.words[d.cand.i], sent.words[d.cand.j - 1], d))
        if progress is not None:
            progress(n_words, n_words)
        return out, n_words, judgeable, message, tokens

    def _blind_gains(
        self, sent: _Sentence, cands: list[Candidate], gains: list[float]
    ) -> tuple[list[Candidate], list[float]]:
        """A digit the learned spinner writes for a number word ("2" for "two") gets no gain
        from the language model, which reads a digit as its word: its gain is the log-odds of
        the profile's share instead, so it is decoded when the farm's digit usually stands for
        the word. Only the number rule's candidate carries it, which knows where a digit
        cannot be a word ("2-1", "Doom 3"); a table entry for the same pair is dropped."""
        out_c, out_g = [], []
        for c, g in zip(cands, gains, strict=True):
            if c.j - c.i == 1 and sent.words[c.i].kind == "num":
                share = self.profile.blind_share(sent.words[c.i].text, c.spelled)
                if share is not None:
                    if c.source != "number":
                        continue
                    g = _logit(share)
            out_c.append(c)
            out_g.append(g)
        return out_c, out_g

    def candidates(self, text: str) -> list[tuple[int, int, Candidate, float]]:
        """Every candidate with its isolated LM gain (log10, spun context): for calibration."""
        tokens, _n, judgeable, _m = self._read(text)
        out = []
        for prepared, _words in self._prepare_blocks(tokens if judgeable else []):
            for sent, _lows, cands in prepared:
                for c in cands:
                    out.append(
                        (sent.words[c.i].start, sent.words[c.j - 1].end, c, c.isolated_lm_gain)
                    )
        return out

    def _read(self, text: str) -> tuple[list[Token], int, bool, str]:
        """Validate and tokenise; say whether the text can be judged (English)."""
        if not isinstance(text, str):
            raise UnspinInputError("input must be text (str)")
        if len(text) > MAX_CHARS:
            raise UnspinInputError(
                f"input too large: {len(text):,} characters (limit {MAX_CHARS:,})"
            )
        if not text.strip():
            raise UnspinInputError("input is empty")
        tokens = tokenize(text)
        word_tokens = [t for t in tokens if t.kind == "word"]
        n_words = sum(1 for t in tokens if t.is_word)
        if not word_tokens:
            raise UnspinInputError("input has no words to check")
        judgeable, message = self._english(word_tokens)
        return tokens, n_words, judgeable, message

    def _prepare_blocks(
        self, tokens: list[Token]
    ) -> Iterator[tuple[list[tuple[_Sentence, list[str], list[Candidate]]], int]]:
        """Prepared sentences in blocks of about BLOCK_WORDS words. Each block is one
        "document" for the document-level features, which bounds the memory a huge input
        needs (a news article is one block). Yields (prepared sentences, words in block)."""
        block: list[_Sentence] = []
        words = 0
        for sent in self._sentences(tokens):
            block.append(sent)
            words += len(sent.words)
            if words >= BLOCK_WORDS:
                yield self._prepare(block, words), words
                block, words = [], 0
        if block:
            yield self._prepare(block, words), words

    def _prepare(
        self, block: list[_Sentence], n_words: int
    ) -> list[tuple[_Sentence, list[str], list[Candidate]]]:
        """Generate candidates, set their document-level features and prune them."""
        sentences = []
        for sent in block:
            spans, rules = find_spans(
                sent.words,
                sent.adjacent,
                self.lexicon,
                self.lm.unigram,
                next_token=sent.next_token,
                prev_token=sent.prev_token,
                admit=self._may_win,
                templates=self._templates,
            )
            if spans or rules:
                lows = [lm_form(t) for t in sent.words]
                sentences.append((sent, lows, spans, rules, {}))
        density, winners = 0.0, {}
        if self.params.pass1:
            density, winners = self._measure_document(sentences, n_words)
        final = self._stages[0]
        doc_weights = {
            src: final.vec[FEATURES.index(f"doc_{src}")]
            for src in ("table", "rule", "thesaurus", "other")
        }
        best_pair = max(final.vec[_DOC_PAIR], 0.0) + max(final.vec[_ORIG_IN_DOC], 0.0)
        # a deterministic spinner leaves no trace of the words it replaces (outside quotes)
        unquoted = " ".join(
            t.text.lower().replace("’", "'") if not t.quoted else "|"
            for sent in block
            for t in sent.words
        )
        doc_words = set(unquoted.split(" "))
        doc_text = f" {unquoted} "
        prepared = []
        for k, (sent, lows, spans, rules, spun_scores) in enumerate(sentences):

            def span_filter(i: int, j: int, lows=lows, spun_scores=spun_scores):
                spun = self._spun_score(lows, i, j, spun_scores)
                need = -PRUNE_SLACK + final.lm_weight * spun - best_pair

                def passes(static: tuple[float, ...], source: str) -> bool:
                    doc = doc_weights.get(source, doc_weights["other"]) * density
                    return static[0] + doc > need

                return passes

            cands = build_candidates(spans, rules, span_filter)
            kept = []
            for c in cands:
                if self.params.pass1:
                    set_document_features(c, density)
                    places = winners.get(id(c.origin), ()) if c.origin is not None else ()
                    c.features[_DOC_PAIR] = float(len(places) - ((k, c.i) in places) >= 1)
                    orig = c.spelled.lower()
                    c.features[_ORIG_IN_DOC] = float(
                        orig in doc_words if " " not in orig else f" {orig} " in doc_text
                    )
                gain = self._isolated_lm_gain(c, lows, spun_scores)
                if self._gain(c) + final.lm_weight * gain > -PRUNE_SLACK:
                    c.isolated_lm_gain = gain
                    kept.append(c)
            if kept:
                prepared.append((sent, lows, kept))
        return prepared

    def _may_win(self, features: list[float]) -> tuple[float, ...] | None:
        """Static gains of a lexicon entry per stage, or None when its prior is so low that
        no plausible LM gain could carry it, even in the most favourable position."""
        statics = tuple(st.static(features) for st in self._stages)
        best = max(
            g + st.best_position + st.lm_weight * MAX_LM_GAIN
            for g, st in zip(statics, self._stages, strict=True)
        )
        return statics if best > 0 else None

    def _spun_score(
        self, lows: list[str], i: int, j: int, spun_scores: dict[tuple[int, int], float]
    ) -> float:
        """log10 P of the spun words i..j and the two after them (or the sentence end),
        cached per sentence."""
        spun = spun_scores.get((i, j))
        if spun is None:
            spun = self.lm.score(_right_window(lows, i, j), _history(lows, i))
            spun_scores[(i, j)] = spun
        return spun

    def _isolated_lm_gain(
        self, c: Candidate, lows: list[str], spun_scores: dict[tuple, float]
    ) -> float:
        """log10 gain of a candidate against the spun words, both in the spun context
        (cached per sentence with the spun scores: both passes ask for it)."""
        key = (c.i, c.j, c.words)
        gain = spun_scores.get(key)
        if gain is None:
            spun = self._spun_score(lows, c.i, c.j, spun_scores)
            after = _right_window(lows, c.j, c.j)
            gain = self.lm.score([*c.words, *after], _history(lows, c.i)) - spun
            spun_scores[key] = gain
        return gain

    def _measure_document(
        self, sentences: list[tuple], n_words: int
    ) -> tuple[float, dict[int, set[tuple[int, int]]]]:
        """The spinner is consistent within a document: where the first-pass model finds many
        swaps in isolation, every spinner pair of the document is likelier (``doc_*``
        features: isolated first-pass edits per 10 words, capped at 1). It is also
        deterministic: an entry that wins elsewhere in the document is likely right here too
        (``doc_pair``). Returns the density and, per lexicon entry, the (sentence, word)
        places where it wins in isolation."""
        first = self._stages[1]
        starts = 0
        wins: dict[int, set[tuple[int, int]]] = {}
        for k, (_sent, lows, spans, rules, spun_scores) in enumerate(sentences):

            def span_filter(i: int, j: int, lows=lows, spun_scores=spun_scores):
                spun = self._spun_score(lows, i, j, spun_scores)
                need = first.lm_weight * max(spun, -DENSITY_MAX_LM_GAIN) - first.best_position
                return lambda static, _source: static[1] > need

            cands = build_candidates(spans, rules, span_filter)
            won_starts = set()
            for c in cands:
                total = self._gain(c, 1) + first.lm_weight * self._isolated_lm_gain(
                    c, lows, spun_scores
                )
                if total > 0:
                    won_starts.add(c.i)
                    if c.origin is not None:
                        wins.setdefault(id(c.origin), set()).add((k, c.i))
            starts += len(won_starts)
        density = min(1.0, 10.0 * starts / max(n_words, 1))
        return density, wins

    def confidence(self, d: Decision) -> float:
        p = self.params
        feats = confidence_features(d)
        return _sigmoid(p.conf_bias + sum(p.conf_weights.get(k, 0.0) * v for k, v in feats.items()))

    def _analyse_many(
        self, texts: Sequence[str], min_confidence: float | None, progress: Progress | None = None
    ) -> list[tuple[list[Edit], int, bool, str]]:
        decided = []
        pairs: list[tuple[str, str]] = []
        for text in texts:
            decisions, n_words, judgeable, message, tokens = self._decide(text, progress)
            raw = [self.confidence(d) for _f, _l, d in decisions]
            confs, which = raw, []
            if self.neural is not None and decisions:
                threshold = (
                    self.neural_params.min_confidence if min_confidence is None else min_confidence
                )
                confs, which = self._rescore_plan(raw, threshold, decisions)
                pairs += self._neural_pairs(text, tokens, decisions, which)
            decided.append((text, decisions, n_words, judgeable, message, raw, confs, which))
        gains = iter(self._neural_gains(pairs))
        out = []
        for text, decisions, n_words, judgeable, message, raw, confs, which in decided:
            deltas: list[float | None] = [None] * len(decisions)
            for k in which:
                deltas[k] = delta = next(gains)
                confs[k] = self._neural_confidence(raw[k], delta, decisions[k][2])
            if self.profile is not None and decisions:
                doc = self.profile.reads_like(text)
                for k, (first, last, d) in enumerate(decisions):
                    confs[k] = self.profile.confidence(
                        text[first.start : last.end], d.cand.text, confs[k], d.lm_gain, doc
                    )
            out.append(self._edits(text, decisions, n_words, judgeable, message, confs, deltas,
                                   min_confidence))
        return out

    def _edits(
        self,
        text: str,
        decisions: list[tuple[Token, Token, Decision]],
        n_words: int,
        judgeable: bool,
        message: str,
        confs: list[float],
        deltas: list[float | None],
        min_confidence: float | None,
    ) -> tuple[list[Edit], int, bool, str]:
        default = (
            self.profile.params.min_confidence if self.profile is not None
            else self.neural_params.min_confidence if self.neural is not None and decisions
            else self.params.min_confidence
        )
        threshold = default if min_confidence is None else min_confidence
        edits: list[Edit] = []
        for (first, last, d), conf, delta in zip(decisions, confs, deltas, strict=True):
            if conf < threshold:
                continue
            c = d.cand
            learned = (
                bool(self.learned_pairs)
                and (
                    " ".join(text[first.start : last.end].lower().split()),
                    c.text.lower(),
                )
                in self.learned_pairs
            )
            if learned and d.lm_gain < self.learned_min_lm_gain:
                continue
            evidence = {
                "source": c.source,
                "lm_gain": round(d.lm_gain, 3),
                "prior": round(d.gain, 3),
                "margin": round(d.margin_keep, 3),
            }
            if c.origin is not None:
                evidence["flags"] = c.origin.flags
                if c.origin.count:
                    evidence["table_count"] = c.origin.count
            if first.quoted:
                evidence["quoted"] = True
            if delta is not None:
                evidence["neural_gain"] = round(delta, 3)
            if learned:
                evidence["learned"] = True
            if self.profile is not None:
                evidence["spinner"] = self.profile.evidence(
                    text[first.start : last.end], c.text
                )
            floor = edits[-1].end if edits else 0
            start, original = agree_article(text, first.start, c.text, floor)
            edits.append(
                Edit(
                    start=start,
                    end=last.end,
                    spun=text[start : last.end],
                    original=original,
                    confidence=round(conf, 4),
                    evidence=evidence,
                )
            )
        return edits, n_words, judgeable, message

    def _neural_pairs(
        self,
        text: str,
        tokens: list[Token],
        decisions: list[tuple[Token, Token, Decision]],
        which: list[int],
    ) -> list[tuple[str, str]]:
        """(window without the edit, window with it) for each of the decisions ``which``."""
        np_ = self.neural_params
        index = {id(t): k for k, t in enumerate(tokens)}
        pairs = []
        for k in which:
            first, last, d = decisions[k]
            pairs.append(neural_windows(
                text, tokens, index[id(first)], index[id(last)], d.cand.text,
                np_.left_words, np_.right_words,
            ))
        return pairs

    def _neural_gains(self, pairs: list[tuple[str, str]]) -> list[float]:
        """Neural log-prob gain (nats) of each window pair, clipped to ``max_delta``; one
        batched call for all of them."""
        if not pairs:
            return []
        np_ = self.neural_params
        gains = getattr(self.neural, "gains", None)
        if gains is not None:  # shares each pair's left context (unspin.neural.NeuralLM)
            deltas = gains(pairs)
        else:
            scores = self.neural.score([t for pair in pairs for t in pair])
            deltas = [scores[2 * n + 1] - scores[2 * n] for n in range(len(pairs))]
        return [max(min(x, np_.max_delta), -np_.max_delta) for x in deltas]

    def neural_deltas(
        self,
        text: str,
        tokens: list[Token],
        decisions: list[tuple[Token, Token, Decision]],
        which: list[int],
    ) -> list[float]:
        """Neural log-prob gain (nats) of each chosen edit against the spun window."""
        return self._neural_gains(self._neural_pairs(text, tokens, decisions, which))

    def _rescore_plan(
        self, confs: list[float], threshold: float, decisions: list[tuple[Token, Token, Decision]]
    ) -> tuple[list[float], list[int]]:
        """Accurate mode, step 1: the confidence of each edit in the band with a neutral neural
        gain, and which of them the model must see: those whose side of ``threshold`` the
        largest neural gain or loss could change (see :class:`NeuralParams`)."""
        np_ = self.neural_params
        thr = _logit(threshold)
        reach = abs(np_.w_neural) * np_.max_delta
        out = list(confs)
        which = []
        for k, c in enumerate(confs):
            if np_.band_low <= c <= np_.band_high:
                base = self._neural_base(c, decisions[k][2])
                out[k] = _sigmoid(base)
                if abs(thr - base) <= reach and reach > 0:
                    which.append(k)
        return out, which

    def _neural_base(self, conf: float, d: Decision) -> float:
        """The combined logit of an edit before its neural gain is added."""
        np_ = self.neural_params
        return np_.bias + np_.w_conf * _logit(conf) + np_.w_ngram * d.lm_gain * _LN10

    def _neural_confidence(self, conf: float, delta: float, d: Decision) -> float:
        """Accurate mode, step 2: an n-gram confidence combined with the neural gain."""
        return _sigmoid(self._neural_base(conf, d) + self.neural_params.w_neural * delta)

    def _gain(self, c: Candidate, stage: int = 0) -> float:
        st = self._stages[stage]
        if c.static:
            return c.static[stage] + st.position_part(c.features)
        return st.static(c.features) + st.position_part(c.features)

    def _english(self, words: list[Token]) -> tuple[bool, str]:
        alpha = [
            w.text.lower().replace("’", "'") for w in words if w.text.replace("’", "").isalpha()
        ]
        if not alpha:
            return False, "cannot judge: the text has no English words"
        known = sum(1 for w in alpha if self.lm.knows(w)) / len(alpha)
        markers = sum(1 for w in alpha if w in _ENGLISH_MARKERS) / len(alpha)
        if len(alpha) >= 12 and (known < 0.75 or markers < 0.08):
            return False, "cannot judge: the text does not look like English"
        if len(alpha) < 12 and known < 0.5:
            return False, "cannot judge: the text does not look like English"
        return True, ""

    @staticmethod
    def _sentences(tokens: list[Token]) -> list[_Sentence]:
        out: list[_Sentence] = []
        current: list[int] = []

        def flush() -> None:
            if not current:
                return
            words = [tokens[k] for k in current]
            adjacent = [current[k + 1] == current[k] + 1 for k in range(len(current) - 1)]
            nxt = [tokens[k + 1] if k + 1 < len(tokens) else None for k in current]
            prv = [tokens[k - 1] if k > 0 else None for k in current]
            out.append(_Sentence(words, adjacent, nxt, prv))
            current.clear()

        sent = None
        for k, t in enumerate(tokens):
            if t.sent != sent:
                flush()
                sent = t.sent
            if t.is_word:
                current.append(k)
                # unpunctuated text must not make one huge lattice: cut at a clause
                # boundary when there is one near the limit, else hard at the limit
                if len(current) >= MAX_SENTENCE_WORDS or (
                    len(current) >= MAX_SENTENCE_WORDS // 2
                    and k + 1 < len(tokens)
                    and tokens[k + 1].text in ",;:"
                ):
                    flush()
        flush()
        return out

    def _doc_score(self, edits: list[Edit], words: int) -> float:
        p = self.params
        mass = sum(e.confidence for e in edits)
        density = 100.0 * mass / (words + p.doc_smoothing_words)
        return round(_sigmoid(p.doc_bias + p.doc_density * density), 4)

    @staticmethod
    def _verdict(score: float, judgeable: bool, message: str) -> str:
        if not judgeable:
            return message or "cannot judge"
        if score >= 0.8:
            return "likely spun"
        if score >= 0.5:
            return "possibly spun"
        if score >= 0.2:
            return "probably not spun"
        return "no sign of spinning"


def agree_article(text: str, start: int, original: str, floor: int = 0) -> tuple[int, str]:
    """Extend an edit at ``start`` over a preceding a/an that disagrees with the restored
    wording ("an announcement" -> "a statement"); ``floor``: where the previous edit ended."""
    article = _ARTICLE_BEFORE.search(text, max(floor, start - 6), start)
    if article is None:
        return start, original
    wanted = "an" if starts_with_vowel_sound(original) else "a"
    if article.group(1).lower() == wanted:
        return start, original
    return article.start(), match_case(wanted, article.group(1)) + article.group(2) + original


class _Span(Protocol):
    start: int
    end: int
    original: str


def usable_edits(text: str, edits: Iterable[_Span]) -> list:
    """Edits sorted by position, without any that overlap an earlier one or fall outside
    ``text``."""
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos or e.end < e.start or e.end > len(text):
            continue
        out.append(e)
        pos = e.end
    return out


def apply_edits(text: str, edits: Iterable[_Span]) -> str:
    """Replace each usable edit's span (anything with start, end, original) by its original."""
    parts: list[str] = []
    pos = 0
    for e in usable_edits(text, edits):
        parts.append(text[pos : e.start])
        parts.append(e.original)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)
