"""Tests for benchmarks/metrics.py on tiny hand-made examples."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# benchmarks/ lives at the repository root, outside the installed package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.metrics import (
    WerTotals,
    edit_distance,
    error_reduction,
    quantiles,
    roc_auc,
    score_edits,
    wer,
    wer_words,
)
from benchmarks.spinner import Swap


@dataclass(frozen=True)
class E:
    start: int
    end: int
    original: str


def gold_for(text: str, pairs: list[tuple[str, str]], kind: str = "thesaurus") -> list[Swap]:
    out = []
    pos = 0
    for spun, orig in pairs:
        s = text.index(spun, pos)
        out.append(Swap(s, s + len(spun), spun, orig, kind))
        pos = s + len(spun)
    return out


def edit_at(text: str, spun: str, original: str, occurrence: int = 0) -> E:
    s = -1
    for _ in range(occurrence + 1):
        s = text.index(spun, s + 1)
    return E(s, s + len(spun), original)


# -- WER ---------------------------------------------------------------------------------------


def test_wer_words_strip_punctuation_keep_case() -> None:
    assert wer_words("The source said: “yes.” (Really)") == [
        "The",
        "source",
        "said",
        "yes",
        "Really",
    ]


def test_edit_distance_small() -> None:
    assert edit_distance([], []) == 0
    assert edit_distance(["a"], []) == 1
    assert edit_distance("a b c".split(), "a x c".split()) == 1
    assert edit_distance("kitten".split(), "sitting".split()) == 1
    assert edit_distance(list("kitten"), list("sitting")) == 3
    assert edit_distance("a b c d".split(), "b c d e".split()) == 2


def test_wer_and_error_reduction() -> None:
    ref = "the source said it was at least five"
    spun = "the supply mentioned it was no less than five"
    assert wer(ref, ref) == 0.0
    assert wer("The source said it was at least five", ref) == pytest.approx(1 / 8)  # case counts
    assert wer("the source, said it was at least five.", ref) == 0.0  # punctuation does not
    base = wer(spun, ref)
    assert base == pytest.approx(5 / 8)  # 2 substitutions + 3 for "no less than" vs "at least"
    assert error_reduction(spun, ref, ref) == 1.0
    assert error_reduction(spun, spun, ref) == 0.0
    half = "the source said it was no less than five"
    assert error_reduction(spun, half, ref) == pytest.approx(1 - 3 / 5)
    assert error_reduction(ref, ref, ref) is None
    # several references: the closest counts
    refs = ["its neighbour invaded", "its neighbor invaded"]
    assert error_reduction("its neighbor attacked", "its neighbor invaded", refs) == 1.0


def test_wer_totals() -> None:
    t = WerTotals()
    t.add("a x c", "a b c", "a b c")
    t.add("d e f g", "d e f h", "d e f h")
    assert t.ref_words == 7
    assert t.spun_errors == 2 and t.restored_errors == 0
    assert t.error_reduction == 1.0


# -- AUC and quantiles -----------------------------------------------------------------------


def test_roc_auc() -> None:
    assert roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert roc_auc([0.1, 0.2], [0.9, 0.8]) == 0.0
    assert roc_auc([0.5], [0.5]) == 0.5
    assert roc_auc([0.3, 0.7], [0.5]) == 0.5
    assert roc_auc([0.8, 0.6, 0.4], [0.5, 0.2]) == pytest.approx(5 / 6)
    assert roc_auc([], [0.1]) is None


def test_quantiles() -> None:
    assert quantiles([1.0, 2.0, 3.0], (0.0, 0.5, 1.0)) == [1.0, 2.0, 3.0]
    assert quantiles([]) == []


# -- edit scoring ------------------------------------------------------------------------------

TEXT = "the supply mentioned that no less than 5 individuals died in the spherical of talks."
GOLD = gold_for(
    TEXT,
    [
        ("supply", "source"),
        ("mentioned", "said"),
        ("no less than", "at least"),
        ("individuals", "people"),
        ("spherical", "round"),
    ],
)


def test_exact_edits_are_correct() -> None:
    edits = [
        edit_at(TEXT, "supply", "Source"),  # case-insensitive
        edit_at(TEXT, "no less than", "at  least"),  # whitespace-normalised
    ]
    sc = score_edits(TEXT, edits, GOLD)
    assert (sc.correct, sc.wrong) == (2, 0)
    assert sc.restored == {0, 2} and sc.span_exact == {0, 2}
    assert sc.precision == 1.0


def test_wrong_original_and_edit_outside_gold_are_wrong() -> None:
    edits = [
        edit_at(TEXT, "supply", "provision"),  # overlaps gold, wrong original
        edit_at(TEXT, "died", "perished"),  # touches no gold swap
        edit_at(TEXT, "no less", "at"),  # partial: leaves "at than"
    ]
    sc = score_edits(TEXT, edits, GOLD)
    assert (sc.correct, sc.wrong) == (0, 3)
    assert sc.restored == set()
    assert sc.precision == 0.0


def test_merged_and_context_edits() -> None:
    edits = [
        edit_at(TEXT, "the supply mentioned", "the source said"),  # two gold swaps + context
        edit_at(TEXT, "spherical of", "round of"),
    ]
    sc = score_edits(TEXT, edits, GOLD)
    assert (sc.correct, sc.wrong) == (2, 0)
    assert sc.restored == {0, 1, 4}
    assert sc.span_exact == set()  # no edit has exactly a gold span


def test_noop_and_unscored_edits() -> None:
    text = "The supply mentioned it. Read extra: links here."
    gold = gold_for(text, [("supply", "source"), ("mentioned", "said")])
    boiler = (text.index("Read"), len(text))
    edits = [
        edit_at(text, "supply", "supply"),  # no-op
        edit_at(text, "extra", "more"),  # in boilerplate
        edit_at(text, "mentioned", "said"),
    ]
    sc = score_edits(text, edits, gold, unscored=[boiler])
    assert (sc.noop, sc.unscored, sc.correct, sc.wrong) == (1, 1, 1, 0)
    assert sc.verdicts == ["noop", "unscored", "correct"]


def test_acceptable_alternatives_and_by_kind() -> None:
    text = "its neighbor invaded"
    gold = [Swap(4, 12, "neighbor", "neighbour", "edit", ("neighbor",))]
    sc = score_edits(text, [E(4, 12, "neighbour")], gold)
    assert sc.correct == 1
    sc2 = score_edits(TEXT, [edit_at(TEXT, "individuals", "people")], GOLD)
    assert sc2.restored_by_kind(GOLD) == {"thesaurus": (1, 5)}


def test_overlapping_edits() -> None:
    edits = [edit_at(TEXT, "supply mentioned", "source said"), edit_at(TEXT, "mentioned", "said")]
    sc = score_edits(TEXT, edits, GOLD)
    assert (sc.correct, sc.wrong) == (1, 1)
