"""``unspin fingerprints``: tortured-phrase fingerprints for scientific papers.

``list`` shows the lists and their rows, ``update`` downloads the current Problematic Paper
Screener export, ``add`` installs a user's list and ``match`` finds the known fingerprints in a
text (see :mod:`unspin.fingerprints`). Errors print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from unspin.cli_types import positive_int
from unspin.textio import DEFAULT_MAX_BYTES

_MAX_WARNINGS = 5  # load warnings printed on stderr; the rest are counted
_HIT_STYLE = "bold red"
_HINT_STYLE = "dim"


def add_fingerprints_command(sub: Any) -> None:
    """Register ``fingerprints {list,update,add,match}`` on the main parser's sub-commands."""
    p = sub.add_parser(
        "fingerprints",
        help="tortured-phrase fingerprints for scientific papers (list, update, add, match)",
        description="Known 'tortured phrases' (e.g. 'counterfeit consciousness' for "
        "'artificial intelligence') from the Problematic Paper Screener (Cabanac, Labbé, "
        "Magazinov; CC BY 4.0) and your own lists. User lists live in "
        "$UNSPIN_HOME/fingerprints (default ~/.local/share/unspin/fingerprints).",
    )
    actions = p.add_subparsers(dest="fingerprints_command", metavar="ACTION", required=True)

    p_list = actions.add_parser(
        "list",
        help="count the fingerprints per source and show rows",
        description="Print how many fingerprints each source gives; with --source or "
        "--search, print the matching rows too.",
    )
    p_list.add_argument("--source", default=None, metavar="NAME", help="only this source")
    p_list.add_argument(
        "--search", default=None, metavar="WORD", help="only rows whose phrases contain WORD"
    )
    p_list.add_argument("--json", action="store_true", help="print JSON on standard output")
    p_list.set_defaults(func=_cmd_list)

    p_update = actions.add_parser(
        "update",
        help="download the current Problematic Paper Screener export",
        description="Download the PPS export, check it (at least 100 valid rows) and keep it "
        "in the unspin data folder, merged over the bundled half.",
    )
    from unspin.fingerprints import DEFAULT_EXPORT_URL

    p_update.add_argument(
        "--url",
        default=DEFAULT_EXPORT_URL,
        help=f"where to download (default {DEFAULT_EXPORT_URL})",
    )
    p_update.add_argument(
        "--allow-private",
        action="store_true",
        help="allow private, loopback and link-local addresses",
    )
    p_update.add_argument("--json", action="store_true", help="print JSON on standard output")
    p_update.set_defaults(func=_cmd_update)

    p_add = actions.add_parser(
        "add",
        help="install your own list (TSV or CSV in PPS export format)",
        description="Check a TSV or CSV list (columns by header: tortured, expected, "
        "num_papers, pps_query; the query is optional) and copy it into the unspin data "
        "folder, merged with an existing list of the same name.",
    )
    p_add.add_argument("file", metavar="FILE", help="the list to add")
    p_add.add_argument("--name", default=None, help="name of the list (default: the file name)")
    p_add.add_argument("--json", action="store_true", help="print JSON on standard output")
    p_add.set_defaults(func=_cmd_add)

    p_match = actions.add_parser(
        "match",
        help="find known tortured phrases in a text",
        description="Print the known fingerprints found in a text file, with the established "
        "term each one replaces.",
    )
    p_match.add_argument("file", metavar="FILE", help="text file to read, or - for standard input")
    p_match.add_argument(
        "--field",
        default=None,
        metavar="FIELD",
        help="the paper's field (e.g. medicine, chemistry): phrases legitimate there are not "
        "reported",
    )
    p_match.add_argument(
        "--whitelist",
        type=Path,
        default=None,
        metavar="FILE",
        help="more whitelisted phrases (TSV/CSV: field, phrase, reason)",
    )
    p_match.add_argument("--json", action="store_true", help="print JSON on standard output")
    p_match.add_argument(
        "--max-bytes",
        type=positive_int,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"refuse input larger than N bytes (default: {DEFAULT_MAX_BYTES})",
    )
    p_match.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour output: auto (only on a terminal, honours NO_COLOR), always or never",
    )
    p_match.set_defaults(func=_cmd_match)


# --------------------------------------------------------------------------- helpers


def whitelist_and_field(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The bundled whitelist plus ``--whitelist FILE``, and ``--field`` normalised."""
    from unspin.fingerprints import Whitelist

    whitelist = Whitelist.bundled()
    if args.whitelist is not None:
        whitelist = whitelist.merged(Whitelist.load(args.whitelist))
    field = args.field.strip().lower() if args.field else None
    return whitelist, field


def _warn(warnings: Any) -> None:
    items = [str(w) for w in warnings]
    for line in items[:_MAX_WARNINGS]:
        print(f"unspin: warning: {line}", file=sys.stderr)
    if len(items) > _MAX_WARNINGS:
        print(f"unspin: warning: ... and {len(items) - _MAX_WARNINGS} more", file=sys.stderr)


def _print_json(payload: dict[str, Any]) -> None:
    from unspin.cli import _print_json as print_json

    print_json(payload)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --------------------------------------------------------------------------- commands


def _cmd_list(args: argparse.Namespace) -> int:
    from unspin.fingerprints import FingerprintList

    fl = FingerprintList.default()
    _warn(fl.warnings)
    sources = fl.sources()
    if args.source is not None and args.source not in sources:
        from unspin.result import UnspinInputError

        known = ", ".join(sources) or "none"
        raise UnspinInputError(f"no fingerprint source named {args.source!r} (sources: {known})")
    rows = fl.search(args.search) if args.search is not None else list(fl)
    if args.source is not None:
        rows = [fp for fp in rows if fp.source == args.source]
    if args.json:
        _print_json(
            {
                "total": len(fl),
                "sources": sources,
                "source": args.source,
                "search": args.search,
                "count": len(rows),
                "fingerprints": [fp.to_dict() for fp in rows],
            }
        )
        return 0
    out = sys.stdout
    width = max([len("source"), *(len(s) for s in sources)])
    out.write(f"{'source':<{width}}  fingerprints\n")
    for name, n in sources.items():
        out.write(f"{name:<{width}}  {n:>12,}\n")
    out.write(f"{'total':<{width}}  {len(fl):>12,}\n")
    if args.source is not None or args.search is not None:
        out.write(f"\n{len(rows):,} matching\n")
        for fp in rows:
            query = "" if fp.query.strip('"').lower() == fp.tortured.lower() else f"  [{fp.query}]"
            out.write(
                f"{fp.tortured} → {fp.expected}  ({fp.papers:,} papers, {fp.source}){query}\n"
            )
    out.flush()
    return 0


def _cmd_update(args: argparse.Namespace) -> int:
    from unspin.fingerprints import update

    summary = update(args.url, allow_private=args.allow_private)
    if args.json:
        _print_json(summary.to_dict())
        return 0
    _warn(summary.warnings)
    print(
        f"unspin: PPS export saved to {summary.path}: {summary.total:,} fingerprints "
        f"({summary.added:,} new, {summary.changed:,} changed, {summary.removed:,} gone "
        f"compared with the {summary.compared_with} list; {summary.skipped:,} rows skipped)"
    )
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from unspin.fingerprints import add

    summary = add(args.file, args.name)
    if args.json:
        _print_json(summary.to_dict())
        return 0
    _warn(summary.warnings)
    print(
        f"unspin: list {summary.name!r} saved to {summary.path}: {summary.total:,} "
        f"fingerprints ({summary.added:,} new, {summary.changed:,} changed; "
        f"{summary.skipped:,} rows skipped)"
    )
    return 0


def _cmd_match(args: argparse.Namespace) -> int:
    from rich.text import Text

    from unspin.cli import _console, _emit, _styled
    from unspin.fingerprints import FingerprintList
    from unspin.textio import read_text

    text = read_text(args.file, max_bytes=args.max_bytes)
    fl = FingerprintList.default()
    _warn(fl.warnings)
    whitelist, field = whitelist_and_field(args)
    if field and field not in whitelist.fields():
        print(
            f"unspin: note: no whitelisted phrases for the field {field!r} "
            f"(fields: {', '.join(whitelist.fields())})",
            file=sys.stderr,
        )
    hits = fl.match(text, field, whitelist=whitelist)
    if args.json:
        _print_json(
            {
                "field": field,
                "count": len(hits),
                "distinct": len({h.fingerprint.tortured.lower() for h in hits}),
                "fingerprints": len(fl),
                "hits": [h.to_dict() for h in hits],
            }
        )
        return 0
    console = _console(sys.stdout, args.color)
    styled = _styled(console)
    out = Text()
    for h in hits:
        line, col = _line_col(text, h.start)
        fp = h.fingerprint
        shown = " ".join(h.text.split())
        out.append(f"{line}:{col}  ")
        if styled:
            out.append(shown, style=_HIT_STYLE)
        else:
            out.append(f"[{shown}]")
        hint = f"  → {fp.expected}  ({fp.papers:,} papers, {fp.source})"
        out.append(hint, style=_HINT_STYLE if styled else "")
        out.append("\n")
    distinct = len({h.fingerprint.tortured.lower() for h in hits})
    noun = "tortured phrase" if len(hits) == 1 else "tortured phrases"
    summary = f"{len(hits)} {noun} found ({distinct} distinct) among {len(fl):,} fingerprints"
    if field:
        summary += f"; field: {field}"
    out.append(summary + "\n", style="bold" if styled else "")
    _emit(console, out, styled)
    return 0
