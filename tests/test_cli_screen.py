"""``unspin screen``: in-process through ``unspin.cli.main``, plus one real subprocess.

Every sentence here was written for these tests; the bundled PPS list is only read. The
in-process runs share one discovery model (loading it takes about a second).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import Out, assert_one_line_error, run_cli

from unspin.discover import Discoverer
from unspin.fingerprints import FingerprintList
from unspin.screen_report import FINGERPRINT_HEADER

ROOT = Path(__file__).resolve().parents[1]
GOOD = (
    "The irregular woodland classifier outperforms logistic regression on every data set. "
    "The concealed layer had sixty units.\n"
)
CLEAN = "The samples were stored at four degrees and weighed every morning.\n"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Out:
    return run_cli(capsys, "screen", "--color", "never", *args)


@pytest.fixture(scope="module")
def shared_discoverer() -> Discoverer:
    return Discoverer((f.tortured, f.expected) for f in FingerprintList.bundled())


@pytest.fixture(autouse=True)
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_discoverer: Discoverer
) -> Iterator[None]:
    """An empty user home (the bundled list only) and the shared discovery model."""
    monkeypatch.setenv("UNSPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("unspin.discover.Discoverer", lambda *a, **k: shared_discoverer)
    yield


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    """A folder with a paper with findings, a clean paper, a broken PDF and a non-paper."""
    folder = tmp_path / "papers"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "broken.pdf").write_text("This is no PDF at all.\n", encoding="utf-8")
    (folder / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def test_json_output_shape(capsys: pytest.CaptureFixture[str], papers: Path) -> None:
    out = run(capsys, "--json", papers / "good.txt")
    assert out.code == 0, out.err
    d = out.json()
    assert set(d) >= {"papers", "failed", "fingerprints", "field", "discover"}
    assert d["failed"] == [] and d["field"] is None and d["discover"] is True
    assert d["fingerprints"] == len(FingerprintList.bundled())
    [paper] = d["papers"]
    assert paper["name"] == str(papers / "good.txt")
    assert paper["words"] == len(GOOD.split()) and paper["pages"] is None
    assert paper["listed"] == 1 and paper["discovered"] == 1
    assert paper["density"] == pytest.approx(1000 * 2 / len(GOOD.split()), abs=0.01)
    by_kind = {f["kind"]: f for f in paper["findings"]}
    listed, found = by_kind["listed"], by_kind["discovered"]
    assert listed["found"] == "concealed layer" and listed["expected"] == "hidden layer"
    assert listed["confidence"] == 1.0 and listed["evidence"]["query"] == "concealed layer"
    assert found["found"] == "irregular woodland"
    assert found["expected"].startswith("random forest")
    assert 0.5 < found["confidence"] <= 1.0
    for f in paper["findings"]:
        assert GOOD[f["start"] : f["end"]] == f["found"]
        assert set(f) >= {"sentence", "page", "evidence"}
    assert out.err == ""


def test_text_output_for_one_paper(capsys: pytest.CaptureFixture[str], papers: Path) -> None:
    out = run(capsys, papers / "good.txt")
    assert out.code == 0
    assert f"{papers / 'good.txt'}: 1 listed, 1 discovered" in out.out
    assert "[concealed layer] → hidden layer  (listed)" in out.out
    assert "[irregular woodland] → random forest" in out.out


def test_folder_with_a_broken_file(capsys: pytest.CaptureFixture[str], papers: Path) -> None:
    out = run(capsys, papers)
    assert out.code == 1
    broken, good, clean = papers / "broken.pdf", papers / "good.txt", papers / "sub" / "clean.txt"
    assert f"{broken}: skipped:" in out.out
    assert f"{good}: 1 listed, 1 discovered" in out.out
    assert f"{clean}: 0 listed, 0 discovered" in out.out
    assert "table.csv" not in out.out
    assert "2 papers screened" in out.out and "1 skipped" in out.out
    assert "Traceback" not in out.err
    js = run(capsys, "--json", papers)
    assert js.code == 1
    d = js.json()
    assert sorted(p["name"] for p in d["papers"]) == sorted([str(good), str(clean)])
    [failed] = d["failed"]
    assert failed["name"] == str(broken) and "PDF" in failed["error"]


def test_only_broken_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("Plain words, no PDF.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = run(capsys, bad, empty)
    assert out.code == 2
    assert f"{bad}: skipped:" in out.out and f"{empty}: skipped:" in out.out
    assert "0 papers screened" in out.out
    js = run(capsys, "--json", bad)
    assert js.code == 2
    assert js.json()["papers"] == [] and len(js.json()["failed"]) == 1


def test_report_files(capsys: pytest.CaptureFixture[str], papers: Path, tmp_path: Path) -> None:
    files = {k: tmp_path / f"out.{k}" for k in ("csv", "summary", "html", "tsv")}
    out = run(
        capsys,
        papers,
        "--csv",
        files["csv"],
        "--summary-csv",
        files["summary"],
        "--html",
        files["html"],
        "--export-candidates",
        files["tsv"],
    )
    assert out.code == 1  # the broken PDF
    good, clean = str(papers / "good.txt"), str(papers / "sub" / "clean.txt")

    with files["csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["paper"] for r in rows} == {good, clean}
    kinds = sorted(r["kind"] for r in rows if r["paper"] == good)
    assert kinds == ["discovered", "listed"]
    assert any(r["found"] == "concealed layer" and r["expected"] == "hidden layer" for r in rows)

    with files["summary"].open(encoding="utf-8", newline="") as fh:
        summary = {r["paper"]: r for r in csv.DictReader(fh)}
    assert set(summary) == {good, clean}
    assert summary[good]["listed"] == "1" and summary[good]["discovered"] == "1"
    assert summary[clean]["listed"] == "0" and summary[clean]["discovered"] == "0"

    page = files["html"].read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "good.txt" in page and "clean.txt" in page and "concealed layer" in page

    lines = files["tsv"].read_text(encoding="utf-8").splitlines()
    assert lines[0] == "tortured\texpected\tnum_papers\tpps_query" == FINGERPRINT_HEADER
    assert len(lines) == 2
    tortured, expected, num, query = lines[1].split("\t")
    assert tortured == "irregular woodland" and expected.startswith("random forest")
    assert num == "1" and query == '"irregular woodland"'
    loaded = FingerprintList.load(files["tsv"])
    assert not loaded.warnings
    [fp] = list(loaded)
    assert (fp.tortured, fp.expected, fp.papers) == (tortured, expected, 1)
    # the exported list finds the phrase it was made from
    assert [h.text for h in loaded.match(GOOD)] == ["irregular woodland"]


def test_export_candidates_counts_papers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.txt").write_text(
        "Then we fit an Irregular woodland? No: the irregular woodland classifier outperforms "
        "logistic regression on every data set.\n",
        encoding="utf-8",
    )
    tsv = tmp_path / "cand.tsv"
    assert run(capsys, folder, "--export-candidates", tsv).code == 0
    lines = tsv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == FINGERPRINT_HEADER
    rows = [ln.split("\t") for ln in lines[1:]]
    assert ["irregular woodland", "2"] == [rows[0][0], rows[0][2]]  # both papers, listed first
    assert len({r[0] for r in rows}) == len(rows)  # one line per phrase
    assert len(FingerprintList.load(tsv)) == len(rows)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".cand.tsv", "cand.tsv."))]


def test_no_discover(capsys: pytest.CaptureFixture[str], papers: Path) -> None:
    out = run(capsys, "--json", "--no-discover", papers / "good.txt")
    assert out.code == 0
    d = out.json()
    assert d["discover"] is False
    assert [f["kind"] for f in d["papers"][0]["findings"]] == ["listed"]


def test_field_whitelist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    paper = tmp_path / "stats.txt"
    paper.write_text("We compared two grouping methods for the survey data.\n", encoding="utf-8")
    plain = run(capsys, "--json", "--no-discover", paper).json()
    assert [f["found"] for f in plain["papers"][0]["findings"]] == ["grouping methods"]
    stats = run(capsys, "--json", "--no-discover", "--field", "Statistics", paper).json()
    assert stats["field"] == "statistics" and stats["papers"][0]["findings"] == []


def test_min_confidence(capsys: pytest.CaptureFixture[str], papers: Path) -> None:
    d = run(capsys, "--json", "--min-confidence", "1", papers / "good.txt").json()
    assert all(f["kind"] == "listed" or f["confidence"] >= 1.0 for f in d["papers"][0]["findings"])
    with pytest.raises(SystemExit) as exc:  # argparse: a usage error
        run(capsys, "--min-confidence", "1.5", papers / "good.txt")
    assert exc.value.code == 2
    assert "between 0 and 1" in capsys.readouterr().err


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode()), "utf-8"))
    out = run(capsys, "--json", "-")
    assert out.code == 0
    [paper] = out.json()["papers"]
    assert paper["name"] == "-" and paper["listed"] == 1


def test_empty_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), "utf-8"))
    assert_one_line_error(run(capsys, "-"), "standard input")


def test_folder_without_papers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "plot.png").write_bytes(b"\x89PNG\r\n")
    out = run(capsys, folder)
    assert_one_line_error(out, "no PDF or text files found")
    assert str(folder) in out.err
    assert out.out == ""


def test_subprocess_stdin_json(tmp_path: Path) -> None:
    env = {**os.environ, "UNSPIN_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "unspin", "screen", "--json", "-"],
        input=GOOD.encode(),
        capture_output=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    d = json.loads(proc.stdout)
    [paper] = d["papers"]
    kinds = sorted((f["kind"], f["found"]) for f in paper["findings"])
    assert kinds == [("discovered", "irregular woodland"), ("listed", "concealed layer")]
