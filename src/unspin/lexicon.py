"""The bundled reverse-spinning lexicon: spun phrase -> originals it may have come from.

Two files, both built by ``scripts/build_lexicon.py`` (sources in ``data/SOURCES.md``):

- ``lexicon.tsv.gz``: thesaurus pairs (Moby, WordNet, MyThes, inflected with lemminflect) and
  the hand-written function-word expansions;
- ``spinner_table.tsv``: the real spinner substitutions with their counts, kept apart so that
  an evaluation can hold out part of the table (``exclude_table_originals``).

Lines are parsed lazily on first look-up, so loading is one gzip read and a dict build.
"""

from __future__ import annotations

import copy
import gzip
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Origin:
    """One original phrase that a spun phrase may stand for."""

    text: str
    flags: str  # see scripts/build_lexicon.py; "T" marks the real spinner table
    count: int  # times the real spinner made this swap
    rank: int  # position of the spun word in the original's synonym lists (99 = unknown)
    prior: float = 0.0  # learned log-odds of a real spinner swap among the thesaurus candidates


def _data_path(name: str) -> Path:
    return Path(str(resources.files("unspin") / "data" / name))


class Lexicon:
    def __init__(
        self,
        lexicon_path: Path | None = None,
        table_path: Path | None = None,
        exclude_table_originals: frozenset[str] = frozenset(),
    ) -> None:
        self._raw: dict[str, str] = {}
        path = lexicon_path or _data_path("lexicon.tsv.gz")
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                key, _, rest = line.rstrip("\n").partition("\t")
                self._raw[key] = rest
        self._table: dict[str, dict[str, int]] = {}
        tpath = table_path or _data_path("spinner_table.tsv")
        excluded = {o.lower() for o in exclude_table_originals}
        if tpath.exists():
            for line in tpath.read_text(encoding="utf-8").splitlines():
                if line.startswith("#") or line.startswith("spun\t"):
                    continue
                spun, orig, count, table_origs = line.split("\t")
                if excluded and all(t in excluded for t in table_origs.split("|")):
                    continue  # every table row behind this pair is held out
                self._table.setdefault(spun, {})[orig] = int(count)
        self._parsed: dict[str, tuple[Origin, ...]] = {}
        self._first_words = {k.split(" ", 1)[0] for k in self._raw if " " in k}
        self._first_words |= {k.split(" ", 1)[0] for k in self._table if " " in k}

    def with_table(self, extra: Mapping[str, Mapping[str, int]]) -> Lexicon:
        """A copy that also holds ``extra`` spinner-table pairs (spun -> original -> count),
        such as those learned from a site's copies; the thesaurus data is shared, not copied."""
        new = copy.copy(self)
        new._table = {k: dict(v) for k, v in self._table.items()}
        for spun, origs in extra.items():
            row = new._table.setdefault(spun, {})
            for orig, count in origs.items():
                row[orig] = max(row.get(orig, 0), int(count))
        new._parsed = {}
        new._first_words = self._first_words | {k.split(" ", 1)[0] for k in extra if " " in k}
        return new

    def new_pairs(self, extra: Mapping[str, Mapping[str, int]]) -> frozenset[tuple[str, str]]:
        """The (spun, original) pairs of ``extra`` that this lexicon's spinner table lacks."""
        return frozenset(
            (spun, orig)
            for spun, row in extra.items()
            for orig in row
            if orig not in self._table.get(spun, {})
        )

    def __len__(self) -> int:
        return len(set(self._raw) | set(self._table))

    def starts_phrase(self, word: str) -> bool:
        """True when some multi-word spun phrase starts with ``word``."""
        return word in self._first_words

    def lookup(self, spun: str) -> tuple[Origin, ...]:
        """Originals for a lower-case spun phrase (words separated by single spaces)."""
        got = self._parsed.get(spun)
        if got is not None:
            return got
        merged: dict[str, Origin] = {}
        raw = self._raw.get(spun)
        if raw:
            for item in raw.split(";"):
                text, flags, count, rank, *rest = item.split("|")
                prior = float(rest[0]) if rest else 0.0
                merged[text] = Origin(text, flags, int(count), int(rank), prior)
        for text, count in self._table.get(spun, {}).items():
            old = merged.get(text)
            flags = (old.flags if old else "") + "T"
            merged[text] = Origin(text, flags, count, 0, old.prior if old else 0.0)
        got = tuple(merged.values())
        self._parsed[spun] = got
        return got
