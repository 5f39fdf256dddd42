"""The HTTP API and web page behind ``unspin serve`` (FastAPI on uvicorn).

Endpoints (JSON, but for the PDF of ``/api/screen-pdf``; the results are exactly what the CLI
prints with ``--json``):

- ``POST /api/check``   ``{"text", "min_confidence"?}`` -> :meth:`CheckReport.to_dict`
- ``POST /api/restore`` ``{"text", "min_confidence"?, "use_index"?}`` -> ``Restoration.to_dict``
- ``POST /api/trace``   ``{"text", "limit"?}`` -> ``TraceReport.to_dict`` (needs an index)
- ``POST /api/screen``  ``{"text", "field"?, "discover"?}`` -> ``ScreenReport.to_dict``
- ``POST /api/screen-pdf?name=&field=&discover=``  the PDF (``application/pdf``) ->
  ``ScreenReport.to_dict`` plus ``text``, the extracted text the offsets index
- ``POST /api/fetch``   ``{"url"}`` -> ``{"url", "title", "text", "date", "author", "site"}``
- ``GET  /api/health``  version, engine state, index, queue depth and limits
- ``GET  /``            the web page (``unspin/web``), ``/openapi.json`` the schema

Limits. A request body larger than ``max_body`` bytes (a PDF: ``max_pdf``) is refused with 413
before it is read (``Content-Length``), or as soon as the streamed body passes the limit.
Screening takes at most ``SCREEN_MAX_WORDS`` words of text or ``SCREEN_MAX_PAGES`` pages of a
PDF, because discovery has no progress point to stop at. Engine work (check, restore, trace,
screen) runs in a dedicated pool of ``model_workers`` threads; requests beyond that
wait in a first-come-first-served queue of at most ``max_queue`` requests (more: 503 at once).
The per-request time limit ``request_timeout`` counts from the moment the body has been read
and covers the queue wait and the work: a request still queued at its deadline gets 503 (with
Retry-After), one whose work passes the deadline gets 504, and the work itself is abandoned at
the engine's next progress point (every 5,000 words). A client that disconnects leaves the
queue. ``/api/health`` never waits for the queue.

Errors are JSON ``{"error": code, "message": text}`` with the fitting status: 400 bad JSON or
Host header, 403 a refused URL, 404 unknown path or no index configured, 405, 408 body not
received in time, 413, 415 not JSON (or not application/pdf), 422 invalid fields or unusable
text, 502 upstream fetch failure, 503 busy, 504 time limit, 500 internal error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import json
import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

import unspin
from unspin.cli_serve import DEFAULT_MAX_BODY, DEFAULT_MAX_PDF, DEFAULT_MAX_QUEUE, DEFAULT_TIMEOUT
from unspin.result import UnspinInputError

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_QUEUE",
    "DEFAULT_TIMEOUT",
    "LOOPBACK_HOSTS",
    "create_app",
    "serve",
]

log = logging.getLogger("unspin.server")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_POLL = 0.25  # seconds between client-disconnect checks while a request waits
_HEALTH_CACHE_S = 5.0
# screening cannot be abandoned midway (the engine's progress checks are not in discovery):
# the words one request may hold, about 25 s of discovery on one core
SCREEN_MAX_WORDS = 100_000
SCREEN_MAX_PAGES = 300  # PDF pages screened per request (about 45 s with discovery)
# request bodies other than JSON, by path; every other POST to /api/ must be JSON (a page of
# another site cannot send either without the browser asking this server first)
_BODY_TYPES = {"/api/screen-pdf": "application/pdf"}

_SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_WEB_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}


# --------------------------------------------------------------------------- errors


class APIError(Exception):
    """An error answered as ``{"error": code, "message": message}`` with ``status``."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _error_body(code: str, message: str, **extra: Any) -> bytes:
    return json.dumps({"error": code, "message": message, **extra}, ensure_ascii=False).encode()


def _error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


# --------------------------------------------------------------------------- request models


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class TextRequest(_Strict):
    text: str = Field(description="the text to analyse (UTF-8 JSON string)")
    min_confidence: float | None = Field(
        None, ge=0.0, le=1.0, description="report only edits with confidence >= this (0-1)"
    )
    url: str | None = Field(
        None, max_length=2048,
        description="where the text was published; its host is the site (when no site is given)",
    )
    site: str | None = Field(
        None, max_length=253,
        description="the site the text comes from (e.g. farm.example): when the server's index "
        "has learned its spinner (unspin learn), those substitutions are the priors",
    )

    def text_site(self) -> str | None:
        from unspin.learn import site_name, site_of

        return site_name(self.site) or site_of(self.url)


class RestoreRequest(TextRequest):
    use_index: bool = Field(
        True,
        description="when the server has an index, trace the text first and prefer the "
        "source's wording (like 'unspin restore --index'); ignored without an index",
    )


class TraceRequest(_Strict):
    text: str
    limit: int = Field(3, ge=1, le=20, description="report at most this many sources")


class ScreenRequest(_Strict):
    text: str = Field(description="the paper's text (UTF-8 JSON string)")
    field: str | None = Field(
        None, max_length=64,
        description="a discipline whose legitimate uses are whitelisted (e.g. medicine)",
    )
    discover: bool = Field(
        True, description="also propose unlisted tortured phrases (science-mode discovery)"
    )


class FetchRequest(_Strict):
    url: str = Field(min_length=1, max_length=4096, description="an http(s) URL")


class EditModel(BaseModel):
    start: int
    end: int
    spun: str
    original: str
    confidence: float
    evidence: dict[str, Any]


class CheckResponse(BaseModel):
    score: float
    verdict: str
    judgeable: bool
    message: str
    words: int
    edits: list[EditModel]


class RestoreResponse(CheckResponse):
    restored: str
    source: dict[str, Any] | None = Field(
        None, description="the traced source (a trace match) when an index found one"
    )


class TraceResponse(BaseModel):
    words: int
    found: bool
    candidates_checked: int
    seconds: float
    matches: list[dict[str, Any]]


class FindingModel(BaseModel):
    start: int
    end: int
    found: str
    expected: str
    kind: str = Field(description="listed (a fingerprint of the list) or discovered")
    confidence: float
    sentence: str
    page: int | None
    evidence: dict[str, Any]


class ScreenResponse(BaseModel):
    name: str
    words: int
    pages: int | None
    skipped_pages: list[int]
    message: str
    density: float = Field(description="tortured phrases per 1,000 words")
    listed_density: float
    discovered_density: float
    listed: int
    discovered: int
    findings: list[FindingModel]


class ScreenPdfResponse(ScreenResponse):
    text: str = Field(description="the text extracted from the PDF, which the offsets index")


class FetchResponse(BaseModel):
    url: str
    title: str | None
    text: str
    date: str | None
    author: str | None
    site: str | None


class HealthResponse(BaseModel):
    status: str
    version: str
    engine_loaded: bool
    index: dict[str, Any] | None
    queue: dict[str, int]
    limits: dict[str, Any]
    allow_private: bool


class ErrorResponse(BaseModel):
    error: str
    message: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorResponse} for code in codes}


# --------------------------------------------------------------------------- model pool


class _Expired(Exception):
    """Raised inside the engine (through its progress callback) to abandon work."""


class _Slots:
    """A first-come-first-served limit on concurrent jobs, used from the event loop only."""

    def __init__(self, n: int) -> None:
        self.free = n
        self.waiters: deque[asyncio.Future[None]] = deque()

    def request(self) -> asyncio.Future[None]:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.free > 0 and not self.waiters:
            self.free -= 1
            fut.set_result(None)
        else:
            self.waiters.append(fut)
        return fut

    def withdraw(self, fut: asyncio.Future[None]) -> None:
        """Give up a request: release the slot if it was granted, else leave the queue."""
        if fut.done() and not fut.cancelled():
            self.release()
            return
        fut.cancel()
        try:
            self.waiters.remove(fut)
        except ValueError:
            pass

    def release(self) -> None:
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                return
        self.free += 1

    @property
    def waiting(self) -> int:
        return sum(1 for f in self.waiters if not f.done())


class ModelPool:
    """Engine work in ``workers`` dedicated threads behind a FIFO queue with a deadline."""

    def __init__(
        self, workers: int, max_queue: int, index_path: Path | None, *, fast: bool = True
    ) -> None:
        if workers < 1:
            raise ValueError("model_workers must be at least 1")
        self.fast = fast
        self.workers = workers
        self.max_queue = max_queue
        self.index_path = index_path
        self._slots = _Slots(workers)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            workers, thread_name_prefix="unspin-model"
        )
        self._local = threading.local()
        self._count_lock = threading.Lock()
        self.running = 0
        self.completed = 0

    @property
    def waiting(self) -> int:
        return self._slots.waiting

    def index(self) -> Any:
        """This worker thread's own connection to the index (SQLite objects stay per thread)."""
        idx = getattr(self._local, "index", None)
        if idx is None and self.index_path is not None:
            from unspin.index import Index

            idx = self._local.index = Index(self.index_path, create=False)
        return idx

    def preload(self) -> concurrent.futures.Future[Any]:
        return self._executor.submit(unspin.get_engine, fast=self.fast)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def run(
        self,
        fn: Callable[..., Any],
        *,
        deadline: float,
        disconnected: Callable[[], Awaitable[bool]] | None = None,
    ) -> Any:
        """Run ``fn(check)`` in a worker; ``check()`` raises when the request was abandoned.

        Raises :class:`APIError` 503 when the queue is full or the deadline passes while
        queued, 504 when it passes during the work, 499 when the client went away.
        """
        if self._slots.free == 0 and self._slots.waiting >= self.max_queue:
            raise APIError(
                503,
                "busy",
                f"the server is busy: {self.max_queue} requests are already queued; "
                "try again shortly",
                {"Retry-After": "5"},
            )
        slot = self._slots.request()
        try:
            await self._wait(slot, deadline, disconnected, stage="queue")
        except BaseException:
            self._slots.withdraw(slot)
            raise
        # the slot is ours: it is released when the work ends, even after a timeout
        abandon = threading.Event()
        loop = asyncio.get_running_loop()

        def check(*_: Any) -> None:
            if abandon.is_set() or time.monotonic() > deadline:
                raise _Expired

        def work() -> Any:
            with self._count_lock:
                self.running += 1
            try:
                check()
                return fn(check)
            finally:
                with self._count_lock:
                    self.running -= 1
                    self.completed += 1

        def done(_: concurrent.futures.Future[Any]) -> None:
            try:
                loop.call_soon_threadsafe(self._slots.release)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                pass

        try:
            job = self._executor.submit(work)
        except RuntimeError:
            self._slots.release()
            raise APIError(503, "shutting_down", "the server is shutting down") from None
        job.add_done_callback(done)
        fut = asyncio.wrap_future(job)
        try:
            await self._wait(fut, deadline, disconnected, stage="work")
        except BaseException:
            abandon.set()
            fut.add_done_callback(lambda f: f.cancelled() or f.exception())  # no warnings
            raise
        try:
            return fut.result()
        except _Expired:
            raise APIError(504, "timeout", _timeout_message()) from None

    async def _wait(
        self,
        fut: asyncio.Future[Any],
        deadline: float,
        disconnected: Callable[[], Awaitable[bool]] | None,
        stage: str,
    ) -> None:
        while not fut.done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if stage == "queue":
                    raise APIError(
                        503,
                        "busy",
                        "the server is busy: the request waited in the queue until its time "
                        "limit; try again shortly",
                        {"Retry-After": "5"},
                    )
                raise APIError(504, "timeout", _timeout_message())
            await asyncio.wait({fut}, timeout=min(_POLL, remaining))
            if not fut.done() and disconnected is not None and await disconnected():
                raise APIError(499, "client_closed", "the client closed the connection")


def _timeout_message() -> str:
    return (
        "the request took longer than the server's time limit (queue wait and work); "
        "send a shorter text or start the server with a larger --timeout"
    )


# --------------------------------------------------------------------------- ASGI guard


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _host_name(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class _Guard:
    """Outermost ASGI layer: Host check, JSON-only POSTs, body size and read time limits,
    and security headers on every response."""

    def __init__(
        self,
        app: Any,
        *,
        max_body: int,
        body_timeout: float,
        trusted_hosts: frozenset[str] | None,
        max_pdf: int = DEFAULT_MAX_PDF,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_pdf = max_pdf
        self.body_timeout = body_timeout
        self.trusted_hosts = trusted_hosts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        if self.trusted_hosts is not None:
            host = _host_name(_header(scope, b"host") or "")
            if host not in self.trusted_hosts:
                await self._reject(
                    send_secure, 400, "bad_host",
                    f"Host {host or '(none)'!r} is not served here; open the page through "
                    f"{' or '.join(sorted(self.trusted_hosts))}",
                )  # fmt: skip
                return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send_secure)
            return
        limit = self.max_body
        if scope["path"].startswith("/api/"):
            ctype = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
            want = _BODY_TYPES.get(scope["path"], "application/json")
            if ctype != want:
                what = "JSON" if want == "application/json" else "the PDF file itself"
                await self._reject(
                    send_secure, 415, "unsupported_media_type",
                    f"send the request body as {what} with Content-Type: {want}",
                )  # fmt: skip
                return
            if want == "application/pdf":
                limit = self.max_pdf
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._reject(send_secure, 400, "bad_request", "invalid Content-Length")
                return
            if declared > limit:
                await self._too_large(send_secure, limit)
                return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        await self._too_large(send_secure, limit)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await self._reject(
                send_secure, 408, "body_timeout", "the request body did not arrive in time"
            )
            return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_secure)

    async def _too_large(self, send: Any, limit: int) -> None:
        await self._reject(
            send, 413, "body_too_large",
            f"the request body is larger than the server's limit of {limit:,} bytes",
        )  # fmt: skip

    @staticmethod
    async def _reject(send: Any, status: int, code: str, message: str) -> None:
        body = _error_body(code, message)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- the app


def _web_file(name: str) -> bytes:
    return (resources.files("unspin") / "web" / name).read_bytes()


def _index_path(index: Any) -> Path | None:
    if index is None:
        return None
    path = Path(getattr(index, "path", index))
    from unspin.index import Index

    Index(path, create=False).close()  # raises IndexFileError now, not on the first request
    return path


def create_app(
    index: str | os.PathLike[str] | Any | None = None,
    *,
    allow_private: bool = False,
    allowed_hosts: Iterable[str] = (),
    max_body: int = DEFAULT_MAX_BODY,
    max_pdf: int = DEFAULT_MAX_PDF,
    request_timeout: float = DEFAULT_TIMEOUT,
    model_workers: int = 1,
    max_queue: int = DEFAULT_MAX_QUEUE,
    trusted_hosts: Iterable[str] | None = LOOPBACK_HOSTS,
    obey_robots: bool = True,
    fetch_options: dict[str, Any] | None = None,
    body_timeout: float | None = None,
    accurate: bool = False,
) -> Any:
    """Build the ASGI application (FastAPI wrapped in the size/host/header guard).

    ``index``: path of an unspin index (enables ``/api/trace`` and source-aware restore).
    ``allow_private``: let ``/api/fetch`` reach private, loopback and link-local addresses
    (cloud metadata addresses stay refused); ``allowed_hosts`` lists ``host[:port]`` entries
    that may be fetched even though they are private. ``trusted_hosts``: Host header names
    accepted (DNS-rebinding protection); ``None`` accepts any. ``fetch_options`` go to
    :class:`unspin.fetch.Fetcher`. ``body_timeout``: seconds allowed for receiving a request
    body (default: the request time limit, at least 30 s); the request time limit starts
    once the body is in. ``accurate``: neural rescoring (when installed); off by default,
    because at about 430 words/s a queue of 64 articles would outlast the time limit, while
    fast mode answers a 600-word article in about 50 ms. The FastAPI app itself is ``app.api``.
    """
    if max_body < 1 or max_pdf < 1 or request_timeout <= 0 or max_queue < 1:
        raise ValueError("max_body, max_pdf, request_timeout and max_queue must be positive")
    index_path = _index_path(index)
    pool = ModelPool(model_workers, max_queue, index_path, fast=not accurate)
    web = {path: (_web_file(name), ctype) for path, (name, ctype) in _WEB_FILES.items()}
    fetch_kw: dict[str, Any] = {
        "timeout": min(15.0, request_timeout),
        "total_timeout": request_timeout,
        "retries": 1,
        "delay": 1.0,
        "obey_robots": obey_robots,
        "allow_private": allow_private,
        "allowed_hosts": tuple(allowed_hosts),
    }
    fetch_kw.update(fetch_options or {})
    state: dict[str, Any] = {"fetcher": None, "doc_count": None, "doc_count_at": 0.0}
    fetch_pool = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="unspin-fetch")

    def fetcher() -> Any:
        if state["fetcher"] is None:
            from unspin.fetch import Fetcher

            state["fetcher"] = Fetcher(**fetch_kw)
        return state["fetcher"]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        await asyncio.wrap_future(pool.preload())
        try:
            yield
        finally:
            pool.shutdown()
            fetch_pool.shutdown(wait=False, cancel_futures=True)
            if state["fetcher"] is not None:
                state["fetcher"].close()

    api = FastAPI(
        title="unspin",
        version=unspin.__version__,
        description="Find, explain and reverse article-spinner synonym swaps. The results "
        "are the JSON that the CLI prints with --json.",
        docs_url=None,  # the Swagger and ReDoc pages load scripts from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    api.state.pool = pool

    # ---- error handlers

    @api.exception_handler(APIError)
    async def _api_error(_req: Request, exc: APIError) -> JSONResponse:
        resp = _error_response(exc.status, exc.code, exc.message)
        resp.headers.update(exc.headers)
        return resp

    @api.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error_response(400, "invalid_json", "the request body is not valid JSON")
        details = []
        for e in errors:
            loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
            details.append({"field": loc, "message": e.get("msg", "invalid")})
        message = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        return _error_response(422, "invalid_request", message, errors=details)

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        resp = _error_response(
            exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail)
        )
        if exc.headers:
            resp.headers.update(exc.headers)
        return resp

    @api.exception_handler(Exception)
    async def _internal(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error")
        return _error_response(500, "internal_error", f"internal error: {type(exc).__name__}")

    # ---- helpers

    async def run_engine(request: Request, fn: Callable[..., Any]) -> Any:
        deadline = time.monotonic() + request_timeout
        try:
            return await pool.run(fn, deadline=deadline, disconnected=request.is_disconnected)
        except UnspinInputError as exc:
            raise APIError(422, "unusable_input", str(exc)) from None

    def check_text(text: str) -> None:
        if "\x00" in text:
            raise APIError(422, "unusable_input", "the text contains NUL characters (binary?)")

    # ---- API

    @api.post(
        "/api/check",
        response_model=CheckResponse,
        responses=_errors(400, 413, 415, 422, 503, 504),
        summary="Flag suspected spun spans and score the document",
    )
    async def api_check(body: TextRequest, request: Request) -> Response:
        check_text(body.text)

        def work(check: Callable[..., None]) -> dict[str, Any]:
            return unspin.check(
                body.text,
                min_confidence=body.min_confidence,
                progress=check,
                index=pool.index(),
                site=body.text_site(),
                fast=pool.fast,
            ).to_dict()

        return JSONResponse(await run_engine(request, work))

    @api.post(
        "/api/restore",
        response_model=RestoreResponse,
        responses=_errors(400, 413, 415, 422, 503, 504),
        summary="Propose the original wording and return the restored text",
    )
    async def api_restore(body: RestoreRequest, request: Request) -> Response:
        check_text(body.text)

        def work(check: Callable[..., None]) -> dict[str, Any]:
            idx = pool.index() if body.use_index else None
            result = unspin.restore(
                body.text,
                min_confidence=body.min_confidence,
                progress=check,
                index=idx,
                site=body.text_site(),
                fast=pool.fast,
            )
            return result.to_dict()

        return JSONResponse(await run_engine(request, work))

    @api.post(
        "/api/trace",
        response_model=TraceResponse,
        responses=_errors(400, 404, 413, 415, 422, 503, 504),
        summary="Find the indexed article the text was copied from (needs --index)",
    )
    async def api_trace(body: TraceRequest, request: Request) -> Response:
        if index_path is None:
            raise APIError(
                404,
                "no_index",
                "no index is configured; start the server with 'unspin serve --index PATH'",
            )
        check_text(body.text)
        if not body.text.strip():
            raise APIError(422, "unusable_input", "input is empty")

        def work(check: Callable[..., None]) -> dict[str, Any]:
            return unspin.trace(body.text, pool.index(), limit=body.limit).to_dict()

        return JSONResponse(await run_engine(request, work))

    @api.post(
        "/api/screen",
        response_model=ScreenResponse,
        responses=_errors(400, 413, 415, 422, 503, 504),
        summary="Science mode: the listed and discovered tortured phrases of a paper",
    )
    async def api_screen(body: ScreenRequest, request: Request) -> Response:
        check_text(body.text)
        words = len(body.text.split())
        if words > SCREEN_MAX_WORDS:
            raise APIError(
                413, "too_long",
                f"the text has {words:,} words; the API screens at most {SCREEN_MAX_WORDS:,} "
                "per request (the CLI, 'unspin screen', has no limit)",
            )
        def work(check: Callable[..., None]) -> dict[str, Any]:
            return unspin.screen(body.text, field=body.field, discover=body.discover).to_dict()

        return JSONResponse(await run_engine(request, work))

    @api.post(
        "/api/screen-pdf",
        response_model=ScreenPdfResponse,
        responses=_errors(400, 413, 415, 422, 503, 504),
        summary="Science mode on a PDF sent as the request body (Content-Type: application/pdf)",
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}},
    )
    async def api_screen_pdf(
        request: Request,
        name: str = Query("upload.pdf", max_length=255, description="the file's name"),
        field: str | None = Query(None, max_length=64),
        discover: bool = Query(True),
    ) -> Response:
        data = await request.body()
        if not data.startswith(b"%PDF-"):
            raise APIError(
                422, "unusable_input", "the file is not a PDF (it does not start with %PDF-)"
            )
        shown = "".join(ch for ch in name if ch.isprintable()).strip() or "upload.pdf"

        def work(check: Callable[..., None]) -> dict[str, Any]:
            # the page limit bounds the work, as the word limit does for text
            report = unspin.screen(pdf=data, name=shown, field=field, discover=discover,
                                   max_pages=SCREEN_MAX_PAGES)
            return {**report.to_dict(), "text": report.text}

        return JSONResponse(await run_engine(request, work))

    @api.post(
        "/api/fetch",
        response_model=FetchResponse,
        responses=_errors(400, 403, 413, 415, 422, 502, 504),
        summary="Fetch a web page and extract its article text",
    )
    async def api_fetch(body: FetchRequest) -> Response:
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(fetch_pool, _fetch_article, fetcher(), body.url.strip())
        try:
            async with asyncio.timeout(request_timeout):
                return JSONResponse(await job)
        except TimeoutError:
            raise APIError(504, "timeout", "fetching the page took too long") from None

    @api.get("/api/health", response_model=HealthResponse, summary="Server state")
    async def api_health() -> Response:
        index_info = None
        if index_path is not None:
            now = time.monotonic()
            if state["doc_count"] is None or now - state["doc_count_at"] > _HEALTH_CACHE_S:
                state["doc_count_at"] = now
                try:
                    state["doc_count"] = await asyncio.to_thread(_count_documents, index_path)
                except Exception as exc:  # an index file replaced or removed under us
                    log.warning("cannot count the index documents: %s", exc)
            index_info = {"configured": True, "documents": state["doc_count"]}
        return JSONResponse(
            {
                "status": "ok",
                "version": unspin.__version__,
                "mode": "fast" if pool.fast else "accurate",
                "engine_loaded": unspin._ENGINE is not None,
                "index": index_info,
                "queue": {
                    "waiting": pool.waiting,
                    "running": pool.running,
                    "workers": pool.workers,
                    "max_queue": pool.max_queue,
                    "completed": pool.completed,
                },
                "limits": {"max_body": max_body, "request_timeout": request_timeout,
                           "screen_max_words": SCREEN_MAX_WORDS, "max_pdf": max_pdf,
                           "screen_max_pages": SCREEN_MAX_PAGES},
                "allow_private": allow_private,
            },
            headers={"Cache-Control": "no-store"},
        )

    # ---- the web page

    def web_route(path: str) -> None:
        data, ctype = web[path]

        async def page() -> Response:
            return Response(data, media_type=ctype, headers={"Cache-Control": "no-cache"})

        api.add_api_route(path, page, methods=["GET", "HEAD"], include_in_schema=False)

    for path in web:
        web_route(path)

    guarded = _Guard(
        api,
        max_body=max_body,
        max_pdf=max_pdf,
        body_timeout=body_timeout if body_timeout is not None else max(30.0, request_timeout),
        trusted_hosts=None
        if trusted_hosts is None
        else frozenset(h.lower() for h in trusted_hosts),
    )
    guarded.api = api  # type: ignore[attr-defined]
    return guarded


def _count_documents(path: Path) -> int:
    from unspin.index import Index

    with Index(path, create=False) as idx:
        return len(idx)


_FETCH_STATUS = {"refused": 403, "fetch_failed": 502, "not_html": 422, "no_article": 422}


def _fetch_article(fetcher: Any, url: str) -> dict[str, Any]:
    from unspin.extract import ArticleError, fetch_article

    try:
        return fetch_article(fetcher, url)
    except ArticleError as exc:
        raise APIError(_FETCH_STATUS[exc.kind], exc.kind, str(exc)) from None


# --------------------------------------------------------------------------- serving


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; raises OSError with a readable message."""
    name = host.strip("[]")
    infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, addr = infos[0]
    # proto must say TCP: asyncio only sets TCP_NODELAY on such sockets, and without it a
    # small response waits ~40 ms for a delayed ACK (Nagle)
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(addr)
        sock.listen(2048)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log_level: str = "info",
    access_log: bool = True,
    announce: Callable[[str], None] | None = None,
    **app_options: Any,
) -> None:
    """Run the server until interrupted. ``app_options`` go to :func:`create_app`.

    Unless ``trusted_hosts`` is given, a loopback server accepts only loopback Host names
    and a server on any other address accepts every Host header.
    """
    import uvicorn

    if "trusted_hosts" not in app_options:
        app_options["trusted_hosts"] = (
            LOOPBACK_HOSTS + (host.strip("[]").lower(),) if is_loopback(host) else None
        )
    app = create_app(**app_options)
    sock = bind_socket(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        server_header=False,
        timeout_keep_alive=5,
        lifespan="on",
    )
    if announce is not None:
        announce(f"http://{shown}:{bound}/")
    uvicorn.Server(config).run(sockets=[sock])
