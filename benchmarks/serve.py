"""HTTP API load test: ``python -m benchmarks.serve [--levels 1,8,64] [--requests N]
[--endpoint restore|screen|screen-pdf] [--out PATH]``.

Starts the real server (``python -m unspin serve``) in a subprocess on 127.0.0.1 and sends
``POST /api/restore`` with one 600-word spun news article from a bounded asyncio httpx client
at each concurrency level (each client sends its next request when the previous one is
answered). With two or more CPUs the server is pinned to one and the client to another, so
the client's own work does not slow the server down.

The article: BBC text from ``../shared/data/bbc_news.jsonl`` (evaluation articles joined), spun
at 20% by ``benchmarks/spinner.py`` with the real spinner table and cut to 600 words at a
sentence end, when that data is there; otherwise a made-up article written for this file.

``--endpoint screen`` sends a ~4,000-word paper to ``POST /api/screen`` instead, and
``screen-pdf`` the same paper as a two-column PDF (about 7 pages) to ``POST /api/screen-pdf``:
arXiv abstracts from ``../shared/data`` as paragraphs with three listed tortured phrases put
in (``benchmarks.science.make_papers``), or the made-up word list of ``benchmarks/pdf.py``.

Reported per level: requests, failures (any non-200 or transport error), latency p50/p95/p99/max
as the client sees it (queue wait included), throughput, and the server's peak resident memory
(VmHWM of the server process after the level, plus the highest VmRSS sampled during it).

Results: table on stdout, JSON in ``benchmarks/results/serve.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.data import REPO_ROOT
from benchmarks.restore import machine_info, write_results

DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results" / "serve.json"
WORDS = 600

# Made up for this benchmark (used when the BBC data is missing): a council story written
# with the kind of swaps an article spinner makes.
FALLBACK_PARAGRAPHS = [
    "The town council mentioned on Tuesday that no less than 40 roads would be resurfaced "
    "earlier than the end of the summer, after individuals in three districts complained "
    "about potholes that had damaged cars and bicycles.",
    "A spokesperson for the council informed reporters that the work would begin in the "
    "north of the town, where the state of affairs was worst, and move south as crews "
    "became obtainable. Nevertheless, she mentioned the plan depended on the weather.",
    "Residents have been asking for repairs for greater than two years. One shopkeeper, who "
    "didn't want to be named as a result of his landlord works for the council, mentioned "
    "deliveries had been delayed many times since the winter.",
    "According to a supply close to the finance committee, the work will cost about 3 "
    "million kilos, paid from a fund that was set aside for emergencies. Opposition members "
    "mentioned the money should have been spent on schools, however the leader of the "
    "council mentioned safety had to come first.",
    "The council also approved a new cycle lane along the river, which campaigners have "
    "requested for a decade. Work on the lane will start subsequent spring, officials "
    "mentioned, and it is expected to be completed inside a year.",
    "Local companies welcomed the announcement however warned that the closures needed to "
    "be planned carefully. The chamber of commerce mentioned it would meet council officers "
    "next week to discuss a timetable that keeps the high street open.",
]


def count_words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def cut_to_words(paragraphs: list[str], n: int) -> str:
    """Join paragraphs and cut at the first sentence end at or after ``n`` words."""
    out: list[str] = []
    total = 0
    for para in paragraphs:
        sentences = re.split(r"(?<=[.!?])\s+", para.strip())
        kept: list[str] = []
        for s in sentences:
            kept.append(s)
            total += count_words(s)
            if total >= n:
                break
        out.append(" ".join(kept))
        if total >= n:
            break
    return "\n\n".join(out)


def article(words: int = WORDS) -> tuple[str, str]:
    """(text, description) of the benchmark article."""
    try:
        from benchmarks.data import bbc_split, load_table
        from benchmarks.spinner import Spinner

        split, table = bbc_split(), load_table()
        if split is not None and table is not None:
            paragraphs = [p for a in split[1][:20] for p in a.text.split("\n") if p.strip()]
            original = cut_to_words(paragraphs, words)
            spinner = Spinner(table, seed=7, rate=0.20)
            spun = spinner.spin(original, doc_id="serve-benchmark").text
            # the spinner's expansions lengthen the text: cut the spun copy to ~600 words
            spun = cut_to_words(spun.split("\n\n"), words)
            n = count_words(spun)
            return spun, f"BBC evaluation text spun at 20% by benchmarks/spinner.py, {n} words"
    except Exception as exc:  # optional data and tools: fall back to the made-up story
        print(f"(BBC data or spinner unavailable: {exc})", file=sys.stderr)
    paragraphs = FALLBACK_PARAGRAPHS * (words // count_words(" ".join(FALLBACK_PARAGRAPHS)) + 1)
    text = cut_to_words(paragraphs, words)
    return text, f"made-up council story ({count_words(text)} words)"


# --------------------------------------------------------------------------- server process


class ServerProcess:
    def __init__(self, cpu: int | None, workers: int, timeout: float) -> None:
        cmd = [
            sys.executable, "-m", "unspin", "serve", "--port", "0", "--log-level", "warning",
            "--no-access-log", "--workers", str(workers), "--timeout", str(timeout),
        ]  # fmt: skip
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
        self.proc = subprocess.Popen(
            cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True
        )
        if cpu is not None:
            try:
                os.sched_setaffinity(self.proc.pid, {cpu})
            except OSError:
                pass
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        match = re.search(r"serving (http://\S+?)/? ", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"the server did not start: {line!r}")
        self.base = match.group(1).rstrip("/")
        # keep draining stderr so that the server never blocks on a full pipe
        self.log: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        for _ in range(1000):
            try:
                httpx.get(self.base + "/api/health", timeout=5, trust_env=False)
                break
            except httpx.TransportError:
                time.sleep(0.02)

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)

    def memory(self) -> dict[str, int]:
        """VmRSS and VmHWM (peak) of the server process, in kB."""
        out = {}
        try:
            with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
                for line in fh:
                    key, _, value = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        out[key] = int(value.split()[0])
        except OSError:
            pass
        return out

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --------------------------------------------------------------------------- load


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Load:
    """What the requests send, in turn: path, bodies, content type, and a key a good answer
    holds."""

    def __init__(self, path: str, bodies: list[bytes], ctype: str, key: str) -> None:
        self.path, self.bodies, self.ctype, self.key = path, bodies, ctype, key
        self.sent = 0

    def next_body(self) -> bytes:
        body = self.bodies[self.sent % len(self.bodies)]
        self.sent += 1
        return body


def restore_load(text: str) -> Load:
    return Load("/api/restore", [json.dumps({"text": text}).encode()], "application/json",
                "restored")


PAPERS = 20  # different papers sent in turn: the server's word caches warm as in real use,
# but no answer is a repeat


def paper_load(endpoint: str) -> tuple[Load, str, int]:
    """(load, description, mean words) of ~4,000-word papers for /api/screen or
    /api/screen-pdf."""
    import tempfile

    from benchmarks.pdf import write_flow
    from benchmarks.science import load_abstracts, make_papers
    from unspin.fingerprints import FingerprintList

    abstracts = load_abstracts()
    tortured = [f.tortured for f in FingerprintList.bundled()]
    papers, _put = make_papers(PAPERS, 4000, abstracts, tortured, seed=11)
    what = "arXiv abstracts" if abstracts else "made-up words (benchmarks/pdf.py)"
    texts = ["\n\n".join(p.blocks()) for p in papers]
    words = round(sum(count_words(t) for t in texts) / len(texts))
    if endpoint == "screen":
        bodies = [json.dumps({"text": t}).encode() for t in texts]
        return Load("/api/screen", bodies, "application/json", "findings"), \
            f"{PAPERS} papers of {what}, {words} words each on average, 3 listed tortured " \
            "phrases each", words
    bodies = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, paper in enumerate(papers):
            path = Path(tmp) / f"paper{i}.pdf"
            write_flow(path, paper)
            bodies.append(path.read_bytes())
    size = round(sum(map(len, bodies)) / len(bodies))
    return Load("/api/screen-pdf?name=paper.pdf", bodies, "application/pdf", "findings"), \
        f"{PAPERS} two-column PDFs of {what} ({words} words, {size:,} bytes on average)", words


async def run_level(base: str, load: Load, clients: int, requests: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1)
    headers = {"content-type": load.ctype}
    latencies: list[float] = []
    failures: list[str] = []
    next_index = 0
    async with httpx.AsyncClient(
        base_url=base, timeout=600, limits=limits, trust_env=False
    ) as client:

        async def one_client() -> None:
            nonlocal next_index
            while next_index < requests:
                next_index += 1
                t0 = time.perf_counter()
                try:
                    resp = await client.post(load.path, content=load.next_body(),
                                             headers=headers)
                    ok = resp.status_code == 200 and load.key in resp.json()
                    if not ok:
                        failures.append(f"HTTP {resp.status_code}: {resp.text[:200]}")
                except httpx.HTTPError as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                if ok:
                    latencies.append(time.perf_counter() - t0)

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        seconds = time.perf_counter() - start
    return {
        "clients": clients,
        "requests": requests,
        "ok": len(latencies),
        "failures": len(failures),
        "failure_examples": failures[:5],
        "seconds": round(seconds, 3),
        "throughput_rps": round(len(latencies) / seconds, 2),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "max_ms": round(1000 * max(latencies), 1) if latencies else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,8,64", help="concurrent clients (default 1,8,64)")
    parser.add_argument(
        "--requests", type=int, default=0, help="requests per level (default max(64, 4 x clients))"
    )
    parser.add_argument("--workers", type=int, default=1, help="server model workers (default 1)")
    parser.add_argument("--endpoint", choices=("restore", "screen", "screen-pdf"),
                        default="restore", help="what is sent (default: restore an article)")
    parser.add_argument("--out", type=Path, default=None,
                        help="results JSON (default benchmarks/results/serve[-ENDPOINT].json)")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    out = args.out or (DEFAULT_OUT if args.endpoint == "restore"
                       else DEFAULT_OUT.with_name(f"serve-{args.endpoint}.json"))

    if args.endpoint == "restore":
        text, description = article()
        words = count_words(text)
        load = restore_load(text)
    else:
        load, description, words = paper_load(args.endpoint)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    server_cpu = cpus[0] if len(cpus) >= 2 else None
    client_cpus = set(cpus[1:]) if len(cpus) >= 2 else None
    server = ServerProcess(server_cpu, args.workers, timeout=600)
    if client_cpus:
        os.sched_setaffinity(0, client_cpus)
    rows: list[dict[str, Any]] = []
    try:
        idle = server.memory()
        # warm up: first requests, connection setup, caches
        asyncio.run(run_level(server.base, load, 1, 5))
        warm = server.memory()
        for clients in levels:
            requests = args.requests or max(64, 4 * clients)
            sampled = {"max": 0}
            stop = threading.Event()

            def sample(sampled: dict[str, int] = sampled, stop: threading.Event = stop) -> None:
                while not stop.is_set():
                    sampled["max"] = max(sampled["max"], server.memory().get("VmRSS", 0))
                    stop.wait(0.01)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            row = asyncio.run(run_level(server.base, load, clients, requests))
            stop.set()
            sampler.join()
            mem = server.memory()
            row["server_rss_max_sampled_mb"] = round(sampled["max"] / 1024, 1)
            row["server_peak_rss_mb"] = round(mem.get("VmHWM", 0) / 1024, 1)
            row["words_per_s"] = round(row["throughput_rps"] * words)
            rows.append(row)
        health = httpx.get(server.base + "/api/health", timeout=10, trust_env=False).json()
    finally:
        server.stop()

    result = {
        "machine": machine_info(),
        "pinning": {"server_cpu": server_cpu, "client_cpus": sorted(client_cpus or [])},
        "endpoint": load.path,
        "article": {"description": description, "words": words, "bytes": len(load.bodies[0])},
        "server": {
            "model_workers": args.workers,
            "idle_rss_mb": round(idle.get("VmRSS", 0) / 1024, 1),
            "warm_rss_mb": round(warm.get("VmRSS", 0) / 1024, 1),
            "completed": health["queue"]["completed"],
        },
        "levels": rows,
    }
    pinned = f"server on CPU {server_cpu}, client on {sorted(client_cpus or [])}"
    print(f"article: {description}; {pinned}")
    print(
        f"server RSS idle {result['server']['idle_rss_mb']} MB, "
        f"after warm-up {result['server']['warm_rss_mb']} MB"
    )
    header = (
        f"{'clients':>7} {'requests':>8} {'fail':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'req/s':>7} {'words/s':>8} {'peak RSS MB':>11}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['clients']:>7} {r['requests']:>8} {r['failures']:>4} {r['p50_ms']:>8} "
            f"{r['p95_ms']:>8} {r['p99_ms']:>8} {r['max_ms']:>8} {r['throughput_rps']:>7} "
            f"{r['words_per_s']:>8} {r['server_peak_rss_mb']:>11}"
        )
    write_results(out, result)
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
