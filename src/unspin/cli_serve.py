"""``unspin serve``: the web page and JSON API on a local server (see :mod:`unspin.server`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from unspin.cli_types import positive_int, seconds
from unspin.result import UnspinInputError

# The server's defaults live here so that the CLI can show them without importing FastAPI
# (about 0.4 s) on every command; unspin.server uses these.
DEFAULT_MAX_BODY = 2_000_000
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_QUEUE = 256
DEFAULT_MAX_PDF = 20_000_000  # bytes of a PDF sent to /api/screen-pdf


def _timeout(value: str) -> float:
    x = seconds(value)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {value}")
    return x


def _port(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0-65535, got {value}")
    return n


def add_serve_command(sub: Any) -> None:
    """Register ``serve`` on the main parser's sub-command set."""
    p = sub.add_parser(
        "serve",
        help="start the web page and JSON API on a local server",
        description="Serve the unspin web page and its JSON API (/api/check, /api/restore, "
        "/api/trace, /api/fetch, /api/health; schema at /openapi.json). Listens on "
        "127.0.0.1 only unless --host says otherwise.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; other addresses expose the API to "
        "anyone who can reach them)",
    )
    p.add_argument(
        "--port", type=_port, default=8000, help="port to listen on (default 8000; 0 = any free)"
    )
    p.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="PATH",
        help="an index built with 'unspin ingest': enables /api/trace, the source panel and "
        "source-aware restore",
    )
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="let /api/fetch reach private, loopback and link-local addresses "
        "(cloud metadata addresses stay refused)",
    )
    p.add_argument(
        "--ignore-robots",
        action="store_true",
        help="fetch pages even when robots.txt disallows them",
    )
    p.add_argument(
        "--max-body",
        type=positive_int,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help=f"largest request body accepted (default {DEFAULT_MAX_BODY:,})",
    )
    p.add_argument(
        "--max-pdf",
        type=positive_int,
        default=DEFAULT_MAX_PDF,
        metavar="BYTES",
        help=f"largest PDF accepted by /api/screen-pdf (default {DEFAULT_MAX_PDF:,})",
    )
    p.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="time limit per request, queue wait included (default %(default)s s)",
    )
    p.add_argument(
        "--accurate",
        action="store_true",
        help="neural rescoring (unspin[neural]); about 20x slower, so long queues time out",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="threads doing engine work; more requests wait in a queue (default 1)",
    )
    p.add_argument(
        "--max-queue",
        type=positive_int,
        default=DEFAULT_MAX_QUEUE,
        metavar="N",
        help=f"requests allowed to wait for a worker; more get 503 (default {DEFAULT_MAX_QUEUE})",
    )
    p.add_argument(
        "--trusted-host",
        action="append",
        default=None,
        metavar="NAME",
        help="Host header name to accept (repeatable; default: loopback names when "
        "listening on loopback, anything otherwise)",
    )
    p.add_argument(
        "--log-level",
        choices=("critical", "error", "warning", "info", "debug"),
        default="info",
        help="server log level (default info)",
    )
    p.add_argument("--no-access-log", action="store_true", help="do not log each request")
    p.set_defaults(func=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    from unspin.index import IndexFileError
    from unspin.server import LOOPBACK_HOSTS, is_loopback, serve

    options: dict[str, Any] = {
        "index": args.index,
        "allow_private": args.allow_private,
        "obey_robots": not args.ignore_robots,
        "max_body": args.max_body,
        "max_pdf": args.max_pdf,
        "request_timeout": args.timeout,
        "model_workers": args.workers,
        "max_queue": args.max_queue,
        "accurate": args.accurate,
    }
    if args.trusted_host:
        # added to the loopback names on a loopback server; otherwise the only names accepted
        own = (args.host.strip("[]").lower(),)
        base = LOOPBACK_HOSTS + own if is_loopback(args.host) else own
        options["trusted_hosts"] = base + tuple(h.strip().lower() for h in args.trusted_host)
    if not is_loopback(args.host):
        print(
            f"unspin: warning: listening on {args.host}: anyone who can reach this address "
            "can use the API",
            file=sys.stderr,
        )

    def announce(url: str) -> None:
        extra = f" with the index {args.index}" if args.index else ""
        print(f"unspin: serving {url}{extra} (Ctrl+C to stop)", file=sys.stderr, flush=True)

    try:
        serve(
            args.host,
            args.port,
            log_level=args.log_level,
            access_log=not args.no_access_log,
            announce=announce,
            **options,
        )
    except IndexFileError as exc:
        raise UnspinInputError(str(exc)) from None
    except OSError as exc:
        raise UnspinInputError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    return 0
