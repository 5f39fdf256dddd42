"""Tests for the index commands of the CLI: ``unspin ingest``, ``unspin trace`` and
``unspin restore --index`` (in-process through ``unspin.cli.main``, plus one real subprocess)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import Out, run_cli
from httpserver import Server, article_html
from news_samples import ARTICLES, SPUN_HARBOUR, UNRELATED

from unspin.cli import main
from unspin.cli_index import default_index_path

ROOT = Path(__file__).resolve().parents[1]
HARBOUR = ARTICLES["harbour"][1]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Out:
    return run_cli(capsys, *args)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for key, (title, text) in ARTICLES.items():
        if key == "orchard":
            paras = text.split("\n\n")
            (root / f"{key}.html").write_text(article_html(title, paras), encoding="utf-8")
        else:
            (root / f"{key}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inputs")
    out = {}
    for name, text in [("spun", SPUN_HARBOUR), ("unrelated", UNRELATED)]:
        out[name] = root / f"{name}.txt"
        out[name].write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def index_path(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built once by the CLI itself (checked in the first test)."""
    path = tmp_path_factory.mktemp("index") / "news.db"
    assert main(["ingest", str(corpus), "--index", str(path), "--json"]) == 0
    return path


def harbour_url(corpus: Path) -> str:
    return (corpus / "harbour.txt").as_uri()


@pytest.fixture(autouse=True)
def _no_default_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch a real index in the home folder."""
    monkeypatch.setenv("UNSPIN_INDEX", str(tmp_path / "default" / "index.db"))


# --------------------------------------------------------------------------- ingest


def test_ingest_prints_summary(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    path = tmp_path / "news.db"
    r = run(capsys, "ingest", corpus, "--index", path)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("added 5, updated 0, unchanged 0, duplicate text 0; skipped 0")
    assert lines[-1] == f"{path}: 5 documents"
    assert "Traceback" not in r.err
    # again: nothing new
    r = run(capsys, "ingest", corpus, "--index", path)
    assert r.code == 0
    assert r.out.startswith("added 0, updated 0, unchanged 5,")


def test_ingest_reports_skips_and_failures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "rail.txt").write_text(ARTICLES["rail"][1], encoding="utf-8")
    (folder / "stub.txt").write_text("Just a caption.", encoding="utf-8")
    (folder / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    r = run(capsys, "ingest", folder, "--index", tmp_path / "news.db")
    assert r.code == 0
    assert r.out.startswith("added 1,")
    assert "skipped: 1 × too short (under 20 words)" in r.out
    assert "failed: 1 × bad JSON" in r.out
    assert "e.g. " in r.out and "bad.jsonl#line-1" in r.out


def test_ingest_json_summary(
    capsys: pytest.CaptureFixture[str], corpus: Path, index_path: Path
) -> None:
    r = run(capsys, "ingest", corpus, "--index", index_path, "--json")
    assert r.code == 0
    d = r.json()
    # the module index was built by `ingest --json` already: now everything is unchanged
    assert (d["added"], d["unchanged"], d["updated"]) == (0, 5, 0)
    assert d["documents_in_index"] == 5
    assert d["index"] == str(index_path)
    assert d["skipped"] == {} and d["failed"] == {} and d["failed_examples"] == []


def test_ingest_nonexistent_path_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "news.db"
    r = run(capsys, "ingest", tmp_path / "no-such-folder", "--index", path)
    assert r.code == 2
    assert "no-such-folder: no such file or folder" in r.err
    assert "Traceback" not in r.err
    assert r.out == ""
    assert not path.exists()  # nothing was created


def test_ingest_into_something_that_is_not_an_index(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("my notes\n" * 100, encoding="utf-8")
    r = run(capsys, "ingest", corpus, "--index", bogus)
    assert r.code == 2
    assert "not a usable unspin index" in r.err
    assert bogus.read_text(encoding="utf-8") == "my notes\n" * 100


def test_ingest_index_under_a_file_exits_2(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    (tmp_path / "plain.txt").write_text("a file, not a folder", encoding="utf-8")
    r = run(capsys, "ingest", corpus, "--index", tmp_path / "plain.txt" / "news.db")
    assert r.code == 2
    assert "cannot create the folder" in r.err and "internal error" not in r.err


def test_ingest_bad_option_values(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    for args in (["--delay", "-1"], ["--limit", "x"], ["--kind", "pdf"]):
        with pytest.raises(SystemExit) as exc:
            main(["ingest", str(corpus), *args])
        assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_ingest_from_a_web_feed(
    capsys: pytest.CaptureFixture[str], server: Server, tmp_path: Path
) -> None:
    server.route("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    items = ""
    for key, (title, text) in ARTICLES.items():
        server.route(f"/news/{key}", article_html(title, text.split("\n\n")))
        items += f"<item><title>{title}</title><link>{server.url('/news/' + key)}</link></item>"
    server.route(
        "/feed.rss",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>G</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    path = tmp_path / "web.db"
    feed = server.url("/feed.rss")
    # loopback addresses are refused unless asked for
    r = run(capsys, "ingest", feed, "--index", path, "--delay", "0", "--retries", "0", "--json")
    assert r.code == 0
    assert r.json()["added"] == 0 and server.count("/feed.rss") == 0
    args = ["ingest", feed, "--index", path, "--delay", "0", "--allow-private", "--json"]
    r = run(capsys, *args)
    assert r.code == 0, r.err
    assert r.json()["added"] == 5
    r = run(capsys, *args)
    assert r.json()["skipped"] == {"already indexed": 5}
    assert server.count("/news/harbour") == 1
    r = run(capsys, *args, "--refresh")
    assert r.json()["unchanged"] == 5
    assert server.count("/news/harbour") == 2


# --------------------------------------------------------------------------- trace


def test_trace_json(
    capsys: pytest.CaptureFixture[str], index_path: Path, files: dict[str, Path], corpus: Path
) -> None:
    r = run(capsys, "trace", files["spun"], "--index", index_path, "--json")
    assert r.code == 0, r.err
    d = r.json()
    assert d["found"] is True
    assert [m["url"] for m in d["matches"]] == [harbour_url(corpus)]
    best = d["matches"][0]
    assert best["title"] == ARTICLES["harbour"][0]
    assert best["explained"] >= 0.6
    swap = next(s for s in best["swaps"] if s["spun"] == "employees")
    assert (swap["original"], swap["kind"]) == ("workers", "swap")
    assert (swap["start"], swap["end"]) == (5, 14)
    # the title line of the .txt file is in the source, not in the copy
    assert best["source_covered"] < 1.0 and best["explained"] == 1.0


def test_trace_text_output(
    capsys: pytest.CaptureFixture[str], index_path: Path, files: dict[str, Path], corpus: Path
) -> None:
    r = run(capsys, "trace", files["spun"], "--index", index_path, "--color", "never")
    assert r.code == 0
    assert r.out.startswith(f"1. {ARTICLES['harbour'][0]}\n   {harbour_url(corpus)}\n")
    assert "explains 100% of the copy" in r.out and "18 swaps" in r.out
    assert "Copy aligned with the best source" in r.out
    assert "Dock [employees → workers] in Port Elwin" in r.out
    assert "[workplace mentioned no less than → office said at least] 5,000" in r.out


def test_trace_without_a_match(
    capsys: pytest.CaptureFixture[str], index_path: Path, files: dict[str, Path]
) -> None:
    r = run(capsys, "trace", files["unrelated"], "--index", index_path)
    assert r.code == 0
    assert r.out == "no source found in the index\n"
    r = run(capsys, "trace", files["unrelated"], "--index", index_path, "--json")
    assert r.json()["found"] is False and r.json()["matches"] == []


def test_trace_reads_standard_input(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    index_path: Path,
    corpus: Path,
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(SPUN_HARBOUR.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    r = run(capsys, "trace", "-", "--index", index_path, "--json")
    assert r.code == 0, r.err
    assert r.json()["matches"][0]["url"] == harbour_url(corpus)


def test_trace_uses_unspin_index_variable(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    index_path: Path,
    files: dict[str, Path],
) -> None:
    monkeypatch.setenv("UNSPIN_INDEX", str(index_path))
    assert default_index_path() == index_path
    r = run(capsys, "trace", files["spun"], "--json")
    assert r.code == 0
    assert r.json()["found"] is True


def test_default_index_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("UNSPIN_INDEX")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_index_path() == tmp_path / "unspin" / "index.db"


def test_trace_missing_index_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, files: dict[str, Path]
) -> None:
    missing = tmp_path / "none.db"
    r = run(capsys, "trace", files["spun"], "--index", missing)
    assert r.code == 2
    assert r.err.startswith("unspin: error: no index at")
    assert "unspin ingest" in r.err
    assert "Traceback" not in r.err and r.out == ""
    assert not missing.exists()
    # the default index ($UNSPIN_INDEX here) is missing too
    r = run(capsys, "trace", files["spun"])
    assert r.code == 2 and "no index at" in r.err


def test_trace_on_a_folder_or_foreign_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, files: dict[str, Path]
) -> None:
    r = run(capsys, "trace", files["spun"], "--index", tmp_path)
    assert r.code == 2 and "is a directory" in r.err
    r = run(capsys, "trace", files["spun"], "--index", files["unrelated"])
    assert r.code == 2 and "not a usable unspin index" in r.err
    assert "Traceback" not in r.err


def test_trace_bad_input_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index_path: Path
) -> None:
    r = run(capsys, "trace", tmp_path / "missing.txt", "--index", index_path)
    assert r.code == 2 and "Traceback" not in r.err


# --------------------------------------------------------------------------- restore --index


def test_restore_with_index_prints_the_source_wording(
    capsys: pytest.CaptureFixture[str], index_path: Path, files: dict[str, Path], corpus: Path
) -> None:
    r = run(capsys, "restore", files["spun"], "--index", index_path)
    assert r.code == 0, r.err
    assert "office said at least 5,000 people" in r.out
    assert "Dock workers in Port Elwin returned to work" in r.out
    assert r.out == HARBOUR
    assert f"from the source {harbour_url(corpus)}" in r.err


def test_restore_with_index_json(
    capsys: pytest.CaptureFixture[str], index_path: Path, files: dict[str, Path], corpus: Path
) -> None:
    r = run(capsys, "restore", files["spun"], "--index", index_path, "--json")
    assert r.code == 0
    d = r.json()
    assert d["restored"] == HARBOUR
    assert d["source"]["url"] == harbour_url(corpus)
    assert all(e["evidence"]["source"] == "traced" for e in d["edits"])


def test_restore_with_missing_index_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, files: dict[str, Path]
) -> None:
    r = run(capsys, "restore", files["spun"], "--index", tmp_path / "none.db")
    assert r.code == 2
    assert "no index at" in r.err and "Traceback" not in r.err


# --------------------------------------------------------------------------- a real process


def test_trace_in_a_subprocess_reads_stdin(index_path: Path, corpus: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, "-m", "unspin", "trace", "-", "--index", str(index_path), "--json"],
        input=SPUN_HARBOUR.encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    d = json.loads(proc.stdout)
    assert d["found"] is True
    assert d["matches"][0]["url"] == harbour_url(corpus)
    assert proc.stderr == b""
