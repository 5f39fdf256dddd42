"""Tortured-phrase fingerprints: query grammar, matching, whitelist, lists, update and add.

Every sentence and list here is written for these tests; the bundled PPS list is only read.
"""

from __future__ import annotations

import gzip
import importlib.util
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from httpserver import Response, Server

import unspin.fingerprints as fpmod
from unspin.fetch import Fetcher
from unspin.fingerprints import (
    And,
    Fingerprint,
    FingerprintError,
    FingerprintList,
    LoadWarning,
    Near,
    Not,
    Or,
    Phrase,
    QueryError,
    Whitelist,
    WhitelistEntry,
    add,
    data_dir,
    export_path,
    match,
    normalize,
    parse_query,
    update,
    user_lists_dir,
)

ROOT = Path(__file__).resolve().parents[1]


def fp(
    tortured: str,
    expected: str = "x",
    query: str | None = None,
    *,
    papers: int = 1,
    source: str = "test",
) -> Fingerprint:
    return Fingerprint(tortured, expected, papers, query if query is not None else tortured, source)


def hits_of(fl: FingerprintList, text: str, field: str | None = None, **kw: object) -> list[str]:
    found = fl.match(text, field, **kw)  # type: ignore[arg-type]
    for h in found:
        assert text[h.start : h.end] == h.text
    return [h.text for h in found]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty unspin home for user lists and downloads."""
    path = tmp_path / "home"
    monkeypatch.setenv("UNSPIN_HOME", str(path))
    return path


# --------------------------------------------------------------------------- query grammar


def P(*tokens: str, text: str | None = None) -> Phrase:
    return Phrase(tuple(tokens), text if text is not None else " ".join(tokens))


def test_bare_phrase() -> None:
    assert parse_query("shiny vector engine") == P("shiny", "vector", "engine")


def test_each_operator() -> None:
    assert parse_query('woolly map AND "feature map"') == And(
        P("woolly", "map"), P("feature", "map")
    )
    assert parse_query('woolly map NOT "street"') == Not(P("woolly", "map"), P("street"))
    assert parse_query('woolly map AND NOT "street"') == Not(P("woolly", "map"), P("street"))
    assert parse_query('woolly map OR "fluffy map"') == Or(P("woolly", "map"), P("fluffy", "map"))
    # a bare phrase after an operator runs to the next operator
    assert parse_query("woolly map AND deep net") == And(P("woolly", "map"), P("deep", "net"))


def test_operators_apply_left_to_right() -> None:
    q = parse_query('woolly map OR "fluffy map" AND "feature map"')
    assert q == And(Or(P("woolly", "map"), P("fluffy", "map")), P("feature", "map"))


def test_lower_case_operator_words_are_text() -> None:
    assert parse_query("salt and pepper noise") == P("salt", "and", "pepper", "noise")
    assert parse_query("ORCA whale NOTES") == P("orca", "whale", "notes", text="ORCA whale NOTES")


def test_nested_or_group() -> None:
    q = parse_query('kind lump AND ("benign lump" OR ("mild lump" OR "soft lump"))')
    assert q == And(
        P("kind", "lump"),
        Or(P("benign", "lump"), Or(P("mild", "lump"), P("soft", "lump"))),
    )
    assert parse_query('("kind lump" OR gentle lump) AND "tumour"') == And(
        Or(P("kind", "lump"), P("gentle", "lump")), P("tumour")
    )


def test_literal_parentheses_are_part_of_the_phrase() -> None:
    assert parse_query("rapid sorting method (RSM)") == P(
        "rapid", "sorting", "method", "(", "rsm", ")", text="rapid sorting method (RSM)"
    )
    assert parse_query("Acme(R) Widget") == P(
        "acme", "(", "r", ")", "widget", text="Acme(R) Widget"
    )
    assert parse_query("cheap gadget (CG) maker") == P(
        "cheap", "gadget", "(", "cg", ")", "maker", text="cheap gadget (CG) maker"
    )
    assert parse_query("(IoT) gadget hub") == P(
        "(", "iot", ")", "gadget", "hub", text="(IoT) gadget hub"
    )
    # followed by a condition: the parentheses stay literal, AND still splits
    assert parse_query('swift sorter (SS) AND "sorting"') == And(
        P("swift", "sorter", "(", "ss", ")", text="swift sorter (SS)"), P("sorting")
    )


def test_proximity_bare_and_quoted() -> None:
    assert parse_query("gathered clumping~10") == Near(
        ("gathered", "clumping"), 10, "gathered clumping"
    )
    assert parse_query('"gathered clumping"~3') == Near(
        ("gathered", "clumping"), 3, "gathered clumping"
    )
    assert parse_query('choir hall NOT "choir hall Vienna"~4') == Not(
        P("choir", "hall"), Near(("choir", "hall", "vienna"), 4, "choir hall Vienna")
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "woolly map AND",
        "AND woolly map",
        '"woolly map',
        "woolly (map",
        "woolly map~",
        "woolly map~x",
        "~5",
        '""',
        '"woolly" "map"',
        "woolly) map",
        'woolly OR NOT "map"',
        'woolly AND ("map" OR "net"',
    ],
)
def test_malformed_queries_raise(query: str) -> None:
    with pytest.raises(QueryError):
        parse_query(query)


def test_malformed_rows_are_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(
        "# my list\n"
        "tortured\texpected\tnum_papers\tpps_query\n"
        "woolly map\tfeature map\t3\twoolly map\n"
        'broken one\tx\t1\tbroken one AND "unclosed\n'
        "fuzzy thing\tx\t1\tfuzzy thing~\n"
        "\t\t\t\n"
        "fluffy net\tneural net\tmany\tfluffy net\n",
        encoding="utf-8",
    )
    fl = FingerprintList.load(path)
    assert [f.tortured for f in fl] == ["woolly map", "fluffy net"]
    assert [f.source for f in fl] == ["mine", "mine"]
    assert [w.line for w in fl.warnings] == [4, 5, 7]
    assert "unbalanced quote" in fl.warnings[0].message
    assert "fuzzy" in fl.warnings[1].message
    assert fl[1].papers == 0 and "not a number" in fl.warnings[2].message
    assert str(fl.warnings[0]).startswith("mine:4: ")


# --------------------------------------------------------------------------- matching


def test_normalize() -> None:
    assert (
        normalize("Pre-Trained  “Model’s”\nﬁne—tuned ＡＢＣ")
        == "pre trained model's fine tuned abc"
    )
    assert normalize("pro\u00adfound") == "profound"  # a soft hyphen is invisible


def test_offsets_into_original_text_with_newlines_hyphens_quotes_and_case() -> None:
    fl = FingerprintList([fp("pre-trained woolly map"), fp("counterfeit brain"), fp("robot's arm")])
    text = (
        "Intro.\r\nA PRE TRAINED\n  Woolly-Map was used; then a pre‐trained woolly\tmap "
        "(again). The Counterfeit\u00ad Brain? No: the counter\u00adfeit bra\u00adin, and the "
        "robot’s arm."
    )
    found = fl.match(text)
    texts = [h.text for h in found]
    assert texts == [
        "PRE TRAINED\n  Woolly-Map",
        "pre‐trained woolly\tmap",
        "Counterfeit\u00ad Brain",
        "counter\u00adfeit bra\u00adin",
        "robot’s arm",
    ]
    for h in found:
        assert text[h.start : h.end] == h.text
    assert found[0].start == text.index("PRE")


def test_whole_words_only_and_punctuation_breaks_phrases() -> None:
    fl = FingerprintList([fp("bosk"), fp("data pile")])
    assert hits_of(fl, "Bosks and embosk, bosk-like bosk.") == ["bosk", "bosk"]
    assert hits_of(fl, "the data. Pile of data pile") == ["data pile"]


def test_phrase_with_literal_parentheses_matches_text() -> None:
    fl = FingerprintList([fp("rapid sorting method", query="rapid sorting method (RSM)")])
    assert hits_of(fl, "We used the Rapid Sorting Method (RSM) here.") == [
        "Rapid Sorting Method (RSM)"
    ]
    assert hits_of(fl, "We used the rapid sorting method here.") == []
    assert hits_of(fl, "We used the rapid sorting method RSM here.") == []


def test_and_condition_needs_the_other_phrase_anywhere() -> None:
    fl = FingerprintList([fp("woolly map", query='woolly map AND "feature map"')])
    assert hits_of(fl, "A woolly map was drawn.") == []
    text = "A woolly map was drawn.\n\nLater, each feature map was pooled."
    assert hits_of(fl, text) == ["woolly map"]  # the condition is not reported


def test_not_condition() -> None:
    fl = FingerprintList([fp("choir hall", query='choir hall NOT "choir hall Vienna"')])
    assert hits_of(fl, "The choir hall result.") == ["choir hall"]
    assert hits_of(fl, "The choir hall result, see the choir hall Vienna.") == []


def test_or_reports_every_alternative() -> None:
    fl = FingerprintList([fp("kind lump", query='kind lump OR "gentle lump"')])
    assert hits_of(fl, "a gentle lump and a kind lump") == ["gentle lump", "kind lump"]


def test_nested_group_conditions() -> None:
    fl = FingerprintList(
        [fp("kind lump", query='kind lump AND ("benign lump" OR ("mild lump" OR "soft lump"))')]
    )
    assert hits_of(fl, "A kind lump.") == []
    assert hits_of(fl, "A kind lump. A soft lump.") == ["kind lump"]
    assert hits_of(fl, "A benign lump, then a kind lump.") == ["kind lump"]


def test_left_to_right_evaluation() -> None:
    fl = FingerprintList([fp("fit log", query='fit log OR "fit file" AND "fit index"')])
    assert hits_of(fl, "the fit log") == []
    assert hits_of(fl, "the fit log and the fit index") == ["fit log"]
    assert hits_of(fl, "the fit file and the fit index") == ["fit file"]


def test_proximity_both_orders_and_beyond_n() -> None:
    fl = FingerprintList([fp("gathered clumping", query="gathered clumping~3")])
    assert hits_of(fl, "gathered clumping") == ["gathered clumping"]
    # 3 words between: "the", "k", "means" (a hyphen separates words)
    assert hits_of(fl, "gathered the k-means clumping") == ["gathered the k-means clumping"]
    assert hits_of(fl, "gathered points by k-means clumping") == []  # 4 words between
    assert hits_of(fl, "Clumping of these gathered items") == ["Clumping of these gathered"]
    assert hits_of(fl, "gathered the many small points clumping") == []  # 4 words between
    assert hits_of(fl, "clumping, said one two three four, gathered") == []


def test_proximity_counts_words_not_punctuation() -> None:
    fl = FingerprintList([fp("gathered clumping", query="gathered clumping~1")])
    assert hits_of(fl, "gathered, (clumping) done") == ["gathered, (clumping"]
    assert hits_of(fl, "gathered, so (clumping) done") == ["gathered, so (clumping"]
    assert hits_of(fl, "gathered, so, then (clumping) done") == []


def test_proximity_of_three_words_reports_the_span() -> None:
    fl = FingerprintList([fp("honest plus tp", query="honest plus TP~2")])
    text = "The TP count, i.e. the honest plus count, was high."
    assert hits_of(fl, text) == []  # "i", "e", "the", "count" ... too many words apart
    text = "Each honest plus (TP) case."
    assert hits_of(fl, text) == ["honest plus (TP"]
    assert hits_of(fl, "TP honest x plus") == ["TP honest x plus"]


def test_proximity_condition_inside_not() -> None:
    fl = FingerprintList([fp("choir hall", query='choir hall NOT "choir hall Vienna"~4')])
    assert hits_of(fl, "The choir hall data.") == ["choir hall"]
    assert hits_of(fl, "The choir hall of old Vienna.") == []


def test_duplicate_rows_with_the_same_span_are_reported_once() -> None:
    fl = FingerprintList(
        [
            fp("woolly map", "feature map", 'woolly map AND "CNN"'),
            fp("woolly map", "feature map", 'woolly map AND "feature map"'),
        ]
    )
    assert len(fl) == 2
    found = fl.match("A woolly map from a CNN; every feature map.")
    assert [h.text for h in found] == ["woolly map"]


def test_hits_are_in_text_order_and_serialisable() -> None:
    fl = FingerprintList([fp("zeta one", "z1", papers=5), fp("alpha two", "a2", papers=9)])
    found = fl.match("zeta one then alpha two then zeta one")
    assert [h.text for h in found] == ["zeta one", "alpha two", "zeta one"]
    d = found[1].to_dict()
    assert d == {
        "start": 14,
        "end": 23,
        "text": "alpha two",
        "tortured": "alpha two",
        "expected": "a2",
        "papers": 9,
        "query": "alpha two",
        "source": "test",
    }


# --------------------------------------------------------------------------- whitelist


def test_whitelist_per_field() -> None:
    fl = FingerprintList(
        [fp("corvus corone", "crow search algorithm"), fp("woolly map", "feature map")]
    )
    text = "A Corvus corone nest near the woolly map."
    assert hits_of(fl, text) == ["Corvus corone", "woolly map"]
    assert hits_of(fl, text, "biology") == ["woolly map"]  # bundled whitelist
    assert hits_of(fl, text, "Biology") == ["woolly map"]
    assert hits_of(fl, text, "computing") == ["Corvus corone", "woolly map"]
    own = Whitelist([WhitelistEntry("cartography", "woolly map", "a kind of relief map")])
    assert hits_of(fl, text, "cartography", whitelist=own) == ["Corvus corone"]
    assert hits_of(fl, text, "biology", whitelist=own) == ["Corvus corone", "woolly map"]


def test_whitelist_phrase_inside_a_longer_hit() -> None:
    fl = FingerprintList([fp("gem rocks crystals", query="gem rocks crystals~5")])
    wl = Whitelist([WhitelistEntry("geology", "gem rocks")])
    text = "These gem rocks grow as crystals."
    assert hits_of(fl, text, "geology", whitelist=wl) == []
    assert hits_of(fl, text, "physics", whitelist=wl) == ["gem rocks grow as crystals"]


def test_bundled_whitelist_and_a_user_file(tmp_path: Path) -> None:
    wl = Whitelist.bundled()
    assert 10 <= len(wl) <= 30
    assert {
        "medicine",
        "biology",
        "chemistry",
        "physics",
        "ecology",
        "statistics",
        "linguistics",
    } <= set(wl.fields())
    assert all(e.reason for e in wl.entries)
    extra = tmp_path / "wl.csv"
    extra.write_text("field,phrase,reason\ncartography,woolly map,relief maps\n", encoding="utf-8")
    fl = FingerprintList([fp("woolly map")])
    assert hits_of(fl, "a woolly map", "cartography", whitelist=extra) == []
    assert hits_of(fl, "a woolly map", "cartography") == ["woolly map"]
    with pytest.raises(FingerprintError):
        Whitelist.from_text("a,b\n1,2\n")


# --------------------------------------------------------------------------- lists


def test_merge_dedupes_by_normalised_phrase_and_the_later_list_wins() -> None:
    base = FingerprintList(
        [
            fp("Pre-Trained Widget", "old", source="pps"),
            fp("woolly map", "feature map", source="pps"),
        ]
    )
    mine = FingerprintList([fp("pre trained widget", "new", source="mine")])
    merged = base.merged(mine)
    assert len(merged) == 2
    assert {(f.tortured, f.expected, f.source) for f in merged} == {
        ("woolly map", "feature map", "pps"),
        ("pre trained widget", "new", "mine"),
    }
    assert merged.sources() == {"pps": 1, "mine": 1}
    found = merged.match("a pre-trained widget")
    assert [h.fingerprint.expected for h in found] == ["new"]
    assert len(FingerprintList.merge(base, mine, base)) == 2


def test_exact_duplicate_rows_are_dropped() -> None:
    fl = FingerprintList(
        [
            fp("woolly map"),
            fp("Woolly  Map", query="woolly map"),
            fp("woolly map", query='woolly map AND "x"'),
        ]
    )
    assert len(fl) == 2
    assert list(fl)[0].tortured == "woolly map"


def test_load_csv_with_header_variants_and_quoted_queries(tmp_path: Path) -> None:
    path = tmp_path / "My List.csv"
    path.write_text(
        "Fingerprint,Correct,Number of papers,Query\n"
        'woolly map,"feature map, spatial",1234,"woolly map AND ""feature map"""\n'
        'kind lump,benign lump,"1,500","kind lump AND (""benign lump"" OR ""mild lump"")"\n',
        encoding="utf-8",
    )
    fl = FingerprintList.load(path)
    assert [(f.tortured, f.expected, f.papers, f.source) for f in fl] == [
        ("woolly map", "feature map, spatial", 1234, "My-List"),
        ("kind lump", "benign lump", 1500, "My-List"),
    ]
    assert fl[0].query == 'woolly map AND "feature map"'
    assert not fl.warnings


def test_load_without_query_column_quotes_the_phrase(tmp_path: Path) -> None:
    path = tmp_path / "plain.tsv"
    path.write_text("tortured phrase\texpected phrase\nshiny (SV) engine\tsupport engine\n")
    fl = FingerprintList.load(path)
    assert fl[0].query == '"shiny (SV) engine"'
    assert hits_of(fl, "A Shiny (SV) Engine.") == ["Shiny (SV) Engine"]


def test_load_without_tortured_column_takes_the_query_phrase(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('expected;papers;pps_query\nfeature map;2;"woolly map AND ""CNN"""\n')
    fl = FingerprintList.load(path)
    assert (fl[0].tortured, fl[0].papers) == ("woolly map", 2)


def test_load_gzip_and_missing_columns(tmp_path: Path) -> None:
    gz = tmp_path / "mine.tsv.gz"
    gz.write_bytes(gzip.compress(b"tortured\texpected\nwoolly map\tfeature map\n"))
    assert FingerprintList.load(gz)[0].source == "mine"
    bad = tmp_path / "bad.csv"
    bad.write_text("word,meaning\nwoolly,map\n")
    with pytest.raises(FingerprintError, match="missing columns"):
        FingerprintList.load(bad)
    with pytest.raises(FingerprintError, match="no such file"):
        FingerprintList.load(tmp_path / "nope.tsv")


def test_a_user_tsv_quoted_by_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "sheet.tsv"
    path.write_text(
        'tortured\texpected\tpps_query\nwoolly map\tfeature map\t"woolly map AND ""CNN"""\n'
        'kind lump\tbenign lump\t"kind lump" OR "gentle lump"\n'
    )
    fl = FingerprintList.load(path)
    assert [f.query for f in fl] == ['woolly map AND "CNN"', '"kind lump" OR "gentle lump"']


# --------------------------------------------------------------------------- data directory


def test_data_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSPIN_HOME", str(tmp_path / "u"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "u"
    assert user_lists_dir() == tmp_path / "u" / "fingerprints"
    assert export_path().parent == tmp_path / "u"
    monkeypatch.delenv("UNSPIN_HOME")
    assert data_dir() == tmp_path / "xdg" / "unspin"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert data_dir() == tmp_path / "h" / ".local" / "share" / "unspin"


def test_default_is_bundled_plus_user_lists(home: Path) -> None:
    bundled = FingerprintList.bundled()
    assert len(FingerprintList.default()) == len(bundled)
    folder = home / "fingerprints"
    folder.mkdir(parents=True)
    (folder / "lab.tsv").write_text("tortured\texpected\nwoolly map\tfeature map\n")
    (folder / "broken.csv").write_text("nothing,useful\n1,2\n")
    (folder / "notes.txt").write_text("not a list")
    fl = FingerprintList.default()
    assert fl.sources()["lab"] == 1
    assert len(fl) == len(bundled) + 1
    assert [w.source for w in fl.warnings] == ["broken"]
    assert [h.text for h in match("A woolly map.")] == ["woolly map"]
    # a user's row overrides a bundled row with the same phrase
    first = bundled[0]
    (folder / "lab.tsv").write_text(f"tortured\texpected\n{first.tortured.upper()}\tmine\n")
    fl = FingerprintList.default()
    assert [f.expected for f in fl if normalize(f.tortured) == normalize(first.tortured)] == [
        "mine"
    ]


# --------------------------------------------------------------------------- update


def export_csv(n: int, *, offset: int = 0) -> str:
    rows = ["tortured,expected,num_papers,pps_query"]
    for i in range(offset, offset + n):
        rows.append(f'synthetic phrase {i},plain term {i},{i},"synthetic phrase {i} AND ""x"""')
    return "\n".join(rows) + "\n"


def test_update_downloads_validates_and_replaces(
    home: Path, server: Server, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/export.csv", export_csv(150), content_type="text/csv")
    summary = update(server.url("/export.csv"), fetcher=make_fetcher())
    assert (summary.total, summary.added, summary.changed, summary.removed) == (
        150,
        150,
        0,
        len({normalize(f.tortured) for f in FingerprintList.bundled()}),
    )
    assert summary.compared_with == "pps"
    assert Path(summary.path) == export_path() and export_path().is_file()
    saved = export_path().read_text(encoding="utf-8")
    assert saved.startswith("# ") and "CC BY 4.0" in saved.splitlines()[0]
    fl = FingerprintList.default()
    assert fl.sources()["pps-export"] == 150
    assert [h.text for h in match("x and synthetic phrase 7")] == ["synthetic phrase 7"]

    # a second update is compared with the first download
    body = export_csv(140, offset=10).replace("plain term 20,", "another term,")
    server.route("/export.csv", body, content_type="text/csv")
    summary = update(server.url("/export.csv"), fetcher=make_fetcher())
    assert (summary.total, summary.added, summary.changed, summary.removed) == (140, 0, 1, 10)
    assert summary.compared_with == "pps-export"
    assert summary.to_dict()["total"] == 140


@pytest.mark.parametrize(
    "body",
    [
        export_csv(99),  # too few rows
        "word,meaning\n" + "a,b\n" * 200,  # no usable columns
        "tortured,expected,pps_query\n" + 'a b,c,"a b AND\n' * 200,  # every query malformed
        b"\x00\x01\x02 binary",
    ],
)
def test_update_refuses_a_bad_download(
    home: Path, server: Server, make_fetcher: Callable[..., Fetcher], body: str | bytes
) -> None:
    server.route("/good.csv", export_csv(120), content_type="text/csv")
    update(server.url("/good.csv"), fetcher=make_fetcher())
    before = export_path().read_bytes()
    server.route("/bad.csv", Response(body=body, content_type="text/csv"))
    with pytest.raises(FingerprintError, match="refused"):
        update(server.url("/bad.csv"), fetcher=make_fetcher())
    assert export_path().read_bytes() == before
    assert [p.name for p in export_path().parent.iterdir()] == ["pps_export.tsv"]


def test_update_errors_and_its_own_fetcher(home: Path, server: Server) -> None:
    server.route("/export.csv", export_csv(100), content_type="text/csv")
    with pytest.raises(FingerprintError, match="cannot download"):  # private address refused
        update(server.url("/export.csv"))
    with pytest.raises(FingerprintError, match="HTTP 404"):
        update(server.url("/missing.csv"), allow_private=True)
    assert not export_path().exists()
    assert update(server.url("/export.csv"), allow_private=True).total == 100


# --------------------------------------------------------------------------- add


def test_add_csv_and_tsv_lists(home: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "lab-list.csv"
    csv_file.write_text(
        'tortured,expected,num_papers,pps_query\nwoolly map,feature map,3,"woolly map"\n'
        "kind lump,benign lump,1,kind lump\n"
    )
    s = add(csv_file)
    assert (s.name, s.added, s.changed, s.total, s.skipped) == ("lab-list", 2, 0, 2, 0)
    assert Path(s.path) == user_lists_dir() / "lab-list.tsv"

    tsv_file = tmp_path / "more.tsv"
    tsv_file.write_text(
        "tortured\texpected\tnum_papers\tpps_query\n"
        "Woolly Map\tfeature map (2-D)\t4\tWoolly Map\n"
        "fluffy net\tneural net\t2\tfluffy net AND (\n"
        "shiny engine\tsupport engine\t7\tshiny engine\n"
    )
    s = add(tsv_file, name="lab-list")
    assert (s.added, s.changed, s.total, s.skipped) == (1, 1, 3, 1)
    assert "more.tsv" not in s.warnings[0] and ":3:" in s.warnings[0]
    fl = FingerprintList.default()
    assert fl.sources()["lab-list"] == 3
    found = fl.match("the woolly map and a kind lump and a shiny engine")
    assert [(h.text, h.fingerprint.expected) for h in found] == [
        ("woolly map", "feature map (2-D)"),
        ("kind lump", "benign lump"),
        ("shiny engine", "support engine"),
    ]


def test_add_refuses_bad_input(home: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("tortured\texpected\nwoolly map\tfeature map\n")
    for name in ("../evil", "pps", "a b", ""):
        with pytest.raises(FingerprintError):
            add(good, name=name)
    empty = tmp_path / "empty.tsv"
    empty.write_text('tortured\texpected\tpps_query\nx\ty\t"broken\n')
    with pytest.raises(FingerprintError, match="no valid"):
        add(empty)
    with pytest.raises(FingerprintError):
        add(tmp_path / "missing.tsv")
    assert not user_lists_dir().exists()


# --------------------------------------------------------------------------- bundled list


def test_bundled_list_loads_and_matches() -> None:
    fl = FingerprintList.bundled()
    assert len(fl) > 3000
    assert fl.sources() == {"pps": len(fl)}
    assert not fl.warnings
    two_words = next(
        f
        for f in fl
        if f.query == f.tortured
        and len(f.tortured.split()) == 2
        and f.tortured.replace(" ", "").isalpha()
    )
    sentence = f"In this study, {two_words.tortured.title()} improved the baseline."
    found = fl.match(sentence)
    assert two_words in [h.fingerprint for h in found]
    hit = next(h for h in found if h.fingerprint == two_words)
    assert hit.text == two_words.tortured.title()


def test_bundled_file_credits_its_source() -> None:
    path = ROOT / "src" / "unspin" / "data" / "pps_fingerprints.tsv.gz"
    raw = path.read_bytes()
    assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0: reproducible
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    assert lines[0].startswith("#") and "CC BY 4.0" in lines[0] and "Cabanac" in lines[0]
    assert lines[1] == "tortured\texpected\tnum_papers\tpps_query"


def test_build_script_is_deterministic(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_fingerprints", ROOT / "scripts" / "build_fingerprints.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    src = tmp_path / "dev.tsv"
    src.write_text(
        "tortured\texpected\tnum_papers\tpps_query\n"
        'woolly map\tfeature map\t3\twoolly map AND "CNN"\n'
        "bad row\tx\t1\tbad row AND\n"
    )
    data, n, problems = module.build(src)
    assert (n, len(problems)) == (1, 1)
    assert module.build(src)[0] == data
    fl = FingerprintList.from_text(gzip.decompress(data).decode(), "built")
    assert [f.query for f in fl] == ['woolly map AND "CNN"']


def test_matching_thousands_of_fingerprints_is_fast() -> None:
    base = list(FingerprintList.bundled())
    extra = [fp(f"{w} {f.tortured}") for w in ("novel", "joint") for f in base]
    fl = FingerprintList(base + extra[: 7600 - len(base)])
    assert len(fl) >= 7500
    vocab = "the model data layer results were shown for each test case and in all of it".split()
    words = [vocab[(i * 7 + i // 13) % len(vocab)] for i in range(5000)]
    text = " ".join(words)
    fl.match(text)  # compile once
    times = []
    for _ in range(3):
        t = time.perf_counter()
        fl.match(text)
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.25  # about 5 ms on one core; generous for slow CI


def test_load_warning_str() -> None:
    assert str(LoadWarning("lab", 0, "cannot read")) == "lab: cannot read"
    assert fpmod.BUNDLED_SOURCE == "pps"
