"""Tests for unspin.align: word alignment of a spun copy with its source."""

from __future__ import annotations

import pytest
from news_samples import ARTICLES, SPUN_HARBOUR, UNRELATED

from unspin.align import MAX_SWAP_WORDS, AlignedSwap, Alignment, align, words

HARBOUR = ARTICLES["harbour"][1]


def of_kind(al: Alignment, kind: str) -> list[AlignedSwap]:
    return [s for s in al.swaps if s.kind == kind]


def apply_swaps(copy: str, swaps: list[AlignedSwap]) -> str:
    out, pos = [], 0
    for s in sorted(swaps, key=lambda s: s.start):
        out += [copy[pos : s.start], s.original]
        pos = s.end
    return "".join(out) + copy[pos:]


@pytest.fixture(scope="module")
def spun() -> Alignment:
    return align(SPUN_HARBOUR, HARBOUR)


# --------------------------------------------------------------------------- the hand-spun copy


def test_swaps_of_the_spun_copy_map_to_the_source_words(spun: Alignment) -> None:
    pairs = {(s.spun, s.original) for s in of_kind(spun, "swap")}
    for expected in [
        ("employees", "workers"),
        ("went back", "returned"),
        ("settlement", "agreement"),
        ("individuals", "people"),
        ("meals", "food"),
        ("gas", "fuel"),
        ("town", "city"),
        ("companies", "firms"),
        ("any other", "another"),
    ]:
        assert expected in pairs
    # "workplace mentioned no less than" replaced "office said at least" (adjacent swaps)
    assert any(
        "workplace" in s.spun and "office" in s.original and "at least" in s.original
        for s in of_kind(spun, "swap")
    )
    # names, numbers and unchanged words are never reported as swaps
    for s in spun.swaps:
        assert not {"Ingrid", "Solberg", "5,000", "harbour", "Monday"} & set(s.spun.split())
        assert s.spun != s.original


def test_swap_offsets_point_into_both_texts(spun: Alignment) -> None:
    assert spun.swaps
    for s in spun.swaps:
        assert SPUN_HARBOUR[s.start : s.end] == s.spun
        assert HARBOUR[s.source_start : s.source_end] == s.original
        assert s.start <= s.end and s.source_start <= s.source_end
    employees = next(s for s in spun.swaps if s.spun == "employees")
    assert (employees.start, employees.end) == (5, 14)
    assert (employees.source_start, employees.source_end) == (5, 12)
    meals = next(s for s in spun.swaps if s.spun == "meals")
    assert meals.start == SPUN_HARBOUR.index("meals")
    assert meals.source_start == HARBOUR.index("food and fuel")


def test_swaps_are_ordered_and_do_not_overlap(spun: Alignment) -> None:
    for a, b in zip(spun.swaps, spun.swaps[1:], strict=False):
        assert a.end <= b.start
        assert a.source_end <= b.source_start


def test_undoing_every_swap_gives_back_the_source(spun: Alignment) -> None:
    assert apply_swaps(SPUN_HARBOUR, of_kind(spun, "swap")) == HARBOUR


def test_spun_copy_scores(spun: Alignment) -> None:
    assert spun.copy_words == len(words(SPUN_HARBOUR).lower)
    assert spun.source_words == len(words(HARBOUR).lower)
    assert spun.explained >= 0.95
    assert 0.5 < spun.matched < spun.explained  # swapped words are explained, not matched
    assert spun.source_covered >= 0.95
    assert all(len(s.spun.split()) <= MAX_SWAP_WORDS for s in of_kind(spun, "swap"))


def test_to_dict_of_a_swap(spun: Alignment) -> None:
    d = spun.swaps[0].to_dict()
    assert set(d) == {"start", "end", "spun", "source_start", "source_end", "original", "kind"}
    assert d["spun"] == "employees" and d["kind"] == "swap"


# --------------------------------------------------------------------------- scores


@pytest.mark.parametrize("key", sorted(ARTICLES))
def test_verbatim_copy_is_fully_explained(key: str) -> None:
    text = ARTICLES[key][1]
    al = align(text, text)
    assert al.explained == al.matched == al.source_covered == 1.0
    assert al.swaps == []


def test_verbatim_copy_with_other_whitespace_and_case() -> None:
    copy = " ".join(HARBOUR.split()).upper()
    al = align(copy, HARBOUR)
    assert al.matched == 1.0
    assert al.swaps == []


@pytest.mark.parametrize("key", sorted(ARTICLES))
def test_unrelated_text_is_not_explained(key: str) -> None:
    al = align(UNRELATED, ARTICLES[key][1])
    assert al.explained < 0.2
    assert al.matched < 0.2
    assert al.source_covered < 0.2


def test_other_article_is_not_explained_by_harbour() -> None:
    for key, (_, text) in ARTICLES.items():
        if key != "harbour":
            assert align(text, HARBOUR).explained < 0.3


def test_copy_words_argument_gives_the_same_alignment(spun: Alignment) -> None:
    assert align(SPUN_HARBOUR, HARBOUR, words(SPUN_HARBOUR)) == spun


def test_words_offsets() -> None:
    w = words("Dock workers' pay rose 6.5% to 1,200 euros.")
    assert w.lower == ["dock", "workers", "pay", "rose", "6.5", "to", "1,200", "euros"]
    text = "Dock workers' pay rose 6.5% to 1,200 euros."
    assert [text[s:e].lower() for s, e in zip(w.starts, w.ends, strict=True)] == w.lower


# --------------------------------------------------------------------------- edge cases


def test_empty_copy() -> None:
    al = align("", HARBOUR)
    assert (al.copy_words, al.matched_words, al.explained_words) == (0, 0, 0)
    assert al.explained == al.matched == 0.0
    assert al.source_covered == 0.0
    assert [s.kind for s in al.swaps] == ["delete"]
    assert al.swaps[0].original == HARBOUR[: HARBOUR.rindex("week") + 4]
    assert (al.swaps[0].start, al.swaps[0].end) == (0, 0)


def test_empty_source() -> None:
    al = align(HARBOUR, "")
    assert al.source_words == 0
    assert al.explained == al.matched == al.source_covered == 0.0
    assert [s.kind for s in al.swaps] == ["insert"]
    assert al.swaps[0].original == ""


def test_both_empty_and_punctuation_only() -> None:
    for a, b in [("", ""), ("...", "!!"), ("  \n", "")]:
        al = align(a, b)
        assert al.swaps == []
        assert al.explained == al.matched == al.source_covered == 0.0


def test_inserted_sentence_is_an_insert() -> None:
    added = "Officials declined to comment on the negotiations. "
    cut = HARBOUR.index("The union")
    copy = HARBOUR[:cut] + added + HARBOUR[cut:]
    al = align(copy, HARBOUR)
    inserts = of_kind(al, "insert")
    assert len(inserts) == 1
    ins = inserts[0]
    assert copy[ins.start : ins.end] == ins.spun == added.strip().rstrip(".")
    assert ins.original == "" and ins.source_start == ins.source_end == cut
    assert of_kind(al, "swap") == []
    # the inserted words are neither matched nor explained; the source is fully covered
    assert al.explained == pytest.approx(1 - 7 / al.copy_words)
    assert al.source_covered == 1.0


def test_deleted_sentence_is_a_delete() -> None:
    copy = HARBOUR[: HARBOUR.index("The port authority")] + HARBOUR[HARBOUR.index("Mayor") :]
    al = align(copy, HARBOUR)
    deletes = of_kind(al, "delete")
    assert len(deletes) == 1
    d = deletes[0]
    assert d.spun == "" and d.start == d.end == copy.index("Mayor")
    assert d.original.startswith("The port authority's office said")
    assert d.original.endswith("fuel deliveries")
    assert HARBOUR[d.source_start : d.source_end] == d.original
    assert al.explained == 1.0  # everything in the copy comes from the source
    assert al.source_covered < 0.85


def test_long_replacement_between_anchors_is_a_rewrite() -> None:
    old = "after a nine-day strike that left more than 40 container ships waiting"
    new = "once a lengthy stoppage ended which had kept dozens of cargo vessels idle"
    copy = HARBOUR.replace(old, new)
    al = align(copy, HARBOUR)
    rewrites = of_kind(al, "rewrite")
    assert rewrites
    assert any("stoppage" in r.spun and "strike" in r.original for r in rewrites)
    assert all(copy[r.start : r.end] == r.spun for r in rewrites)
    # rewritten words are not explained
    assert al.explained < 1.0 - (MAX_SWAP_WORDS / al.copy_words)


def test_single_swap_flanked_by_matches() -> None:
    source = "The union said the agreement would raise wages by six percent."
    copy = "The union said the settlement would raise wages by six percent."
    al = align(copy, source)
    assert [(s.spun, s.original, s.kind) for s in al.swaps] == [("settlement", "agreement", "swap")]
    assert al.explained == 1.0
    assert al.matched == pytest.approx(10 / 11)


def test_a_lone_shared_stopword_is_no_evidence() -> None:
    al = align("the meteors were bright", "the harbour strike ended")
    assert al.matched == 0.0
    assert al.explained == 0.0
