"""Build ``src/unspin/data/zdict.txt``: a zlib preset dictionary for the index's stored text.

News articles are short (1-3 KB), too short for zlib to learn their vocabulary; priming it with
the 4,000 most frequent English words saves about 16% of the stored text (1,001 -> 838 bytes
per BBC article). The words come from the CMU pronouncing dictionary, ranked by the CMU 3-gram
model's unigram probability, both inside the ``pocketsphinx`` package (BSD). The most frequent
words go last, where zlib's back-references are cheapest.

The file is part of the index format: changing it makes stored text unreadable, so it must go
with a new ``SCHEMA_VERSION`` in ``unspin/index.py``.
"""

from __future__ import annotations

from pathlib import Path

import pocketsphinx

from unspin.lm import NGramLM

WORDS = 4000
OUT = Path(__file__).resolve().parent.parent / "src" / "unspin" / "data" / "zdict.txt"


def main() -> None:
    lm = NGramLM()
    dict_path = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
    words: set[str] = set()
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        w = line.split(" ", 1)[0].split("(", 1)[0]
        if w.isalpha():
            words.add(w)
    ranked = sorted(words, key=lambda w: (-lm.unigram(w), w))[:WORDS]
    OUT.write_text(" ".join(reversed(ranked)) + " ", encoding="utf-8")
    print(f"{OUT}: {len(ranked)} words, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
