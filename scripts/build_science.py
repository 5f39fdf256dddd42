"""Build the bundled resources of science mode (``unspin screen``'s discovery of tortured
phrases that no list holds yet).

- ``src/unspin/data/sci_synonyms.tsv.gz``: spun word form -> the words it may stand for, from
  a symmetric reading of the three open thesauri (Moby, WordNet, MyThes; see
  ``unspin.thesauri``), lemma-folded and re-inflected with lemminflect. Paper-mill spinners
  swap in either direction of a thesaurus entry ("woodland" for "forest", "irregular" for
  "random"), unlike the news lexicon, which reads the thesauri one way and prunes hard.
- ``src/unspin/data/sci_counts.npz``: hashed 1-3-gram counts (numbers only, see
  ``unspin.scicounts``) of the arXiv abstracts in ``../shared/data/arxiv-cs-abstracts.csv``
  (CC0) plus WordNet's multi-word nouns as a term list, and the hashed head -> next-word
  pairs of the same n-grams (``unspin.scicounts.term_followers``) for discovery's term search.

Usage: python scripts/build_science.py [--arxiv PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import sys
from collections import defaultdict
from pathlib import Path

from lemminflect import getAllInflections

from unspin import thesauri
from unspin.discover import analyses, tag_forms
from unspin.lm import NGramLM
from unspin.scicounts import counts_and_followers, save_counts

ROOT = Path(__file__).resolve().parent.parent
MIN_UNIGRAM = -6.3  # originals rarer than this in the news model are not proposed
MAX_PER_WORD = 60


def symmetric_thesaurus() -> dict[str, dict[str, int]]:
    """lemma -> related lemma -> number of (thesaurus, direction) votes."""
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(a: str, b: str) -> None:
        if a != b and " " not in a and " " not in b:
            votes[a][b] += 1
            votes[b][a] += 1

    for root, syns in thesauri.moby().items():
        for s in syns:
            add(root, s)
    for source in (thesauri.mythes(), thesauri.wordnet()):
        for head, senses in source.items():
            for _pos, syns in senses:
                for s in syns:
                    add(head, s.lower())
    return votes


def build_synonyms(lm: NGramLM) -> dict[str, list[tuple[str, int]]]:
    votes = symmetric_thesaurus()
    forms: set[str] = set(votes)
    for lemma in list(votes):
        for fs in getAllInflections(lemma).values():
            forms.update(fs)
    out: dict[str, list[tuple[str, int]]] = {}
    for word in sorted(forms):
        if not word.isascii() or not word.replace("-", "").isalpha():
            continue
        cands: dict[str, int] = {}
        for lemma, tag in analyses(word):
            for rel, v in votes.get(lemma, {}).items():
                if tag is None:
                    form = rel
                else:
                    inf = tag_forms(rel, tag)
                    form = inf[0] if inf else (rel if tag in ("NN", "VB", "JJ", "RB") else "")
                if form and form != word and lm.unigram(form) > MIN_UNIGRAM:
                    cands[form] = max(cands.get(form, 0), v)
        if cands:
            ranked = sorted(cands.items(), key=lambda kv: (-kv[1], -lm.unigram(kv[0]), kv[0]))
            out[word] = ranked[:MAX_PER_WORD]
    return out


def wordnet_terms() -> list[str]:
    terms = set()
    for head, senses in thesauri.wordnet().items():
        for pos, syns in senses:
            if pos != "noun":
                continue
            for s in [head, *syns]:
                if " " in s and 2 <= len(s.split()) <= 3:
                    terms.add(s.lower())
    return sorted(terms)


# installed packages whose docstrings (permissive licences, see data/SOURCES.md) name many
# technical terms of machine learning and mathematics; those missing here are skipped
DOCSTRING_PACKAGES = (
    "torch", "transformers", "numpy", "networkx", "sympy", "mpmath", "sklearn", "scipy",
    "statsmodels",
)
MIN_DOCSTRING_TERM = 3  # times a 2-3-word n-gram must recur in the docstrings to be a term
# where docstring_terms keeps its results between runs (the build and benchmarks.science)
DOCSTRING_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "unspin"


def docstring_terms(
    packages: tuple[str, ...] = DOCSTRING_PACKAGES,
    min_count: int = MIN_DOCSTRING_TERM,
    cache_dir: Path | None = None,
) -> list[str]:
    """2-3-word terms from the docstrings of installed scientific packages: word n-grams
    (letters and inner hyphens only) that recur ``min_count`` times and neither begin nor end
    with a stop word ("principal components", "simulated annealing", "sliding window").
    Only these terms enter the counts, once each, as WordNet's do: docstrings are not
    scientific prose, so they name terms but do not weigh the language model.

    Parsing every docstring takes minutes; with ``cache_dir`` the terms are kept in a file
    named by a hash of the packages' source files (path, size, modification time) and
    ``min_count``, so that an upgraded or edited package is parsed again."""
    import ast
    import hashlib
    from collections import Counter

    from unspin.fingerprint import STOPWORDS
    from unspin.scicounts import words_of

    sources = _package_sources(packages)
    cache: Path | None = None
    if cache_dir is not None:
        digest = hashlib.sha256(f"{min_count}\n".encode())
        for path in sources:
            st = path.stat()
            digest.update(f"{path}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
        cache = cache_dir / f"docstring-terms-{digest.hexdigest()[:20]}.txt"
        if cache.exists():
            return cache.read_text(encoding="utf-8").split("\n") if cache.stat().st_size else []
    grams: Counter[str] = Counter()
    for path in sources:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="ignore"))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if not isinstance(
                node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
            ):
                continue
            doc = ast.get_docstring(node)
            if not doc:
                continue
            for line in doc.split("\n\n"):  # a paragraph at a time
                w = words_of(line)
                for n in (2, 3):
                    for i in range(len(w) - n + 1):
                        g = w[i : i + n]
                        if g[0] in STOPWORDS or g[-1] in STOPWORDS:
                            continue
                        if all(x.replace("-", "").isalpha() and len(x) > 1 for x in g):
                            grams[" ".join(g)] += 1
    terms = sorted(g for g, c in grams.items() if c >= min_count)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text("\n".join(terms), encoding="utf-8")
        tmp.replace(cache)
    return terms


def _package_sources(packages: tuple[str, ...]) -> list[Path]:
    """The .py files of the installed ``packages`` (missing ones skipped), in a fixed order."""
    import importlib.util

    out: list[Path] = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            out.extend(sorted(Path(root).rglob("*.py")))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arxiv = ROOT.parent / "shared/data/arxiv-cs-abstracts.csv"
    ap.add_argument("--arxiv", type=Path, default=arxiv)
    ap.add_argument("--out", type=Path, default=ROOT / "src/unspin/data")
    args = ap.parse_args(argv)
    lm = NGramLM()

    syn = build_synonyms(lm)
    path = args.out / "sci_synonyms.tsv.gz"
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(b"# spun\toriginal|votes;... built by scripts/build_science.py\n")
        for word, cands in syn.items():
            line = word + "\t" + ";".join(f"{c}|{v}" for c, v in cands) + "\n"
            gz.write(line.encode("utf-8"))
    print(f"{path}: {len(syn)} words, {sum(len(v) for v in syn.values())} pairs")

    if not args.arxiv.exists():
        print(f"{args.arxiv} not found: sci_counts.npz not rebuilt", file=sys.stderr)
        return 0
    with open(args.arxiv, encoding="utf-8", newline="") as fh:
        texts = [row["titles"] + ". " + row["summaries"] for row in csv.DictReader(fh)]
    terms = wordnet_terms()
    doc_terms = docstring_terms(cache_dir=DOCSTRING_CACHE)
    terms = sorted(set(terms) | set(doc_terms))
    counts, followers = counts_and_followers(texts, terms)
    cpath = args.out / "sci_counts.npz"
    save_counts(counts, cpath, followers)
    pairs = sum(len(f) for f in followers.values())
    print(f"{cpath}: {len(texts)} abstracts, {len(terms)} terms ({len(doc_terms)} from "
          f"docstrings), {len(counts)} keys, "
          f"{pairs} follower pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
