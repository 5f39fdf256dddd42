"""Tests for ``unspin learn``, ``unspin sites`` and the --index/--site priors of check/restore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from httpserver import Server, article_html
from news_samples import ARTICLES, SPUN_HARBOUR, UNRELATED

from unspin.cli import main

SITE = "farm.example"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for key, (title, text) in ARTICLES.items():
        (docs / f"{key}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    path = tmp_path / "news.db"
    code, _, _ = run(capsys, "ingest", docs, "--index", path)
    assert code == 0
    return path


@pytest.fixture()
def copies(tmp_path: Path) -> Path:
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "harbour.txt").write_text(SPUN_HARBOUR, encoding="utf-8")
    (folder / "other.txt").write_text(UNRELATED, encoding="utf-8")
    return folder


def test_learn_traces_copies_and_learns(
    index: Path, copies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "learn", "--index", index, "--copies", copies, "--site", SITE)
    assert code == 0
    assert "1 traced to a source, 1 without one" in out
    code, out, _ = run(capsys, "learn", "--index", index, "--json")
    payload = json.loads(out)
    assert payload["learned"]["copies"] == 1
    assert payload["learned"]["substitutions"] >= 10
    assert payload["learned"]["sites"] == 1


def test_sites_report(index: Path, copies: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sites", "--index", index)
    assert code == 0 and "no copies traced yet" in out
    run(capsys, "learn", "--index", index, "--copies", copies, "--site", SITE)
    code, out, _ = run(capsys, "sites", "--index", index)
    assert code == 0
    assert f"{SITE}: 2 copies seen, 50% traced to a source" in out
    assert "Harbour strike ends after talks" in out
    assert "say → mention" in out
    code, out, _ = run(capsys, "sites", "--index", index, "--json", "--top", "3")
    (report,) = json.loads(out)
    assert report["site"] == SITE and report["copies_traced"] == 1
    assert len(report["substitutions"]) == 3


def test_export_import_round_trip(
    index: Path, copies: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "learn", "--index", index, "--copies", copies, "--site", SITE)
    table = tmp_path / "farm.tsv"
    code, out, _ = run(capsys, "learn", "--index", index, "--export", table, "--site", SITE)
    assert code == 0 and table.is_file()
    lines = table.read_text(encoding="utf-8").splitlines()
    assert "spun\toriginal\tcount\ttable_original" in lines
    assert "mentioned\tsaid\t2\tsay" in lines  # an inflected form of the folded pattern

    other = tmp_path / "other.db"
    docs = tmp_path / "docs"
    run(capsys, "ingest", docs, "--index", other)
    code, out, _ = run(capsys, "learn", "--index", other, "--import", table, "--site", SITE)
    assert code == 0 and "imported" in out
    code, out, _ = run(capsys, "sites", "--index", other, "--json")
    assert json.loads(out) == []  # imported counts, no copies of its own


def test_bad_import_file_is_a_clear_error(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("just one column\n", encoding="utf-8")
    code, _, err = run(capsys, "learn", "--index", index, "--import", bad)
    assert code == 2 and "not a substitution table line" in err
    code, _, err = run(capsys, "learn", "--index", index, "--import", tmp_path / "missing.tsv")
    assert code == 2 and "no such file" in err


def test_learn_needs_an_existing_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "learn", "--index", tmp_path / "none.db")
    assert code == 2 and "no index at" in err
    assert not (tmp_path / "none.db").exists()


def test_check_and_restore_accept_index_and_site(
    index: Path, copies: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "learn", "--index", index, "--copies", copies, "--site", SITE)
    spun = copies / "harbour.txt"
    code, out, _ = run(capsys, "check", spun, "--index", index, "--site", SITE, "--json")
    assert code == 0 and json.loads(out)["edits"]
    code, out, _ = run(capsys, "restore", spun, "--index", index, "--site", SITE)
    assert code == 0
    assert "office said at least 5,000 people" in out  # from the traced source
    code, out, _ = run(capsys, "check", spun, "--index", index, "--json")
    assert "no site was given: the spinners learned for farm.example" in json.loads(out)["message"]
    code, _, err = run(capsys, "check", spun, "--index", tmp_path / "missing.db")
    assert code == 2 and "no index at" in err


def test_an_article_address_is_fetched_and_its_site_names_the_spinner(
    index: Path, copies: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from unspin.learn import site_of

    host = site_of(server.url("/"))
    assert host == "127.0.0.1"
    # the farm's copies were learned under the address's own site
    run(capsys, "learn", "--index", index, "--copies", copies, "--site", host)
    paragraphs = SPUN_HARBOUR.split("\n\n")
    server.route("/story", article_html("Dock strike ends", paragraphs))
    url = server.url("/story")
    # a loopback address is refused unless allowed
    code, _, err = run(capsys, "check", url, "--index", index, "--json")
    assert code == 2 and "127.0.0.1" in err and "--allow-private" in err
    code, out, _ = run(capsys, "check", url, "--allow-private", "--index", index, "--json")
    assert code == 0
    edits = json.loads(out)["edits"]
    assert {e["evidence"]["spinner"]["site"] for e in edits if "spinner" in e["evidence"]} == {
        host
    }
    # another site given: this farm's spinner is not assumed
    code, out, _ = run(capsys, "check", url, "--allow-private", "--index", index, "--site",
                       "elsewhere.example", "--json")
    assert code == 0
    report = json.loads(out)
    assert not any("spinner" in e["evidence"] for e in report["edits"])
    assert f"none was learned for elsewhere.example: the spinners learned for {host}" in (
        report["message"]
    )
    code, out, err = run(capsys, "restore", url, "--allow-private")
    assert code == 0 and out.startswith("Dock strike ends") and "said" in out
    code, out, _ = run(capsys, "trace", url, "--allow-private", "--index", index, "--json")
    assert code == 0 and json.loads(out)["matches"][0]["url"].endswith("/harbour.txt")
