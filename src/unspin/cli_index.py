"""The index commands of the CLI: ``unspin ingest`` and ``unspin trace``.

Both take ``--index PATH``; its default is ``$UNSPIN_INDEX`` if set, else
``$XDG_DATA_HOME/unspin/index.db`` (``~/.local/share/unspin/index.db``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from unspin.cli_types import count, seconds
from unspin.result import UnspinInputError

KINDS = ("auto", "feed", "sitemap", "urls", "html", "text", "warc", "jsonl")


def default_index_path() -> Path:
    env = os.environ.get("UNSPIN_INDEX")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "unspin" / "index.db"


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``ingest`` and ``trace`` on the main parser's sub-command set."""
    index_opt = argparse.ArgumentParser(add_help=False)
    index_opt.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"index file (default: $UNSPIN_INDEX or {default_index_path()})",
    )

    # how web pages are fetched, for ingest and for learn --copies
    fetch_opt = argparse.ArgumentParser(add_help=False)
    fetch_opt.add_argument(
        "--delay",
        type=seconds,
        default=1.0,
        metavar="S",
        help="seconds between requests to one host (default 1; robots.txt "
        "Crawl-delay wins when larger)",
    )
    fetch_opt.add_argument(
        "--timeout",
        type=seconds,
        default=15.0,
        metavar="S",
        help="seconds before a request is abandoned (default 15)",
    )
    fetch_opt.add_argument(
        "--retries",
        type=count,
        default=3,
        metavar="N",
        help="retries after errors, with backoff (default 3)",
    )
    fetch_opt.add_argument("--user-agent", default=None, metavar="UA", help="User-Agent header")
    fetch_opt.add_argument(
        "--ignore-robots",
        action="store_true",
        help="do not obey robots.txt (only for sites you own)",
    )
    fetch_opt.add_argument(
        "--allow-private",
        action="store_true",
        help="allow fetching private, loopback and link-local addresses",
    )

    p = sub.add_parser(
        "ingest",
        parents=[index_opt, fetch_opt],
        help="add articles to the index from feeds, sitemaps, URLs, files or WARC archives",
        description="Fetch or read each SOURCE, extract the article text and store it in the "
        "index. SOURCE is an http(s) URL (RSS/Atom feed, sitemap or article page), a file of "
        "URLs, an HTML/text/JSONL file, a WARC or WARC.gz archive, or a folder of these. "
        "Re-running adds only what is new.",
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--kind", choices=KINDS, default="auto", help="force the source type")
    p.add_argument(
        "--limit", type=count, default=None, metavar="N", help="at most N documents per source"
    )
    p.add_argument(
        "--refresh",
        action="store_true",
        help="fetch pages again even when their URL is already indexed",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_cmd_ingest)

    lp = sub.add_parser(
        "learn",
        parents=[index_opt, fetch_opt],
        help="learn content farms' spinner substitutions from copies traced to their sources",
        description="Trace each suspected spun copy given with --copies against the index, keep "
        "the pairs, then (re)learn every site's substitutions from all kept pairs. The learned "
        "counts are priors for 'check' and 'restore' with --index (and --site).",
    )
    lp.add_argument(
        "--copies",
        nargs="+",
        default=[],
        metavar="SOURCE",
        help="suspected copies: URLs, feeds, sitemaps, files, folders or WARC archives",
    )
    lp.add_argument("--site", default=None, help="the copies' site (default: their URL's host)")
    lp.add_argument("--kind", choices=KINDS, default="auto", help="force the source type")
    lp.add_argument("--limit", type=count, default=None, metavar="N", help="N copies per source")
    lp.add_argument(
        "--import",
        dest="import_file",
        type=Path,
        default=None,
        metavar="FILE",
        help="add the counts of a substitution table (TSV) to --site or to all sites",
    )
    lp.add_argument(
        "--export",
        dest="export_file",
        type=Path,
        default=None,
        metavar="FILE",
        help="write --site's (or all sites') learned substitutions as TSV",
    )
    lp.add_argument("--json", action="store_true", help="print the summary as JSON")
    lp.set_defaults(func=_cmd_learn)

    sp = sub.add_parser(
        "sites",
        parents=[index_opt],
        help="report on the sites whose copies were traced: sources, swap rate, substitutions",
    )
    sp.add_argument(
        "--top",
        type=count,
        default=10,
        metavar="N",
        help="substitutions listed per site (default 10)",
    )
    sp.add_argument("--json", action="store_true", help="print the report as JSON")
    sp.set_defaults(func=_cmd_sites)

    t = sub.add_parser(
        "trace",
        parents=[common, index_opt],
        help="find the indexed article a spun copy was made from",
        description="Find the indexed articles that FILE was copied from and show each "
        "swap between the copy and its source.",
    )
    t.add_argument(
        "--limit", type=count, default=3, metavar="N", help="report at most N sources (default 3)"
    )
    t.set_defaults(func=_cmd_trace)


def _open_index(path: Path | None, create: bool) -> Any:
    from unspin.index import Index, IndexFileError

    try:
        return Index(path or default_index_path(), create=create)
    except IndexFileError as exc:
        raise UnspinInputError(str(exc)) from None


# --------------------------------------------------------------------------- ingest


@contextmanager
def _ingest_progress(wanted: bool) -> Iterator[Callable[[Any, str], None] | None]:
    """A live count of what the ingest did, on stderr when it is a terminal."""
    if not wanted or not sys.stderr.isatty():
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("ingest"),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr, highlight=False),
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=None, counts="")
        seen: dict[str, int] = {}

        def on_item(item: Any, status: str) -> None:
            seen[status] = seen.get(status, 0) + 1
            bar.update(task, counts=", ".join(f"{k} {v}" for k, v in seen.items()))

        yield on_item


def _require_sources(specs: list[str]) -> None:
    """Refuse a local SOURCE that does not exist before any work starts."""
    for spec in specs:
        if "://" not in spec and not os.path.exists(spec):
            raise UnspinInputError(f"{spec}: no such file or folder")


def _fetcher(args: argparse.Namespace) -> Any:
    """The Fetcher that the command's fetch options describe."""
    from unspin.fetch import Fetcher

    kwargs: dict[str, Any] = {
        "delay": args.delay,
        "timeout": args.timeout,
        "retries": args.retries,
        "obey_robots": not args.ignore_robots,
        "allow_private": args.allow_private,
    }
    if args.user_agent:
        kwargs["user_agent"] = args.user_agent
    return Fetcher(**kwargs)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from unspin.ingest import ingest

    _require_sources(args.sources)
    fetcher = _fetcher(args)
    index = _open_index(args.index, create=True)
    try:
        with _ingest_progress(not args.json) as on_item:
            summary = ingest(
                args.sources,
                index,
                fetcher=fetcher,
                kind=args.kind,
                limit=args.limit,
                refresh=args.refresh,
                on_item=on_item,
            )
        total = len(index)
    finally:
        index.close()
        fetcher.close()
    if args.json:
        payload = summary.to_dict()
        payload["index"] = str(index.path)
        payload["documents_in_index"] = total
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    out.print(
        f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"duplicate text {summary.duplicate}; skipped {sum(summary.skipped.values())}, "
        f"failed {sum(summary.failed.values())} in {summary.seconds:.1f} s",
        markup=False,
    )
    for title, reasons in (("skipped", summary.skipped), ("failed", summary.failed)):
        for reason, n in reasons.most_common(10):
            out.print(f"  {title}: {n} × {reason}", markup=False)
    for url, reason in summary.failed_examples[:5]:
        out.print(f"  e.g. {url}: {reason}", markup=False)
    out.print(f"{index.path}: {total} documents", markup=False)
    return 0


# --------------------------------------------------------------------------- trace


def render_trace(report: Any, styled: bool) -> Text:
    out = Text()
    if not report.matches:
        out.append("no source found in the index\n")
        return out
    for rank, m in enumerate(report.matches, 1):
        head = f"{rank}. {m.title or '(untitled)'}"
        out.append(head + "\n", style="bold" if styled else "")
        out.append(f"   {m.url}" + (f" · {m.date}" if m.date else "") + "\n")
        swaps = [s for s in m.swaps if s.kind == "swap"]
        out.append(
            f"   similarity {m.similarity:.2f}: explains {m.explained:.0%} of the copy "
            f"({m.matched:.0%} verbatim), covers {m.source_covered:.0%} of the source; "
            f"{len(swaps)} swaps\n"
        )
    best = report.matches[0]
    out.append("\nCopy aligned with the best source ([copy → source]):\n\n")
    text = report.text
    pos = 0
    for s in best.swaps:
        if s.kind not in ("swap", "insert", "rewrite") or s.start < pos:
            continue
        out.append(text[pos : s.start])
        spun = text[s.start : s.end]
        if s.kind == "swap":
            if styled:
                out.append(spun, style="bold red underline")
                out.append(f" → {s.original}", style="green")
            else:
                out.append(f"[{spun} → {s.original}]")
        elif styled:
            out.append(spun, style="dim")
        else:
            out.append(f"[+{spun}+]")
        pos = s.end
    out.append(text[pos:])
    if not out.plain.endswith("\n"):
        out.append("\n")
    return out


def _cmd_trace(args: argparse.Namespace) -> int:
    from unspin.cli import _console, _emit, _print_json, _styled, read_input
    from unspin.tracing import trace

    text, _site = read_input(args)
    index = _open_index(args.index, create=False)
    try:
        report = trace(text, index, limit=max(1, args.limit))
    finally:
        index.close()
    if args.json:
        _print_json(report.to_dict())
        return 0
    console = _console(sys.stdout, args.color)
    styled = _styled(console)
    _emit(console, render_trace(report, styled), styled)
    return 0


# --------------------------------------------------------------------------- learn / sites


def _cmd_learn(args: argparse.Namespace) -> int:
    from unspin.learn import GLOBAL, export_tsv, import_tsv, learn, record_copies
    from unspin.sources import RawDocument, iter_documents

    _require_sources(args.copies)
    if args.import_file is not None and not args.import_file.is_file():
        raise UnspinInputError(f"{args.import_file}: no such file")
    index = _open_index(args.index, create=False)
    payload: dict[str, Any] = {}
    try:
        if args.import_file is not None:
            try:
                payload["imported"] = import_tsv(index, args.import_file, args.site or GLOBAL)
            except (ValueError, UnicodeDecodeError) as exc:
                raise UnspinInputError(str(exc)) from None
        if args.copies:
            fetcher = _fetcher(args)
            skipped: dict[str, int] = {}
            try:
                docs = []
                for spec in args.copies:
                    for item in iter_documents(
                        spec, fetcher=fetcher, kind=args.kind, limit=args.limit
                    ):
                        if isinstance(item, RawDocument):
                            docs.append((item.url, item.text, None))
                        else:
                            skipped[item.reason] = skipped.get(item.reason, 0) + 1
            finally:
                fetcher.close()
            payload["copies"] = dict(record_copies(index, docs, site=args.site))
            payload["copies_skipped"] = skipped
        if args.copies or args.import_file is None:
            payload["learned"] = learn(index).to_dict()
        if args.export_file is not None:
            payload["exported"] = export_tsv(index, args.export_file, args.site or GLOBAL)
    finally:
        index.close()
    if args.json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    if "copies" in payload:
        c = payload["copies"]
        out.print(
            f"copies: {c.get('traced', 0)} traced to a source, {c.get('no source', 0)} without one",
            markup=False,
        )
        for reason, n in payload["copies_skipped"].items():
            out.print(f"  skipped: {n} × {reason}", markup=False)
    if "imported" in payload:
        out.print(f"imported {payload['imported']} substitutions", markup=False)
    if "learned" in payload:
        lr = payload["learned"]
        out.print(
            f"learned from {lr['copies']} copies: {lr['substitutions']} substitutions, "
            f"{lr['pairs']} (site, spun, original) rows over {lr['sites']} sites "
            f"in {lr['seconds']:.1f} s",
            markup=False,
        )
        for reason, n in lr["dropped"].items():
            out.print(f"  not spinning: {n} × {reason}", markup=False)
    if "exported" in payload:
        out.print(f"exported {payload['exported']} lines to {args.export_file}", markup=False)
    return 0


def _cmd_sites(args: argparse.Namespace) -> int:
    from unspin.learn import site_report

    index = _open_index(args.index, create=False)
    try:
        report = site_report(index, top=args.top)
    finally:
        index.close()
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return 0
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    if not report:
        out.print("no copies traced yet: run 'unspin learn --copies ...'", markup=False)
    for r in report:
        out.print(
            f"{r['site']}: {r['copies_seen']} copies seen, {r['traced_share']:.0%} traced to a "
            f"source; about {r['swaps_per_100_words']:.1f} learned swaps per 100 words",
            markup=False,
            style="bold",
        )
        for src in r["sources"]:
            out.print(f"  copied {src['copies']}×: {src['title'] or src['url']}", markup=False)
        for sub in r["substitutions"]:
            out.print(
                f"  {sub['original']} → {sub['spun']}  ({sub['count']}× in {sub['copies']} copies)",
                markup=False,
            )
    return 0
