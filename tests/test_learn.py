"""Tests for unspin.learn: learning a content farm's spinner dictionary from traced copies,
and using it through unspin.check/restore(index=..., site=...)."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from news_samples import ARTICLES, SPUN_HARBOUR, UNRELATED

import unspin
from unspin.index import SCHEMA_VERSION, Index
from unspin.learn import (
    GLOBAL,
    MAX_WEIGHT,
    MIN_COUNT,
    MIN_EVIDENCE,
    MIN_SHARE,
    SIGNATURE_COUNT,
    SIGNATURE_SHARE,
    SITE_WEIGHT,
    LearnSummary,
    evidence,
    export_tsv,
    extract_substitutions,
    fold,
    import_tsv,
    inflections,
    learn,
    learned_table,
    record_copies,
    signature_forms,
    site_name,
    site_of,
    site_report,
)
from unspin.lexicon import Lexicon

SITE = "farm.example"
OTHER = "other.example"

# --------------------------------------------------------------------------- test data
#
# The farm's spinner is deterministic: the same original always becomes the same spun
# wording (said -> mentioned, expect -> anticipate, government -> administration,
# trains -> railcars, cut -> reduce, ...; SPUN_HARBOUR follows the same dictionary).
# Names, numbers and everything else are left alone. "trains -> railcars" is the made-up
# swap that no thesaurus proposes: the plain engine restores "railcars" to "cars".

# a sixth made-up source, for a copy with edits that are not spinning
BAKERY = (
    "Bakery chain opens shops in the north",
    "The bakery chain Korn and Sohn will open 14 new shops in the north this year and hopes "
    "sales will grow by 8 per cent. Greta Holm, who founded the chain, said the firm would "
    "organise training for local bakers and hire 120 staff.\n\n"
    'She told reporters: "We have never seen demand this strong for fresh bread." The chain '
    "was started in a small village kitchen in 1998 and now runs 60 shops across the country.",
)

FARM_ORCHARD = (
    "Apple growers in the Varden valley anticipate their smallest harvest in a decade after a "
    "late frost harmed blossom across 3,200 hectares of orchards. The farmers' cooperative "
    "estimated losses of about 18 million euros and asked the regional administration for "
    "emergency support.\n\n"
    "Agronomist Pieter Gaal mentioned many trees would recuperate next year, but young "
    "plantings were severely hit. Supermarkets are anticipated to import more fruit from the "
    "south to keep prices steady through the winter."
)
FARM_LIBRARY = (
    "The central library of Marlow Bay reopened its doors on Saturday after a two-year "
    "renovation that cost 14 million pounds. The building now has a children's floor, a "
    "recording studio and study rooms that can be reserved online.\n\n"
    "Head librarian Dora Quint mentioned visitor numbers on the first day passed 3,000, far "
    "more than anticipated. The council hopes the library will become a gathering place for "
    "the whole community and plans evening courses in languages and computing from March."
)
FARM_RAIL = (
    "Overnight passenger railcars will run again between Kessel and Aarvik from next month, "
    "ending a gap of eleven years. The rail operator mentioned sleeper carriages had been "
    "rebuilt and that tickets would go on sale on 1 October.\n\n"
    "Transport minister Hanna Roos called the decision a triumph for travellers who prefer "
    "railcars to short flights. Environmental groups embraced the plan but pressed the "
    "administration to reduce track charges so that fares stay affordable."
)
FARM_CLINIC = (
    "Twelve rural clinics in the Oster region will commence offering video appointments with "
    "specialists in the capital, the health department announced on Thursday. Patients will "
    "be able to see a cardiologist or dermatologist without travelling up to 200 kilometres."
    "\n\nDr Selma Brandt, who leads the project, mentioned the first trial had reduced waiting "
    "times by half. Detractors worry that older patients may struggle with the technology, "
    "and the department has promised staff to assist them at each clinic."
)
# the bakery story at the farm: two spinner swaps (said -> mentioned, firm -> company,
# runs -> operates) plus a changed number (14 -> 15), a changed name (Holm -> Holt), house
# style (per cent -> percent), a spelling variant (organise -> organize) and a change inside
# the quotation (strong -> powerful)
FARM_BAKERY = (
    "The bakery chain Korn and Sohn will open 15 new shops in the north this year and hopes "
    "sales will grow by 8 percent. Greta Holt, who founded the chain, mentioned the company "
    "would organize training for local bakers and hire 120 staff.\n\n"
    'She told reporters: "We have never seen demand this powerful for fresh bread." The chain '
    "was started in a small village kitchen in 1998 and now operates 60 shops across the "
    "country."
)
# another site, another spinner: said -> stated, trains -> locomotives, expected ->
# anticipated (shared with the farm), welcomed -> applauded
OTHER_LIBRARY = (
    "The central library of Marlow Bay reopened its doors on Saturday after a two-year "
    "renovation that cost 14 million pounds. The building now has a children's floor, a "
    "recording studio and study rooms that can be booked online.\n\n"
    "Head librarian Dora Quint stated visitor numbers on the first day passed 3,000, far more "
    "than anticipated. The council hopes the library will become a meeting place for the "
    "whole community and plans evening courses in languages and computing from March."
)
OTHER_RAIL = (
    "Overnight passenger locomotives will run again between Kessel and Aarvik from next "
    "month, ending a gap of eleven years. The rail operator stated sleeper carriages had been "
    "rebuilt and that tickets would go on sale on 1 October.\n\n"
    "Transport minister Hanna Roos called the decision a victory for travellers who prefer "
    "locomotives to short flights. Environmental groups applauded the plan but urged the "
    "government to cut track charges so that fares stay affordable."
)
# a new farm article whose source is not indexed: only the learned dictionary can help
FARM_UNSEEN = (
    "Freight railcars will share the coastal line with passenger railcars from the spring, "
    "the regional administration mentioned on Tuesday. Officials anticipate that the change "
    "will reduce lorry traffic through the valley towns, and the operator mentioned that new "
    "timetables would be published in the summer."
)

FARM_COPIES = [
    # (url, text, site): site None = the URL's host name ("www." dropped)
    ("https://www.farm.example/harbour-strike-ends", SPUN_HARBOUR, None),
    ("https://farm.example/late-frost", FARM_ORCHARD, None),
    ("https://farm.example/library-reopens", FARM_LIBRARY, None),
    ("https://farm.example/night-trains", FARM_RAIL, None),
    ("https://farm.example/2024/night-trains-return", FARM_RAIL, None),  # re-posted
    ("https://farm.example/clinics-video", FARM_CLINIC, None),
    ("https://farm.example/bakery-chain", FARM_BAKERY, None),
    ("https://farm.example/meteor-shower", UNRELATED, None),  # no source in the index
]
OTHER_COPIES = [
    ("https://mirror.example/a/1", OTHER_LIBRARY, OTHER),
    ("https://mirror.example/a/2", OTHER_RAIL, OTHER),
]
SOURCES = {**ARTICLES, "bakery": BAKERY}


def source_url(key: str) -> str:
    return f"https://news.example/{key}"


def fill_sources(idx: Index) -> None:
    for key, (title, text) in SOURCES.items():
        idx.upsert(source_url(key), text, title=title)


@dataclass
class Learned:
    path: Path
    index: Index
    recorded: Counter[str]
    summary: LearnSummary


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Learned]:
    """An index of the six sources, the farm's and the other site's copies, learned."""
    path = tmp_path_factory.mktemp("learn") / "news.db"
    with Index(path) as idx:
        fill_sources(idx)
        recorded = record_copies(idx, FARM_COPIES + OTHER_COPIES)
        summary = learn(idx)
        yield Learned(path, idx, recorded, summary)


@pytest.fixture(scope="module")
def one_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Learned]:
    """The same sources with a single farm copy learned."""
    path = tmp_path_factory.mktemp("learn-one") / "news.db"
    with Index(path) as idx:
        fill_sources(idx)
        recorded = record_copies(idx, FARM_COPIES[:1])
        summary = learn(idx)
        yield Learned(path, idx, recorded, summary)


def row(idx: Index, site: str, spun: str, original: str) -> tuple[int, int, int] | None:
    """(count, copies, seen) of one learned pair, or None."""
    for s, a, b, count, copies, seen in idx.learned(site):
        if (s, a, b) == (site, spun, original):
            return count, copies, seen
    return None


# --------------------------------------------------------------------------- fold / inflections


def test_fold_maps_alike_inflected_words_to_their_lemmas() -> None:
    assert fold("mentioned", "said") == ("mention", "say")
    assert fold("mentions", "says") == ("mention", "say")
    assert fold("companies", "firms") == ("company", "firm")


def test_fold_leaves_differently_inflected_and_multi_word_pairs() -> None:
    assert fold("mentioned", "says") == ("mentioned", "says")  # past tense vs 3rd person
    assert fold("no less than", "at least") == ("no less than", "at least")
    assert fold("any other", "another") == ("any other", "another")


def test_inflections_of_a_lemma_pair() -> None:
    forms = inflections("mention", "say")
    assert forms[0] == ("mention", "say")
    for pair in [("mentioned", "said"), ("mentions", "says"), ("mentioning", "saying")]:
        assert pair in forms
    assert len(forms) == len(set(forms))
    assert all(a != b for a, b in forms)


def test_inflections_of_a_multi_word_pair_is_the_pair_itself() -> None:
    assert inflections("no less than", "at least") == [("no less than", "at least")]
    assert inflections("any other", "another") == [("any other", "another")]


# --------------------------------------------------------------------------- extraction


def test_modal_verbs_are_not_inflected() -> None:
    # lemminflect makes "could" the past of "can": a spinner's "can" for "will" is not also
    # "could" for "would" (nor "cans" for "wills")
    assert inflections("can", "will") == [("can", "will")]
    assert fold("could", "would") == ("could", "would")
    assert inflections("may", "might") == [("may", "might")]


def test_extract_finds_the_spinner_swaps_folded_to_lemmas() -> None:
    kept, _ = extract_substitutions(SPUN_HARBOUR, ARTICLES["harbour"][1])
    counts = Counter(kept)
    assert counts[("mention", "say")] == 2  # the third "mentioned" sits in a 5-word gap
    for pair in [
        ("individual", "people"),
        ("company", "firm"),
        ("town", "city"),
        ("increase", "raise"),
        ("any other", "another"),
        ("went back", "returned"),
        ("settlement", "agreement"),
    ]:
        assert counts[pair] == 1, pair
    # nothing of the names, numbers or untouched words
    words = {w for pair in kept for side in pair for w in side.split()}
    assert not words & {"port", "elwin", "ingrid", "solberg", "monday", "harbour", "strike"}
    assert not any(c.isdigit() or c.isupper() for w in words for c in w)


def test_extract_splits_adjacent_swaps_of_equal_length_word_by_word() -> None:
    source = "The port office said on Monday that the talks with the union had ended well."
    copy = "The port workplace mentioned on Monday that the talks with the union had ended well."
    kept, dropped = extract_substitutions(copy, source)
    assert kept == [("workplace", "office"), ("mention", "say")]
    assert dropped == Counter()


def test_extract_of_an_unspun_copy_finds_nothing() -> None:
    text = ARTICLES["rail"][1]
    assert extract_substitutions(text, text) == ([], Counter())


def test_extract_drops_numbers_names_quotes_house_style_and_spelling() -> None:
    kept, dropped = extract_substitutions(FARM_BAKERY, BAKERY[1])
    assert kept == [("mention", "say"), ("company", "firm"), ("operate", "run")]
    assert dropped == Counter(
        {
            "numbers": 1,  # 14 -> 15
            "names": 1,  # Holm -> Holt
            "house style": 1,  # per cent -> percent
            "spelling variant": 1,  # organise -> organize
            "inside quotes": 1,  # strong -> powerful
        }
    )


def test_extract_keeps_a_capitalised_swap_that_opens_a_sentence() -> None:
    kept, dropped = extract_substitutions(FARM_CLINIC, ARTICLES["clinic"][1])
    assert ("detractor", "critic") in kept  # "Critics worry" -> "Detractors worry"
    assert ("commence", "begin") in kept and ("assist", "help") in kept
    assert "names" not in dropped


def test_extract_drops_swaps_longer_than_four_words() -> None:
    # "office said at least" -> "workplace mentioned no less than": 4 against 5 words
    _, dropped = extract_substitutions(SPUN_HARBOUR, ARTICLES["harbour"][1])
    assert dropped == Counter({"longer than 4 words": 1})


def test_extract_offers_words_inserted_next_to_a_kept_word_with_it() -> None:
    source = "The firm met with the unions on Monday, and the talks went on for hours."
    copy = "The firm met together with the unions on Monday, and the talks went on for hours."
    kept, _ = extract_substitutions(copy, source)
    assert ("together with", "with") in kept
    # but not with a unit glued to a number, which is no word of its own
    source = "The state said the tobacco firms paid $27bn to settle the claims last year."
    copy = "The state said the tobacco firms paid $27bn over to settle the claims last year."
    kept, _ = extract_substitutions(copy, source)
    assert ("over to", "to") in kept
    assert not any("bn" in side.split() for pair in kept for side in pair)


def test_extract_keeps_a_multi_word_phrase_swap() -> None:
    source = "The office said at least 5,000 people had been affected by the delays on Monday."
    copy = "The office said no less than 5,000 people had been affected by the delays on Monday."
    kept, dropped = extract_substitutions(copy, source)
    assert kept == [("no less than", "at least")]
    assert dropped == Counter()


NAME_SOURCE_1 = (
    "Dr. Selma Brandt leads the clinic project. The first trial was run by Dr. Brandt, "
    "who said on Monday that waiting times had been cut by half in the region."
)
NAME_SOURCE_2 = (
    "Dr Selma Brandt leads the clinic project. The first trial cut waiting times by half in "
    "the region. Brandt said on Monday that more clinics would follow next year."
)


@pytest.mark.parametrize(
    ("source", "old", "new"),
    [
        pytest.param(
            "The first trial cut waiting times by half, said Selma Brandt on Monday, and more "
            "clinics would follow.",
            "Brandt",
            "Lindqvist",
            id="mid-sentence",
        ),
        pytest.param(
            "The plan was discussed for a long time in the capital. EU officials backed it on "
            "Monday after talks.",
            "EU",
            "UN",
            id="acronym-opening-a-sentence",
        ),
        pytest.param(
            NAME_SOURCE_1,
            "Dr. Brandt,",
            "Dr. Lindqvist,",
            id="after-abbreviation",
        ),
        pytest.param(
            NAME_SOURCE_2,
            "Brandt said",
            "Lindqvist said",
            id="sentence-initial",
        ),
    ],
)
def test_extract_drops_a_changed_name(source: str, old: str, new: str) -> None:
    pos = source.rindex(old)
    copy = source[:pos] + new + source[pos + len(old) :]
    kept, dropped = extract_substitutions(copy, source)
    assert kept == []
    assert dropped == Counter({"names": 1})


# --------------------------------------------------------------------------- record + learn


def test_record_copies_traces_and_keeps_every_copy(farm: Learned) -> None:
    assert farm.recorded["traced"] == len(FARM_COPIES) + len(OTHER_COPIES) - 1
    assert farm.recorded["no source"] == 1
    con = farm.index.con
    assert con.execute("SELECT count(*) FROM copies").fetchone()[0] == 10
    # the unrelated text is kept, with no source, under the URL's site
    site, source = con.execute(
        "SELECT site, source FROM copies WHERE url=?", ("https://farm.example/meteor-shower",)
    ).fetchone()
    assert (site, source) == (SITE, None)
    # "www." is dropped from the URL's host; an explicit site wins over the URL
    sites = dict(con.execute("SELECT url, site FROM copies").fetchall())
    assert sites["https://www.farm.example/harbour-strike-ends"] == SITE
    assert sites["https://mirror.example/a/1"] == OTHER
    # each traced copy is kept with its true source
    traced = {url: doc.url for url, _, _, doc in farm.index.iter_copies()}
    assert len(traced) == 9
    assert "https://farm.example/meteor-shower" not in traced
    assert traced["https://farm.example/late-frost"] == source_url("orchard")
    assert traced["https://farm.example/bakery-chain"] == source_url("bakery")
    assert traced["https://mirror.example/a/2"] == source_url("rail")


def test_record_copies_site_argument_overrides_the_copies_site(tmp_path: Path) -> None:
    with Index(tmp_path / "news.db") as idx:
        fill_sources(idx)
        out = record_copies(idx, [("https://a.example/x", FARM_ORCHARD, "b.example")], "c.example")
        assert out["traced"] == 1
        assert idx.con.execute("SELECT site FROM copies").fetchone()[0] == "c.example"


def test_record_copies_reports_record_statuses(one_copy: Learned) -> None:
    assert one_copy.recorded["added"] == 1
    again = record_copies(one_copy.index, FARM_COPIES[:1])
    assert again["unchanged"] == 1


def test_site_of() -> None:
    assert site_of("https://www.Farm.Example:8080/a?b=1") == "farm.example"
    assert site_of("http://news.example/x") == "news.example"
    assert site_of("") is None
    assert site_of("http://[::1") is None  # malformed
    assert site_name(" WWW.Farm.Example ") == "farm.example" and site_name("") is None
    assert site_of(None) is None


def test_learn_stores_per_site_and_global_counts(farm: Learned) -> None:
    idx = farm.index
    # said -> mentioned: 2 in the harbour copy (its third sits in a dropped 5-word gap, which
    # "seen" does not count), 1 in each of orchard, library, clinic and bakery, 1 in each of
    # the two rail posts
    assert row(idx, SITE, "mention", "say") == (8, 7, 8)
    assert row(idx, GLOBAL, "mention", "say") == (8, 7, 8)
    # trains -> railcars: twice in each rail post; inflection unknown, kept as written
    assert row(idx, SITE, "railcars", "trains") == (4, 2, 4)
    # the other site's spinner
    assert row(idx, OTHER, "state", "say") == (2, 2, 2)
    assert row(idx, OTHER, "locomotive", "train") == (2, 1, 2)
    assert row(idx, SITE, "state", "say") is None
    # expect -> anticipate at both sites: the global row sums them
    assert row(idx, SITE, "anticipate", "expect") == (3, 2, 3)
    assert row(idx, OTHER, "anticipate", "expect") == (1, 1, 1)
    assert row(idx, GLOBAL, "anticipate", "expect") == (4, 3, 4)
    # what was dropped is not learned
    pairs = {(a, b) for _, a, b, *_ in idx.learned()}
    assert ("powerful", "strong") not in pairs
    assert ("organize", "organise") not in pairs
    assert ("holt", "holm") not in pairs
    assert ("percent", "per cent") not in pairs


def test_learn_global_rows_are_the_sums_over_sites(farm: Learned) -> None:
    rows = farm.index.learned()
    sites = {r[0] for r in rows}
    assert sites == {SITE, OTHER, GLOBAL}
    summed: dict[tuple[str, str], list[int]] = {}
    for s, a, b, count, copies, seen in rows:
        if s != GLOBAL:
            acc = summed.setdefault((a, b), [0, 0, 0])
            acc[0] += count
            acc[1] += copies
            acc[2] += seen
    globals_ = {(a, b): [c, k, n] for s, a, b, c, k, n in rows if s == GLOBAL}
    assert globals_ == summed
    for s, a, b, count, copies, seen in rows:
        assert seen >= count >= copies >= 1, (s, a, b)


def test_learn_ignores_copies_without_a_source(farm: Learned) -> None:
    assert farm.summary.copies == farm.recorded["traced"] == 9
    words = {w for _, a, b, *_ in farm.index.learned() for w in f"{a} {b}".split()}
    assert not words & {"meteor", "meteors", "observatory", "astronomer", "skies", "shower"}


def test_learn_summary(farm: Learned) -> None:
    s = farm.summary
    rows = farm.index.learned()
    assert s.sites == 2
    assert s.pairs == len(rows)
    assert s.substitutions == sum(r[3] for r in rows if r[0] == GLOBAL)
    assert s.dropped == Counter(
        {
            "longer than 4 words": 1,
            "numbers": 1,
            "names": 1,
            "house style": 1,
            "spelling variant": 1,
            "inside quotes": 1,
        }
    )
    d = s.to_dict()
    assert d["copies"] == 9 and d["pairs"] == len(rows) and d["sites"] == 2
    assert d["dropped"]["inside quotes"] == 1
    assert d["seconds"] >= 0


def test_learn_seen_counts_every_occurrence_of_the_spun_wording(tmp_path: Path) -> None:
    swapped = (
        "Shipping firms warned on Monday that clearing the backlog could take another week, "
        "and the port said another ship was waiting outside the harbour."
    )
    verbatim = (
        "The council said that any other decision would delay the project by months and cost "
        "the town more money than planned, and that it would not change course again."
    )
    with Index(tmp_path / "news.db") as idx:
        _, a = idx.upsert(source_url("a"), swapped)
        _, b = idx.upsert(source_url("b"), verbatim)
        idx.record_copy("https://farm.example/a", SITE, swapped.replace("another", "any other"), a)
        idx.record_copy("https://farm.example/b", SITE, verbatim.replace("said", "mentioned"), b)
        learn(idx)
        # twice a swap; the third "any other" was in the source too
        assert row(idx, SITE, "any other", "another") == (2, 1, 3)
        assert row(idx, GLOBAL, "any other", "another") == (2, 1, 3)
        assert row(idx, SITE, "mention", "say") == (1, 1, 1)
        # "seen" counts every inflected form of a one-word pattern kept verbatim
        kept = "They mention it and she mentions it, the council said on Monday."
        _, c = idx.upsert(source_url("c"), kept)
        idx.record_copy("https://farm.example/c", SITE, kept, c)
        learn(idx)
        assert row(idx, SITE, "mention", "say") == (1, 1, 3)
        # but not where the copy differs from its source
        other = "They speak of it and she speaks of it, the mayor would mention it on Monday."
        idx.record_copy("https://farm.example/d", SITE, other, c)
        learn(idx)
        assert row(idx, SITE, "mention", "say") == (1, 1, 3)


def test_seen_counts_a_kept_digit_only_where_it_may_be_a_number_word(tmp_path: Path) -> None:
    spelled = "The two ministers met for three hours in the capital on Monday afternoon."
    kept = (
        "The ministers met on 3 March and the home side won 3-1, while another 3 teams "
        "were left waiting for the result of the final vote on the plan."
    )
    with Index(tmp_path / "news.db") as idx:
        _, a = idx.upsert(source_url("a"), spelled)
        _, b = idx.upsert(source_url("b"), kept)
        idx.record_copy("https://farm.example/a", SITE, spelled.replace("three", "3"), a)
        idx.record_copy("https://farm.example/b", SITE, kept, b)
        learn(idx)
        # "3 March" and "3-1" cannot be "three": only "3 teams" is a kept digit
        assert row(idx, SITE, "3", "three") == (1, 1, 2)


def test_learn_again_gives_the_same_rows(farm: Learned) -> None:
    before = sorted(farm.index.learned())
    again = learn(farm.index)
    assert sorted(farm.index.learned()) == before
    assert (again.copies, again.substitutions, again.pairs, again.sites) == (
        farm.summary.copies,
        farm.summary.substitutions,
        farm.summary.pairs,
        farm.summary.sites,
    )
    assert again.dropped == farm.summary.dropped


def test_seen_does_not_count_occurrences_inside_dropped_swaps(one_copy: Learned) -> None:
    # all three "mentioned" in the harbour copy stand for "said"
    got = row(one_copy.index, SITE, "mention", "say")
    assert got is not None
    count, _, seen = got
    assert count == seen


# --------------------------------------------------------------------------- learned_table


def test_learned_table_weighs_a_sites_own_pairs_more() -> None:
    rows = [
        (GLOBAL, "railcar", "train", 3, 2, 3),
        ("a.example", "railcar", "train", 2, 1, 2),
        ("b.example", "railcar", "train", 1, 1, 1),
    ]
    assert learned_table(rows, "a.example")["railcars"]["trains"] == 3 + SITE_WEIGHT * 2
    assert learned_table(rows, "c.example")["railcars"]["trains"] == 3
    assert learned_table(rows, None)["railcars"]["trains"] == 3
    # b's own row is seen once only: b gets the global weight
    assert learned_table(rows, "b.example")["railcars"]["trains"] == 3
    # a site row without a global row counts for that site only
    only = [("a.example", "railcar", "train", 2, 1, 2)]
    assert learned_table(only, "a.example")["railcar"]["train"] == SITE_WEIGHT * 2
    assert learned_table(only, None) == {}


def test_learned_table_leaves_out_rare_pairs() -> None:
    assert MIN_COUNT == 2
    assert learned_table([(GLOBAL, "railcar", "train", 1, 1, 1)]) == {}
    assert "railcar" in learned_table([(GLOBAL, "railcar", "train", 2, 2, 2)])


def test_learned_table_leaves_out_pairs_below_their_share() -> None:
    assert MIN_SHARE == 0.5
    # "on" was spun from "at" 4 times but occurs 10 times: mostly it was "on" in the source
    assert learned_table([(GLOBAL, "on", "at", 4, 4, 10)]) == {}
    # exactly half passes
    assert learned_table([(GLOBAL, "on", "at", 5, 5, 10)])["on"]["at"] == 5
    assert learned_table([(GLOBAL, "on", "at", 4, 4, 10)], min_share=0.4)["on"]["at"] == 4


def test_learned_table_caps_weights() -> None:
    rows = [(GLOBAL, "railcar", "train", 10, 5, 10), ("a.example", "railcar", "train", 10, 5, 10)]
    assert 10 + SITE_WEIGHT * 10 > MAX_WEIGHT
    assert learned_table(rows, "a.example")["railcar"]["train"] == MAX_WEIGHT
    assert learned_table(rows, None)["railcar"]["train"] == 10


def test_learned_table_holds_every_inflected_form() -> None:
    table = learned_table([(GLOBAL, "mention", "say", 3, 3, 3)])
    assert table["mention"]["say"] == 3
    assert table["mentioned"]["said"] == 3
    assert table["mentions"]["says"] == 3
    assert table["mentioning"]["saying"] == 3
    phrase = learned_table([(GLOBAL, "no less than", "at least", 2, 2, 2)])
    assert phrase == {"no less than": {"at least": 2}}


def test_learned_table_from_learned_rows(farm: Learned) -> None:
    rows = farm.index.learned()
    mine = learned_table(rows, SITE)
    theirs = learned_table(rows, OTHER)
    assert mine["mentioned"]["said"] == MAX_WEIGHT
    assert mine["railcars"]["trains"] > theirs["railcars"]["trains"] > 0
    assert theirs["locomotives"]["trains"] > mine["locomotives"]["trains"] > 0
    assert "detractors" not in mine  # seen once


# --------------------------------------------------------------------------- gating


def test_signature_forms_of_the_farm(farm: Learned) -> None:
    forms = signature_forms(farm.index.learned(), SITE)
    assert {"mentioned", "mentions", "railcars", "anticipated", "administration"} <= forms
    assert "individuals" not in forms  # seen once
    # the other site's spinner is not the farm's
    assert "locomotives" not in forms and "stated" not in forms
    assert "locomotives" not in signature_forms(farm.index.learned(), OTHER)  # count 2 < 3


def test_signature_forms_need_count_and_share() -> None:
    assert (SIGNATURE_COUNT, SIGNATURE_SHARE) == (3, 0.8)
    assert signature_forms([(GLOBAL, "railcar", "train", 2, 2, 2)]) == set()  # too few
    assert signature_forms([(GLOBAL, "railcar", "train", 3, 3, 4)]) == set()  # 0.75 < 0.8
    forms = signature_forms([(GLOBAL, "railcar", "train", 4, 4, 5)])  # 0.8
    assert {"railcar", "railcars"} <= forms
    # a site's rows mark that site's copies only; global rows mark every site's
    site_rows = [("a.example", "railcar", "train", 4, 4, 4)]
    assert "railcars" in signature_forms(site_rows, "a.example")
    assert signature_forms(site_rows, "b.example") == set()
    assert signature_forms(site_rows) == set()
    assert signature_forms([(GLOBAL, "no less than", "at least", 3, 3, 3)]) == {"no less than"}


def test_evidence_tells_farm_copies_from_clean_text(farm: Learned) -> None:
    forms = signature_forms(farm.index.learned(), SITE)
    assert evidence(FARM_RAIL, forms) >= MIN_EVIDENCE
    assert evidence(FARM_UNSEEN, forms) >= MIN_EVIDENCE
    for clean in (ARTICLES["rail"][1], ARTICLES["harbour"][1], UNRELATED):
        assert evidence(clean, forms) < MIN_EVIDENCE


def test_evidence_needs_enough_learned_copies(one_copy: Learned, farm: Learned) -> None:
    few = signature_forms(one_copy.index.learned(), SITE)
    assert evidence(FARM_UNSEEN, few) < MIN_EVIDENCE
    many = signature_forms(farm.index.learned(), SITE)
    assert evidence(FARM_UNSEEN, many) >= MIN_EVIDENCE


def test_evidence_counts_words_and_phrases_per_100_words() -> None:
    assert evidence("any other week and any other day", {"any other"}) == pytest.approx(100 * 2 / 7)
    assert evidence("They mentioned it.", {"mentioned"}) == pytest.approx(100 / 3)
    assert evidence("", {"mentioned"}) == 0.0
    assert evidence("They mentioned it.", set()) == 0.0


# --------------------------------------------------------------------------- exchange


BUNDLED_HEADER = (
    Path(str(resources.files("unspin") / "data" / "spinner_table.tsv"))
    .read_text(encoding="utf-8")
    .splitlines()[1]
)


def test_export_writes_the_bundled_tables_format(farm: Learned, tmp_path: Path) -> None:
    out = tmp_path / "farm.tsv"
    n = export_tsv(farm.index, out, SITE)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and SITE in lines[0]
    assert lines[1] == BUNDLED_HEADER == "spun\toriginal\tcount\ttable_original"
    body = [line.split("\t") for line in lines[2:]]
    assert len(body) == n
    assert all(len(parts) == 4 for parts in body)
    assert ["mentioned", "said", "8", "say"] in body
    assert ["railcars", "trains", "4", "trains"] in body
    # the bundled table's reader takes it
    lex = Lexicon(table_path=out)
    origins = {o.text: o for o in lex.lookup("railcars")}
    assert origins["trains"].count == 4 and "T" in origins["trains"].flags


def test_import_of_an_export_keeps_every_pair_and_count(farm: Learned, tmp_path: Path) -> None:
    out = tmp_path / "farm.tsv"
    export_tsv(farm.index, out, SITE)
    with Index(tmp_path / "fresh.db") as fresh:
        import_tsv(fresh, out, SITE)
        exported = {r[1:4] for r in farm.index.learned(SITE)}
        imported = {r[1:4] for r in fresh.learned(SITE)}
        assert exported <= imported
        # every form of a pattern carries its count: the count is not multiplied by them
        assert row(fresh, SITE, "mention", "say") == (8, 0, 8)
        # the pairs also go to the global site
        assert {r[1:4] for r in fresh.learned(GLOBAL)} == imported
        # a second import adds the counts
        import_tsv(fresh, out, SITE)
        assert row(fresh, SITE, "mention", "say") == (16, 0, 16)


@pytest.mark.xfail(
    strict=True,
    reason="inflections() makes forms for every tag whatever the word's part of speech "
    "('mentioner'/'sayer', 'railcarsed'/'trainsed'); export_tsv writes them and import_tsv "
    "cannot fold them back, so a round trip adds junk pairs",
)
def test_export_import_round_trip_gives_the_same_rows(farm: Learned, tmp_path: Path) -> None:
    out = tmp_path / "farm.tsv"
    export_tsv(farm.index, out, SITE)
    with Index(tmp_path / "fresh.db") as fresh:
        import_tsv(fresh, out, SITE)
        exported = {r[1:4] for r in farm.index.learned(SITE)}
        imported = {r[1:4] for r in fresh.learned(SITE)}
        assert imported == exported


def test_learn_keeps_imported_pairs(tmp_path: Path) -> None:
    table = tmp_path / "table.tsv"
    table.write_text(f"{BUNDLED_HEADER}\nlocomotives\ttrains\t5\ttrains\n", encoding="utf-8")
    with Index(tmp_path / "news.db") as idx:
        fill_sources(idx)
        import_tsv(idx, table, SITE)
        record_copies(idx, FARM_COPIES[:1])
        learn(idx)
        assert row(idx, SITE, "mention", "say") is not None
        assert row(idx, SITE, "locomotive", "train") is not None


@pytest.mark.parametrize(
    "line", ["only-one-column", "mentioned\tsaid\tmany\tsay"], ids=["columns", "count"]
)
def test_import_rejects_a_malformed_line(tmp_path: Path, line: str) -> None:
    bad = tmp_path / "bad-table.tsv"
    bad.write_text(f"{BUNDLED_HEADER}\nrailcars\ttrains\t3\ttrains\n{line}\n", encoding="utf-8")
    with Index(tmp_path / "fresh.db") as fresh:
        with pytest.raises(ValueError, match=re.escape(str(bad))):
            import_tsv(fresh, bad, SITE)


def test_import_reads_comments_blank_lines_and_default_counts(tmp_path: Path) -> None:
    table = tmp_path / "table.tsv"
    table.write_text(
        f"# a comment\n{BUNDLED_HEADER}\n\nRailcars\tTrains\nmentioned\tsaid\t3\tsay\n",
        encoding="utf-8",
    )
    with Index(tmp_path / "fresh.db") as fresh:
        import_tsv(fresh, table)
        assert sorted(fresh.learned()) == [
            (GLOBAL, "mention", "say", 3, 0, 3),
            (GLOBAL, "railcars", "trains", 1, 0, 1),
        ]


# --------------------------------------------------------------------------- report


def test_site_report(farm: Learned) -> None:
    report = site_report(farm.index, top=3)
    assert [r["site"] for r in report] == [SITE, OTHER]  # most copies first; no "*"
    mine, theirs = report
    assert (mine["copies_seen"], mine["copies_traced"]) == (8, 7)
    assert mine["traced_share"] == round(7 / 8, 3)
    assert (theirs["copies_seen"], theirs["copies_traced"], theirs["traced_share"]) == (2, 2, 1.0)
    # the rail story was posted twice
    assert mine["sources"][0] == {
        "url": source_url("rail"),
        "title": ARTICLES["rail"][0],
        "copies": 2,
    }
    assert all(s["copies"] == 1 for s in mine["sources"][1:])
    assert len(mine["substitutions"]) == 3
    assert mine["substitutions"][0] == {
        "spun": "mention",
        "original": "say",
        "count": 8,
        "copies": 7,
        "seen": 8,
    }
    counts = [s["count"] for s in mine["substitutions"]]
    assert counts == sorted(counts, reverse=True)
    theirs_spun = {s["spun"] for s in theirs["substitutions"]}
    assert theirs_spun <= {"state", "locomotive", "anticipate", "applaud"}
    assert mine["swaps_per_100_words"] > theirs["swaps_per_100_words"] > 0


# --------------------------------------------------------------------------- library


def _edit_at(edits: list, text: str, word: str) -> str | None:
    at = text.index(word)
    for e in edits:
        if e.start <= at < e.end:
            return e.original
    return None


def test_restore_uses_the_learned_swap(farm: Learned) -> None:
    plain = unspin.restore(FARM_UNSEEN)
    if _edit_at(plain.edits, FARM_UNSEEN, "railcars") == "trains":
        pytest.skip("the plain engine already restores 'railcars'")
    assert "passenger trains" not in plain.restored
    learned = unspin.restore(FARM_UNSEEN, index=farm.path, site=SITE, trace_source=False)
    assert learned.source is None
    assert _edit_at(learned.edits, FARM_UNSEEN, "railcars") == "trains"
    assert "Freight trains" in learned.restored and "passenger trains" in learned.restored
    # check() takes the same priors
    report = unspin.check(FARM_UNSEEN, index=str(farm.path), site=SITE)
    assert _edit_at(report.edits, FARM_UNSEEN, "railcars") == "trains"


def test_engine_for_keeps_the_plain_engine_for_clean_text(farm: Learned) -> None:
    plain = unspin.get_engine()
    assert unspin.engine_for(farm.path, SITE, text=ARTICLES["rail"][1]) is plain
    assert unspin.engine_for(farm.path, SITE, text=UNRELATED) is plain
    assert unspin.engine_for(None, SITE, text=FARM_RAIL) is plain
    copy_engine = unspin.engine_for(farm.path, SITE, text=FARM_RAIL)
    assert copy_engine is not plain
    assert "trains" in {o.text for o in copy_engine.lexicon.lookup("railcars")}
    assert "trains" not in {o.text for o in plain.lexicon.lookup("railcars")}
    # derived engines are cached, and an open Index works as well as a path
    assert unspin.engine_for(farm.index, SITE, text=FARM_RAIL) is copy_engine


def test_engine_for_an_index_with_nothing_learned(tmp_path: Path) -> None:
    with Index(tmp_path / "empty.db") as idx:
        fill_sources(idx)
    assert unspin.engine_for(tmp_path / "empty.db", SITE, text=FARM_RAIL) is unspin.get_engine()


# --------------------------------------------------------------------------- schema


def test_index_schema_version_and_learned_columns(farm: Learned) -> None:
    con = sqlite3.connect(farm.path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        learned_cols = {r[1]: r for r in con.execute("PRAGMA table_info(learned)")}
        want = {"site", "spun", "original", "count", "copies", "seen", "origin"}
        assert set(learned_cols) == want
        copies_cols = {r[1]: r for r in con.execute("PRAGMA table_info(copies)")}
        assert copies_cols["source"][3] == 0  # nullable: a copy may have no source
    finally:
        con.close()


def test_learn_stores_word_statistics_per_site(farm: Learned) -> None:
    words = farm.index.site_words(SITE)
    everywhere = farm.index.site_words(GLOBAL)
    # the farm's spinner writes "mentioned" for "said": in its copies, never in its sources
    n_copies, verbatim, n_sources = words["mentioned"]
    assert n_copies >= 3 and verbatim == 0 and n_sources == 0
    n_copies, verbatim, n_sources = words["said"]
    assert n_copies == 0 and n_sources >= 3
    # a word the spinner leaves alone is verbatim wherever it stands outside a swap
    n_copies, verbatim, n_sources = words["the"]
    assert n_copies > 10 and verbatim >= 0.8 * n_copies and abs(n_copies - n_sources) <= 5
    # the global statistics add up every site's
    for w, (c, v, s) in words.items():
        assert everywhere[w][0] >= c and everywhere[w][1] >= v and everywhere[w][2] >= s
