"""A polite, safe HTTP fetcher: robots.txt, per-host rate limit, retries, SSRF protection.

Every request (each redirect hop and each robots.txt fetch included) goes through the same
policy: http/https only, no credentials in the URL, and the host must resolve only to public
addresses (unless ``allow_private`` or the host is listed in ``allowed_hosts``). The request is
then sent to the address that was checked, so a DNS answer that changes between the check and
the connection cannot redirect it to a private address.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

__all__ = [
    "DEFAULT_USER_AGENT",
    "BlockedURL",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "is_public_address",
    "resolve_and_check",
]

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "unspin/0.1 (+https://github.com/unspin/unspin; spun-text research)"

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
_METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_SHARED_NET = ipaddress.ip_network("100.64.0.0/10")
_NAT64_NET = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch failed; ``reason`` is a short label ("timeout", "HTTP 404", ...)."""

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.reason = reason or message


class BlockedURL(FetchError):
    """A URL refused by policy: bad scheme, credentials, private address or robots.txt."""


@dataclass
class FetchResult:
    """A fetched response. ``redirects`` lists the URLs that redirected, in order."""

    url: str
    status: int
    content_type: str
    encoding: str | None
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        """The body decoded with the header charset, else UTF-8 (undecodable bytes replaced)."""
        try:
            return self.content.decode(self.encoding or "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64_NET:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _effective_address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``ip`` really reaches: an IPv4 address embedded in an IPv6 one (mapped,
    6to4, NAT64) stands for itself; None when ``ip`` is not an address."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address):
        inner = _embedded_ipv4(addr)
        if inner is not None:
            return inner
    return addr


def is_public_address(ip: str) -> bool:
    """True when ``ip`` is a globally routable unicast address (not a cloud metadata one)."""
    addr = _effective_address(ip)
    if addr is None or addr in _METADATA_ADDRESSES:
        return False
    if isinstance(addr, ipaddress.IPv4Address) and addr in _SHARED_NET:
        return False
    return not (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or not addr.is_global
    )


def _is_metadata_address(ip: str) -> bool:
    return _effective_address(ip) in _METADATA_ADDRESSES


def _host_port_key(host: str, port: int) -> str:
    host = host.lower().rstrip(".")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def _normalise_allowed(allowed_hosts: Iterable[str]) -> frozenset[str]:
    out = set()
    for entry in allowed_hosts:
        entry = entry.strip().lower()
        if entry:
            out.add(entry)
    return frozenset(out)


def _is_allowed_host(host: str, port: int, allowed: frozenset[str]) -> bool:
    if not allowed:
        return False
    key = _host_port_key(host, port)
    bare = key.rsplit(":", 1)[0]
    # an entry without a port allows every port of that host
    return key in allowed or bare in allowed or bare.strip("[]") in allowed


def resolve_and_check(
    host: str,
    port: int,
    allow_private: bool = False,
    allowed_hosts: Iterable[str] = (),
) -> list[str]:
    """Resolve ``host`` and return its addresses, or raise :class:`BlockedURL`.

    Refused unless every address is public (see :func:`is_public_address`), except when
    ``allow_private`` is set or ``host:port`` (or bare ``host``) is in ``allowed_hosts``.
    Cloud metadata hosts are refused even with ``allow_private``.
    Raises :class:`FetchError` when the name does not resolve.
    """
    allowed = _is_allowed_host(host, port, _normalise_allowed(allowed_hosts))
    name = host.strip("[]").rstrip(".").lower()
    if not name:
        raise BlockedURL("refused: URL has no host", reason="refused: no host")
    if name in _METADATA_HOSTS and not allowed:
        raise BlockedURL(
            f"refused: {host} is a cloud metadata host", reason="refused: metadata host"
        )
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(
            f"cannot resolve host {host}: {exc}", reason=f"DNS lookup failed for {host}"
        ) from None
    addresses: list[str] = []
    for info in infos:
        ip = str(info[4][0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchError(f"host {host} has no addresses", reason=f"DNS lookup failed for {host}")
    if allowed:
        return addresses
    for ip in addresses:
        if _is_metadata_address(ip):
            raise BlockedURL(
                f"refused: {host} resolves to the cloud metadata address {ip}",
                reason=f"refused: metadata address {ip}",
            )
        if not allow_private and not is_public_address(ip):
            raise BlockedURL(
                f"refused: {host} resolves to the non-public address {ip}",
                reason=f"refused: private address {ip}",
            )
    return addresses


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(5):  # httpx wraps httpcore's error, which wraps the ssl one
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _TooLarge(Exception):
    pass


class _Deadline(Exception):
    pass


@dataclass
class _Target:
    url: httpx.URL
    host: str  # ASCII (IDNA) host name, no brackets
    port: int
    origin: str  # scheme://host:port, the robots.txt and rate-limit key
    addresses: list[str]


# robots.txt outcomes when there is no file to parse
_ALLOW_ALL = "allow"
_DISALLOW_ALL = "disallow"


@dataclass
class _Robots:
    rules: urllib.robotparser.RobotFileParser | str
    crawl_delay: float | None = None
    why: str = ""
    error: FetchError | None = None  # the network error that made robots.txt unreachable


class Fetcher:
    """Fetch web pages politely and safely. Thread safe; use as a context manager or close()."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 15.0,
        retries: int = 3,
        delay: float = 1.0,
        obey_robots: bool = True,
        allow_private: bool = False,
        allowed_hosts: Iterable[str] = (),
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
        backoff: float = 1.0,
        max_retry_after: float = 60.0,
        max_crawl_delay: float = 60.0,
        total_timeout: float | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        """``timeout`` bounds connecting and each read; ``total_timeout`` (default 4 x timeout)
        bounds one whole response. ``backoff`` is the first retry wait, doubled each time.
        A Retry-After longer than ``max_retry_after`` is not waited for: the fetch fails.
        ``verify`` is httpx's TLS verification (an SSLContext for a private CA)."""
        if retries < 0 or delay < 0 or timeout <= 0 or max_bytes < 1 or max_redirects < 0:
            raise ValueError("invalid Fetcher option")
        self.user_agent = user_agent
        self.timeout = timeout
        self.total_timeout = total_timeout if total_timeout is not None else 4 * timeout
        self.retries = retries
        self.delay = delay
        self.obey_robots = obey_robots
        self.allow_private = allow_private
        self.allowed_hosts = _normalise_allowed(allowed_hosts)
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_crawl_delay = max_crawl_delay
        # Keep-alive is off: requests go to a pinned address with an SNI name, and a pooled
        # connection could otherwise be reused for another host name on the same address.
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            verify=verify,
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            },
        )
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, threading.Lock] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- policy ----------------------------------------------------------------------------

    def _target(self, url: str | httpx.URL) -> _Target:
        try:
            parsed = httpx.URL(url) if isinstance(url, str) else url
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise BlockedURL(
                f"refused: invalid URL {url!r}: {exc}", reason="refused: invalid URL"
            ) from None
        text = str(parsed)
        scheme = parsed.scheme.lower()
        if scheme not in ("http", "https"):
            raise BlockedURL(
                f"refused: scheme {scheme or '(none)'!r} in {text} (only http and https)",
                url=text,
                reason=f"refused: scheme {scheme or '(none)'}",
            )
        if parsed.userinfo:
            raise BlockedURL(
                f"refused: credentials in URL {text}",
                url=text,
                reason="refused: credentials in URL",
            )
        try:
            host = parsed.raw_host.decode("ascii")
        except UnicodeDecodeError:
            raise BlockedURL(
                f"refused: bad host in {text}", url=text, reason="refused: invalid URL"
            ) from None
        if not host:
            raise BlockedURL(f"refused: no host in {text}", url=text, reason="refused: no host")
        port = parsed.port or (443 if scheme == "https" else 80)
        try:
            addresses = resolve_and_check(host, port, self.allow_private, self.allowed_hosts)
        except FetchError as exc:
            exc.url = text
            raise
        origin = f"{scheme}://{_host_port_key(host, port)}"
        return _Target(parsed.copy_with(fragment=None), host, port, origin, addresses)

    def check_url(self, url: str) -> list[str]:
        """Validate ``url`` against the policy without fetching; return its checked addresses.

        Raises :class:`BlockedURL` (or :class:`FetchError` when the host does not resolve).
        robots.txt is not consulted.
        """
        return self._target(url).addresses

    # -- rate limit ------------------------------------------------------------------------

    def _wait_turn(self, origin_host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_slot.get(origin_host, 0.0))
            gap = max(self.delay, self._host_delay.get(origin_host, 0.0))
            self._next_slot[origin_host] = start + gap
        if start > now:
            time.sleep(start - now)

    def _push_back(self, origin_host: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            if self._next_slot.get(origin_host, 0.0) < until:
                self._next_slot[origin_host] = until

    # -- sending ---------------------------------------------------------------------------

    def _send_once(
        self, target: _Target, max_bytes: int, truncate: bool
    ) -> tuple[int, httpx.Headers, bytes]:
        headers = {"Host": target.url.netloc.decode("ascii")}
        extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
        last: Exception | None = None
        for ip in target.addresses:
            pinned = target.url.copy_with(host=ip.split("%", 1)[0])
            try:
                return self._stream(pinned, headers, extensions, max_bytes, truncate)
            except httpx.ConnectError as exc:
                last = exc  # try the next address of the host
        assert last is not None
        raise last

    def _stream(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        extensions: dict[str, str],
        max_bytes: int,
        truncate: bool,
    ) -> tuple[int, httpx.Headers, bytes]:
        deadline = time.monotonic() + self.total_timeout
        with self._client.stream("GET", url, headers=headers, extensions=extensions) as resp:
            length = resp.headers.get("content-length", "")
            if (
                not truncate
                and resp.status_code not in _REDIRECT_STATUSES
                and length.isdigit()
                and int(length) > max_bytes
            ):
                raise _TooLarge(f"Content-Length {length}")
            chunks: list[bytes] = []
            size = 0
            if resp.status_code not in _REDIRECT_STATUSES:
                # iter_bytes decompresses, so a compression bomb is bounded too
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        if truncate:
                            chunks.append(chunk[: max_bytes - (size - len(chunk))])
                            break
                        raise _TooLarge(f"more than {max_bytes} bytes")
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise _Deadline()
            return resp.status_code, resp.headers, b"".join(chunks)

    def _send(
        self, target: _Target, max_bytes: int, truncate: bool
    ) -> tuple[int, httpx.Headers, bytes]:
        url = str(target.url)
        rate_key = _host_port_key(target.host, target.port)
        for attempt in range(self.retries + 1):
            self._wait_turn(rate_key)
            wait = self.backoff * (2**attempt) * random.uniform(0.5, 1.0)
            try:
                status, headers, body = self._send_once(target, max_bytes, truncate)
            except _TooLarge as exc:
                raise FetchError(
                    f"response from {url} is too large ({exc}; the limit is {max_bytes} bytes)",
                    url=url,
                    reason=f"too large (> {max_bytes} bytes)",
                ) from None
            except httpx.DecodingError as exc:
                raise FetchError(
                    f"cannot decode the response from {url}: {exc}",
                    url=url,
                    reason="bad response encoding",
                ) from None
            except (httpx.TimeoutException, _Deadline):
                error = FetchError(f"timeout fetching {url}", url=url, reason="timeout")
            except httpx.TransportError as exc:
                if _is_tls_error(exc):
                    raise FetchError(
                        f"TLS error fetching {url}: {exc}", url=url, reason="TLS error"
                    ) from None
                error = FetchError(
                    f"connection error fetching {url}: {exc or type(exc).__name__}",
                    url=url,
                    reason="connection error",
                )
            except httpx.HTTPError as exc:
                raise FetchError(f"fetching {url} failed: {exc}", url=url, reason="error") from None
            else:
                retryable = status == 429 or (500 <= status < 600 and status != 501)
                if not retryable or attempt == self.retries:
                    return status, headers, body
                retry_after = _parse_retry_after(headers.get("retry-after"))
                if retry_after is not None:
                    if retry_after > self.max_retry_after:
                        return status, headers, body
                    self._push_back(rate_key, retry_after)
                    wait = max(wait, retry_after)
                log.debug("HTTP %s from %s, retry %d in %.2fs", status, url, attempt + 1, wait)
                time.sleep(wait)
                continue
            if attempt == self.retries:
                raise error
            log.debug("%s, retry %d in %.2fs", error, attempt + 1, wait)
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _fetch(
        self, url: str, *, robots: bool, max_bytes: int, truncate: bool = False
    ) -> FetchResult:
        redirects: list[str] = []
        target = self._target(url)
        while True:
            if robots:
                self._check_robots(target)
            status, headers, body = self._send(target, max_bytes, truncate)
            location = headers.get("location")
            if status in _REDIRECT_STATUSES and location:
                redirects.append(str(target.url))
                if len(redirects) > self.max_redirects:
                    raise FetchError(
                        f"too many redirects (more than {self.max_redirects}) from {url}",
                        url=url,
                        reason="too many redirects",
                    )
                next_url = urljoin(str(target.url), location.strip())
                try:
                    target = self._target(next_url)
                except FetchError as exc:
                    exc.args = (f"redirect from {target.url}: {exc}",)
                    raise
                continue
            break
        mime, _, params = headers.get("content-type", "").partition(";")
        encoding = None
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "charset" and value.strip():
                encoding = value.strip().strip("'\"").lower()
        return FetchResult(
            url=str(target.url),
            status=status,
            content_type=mime.strip().lower(),
            encoding=encoding,
            content=body,
            headers={k.lower(): v for k, v in headers.items()},
            redirects=redirects,
        )

    def get(self, url: str) -> FetchResult:
        """Fetch ``url`` (following redirects, each hop checked) and return a 2xx response.

        Raises :class:`BlockedURL` when policy or robots.txt refuses it, and
        :class:`FetchError` on network errors, timeouts, oversize bodies and non-2xx status
        (``status`` set, ``reason`` like "HTTP 404").
        """
        result = self._fetch(url, robots=self.obey_robots, max_bytes=self.max_bytes)
        if not result.ok:
            raise FetchError(
                f"HTTP {result.status} for {result.url}",
                url=result.url,
                status=result.status,
                reason=f"HTTP {result.status}",
            )
        return result

    # -- robots.txt ------------------------------------------------------------------------

    def _check_robots(self, target: _Target) -> None:
        robots = self._robots_for(target)
        url = str(target.url)
        if robots.rules == _ALLOW_ALL:
            allowed = True
        elif robots.rules == _DISALLOW_ALL:
            if robots.error is not None:
                # the host is unreachable: report the network failure, not a policy refusal
                raise FetchError(
                    f"robots.txt of {target.origin} is unreachable: {robots.error}",
                    url=url,
                    reason=robots.error.reason,
                )
            raise BlockedURL(
                f"robots.txt of {target.origin} is unavailable ({robots.why}); "
                "the host is treated as disallowed",
                url=url,
                reason=f"robots.txt unavailable ({robots.why})",
            )
        else:
            assert isinstance(robots.rules, urllib.robotparser.RobotFileParser)
            allowed = robots.rules.can_fetch(self.user_agent, url)
        if not allowed:
            raise BlockedURL(f"robots.txt disallows {url}", url=url, reason="robots.txt disallows")

    def _robots_for(self, target: _Target) -> _Robots:
        origin = target.origin
        with self._lock:
            cached = self._robots.get(origin)
            if cached is not None:
                return cached
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            with self._lock:
                cached = self._robots.get(origin)
            if cached is not None:
                return cached
            robots = self._load_robots(origin)
            with self._lock:
                self._robots[origin] = robots
                if robots.crawl_delay:
                    key = _host_port_key(target.host, target.port)
                    self._host_delay[key] = min(robots.crawl_delay, self.max_crawl_delay)
            return robots

    def _load_robots(self, origin: str) -> _Robots:
        robots_url = f"{origin}/robots.txt"
        try:
            result = self._fetch(
                robots_url, robots=False, max_bytes=_ROBOTS_MAX_BYTES, truncate=True
            )
        except BlockedURL as exc:
            return _Robots(_DISALLOW_ALL, why=exc.reason)
        except FetchError as exc:
            if exc.reason == "too many redirects":
                return _Robots(_ALLOW_ALL)  # RFC 9309 2.3.1.2: may be taken as unavailable
            return _Robots(_DISALLOW_ALL, why=exc.reason, error=exc)
        # RFC 9309: 4xx means no restrictions, 5xx (after retries) means disallow everything
        if 400 <= result.status < 500:
            return _Robots(_ALLOW_ALL)
        if result.status >= 500:
            return _Robots(_DISALLOW_ALL, why=f"HTTP {result.status}")
        if not result.ok:
            return _Robots(_ALLOW_ALL)  # e.g. a redirect without Location: unavailable
        lines = result.content.decode("utf-8", errors="replace").splitlines()
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(_scale_crawl_delay(lines))
        delay = parser.crawl_delay(self.user_agent)
        crawl_delay = float(delay) / 1000 if delay is not None else None
        return _Robots(parser, crawl_delay=crawl_delay)


def _scale_crawl_delay(lines: list[str]) -> list[str]:
    """Rewrite Crawl-delay values in milliseconds: robotparser only accepts integers."""
    out = []
    for line in lines:
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "crawl-delay":
            raw = value.split("#", 1)[0].strip()
            try:
                ms = max(0, round(float(raw) * 1000))
            except ValueError:
                continue
            line = f"Crawl-delay: {ms}"
        out.append(line)
    return out
