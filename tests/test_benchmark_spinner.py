"""Tests for the spinner simulator (benchmarks/spinner.py); no shared data or thesauri needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# benchmarks/ lives at the repository root, outside the installed package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.spinner import (
    Spinner,
    SpunDoc,
    TableRow,
    article_for,
    count_words,
    quoted_spans,
)

# a small thesaurus in the readers' format: lemma -> [(pos, [synonyms])]
THESAURUS = {
    "office": [("noun", ["workplace"]), ("noun", ["agency", "bureau"])],
    "round": [("noun", ["bout"]), ("adj", ["spherical"])],
    "situation": [("noun", ["state of affairs"])],
    "leader": [("noun", ["chief"])],
    "talk": [("noun", ["discussion"]), ("verb", ["speak"])],
    "statement": [("noun", ["announcement"])],
    "official": [("noun", ["functionary"])],
    "conflict": [("noun", ["battle"])],
    "keep": [("verb", ["maintain"])],
    "help": [("verb", ["assist"]), ("noun", ["assistance"])],
    "city": [("noun", ["town"])],
    "detail": [("noun", ["particular"])],
    "begin": [("verb", ["start"])],
    "task": [("noun", ["job"])],
    "citizen": [("noun", ["resident"])],
    "allow": [("verb", ["enable", "permit"])],
    "weekend": [("noun", ["week end"])],
    "price": [("noun", ["cost"])],
    "rise": [("verb", ["go up", "increase"])],
    "market": [("noun", ["marketplace"])],
    "company": [("noun", ["firm", "business"])],
    "plan": [("noun", ["program"]), ("verb", ["design"])],
    "result": [("noun", ["outcome"])],
    "minister": [("noun", ["secretary"])],
    "country": [("noun", ["nation"])],
    "week": [("noun", ["hebdomad"])],
    "early": [("adj", ["former"])],
    "try": [("verb", ["attempt"])],
    "problem": [("noun", ["issue", "trouble"])],
    "decision": [("noun", ["determination"])],
}

TABLE = [
    TableRow("said", "mentioned", 13, 8),
    TableRow("said", "stated", 5, 4),
    TableRow("at least", "no less than", 1, 1),
    TableRow("telephone", "phone", 1, 1),
]

PARAGRAPH = (
    "The office said the situation in the city was difficult. The leader told reporters that "
    "the round of talks would help citizens, and the official said a statement would follow. "
    "Prices rose at least 5% last week, and the company said its results were better than "
    "expected. The minister said the country would keep its plan to allow more trade, but "
    "the problem is that the market may not help. Officials said the decision would begin a "
    "new round of talks after the weekend. The leader said the task of the office was to help "
    "the city and its citizens. Earlier this week, the company tried to keep prices low while "
    "the conflict continued, and the official said results would improve."
)


def make(seed: int = 7, rate: float = 0.20, table: list[TableRow] | None = None) -> Spinner:
    return Spinner(TABLE if table is None else table, seed=seed, rate=rate, thesaurus=THESAURUS)


def check_offsets(doc: SpunDoc) -> None:
    prev_end = -1
    for s in doc.swaps:
        assert doc.text[s.start : s.end] == s.spun
        assert s.start >= prev_end
        prev_end = s.end
    assert doc.unspun() == doc.original


def test_deterministic_for_a_seed() -> None:
    a = make(seed=3).spin(PARAGRAPH)
    b = make(seed=3).spin(PARAGRAPH)
    assert a.text == b.text
    assert a.swaps == b.swaps
    assert a.text != PARAGRAPH


def test_different_seeds_differ() -> None:
    texts = {make(seed=s).spin(PARAGRAPH).text for s in range(6)}
    assert len(texts) > 1


def test_offsets_point_at_spun_strings_and_original_is_reconstructed() -> None:
    for seed in range(10):
        for rate in (0.10, 0.20, 0.35):
            doc = make(seed=seed, rate=rate).spin(PARAGRAPH)
            assert doc.original == PARAGRAPH
            assert doc.swaps
            check_offsets(doc)


def test_quotes_untouched() -> None:
    text = (
        'The official said: "The office said the situation in the city was difficult." '
        "Then “the leader said the round of talks would help citizens” and the office said "
        "the situation was difficult."
    )
    spans = quoted_spans(text)
    assert len(spans) == 2
    for seed in range(10):
        doc = make(seed=seed, rate=0.35).spin(text)
        check_offsets(doc)
        for s in doc.swaps:
            orig_pos = _original_start(doc, s.start)
            assert not any(qs <= orig_pos < qe for qs, qe in spans), s
        # the quoted passages survive verbatim
        assert '"The office said the situation in the city was difficult."' in doc.text
        assert "“the leader said the round of talks would help citizens”" in doc.text


def _original_start(doc: SpunDoc, spun_start: int) -> int:
    shift = 0
    for s in doc.swaps:
        if s.start >= spun_start:
            break
        shift += len(s.original) - len(s.spun)
    return spun_start + shift


def test_proper_nouns_and_numbers_untouched() -> None:
    text = "Officials met at the Round Office in Keep City on 5 May. The office said 12 people met."
    for seed in range(10):
        doc = make(seed=seed, rate=0.35).spin(text)
        check_offsets(doc)
        assert "Round Office" in doc.text and "Keep City" in doc.text
        assert "5 May" in doc.text and "12" in doc.text


@pytest.mark.parametrize("rate", [0.10, 0.20, 0.35])
def test_rate_roughly_respected(rate: float) -> None:
    n = count_words(PARAGRAPH)
    covered = []
    for seed in range(8):
        doc = make(seed=seed, rate=rate).spin(PARAGRAPH)
        covered.append(doc.meta["covered_words"] / n)
    mean = sum(covered) / len(covered)
    assert abs(mean - rate) < 0.06, (rate, mean)


def test_same_word_same_replacement_within_a_document() -> None:
    for seed in range(10):
        doc = make(seed=seed).spin(PARAGRAPH)
        seen: dict[str, set[str]] = {}
        for s in doc.swaps:
            if s.kind in ("thesaurus", "table"):
                seen.setdefault(s.original.lower(), set()).add(s.spun.lower())
        for orig, spuns in seen.items():
            assert len(spuns) == 1, (orig, spuns)


def test_table_pairs_take_priority() -> None:
    doc = make(seed=1, rate=0.35).spin(PARAGRAPH)
    said = [s for s in doc.swaps if s.original.lower() == "said"]
    assert said and all(s.kind == "table" for s in said)
    assert {s.spun for s in said} <= {"mentioned", "stated"}


def test_inflection_and_capitalisation_kept() -> None:
    pytest.importorskip("lemminflect")
    text = "Offices said prices rose. The offices were busy and prices rose again."
    th = {"office": [("noun", ["workplace"])], "rise": [("verb", ["increase"])]}
    for seed in range(5):
        doc = Spinner([], seed=seed, rate=0.35, thesaurus=th, expansions={}).spin(text)
        check_offsets(doc)
        by_orig = {s.original: s.spun for s in doc.swaps}
        if "Offices" in by_orig:
            assert by_orig["Offices"] == "Workplaces"
        if "offices" in by_orig:
            assert by_orig["offices"] == "workplaces"
        if "rose" in by_orig:
            assert by_orig["rose"] == "increased"


def test_article_fixed_after_swap() -> None:
    text = "The minister issued a statement on Monday. A statement from the office followed."
    th = {"statement": [("noun", ["announcement"])]}
    doc = Spinner([], seed=0, rate=0.35, thesaurus=th, expansions={}).spin(text)
    check_offsets(doc)
    assert "an announcement" in doc.text and "An announcement" in doc.text
    kinds = [s.kind for s in doc.swaps]
    assert kinds.count("article") == 2


def test_article_for() -> None:
    assert article_for("announcement") == "an"
    assert article_for("statement") == "a"
    assert article_for("hour") == "an"
    assert article_for("university") == "a"
    assert article_for("8") == "an"


def test_multiword_share_present() -> None:
    docs = [make(seed=s, rate=0.35).spin(PARAGRAPH) for s in range(10)]
    swaps = [s for d in docs for s in d.swaps if s.kind != "article"]
    multi = sum(1 for s in swaps if " " in s.spun or " " in s.original)
    assert 0.15 < multi / len(swaps) < 0.8
