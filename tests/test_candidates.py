import pytest

from unspin.candidates import FEATURES, generate, lm_form, starts_with_vowel_sound
from unspin.engine import Engine
from unspin.lexicon import Lexicon
from unspin.lm import NGramLM
from unspin.tokenize import tokenize

F = {name: i for i, name in enumerate(FEATURES)}


@pytest.fixture(scope="module")
def parts():
    return Lexicon(), NGramLM()


def cands_for(text, parts):
    lexicon, lm = parts
    tokens = tokenize(text)
    (sent,) = Engine._sentences(tokens)
    return sent, generate(
        sent.words, sent.adjacent, lexicon, lm.unigram,
        next_token=sent.next_token, prev_token=sent.prev_token,
    )


def by_span(sent, cands):
    out = {}
    for c in cands:
        key = " ".join(w.text for w in sent.words[c.i : c.j])
        out.setdefault(key, set()).add(c.text)
    return out


def test_multi_word_and_inflected_candidates(parts):
    sent, cands = cands_for("No less than ten individuals mentioned it", parts)
    spans = by_span(sent, cands)
    assert "At least" in spans["No less than"]  # capitalisation follows the spun text
    assert "people" in spans["individuals"]
    assert "said" in spans["mentioned"]


def test_phrases_do_not_cross_punctuation(parts):
    sent, cands = cands_for("He waited for the reason, that was all", parts)
    assert "for the reason that" not in {
        " ".join(w.text.lower() for w in sent.words[c.i : c.j]) for c in cands
    }


def test_quoted_and_capitalised_features(parts):
    sent, cands = cands_for('The Supply said "individuals" left', parts)
    for c in cands:
        span = sent.words[c.i].text
        if span == "individuals":
            assert c.features[F["quoted"]] == 1.0
        if span == "Supply":
            assert c.features[F["capitalised"]] == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 2 leaders met", {"two"}),
        ("prices rose 2 % on Monday", set()),
        ("he watched France 3 last night", set()),
        ("it cost $ 2 in total", set()),
        ("they won 2-1 at home", set()),
    ],
)
def test_digits_are_spelled_out_only_in_running_text(parts, text, expected):
    sent, cands = cands_for(text, parts)
    assert {c.text for c in cands if c.source == "number"} == expected


def test_article_repair_only_when_the_article_disagrees(parts):
    _, cands = cands_for("They boarded an plane and a hour later an airline called", parts)
    got = {(c.i, c.text) for c in cands if c.source == "article"}
    assert got == {(2, "a"), (5, "an")}


def test_vowel_sound():
    assert starts_with_vowel_sound("hour") and starts_with_vowel_sound("apple")
    assert not starts_with_vowel_sound("university") and not starts_with_vowel_sound("plane")


def test_lm_form_spells_out_numbers():
    toks = [t for t in tokenize("5,000 people and 2 dogs and 1.5 cats") if t.is_word]
    assert [lm_form(t) for t in toks] == [
        "thousand", "people", "and", "two", "dogs", "and", "several", "cats",
    ]
