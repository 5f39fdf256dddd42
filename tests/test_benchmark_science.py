"""Tests for the item building and scoring of benchmarks/science.py on hand-made data."""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/ lives at the repository root, outside the installed package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.science import (
    Edit,
    PairRow,
    apply_edits,
    build_items,
    fold_of,
    load_abstracts,
    load_pps,
    score_item,
    sentences,
)

ROWS = [
    PairRow("irregular woodland", "random forest", 10),
    PairRow("profound learning", "deep learning", 5),
    PairRow("bosom", "breast", 3),
    PairRow("nowhere phrase", "not in any abstract", 1),
]
SUMMARIES = [
    "We train a Random forest on the data. It works.",
    "Deep learning helps. A random forests model is not a match, nor random-forest.",
    "Breast imaging uses deep learning today.",
]


def test_sentences_split_at_capitalised_starts() -> None:
    assert sentences("One two. Three four!  five\nsix. seven. Eight") == [
        "One two.", "Three four! five six. seven.", "Eight"
    ]


def test_build_items_replaces_whole_words_and_keeps_capitals() -> None:
    items = build_items(ROWS, SUMMARIES)
    by_expected = {it.expected: it for it in items}
    assert set(by_expected) == {"random forest", "deep learning", "breast"}
    rf = by_expected["random forest"]
    assert rf.doc == "We train a Irregular woodland on the data."
    assert rf.doc[rf.start : rf.end] == "Irregular woodland"
    assert rf.found == "Random forest" and rf.abstract == 0
    assert rf.original == "We train a Random forest on the data."
    assert rf.half == 1  # screened with the counts of the other half
    breast = by_expected["breast"]
    assert breast.doc.startswith("Bosom imaging")
    deep = by_expected["deep learning"]
    assert deep.doc in ("Profound learning helps.", "Breast imaging uses profound learning today.")
    # deterministic
    assert build_items(ROWS, SUMMARIES) == items
    assert all(it.fold == fold_of(it.expected) for it in items)
    assert fold_of("Random Forest") == fold_of("random forest")


def test_apply_and_score() -> None:
    item = build_items(ROWS[:1], SUMMARIES)[0]
    s, e = item.start, item.end
    exact = score_item(item, [Edit(s, e, "Irregular woodland", "random forest")])
    assert exact.flagged and exact.exact and not exact.others
    assert exact.exact_spelling
    half = score_item(item, [Edit(s, s + 9, "Irregular", "Random")])
    assert half.flagged and not half.exact and not half.exact_spelling
    # a compound written otherwise is exact up to spelling only
    hyphen = score_item(item, [Edit(s, e, "Irregular woodland", "random-forest")])
    assert hyphen.flagged and not hyphen.exact and hyphen.exact_spelling
    solid = score_item(item, [Edit(s, e, "Irregular woodland", "randomforest")])
    assert not solid.exact and solid.exact_spelling
    other = Edit(3, 8, "train", "educate")
    missed = score_item(item, [other])
    assert not missed.flagged and missed.others == [other] and not missed.exact_spelling
    # overlapping edits: the later-starting one is skipped
    assert apply_edits("abcdef", [Edit(0, 3, "abc", "X"), Edit(2, 4, "cd", "Y")]) == "Xdef"


def test_loaders_return_none_when_missing(tmp_path: Path) -> None:
    assert load_pps(tmp_path / "none.tsv") is None
    assert load_abstracts(tmp_path / "none.csv") is None
    p = tmp_path / "pps.tsv"
    p.write_text("tortured\texpected\tnum_papers\tpps_query\nbosom\tbreast\t3\tbosom\n")
    assert load_pps(p) == [PairRow("bosom", "breast", 3)]
