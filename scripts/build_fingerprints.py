"""Build ``src/unspin/data/pps_fingerprints.tsv.gz``: the bundled tortured-phrase fingerprints.

The input is the development half of the Problematic Paper Screener's fingerprint export
(``pps-dev.tsv`` of the unspin shared data: tortured, expected, num_papers, pps_query; PPS by
Guillaume Cabanac, Cyril Labbé and Alexander Magazinov, CC BY 4.0, as exported in
github.com/hahuyhoang411/tortured-phrase ``data/tortured.csv``). Rows are copied as they are,
in their order, after a ``#`` line that credits the source and states the licence; a row whose
query :func:`unspin.fingerprints.parse_query` cannot parse is left out and reported. The gzip
header has no name and mtime 0, so the output is byte-for-byte reproducible.

Run: ``python scripts/build_fingerprints.py [PATH]`` (default ``../shared/data/pps-dev.tsv``
relative to the repository root; under a second).
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.fingerprints import QueryError, parse_query  # noqa: E402

DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "pps-dev.tsv"
OUTPUT = ROOT / "src" / "unspin" / "data" / "pps_fingerprints.tsv.gz"
HEADER = "tortured\texpected\tnum_papers\tpps_query"
CREDIT = (
    "# Problematic Paper Screener fingerprints, half of the export (Guillaume Cabanac, Cyril "
    "Labbé, Alexander Magazinov; https://www.irit.fr/~Guillaume.Cabanac/problematic-paper-"
    "screener), as exported in github.com/hahuyhoang411/tortured-phrase data/tortured.csv. "
    "Licence: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."
)


def build(source: Path) -> tuple[bytes, int, list[str]]:
    """The gzipped file, its number of rows, and the problems with the rows left out."""
    lines = source.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != HEADER:
        raise SystemExit(f"{source}: expected the header {HEADER!r}")
    rows: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 4:
            problems.append(f"line {number}: {len(cells)} columns")
            continue
        tortured, _expected, papers, query = (c.strip() for c in cells)
        if not tortured or not papers.isdigit():
            problems.append(f"line {number}: no tortured phrase or a bad paper count")
            continue
        try:
            parse_query(query)
        except QueryError as exc:
            problems.append(f"line {number}: {query!r}: {exc}")
            continue
        rows.append("\t".join(c.strip() for c in cells))
    text = "\n".join([CREDIT, HEADER, *rows]) + "\n"
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue(), len(rows), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data, n, problems = build(args.input)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    args.output.write_bytes(data)
    print(f"{args.output}: {n} fingerprints, {len(data):,} bytes ({len(problems)} rows skipped)")


if __name__ == "__main__":
    main()
