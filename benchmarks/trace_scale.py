"""Trace at scale: ``python -m benchmarks.trace_scale [--docs N] [--workers W] [--index PATH]``.

Builds an index of the 2,225 BBC articles plus N synthetic documents (default 1,000,000), each
2-7 paragraphs (2.2 kB on average, as BBC articles) drawn at random from the whole BBC corpus,
so that every BBC paragraph recurs in hundreds of synthetic documents: a hard case for look-up,
since a spun copy shares fingerprints with many partial copies. Fingerprints and compression
run in W worker processes; one process writes. Then 300 BBC articles spun at 20% and at 35%
are traced.

Reports index size on disk, build rate (documents/s, and per core of CPU time), and query
latency p50/p95 with recall@1; then 300 arXiv abstracts, which must match nothing. Results:
table on stdout, JSON in ``benchmarks/results/trace_scale.json``. Needs
``../shared/data/bbc_news.jsonl``.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.data import REPO_ROOT, load_arxiv, load_bbc, load_table, spin_articles
from benchmarks.restore import machine_info, write_results
from benchmarks.trace import _q
from unspin.index import Index, PreparedDocument, content_hash, prepare_document
from unspin.tracing import trace

DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results" / "trace_scale.json"
SEED = 31
CHUNK = 2_000

_PARAGRAPHS: list[str] = []


def _init(paragraphs: list[str]) -> None:
    global _PARAGRAPHS
    _PARAGRAPHS = paragraphs


def _synthetic(start: int) -> list[PreparedDocument]:
    out = []
    for i in range(start, start + CHUNK):
        rng = random.Random(SEED * 1_000_003 + i)
        pars = rng.sample(_PARAGRAPHS, rng.randint(2, 7))
        text = "\n\n".join(pars)
        title = " ".join(pars[0].split()[:8])
        out.append(prepare_document(f"https://synthetic.example/{i}", text, title=title))
    return out


def _chunks(n: int) -> Iterator[int]:
    yield from range(0, n, CHUNK)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def build(path: Path, n: int, workers: int, articles: Sequence[Any]) -> dict[str, Any]:
    paragraphs = sorted(
        {p.strip() for a in articles for p in a.text.split("\n") if len(p.split()) >= 12}
    )
    t0, c0 = time.perf_counter(), _cpu_seconds()
    added = 0
    with Index(path) as idx:
        idx.begin()
        for a in articles:
            status, _ = idx.upsert(f"https://bbc.example/{a.id}", a.text, title=a.title)
            added += status == "added"
        idx.commit()
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(paragraphs,)) as ex:
            for done, batch in enumerate(ex.map(_synthetic, _chunks(n)), 1):
                idx.begin()
                for d in batch[: min(CHUNK, n - (done - 1) * CHUNK)]:
                    status, _ = idx.put(d)
                    added += status == "added"
                idx.commit()
                if done % 50 == 0:
                    rate = done * CHUNK / (time.perf_counter() - t0)
                    print(f"  {done * CHUNK:,} documents, {rate:,.0f}/s", flush=True)
        idx.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        wall, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
        stats = idx.stats()
    return {
        **stats,
        "paragraph_pool": len(paragraphs),
        "added": added,
        "build_s": round(wall, 1),
        "build_cpu_s": round(cpu, 1),
        "docs_per_s": round(stats["documents"] / wall, 1),
        "docs_per_cpu_s": round(stats["documents"] / cpu, 1),
        "workers": workers,
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--index", type=Path, default=None, help="keep the index here")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    arts, table = load_bbc(), load_table()
    if arts is None or table is None:
        print("benchmarks.trace_scale: ../shared/data is missing; skipped")
        return 0
    results: dict[str, Any] = {"machine": machine_info(), "synthetic_docs": args.docs}
    with tempfile.TemporaryDirectory(dir=args.index.parent if args.index else None) as tmp:
        path = args.index or Path(tmp) / "scale.db"
        if not path.exists():
            results["build"] = build(path, args.docs, args.workers, arts)
        sample = arts[1::2][: args.queries]
        with Index(path, create=False) as idx:
            results["documents"] = len(idx)
            results["bytes_per_document"] = round(idx.stats()["bytes_per_document"], 1)
            for rate in (0.20, 0.35):
                docs = spin_articles(sample, table, seed=SEED, rate=rate)
                lat, hits = [], 0
                for a, d in zip(sample, docs, strict=True):
                    t = time.perf_counter()
                    best = trace(d.text, idx, limit=1).best
                    lat.append(time.perf_counter() - t)
                    hits += best is not None and content_hash(best.source_text) == content_hash(
                        a.text
                    )
                results[f"spun_{int(rate * 100)}"] = {
                    "queries": len(sample),
                    "recall_at_1": round(hits / len(sample), 4),
                    "latency_ms_p50": round(_q(lat, 0.5) * 1e3, 2),
                    "latency_ms_p95": round(_q(lat, 0.95) * 1e3, 2),
                }
            arxiv = load_arxiv()
            if arxiv:
                lat, false = [], 0
                for text in arxiv[: args.queries]:
                    t = time.perf_counter()
                    false += trace(text, idx, limit=1).best is not None
                    lat.append(time.perf_counter() - t)
                results["unrelated_arxiv"] = {
                    "queries": len(lat),
                    "false_matches": false,
                    "latency_ms_p50": round(_q(lat, 0.5) * 1e3, 2),
                    "latency_ms_p95": round(_q(lat, 0.95) * 1e3, 2),
                }
    render(results)
    write_results(args.out, results)
    return 0


def render(r: dict[str, Any]) -> None:
    b = r.get("build")
    print(f"index: {r['documents']:,} documents, {r['bytes_per_document']:.0f} bytes/document")
    if b:
        print(
            f"build: {b['build_s']:.0f} s wall, {b['docs_per_s']:,.0f} docs/s with "
            f"{b['workers']} workers, {b['docs_per_cpu_s']:,.0f} docs per CPU-second"
        )
    for key in ("spun_20", "spun_35"):
        q = r[key]
        print(
            f"{key}: recall@1 {q['recall_at_1']:.3f}, p50 {q['latency_ms_p50']:.1f} ms, "
            f"p95 {q['latency_ms_p95']:.1f} ms ({q['queries']} queries)"
        )
    u = r.get("unrelated_arxiv")
    if u:
        print(
            f"unrelated arXiv: {u['false_matches']} false matches, "
            f"p50 {u['latency_ms_p50']:.1f} ms, p95 {u['latency_ms_p95']:.1f} ms "
            f"({u['queries']} queries)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
