"""What unspin knows about one content farm's spinner, learned from its traced copies.

``unspin learn`` (:mod:`unspin.learn`) stores, per site, the substitutions found in the
farm's copies (with ``count``: times the spun wording stood for the original, and ``seen``:
times it stood for any learned swap or for itself) and word statistics (occurrences in the
copies, verbatim occurrences, occurrences in their sources). A :class:`SpinnerProfile` turns
them into three things the engine uses:

- a test of whether a text reads like this spinner's output (:meth:`SpinnerProfile.reads_like`):
  the mean log-likelihood ratio per word of the farm's copies against their own sources, which
  differ only by the spinner's swaps ("mentioned" up, "said" down);
- extra spinner-table pairs for the candidate lattice (:meth:`SpinnerProfile.table`);
- a calibrated confidence for each decoded edit (:meth:`SpinnerProfile.confidence`). An edit
  the farm is known to make gets a prior from its share (how often that wording stood for
  that original); any other edit is weighed against what the spinner leaves alone (a word
  the copies keep verbatim is rarely a swap, nor the original of one) and what it always
  replaces (an original the spinner always turns into something else cannot be the
  original of this wording). The language model's gain is a feature of both, so a learned
  pair never overrides strong context evidence.

A site's profile is used for that site's copies only; a text from another site, or of
unknown origin, gets only the pairs imported for every site (:func:`imported_rows`). The
weights are fitted by ``scripts/calibrate_learned.py`` on dev data
(``data/learned_params.json``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unspin.candidates import NUMBER_WORDS
from unspin.engine import _logit, _sigmoid, read_params_file
from unspin.learn import _WORD_RE, GLOBAL, MAX_WEIGHT, _norm, inflections, site_name

__all__ = ["LearnedParams", "SpinnerProfile", "imported_rows", "profile_from_index"]

_Row = tuple[str, str, str, int, int, int]  # (site, spun, original, count, copies, seen)

LEARNED_FEATURES = (
    "share_logit", "base_rate_logit", "log_seen", "lm_gain", "lm_against", "conf_logit", "phrase",
    "reads_like",
)
OTHER_FEATURES = (
    "conf_logit", "kept", "always_replaced", "spun_form_of_other", "lm_gain", "reads_like",
    "original_kept",
)


@dataclass
class LearnedParams:
    """Weights of the two edit models and the reads-like threshold (see the module doc)."""

    learned_weights: list[float] = field(
        default_factory=lambda: [0.3, 0.0, 0.0, 0.4, 0.0, 0.7, 0.0, 0.0]
    )
    learned_bias: float = 0.0
    other_weights: list[float] = field(
        default_factory=lambda: [0.9, -0.5, -1.0, 0.0, 0.0, 0.0, 0.0]
    )
    other_bias: float = -0.4
    min_reads_like: float = 0.0  # mean log-likelihood ratio per word
    min_confidence: float = 0.85

    @classmethod
    def load(cls, path: Path | None = None) -> LearnedParams:
        data = read_params_file("learned_params.json", path)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class SpinnerProfile:
    """One site's learned spinner (or every site's, under :data:`unspin.learn.GLOBAL`)."""

    def __init__(
        self,
        rows: Iterable[_Row],
        words: dict[str, tuple[int, int, int]] | None = None,
        site: str = GLOBAL,
        params: LearnedParams | None = None,
    ) -> None:
        self.site = site
        self.params = params or LearnedParams.load()
        self.pairs: dict[tuple[str, str], tuple[int, int]] = {}  # surface forms -> (count, seen)
        self.swapped_from: Counter[str] = Counter()  # spun form -> times it was a swap
        self.swapped_to: Counter[str] = Counter()  # original form -> times it was swapped
        self.originals: dict[str, set[str]] = defaultdict(set)  # spun form -> its originals
        for s, spun, orig, count, _copies, seen in rows:
            if s != site:
                continue
            for fs, fo in inflections(spun, orig):
                c, n = self.pairs.get((fs, fo), (0, 0))
                self.pairs[(fs, fo)] = (c + count, max(n, seen, c + count))
                self.swapped_from[fs] += count
                self.swapped_to[fo] += count
                self.originals[fs].add(fo)
        self.words = words or {}
        self.copy_words = sum(c for c, _v, _s in self.words.values())
        self.source_words = sum(s for _c, _v, s in self.words.values())
        # log10 unigram probability of a word in general English (the engine sets its
        # n-gram model's); used to weigh how common an original is against its spun form
        self.unigram: Callable[[str], float] | None = None
        self._signature_forms: set[str] | None = None

    def __bool__(self) -> bool:
        return bool(self.pairs)

    # ------------------------------------------------------------------ the gate

    def reads_like(self, text: str) -> float:
        """Mean log-likelihood ratio per word of ``text`` under the farm's copies against their
        sources (add-half smoothing; words seen fewer than 3 times are skipped). Positive:
        reads like the farm's output. Without word statistics (only imported pairs), the
        share of words that are the spinner's signature wordings instead, minus 1 per 100."""
        toks = [w.lower() for w in _WORD_RE.findall(text)]
        if not toks:
            return 0.0
        if not self.copy_words or not self.source_words:
            from unspin.learn import MIN_EVIDENCE, evidence

            return (evidence(text, self._signature()) - MIN_EVIDENCE) / 100
        lf, lc = math.log(self.copy_words), math.log(self.source_words)
        total = 0.0
        for w in toks:
            got = self.words.get(w)
            if got is None or got[0] + got[2] < 3:
                continue
            total += math.log(got[0] + 0.5) - lf - math.log(got[2] + 0.5) + lc
        return total / len(toks)

    def _signature(self) -> set[str]:
        """The spinner's signature wordings, for a profile without word statistics."""
        if self._signature_forms is None:
            from unspin.learn import signature_forms

            rows = [(self.site, a, b, c, 0, n) for (a, b), (c, n) in self.pairs.items()]
            self._signature_forms = signature_forms(rows, self.site)
        return self._signature_forms

    def matches(self, text: str) -> bool:
        return self.reads_like(text) >= self.params.min_reads_like

    # ------------------------------------------------------------------ candidates

    def table(self) -> dict[str, dict[str, int]]:
        """Every learned pair as an extra spinner-table entry (spun -> original -> weight, the
        count capped at :data:`unspin.learn.MAX_WEIGHT`): the lattice then holds them all, and
        :meth:`confidence` decides."""
        out: dict[str, dict[str, int]] = {}
        for (spun, orig), (count, _seen) in self.pairs.items():
            out.setdefault(spun, {})[orig] = min(MAX_WEIGHT, count)
        return out

    # ------------------------------------------------------------------ decisions

    def features(
        self, spun: str, original: str, confidence: float, lm_gain: float, reads_like: float
    ) -> tuple[bool, list[float]]:
        """(is a learned pair, the features of its model; see LEARNED_FEATURES and
        OTHER_FEATURES). ``reads_like``: the document's :meth:`reads_like` score."""
        y, x = _norm(spun), _norm(original)
        doc = max(-1.0, min(1.0, 10 * reads_like))
        conf = _logit(confidence)
        lm = max(-8.0, min(8.0, lm_gain))
        known = self.pairs.get((y, x))
        if known is not None:
            count, seen = known
            return True, [_logit(_share(count, seen)), self._base_rate_logit(y, x, count),
                          math.log1p(seen), lm, max(0.0, -lm), conf, 1.0 if " " in y else 0.0,
                          doc]
        kept = always = 0.0
        if " " not in y:
            n_copies, verbatim, _ = self.words.get(y, (0, 0, 0))
            if n_copies:
                kept = verbatim / n_copies * math.log1p(n_copies)
        original_kept = 0.0
        if " " not in x:
            _, x_verbatim, n_sources = self.words.get(x, (0, 0, 0))
            if n_sources:
                always = min(1.0, self.swapped_to.get(x, 0) / n_sources) * math.log1p(n_sources)
                # a farm that keeps the original where its sources have it has no swap for it
                original_kept = min(1.0, x_verbatim / n_sources) * math.log1p(n_sources)
        other = 1.0 if self.originals.get(y) else 0.0
        return False, [conf, kept, always, other, lm, doc, original_kept]

    def _base_rate_logit(self, spun: str, original: str, count: int) -> float:
        """Log-odds that a ``spun`` in a new copy is the spinner's rendering of ``original``
        rather than ``spun`` itself, from how common each is in general English and how the
        farm treats them: P(original) x share of the original's occurrences swapped to it,
        against P(spun) x share of the spun wording's own occurrences that it keeps. Unlike
        the learned share, this does not depend on the topics of the copies learned from."""
        if self.unigram is None:
            return 0.0
        u = self.unigram

        def logp(phrase: str) -> float:
            return sum(u(w) for w in phrase.split())

        _, _, x_sources = self.words.get(original, (0, 0, 0))
        _, y_verbatim, y_sources = self.words.get(spun, (0, 0, 0))
        swapped = (count + 0.5) / (max(x_sources, count) + 1)
        kept = (y_verbatim + 0.5) / (max(y_sources, y_verbatim) + 1)
        return max(-10.0, min(10.0, (logp(original) - logp(spun)) * math.log(10)
                              + math.log(swapped) - math.log(kept)))

    def blind_share(self, spun: str, original: str) -> float | None:
        """For a learned pair the language model cannot judge, because it reads both sides
        as the same words (a digit and its number word: "2" -> "two"), the share of the
        spun wording's occurrences in the farm's copies that stood for the original (where a
        digit may be a number spelled out: "2 March" and "2-1" are not counted): the
        probability of the edit, since context gives no evidence either way. None for any
        other pair."""
        y, x = _norm(spun), _norm(original)
        if not (y.isdigit() and int(y) < len(NUMBER_WORDS) and NUMBER_WORDS[int(y)] == x):
            return None
        known = self.pairs.get((y, x))
        if known is None:
            return None
        return _share(*known)

    def confidence(
        self, spun: str, original: str, confidence: float, lm_gain: float, reads_like: float
    ) -> float:
        """The edit's confidence under this profile (see :meth:`features`; for a pair the
        language model cannot judge, :meth:`blind_share`)."""
        share = self.blind_share(spun, original)
        if share is not None:
            return share
        learned, f = self.features(spun, original, confidence, lm_gain, reads_like)
        p = self.params
        w, b = (
            (p.learned_weights, p.learned_bias) if learned else (p.other_weights, p.other_bias)
        )
        return _sigmoid(b + sum(wi * fi for wi, fi in zip(w, f, strict=True)))

    def evidence(self, spun: str, original: str) -> dict[str, Any]:
        """What the edit's report says of the profile."""
        known = self.pairs.get((_norm(spun), _norm(original)))
        if known is None:
            return {"site": self.site}
        return {"site": self.site, "learned_count": known[0], "learned_seen": known[1]}


def _share(count: int, seen: int) -> float:
    """How often the spun wording stood for the original in the farm's copies (add-one)."""
    return (count + 1) / (max(seen, count) + 2)


def imported_rows(rows: Iterable[_Row]) -> list[_Row]:
    """The :data:`GLOBAL` rows of pairs imported for every site (``learn --import`` without
    ``--site``), not learned from any one site's copies."""
    rows = list(rows)
    learned = {(r[1], r[2]) for r in rows if r[0] != GLOBAL}
    return [r for r in rows if r[0] == GLOBAL and (r[1], r[2]) not in learned]


def profile_from_index(index: Any, site: str | None) -> SpinnerProfile | None:
    """The profile for copies from ``site`` in ``index`` (an open :class:`unspin.index.Index`):
    the site's own when it has learned pairs. For another site, or none given, only the pairs
    imported for every site (:func:`imported_rows`): one farm's dictionary choices, applied
    to another spinner's copies, become wrong edits. None when nothing applies."""
    rows = index.learned()
    if not rows:
        return None
    sites = {r[0] for r in rows}
    if site not in sites:
        site = site_name(site)
    if site is not None and site != GLOBAL and site in sites:
        words = index.site_words(site) if hasattr(index, "site_words") else {}
        return SpinnerProfile(rows, words, site=site)
    imported = imported_rows(rows)
    return SpinnerProfile(imported, {}, site=GLOBAL) if imported else None
