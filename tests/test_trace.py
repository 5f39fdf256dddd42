"""Tests for unspin.tracing, unspin.trace() and unspin.restore(index=...)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from news_samples import ARTICLES, SPUN_HARBOUR, UNRELATED

import unspin
from unspin.index import Index, IndexFileError
from unspin.result import Edit
from unspin.tracing import MIN_EXPLAINED, SourceMatch, TraceReport, edits_from_source, trace

HARBOUR = ARTICLES["harbour"][1]

# hand-made spins of the other four stories (word swaps only, as a spinner would)
SPINS = {
    "orchard": [
        ("expect", "anticipate"),
        ("smallest", "tiniest"),
        ("damaged", "harmed"),
        ("estimated", "calculated"),
        ("asked", "requested"),
        ("badly", "severely"),
        ("import", "bring in"),
        ("stable", "steady"),
    ],
    "library": [
        ("reopened", "re-opened"),
        ("building", "structure"),
        ("booked", "reserved"),
        ("passed", "exceeded"),
        ("expected", "anticipated"),
        ("hopes", "wishes"),
        ("whole", "entire"),
        ("courses", "classes"),
    ],
    "rail": [
        ("Overnight", "Nighttime"),
        ("again", "once more"),
        ("gap", "break"),
        ("rebuilt", "reconstructed"),
        ("called", "described"),
        ("prefer", "favour"),
        ("urged", "pressed"),
        ("cut", "reduce"),
    ],
    "clinic": [
        ("begin", "start"),
        ("announced", "stated"),
        ("able", "in a position"),
        ("travelling", "journeying"),
        ("leads", "heads"),
        ("cut", "reduced"),
        ("worry", "fear"),
        ("struggle", "battle"),
    ],
}


def spin(key: str) -> str:
    text = ARTICLES[key][1]
    for old, new in SPINS[key]:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def url(key: str) -> str:
    return f"https://news.example/{key}"


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trace") / "news.db"
    with Index(path) as idx:
        for key, (title, text) in ARTICLES.items():
            idx.upsert(url(key), text, title=title, date="2024-05-0" + str(len(key) % 9))
    return path


@pytest.fixture(scope="module")
def index(index_path: Path) -> Iterator[Index]:
    with Index(index_path, create=False) as idx:
        yield idx


@pytest.fixture(scope="module")
def without_harbour(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trace") / "no-harbour.db"
    with Index(path) as idx:
        for key, (title, text) in ARTICLES.items():
            if key != "harbour":
                idx.upsert(url(key), text, title=title)
    return path


@pytest.fixture(scope="module")
def spun_report(index: Index) -> TraceReport:
    return trace(SPUN_HARBOUR, index)


# --------------------------------------------------------------------------- finding sources


def test_spun_copy_traces_to_its_source(spun_report: TraceReport) -> None:
    assert [m.url for m in spun_report.matches] == [url("harbour")]
    best = spun_report.best
    assert best is not None
    assert best.title == "Harbour strike ends after talks"
    assert best.explained >= MIN_EXPLAINED
    assert best.explained >= 0.9
    assert best.source_text == HARBOUR
    assert best.shared_fingerprints >= 3
    assert best.similarity == pytest.approx((best.explained + best.source_covered) / 2)
    assert spun_report.words == len(SPUN_HARBOUR.split())
    assert spun_report.candidates_checked >= 1


def test_spun_copy_swaps_point_back_to_the_source(spun_report: TraceReport) -> None:
    best = spun_report.best
    assert best is not None
    pairs = {(s.spun, s.original) for s in best.swaps if s.kind == "swap"}
    assert ("employees", "workers") in pairs
    assert ("individuals", "people") in pairs
    for s in best.swaps:
        assert SPUN_HARBOUR[s.start : s.end] == s.spun
        assert HARBOUR[s.source_start : s.source_end] == s.original


@pytest.mark.parametrize("key", sorted(ARTICLES))
def test_verbatim_copy_matches_its_own_article_only(index: Index, key: str) -> None:
    report = trace(ARTICLES[key][1], index)
    assert [m.url for m in report.matches] == [url(key)]
    assert report.matches[0].explained == 1.0
    assert report.matches[0].swaps == []


@pytest.mark.parametrize("key", sorted(SPINS))
def test_other_spun_articles_match_themselves_never_harbour(index: Index, key: str) -> None:
    copy = spin(key)
    assert copy != ARTICLES[key][1]
    report = trace(copy, index)
    assert [m.url for m in report.matches] == [url(key)]
    assert url("harbour") not in {m.url for m in report.matches}
    assert report.matches[0].explained >= MIN_EXPLAINED


@pytest.mark.parametrize("key", sorted(SPINS))
def test_other_articles_never_match_harbour_when_it_is_the_only_choice(
    tmp_path: Path, index: Index, key: str
) -> None:
    report = trace(spin(key), index, limit=5)
    assert all(m.url != url("harbour") for m in report.matches)
    # an index holding only the harbour story: nothing else may be pinned on it
    with Index(tmp_path / "harbour-only.db") as idx:
        idx.upsert(url("harbour"), HARBOUR)
        for text in (spin(key), ARTICLES[key][1]):
            assert trace(text, idx).matches == []


def test_unrelated_text_matches_nothing(index: Index) -> None:
    report = trace(UNRELATED, index)
    assert report.matches == []
    assert report.best is None
    assert report.to_dict()["found"] is False


def test_spun_copy_without_its_source_matches_nothing(without_harbour: Path) -> None:
    report = trace(SPUN_HARBOUR, without_harbour)
    assert report.matches == []


def test_empty_index_returns_no_matches(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    Index(path).close()
    report = trace(SPUN_HARBOUR, path)
    assert report.matches == [] and report.candidates_checked == 0


def test_empty_and_contentless_copies(index: Index) -> None:
    for text in ("", "the of and", "!!!"):
        report = trace(text, index)
        assert report.matches == [] and report.candidates_checked == 0


def test_missing_index_path_raises(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError, match="no index at"):
        trace(SPUN_HARBOUR, tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_an_open_index_is_left_open(index: Index) -> None:
    trace(SPUN_HARBOUR, index)
    assert len(index) == 5  # still usable


def test_thresholds_are_applied(index: Index) -> None:
    assert trace(SPUN_HARBOUR, index, min_explained=1.01).matches == []
    assert trace(SPUN_HARBOUR, index, min_matched=0.99).matches == []
    assert trace(SPUN_HARBOUR, index, candidates=0).matches == []


def test_limit_and_near_duplicate_sources(tmp_path: Path) -> None:
    # the same story stored twice (a shortened republication) is reported twice, best first
    path = tmp_path / "dups.db"
    republished = HARBOUR[: HARBOUR.index("Shipping firms")].strip()
    with Index(path) as idx:
        for key, (title, text) in ARTICLES.items():
            idx.upsert(url(key), text, title=title)
        idx.upsert("https://mirror.example/harbour", republished)
    report = trace(SPUN_HARBOUR, path)
    assert [m.url for m in report.matches] == [url("harbour"), "https://mirror.example/harbour"]
    assert report.matches[0].similarity > report.matches[1].similarity
    assert report.matches[1].explained < 1.0  # the copy's last sentence is not in the mirror
    assert [m.url for m in trace(SPUN_HARBOUR, path, limit=1).matches] == [url("harbour")]


# --------------------------------------------------------------------------- reports


def test_report_to_dict_is_json_with_documented_keys(spun_report: TraceReport) -> None:
    d = json.loads(json.dumps(spun_report.to_dict()))
    assert set(d) == {"words", "found", "candidates_checked", "seconds", "matches"}
    assert d["found"] is True and d["words"] == spun_report.words
    (m,) = d["matches"]
    assert set(m) == {
        "url",
        "title",
        "date",
        "site",
        "author",
        "similarity",
        "explained",
        "matched",
        "source_covered",
        "shared_fingerprints",
        "swaps",
    }
    assert m["url"] == url("harbour")
    assert 0.6 <= m["explained"] <= 1.0
    swap = next(s for s in m["swaps"] if s["spun"] == "employees")
    assert swap == {
        "start": 5,
        "end": 14,
        "spun": "employees",
        "source_start": 5,
        "source_end": 12,
        "original": "workers",
        "kind": "swap",
    }
    best = spun_report.best
    assert best is not None
    assert "source_text" not in m
    assert best.to_dict(with_source_text=True)["source_text"] == HARBOUR


def test_public_trace_function(index_path: Path) -> None:
    # importing the module behind it (as restore(index=...) does) must not shadow the function
    import unspin.tracing  # noqa: F401

    report = unspin.trace(SPUN_HARBOUR, index_path)
    assert isinstance(report, TraceReport)
    assert report.best is not None and report.best.url == url("harbour")
    assert unspin.trace(SPUN_HARBOUR, str(index_path), limit=1).best is not None


# --------------------------------------------------------------------------- restoring


def test_restore_with_index_uses_the_source_wording(index_path: Path) -> None:
    result = unspin.restore(SPUN_HARBOUR, index=index_path)
    assert result.source is not None
    assert result.source["url"] == url("harbour")
    restored = result.restored
    for phrase in [
        "Dock workers in Port Elwin returned to work",
        "office said at least 5,000 people",
        "delays to food and fuel deliveries",
        "thanked both sides",
        "the city would review",
        "could take another week",
    ]:
        assert phrase in restored
    assert restored == HARBOUR
    assert result.edits
    assert all(e.evidence["source"] == "traced" for e in result.edits)
    assert all(e.evidence["source_url"] == url("harbour") for e in result.edits)
    for e in result.edits:
        assert SPUN_HARBOUR[e.start : e.end] == e.spun
    assert json.loads(json.dumps(result.to_dict()))["source"]["url"] == url("harbour")


def test_restore_with_an_open_index(index: Index) -> None:
    result = unspin.restore(SPUN_HARBOUR, index=index)
    assert result.source is not None and result.restored == HARBOUR
    assert len(index) == 5


def test_restore_without_a_match_keeps_the_model_edits(without_harbour: Path) -> None:
    plain = unspin.restore(SPUN_HARBOUR)
    assert plain.edits  # the model finds something to change on its own
    result = unspin.restore(SPUN_HARBOUR, index=without_harbour)
    assert result.source is None
    assert "no source found in the index" in result.message
    assert result.edits == plain.edits
    assert result.restored == plain.restored
    assert result.restored != HARBOUR


def test_restore_with_missing_index_raises(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError):
        unspin.restore(SPUN_HARBOUR, index=tmp_path / "missing.db")


def test_edits_from_source_keeps_model_edits_only_in_unexplained_text(index: Index) -> None:
    added = " Critics called the deal a betrayal of ordinary dock staff."
    copy = SPUN_HARBOUR.replace("night shifts.", "night shifts." + added, 1)
    match = trace(copy, index).best
    assert match is not None
    inserted = copy.index("betrayal")
    on_swap = copy.index("employees")
    model = [
        Edit(on_swap, on_swap + 9, "employees", "staff", 0.9),  # the source knows better
        Edit(inserted, inserted + 8, "betrayal", "treachery", 0.7),  # only the model can say
        Edit(copy.index("harbour"), copy.index("harbour") + 7, "harbour", "port", 0.8),
    ]
    edits = edits_from_source(copy, match, model)
    by_start = {e.start: e for e in edits}
    assert by_start[on_swap].original == "workers"
    assert by_start[on_swap].evidence["source"] == "traced"
    assert by_start[on_swap].evidence["source_url"] == url("harbour")
    assert by_start[inserted].original == "treachery"  # inside the inserted sentence: kept
    assert copy.index("harbour") not in by_start  # verbatim source text: no edit survives
    assert [e.start for e in edits] == sorted(e.start for e in edits)
    swaps = [s for s in match.swaps if s.kind == "swap"]
    assert len(edits) == len(swaps) + 1


def test_source_match_dataclass_defaults() -> None:
    m = SourceMatch(
        url="u",
        title=None,
        date=None,
        site=None,
        author=None,
        similarity=0.123456,
        explained=1.0,
        matched=0.5,
        source_covered=0.25,
        shared_fingerprints=2,
        swaps=[],
    )
    d = m.to_dict()
    assert d["similarity"] == 0.1235 and d["swaps"] == []
    assert "source_text" not in d
