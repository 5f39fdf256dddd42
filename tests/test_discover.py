"""unspin.discover: unlisted tortured phrases from list-learned word swaps and a science LM.

Small Discoverers are built from pairs and counts written here (``count_ngrams`` over
sentences written for these tests); the bundled one (bundled counts, synonyms and the
fingerprint list's pairs) is loaded once per module.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields

import pytest

from unspin.discover import (
    Discoverer,
    Discovery,
    DiscoveryParams,
    listed_phrase_pairs,
    listed_word_pairs,
)
from unspin.fingerprints import FingerprintList
from unspin.lm import NGramLM
from unspin.scicounts import count_ngrams, term_followers

PAIRS = [("irregular woodland", "random forest")]
SENTENCES = [
    "We trained a random forest on the training data.",
    "The random forest was fit to the data with ten trees.",
    "A random forest is an ensemble of decision trees.",
    "We compare the random forest with a linear model.",
    "Each random forest used one hundred trees.",
    "The data were split into a training set and a test set.",
    "We fit a linear model to the data.",
]
# the plural is a known term too, so that an inflected swap can be scored
PLURAL_SENTENCES = [
    *SENTENCES,
    "We trained random forests on the training data.",
    "Random forests were fit to the data.",
    "Two random forests were compared with a linear model.",
]
SPUN = "We fit an irregular woodland to the data."


@pytest.fixture(scope="module")
def news() -> NGramLM:
    return NGramLM()


@pytest.fixture(scope="module")
def small(news: NGramLM) -> Discoverer:
    """Default (not the bundled, refittable) parameters: the test does not move with a refit."""
    return Discoverer(PAIRS, counts=count_ngrams(SENTENCES), news_lm=news, params=DiscoveryParams())


@pytest.fixture(scope="module")
def bundled() -> Discoverer:
    fl = FingerprintList.bundled()
    return Discoverer((f.tortured, f.expected) for f in fl)


def check_offsets(text: str, found: list[Discovery]) -> None:
    for d in found:
        assert text[d.start : d.end] == d.found
        assert 0.5 < d.confidence <= 1.0
        assert math.isfinite(d.gain)


# --------------------------------------------------------------------------- listed pairs


def test_listed_word_pairs_learns_swaps_from_equal_length_pairs() -> None:
    got = listed_word_pairs(
        [
            ("irregular woodland", "random forest"),
            ("Irregular timberland", "random forest"),
            ("concealed layer", "hidden layer"),
        ]
    )
    assert got["irregular"] == {"random": 2}
    assert got["woodland"] == {"forest": 1}
    assert got["timberland"] == {"forest": 1}
    assert got["concealed"] == {"hidden": 1}
    assert "layer" not in got  # unchanged words teach nothing


def test_listed_word_pairs_folds_lemmas() -> None:
    got = listed_word_pairs(
        [("concealed layers", "hidden layers"), ("irregular woodlands", "random forests")]
    )
    assert got["concealed"] == {"hidden": 1}
    assert got["\x00conceal"] == {"hide": 1}  # lemma level: conceals -> hides, ...
    assert got["woodlands"] == {"forests": 1}
    assert got["\x00woodland"] == {"forest": 1}


def test_listed_word_pairs_ignores_unequal_lengths_and_stopwords() -> None:
    got = listed_word_pairs(
        [
            ("counterfeit consciousness", "artificial general intelligence"),  # 2 vs 3 words
            ("the woodland", "a forest"),  # the/a: stopwords
            ("", ""),
            ("of irregular", "of random"),
        ]
    )
    assert "counterfeit" not in got and "consciousness" not in got
    assert "the" not in got and "of" not in got
    assert got["woodland"] == {"forest": 1}
    assert got["irregular"] == {"random": 1}


def test_listed_phrase_pairs_peel_shared_and_swapped_words_off_the_ends() -> None:
    got = listed_phrase_pairs(
        [
            ("machine gaining knowledge", "machine learning"),
            ("device gaining knowledge", "machine learning"),  # device -> machine: a word swap
            ("device mastering", "machine learning"),
            ("skin malignant growth", "skin cancer"),
            ("recognizable proof", "identification"),
            ("irregular woodland", "random forest"),  # equal lengths: word swaps, no phrase
            ("of the", "of"),  # only a stop word would be left
        ]
    )
    assert got[("gaining", "knowledge")] == {"learning": 2}
    assert got[("malignant", "growth")] == {"cancer": 1}
    assert got[("recognizable", "proof")] == {"identification": 1}
    assert ("irregular", "woodland") not in got and ("irregular",) not in got
    assert ("the",) not in got and ("of", "the") not in got


SCIENCE = [
    "We trained a deep learning model on the images.",
    "We compare supervised learning with a linear model.",
    "Supervised learning needs labelled training data.",
    "Deep learning models need large training sets.",
    "A deep learning model was compared with a linear model.",
    "The hidden layer of the network has ten units.",
    "Each hidden layer used one hundred units.",
    "The network has a hidden layer and an output layer.",
]


def test_a_listed_phrase_swap_restores_a_two_word_spin_of_one_word(news: NGramLM) -> None:
    """"gaining knowledge" for "learning", learnt from another term of the list, restores a
    term the list never held; a one-word-at-a-time search cannot spell it."""
    pairs = [("machine gaining knowledge", "machine learning")]
    d = Discoverer(pairs, counts=count_ngrams(SCIENCE), followers=term_followers(SCIENCE),
                   news_lm=news, params=DiscoveryParams(threshold=1.0))
    text = "We trained a deep gaining knowledge model on the images."
    [found] = d.discover(text)
    check_offsets(text, [found])
    assert (found.found, found.expected) == ("gaining knowledge", "learning")
    assert found.evidence["sources"] == ["listed"]
    # the gain split into the language model's part and the listed swap's prior
    p = DiscoveryParams()
    listed = p.listed_phrase + p.listed_count * math.log10(2)  # listed once
    assert found.evidence["prior"] == pytest.approx(listed, abs=1e-3)
    lm_gain, prior = found.evidence["lm_gain"], found.evidence["prior"]
    assert isinstance(lm_gain, float) and isinstance(prior, float)
    assert lm_gain + prior == pytest.approx(found.gain, abs=2e-3)
    assert d.discover("We trained a deep learning model on the images.") == []


def test_term_search_reaches_synonyms_beyond_the_beam(news: NGramLM) -> None:
    """"supervised" is the 55th thesaurus synonym of "regulated": past the beam's 20, but the
    term search walks all 60 through the known terms and finds "supervised learning"."""
    counts, fol = count_ngrams(SCIENCE), term_followers(SCIENCE)
    text = "We compare regulated learning with a linear model."

    def found(term_synonyms: int, followers: dict[int, frozenset[int]]) -> list[tuple[str, str]]:
        d = Discoverer([], counts=counts, followers=followers, news_lm=news,
                       params=DiscoveryParams(threshold=0.5, term_synonyms=term_synonyms))
        return [(x.found, x.expected) for x in d.discover(text)]

    assert found(60, fol) == [("regulated", "supervised")]  # "learning" kept
    assert found(0, fol) == []  # the beam alone


def test_term_count_prior_raises_the_gain_of_a_frequent_term(news: NGramLM) -> None:
    counts, fol = count_ngrams(SENTENCES), term_followers(SENTENCES)
    gains = []
    for tc in (0.0, 2.0):
        d = Discoverer(PAIRS, counts=counts, followers=fol, news_lm=news,
                       params=DiscoveryParams(threshold=-50, term_count=tc))
        [g] = [x.gain for x in d.discover(SPUN) if x.expected == "random forest"]
        gains.append(g)
    # "random forest" occurs five times, and once more as the list's expected phrase
    assert gains[1] - gains[0] == pytest.approx(2 * math.log10(1 + 6), abs=2e-3)


def test_with_params_rebuilds_the_caches_that_depend_on_the_priors(small: Discoverer) -> None:
    before = dict((o, pr) for o, pr, _s in small.options("woodland"))
    strong = small.with_params(DiscoveryParams(listed_pair=5.0))
    after = dict((o, pr) for o, pr, _s in strong.options("woodland"))
    assert after["forest"] > before["forest"]
    assert strong.lm is small.lm  # the model and its caches are shared
    assert dict((o, pr) for o, pr, _s in small.options("woodland")) == before


def test_listed_pair_generalises_from_plural_to_singular(news: NGramLM) -> None:
    d = Discoverer(
        [("irregular woodlands", "random forests")],
        counts=count_ngrams(PLURAL_SENTENCES),
        news_lm=news,
        params=DiscoveryParams(),
    )
    assert ("forest", "listed") in [(o, s) for o, _p, s in d.options("woodland")]
    [found] = d.discover(SPUN)
    assert found.expected == "random forest"


def test_listed_pair_generalises_from_singular_to_plural(news: NGramLM) -> None:
    d = Discoverer(
        PAIRS, counts=count_ngrams(PLURAL_SENTENCES), news_lm=news, params=DiscoveryParams()
    )
    assert ("forests", "listed") in [(o, s) for o, _p, s in d.options("woodlands")]


# --------------------------------------------------------------------------- small model


def test_restores_a_constructed_tortured_phrase(small: Discoverer) -> None:
    found = small.discover(SPUN)
    check_offsets(SPUN, found)
    assert len(found) == 1
    d = found[0]
    assert d.found == "irregular woodland"
    assert d.expected == "random forest"
    assert (d.start, d.end) == (SPUN.index("irregular"), SPUN.index(" to"))
    assert d.gain >= small.params.threshold
    assert "listed" in d.evidence["sources"]


def test_options_come_from_the_listed_pairs(small: Discoverer) -> None:
    opts = small.options("irregular")
    assert opts[0][0] == "random" and opts[0][2] == "listed"
    assert opts == small.options("irregular")  # cached, same answer
    assert all(o != "irregular" for o, _p, _s in opts)


def test_clean_sentences_from_the_same_vocabulary_are_not_flagged(small: Discoverer) -> None:
    for text in [
        "We fit a random forest to the data.",
        *SENTENCES,
        "The woodland plots were sampled at irregular intervals.",
    ]:
        assert small.discover(text) == [], text


def test_quoted_words_are_left_alone(small: Discoverer) -> None:
    assert small.discover('We fit an "irregular woodland" to the data.') == []
    assert small.discover("We fit an \u201cirregular woodland\u201d to the data.") == []


def test_a_title_cased_term_mid_sentence_is_restored_in_title_case(small: Discoverer) -> None:
    # papers write terms in title case and spinners keep it: "an Irregular Woodland (IW)"
    text = "We fit an Irregular Woodland (IW) to the data."
    [d] = small.discover(text)
    check_offsets(text, [d])
    assert d.found == "Irregular Woodland" and d.expected == "Random Forest"
    # a first capital only is kept as it is
    [d] = small.discover("We fit an Irregular woodland to the data.")
    assert d.expected == "Random forest"


def test_acronyms_and_inner_capitals_are_left_alone(small: Discoverer) -> None:
    assert small.discover("We fit an IRREGULAR WOODLAND to the data.") == []
    assert small.discover("We fit an IrreGular WoodLand to the data.") == []


def test_capitalised_first_word_of_a_sentence_is_searched(small: Discoverer) -> None:
    # a capital at the sentence start is no name: found, and the expected phrase capitalised
    text = "Irregular woodland models were fit to the data."
    [d] = small.discover(text)
    check_offsets(text, [d])
    assert d.found == "Irregular woodland" and d.expected == "Random forest"


def test_each_sentence_is_searched_and_offsets_stay_true(small: Discoverer) -> None:
    text = "The data were split in two.\nThen we fit an irregular woodland to the data, twice."
    found = small.discover(text)
    check_offsets(text, found)
    assert [d.found for d in found] == ["irregular woodland"]
    assert found[0].start == text.index("irregular")


def test_threshold_and_confidence_scale(news: NGramLM, small: Discoverer) -> None:
    counts = count_ngrams(SENTENCES)
    strict = Discoverer(PAIRS, counts=counts, news_lm=news, params=DiscoveryParams(threshold=50))
    assert strict.discover(SPUN) == []
    [d] = small.discover(SPUN)
    # just under the gain: still found, with a confidence near 0.5
    low = Discoverer(
        PAIRS, counts=counts, news_lm=news, params=DiscoveryParams(threshold=d.gain - 0.01)
    )
    [d2] = low.discover(SPUN)
    assert d2.expected == d.expected
    assert 0.5 <= d2.confidence < d.confidence
    assert d2.confidence < 0.55
    # just over it: gone
    high = Discoverer(
        PAIRS, counts=counts, news_lm=news, params=DiscoveryParams(threshold=d.gain + 0.01)
    )
    assert high.discover(SPUN) == []


def test_discovery_params_bundled_reads_the_data_file() -> None:
    from importlib import resources

    path = resources.files("unspin") / "data" / "discovery_params.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw = raw.get("params", raw)
    p = DiscoveryParams.bundled()
    names = {f.name for f in fields(DiscoveryParams)}
    for name, value in raw.items():
        if name in names:
            assert getattr(p, name) == value, name
    assert p.threshold > 0
    # the bundled Discoverer uses them unless told otherwise
    assert Discoverer([], counts={}, news_lm=NGramLM()).params == p


# --------------------------------------------------------------------------- bundled model


def test_bundled_restores_irregular_woodland(bundled: Discoverer) -> None:
    text = "The irregular woodland classifier outperforms logistic regression on every data set."
    found = bundled.discover(text)
    check_offsets(text, found)
    hits = [d for d in found if d.found == "irregular woodland"]
    assert len(hits) == 1, found
    assert hits[0].expected.startswith("random forest")


def test_bundled_restores_a_second_spinning_of_the_same_term(bundled: Discoverer) -> None:
    text = "An irregular timberland model was fitted to the training data."
    found = bundled.discover(text)
    check_offsets(text, found)
    assert [d.found for d in found] == ["irregular timberland"]
    assert found[0].expected.startswith("random forest")


@pytest.mark.parametrize(
    "text",
    [
        "We trained a random forest on the data.",
        "A hidden layer of sixty units was added before the output layer.",
        "The samples were stored at four degrees and weighed every morning.",
        "We report the mean error over five runs and the standard deviation.",
        "The network was trained for twenty epochs with a small learning rate.",
    ],
)
def test_bundled_leaves_clean_technical_sentences_alone(bundled: Discoverer, text: str) -> None:
    assert bundled.discover(text) == []


class _PrefersPhrase:
    """A sentence scorer that likes texts holding ``phrase`` (accurate mode's interface)."""

    def __init__(self, phrase: str) -> None:
        self.phrase = phrase
        self.calls = 0

    def score(self, texts: list[str]) -> list[float]:
        self.calls += 1
        return [-1.0 if self.phrase in t else -20.0 for t in texts]


def test_accurate_mode_lets_the_sentence_scorer_decide() -> None:
    pairs = [("irregular woodland", "random forest")]
    counts = count_ngrams(["We fit a random forest to the data."] * 5)
    text = "We fit an irregular woodland to the data. The weather was fine."
    likes = _PrefersPhrase("random forest")
    d = Discoverer(pairs, counts=counts, neural=likes)
    [found] = d.discover(text)
    assert (found.found, found.expected) == ("irregular woodland", "random forest")
    assert found.evidence["neural_gain"] == 19.0
    assert likes.calls == 1  # one batch per document
    dislikes = _PrefersPhrase("irregular woodland")
    assert Discoverer(pairs, counts=counts, neural=dislikes).discover(text) == []


COMPOUND_SENTENCES = [
    "We use meta-learning for few-shot tasks.",
    "Our meta-learning method adapts quickly.",
    "The meta-learning loop has two stages.",
]


def test_a_hyphenated_word_spun_part_by_part_gets_the_known_compound(news: NGramLM) -> None:
    pairs = [("profound studying", "deep learning")]  # teaches studying -> learning
    d = Discoverer(pairs, counts=count_ngrams(COMPOUND_SENTENCES), news_lm=news,
                   params=DiscoveryParams(threshold=-50))
    assert "meta-learning" in {o for o, _p, _s in d.options("meta-studying")}
    # a composition the statistics do not know is not proposed
    assert "meta-knowledge" not in {o for o, _p, _s in d.options("meta-studying")}
    gains = []
    for bonus in (0.0, 3.0):
        dd = d.with_params(DiscoveryParams(threshold=-50, compound=bonus))
        [g] = [x.gain for x in dd.discover("We propose a meta-studying method.")
               if x.expected == "meta-learning"]
        gains.append(g)
    assert gains[1] - gains[0] == pytest.approx(3.0, abs=1e-3)


def test_a_word_in_capitals_at_a_sentence_start_is_restored_in_capitals(
    small: Discoverer,
) -> None:
    # the core engine's casing rule: one spun word in capitals gets its original in capitals
    [d] = small.discover("IRREGULAR forest models were fit to the data.")
    assert d.found == "IRREGULAR" and d.expected == "RANDOM"
    # a phrase whose first word only is in capitals gets a capital first letter
    [d] = small.discover("IRREGULAR woodland models were fit to the data.")
    assert d.found == "IRREGULAR woodland" and d.expected == "Random forest"


def test_word_caches_are_bounded_and_answers_unchanged(
    news: NGramLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspin.discover as discover_module

    text = SPUN + " The unusual zorblax and quux words differ. " + SPUN
    d = Discoverer(PAIRS, counts=count_ngrams(SENTENCES), news_lm=news, params=DiscoveryParams())
    unbounded = d.discover(text)
    assert unbounded and len(d._options) > 3
    monkeypatch.setattr(discover_module, "WORD_CACHE_LIMIT", 3)
    small = Discoverer(PAIRS, counts=count_ngrams(SENTENCES), news_lm=news,
                       params=DiscoveryParams())
    for _ in range(2):  # the second time through, from a cache cleared on the way
        assert small.discover(text) == unbounded
        assert len(small._options) <= 3 and len(small._term_options) <= 3
