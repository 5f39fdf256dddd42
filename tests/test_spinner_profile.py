"""Tests for unspin.spinner_profile: the learned model of one content farm's spinner."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.engine import Engine
from unspin.index import Index
from unspin.learn import GLOBAL
from unspin.spinner_profile import (
    LEARNED_FEATURES,
    OTHER_FEATURES,
    LearnedParams,
    SpinnerProfile,
    imported_rows,
    profile_from_index,
)

SITE = "farm.example"

# the farm writes "mentioned" for "said" (every time), "individuals" for "people" (nearly
# every time) and sometimes "within" for "in"
ROWS = [
    (SITE, "mention", "say", 40, 30, 40),
    (SITE, "individual", "people", 18, 12, 20),
    (SITE, "within", "in", 10, 8, 200),
    (GLOBAL, "mention", "say", 40, 30, 40),
    (GLOBAL, "individual", "people", 18, 12, 20),
    (GLOBAL, "within", "in", 10, 8, 200),
]
# word -> (in the copies, of them verbatim, in the copies' sources)
WORDS = {
    "mentioned": (40, 0, 1),
    "said": (0, 0, 40),
    "individuals": (20, 2, 2),
    "people": (2, 2, 20),
    "within": (200, 190, 192),
    "in": (800, 800, 810),
    "the": (2000, 1990, 2000),
    "council": (30, 30, 30),
    "harbour": (12, 12, 12),
}

PARAMS = LearnedParams(
    learned_weights=[1.0, 0.0, 0.0, 0.3, -1.0, 0.5, 0.0, 0.0],
    learned_bias=0.0,
    other_weights=[1.0, -1.0, -1.0, 0.0, 0.0, 0.0, -1.0],
    other_bias=0.0,
    min_reads_like=0.0,
    min_confidence=0.85,
)


def profile(**kw) -> SpinnerProfile:
    return SpinnerProfile(ROWS, WORDS, site=SITE, params=kw.pop("params", PARAMS), **kw)


def test_shapes_of_the_shipped_parameters() -> None:
    p = LearnedParams.load()
    assert len(p.learned_weights) == len(LEARNED_FEATURES)
    assert len(p.other_weights) == len(OTHER_FEATURES)
    w = dict(zip(LEARNED_FEATURES, p.learned_weights, strict=True))
    assert w["share_logit"] > 0  # a pair the farm nearly always makes is more likely right
    assert w["lm_against"] < 0  # strong context evidence against it weighs
    assert w["conf_logit"] > 0
    o = dict(zip(OTHER_FEATURES, p.other_weights, strict=True))
    assert o["kept"] < 0  # a word the farm keeps verbatim is rarely a swap
    assert o["original_kept"] < 0  # nor the original of one
    assert 0.5 <= p.min_confidence < 1.0


def test_pairs_hold_every_inflected_form_with_their_counts() -> None:
    prof = profile()
    assert prof.pairs[("mentioned", "said")] == (40, 40)
    assert prof.pairs[("mentions", "says")] == (40, 40)
    assert prof.pairs[("individuals", "people")] == (18, 20)
    assert ("within", "in") in prof.pairs
    assert prof.table()["mentioned"] == {"said": 20}  # the count, capped at MAX_WEIGHT
    # the global rows are a profile of their own, not added to the site's
    assert SpinnerProfile(ROWS, WORDS, site=GLOBAL).pairs[("mentioned", "said")] == (40, 40)


def test_reads_like_tells_the_farms_output_from_its_sources() -> None:
    prof = profile()
    farm = "The council mentioned that individuals in the harbour had been told."
    source = "The council said that people in the harbour had been told."
    assert prof.reads_like(farm) > 0 > prof.reads_like(source)
    assert prof.matches(farm) and not prof.matches(source)
    assert prof.reads_like("") == 0.0
    # words it has no statistics for count for nothing
    assert prof.reads_like("Zebras graze quietly.") == 0.0


def test_reads_like_without_word_statistics_counts_signature_words() -> None:
    prof = SpinnerProfile(ROWS, None, site=SITE, params=PARAMS)  # imported pairs only
    assert prof.matches("The council mentioned it, and officials mentioned it again.")
    assert not prof.matches("The council said it, and officials said it again today.")


def test_a_pair_the_farm_nearly_always_makes_is_confident() -> None:
    prof = profile()
    always = prof.confidence("mentioned", "said", 0.7, 1.0, 0.1)
    sometimes = prof.confidence("within", "in", 0.7, 1.0, 0.1)
    assert always > 0.85 > sometimes
    learned, feats = prof.features("mentioned", "said", 0.7, 1.0, 0.1)
    assert learned and len(feats) == len(LEARNED_FEATURES)


def test_strong_context_evidence_overrides_a_learned_pair() -> None:
    prof = profile()
    assert prof.confidence("mentioned", "said", 0.7, 1.0, 0.1) > 0.85
    assert prof.confidence("mentioned", "said", 0.7, -6.0, 0.1) < 0.5


def test_an_edit_of_a_word_the_farm_keeps_loses_confidence() -> None:
    prof = profile()
    learned, feats = prof.features("council", "assembly", 0.9, 1.0, 0.1)
    assert not learned and len(feats) == len(OTHER_FEATURES)
    kept = prof.confidence("council", "assembly", 0.9, 1.0, 0.1)
    unknown = prof.confidence("zebra", "horse", 0.9, 1.0, 0.1)
    assert kept < unknown
    assert unknown == pytest.approx(0.9, abs=1e-6)  # nothing known: the confidence stands


def test_an_original_the_farm_always_replaces_cannot_be_restored_from_another_word() -> None:
    prof = profile()
    # "said" always becomes "mentioned": a "stated" in the farm's copy was not a "said"
    assert prof.confidence("stated", "said", 0.9, 1.0, 0.1) < prof.confidence(
        "stated", "claimed", 0.9, 1.0, 0.1
    )


def test_an_original_the_farm_keeps_is_rarely_the_original_of_another_word() -> None:
    prof = profile()
    # "council" stands in the farm's copies wherever its sources have it: the farm has no
    # swap for it, so "assembly" in a copy was not spun from "council"
    kept = prof.confidence("assembly", "council", 0.9, 1.0, 0.1)
    unknown = prof.confidence("assembly", "parliament", 0.9, 1.0, 0.1)
    assert kept < unknown == pytest.approx(0.9, abs=1e-6)


def test_profile_from_index_prefers_the_sites_own(tmp_path: Path) -> None:
    with Index(tmp_path / "news.db") as idx:
        assert profile_from_index(idx, SITE) is None  # nothing learned
        idx.replace_learned(ROWS + [("other.example", "state", "say", 3, 2, 3),
                                    (GLOBAL, "state", "say", 3, 2, 3)])
        idx.replace_site_words([(SITE, w, *c) for w, c in WORDS.items()])
        own = profile_from_index(idx, SITE)
        assert own is not None and own.site == SITE and ("stated", "said") not in own.pairs
        # a site is named as in its URL: case and a leading "www." do not matter
        assert profile_from_index(idx, "WWW.Farm.Example").site == SITE
        assert own.words == WORDS
        # each pair is one farm's choice: none applies to a third site's copies, or to a text
        # whose site is not known
        assert profile_from_index(idx, "unknown.example") is None
        assert profile_from_index(idx, None) is None


def test_copies_of_other_sites_get_only_the_pairs_imported_for_every_site(
    tmp_path: Path,
) -> None:
    rows = [
        (SITE, "mention", "say", 40, 30, 40),
        ("other.example", "mention", "say", 5, 4, 5),
        (GLOBAL, "mention", "say", 45, 34, 45),
        (GLOBAL, "spherical", "round", 7, 0, 7),  # imported for every site
    ]
    assert [(r[1], r[2]) for r in imported_rows(rows)] == [("spherical", "round")]
    with Index(tmp_path / "news.db") as idx:
        idx.replace_learned(rows)
        for site in ("third.example", None):
            prof = profile_from_index(idx, site)
            assert prof is not None and prof.site == GLOBAL
            assert ("spherical", "round") in prof.pairs
            # learned on two sites, but each time one farm's choice
            assert ("mentioned", "said") not in prof.pairs
        own = profile_from_index(idx, SITE)
        assert own is not None and ("mentioned", "said") in own.pairs
        assert ("spherical", "round") not in own.pairs


def test_engine_reports_the_profile_in_each_edit() -> None:
    import unspin

    base = unspin.get_engine(fast=True)
    prof = profile()
    eng = Engine(lexicon=base.lexicon.with_table(prof.table()), lm=base.lm, params=base.params,
                 profile=prof)
    assert prof.unigram is not None  # the engine lends its n-gram model
    text = "The council mentioned on Monday that the harbour would reopen next week."
    rep = eng.check(text)
    assert rep.edits and all(e.evidence["spinner"]["site"] == SITE for e in rep.edits)
    said = [e for e in rep.edits if e.spun == "mentioned"]
    assert said and said[0].original == "said"
    assert said[0].evidence["spinner"] == {"site": SITE, "learned_count": 40, "learned_seen": 40}


def test_a_learned_digit_is_as_likely_a_word_as_its_share_says() -> None:
    # the language model reads "3" as "three": it cannot judge the edit, the share does
    rows = [(SITE, "3", "three", 34, 30, 35), (SITE, "5", "five", 14, 12, 21), *ROWS]
    prof = SpinnerProfile(rows, WORDS, site=SITE, params=PARAMS)
    assert prof.blind_share("3", "three") == pytest.approx(35 / 37)
    assert prof.confidence("3", "three", 0.1, 0.0, 0.1) == pytest.approx(35 / 37)
    assert prof.confidence("5", "five", 0.9, 0.0, 0.1) == pytest.approx(15 / 23)
    assert prof.blind_share("mentioned", "said") is None  # the language model can judge it
    assert prof.blind_share("7", "seven") is None  # never learned


def test_engine_restores_a_learned_digit_only_where_it_can_be_a_word() -> None:
    import unspin

    base = unspin.get_engine(fast=True)
    rows = [(SITE, "3", "three", 34, 30, 35), *ROWS]
    prof = SpinnerProfile(rows, WORDS, site=SITE, params=PARAMS)
    eng = base.derive(prof.table(), profile=prof)
    text = "The council met 3 residents on Monday, and the home side won 3-1 in Doom 3 later."
    got = [(e.spun, e.original, text[e.start - 4 : e.end]) for e in eng.check(text).edits]
    assert ("3", "three", "met 3") in got
    assert all(spun != "3" for spun, _, ctx in got if ctx != "met 3")
    # without the learned pair the digit stays
    assert all(e.spun != "3" for e in base.check(text).edits)
