"""Restore benchmark: ``python -m benchmarks.restore [--articles N] [--out PATH] [--quick]``.

Sets (each skipped with a note when its data is missing from ``../shared``):

- **seed**: the real spun article; swaps restored exactly (of the scored 'swap' rows), wrong
  edits in scored paragraphs, edits in the unscored boilerplate, error reduction. Full engine.
- **synthetic**: BBC eval articles spun with half A of the real table ('seen') and with half B
  ('unseen'), both restored by ``Engine(exclude_table_originals=<originals of half B>)``.
- **clean**: BBC eval articles (unspun) and arXiv abstracts: every edit is wrong; document-score
  AUC of spun vs clean BBC, score quantiles.
- **speed**: words/s on one core, peak RSS, cold start of a fresh interpreter.

See ``benchmarks/metrics.py`` for how edits are judged. Results go to JSON (default
``benchmarks/results/restore.json``, git-ignored) and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.data import (
    REPO_ROOT,
    bbc_split,
    data_path,
    load_arxiv,
    load_seed,
    load_table,
    spin_articles,
    split_table,
    table_originals,
)
from benchmarks.metrics import (
    EditScore,
    WerTotals,
    error_reduction,
    quantiles,
    roc_auc,
    score_edits,
)
from benchmarks.spinner import SpunDoc, count_words, multiword_share

DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results" / "restore.json"
SEED = 13
KINDS = ("table", "thesaurus", "expansion", "article")
COLD_START_CODE = """
import json, resource, time
t0 = time.perf_counter()
import unspin
t1 = time.perf_counter()
_neural = unspin.get_engine().neural
if _neural is not None:
    _neural.get()
unspin.restore('The supply mentioned it.')
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:  # VmHWM is this process's own peak; ru_maxrss can carry the parent's across exec
    with open("/proc/self/status") as fh:
        rss = next(int(ln.split()[1]) for ln in fh if ln.startswith("VmHWM:"))
except (OSError, StopIteration, ValueError):
    pass
print(json.dumps({"import_s": t1 - t0, "first_call_s": t2 - t1, "total_s": t2 - t0,
                  "peak_rss_mb": rss / 1024}))
"""


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(x, nd)


try:  # the CPUs this process may use, before any pinning
    _START_CPUS = frozenset(os.sched_getaffinity(0))
except AttributeError:
    _START_CPUS = frozenset()


def _pin_one_core() -> int | None:
    """Pin this process to one CPU (Linux); returns the CPU or None."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        return cpus[0]
    except (AttributeError, OSError):
        return None


def write_results(path: Path, results: dict[str, Any]) -> None:
    """Write a benchmark's results as JSON (folders created) and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results written to {path}")


def machine_info() -> dict[str, Any]:
    model = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpu_model": model or platform.processor() or None,
    }


# --------------------------------------------------------------------------------------------
# running the engine


@dataclass
class Timer:
    words: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time: per-core throughput without VM steal
    docs: int = 0
    failures: Counter[str] = field(default_factory=Counter)


def run_restore(engine: Any, text: str, timer: Timer | None) -> Any | None:
    t0 = time.perf_counter()
    c0 = time.process_time()
    try:
        res = engine.restore(text)
    except Exception as exc:  # a benchmark reports failures, it does not stop
        if timer is not None:
            timer.failures[type(exc).__name__] += 1
        return None
    if timer is not None:
        timer.seconds += time.perf_counter() - t0
        timer.cpu_seconds += time.process_time() - c0
        timer.words += count_words(text)
        timer.docs += 1
    return res


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    return (
        text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]
    )


# --------------------------------------------------------------------------------------------
# sets


def bench_seed(engine: Any) -> dict[str, Any] | None:
    seed = load_seed()
    if seed is None:
        return None
    res = run_restore(engine, seed.spun, None)
    if res is None:
        return {"error": "engine failed on the seed article"}
    gold = seed.swaps  # 'swap' and 'edit' rows, all in scored paragraphs
    sc = score_edits(seed.spun, res.edits, gold, unscored=seed.unscored_spans)
    swap_idx = [i for i, g in enumerate(gold) if g.kind == "swap"]
    restored = sum(1 for i in swap_idx if i in sc.restored)
    edits = []
    for e, v in zip(res.edits, sc.verdicts, strict=True):
        edits.append(
            {
                "spun": e.spun,
                "original": e.original,
                "confidence": _r(e.confidence),
                "verdict": v,
                "context": _context(seed.spun, e.start, e.end),
            }
        )
    missed = [
        {"spun": gold[i].spun, "original": gold[i].original}
        for i in swap_idx
        if i not in sc.restored
    ]
    return {
        "words": count_words(seed.spun),
        "gold_swaps": len(swap_idx),
        "swaps_restored": restored,
        "swaps_restored_rate": _r(restored / len(swap_idx)) if swap_idx else None,
        "swaps_restored_span_exact": sum(1 for i in swap_idx if i in sc.span_exact),
        "edit_rows_restored": sum(
            1 for i, g in enumerate(gold) if g.kind == "edit" and i in sc.restored
        ),
        "edits": sc.correct + sc.wrong,
        "correct_edits": sc.correct,
        "wrong_edits_scored": sc.wrong,
        "edits_in_boilerplate": sc.unscored,
        "edit_precision": _r(sc.precision),
        "error_reduction": _r(error_reduction(seed.spun, res.restored, seed.originals)),
        "doc_score": _r(res.score),
        "judgeable": res.judgeable,
        "edit_list": edits,
        "missed": missed,
    }


def bench_spun(engine: Any, docs: Sequence[SpunDoc], timer: Timer) -> dict[str, Any]:
    wt = WerTotals()
    by_kind: Counter[str] = Counter()
    by_kind_restored: Counter[str] = Counter()
    swaps = restored = correct = wrong = span_exact = 0
    words = 0
    scores: list[float] = []
    wrong_examples: list[dict[str, Any]] = []
    missed_examples: list[dict[str, Any]] = []
    for doc in docs:
        res = run_restore(engine, doc.text, timer)
        words += doc.words
        for g in doc.swaps:
            by_kind[g.kind] += 1
        swaps += len(doc.swaps)
        if res is None:
            wt.add(doc.text, doc.text, doc.original)
            continue
        scores.append(float(res.score))
        sc: EditScore = score_edits(doc.text, res.edits, doc.swaps)
        restored += len(sc.restored)
        span_exact += len(sc.span_exact)
        correct += sc.correct
        wrong += sc.wrong
        for i in sc.restored:
            by_kind_restored[doc.swaps[i].kind] += 1
        wt.add(doc.text, res.restored, doc.original)
        for e, v in zip(res.edits, sc.verdicts, strict=True):
            if v == "wrong" and len(wrong_examples) < 40:
                wrong_examples.append(
                    {
                        "id": doc.meta.get("id"),
                        "spun": e.spun,
                        "proposed": e.original,
                        "confidence": _r(e.confidence),
                        "context": _context(doc.text, e.start, e.end),
                    }
                )
        for i, g in enumerate(doc.swaps):
            if i not in sc.restored and len(missed_examples) < 40:
                missed_examples.append({"kind": g.kind, "spun": g.spun, "original": g.original})
    n_edits = correct + wrong
    covered = sum(d.meta.get("covered_words", 0) for d in docs)
    return {
        "docs": len(docs),
        "words": words,
        "spinner_rate_realised": _r(covered / words) if words else None,
        "spinner_multiword_share": _r(multiword_share(docs)),
        "swaps": swaps,
        "swaps_restored": restored,
        "swaps_restored_rate": _r(restored / swaps) if swaps else None,
        "swaps_restored_span_exact": span_exact,
        "by_kind": {
            k: {
                "swaps": by_kind[k],
                "restored": by_kind_restored[k],
                "rate": _r(by_kind_restored[k] / by_kind[k]) if by_kind[k] else None,
            }
            for k in KINDS
            if by_kind[k]
        },
        "edits": n_edits,
        "edit_precision": _r(correct / n_edits) if n_edits else None,
        "wrong_edits": wrong,
        "wrong_per_1000_words": _r(1000 * wrong / words if words else 0.0, 2),
        "wer_spun": _r(wt.wer_spun, 4),
        "wer_restored": _r(wt.wer_restored, 4),
        "error_reduction": _r(wt.error_reduction),
        "doc_scores": scores,
        "wrong_examples": wrong_examples,
        "missed_examples": missed_examples,
    }


def bench_clean(engine: Any, texts: Sequence[str], ids: Sequence[str], timer: Timer | None) -> dict:
    words = edits = docs_with_edits = 0
    scores: list[float] = []
    examples: list[dict[str, Any]] = []
    edit_counter: Counter[str] = Counter()
    for text, doc_id in zip(texts, ids, strict=True):
        res = run_restore(engine, text, timer)
        words += count_words(text)
        if res is None:
            continue
        scores.append(float(res.score))
        real = [e for e in res.edits if e.original.strip().lower() != e.spun.strip().lower()]
        docs_with_edits += bool(real)
        for e in real:
            edits += 1
            edit_counter[f"{e.spun.lower()} -> {e.original.lower()}"] += 1
            if len(examples) < 40:
                examples.append(
                    {
                        "id": doc_id,
                        "spun": e.spun,
                        "proposed": e.original,
                        "confidence": _r(e.confidence),
                        "context": _context(text, e.start, e.end),
                    }
                )
    return {
        "docs": len(texts),
        "words": words,
        "wrong_edits": edits,
        "wrong_per_1000_words": _r(1000 * edits / words if words else 0.0, 2),
        "docs_with_edits_share": _r(docs_with_edits / len(texts)) if texts else None,
        "doc_scores": scores,
        "top_wrong_edits": edit_counter.most_common(20),
        "wrong_examples": examples,
    }


def cold_start(runs: int = 3, mode: str = "fast") -> dict[str, Any]:
    """Import + first restore in a fresh interpreter. Accurate mode also loads the neural
    model (from its cache) before the first call, so its load is always counted."""
    env = dict(os.environ)
    env["UNSPIN_MODE"] = mode
    src = str(REPO_ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    out: list[dict[str, Any]] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", COLD_START_CODE],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
        rec = json.loads(proc.stdout.strip().splitlines()[-1])
        rec["process_wall_s"] = wall
        out.append({k: _r(v) for k, v in rec.items()})
    best = min(out, key=lambda r: r["total_s"])
    return {"runs": out, "best_import_plus_first_call_s": best["total_s"], "best": best}


# --------------------------------------------------------------------------------------------
# report


def _fmt(x: Any, pct: bool = False) -> str:
    if x is None:
        return "-"
    if pct and isinstance(x, float):
        return f"{100 * x:.1f}%"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def render(results: dict[str, Any]) -> None:
    rows: list[tuple[str, str, str, str]] = []  # (section, metric, value, value2)
    seed = results.get("seed")
    if isinstance(seed, dict) and "error" not in seed:
        g = seed["gold_swaps"]
        rows += [
            ("seed", "swaps restored exactly", f"{seed['swaps_restored']}/{g}", ""),
            ("seed", "wrong edits (scored paragraphs)", str(seed["wrong_edits_scored"]), ""),
            ("seed", "edits in boilerplate (unscored)", str(seed["edits_in_boilerplate"]), ""),
            ("seed", "edit precision", _fmt(seed["edit_precision"], True), ""),
            ("seed", "error reduction", _fmt(seed["error_reduction"], True), ""),
            ("seed", "document score", _fmt(seed["doc_score"]), ""),
        ]
    syn = results.get("synthetic")
    if isinstance(syn, dict) and "seen" in syn:
        s, u = syn["seen"], syn["unseen"]
        rows += [
            ("synthetic", "articles", str(s["docs"]), str(u["docs"])),
            ("synthetic", "words", str(s["words"]), str(u["words"])),
            ("synthetic", "swaps", str(s["swaps"]), str(u["swaps"])),
            (
                "synthetic",
                "spinner: words swapped / multi-word share",
                f"{_fmt(s['spinner_rate_realised'], True)} / "
                f"{_fmt(s['spinner_multiword_share'], True)}",
                f"{_fmt(u['spinner_rate_realised'], True)} / "
                f"{_fmt(u['spinner_multiword_share'], True)}",
            ),
            (
                "synthetic",
                "swaps restored exactly",
                f"{s['swaps_restored']} ({_fmt(s['swaps_restored_rate'], True)})",
                f"{u['swaps_restored']} ({_fmt(u['swaps_restored_rate'], True)})",
            ),
        ]
        for k in KINDS:
            a, b = s["by_kind"].get(k), u["by_kind"].get(k)
            if a or b:
                rows.append(
                    (
                        "synthetic",
                        f"  {k} swaps restored",
                        f"{a['restored']}/{a['swaps']} ({_fmt(a['rate'], True)})" if a else "-",
                        f"{b['restored']}/{b['swaps']} ({_fmt(b['rate'], True)})" if b else "-",
                    )
                )
        rows += [
            (
                "synthetic",
                "edit precision",
                _fmt(s["edit_precision"], True),
                _fmt(u["edit_precision"], True),
            ),
            (
                "synthetic",
                "wrong edits / 1000 words",
                _fmt(s["wrong_per_1000_words"]),
                _fmt(u["wrong_per_1000_words"]),
            ),
            (
                "synthetic",
                "WER spun -> restored",
                f"{_fmt(s['wer_spun'])} -> {_fmt(s['wer_restored'])}",
                f"{_fmt(u['wer_spun'])} -> {_fmt(u['wer_restored'])}",
            ),
            (
                "synthetic",
                "error reduction",
                _fmt(s["error_reduction"], True),
                _fmt(u["error_reduction"], True),
            ),
        ]
    clean = results.get("clean") or {}
    for name in ("bbc", "arxiv"):
        c = clean.get(name)
        if isinstance(c, dict):
            rows.append(
                (
                    "clean",
                    f"{name}: wrong edits / 1000 words",
                    _fmt(c["wrong_per_1000_words"]),
                    f"{c['wrong_edits']} in {c['words']} words",
                ),
            )
    if clean.get("auc") is not None or clean.get("spun_score_quantiles"):
        rows.append(("clean", "doc-score AUC spun vs clean BBC", _fmt(clean.get("auc")), ""))
        rows.append(
            (
                "clean",
                "score p10/p50/p90 spun",
                "/".join(_fmt(q) for q in clean.get("spun_score_quantiles", [])),
                "",
            )
        )
        rows.append(
            (
                "clean",
                "score p10/p50/p90 clean BBC",
                "/".join(_fmt(q) for q in clean.get("clean_score_quantiles", [])),
                "",
            )
        )
    sp = results.get("speed") or {}
    if sp:
        words = f"{sp.get('words')} words"
        rows.extend(
            [
                ("speed", "words/s (one core)", _fmt(sp.get("words_per_s")), words),
                ("speed", "words per CPU second", _fmt(sp.get("words_per_cpu_s")), "no VM steal"),
            ]
        )
        rows.append(
            (
                "speed",
                "peak RSS, benchmark process (MB)",
                _fmt(sp.get("peak_rss_mb")),
                "incl. simulator",
            )
        )
        cs = sp.get("cold_start") or {}
        if "best" in cs:
            b = cs["best"]
            rows.append(
                (
                    "speed",
                    "cold start: import + first call (s)",
                    _fmt(b["total_s"]),
                    f"import {b['import_s']} s, process {b['process_wall_s']} s",
                )
            )
            rows.append(
                ("speed", "engine peak RSS after first call (MB)", _fmt(b["peak_rss_mb"]), "")
            )
        elif cs:
            rows.append(("speed", "cold start", "failed", str(cs.get("error"))))
    m = results.get("machine", {})

    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        Console = None

    if Console is not None:
        console = Console() if sys.stdout.isatty() else Console(width=120)
        table = Table(title="unspin restore benchmark")
        for col in ("set", "metric", "value (seen)", "unseen / note"):
            table.add_column(col)
        last = None
        for sec, metric, v1, v2 in rows:
            if last is not None and sec != last:
                table.add_section()
            table.add_row(sec if sec != last else "", metric, v1, v2)
            last = sec
        console.print(table)
    else:
        w = max((len(r[1]) for r in rows), default=10)
        print("unspin restore benchmark")
        for sec, metric, v1, v2 in rows:
            print(f"{sec:<10} {metric:<{w}}  {v1:<22} {v2}")
    print(f"machine: {m.get('cpu_model')} ({m.get('cpu_count')} CPUs), {m.get('platform')}")
    for note in results.get("notes", []):
        print(f"note: {note}")


def run_sets(
    full_engine: Any, engine: Any, data: dict[str, Any], args: Any, n: int, notes: list[str],
    cold: dict[str, Any] | None,
) -> dict[str, Any]:
    """Every set with one pair of engines (full: seed; half-B-excluded: the rest)."""
    results: dict[str, Any] = {}
    table, split, arxiv = data["table"], data["split"], data["arxiv"]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # -- seed
    seed_res = bench_seed(full_engine)
    if seed_res is None:
        notes.append(f"seed: skipped, {data_path('seed')} not found")
    results["seed"] = seed_res

    # -- synthetic + clean
    timer = Timer()
    per_set: dict[str, float | None] = {}  # words/s on each set
    if table is None:
        notes.append("synthetic: skipped, real-spinner-substitutions.tsv not found")
    spun_scores: list[float] = []
    if split is None:
        notes.append("synthetic and clean BBC: skipped, bbc_news.jsonl not found")
    else:
        eval_arts = split[1][:n]
        # warm-up, not timed
        for art in eval_arts[:3]:
            run_restore(engine, art.text, None)
        if table is not None:
            half_a, half_b = split_table(table)
            t0 = time.perf_counter()
            seen = spin_articles(eval_arts, half_a, seed=args.seed, rate=args.rate)
            unseen = spin_articles(eval_arts, half_b, seed=args.seed, rate=args.rate)
            results["spin_s"] = _r(time.perf_counter() - t0)
            s_res = timed(per_set, "seen", timer, lambda: bench_spun(engine, seen, timer))
            u_res = timed(per_set, "unseen", timer, lambda: bench_spun(engine, unseen, timer))
            spun_scores = s_res.pop("doc_scores") + u_res.pop("doc_scores")
            results["synthetic"] = {"seen": s_res, "unseen": u_res}
        c_res = timed(per_set, "clean", timer, lambda: bench_clean(
            engine, [a.text for a in eval_arts], [a.id for a in eval_arts], timer
        ))
        clean_scores = c_res.pop("doc_scores")
        results.setdefault("clean", {})["bbc"] = c_res
        clean = results["clean"]
        clean["auc"] = _r(roc_auc(spun_scores, clean_scores), 4) if spun_scores else None
        clean["spun_score_quantiles"] = [_r(q) for q in quantiles(spun_scores)]
        clean["clean_score_quantiles"] = [_r(q) for q in quantiles(clean_scores)]
    if arxiv is None:
        notes.append("clean arXiv: skipped, arxiv-cs-abstracts.csv not found")
    else:
        sub = arxiv[:n]
        a_res = bench_clean(engine, sub, [f"arxiv/{i}" for i in range(len(sub))], None)
        a_res.pop("doc_scores")
        results.setdefault("clean", {})["arxiv"] = a_res

    # -- batch throughput: the same documents through Engine.restore_many (accurate mode
    # sends several documents' uncertain edits to the neural LM in one call)
    batch = None
    if split is not None:
        docs = [d.text for d in seen + unseen] if table is not None else []
        docs += [a.text for a in eval_arts]
        batch = batch_throughput(engine, docs)
    # -- speed and memory
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["speed"] = {
        "words": timer.words,
        "docs": timer.docs,
        "seconds": _r(timer.seconds),
        "words_per_s": _r(timer.words / timer.seconds, 1) if timer.seconds else None,
        "words_per_cpu_s": _r(timer.words / timer.cpu_seconds, 1) if timer.cpu_seconds else None,
        "batch": batch,
        "words_per_s_by_set": per_set,
        "failures": dict(timer.failures),
        "peak_rss_mb": _r(rss_mb, 1),
        "peak_rss_grew_mb": _r(rss_mb - rss0, 1),
        "cold_start": cold,
    }
    if timer.failures:
        notes.append(f"engine raised on some documents: {dict(timer.failures)}")
    return results


def timed(per_set: dict[str, float | None], name: str, timer: Timer, run: Any) -> Any:
    """``run()``, recording the words/s it added to ``timer`` under ``name``."""
    words, seconds = timer.words, timer.seconds
    out = run()
    dt = timer.seconds - seconds
    per_set[name] = _r((timer.words - words) / dt, 1) if dt else None
    return out


def batch_throughput(engine: Any, texts: Sequence[str]) -> dict[str, Any]:
    """Words/s of ``Engine.restore_many`` over ``texts`` in batches of
    ``unspin.NEURAL_DOCS_PER_BATCH`` documents (what ``unspin.restore_many`` does)."""
    from unspin import NEURAL_DOCS_PER_BATCH as per
    words = sum(count_words(t) for t in texts)
    t0 = time.perf_counter()
    for s in range(0, len(texts), per):
        engine.restore_many(texts[s : s + per])
    seconds = time.perf_counter() - t0
    return {"docs": len(texts), "words": words, "docs_per_batch": per, "seconds": _r(seconds),
            "words_per_s": _r(words / seconds, 1) if seconds else None}


def _modes(spec: str | None, notes: list[str]) -> list[str]:
    """``fast,accurate`` by default when accurate mode can run, else ``fast``."""
    import unspin

    if spec is None:
        if unspin.accurate_available():
            return ["fast", "accurate"]
        notes.append("accurate mode: skipped, the neural extra or the model is not installed")
        return ["fast"]
    modes = [m.strip() for m in spec.split(",") if m.strip()]
    bad = [m for m in modes if m not in ("fast", "accurate")]
    if bad or not modes:
        raise SystemExit(f"--modes: unknown mode(s) {bad}; use fast, accurate or both")
    return modes


def _accurate_engines(full_engine: Any, engine: Any) -> tuple[Any, Any, float]:
    """The benchmark's two engines with neural rescoring added (one shared model)."""
    from unspin.engine import Engine, NeuralParams
    from unspin.neural import load_neural_lm

    t0 = time.perf_counter()
    lm = load_neural_lm(os.environ.get("UNSPIN_BENCH_LM") or None)
    load_s = time.perf_counter() - t0
    params = NeuralParams.load()

    def wrap(e: Any) -> Any:
        return Engine(lexicon=e.lexicon, lm=e.lm, params=e.params, neural=lm,
                      neural_params=params)

    return wrap(full_engine), wrap(engine), load_s


def _pin_cores(k: int) -> list[int] | None:
    """Pin this process (and torch's threads) to ``k`` CPUs (Linux)."""
    try:
        cpus = sorted(_START_CPUS)[:k]
        os.sched_setaffinity(0, set(cpus))
    except (AttributeError, OSError):
        return None
    try:
        import torch

        torch.set_num_threads(len(cpus))
    except ImportError:
        pass
    return cpus


def render_modes(by_mode: dict[str, Any]) -> None:
    """Every set, fast and accurate side by side."""
    names = list(by_mode)
    rows: list[list[str]] = []

    def add(label: str, get) -> None:
        vals = []
        for m in names:
            try:
                vals.append(get(by_mode[m]))
            except (KeyError, TypeError):
                vals.append("-")
        rows.append([label, *vals])

    add("seed: swaps restored",
        lambda r: f"{r['seed']['swaps_restored']}/{r['seed']['gold_swaps']}")
    add("seed: edit precision", lambda r: _fmt(r["seed"]["edit_precision"], True))
    add("seed: wrong edits (scored)", lambda r: str(r["seed"]["wrong_edits_scored"]))
    add("seed: error reduction", lambda r: _fmt(r["seed"]["error_reduction"], True))
    for part in ("seen", "unseen"):
        add(f"{part}: swaps restored",
            lambda r, p=part: _fmt(r["synthetic"][p]["swaps_restored_rate"], True))
        add(f"{part}: edit precision",
            lambda r, p=part: _fmt(r["synthetic"][p]["edit_precision"], True))
        add(f"{part}: error reduction",
            lambda r, p=part: _fmt(r["synthetic"][p]["error_reduction"], True))
        add(f"{part}: wrong edits / 1000 words",
            lambda r, p=part: _fmt(r["synthetic"][p]["wrong_per_1000_words"]))
    for name in ("bbc", "arxiv"):
        add(f"clean {name}: wrong edits / 1000 words",
            lambda r, c=name: _fmt(r["clean"][c]["wrong_per_1000_words"]))
    add("doc-score AUC", lambda r: _fmt(r["clean"]["auc"]))
    add("words/s, one document at a time", lambda r: _fmt(r["speed"]["words_per_s"]))
    for name in ("seen", "unseen", "clean"):
        add(f"words/s, {name} set alone",
            lambda r, n=name: _fmt(r["speed"]["words_per_s_by_set"][n]))
    add("words/s, batches of documents (restore_many)",
        lambda r: _fmt(r["speed"]["batch"]["words_per_s"]))
    add("peak RSS (MB)", lambda r: _fmt(r["speed"]["peak_rss_mb"]))
    add("cold start (s)", lambda r: _fmt(r["speed"]["cold_start"]["best"]["total_s"]))
    width = max(len(r[0]) for r in rows)
    print("\nfast vs accurate (fast: one core; accurate: two cores)")
    print(f"{'metric':<{width}}  " + "  ".join(f"{m:>12}" for m in names))
    for r in rows:
        print(f"{r[0]:<{width}}  " + "  ".join(f"{v:>12}" for v in r[1:]))


# --------------------------------------------------------------------------------------------
# main


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.restore", description=__doc__.split("\n")[0]
    )
    ap.add_argument(
        "--articles",
        type=int,
        default=None,
        help="BBC eval articles and arXiv abstracts (default 150, --quick 25)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"JSON output (default {DEFAULT_OUT.relative_to(REPO_ROOT)})",
    )
    ap.add_argument(
        "--quick", action="store_true", help="small sets (25 articles), one cold-start run"
    )
    ap.add_argument("--seed", type=int, default=SEED, help="spinner seed")
    ap.add_argument(
        "--rate", type=float, default=0.20, help="spinner rate (share of words swapped)"
    )
    ap.add_argument(
        "--modes",
        default=None,
        help="fast, accurate or fast,accurate (default: both when accurate mode is installed)",
    )
    args = ap.parse_args(argv)
    n = args.articles if args.articles is not None else (25 if args.quick else 150)

    cpu = _pin_one_core()
    notes: list[str] = []
    results: dict[str, Any] = {
        "config": {
            "articles": n,
            "rate": args.rate,
            "seed": args.seed,
            "quick": args.quick,
            "pinned_cpu": cpu,
        },
        "machine": machine_info(),
        "notes": notes,
    }

    try:
        from unspin.engine import Engine
    except ImportError as exc:
        print(f"cannot import unspin.engine: {exc}", file=sys.stderr)
        return 2
    modes = _modes(args.modes, notes)
    results["config"]["modes"] = modes
    # cold start first, while this process is still small
    cold = cold_start(1 if args.quick else 3)
    cold_acc = cold_start(1 if args.quick else 3, mode="accurate") if "accurate" in modes else None

    t0 = time.perf_counter()
    full_engine = Engine()
    results["engine_load_s"] = _r(time.perf_counter() - t0)
    table = load_table()
    split = bbc_split()
    arxiv = load_arxiv()
    if table is None:
        engine = full_engine
    else:
        half_a, half_b = split_table(table)
        t0 = time.perf_counter()
        engine = Engine(exclude_table_originals=table_originals(half_b))
        results["engine_b_load_s"] = _r(time.perf_counter() - t0)
        results["table_split"] = {
            "rows_a": len(half_a),
            "rows_b": len(half_b),
            "originals_a": len(table_originals(half_a)),
            "originals_b": len(table_originals(half_b)),
        }
    data = {"table": table, "split": split, "arxiv": arxiv}
    by_mode: dict[str, Any] = {}
    for mode in modes:
        if mode == "fast":
            res = run_sets(full_engine, engine, data, args, n, notes, cold)
        else:
            full_acc, engine_acc, load_s = _accurate_engines(full_engine, engine)
            cpus = _pin_cores(2)
            res = run_sets(full_acc, engine_acc, data, args, n, [], cold_acc)
            res["neural"] = {
                "model": engine_acc.neural.name,
                "dtype": str(engine_acc.neural.dtype),
                "device": str(engine_acc.neural.device),
                "load_s": _r(load_s),
                "cpus": cpus,
                "params": engine_acc.neural_params.to_dict(),
            }
            _pin_one_core()
        by_mode[mode] = res
    # the first mode's results stay at the top level (the format before modes existed)
    results.update(by_mode[modes[0]])
    results["modes"] = by_mode

    render(results)
    if len(by_mode) > 1:
        render_modes(by_mode)
    write_results(args.out, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
