"""Loaders for the benchmark data in ``../shared`` (relative to the repository root).

Every loader returns ``None`` when its file is missing, so a benchmark can skip that set with a
note. Nothing here copies data into the repository.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.spinner import SpunDoc, Swap, TableRow
from unspin.engine import apply_edits

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """``$UNSPIN_SHARED`` if set, else ``../shared`` next to the repository root."""
    env = os.environ.get("UNSPIN_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def data_path(*parts: str) -> Path:
    return shared_dir().joinpath(*parts)


SEED_TEXT = ("seed", "spun-article.txt")
SEED_SUBS = ("seed", "substitutions.tsv")
BBC = ("data", "bbc_news.jsonl")
ARXIV = ("data", "arxiv-cs-abstracts.csv")
TABLE = ("data", "real-spinner-substitutions.tsv")

#: paragraphs (1-based over non-empty lines) of the seed article that are the spun site's own
#: boilerplate and links: they have no original
SEED_UNSCORED = frozenset({4, 12, 13, 14})


# --------------------------------------------------------------------------------------------
# seed article


@dataclass
class SeedDoc:
    """The real spun article with its gold alignment.

    ``swaps`` index ``spun``; ``kind`` is 'swap' (spinner) or 'edit' (a republisher's change:
    keeping the spun words is also acceptable, see ``Swap.acceptable``). ``originals`` holds
    the reference texts: every combination of taking or keeping the 'edit' rows (the first
    one applies all rows). ``paragraphs`` are ``(number, start, end)`` spans in ``spun``.
    """

    spun: str
    original: str
    swaps: list[Swap]
    paragraphs: list[tuple[int, int, int]]
    unscored_spans: list[tuple[int, int]]
    originals: list[str] = field(default_factory=list)

    @property
    def scored_swaps(self) -> list[Swap]:
        return [s for s in self.swaps if s.kind == "swap"]


def _find_phrase(text: str, phrase: str, start: int, end: int) -> re.Match[str] | None:
    left = r"(?<![\w’'])" if phrase[:1].isalnum() else ""
    right = r"(?![\w’'])" if phrase[-1:].isalnum() else ""
    return re.compile(left + re.escape(phrase) + right).search(text, start, end)


def load_seed() -> SeedDoc | None:
    text_path, subs_path = data_path(*SEED_TEXT), data_path(*SEED_SUBS)
    if not text_path.exists() or not subs_path.exists():
        return None
    spun = text_path.read_text(encoding="utf-8")
    paragraphs: list[tuple[int, int, int]] = []
    pos = 0
    for line in spun.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            paragraphs.append((len(paragraphs) + 1, pos, pos + len(body)))
        pos += len(line)
    spans = {n: (s, e) for n, s, e in paragraphs}

    rows: list[tuple[int, str, str, str]] = []
    with open(subs_path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    for rec in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        rows.append((int(rec["paragraph"]), rec["spun"], rec["original"], rec["kind"].strip()))

    swaps: list[Swap] = []
    cursor: dict[int, int] = {}
    for para, spun_s, orig_s, kind in rows:
        if para not in spans:
            raise ValueError(f"seed: paragraph {para} not in the article")
        p_start, p_end = spans[para]
        m = _find_phrase(spun, spun_s, cursor.get(para, p_start), p_end)
        if m is None:
            raise ValueError(f"seed: {spun_s!r} not found in paragraph {para}")
        cursor[para] = m.end()
        acceptable = (spun_s,) if kind == "edit" else ()
        swaps.append(Swap(m.start(), m.end(), spun_s, orig_s, kind, acceptable))
    swaps.sort(key=lambda s: s.start)

    edit_idx = [i for i, s in enumerate(swaps) if s.kind == "edit"]
    originals: list[str] = []
    for mask in range(2 ** len(edit_idx)):
        keep = {edit_idx[b] for b in range(len(edit_idx)) if mask >> b & 1}
        variant = [
            Swap(s.start, s.end, s.spun, s.spun if i in keep else s.original, s.kind)
            for i, s in enumerate(swaps)
        ]
        originals.append(apply_edits(spun, variant))
    unscored = [spans[n] for n in sorted(SEED_UNSCORED) if n in spans]
    return SeedDoc(spun, originals[0], swaps, paragraphs, unscored, originals)


# --------------------------------------------------------------------------------------------
# corpora


@dataclass(frozen=True)
class Article:
    id: str
    category: str
    title: str
    text: str


def load_bbc() -> list[Article] | None:
    path = data_path(*BBC)
    if not path.exists():
        return None
    out: list[Article] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                out.append(
                    Article(str(r["id"]), r.get("category", ""), r.get("title", ""), r["text"])
                )
    return out


def bbc_split() -> tuple[list[Article], list[Article]] | None:
    """(dev, eval): even file positions are dev, odd ones eval."""
    arts = load_bbc()
    if arts is None:
        return None
    return arts[0::2], arts[1::2]


def load_arxiv() -> list[str] | None:
    """arXiv abstracts (the ``summaries`` column), hard line breaks joined with spaces."""
    path = data_path(*ARXIV)
    if not path.exists():
        return None
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            " ".join(r["summaries"].split())
            for r in csv.DictReader(fh)
            if r.get("summaries", "").strip()
        ]


# --------------------------------------------------------------------------------------------
# the real substitution table


def load_table() -> list[TableRow] | None:
    path = data_path(*TABLE)
    if not path.exists():
        return None
    rows: list[TableRow] = []
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not r.get("original") or not r.get("spun"):
                continue
            rows.append(
                TableRow(r["original"], r["spun"], int(r["count"] or 1), int(r["articles"] or 1))
            )
    return rows


def _phrase_hash(phrase: str) -> str:
    return hashlib.sha256(" ".join(phrase.lower().split()).encode()).hexdigest()


def split_table(rows: Sequence[TableRow]) -> tuple[list[TableRow], list[TableRow]]:
    """Split by original phrase: distinct lower-cased originals sorted by a stable hash, then
    alternated (A, B, A, ...). Every row of one original lands in the same half."""
    originals = sorted({" ".join(r.original.lower().split()) for r in rows}, key=_phrase_hash)
    half_a = {o for i, o in enumerate(originals) if i % 2 == 0}
    a = [r for r in rows if " ".join(r.original.lower().split()) in half_a]
    b = [r for r in rows if " ".join(r.original.lower().split()) not in half_a]
    return a, b


def table_originals(rows: Sequence[TableRow]) -> frozenset[str]:
    """Lower-cased, whitespace-normalised original phrases (for ``exclude_table_originals``)."""
    return frozenset(" ".join(r.original.lower().split()) for r in rows)


# --------------------------------------------------------------------------------------------
# spun sets


def spin_articles(
    articles: Sequence[Article],
    table_rows: Sequence[TableRow],
    seed: int,
    rate: float = 0.20,
) -> list[SpunDoc]:
    from benchmarks.spinner import Spinner

    spinner = Spinner(table_rows, seed=seed, rate=rate)
    docs = []
    for art in articles:
        doc = spinner.spin(art.text, doc_id=art.id)
        doc.meta["id"] = art.id
        docs.append(doc)
    return docs


def make_dev_set(n_articles: int = 150, seed: int = 13, rate: float = 0.20) -> list[SpunDoc]:
    """Spun DEV articles (dev split, spun with half A of the real table) with gold swaps, for
    calibrating thresholds on dev data only. Empty when the data is missing."""
    split = bbc_split()
    table = load_table()
    if split is None or table is None:
        return []
    half_a, _ = split_table(table)
    return spin_articles(split[0][:n_articles], half_a, seed=seed, rate=rate)
