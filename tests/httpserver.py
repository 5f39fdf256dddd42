"""A small real HTTP server for tests: routes map a path to a canned or computed response."""

from __future__ import annotations

import gzip
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    """What the server answers. ``body`` may be an iterable of chunks (sent unframed)."""

    status: int = 200
    body: bytes | str | Iterable[bytes] = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


@dataclass
class Hit:
    path: str
    time: float  # time.monotonic() when the request arrived
    headers: dict[str, str]


Handler = Callable[[int], Response]  # called with how many times the path was hit before


class Server:
    """ThreadingHTTPServer on 127.0.0.1 (or ``host``) with a random port, run in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None) -> None:
        self.address = host
        self.scheme = "https" if tls else "http"
        self.routes: dict[str, Response | Handler] = {}
        self.hits: list[Hit] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer((host, 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def host(self) -> str:
        return f"{self.address}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.address}:{self.port}{path}"

    def route(self, path: str, response: Response | Handler | str | bytes, **kw: object) -> None:
        """Serve ``response`` at ``path``; a str/bytes body takes Response keywords."""
        if isinstance(response, str | bytes):
            response = Response(body=response, **kw)  # type: ignore[arg-type]
        self.routes[path] = response

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        self.route(path, Response(status=status, headers={"Location": location}, content_type=None))

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [h.time for h in self.hits if h.path == path]

    def count(self, path: str) -> int:
        return len(self.times(path))

    def close(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        with self._lock:
            before = sum(1 for h in self.hits if h.path == req.path)
            self.hits.append(Hit(req.path, time.monotonic(), dict(req.headers.items())))
        route = self.routes.get(req.path)
        if route is None:
            response = Response(status=404, body="not found", content_type="text/plain")
        elif isinstance(route, Response):
            response = route
        else:
            response = route(before)
        if response.delay and self._stop.wait(response.delay):
            return
        try:
            self._send(req, response)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (timeout or size limit): expected in tests

    def _send(self, req: BaseHTTPRequestHandler, response: Response) -> None:
        body = response.body
        req.send_response(response.status)
        if response.content_type:
            req.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            req.send_header(key, value)
        if isinstance(body, str | bytes):
            data = body.encode("utf-8") if isinstance(body, str) else body
            if "Content-Length" not in response.headers:
                req.send_header("Content-Length", str(len(data)))
            req.end_headers()
            req.wfile.write(data)
            return
        req.end_headers()  # HTTP/1.0 without a length: the body ends when we close
        for chunk in body:
            if self._stop.is_set():
                return
            req.wfile.write(chunk)


def gzipped(data: str | bytes) -> bytes:
    return gzip.compress(data.encode("utf-8") if isinstance(data, str) else data)


def article_html(title: str, paragraphs: list[str], *, meta: str = "") -> str:
    """A small news page: navigation, an article with a headline, a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>{meta}</head>
<body>
<nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
{body}
</article>
<footer><p>Copyright The Example Gazette</p></footer>
</body></html>"""
