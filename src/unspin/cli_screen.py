"""``unspin screen``: science mode, screen papers (PDF or text, files or folders) for tortured
phrases, listed and discovered (see :mod:`unspin.screening`).

One paper prints its findings; several print a line each under a progress bar. ``--csv``,
``--summary-csv`` and ``--html`` write the folder reports of :mod:`unspin.screen_report`;
``--export-candidates`` writes the discovered phrases as a PPS-format list that a curator
trims and installs with ``unspin fingerprints add``. A paper that cannot be read is reported
and skipped; the exit status is then 1 (2 when nothing could be read).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from unspin.cli_types import confidence, positive_int
from unspin.result import UnspinInputError
from unspin.screening_result import ScreenReport


def add_screen_command(sub: Any) -> None:
    p = sub.add_parser(
        "screen",
        help="science mode: screen papers (PDF/text, files or folders) for tortured phrases",
        description="Find tortured phrases ('counterfeit consciousness' for 'artificial "
        "intelligence') in papers: the known fingerprints of the Problematic Paper Screener "
        "list and your lists (see 'unspin fingerprints'), plus unlisted phrases discovered "
        "where a common technical term fits the context far better.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="PDF or text files, folders, or -")
    p.add_argument("--field", default=None, help="a discipline whose legitimate uses are "
                   "whitelisted (medicine, biology, chemistry, physics, ecology, statistics, "
                   "linguistics)")
    p.add_argument("--whitelist", default=None, metavar="FILE", help="extra whitelist (TSV)")
    p.add_argument("--fingerprints", action="append", default=[], metavar="FILE",
                   help="also use this fingerprint list (PPS format; repeatable)")
    p.add_argument("--no-discover", dest="discover", action="store_false",
                   help="only the listed fingerprints: no discovery of unlisted phrases")
    p.add_argument("--accurate", action="store_true",
                   help="rescore discovery with the neural LM (unspin[neural]): finds more at "
                   "the same precision, but takes about a second per page instead of ms")
    p.add_argument("--min-confidence", type=confidence, default=0.0, metavar="X",
                   help="drop discovered phrases with confidence below X (0-1)")
    p.add_argument("--max-pages", type=positive_int, default=None, metavar="N",
                   help="read at most N pages of each PDF")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--csv", default=None, metavar="FILE", help="write every finding as CSV")
    p.add_argument("--summary-csv", default=None, metavar="FILE",
                   help="write one CSV row per paper")
    p.add_argument("--html", default=None, metavar="FILE",
                   help="write a self-contained HTML report")
    p.add_argument("--export-candidates", default=None, metavar="FILE",
                   help="write discovered phrases as a PPS-format fingerprint list (TSV), "
                   "best first, for review and 'unspin fingerprints add'")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="show a full traceback on unexpected errors")
    p.set_defaults(func=_cmd_screen)


def _screener(args: argparse.Namespace):  # noqa: ANN202
    from unspin.cli_fingerprints import _warn, whitelist_and_field
    from unspin.fingerprints import FingerprintList
    from unspin.screening import Screener, ScreenOptions

    fl = FingerprintList.default()
    for path in args.fingerprints:
        fl = fl.merged(FingerprintList.load(path))
    _warn(fl.warnings)
    whitelist, field = whitelist_and_field(args)
    opts = ScreenOptions(field=field, discover=args.discover,
                         min_confidence=args.min_confidence, max_pages=args.max_pages,
                         accurate=args.accurate)
    return Screener(fl, whitelist=whitelist, options=opts)


def _cmd_screen(args: argparse.Namespace) -> int:
    from unspin.screening import paper_files
    from unspin.textio import read_text

    screener = _screener(args)
    files = [] if args.paths == ["-"] else paper_files(args.paths)
    if args.paths != ["-"] and not files:
        raise UnspinInputError("no PDF or text files found in " + ", ".join(args.paths))
    reports: list[ScreenReport] = []
    failures: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    if args.paths == ["-"]:
        reports.append(screener.screen_text(read_text("-"), "-"))
    else:
        _screen_files(screener, files, reports, failures, quiet=args.json)
    elapsed = time.perf_counter() - t0
    _write_outputs(args, screener, reports)
    if args.json:
        payload: dict[str, Any] = {
            "papers": [r.to_dict() for r in reports],
            "failed": [{"name": n, "error": e} for n, e in failures],
            "fingerprints": len(screener.fingerprints),
            "field": screener.options.field,
            "discover": screener.options.discover,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_reports(args, reports, failures, elapsed)
    if failures:
        return 2 if not reports else 1
    return 0


def _screen_files(screener, files, reports, failures, quiet: bool) -> None:  # noqa: ANN001
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    show = len(files) > 1 and not quiet and sys.stderr.isatty()
    with Progress(
        TextColumn("screening"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[name]}"), disable=not show, transient=True,
    ) as progress:
        task = progress.add_task("screen", total=len(files), name="")
        for f in files:
            progress.update(task, name=f.name[:40])
            try:
                reports.append(screener.screen_file(f))
            except UnspinInputError as exc:
                failures.append((str(f), str(exc)))
            progress.advance(task)


def _write_outputs(args: argparse.Namespace, screener, reports: list[ScreenReport]) -> None:  # noqa: ANN001
    from unspin import screen_report

    settings = {
        "field": screener.options.field or "none",
        "fingerprints": f"{len(screener.fingerprints):,}",
        "discovery": ("accurate" if screener.options.accurate else "on")
        if screener.options.discover else "off",
        "min confidence": screener.options.min_confidence,
    }
    if args.csv:
        screen_report.write_csv(reports, args.csv)
    if args.summary_csv:
        screen_report.write_summary_csv(reports, args.summary_csv)
    if args.html:
        screen_report.write_html(reports, args.html, settings=settings)
    if args.export_candidates:
        export_candidates(reports, Path(args.export_candidates))


def export_candidates(reports: list[ScreenReport], path: Path) -> int:
    """Discovered phrases, one line per distinct (found, expected), best first, with the
    number of papers each was found in; returns the number of lines. A one-word discovery is
    written with the neighbouring word that made it stand out ("profound learning")."""
    from unspin.textio import write_atomic

    best: dict[tuple[str, str], tuple[float, set[str]]] = {}
    for r in reports:
        for f in r.discovered:
            phrase = f.evidence.get("phrase")
            if isinstance(phrase, list) and len(phrase) == 2:
                k = (str(phrase[0]), str(phrase[1]))
            else:
                k = (" ".join(f.found.lower().split()), f.expected.lower())
            conf, papers = best.get(k, (0.0, set()))
            papers.add(r.name)
            best[k] = (max(conf, f.confidence), papers)
    rows = sorted(best.items(), key=lambda kv: (-len(kv[1][1]), -kv[1][0], kv[0]))
    lines = ["tortured\texpected\tnum_papers\tpps_query"]
    for (found, expected), (_conf, papers) in rows:
        lines.append(f'{found}\t{expected}\t{len(papers)}\t"{found}"')
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return len(rows)


def _print_reports(args, reports, failures, elapsed: float) -> None:  # noqa: ANN001
    from rich.text import Text

    from unspin.cli import _console, _emit, _styled

    console = _console(sys.stdout, args.color)
    styled = _styled(console)
    out = Text()
    single = len(reports) == 1 and not failures
    for r in reports:
        head = (f"{r.name}: {len(r.listed)} listed, {len(r.discovered)} discovered, "
                f"{r.density():.2f} per 1,000 words ({r.words:,} words"
                + (f", {r.pages} pages" if r.pages else "") + ")")
        out.append(head + "\n", style="bold" if styled else "")
        if r.message:
            out.append(f"  note: {r.message}\n")
        if single or len(r.findings) <= 20:
            for f in r.findings:
                where = f"p.{f.page} " if f.page else ""
                mark = "listed" if f.kind == "listed" else f"discovered {f.confidence:.2f}"
                out.append(f"  {where}")
                found = " ".join(f.found.split())
                out.append(found if styled else f"[{found}]",
                           style="bold red" if styled else "")
                out.append(f" → {f.expected}  ({mark})\n", style="dim" if styled else "")
    for name, err in failures:
        out.append(f"{name}: skipped: {err}\n", style="yellow" if styled else "")
    if len(reports) + len(failures) > 1:
        pages = sum(r.pages or 0 for r in reports)
        out.append(f"{len(reports)} papers screened ({pages} PDF pages) in {elapsed:.1f} s; "
                   f"{len(failures)} skipped\n", style="bold" if styled else "")
    _emit(console, out, styled)
