import math

import pytest

from unspin.candidates import N_FEATURES, Candidate
from unspin.decode import decode_sentence
from unspin.lm import NGramLM


@pytest.fixture(scope="module")
def lm():
    return NGramLM()


def cand(i, j, words, source="table"):
    return Candidate(i, j, tuple(words), " ".join(words), "x", source, [0.0] * N_FEATURES)


def test_a_candidate_that_fits_the_context_wins(lm):
    lows = "it was the latest spherical of talks".split()
    c = cand(4, 5, ["round"])
    (d,) = decode_sentence(lm, lows, [c], [-1.0], lm_weight=1.0)
    assert d.cand is c
    assert d.lm_gain > 1.0
    assert d.margin_keep == pytest.approx(d.lm_gain - 1.0)
    assert 0.5 < d.posterior < 1.0
    assert math.isinf(d.margin_alt)


def test_a_large_edit_cost_keeps_the_spun_words(lm):
    lows = "it was the latest spherical of talks".split()
    assert decode_sentence(lm, lows, [cand(4, 5, ["round"])], [-50.0], lm_weight=1.0) == []


def test_joint_decoding_of_neighbouring_edits(lm):
    lows = "the supply mentioned that it was over".split()
    cands = [cand(1, 2, ["source"]), cand(2, 3, ["said"]), cand(1, 3, ["source", "said"])]
    got = decode_sentence(lm, lows, cands, [-0.5, -0.5, -0.5], lm_weight=1.0)
    restored = list(lows)
    for d in sorted(got, key=lambda d: -d.cand.i):
        restored[d.cand.i : d.cand.j] = d.cand.words
    assert restored[:3] == ["the", "source", "said"]


def test_competing_originals_share_the_posterior(lm):
    lows = "they made a phone name yesterday".split()
    good, bad = cand(4, 5, ["call"]), cand(4, 5, ["title"])
    (d,) = decode_sentence(lm, lows, [good, bad], [-0.5, -0.5], lm_weight=1.0)
    assert d.cand is good
    assert d.margin_alt > 0
    alone = decode_sentence(lm, lows, [good], [-0.5], lm_weight=1.0)[0]
    assert d.posterior < alone.posterior


def test_no_candidates_no_edits(lm):
    assert decode_sentence(lm, ["hello", "world"], [], [], lm_weight=1.0) == []
