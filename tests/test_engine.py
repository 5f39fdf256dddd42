import pytest

import unspin
from unspin import UnspinInputError
from unspin.engine import apply_edits


@pytest.fixture(scope="module")
def engine():
    return unspin.get_engine()


def restored(engine, text):
    return engine.restore(text).restored


@pytest.mark.parametrize(
    ("spun", "original"),
    [
        ("It was the latest spherical of talks.", "round"),
        ("It was their ninth phone name this month.", "call"),
        ("We will wait, the supply mentioned.", "the source said"),
        ("Officials say no less than 300 individuals were hurt.", "at least 300 people"),
    ],
)
def test_restores_classic_spinner_swaps(engine, spun, original):
    assert original in restored(engine, spun)


def test_edits_carry_offsets_confidence_and_evidence(engine):
    text = "Officials say no less than 300 individuals were hurt, the supply mentioned."
    r = engine.restore(text)
    assert r.edits
    for e in r.edits:
        assert text[e.start : e.end] == e.spun
        assert 0.0 <= e.confidence <= 1.0
        assert e.evidence["source"] in {"table", "rule", "thesaurus", "article", "number"}
    assert apply_edits(text, r.edits) == r.restored
    assert r.to_dict()["edits"][0].keys() == {
        "start", "end", "spun", "original", "confidence", "evidence",
    }


def test_capitalisation_is_kept(engine):
    r = engine.restore("Earlier than the vote, the chief mentioned nothing.")
    assert r.restored.startswith("Before the vote")


def test_quoted_speech_is_left_alone(engine):
    text = 'The minister told reporters: "The supply mentioned no less than ten individuals."'
    r = engine.restore(text)
    inside = text.index('"')
    assert all(e.start < inside for e in r.edits)


def test_words_without_candidates_stay_untouched(engine):
    text = "Zorblat Quuxley visited Blorvania on Tuesday."
    assert engine.restore(text).restored == text


def test_clean_text_scores_low_and_spun_text_high(engine):
    clean = (
        "The city council said on Tuesday that at least 300 people had been moved from their "
        "homes because of the flooding. The mayor told reporters the situation was under "
        "control and that the latest round of repairs would begin before the end of the year."
    )
    spun = (
        "The town council mentioned on Tuesday that no less than 300 individuals had been moved "
        "from their properties as a result of the flooding. The mayor informed reporters the "
        "state of affairs was underneath management and that the most recent spherical of "
        "repairs would start earlier than the tip of the 12 months."
    )
    c, s = engine.check(clean), engine.check(spun)
    assert len(c.edits) <= 1
    assert c.score < 0.5 < s.score
    assert len(s.edits) >= 6
    assert s.verdict in {"likely spun", "possibly spun"}


def test_min_confidence_trades_recall_for_precision(engine):
    text = "The supply mentioned no less than 300 individuals were hurt in the spherical."
    all_edits = engine.check(text, min_confidence=0.0).edits
    default = engine.check(text).edits
    strict = engine.check(text, min_confidence=0.999999).edits
    assert len(strict) <= len(default) <= len(all_edits)
    assert {(e.start, e.original) for e in strict} <= {(e.start, e.original) for e in default}


def test_article_repair(engine):
    assert "a plane" in restored(engine, "They boarded an plane to Paris yesterday.")


def test_non_english_is_not_judged(engine):
    text = (
        "Le conseil municipal a annoncé mardi que au moins trois cents personnes avaient "
        "quitté leurs maisons à cause des inondations dans la région."
    )
    r = engine.check(text)
    assert not r.judgeable
    assert r.edits == []
    assert "English" in r.message


@pytest.mark.parametrize("bad", ["", "   \n\t ", "… — !!! ???"])
def test_unusable_input_raises_a_clear_error(engine, bad):
    with pytest.raises(UnspinInputError):
        engine.check(bad)


def test_batch_api_matches_single_calls():
    texts = ["The supply mentioned it.", "The source said it."]
    batch = unspin.restore_many(texts)
    assert [b.restored for b in batch] == [unspin.restore(t).restored for t in texts]
    assert len(unspin.check_many(texts)) == 2


def test_long_unpunctuated_input_is_decoded_in_pieces(engine):
    text = "the supply mentioned that no less than ten individuals were there and " * 300
    r = engine.restore(text)
    assert r.words == 3600
    assert len(r.edits) > 300
    for e in r.edits[:50]:
        assert text[e.start : e.end] == e.spun


def test_article_agrees_with_the_restored_word():
    from unspin.engine import agree_article

    text = "They issued an announcement and a assertion."
    start = text.index("announcement")
    assert agree_article(text, start, "statement") == (text.index("an "), "a statement")
    assert agree_article(text, start, "account") == (start, "account")
    start = text.index("assertion")
    assert agree_article(text, start, "opinion") == (text.index("a assertion"), "an opinion")
    # an article that belongs to the previous edit is left alone
    assert agree_article(text, start, "opinion", floor=start - 1) == (start, "opinion")
    assert agree_article("An idea", 3, "plan") == (0, "A plan")


def test_progress_is_reported_per_block(engine):
    from unspin.engine import BLOCK_WORDS

    text = "The supply mentioned that ten individuals were there. " * (BLOCK_WORDS // 4)
    calls = []
    r = engine.check(text, progress=lambda done, total: calls.append((done, total)))
    total = r.words
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert len(calls) >= 3  # two blocks and the end
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_batch_with_worker_processes_matches_one_process():
    texts = [
        "The supply mentioned no less than ten individuals were hurt.",
        "The source said at least ten people were hurt.",
        "It was the latest spherical of talks, the chief informed reporters.",
    ] * 3
    single = unspin.restore_many(texts)
    parallel = unspin.restore_many(texts, workers=2)
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in single]
    assert [r.score for r in unspin.check_many(texts, workers=2)] == [r.score for r in single]
