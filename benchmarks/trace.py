"""Trace benchmark: ``python -m benchmarks.trace [--copies N] [--out PATH]``.

- **recall**: the 2,225 BBC articles of ``../shared/data/bbc_news.jsonl`` are indexed (the same
  text under two ids is stored once); N of them (evaluation split) are spun by the simulator
  (``benchmarks/spinner.py``, the full real table plus thesaurus swaps) at 10%, 20% and 35% of
  words and traced. Recall@1 counts a hit when the best match has the source's text.
- **unrelated**: N texts that must match nothing: arXiv abstracts, and BBC articles held out of
  a second index (built without them and without any article sharing a paragraph with them),
  spun at 20%. Any match is a false match.
- precision at the threshold over all queries, and p50/p95 query latency (fingerprint, look-up,
  verification by alignment; one core).

Results: a table on stdout and JSON in ``benchmarks/results/trace.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.data import REPO_ROOT, load_arxiv, load_bbc, load_table, spin_articles
from benchmarks.restore import _pin_one_core, machine_info, write_results
from unspin.index import Index, content_hash
from unspin.tracing import trace

DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results" / "trace.json"
RATES = (0.10, 0.20, 0.35)
SEED = 29


def _q(values: Sequence[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else 0.0


def build_index(path: Path, articles: Sequence[Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    with Index(path) as idx:
        idx.begin()
        for a in articles:
            idx.upsert(f"https://bbc.example/{a.id}", a.text, title=a.title, site="bbc")
        idx.commit()
        idx.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stats = idx.stats()
    stats["build_s"] = round(time.perf_counter() - t0, 2)
    stats["build_docs_per_s"] = round(len(articles) / stats["build_s"], 1)
    return stats


def run_queries(index: Index, texts: Sequence[str], expect: Sequence[bytes | None]) -> dict:
    hits = wrong = none = 0
    lat: list[float] = []
    explained: list[float] = []
    closest: list[float] = []
    for text, want in zip(texts, expect, strict=True):
        t0 = time.perf_counter()
        rep = trace(text, index, limit=1)
        lat.append(time.perf_counter() - t0)
        best = rep.best
        if best is None:
            none += 1
        elif want is not None and content_hash(best.source_text) == want:
            hits += 1
            explained.append(best.explained)
        else:
            wrong += 1
        if want is None:  # how close an unrelated text came to the threshold
            loose = trace(text, index, limit=1, min_explained=0.0, min_matched=0.0).best
            closest.append(loose.explained if loose else 0.0)
    n = len(texts)
    return {
        "queries": n,
        "recall_at_1": round(hits / n, 4) if any(e is not None for e in expect) else None,
        "hits": hits,
        "wrong_matches": wrong,
        "no_match": none,
        "explained_p5": round(_q(explained, 0.05), 3) if explained else None,
        "unrelated_explained_max": round(max(closest), 3) if closest else None,
        "latency_ms_p50": round(_q(lat, 0.5) * 1e3, 2),
        "latency_ms_p95": round(_q(lat, 0.95) * 1e3, 2),
    }


def _paragraphs(text: str) -> set[str]:
    return {" ".join(p.split()) for p in text.split("\n") if len(p.split()) >= 8}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--copies", type=int, default=300)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    arts, table, arxiv = load_bbc(), load_table(), load_arxiv()
    if arts is None or table is None:
        print("benchmarks.trace: ../shared/data/bbc_news.jsonl or the table is missing; skipped")
        return 0
    core = _pin_one_core()
    n = args.copies
    results: dict[str, Any] = {"machine": machine_info(), "pinned_core": core, "copies": n}
    sample = arts[1::2][:n]
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "bbc.db"
        results["index"] = build_index(full, arts)
        with Index(full, create=False) as idx:
            for rate in RATES:
                docs = spin_articles(sample, table, seed=SEED, rate=rate)
                res = run_queries(
                    idx, [d.text for d in docs], [content_hash(a.text) for a in sample]
                )
                res["spin_rate"] = rate
                results[f"spun_{int(rate * 100)}"] = res
            if arxiv:
                ax = arxiv[:n]
                results["unrelated_arxiv"] = run_queries(idx, ax, [None] * len(ax))

        # BBC articles that are not in the index: hold out n, and drop from the index every
        # article that shares a paragraph with them (the corpus repeats some stories)
        held = arts[0::2][:n]
        held_pars = set().union(*(_paragraphs(a.text) for a in held))
        rest = [a for a in arts if not (_paragraphs(a.text) & held_pars)]
        part = Path(tmp) / "bbc-part.db"
        build_index(part, rest)
        with Index(part, create=False) as idx:
            docs = spin_articles(held, table, seed=SEED, rate=0.20)
            res = run_queries(idx, [d.text for d in docs], [None] * len(docs))
            res["indexed"] = len(rest)
            results["unrelated_bbc_held_out"] = res

    hits = wrong = 0
    for res in results.values():
        if isinstance(res, dict) and "wrong_matches" in res:
            hits += res["hits"]
            wrong += res["wrong_matches"]
    results["precision"] = round(hits / (hits + wrong), 4) if hits + wrong else None
    render(results)
    write_results(args.out, results)
    return 0


def render(r: dict[str, Any]) -> None:
    idx = r["index"]
    print(
        f"index: {idx['documents']} documents, {idx['bytes'] / 1e6:.1f} MB "
        f"({idx['bytes_per_document']:.0f} B/doc), built at {idx['build_docs_per_s']:.0f} docs/s"
    )
    print(
        f"{'set':<26} {'queries':>7} {'recall@1':>9} {'false':>6} {'none':>5} "
        f"{'p50 ms':>7} {'p95 ms':>7}"
    )
    for key in ("spun_10", "spun_20", "spun_35", "unrelated_arxiv", "unrelated_bbc_held_out"):
        res = r.get(key)
        if not res:
            continue
        rec = "-" if res["recall_at_1"] is None else f"{res['recall_at_1']:.3f}"
        print(
            f"{key:<26} {res['queries']:>7} {rec:>9} {res['wrong_matches']:>6} "
            f"{res['no_match']:>5} {res['latency_ms_p50']:>7.2f} {res['latency_ms_p95']:>7.2f}"
        )
    print(f"precision at the threshold: {r['precision']}")
    lows = [r[k]["explained_p5"] for k in ("spun_10", "spun_20", "spun_35") if k in r]
    highs = [r[k]["unrelated_explained_max"] for k in r if k.startswith("unrelated")]
    print(f"share of copy explained: true sources p5 >= {min(lows)}, unrelated max {max(highs)}")
    print(f"machine: {r['machine'].get('cpu_model', '?')}, pinned to core {r.get('pinned_core')}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
