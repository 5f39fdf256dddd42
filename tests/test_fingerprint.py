"""Tests for unspin.fingerprint: spin-resistant fingerprints of a text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from news_samples import ARTICLES, SPUN_HARBOUR, UNRELATED

from unspin import fingerprint as fpmod
from unspin.fingerprint import (
    IMMUTABLE_BIT,
    MIN_KEPT,
    SAMPLE,
    canonical_ids,
    fingerprints,
    query_hashes,
    shingle_hashes,
    synonym_classes,
)

ROOT = Path(__file__).resolve().parents[1]
HARBOUR = ARTICLES["harbour"][1]

# the three swaps a spinner makes most often in the harbour story, all within one class
CLASS_SWAPS = [("said", "mentioned"), ("office", "workplace"), ("people", "individuals")]


def swap_words(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        assert f" {old} " in text, old
        text = text.replace(f" {old} ", f" {new} ")
    return text


def every_shingle(text: str) -> set[int]:
    ids, immutable, _ = canonical_ids(text)
    return {int(h) for h in shingle_hashes(ids, immutable)}


# --------------------------------------------------------------------------- synonym classes


@pytest.mark.parametrize(("word", "synonym"), CLASS_SWAPS)
def test_spinner_synonyms_share_a_class(word: str, synonym: str) -> None:
    classes = synonym_classes()
    assert word in classes and synonym in classes
    assert classes[word] == classes[synonym]


def test_unrelated_words_are_in_different_classes() -> None:
    classes = synonym_classes()
    assert classes.get("harbour", "harbour") != classes.get("said", "said")
    assert classes.get("wages", "wages") != classes.get("people", "people")


# --------------------------------------------------------------------------- spin resistance


def test_in_class_swaps_keep_every_key_and_fingerprint() -> None:
    copy = swap_words(HARBOUR, CLASS_SWAPS)
    assert copy != HARBOUR
    assert canonical_ids(copy) == canonical_ids(HARBOUR)
    assert fingerprints(copy) == fingerprints(HARBOUR)


def test_lightly_spun_copy_shares_most_fingerprints() -> None:
    # in-class swaps plus two a class cannot absorb ("harbour" -> "port", "week" -> "seven days")
    copy = swap_words(HARBOUR, [*CLASS_SWAPS, ("harbour.", "port."), ("another", "one more")])
    src, cp = fingerprints(HARBOUR), fingerprints(copy)
    assert src.hashes != cp.hashes  # the out-of-class swaps do change something ...
    shared = set(src.hashes) & set(cp.hashes)
    assert len(shared) >= 0.6 * len(src.hashes)  # ... but most fingerprints survive
    assert len(every_shingle(HARBOUR) & every_shingle(copy)) >= 0.8 * len(every_shingle(HARBOUR))


def test_heavily_spun_copy_still_shares_fingerprints() -> None:
    src = set(fingerprints(HARBOUR).hashes)
    query = set(query_hashes(SPUN_HARBOUR).hashes)
    assert len(src & query) >= 3


def test_unrelated_texts_share_no_fingerprints() -> None:
    harbour = set(fingerprints(HARBOUR).hashes)
    assert harbour & set(query_hashes(UNRELATED).hashes) == set()
    texts = [text for _, text in ARTICLES.values()] + [UNRELATED]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert len(set(fingerprints(a).hashes) & set(query_hashes(b).hashes)) <= 1


# --------------------------------------------------------------------------- keys


def test_numbers_are_immutable_and_normalised() -> None:
    ids, immutable, words = canonical_ids("harvest fell 5,000 tonnes")
    assert words == 4
    assert immutable == [False, False, True, False]
    assert canonical_ids("harvest fell 5000 tonnes")[0] == ids  # digits only: 5,000 == 5000
    assert canonical_ids("harvest fell 6,000 tonnes")[0] != ids


def test_mid_sentence_names_are_immutable_but_sentence_starts_are_not() -> None:
    ids, immutable, _ = canonical_ids("Growers thanked Rose Quint yesterday.")
    assert immutable == [False, False, True, True, False]
    plain_ids, plain_imm, _ = canonical_ids("growers thanked rose quint yesterday.")
    assert plain_imm == [False] * 5
    assert ids[0] == plain_ids[0]  # a capital after a sentence start says nothing
    assert ids[2] != plain_ids[2]  # "Rose" the name is not "rose" the flower
    # after a full stop the next word is sentence-initial again
    _, imm2, _ = canonical_ids("Prices rose. Rose gardens closed.")
    assert imm2 == [False, False, False, False, False]


def test_immutable_bit_marks_shingles_with_numbers_or_names() -> None:
    plain = fingerprints("farmers harvest apples")
    number = fingerprints("farmers harvest 3,200 apples")
    name = fingerprints("farmers thanked Pieter gladly")
    assert plain.hashes and all(h & IMMUTABLE_BIT == 0 for h in plain.hashes)
    assert number.hashes and all(h & IMMUTABLE_BIT for h in number.hashes)
    assert name.hashes and all(h & IMMUTABLE_BIT for h in name.hashes)


def test_stopwords_are_dropped() -> None:
    ids, _, words = canonical_ids("the union said that it would be at least as good")
    with_content = canonical_ids("union said good")[0]
    assert words == 11
    assert ids == with_content


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n\n  ", 0),
        ("the of and a to", 5),
        ("...!!! ???", 0),
        ("it is what it is.", 5),
    ],
)
def test_texts_without_content_words_give_no_fingerprints(text: str, words: int) -> None:
    for fp in (fingerprints(text), query_hashes(text)):
        assert fp.hashes == ()
        assert fp.keys == 0
        assert fp.words == words


def test_one_and_two_content_words_still_fingerprint() -> None:
    assert len(fingerprints("harbour").hashes) == 1
    assert len(fingerprints("harbour strike").hashes) == 1
    assert fingerprints("harbour").hashes != fingerprints("strike").hashes


# --------------------------------------------------------------------------- sampling


@pytest.mark.parametrize("key", sorted(ARTICLES))
def test_fingerprints_are_sorted_unique_32_bit_and_sampled(key: str) -> None:
    text = ARTICLES[key][1]
    fp = fingerprints(text)
    hashes = list(fp.hashes)
    assert hashes == sorted(set(hashes))
    assert all(0 <= h < 2**32 for h in hashes)
    every = sorted(every_shingle(text))
    assert set(hashes) <= set(every)
    # the sample (hash/2 divisible by SAMPLE) and the MIN_KEPT smallest are kept, nothing else
    expected = {h for h in every if (h >> 1) % SAMPLE == 0} | set(every[:MIN_KEPT])
    assert set(hashes) == expected
    assert len(hashes) < len(every)


def test_fingerprints_count_keys_and_words() -> None:
    fp = fingerprints(HARBOUR)
    ids, _, words = canonical_ids(HARBOUR)
    assert fp.keys == len(ids)
    assert fp.words == words
    assert 80 < fp.words < 110  # the harbour story has about 95 words
    assert fp.keys < fp.words  # function words do not count


@pytest.mark.parametrize("text", [HARBOUR, SPUN_HARBOUR, UNRELATED, "farmers harvest 12 apples"])
def test_query_hashes_include_the_fingerprints(text: str) -> None:
    fp, q = fingerprints(text), query_hashes(text)
    assert set(fp.hashes) <= set(q.hashes)
    assert (q.keys, q.words) == (fp.keys, fp.words)
    assert len(q.hashes) >= len(fp.hashes)


def test_query_hashes_keep_more_of_the_bottom() -> None:
    every = sorted(every_shingle(HARBOUR))
    q = set(query_hashes(HARBOUR).hashes)
    assert set(every[: 4 * MIN_KEPT]) <= q
    assert len(q) > len(fingerprints(HARBOUR).hashes)


# --------------------------------------------------------------------------- determinism


def test_deterministic_across_calls_and_cache_state() -> None:
    first = [fingerprints(t) for _, t in ARTICLES.values()]
    again = [fingerprints(t) for _, t in ARTICLES.values()]
    fpmod._word_cache.clear()
    cold = [fingerprints(t) for _, t in ARTICLES.values()]
    assert first == again == cold


def test_deterministic_across_processes() -> None:
    """Hashes are stored in index files, so they must not depend on the process (no hash())."""
    code = (
        "import json, sys; from unspin.fingerprint import fingerprints;"
        "print(json.dumps(list(fingerprints(sys.stdin.read()).hashes)))"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input=HARBOUR.encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert json.loads(proc.stdout) == list(fingerprints(HARBOUR).hashes)
