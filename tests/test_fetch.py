"""Tests for unspin.fetch against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from httpserver import Response, Server, article_html, gzipped

from unspin.fetch import (
    DEFAULT_USER_AGENT,
    BlockedURL,
    Fetcher,
    FetchError,
    is_public_address,
    resolve_and_check,
)

PAGE = article_html(
    "Harbour ferry returns after repairs",
    [
        "The harbour ferry of Lowmere returned to service on Monday after three weeks of repairs.",
        "Engineers replaced the old engine and fitted new seats for the forty daily passengers.",
        "The ferry company said timetables would stay the same for the rest of the summer.",
    ],
)

MakeFetcher = Callable[..., Fetcher]


# -- policy without a server ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.2:8080/x",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
        "http://169.254.169.254/latest/meta-data",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fe80::1]/",
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0x7f.1/",  # hex 127.0.0.1
        "http://0177.0.0.1/",  # octal 127.0.0.1
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a00:1]/",  # IPv4-mapped 10.0.0.1
        "http://[2002:a00:1::]/",  # 6to4 of 10.0.0.1
        "http://localhost./",
    ],
)
def test_check_url_refuses_non_public_hosts(url: str) -> None:
    with Fetcher() as fetcher, pytest.raises(BlockedURL) as info:
        fetcher.check_url(url)
    assert info.value.reason.startswith("refused:")
    assert isinstance(info.value, FetchError)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/file", "refused: scheme ftp"),
        ("file:///etc/passwd", "refused: scheme file"),
        ("gopher://example.com/", "refused: scheme gopher"),
        ("javascript:alert(1)", "refused: scheme javascript"),
        ("http://user:secret@example.com/", "refused: credentials in URL"),
    ],
)
def test_check_url_refuses_schemes_and_credentials(url: str, reason: str) -> None:
    with Fetcher() as fetcher, pytest.raises(BlockedURL) as info:
        fetcher.check_url(url)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("100.100.100.200", False),
        ("169.254.169.254", False),
        ("fd00:ec2::254", False),
        ("::ffff:192.168.0.1", False),
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("ff02::1", False),
        ("240.0.0.1", False),
        ("not an ip", False),
    ],
)
def test_is_public_address(ip: str, public: bool) -> None:
    assert is_public_address(ip) is public


def test_allow_private_still_refuses_metadata() -> None:
    assert resolve_and_check("10.0.0.1", 80, allow_private=True) == ["10.0.0.1"]
    with Fetcher(allow_private=True) as fetcher:
        assert fetcher.check_url("http://192.168.0.10:8080/") == ["192.168.0.10"]
        with pytest.raises(BlockedURL, match="metadata"):
            fetcher.check_url("http://169.254.169.254/latest/meta-data")


def test_allowed_hosts_is_an_exact_host_and_port(server: Server) -> None:
    with Fetcher(allowed_hosts={server.host}) as fetcher:
        assert fetcher.check_url(server.url("/x")) == ["127.0.0.1"]
        with pytest.raises(BlockedURL):
            fetcher.check_url(f"http://127.0.0.1:{server.port + 1}/x")
        with pytest.raises(BlockedURL):
            fetcher.check_url(f"http://localhost:{server.port}/x")


def test_unresolvable_host_is_a_fetch_error() -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.check_url("http://no-such-host.invalid/")
    assert not isinstance(info.value, BlockedURL)
    assert "DNS" in info.value.reason


# -- fetching --------------------------------------------------------------------------------


def test_get_returns_the_page(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/news/ferry", PAGE)
    result = make_fetcher().get(server.url("/news/ferry"))
    assert result.status == 200
    assert result.url == server.url("/news/ferry")
    assert result.content_type == "text/html"
    assert result.encoding == "utf-8"
    assert result.content == PAGE.encode()
    assert result.text == PAGE
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.redirects == []
    page_hit = [h for h in server.hits if h.path == "/news/ferry"][0]
    assert page_hit.headers["User-Agent"] == DEFAULT_USER_AGENT


def test_private_server_is_refused_by_default(server: Server) -> None:
    server.route("/news/ferry", PAGE)
    with Fetcher() as fetcher, pytest.raises(BlockedURL, match="127.0.0.1"):
        fetcher.get(server.url("/news/ferry"))
    assert server.hits == []


def test_request_goes_to_checked_address_with_original_host_header(server: Server) -> None:
    server.route("/page", PAGE)
    # "localhost" may resolve to ::1 first (nothing listens there): the next address is tried
    with Fetcher(allowed_hosts={f"localhost:{server.port}"}, delay=0, retries=0) as fetcher:
        result = fetcher.get(f"http://localhost:{server.port}/page")
    assert result.url == f"http://localhost:{server.port}/page"
    page_hit = [h for h in server.hits if h.path == "/page"][0]
    assert page_hit.headers["Host"] == f"localhost:{server.port}"


def _self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.parametrize(("cert_name", "ok"), [("localhost", True), ("other.example", False)])
def test_https_to_pinned_address_checks_the_host_name(
    tmp_path: Path, cert_name: str, ok: bool
) -> None:
    cert, key = _self_signed(tmp_path, cert_name)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    srv = Server(tls=server_ctx)
    srv.route("/page", PAGE)
    url = f"https://localhost:{srv.port}/page"
    fetcher = Fetcher(
        allowed_hosts={f"localhost:{srv.port}"},
        verify=client_ctx,
        delay=0,
        retries=0,
        obey_robots=False,
    )
    try:
        with fetcher:
            if ok:
                # connected to 127.0.0.1, yet the certificate was checked against "localhost"
                assert fetcher.get(url).content == PAGE.encode()
            else:
                with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED") as info:
                    fetcher.get(url)
                assert info.value.reason == "TLS error"
    finally:
        srv.close()


def test_gzip_content_encoding_is_decoded(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/gz", Response(body=gzipped(PAGE), headers={"Content-Encoding": "gzip"}))
    assert make_fetcher().get(server.url("/gz")).content == PAGE.encode()


def test_bad_content_encoding(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/bad", Response(body=PAGE, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError) as info:
        make_fetcher().get(server.url("/bad"))
    assert info.value.reason == "bad response encoding"


def test_redirect_on_same_server(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/new", PAGE)
    server.redirect("/old", "/new")
    server.redirect("/older", server.url("/old"), status=302)
    result = make_fetcher().get(server.url("/older"))
    assert result.url == server.url("/new")
    assert result.redirects == [server.url("/older"), server.url("/old")]
    assert result.content == PAGE.encode()


@pytest.fixture
def canary() -> Iterator[Server]:
    """A server on 127.0.0.2 that must never be reached."""
    srv = Server("127.0.0.2")
    srv.route("/", "secret")
    try:
        yield srv
    finally:
        srv.close()


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:{canary}/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:{port}/",
        "http://localhost:{port}/page",
        "http://2130706433:{port}/page",
        "file:///etc/passwd",
        "ftp://example.com/pub/file",
    ],
)
def test_redirects_to_refused_targets(
    server: Server, canary: Server, make_fetcher: MakeFetcher, location: str
) -> None:
    server.route("/page", PAGE)
    server.redirect("/go", location.format(port=server.port, canary=canary.port))
    with pytest.raises(BlockedURL) as info:
        make_fetcher().get(server.url("/go"))
    assert info.value.reason.startswith("refused:")
    assert "redirect from" in str(info.value)
    assert canary.hits == []
    assert server.count("/page") == 0


def test_redirect_loop_stops(server: Server, make_fetcher: MakeFetcher) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(FetchError) as info:
        make_fetcher(max_redirects=3).get(server.url("/a"))
    assert info.value.reason == "too many redirects"
    assert server.count("/a") + server.count("/b") == 4


def test_404_is_not_retried(server: Server, make_fetcher: MakeFetcher) -> None:
    with pytest.raises(FetchError) as info:
        make_fetcher(retries=3).get(server.url("/missing"))
    assert info.value.status == 404
    assert info.value.reason == "HTTP 404"
    assert server.count("/missing") == 1


def test_retry_after_500(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/flaky", lambda n: Response(status=500) if n == 0 else Response(body=PAGE))
    result = make_fetcher(retries=2).get(server.url("/flaky"))
    assert result.status == 200
    assert server.count("/flaky") == 2


def test_retries_run_out(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/down", Response(status=503, body="busy"))
    with pytest.raises(FetchError) as info:
        make_fetcher(retries=2).get(server.url("/down"))
    assert info.value.reason == "HTTP 503"
    assert server.count("/down") == 3


def test_retry_after_is_honoured(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route(
        "/busy",
        lambda n: Response(status=429, headers={"Retry-After": "0.3"}) if n == 0 else Response(),
    )
    make_fetcher(retries=1).get(server.url("/busy"))
    first, second = server.times("/busy")
    assert second - first >= 0.28


def test_retry_after_beyond_cap_fails_at_once(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/later", Response(status=503, headers={"Retry-After": "3600"}))
    start = time.monotonic()
    with pytest.raises(FetchError, match="HTTP 503"):
        make_fetcher(retries=3, max_retry_after=5).get(server.url("/later"))
    assert time.monotonic() - start < 1.0
    assert server.count("/later") == 1


def test_timeout_is_quick(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/slow", Response(body=PAGE, delay=5.0))
    start = time.monotonic()
    with pytest.raises(FetchError) as info:
        make_fetcher(timeout=0.2, retries=1).get(server.url("/slow"))
    assert info.value.reason == "timeout"
    assert time.monotonic() - start < 2.0
    assert server.count("/slow") == 2


def test_connection_refused(make_fetcher: MakeFetcher) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fetcher = make_fetcher(allowed_hosts={f"127.0.0.1:{port}"}, retries=1)
    with pytest.raises(FetchError) as info:
        fetcher.get(f"http://127.0.0.1:{port}/")
    assert not isinstance(info.value, BlockedURL)
    assert info.value.reason == "connection error"


def test_max_bytes_with_content_length(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/big", Response(body=b"x" * 200_000))
    with pytest.raises(FetchError) as info:
        make_fetcher(max_bytes=10_000).get(server.url("/big"))
    assert info.value.reason == "too large (> 10000 bytes)"


def test_max_bytes_while_streaming(server: Server, make_fetcher: MakeFetcher) -> None:
    endless = (b"y" * 65536 for _ in range(10_000))  # 650 MB if it were read to the end
    server.route("/huge", Response(body=endless))
    start = time.monotonic()
    with pytest.raises(FetchError, match="too large"):
        make_fetcher(max_bytes=100_000).get(server.url("/huge"))
    assert time.monotonic() - start < 2.0


# Spacing is measured where requests arrive at the server; the small slack covers jitter in
# how long each request takes to get there.
def test_rate_limit_spaces_requests(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/a", PAGE)
    fetcher = make_fetcher(delay=0.2, obey_robots=False)
    for _ in range(3):
        fetcher.get(server.url("/a"))
    times = server.times("/a")
    gaps = [b - a for a, b in pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.17


def test_rate_limit_holds_across_threads(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/a", PAGE)
    fetcher = make_fetcher(delay=0.1, obey_robots=False)
    threads = [threading.Thread(target=fetcher.get, args=(server.url("/a"),)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = sorted(server.times("/a"))
    assert len(times) == 4
    assert min(b - a for a, b in pairwise(times)) >= 0.07


# -- robots.txt ------------------------------------------------------------------------------

ROBOTS = """\
User-agent: otherbot
Disallow: /

User-agent: *
Disallow: /private/
Crawl-delay: 0.3
"""


def test_robots_disallow_and_crawl_delay(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/robots.txt", ROBOTS, content_type="text/plain")
    server.route("/private/memo", PAGE)
    server.route("/news/a", PAGE)
    fetcher = make_fetcher()
    with pytest.raises(BlockedURL) as info:
        fetcher.get(server.url("/private/memo"))
    assert info.value.reason == "robots.txt disallows"
    assert server.count("/private/memo") == 0
    fetcher.get(server.url("/news/a"))
    fetcher.get(server.url("/news/a"))
    assert server.count("/robots.txt") == 1
    first, second = server.times("/news/a")
    assert second - first >= 0.25  # Crawl-delay 0.3 beats delay=0


def test_robots_group_for_our_agent(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/robots.txt", "User-agent: unspin\nDisallow: /\n", content_type="text/plain")
    server.route("/news/a", PAGE)
    with pytest.raises(BlockedURL, match="robots.txt"):
        make_fetcher().get(server.url("/news/a"))
    # another agent is not concerned
    assert make_fetcher(user_agent="otherbot/1.0").get(server.url("/news/a")).status == 200


def test_robots_404_allows_all(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/private/memo", PAGE)
    assert make_fetcher().get(server.url("/private/memo")).status == 200
    assert server.count("/robots.txt") == 1


def test_robots_5xx_disallows_the_host(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/robots.txt", Response(status=500, body="oops"))
    server.route("/news/a", PAGE)
    fetcher = make_fetcher(retries=1)
    for _ in range(2):
        with pytest.raises(BlockedURL) as info:
            fetcher.get(server.url("/news/a"))
        assert info.value.reason == "robots.txt unavailable (HTTP 500)"
    assert server.count("/robots.txt") == 2  # one fetch, retried once, then cached
    assert server.count("/news/a") == 0


def test_redirect_into_disallowed_path(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/robots.txt", ROBOTS, content_type="text/plain")
    server.route("/private/memo", PAGE)
    server.redirect("/open", "/private/memo")
    with pytest.raises(BlockedURL, match="robots.txt disallows"):
        make_fetcher().get(server.url("/open"))
    assert server.count("/private/memo") == 0


def test_obey_robots_false_skips_robots(server: Server, make_fetcher: MakeFetcher) -> None:
    server.route("/robots.txt", ROBOTS, content_type="text/plain")
    server.route("/private/memo", PAGE)
    assert make_fetcher(obey_robots=False).get(server.url("/private/memo")).status == 200
    assert server.count("/robots.txt") == 0
