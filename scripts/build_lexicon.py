"""Build the bundled reverse-spinning lexicon ``src/unspin/data/lexicon.tsv.gz``.

    pip install -e '.[build]'; apt-get install wordnet-base mythes-en-us
    python scripts/build_lexicon.py [--table ../shared/data/real-spinner-substitutions.tsv]

It also writes ``src/unspin/data/spinner_table.tsv``: the real spinner table with inflected
variants (kept apart so that evaluations can hold out half of it).

Each lexicon line maps a spun surface phrase to the originals it may have been spun from:

    spun <TAB> original|flags|count|rank|prior ; original|flags|count|rank|prior ...

prior: the learned log-odds that a real spinner made this swap, among the spun phrase's reverse
thesaurus candidates (fitted on half A of the real table; 0 for non-thesaurus entries).

flags: T real spinner table, R hand-written expansions (data/expansions.tsv), M Moby lists the
spun word under the original, m Moby lists the original under the spun word, W WordNet synset,
w the spun word is in the original's first WordNet sense, Y MyThes, y MyThes first sense,
count: unused (0). rank: best position of
the spun word in the original's sense lists (0 = first synonym), 99 when unknown.

Thesaurus pairs are kept only for originals that are common English words (they come from
news wire copy) and at most ``--per-key`` originals per spun phrase, ranked by a simple
evidence score; the engine learns how much to trust each flag from development data.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from unspin import thesauri  # noqa: E402
from unspin.fitting import fit_logistic  # noqa: E402
from unspin.lm import NGramLM  # noqa: E402

OUT = ROOT / "src" / "unspin" / "data" / "lexicon.tsv.gz"
TABLE_OUT = ROOT / "src" / "unspin" / "data" / "spinner_table.tsv"
EXPANSIONS = ROOT / "src" / "unspin" / "data" / "expansions.tsv"
DEFAULT_TABLE = ROOT.parent / "shared" / "data" / "real-spinner-substitutions.tsv"

TAGS = {
    "VERB": ("VB", "VBD", "VBG", "VBN", "VBZ"),
    "NOUN": ("NN", "NNS"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB",),
}
POS_MAP = {"noun": "NOUN", "verb": "VERB", "adj": "ADJ", "adv": "ADV"}
FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been being it its "
    "this that these those he she they we you i his her their our your not no".split()
)


class Entry:
    __slots__ = ("flags", "count", "rank", "prior")

    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.count = 0
        self.rank = 99
        self.prior: float | None = None  # learned thesaurus prior (logit), if any


@cache
def lemmas(word: str) -> dict[str, set[str]]:
    from lemminflect import getAllLemmas

    out: dict[str, set[str]] = defaultdict(set)
    for upos, lems in getAllLemmas(word).items():
        if upos in TAGS:
            out[upos].update(lems)
    return out


def inflect(phrase: str, tag: str) -> str | None:
    """Inflect a (possibly multi-word) lemma: verbs on their first word, nouns on the last."""
    from lemminflect import getInflection

    words = phrase.split(" ")
    idx = 0 if tag.startswith("VB") else len(words) - 1
    forms = getInflection(words[idx], tag)
    if not forms:
        return None
    words[idx] = forms[0]
    return " ".join(words)


def spelling_variant(a: str, b: str) -> bool:
    """British/American spellings and hyphenation variants are not synonym swaps."""
    norm = [
        x.replace("-", "").replace(" ", "").replace("our", "or").replace("ise", "ize")
        .replace("yse", "yze").replace("tre", "ter").replace("ll", "l").replace("ogue", "og")
        for x in (a, b)
    ]
    return norm[0] == norm[1]


def add_inflected(
    lex: dict[str, dict[str, Entry]], spun: str, orig: str, upos: str, flags: set[str], rank: int,
    count: int = 0, prior: float | None = None,
) -> None:
    pairs = {(spun, orig)}
    base = lambda p: p.split(" ")[0 if upos == "VERB" else -1]  # noqa: E731
    is_lemma = upos in TAGS and all(
        base(p) in lemmas(base(p)).get(upos, {base(p)}) for p in (spun, orig)
    )
    for tag in TAGS.get(upos, ()) if is_lemma else ():
        s, o = inflect(spun, tag), inflect(orig, tag)
        if s and o:
            pairs.add((s, o))
    for s, o in pairs:
        if s == o or spelling_variant(s, o):
            continue
        e = lex[s].setdefault(o, Entry())
        e.flags |= flags
        e.rank = min(e.rank, rank)
        e.count = max(e.count, count)
        if prior is not None:
            e.prior = prior if e.prior is None else max(e.prior, prior)


def read_table(path: Path) -> list[tuple[str, str, int]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            rows.append((r["original"].strip().lower(), r["spun"].strip().lower(), int(r["count"])))
    return rows


def read_expansions() -> list[tuple[str, str]]:
    out = []
    for line in EXPANSIONS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("spun\t"):
            continue
        spun, orig = line.split("\t")
        out.append((spun.strip(), orig.strip()))
    return out


def fit_prior(candidates: dict, features, train_pairs: list[tuple[str, str]]) -> np.ndarray | None:
    """Logistic regression: which of a spun phrase's reverse-thesaurus originals is the one a
    real spinner replaced? Positives: real (original, spun) pairs; negatives: the other
    candidates of the same spun phrase."""
    xs, ys = [], []
    for orig, spun in train_pairs:
        for s_form, o_form in _lemma_forms(spun, orig):
            cands = candidates.get(s_form)
            if not cands or not any(o == o_form for o, _u in cands):
                continue
            for (o, _upos), (flags, rank) in cands.items():
                xs.append(features(s_form, o, flags, rank))
                ys.append(float(o == o_form))
            break
    if sum(ys) < 10:
        return None
    y = np.asarray(ys)
    coef, bias = fit_logistic(np.asarray(xs), y, l2=1e-2 / len(y))
    print(f"thesaurus prior fitted on {int(y.sum())} real pairs among {len(y)} candidates")
    return np.append(coef, bias)


def _lemma_forms(spun: str, orig: str) -> list[tuple[str, str]]:
    forms = [(spun, orig)]
    if " " not in spun and " " not in orig:
        for upos in set(lemmas(spun)) & set(lemmas(orig)):
            for ls in lemmas(spun)[upos]:
                for lo in lemmas(orig)[upos]:
                    forms.append((ls, lo))
    return forms


def build(per_key: int, min_orig_log10: float, train_pairs: list[tuple[str, str]]) -> dict:
    lm = NGramLM()
    lex: dict[str, dict[str, Entry]] = defaultdict(dict)

    def common(phrase: str) -> bool:
        return all(lm.knows(w) for w in phrase.split(" ")) and (
            min(lm.unigram(w) for w in phrase.split(" ")) >= min_orig_log10
        )

    # 1. thesauri, forward direction (original -> synonyms a spinner could pick)
    senses: dict[str, list[tuple[str, list[str], str]]] = defaultdict(list)
    for name, flag, first in (("wordnet", "W", "w"), ("mythes", "Y", "y")):
        for head, sense_list in getattr(thesauri, name)().items():
            for i, (pos, syns) in enumerate(sense_list):
                senses[head].append((POS_MAP.get(pos, ""), syns, flag + (first if i == 0 else "")))
    moby = thesauri.moby()
    moby_sets = {k: set(v) for k, v in moby.items()}

    candidates: dict[str, dict[tuple[str, str], tuple[set[str], int]]] = defaultdict(dict)
    origs = set(senses) | set(moby)
    for orig in origs:
        if orig in FUNCTION_WORDS or not common(orig):
            continue
        found: dict[str, tuple[set[str], int, set[str]]] = {}
        for upos, syns, flags in senses.get(orig, ()):
            for rank, s in enumerate(syns):
                if s == orig or not s.replace(" ", "").replace("-", "").isalpha():
                    continue
                f, r, poss = found.get(s, (set(), 99, set()))
                found[s] = (f | set(flags), min(r, rank), poss | ({upos} if upos else set()))
        for rank, s in enumerate(moby.get(orig, ())):
            if s == orig or not s.replace(" ", "").replace("-", "").isalpha():
                continue
            f, r, poss = found.get(s, (set(), 99, set()))
            found[s] = (f | {"M"}, min(r, rank + 10), poss)
        for s, (flags, rank, poss) in found.items():
            if orig in moby_sets.get(s, ()):
                flags = flags | {"m"}
            if not poss:
                lo, ls = lemmas(orig), lemmas(s)
                poss = set(lo) & set(ls)
            for upos in poss or {""}:
                candidates[s][(orig, upos)] = (flags, rank)

    # learned prior: how likely is (spun, original) a real spinner swap among all the reverse
    # thesaurus candidates of that spun phrase? Fitted on half A of the real table only, so
    # that the benchmark's held-out half B stays unseen.
    def features(s: str, orig: str, flags: set[str], rank: int) -> list[float]:
        uo = min(lm.unigram(w) for w in orig.split(" "))
        us = min(lm.unigram(w) for w in s.split(" "))
        return [
            float("M" in flags), float("m" in flags), float("W" in flags), float("Y" in flags),
            float(bool(flags & {"w", "y"})), min(rank, 50) / 50.0, uo, uo - us,
            float(" " in orig), float(" " in s),
        ]

    weights = fit_prior(candidates, features, train_pairs) if train_pairs else None
    if weights is None:
        weights = np.array([1, 1, 1, 1, 1.5, -1.0, 0.2, 0, 0, 0, 0], dtype=float)
    print("thesaurus prior weights (M m W Y first rank uo uo-us multi_o multi_s bias):",
          " ".join(f"{w:+.2f}" for w in weights))

    for s, cands in candidates.items():
        best: dict[str, float] = {}
        for (orig, _upos), (flags, rank) in cands.items():
            score = float(np.dot(weights[:-1], features(s, orig, flags, rank)) + weights[-1])
            best[orig] = max(best.get(orig, -1e9), score)
        keep = set(sorted(best, key=lambda o: (-best[o], o))[:per_key])
        for (orig, upos), (flags, rank) in cands.items():
            if orig in keep:
                add_inflected(lex, s, orig, upos, flags, rank, prior=best[orig])

    # 2. hand-written expansions
    for spun, orig in read_expansions():
        e = lex[spun].setdefault(orig, Entry())
        e.flags.add("R")
        e.rank = 0
    return lex


def build_table(table_path: Path) -> list[tuple[str, str, int, str]]:
    """Real spinner pairs as (spun, original, count, table original), with inflections.

    The fourth column names the table rows ("|"-separated originals) a pair came from, so that
    an evaluation can hold out half of the table by original phrase, inflected forms and
    word pairs aligned inside equal-length phrase pairs included.
    """
    out: dict[tuple[str, str], list] = {}
    table = read_table(table_path)
    # phrase pairs of equal length align word by word: "office said" -> "workplace mentioned"
    # also says office -> workplace and said -> mentioned
    sourced = [(orig, spun, count, orig) for orig, spun, count in table]
    for orig, spun, count in table:
        o_words, s_words = orig.split(" "), spun.split(" ")
        if len(o_words) > 1 and len(o_words) == len(s_words):
            for o, s in zip(o_words, s_words, strict=True):
                if o != s and o.isalpha() and s.isalpha():
                    sourced.append((o, s, count, orig))
    for orig, spun, count, row_orig in sourced:
        rows = {(spun, orig)}
        if " " not in orig and " " not in spun:
            tmp: dict[str, dict[str, Entry]] = defaultdict(dict)
            for upos in set(lemmas(orig)) & set(lemmas(spun)):
                for lo in lemmas(orig)[upos]:
                    for ls in lemmas(spun)[upos]:
                        add_inflected(tmp, ls, lo, upos, set(), 0)
            rows |= {(s, o) for s in tmp for o in tmp[s]}
        for s, o in rows:
            key = (s, o)
            if key in out:
                out[key][2] += count
                if row_orig not in out[key][3].split("|"):
                    out[key][3] += "|" + row_orig
            else:
                out[key] = [s, o, count, row_orig]
    return sorted(tuple(v) for v in out.values())


def write_table(rows: list, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# Real spinner substitutions with inflected variants; see SOURCES.md\n")
        fh.write("spun\toriginal\tcount\ttable_original\n")
        for s, o, c, t in rows:
            fh.write(f"{s}\t{o}\t{c}\t{'|'.join(sorted(t.split('|')))}\n")


def write(lex: dict, path: Path) -> int:
    n = 0
    # mtime=0: the same lexicon gives the same bytes (reproducible, diff-friendly builds)
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as raw, io.TextIOWrapper(
        raw, encoding="utf-8"
    ) as fh:
        fh.write("# unspin reverse lexicon; built by scripts/build_lexicon.py; see SOURCES.md\n")
        for spun in sorted(lex):
            items = []
            for orig, e in sorted(lex[spun].items()):
                items.append(
                    f"{orig}|{''.join(sorted(e.flags))}|{e.count}|{e.rank}|{e.prior or 0.0:.2f}"
                )
                n += 1
            if items:
                fh.write(f"{spun}\t{';'.join(items)}\n")
    return n


def prior_training_pairs(table_path: Path) -> list[tuple[str, str]]:
    """(original, spun) pairs of half A of the real table (the benchmark's split), plus the
    word pairs aligned inside its equal-length phrase pairs."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.data import split_table
    from benchmarks.spinner import TableRow

    rows = [TableRow(o, s, c) for o, s, c in read_table(table_path)]
    half_a, _half_b = split_table(rows)
    pairs = []
    for r in half_a:
        o_words, s_words = r.original.lower().split(), r.spun.lower().split()
        pairs.append((" ".join(o_words), " ".join(s_words)))
        if len(o_words) > 1 and len(o_words) == len(s_words):
            pairs += [(o, s) for o, s in zip(o_words, s_words, strict=True) if o != s]
    return pairs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--table", type=Path, default=DEFAULT_TABLE)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--per-key", type=int, default=5)
    ap.add_argument("--min-orig-log10", type=float, default=-5.6)
    args = ap.parse_args()
    train = prior_training_pairs(args.table) if args.table.exists() else []
    lex = build(args.per_key, args.min_orig_log10, train)
    n = write(lex, args.out)
    if args.table.exists():
        rows = build_table(args.table)
        write_table(rows, TABLE_OUT)
        print(f"wrote {TABLE_OUT} ({len(rows)} pairs)")
    else:
        print(f"warning: spinner table not found at {args.table}; kept the bundled one")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({len(lex)} spun phrases, {n} pairs, {size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
