"""Ingest throughput: ``python -m benchmarks.ingest [--docs N] [--out PATH]``.

Writes the BBC articles of ``../shared/data/bbc_news.jsonl`` as (1) a WARC.gz of HTTP responses
with HTML pages, (2) a folder of HTML files and (3) a JSONL file, then ingests each into a fresh
index on one pinned core. Reports documents/s overall, the HTML extraction time (trafilatura)
per document, and documents/s excluding extraction (reading, fingerprinting, storing).

Results: table on stdout, JSON in ``benchmarks/results/ingest.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import html
import io
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.data import REPO_ROOT, load_bbc
from benchmarks.restore import _pin_one_core, machine_info, write_results
from unspin.index import Index
from unspin.ingest import ingest

DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results" / "ingest.json"


def page(title: str, text: str) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        f"<meta property='og:title' content='{html.escape(title, quote=True)}'>"
        "<meta name='author' content='Staff reporter'>"
        "<meta property='article:published_time' content='2005-03-01'>"
        "</head><body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{body}</article>"
        "<footer>Copyright notice and links</footer></body></html>"
    )


def write_warc(path: Path, items: Sequence[tuple[str, str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, title, text in items:
            payload = page(title, text).encode("utf-8")
            headers = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(payload))),
                ],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(record)


def run(source: Path, kind: str, db: Path) -> dict[str, Any]:
    with Index(db) as idx:
        s = ingest([str(source)], idx, kind=kind)
        docs = len(idx)
    rest = max(1e-9, s.seconds - s.extract_seconds)
    return {
        "documents": docs,
        "added": s.added,
        "skipped": dict(s.skipped),
        "failed": dict(s.failed),
        "seconds": round(s.seconds, 2),
        "docs_per_s": round(docs / s.seconds, 1),
        "extract_ms_per_doc": round(1e3 * s.extract_seconds / max(1, docs), 2),
        "docs_per_s_excluding_extraction": round(docs / rest, 1),
        "index_ms_per_doc": round(1e3 * s.index_seconds / max(1, docs), 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--docs", type=int, default=None, help="default: all BBC articles")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    arts = load_bbc()
    if arts is None:
        print("benchmarks.ingest: ../shared/data/bbc_news.jsonl is missing; skipped")
        return 0
    arts = arts[: args.docs] if args.docs else arts
    core = _pin_one_core()
    items = [(f"https://news.example/{a.id}", a.title, a.text) for a in arts]
    results: dict[str, Any] = {"machine": machine_info(), "pinned_core": core, "docs": len(items)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        write_warc(root / "news.warc.gz", items)
        folder = root / "html"
        folder.mkdir()
        for i, (_, title, text) in enumerate(items):
            (folder / f"{i:05d}.html").write_text(page(title, text), encoding="utf-8")
        with open(root / "news.jsonl", "w", encoding="utf-8") as fh:
            for url, title, text in items:
                fh.write(json.dumps({"url": url, "title": title, "text": text}) + "\n")
        results["write_inputs_s"] = round(time.perf_counter() - t0, 2)
        results["warc"] = run(root / "news.warc.gz", "auto", root / "warc.db")
        results["html_folder"] = run(folder, "auto", root / "html.db")
        results["jsonl"] = run(root / "news.jsonl", "auto", root / "jsonl.db")
    print(f"{len(items)} BBC articles (duplicate texts are stored once), one core")
    print(
        f"{'source':<12} {'docs':>6} {'docs/s':>8} {'extract ms/doc':>15} "
        f"{'docs/s w/o extraction':>22}"
    )
    for key in ("warc", "html_folder", "jsonl"):
        r = results[key]
        print(
            f"{key:<12} {r['documents']:>6} {r['docs_per_s']:>8.0f} "
            f"{r['extract_ms_per_doc']:>15.2f} {r['docs_per_s_excluding_extraction']:>22.0f}"
        )
    write_results(args.out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
