"""unspin.scicounts: hashed 1-3-gram counts and the SciCounts trigram model.

Every sentence here was written for these tests.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from pathlib import Path

import pytest

from unspin.lm import NGramLM
from unspin.scicounts import (
    SciCounts,
    bundled_counts_path,
    count_ngrams,
    counts_and_followers,
    key,
    load_counts,
    load_followers,
    save_counts,
    term_followers,
    words_of,
)

SENTENCES = [
    "We trained a random forest on the survey data.",
    "A random forest of fifty trees was fit to the data.",
    "The random forest was compared with a linear model.",
    "Each tree of the random forest saw a sample of the data.",
]
CONT = "\x01"  # prefix of the continuation-count keys
TOTAL = "\x02total"


@pytest.fixture(scope="module")
def news() -> NGramLM:
    return NGramLM()


@pytest.fixture(scope="module")
def model(news: NGramLM) -> SciCounts:
    return SciCounts(count_ngrams(SENTENCES), news)


# --------------------------------------------------------------------------- hashing


def test_key_is_a_fixed_64_bit_integer() -> None:
    # fixed values: a change of the hash would silently invalidate data/sci_counts.npz
    assert key("random forest") == 11714854983589692725
    assert key("") == 1  # crc32 0, adler32 1
    b = b"hidden layer"
    assert key("hidden layer") == (zlib.crc32(b) << 32) | zlib.adler32(b)
    assert 0 <= key("a b c") < 2**64
    assert key("random forest") == key("random forest")
    assert key("random forest") != key("random forests")


def test_words_of_lowercases_and_keeps_inner_hyphens() -> None:
    assert words_of("The Random-Forest's 3 trees, again.") == [
        "the",
        "random-forest's",
        "3",
        "trees",
        "again",
    ]


# --------------------------------------------------------------------------- counting


def test_count_ngrams_counts_one_to_three_grams() -> None:
    c = count_ngrams(["The random forest and the Random forest.", "Forest data"])
    assert c[key("the")] == 2
    assert c[key("random")] == 2
    assert c[key("forest")] == 3
    assert c[key("random forest")] == 2
    assert c[key("the random forest")] == 2
    assert c[key("forest and the")] == 1
    assert c[key("forest data")] == 1  # texts are counted separately: no gram across them...
    assert key("forest forest") not in c  # ... so the two texts do not join
    assert key("the random forest and") not in c  # no 4-grams
    assert c[key(TOTAL)] == 9  # word tokens
    assert c[key(CONT)] == 5  # distinct words: the, random, forest, and, data
    assert c[key(CONT + "random")] == 1  # "random" is followed by one distinct word
    assert c[key(CONT + "forest")] == 2  # "forest and", "forest data"
    assert c[key(CONT + "the random")] == 1


def test_count_ngrams_extra_terms_are_known() -> None:
    c = count_ngrams(
        ["We fit the model."], extra_terms=["support vector machine", "word", "one two three four"]
    )
    for gram in (
        "support",
        "vector",
        "machine",
        "support vector",
        "vector machine",
        "support vector machine",
    ):
        assert c[key(gram)] == 1, gram
    # single words and terms longer than three words are not terms
    assert key("word") not in c
    assert key("one two") not in c
    assert c[key(TOTAL)] == 4 + 3
    assert c[key("we fit")] == 1


def test_two_word_extra_term_counts_once() -> None:
    c = count_ngrams((), extra_terms=["random forest"])
    assert c[key("random")] == 1
    assert c[key("random forest")] == 1


def test_extra_term_probability_is_at_most_one(news: NGramLM) -> None:
    lm = SciCounts(count_ngrams((), extra_terms=["random forest"]), news)
    assert lm.cond("forest", None, "random") <= 0.0


def test_save_and_load_counts_round_trip(tmp_path: Path) -> None:
    counts = count_ngrams(SENTENCES, extra_terms=["decision tree"])
    counts[key("huge")] = 2**40  # clamped to what uint32 storage keeps
    path = tmp_path / "counts.npz"
    save_counts(counts, path)
    loaded = load_counts(path)
    assert all(isinstance(k, int) for k in loaded)
    assert loaded[key("huge")] == 2**31 - 1
    del counts[key("huge")], loaded[key("huge")]
    assert loaded == dict(counts)
    # a model over the loaded counts answers like one over the original counts
    news = NGramLM()
    a, b = SciCounts(counts, news), SciCounts(loaded, news)
    assert a.cond("forest", "a", "random") == b.cond("forest", "a", "random")


def test_term_followers_index_the_next_word_of_each_bigram_and_trigram_head() -> None:
    fol = term_followers(SENTENCES, extra_terms=["decision tree", "hidden markov model"])
    assert key("forest") in fol[key("random")]
    assert key("of") in fol[key("random forest")]  # trigram "random forest of"
    assert key("tree") in fol[key("decision")]  # from the term list
    assert key("model") in fol[key("hidden markov")]
    assert key("data") not in fol[key("random")]  # "random data" never occurs
    assert key("data.") not in fol.get(key("the"), frozenset())
    assert key("forest") not in fol.get(key("survey"), frozenset())
    # a one-word term is no n-gram, and a sentence's last word is no head
    assert key("model.") not in fol and key("data") not in fol


def test_counts_and_followers_in_one_pass_equal_the_two_statistics() -> None:
    terms = ["decision tree", "hidden markov model", "forest"]
    # a generator: read once, as a file of abstracts would be
    counts, fol = counts_and_followers((t for t in SENTENCES), terms)
    assert counts == count_ngrams(SENTENCES, terms) and counts[key("random forest")] > 0
    assert fol == term_followers(SENTENCES, terms) and key("tree") in fol[key("decision")]


def test_save_and_load_followers_round_trip(tmp_path: Path) -> None:
    counts = count_ngrams(SENTENCES)
    fol = term_followers(SENTENCES)
    path = tmp_path / "counts.npz"
    save_counts(counts, path, fol)
    assert load_followers(path) == fol
    assert load_counts(path) == dict(counts)
    old = tmp_path / "old.npz"
    save_counts(counts, old)  # a file written before followers existed
    assert load_followers(old) == {}


def test_bundled_counts_file_exists() -> None:
    assert bundled_counts_path().is_file()
    assert bundled_counts_path().name == "sci_counts.npz"


# --------------------------------------------------------------------------- the model


def test_count_and_known_term(model: SciCounts) -> None:
    assert model.count("random forest") == 4
    assert model.count("forest random") == 0
    assert model.known_term(("random", "forest"))
    assert not model.known_term(("random", "woodland"))
    assert model.total == sum(len(words_of(s)) for s in SENTENCES)


def test_seen_bigram_beats_unseen(model: SciCounts) -> None:
    seen = model.cond("forest", None, "random")
    unseen = model.cond("woodland", None, "random")
    assert seen > unseen + 1.0  # ten times more likely at least
    # and the trigram level adds to it
    assert model.cond("forest", "a", "random") >= seen - 0.2
    assert model.cond("random", None, "a") > model.cond("irregular", None, "a")


def test_probabilities_are_finite_and_at_most_one(model: SciCounts) -> None:
    cases = [
        ("qzxvw", "blorp", "fnord"),  # nothing known at all
        ("qzxvw", None, None),
        ("forest", "random", "random"),
        ("data", "the", "survey"),
        ("the", "<s>", "<s>"),
        ("woodland", None, "random"),
    ]
    for w, h2, h1 in cases:
        v = model.cond(w, h2, h1)
        assert math.isfinite(v), (w, h2, h1)
        assert v <= 0.0, (w, h2, h1)
    # science counts and the news model both know "data" better than a made-up word
    assert model.cond("data", None, None) > model.cond("qzxvw", None, None)


def test_sentence_start_and_missing_histories(model: SciCounts) -> None:
    uni = model.cond("forest", None, None)
    assert model.cond("forest", "<s>", "<s>") == uni
    assert model.cond("forest", "random", "<s>") == uni  # nothing before the sentence start
    assert model.cond("forest", "random", None) == uni
    bi = model.cond("forest", None, "random")
    assert model.cond("forest", "<s>", "random") == bi
    assert bi != uni
    # an unseen two-word history backs off to the one-word history
    assert model.cond("forest", "zebra", "random") == pytest.approx(bi)


def test_score_sums_conditionals_along_the_words(model: SciCounts) -> None:
    words = ["random", "forest", "was"]
    left = ("a", "fit")  # (previous word, the word before it)
    expected = (
        model.cond("random", "fit", "a")
        + model.cond("forest", "a", "random")
        + model.cond("was", "random", "forest")
    )
    assert model.score(words, left) == pytest.approx(expected)
    assert model.score([], left) == 0.0
    assert model.score(["random", "forest"], ("<s>", None)) == pytest.approx(
        model.cond("random", None, None) + model.cond("forest", None, "random")
    )


def test_counter_and_dict_counts_agree(news: NGramLM) -> None:
    counts = count_ngrams(SENTENCES)
    assert isinstance(counts, Counter)
    a, b = SciCounts(counts, news), SciCounts(dict(counts), news)
    for w, h2, h1 in [("forest", "a", "random"), ("data", None, "the"), ("tree", None, None)]:
        assert a.cond(w, h2, h1) == b.cond(w, h2, h1)
