"""``unspin fingerprints {list,update,add,match}``: in-process through ``unspin.cli.main``,
plus one real subprocess. Sentences and lists are written for these tests."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import Out, assert_one_line_error, run_cli
from httpserver import Server

from unspin.cli import main
from unspin.fingerprints import FingerprintList, export_path

ROOT = Path(__file__).resolve().parents[1]

LIST_TSV = (
    "tortured\texpected\tnum_papers\tpps_query\n"
    "woolly map\tfeature map\t12\twoolly map\n"
    'kind lump\tbenign lump\t3\tkind lump AND "tumour"\n'
    "corvus corone\tcrow search algorithm\t5\tcorvus corone\n"
)
TEXT = (
    "We trained a network on every woolly map.\n"
    "A Corvus corone was seen; the kind lump was not a tumour.\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Out:
    return run_cli(capsys, "fingerprints", *args)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("UNSPIN_HOME", str(path))
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"list": tmp_path / "lab.tsv", "text": tmp_path / "paper.txt"}
    out["list"].write_text(LIST_TSV, encoding="utf-8")
    out["text"].write_text(TEXT, encoding="utf-8")
    return out


def test_list_counts_sources(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n = len(FingerprintList.bundled())
    out = run(capsys, "list", "--json")
    assert out.code == 0
    d = out.json()
    assert d["total"] == n and d["sources"] == {"pps": n} and d["count"] == n
    text = run(capsys, "list")
    assert text.code == 0
    assert "pps" in text.out and f"{n:,}" in text.out


def test_add_then_list_and_search(
    home: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, "add", files["list"], "--name", "mylab", "--json")
    assert out.code == 0, out.err
    d = out.json()
    assert (d["name"], d["added"], d["total"], d["skipped"]) == ("mylab", 3, 3, 0)
    assert Path(d["path"]) == home / "fingerprints" / "mylab.tsv"

    d = run(capsys, "list", "--source", "mylab", "--json").json()
    assert d["sources"]["mylab"] == 3 and d["count"] == 3
    assert {f["tortured"] for f in d["fingerprints"]} == {
        "woolly map",
        "kind lump",
        "corvus corone",
    }
    d = run(capsys, "list", "--search", "WOOLLY", "--json").json()
    assert [(f["tortured"], f["source"]) for f in d["fingerprints"]] == [("woolly map", "mylab")]

    text = run(capsys, "list", "--source", "mylab")
    assert "kind lump → benign lump" in text.out and '[kind lump AND "tumour"]' in text.out

    again = run(capsys, "add", files["list"])  # plain output, default name from the file
    assert again.code == 0 and "'lab'" in again.out and "3 new" in again.out


def test_add_reports_skipped_rows(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text('tortured,expected,query\nwoolly map,feature map,woolly map\nx,y,"x AND"\n')
    out = run(capsys, "add", path)
    assert out.code == 0
    assert "1 rows skipped" in out.out
    assert "unspin: warning: mixed:3:" in out.err


def test_match_json_offsets(
    home: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "add", files["list"]).code == 0
    out = run(capsys, "match", files["text"], "--json")
    assert out.code == 0, out.err
    d = out.json()
    mine = [h for h in d["hits"] if h["source"] == "lab"]
    assert [h["text"] for h in mine] == ["woolly map", "Corvus corone", "kind lump"]
    for h in d["hits"]:
        assert TEXT[h["start"] : h["end"]] == h["text"]
    assert mine[0]["expected"] == "feature map" and mine[0]["papers"] == 12

    d = run(capsys, "match", files["text"], "--json", "--field", "biology").json()
    assert "Corvus corone" not in [h["text"] for h in d["hits"]]
    assert d["field"] == "biology"


def test_match_plain_output_and_stdin(
    home: Path,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(capsys, "add", files["list"]).code == 0
    out = run(capsys, "match", files["text"])
    assert out.code == 0
    assert "1:31  [woolly map]  → feature map  (12 papers, lab)" in out.out
    assert out.out.strip().splitlines()[-1].startswith("3 tortured phrases found")

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    d = run(capsys, "match", "-", "--json").json()
    assert "woolly map" in [h["text"] for h in d["hits"]]


def test_match_user_whitelist_and_unknown_field(
    home: Path, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "add", files["list"]).code == 0
    wl = tmp_path / "wl.tsv"
    wl.write_text("field\tphrase\treason\ncartography\twoolly map\trelief maps\n")
    out = run(capsys, "match", files["text"], "--json", "--field", "cartography")
    assert "woolly map" in [h["text"] for h in out.json()["hits"]]
    assert "no whitelisted phrases for the field 'cartography'" in out.err
    out = run(capsys, "match", files["text"], "--json", "--field", "cartography", "--whitelist", wl)
    assert "woolly map" not in [h["text"] for h in out.json()["hits"]]
    assert out.err == ""


def test_errors_exit_2_with_one_line(
    home: Path, tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert_one_line_error(run(capsys, "match", tmp_path / "nope.txt"), "no such file")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert_one_line_error(run(capsys, "match", empty), "empty")
    assert_one_line_error(run(capsys, "list", "--source", "nobody"), "no fingerprint source")
    assert_one_line_error(run(capsys, "add", files["text"]), "missing columns")
    assert_one_line_error(run(capsys, "add", files["list"], "--name", "pps"), "reserved")
    assert_one_line_error(
        run(capsys, "match", files["text"], "--whitelist", tmp_path / "no.tsv"), "no such file"
    )
    with pytest.raises(SystemExit) as exc:
        main(["fingerprints"])
    assert exc.value.code == 2
    capsys.readouterr()


def test_update_from_a_local_server(
    home: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = ["tortured,expected,num_papers,pps_query"]
    rows += [f"made up phrase {i},plain {i},{i},made up phrase {i}" for i in range(120)]
    server.route("/export.csv", "\n".join(rows) + "\n", content_type="text/csv")
    server.route("/short.csv", "\n".join(rows[:50]) + "\n", content_type="text/csv")

    bad = run(capsys, "update", "--url", server.url("/short.csv"), "--allow-private")
    assert_one_line_error(bad, "refused")
    assert not export_path().exists()
    blocked = run(capsys, "update", "--url", server.url("/export.csv"))
    assert_one_line_error(blocked, "cannot download")

    out = run(capsys, "update", "--url", server.url("/export.csv"), "--allow-private", "--json")
    assert out.code == 0, out.err
    d = out.json()
    assert (d["total"], d["added"], d["compared_with"]) == (120, 120, "pps")
    assert export_path().is_file()
    assert run(capsys, "list", "--json").json()["sources"]["pps-export"] == 120

    out = run(capsys, "update", "--url", server.url("/export.csv"), "--allow-private")
    assert out.code == 0
    assert "120 fingerprints (0 new, 0 changed, 0 gone" in out.out


def test_subprocess_match_json(home: Path, files: dict[str, Path]) -> None:
    env = dict(os.environ, UNSPIN_HOME=str(home), PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run(
        [sys.executable, "-m", "unspin", "fingerprints", "add", str(files["list"])],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    proc = subprocess.run(
        [sys.executable, "-m", "unspin", "fingerprints", "match", "-", "--json"],
        input=TEXT.encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    d = json.loads(proc.stdout)
    assert [h["text"] for h in d["hits"] if h["source"] == "lab"] == [
        "woolly map",
        "Corvus corone",
        "kind lump",
    ]
