"""Learning a spinner's dictionary: ``python -m benchmarks.learn [--restore N] [--out PATH]``.

A *hidden-dictionary* spinner (``HiddenSpinner``): the simulator of ``benchmarks/spinner.py``
with half B of the real substitution table, whose choices are fixed per original phrase
across documents (a real farm's spinner is close to deterministic), thesaurus synonyms
included (chosen by a fixed seed). The restorer holds only half A of the table, so nothing of
this dictionary is bundled.

1. Index the sources of 800 BBC evaluation-split articles; spin copies of 1,000 (site
   ``farm.example``).
2. For N = 0, 10, 30, 100, 300: trace the first N copies, keep the pairs, ``learn``; restore
   the 200 copies whose sources are *not* in the index (copies 800-999) with the learned
   priors; report error reduction, swap recall, edit precision.
3. Wrong edits per 1,000 words on 150 clean BBC dev articles, and restoration of 100 copies
   made by a sibling farm (the same simulator and table half, another seed's dictionary) and
   of 100 made by a different spinner (the other simulator, on table half A), with N = 0 and
   N = 300 priors.
4. Time to learn from 1,000 traced pairs.

Results: table on stdout, JSON in ``benchmarks/results/learn.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.data import REPO_ROOT, bbc_split, load_table, split_table, table_originals
from benchmarks.restore import (
    Timer,
    _pin_cores,
    _pin_one_core,
    bench_clean,
    bench_spun,
    machine_info,
    write_results,
)
from benchmarks.spinner import DictionarySpinner, Spinner, SpunDoc, _Key, _stable_seed
from unspin.engine import Engine
from unspin.index import Index
from unspin.learn import learn, learned_table, record_copies
from unspin.spinner_profile import profile_from_index

DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results" / "learn.json"
SITE = "farm.example"
NS = (0, 10, 30, 100, 300)


class HiddenSpinner(Spinner):
    """The simulator with one fixed replacement per original phrase, whatever the document."""

    def _choose(self, key: _Key, rng: random.Random) -> None:
        super()._choose(key, random.Random(_stable_seed(self.seed, "dict", key.kind, key.phrase)))


class Gated:
    """What ``unspin.restore(text, index=..., site=...)`` does: the learned spinner profile of
    ``site`` (its own, else the pairs imported for every site) for a text that reads like that
    spinner's output, the plain engine otherwise."""

    def __init__(self, base: Engine, index: Index, site: str) -> None:
        self.base = base
        self.profile = profile_from_index(index, site)
        self.table_forms = 0
        self.learned = base
        if self.profile is not None:
            table = self.profile.table()
            self.table_forms = len(table)
            self.learned = base.derive(table, profile=self.profile)
        self.used = 0

    def restore(self, text: str) -> Any:
        if self.profile is not None and self.profile.matches(text):
            self.used += 1
            return self.learned.restore(text)
        return self.base.restore(text)


def coverage(rows: list, docs: Sequence[SpunDoc]) -> float:
    """Share of the gold swaps in ``docs`` whose pair was learned at all (any count or share):
    the ceiling on what learned priors can restore."""
    known = learned_table(rows, SITE, min_count=1, min_share=0.0)
    swaps = [g for d in docs for g in d.swaps]
    hit = sum(g.original.lower() in known.get(g.spun.lower(), {}) for g in swaps)
    return round(hit / len(swaps), 4) if swaps else 0.0


def spin(spinner: Spinner, articles: Sequence[Any]) -> list[SpunDoc]:
    docs = []
    for a in articles:
        d = spinner.spin(a.text, doc_id=a.id)
        d.meta["id"] = a.id
        docs.append(d)
    return docs


def _summary(res: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "docs",
        "words",
        "swaps",
        "swaps_restored_rate",
        "edit_precision",
        "wrong_edits",
        "wrong_per_1000_words",
        "wer_spun",
        "wer_restored",
        "error_reduction",
    )
    return {k: res.get(k) for k in keep}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--restore", type=int, default=200, help="copies restored per N")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--accurate", action="store_true",
                    help="restore in accurate mode (neural rescoring; two cores)")
    ap.add_argument(
        "--order", choices=("mixed", "file"), default="mixed",
        help="mixed: the 1,000 articles in a seeded random order (topics mixed); file: in the "
        "file's order (ordered by topic: learned from business stories, restored on sport and "
        "tech)",
    )
    ap.add_argument(
        "--spinner", choices=("dictionary", "positions"), default="dictionary",
        help="dictionary: a fixed dictionary applied to every occurrence (DictionarySpinner); "
        "positions: fixed replacements, but 20%% of each copy's eligible words drawn at random "
        "(HiddenSpinner, the first version of this benchmark)",
    )
    args = ap.parse_args(argv)
    split, table = bbc_split(), load_table()
    if split is None or table is None:
        print("benchmarks.learn: ../shared/data is missing; skipped")
        return 0
    dev, ev = split
    core = _pin_one_core()
    half_a, half_b = split_table(table)
    results: dict[str, Any] = {"machine": machine_info(), "pinned_core": core, "site": SITE}

    t0 = time.perf_counter()
    articles = list(ev[:1000])
    if args.order == "mixed":
        # a farm copies whatever is in the news: its first copies are not all business stories
        # (the BBC file is ordered by topic)
        random.Random(7).shuffle(articles)
    results["order"] = args.order
    results["spinner"] = args.spinner

    def make(seed: int) -> Spinner:
        if args.spinner == "dictionary":
            return DictionarySpinner(half_b, seed=seed)
        return HiddenSpinner(half_b, seed=seed, rate=0.20)

    copies = spin(make(101), articles)
    # a sibling farm: the same kind of spinner and table (another seed's choices), and a
    # different one: the other simulator on the other half of the table
    other = spin(make(202), ev[1000:1100])
    different = spin(
        HiddenSpinner(half_a, seed=303, rate=0.20) if args.spinner == "dictionary"
        else DictionarySpinner(half_a, seed=303),
        ev[1000:1100],
    )
    results["spin_s"] = round(time.perf_counter() - t0, 1)
    base = Engine(exclude_table_originals=table_originals(half_b))
    if args.accurate:  # neural rescoring on top (unspin[neural]); the model uses every core
        from unspin.engine import NeuralParams
        from unspin.neural import load_neural_lm

        _pin_cores(2)
        base = Engine(lexicon=base.lexicon, lm=base.lm, params=base.params,
                      neural=load_neural_lm(), neural_params=NeuralParams.load())
        results["mode"] = "accurate"
    held = copies[800 : 800 + args.restore]
    clean = dev[:150]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "news.db"
        with Index(path) as idx:
            idx.begin()
            for a in articles[:800]:
                idx.upsert(f"https://news.example/{a.id}", a.text, title=a.title)
            idx.commit()
            curve = []
            recorded = 0
            for n in NS:
                if n > recorded:
                    batch = [
                        (f"https://{SITE}/{d.meta['id']}", d.text, SITE) for d in copies[recorded:n]
                    ]
                    record_copies(idx, batch)
                    recorded = n
                summary = learn(idx)
                engine = Gated(base, idx, SITE)
                res = _summary(bench_spun(engine, held, Timer()))
                res.update(
                    n=n,
                    learned_rows=summary.pairs,
                    table_forms=engine.table_forms,
                    docs_with_priors=engine.used,
                    coverage=coverage(idx.learned(), held),
                )
                curve.append(res)
                print(
                    f"N={n:>3}: error reduction {res['error_reduction']:.3f}, swaps restored "
                    f"{res['swaps_restored_rate']:.3f}, precision {res['edit_precision']:.3f} "
                    f"({summary.pairs} learned rows)",
                    flush=True,
                )
                if n in (0, NS[-1]):
                    texts = [a.text for a in clean]
                    engine.used = 0
                    c = bench_clean(engine, texts, [a.id for a in clean], None)
                    results[f"clean_N{n}"] = {
                        k: c[k] for k in ("docs", "words", "wrong_edits", "wrong_per_1000_words")
                    }
                    results[f"clean_N{n}"]["docs_with_priors"] = engine.used
                    engine.used = 0
                    o = _summary(bench_spun(engine, other, Timer()))
                    o["docs_with_priors"] = engine.used
                    results[f"other_spinner_N{n}"] = o
                    # the same copies from their own site: only pairs imported for every
                    # site would apply (none here)
                    own = Gated(base, idx, "other.example")
                    o = _summary(bench_spun(own, other, Timer()))
                    o["docs_with_priors"] = own.used
                    results[f"other_spinner_own_site_N{n}"] = o
                    engine.used = 0
                    o = _summary(bench_spun(engine, different, Timer()))
                    o["docs_with_priors"] = engine.used
                    results[f"different_spinner_N{n}"] = o
                    own = Gated(base, idx, "different.example")
                    o = _summary(bench_spun(own, different, Timer()))
                    o["docs_with_priors"] = own.used
                    results[f"different_spinner_own_site_N{n}"] = o
            results["curve"] = curve

        # learning speed: 1,000 traced pairs
        path2 = Path(tmp) / "all.db"
        with Index(path2) as idx:
            idx.begin()
            for a in articles:
                idx.upsert(f"https://news.example/{a.id}", a.text, title=a.title)
            idx.commit()
            t = time.perf_counter()
            rec = record_copies(
                idx, [(f"https://{SITE}/{d.meta['id']}", d.text, SITE) for d in copies]
            )
            trace_s = time.perf_counter() - t
            summary = learn(idx)
            results["learn_1000"] = {
                "traced": rec.get("traced", 0),
                "trace_and_record_s": round(trace_s, 2),
                "learn_s": round(summary.seconds, 2),
                "substitutions": summary.substitutions,
                "rows": summary.pairs,
                "dropped": dict(summary.dropped),
            }
    render(results)
    write_results(args.out, results)
    return 0


def render(r: dict[str, Any]) -> None:
    print(f"{'N':>4} {'err.red.':>9} {'recall':>7} {'precision':>9} {'wrong/1k':>9} {'learned':>8}")
    for c in r["curve"]:
        print(
            f"{c['n']:>4} {c['error_reduction']:>9.3f} {c['swaps_restored_rate']:>7.3f} "
            f"{c['edit_precision']:>9.3f} {c['wrong_per_1000_words']:>9.2f} "
            f"{c['coverage']:>8.3f}"
        )
    print("learned: share of the new copies' swaps whose pair was learned at all")
    for n in (0, NS[-1]):
        c, o = r[f"clean_N{n}"], r[f"other_spinner_N{n}"]
        u = r[f"other_spinner_own_site_N{n}"]
        x = r[f"different_spinner_N{n}"]
        xu = r[f"different_spinner_own_site_N{n}"]
        print(
            f"priors from N={n}: clean BBC {c['wrong_per_1000_words']:.2f} wrong/1k words; "
            f"sibling farm as the farm's site: error reduction {o['error_reduction']:.3f}, "
            f"precision {o['edit_precision']:.3f}, {o['wrong_per_1000_words']:.2f} wrong/1k; "
            f"from its own site: {u['error_reduction']:.3f}, {u['edit_precision']:.3f}, "
            f"{u['wrong_per_1000_words']:.2f} wrong/1k; "
            f"different spinner as the farm's site: {x['error_reduction']:.3f}, "
            f"{x['edit_precision']:.3f}, {x['wrong_per_1000_words']:.2f} wrong/1k; "
            f"from its own site: {xu['error_reduction']:.3f}, {xu['edit_precision']:.3f}, "
            f"{xu['wrong_per_1000_words']:.2f} wrong/1k"
        )
    lr = r["learn_1000"]
    print(
        f"1,000 copies: traced {lr['traced']} in {lr['trace_and_record_s']} s; "
        f"learned in {lr['learn_s']} s ({lr['rows']} rows)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
