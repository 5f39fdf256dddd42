"""Tests of the HTTP API (unspin.server) against the real app and the real engine.

Most tests talk to a real uvicorn server on 127.0.0.1 with a random port (:class:`LiveServer`);
the queue tests drive :class:`unspin.server.ModelPool` directly, where a job can be held
deterministically. Page fetches go to the real local HTTP server of ``tests/httpserver.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from httpserver import Response, Server, article_html
from news_samples import ARTICLES

import unspin
from unspin.index import Index, prepare_document
from unspin.server import APIError, ModelPool, bind_socket, create_app

ROOT = Path(__file__).resolve().parents[1]
SPUN_FILE = ROOT / "examples" / "spun-example.txt"
SPUN = SPUN_FILE.read_text(encoding="utf-8")
ORIGINAL = (ROOT / "examples" / "spun-example.original.txt").read_text(encoding="utf-8")
SHORT = (
    "The mayor's workplace mentioned crews had worked through the night, however several "
    "neighbourhoods near the river were still dark. Individuals mentioned they had received "
    "little assist for the reason that the storm began."
)
FRENCH = (
    "Le conseil municipal s'est réuni mardi soir pour discuter de la tempête qui a privé "
    "des milliers de foyers d'électricité pendant le week-end. Le maire a déclaré que les "
    "équipes avaient travaillé toute la nuit, mais plusieurs quartiers près de la rivière "
    "restaient sans courant lundi soir."
)
STORM_URL = "https://news.example/storm"


class LiveServer:
    """The app served by uvicorn in a thread, on 127.0.0.1 with a random free port."""

    def __init__(self, app: Any) -> None:
        self.app = app
        sock = bind_socket("127.0.0.1", 0)
        self.port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        give_up = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > give_up:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        self.client = httpx.Client(base_url=self.base, timeout=60, trust_env=False)

    @property
    def pool(self) -> ModelPool:
        return self.app.api.state.pool

    def post(self, path: str, payload: Any, **kw: Any) -> httpx.Response:
        return self.client.post(path, json=payload, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def close(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    srv = LiveServer(create_app())
    yield srv
    srv.close()


@pytest.fixture
def make_live() -> Iterator[Callable[..., LiveServer]]:
    made: list[LiveServer] = []

    def make(**options: Any) -> LiveServer:
        srv = LiveServer(create_app(**options))
        made.append(srv)
        return srv

    yield make
    for srv in made:
        srv.close()


def build_index(path: Path) -> Path:
    """An index of the storm story (the source of SPUN) and the sample articles."""
    with Index(path) as idx:
        idx.put(
            prepare_document(
                STORM_URL,
                ORIGINAL,
                title="Storm leaves thousands without power",
                date="2024-01-09",
                site="Example News",
            )
        )
        for key, (title, text) in ARTICLES.items():
            idx.put(prepare_document(f"https://news.example/{key}", text, title=title))
    return path


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("serve") / "news.db")


@pytest.fixture(scope="module")
def live_index(index_path: Path) -> Iterator[LiveServer]:
    srv = LiveServer(create_app(index=index_path))
    yield srv
    srv.close()


def error_of(resp: httpx.Response) -> dict[str, Any]:
    assert resp.headers["content-type"].startswith("application/json"), resp.text
    body = resp.json()
    assert set(body) >= {"error", "message"} and body["message"], body
    return body


# --------------------------------------------------------------------------- results


def test_check_is_the_library_json(live: LiveServer) -> None:
    resp = live.post("/api/check", {"text": SPUN})
    assert resp.status_code == 200
    assert resp.json() == unspin.check(SPUN).to_dict()
    assert resp.json()["edits"], "the spun example has edits"


def test_restore_is_exactly_the_cli_json(live: LiveServer) -> None:
    resp = live.post("/api/restore", {"text": SPUN})
    assert resp.status_code == 200
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONIOENCODING="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "unspin", "restore", "--json", str(SPUN_FILE)],
        capture_output=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert resp.json() == json.loads(cli.stdout)
    body = resp.json()
    assert body["restored"] != SPUN and "office said" in body["restored"]
    for edit in body["edits"]:
        assert SPUN[edit["start"] : edit["end"]] == edit["spun"]
        assert 0 <= edit["confidence"] <= 1 and edit["evidence"]["source"]


def test_min_confidence_filters_edits(live: LiveServer) -> None:
    every = live.post("/api/check", {"text": SPUN, "min_confidence": 0.0}).json()["edits"]
    strict = live.post("/api/check", {"text": SPUN, "min_confidence": 0.99}).json()["edits"]
    assert all(e["confidence"] >= 0.99 for e in strict)
    assert len(strict) < len(every)


def test_offsets_count_code_points(live: LiveServer) -> None:
    text = "Storm 🌧️ update: " + SHORT
    body = live.post("/api/restore", {"text": text}).json()
    assert body["edits"]
    for edit in body["edits"]:
        assert text[edit["start"] : edit["end"]] == edit["spun"]


def test_not_english_is_200_and_not_judgeable(live: LiveServer) -> None:
    resp = live.post("/api/restore", {"text": FRENCH})
    assert resp.status_code == 200
    body = resp.json()
    assert body["judgeable"] is False and body["message"] and body["edits"] == []
    assert body == unspin.restore(FRENCH).to_dict()


@pytest.mark.parametrize("text", ["", "   \n\t ", "...!?", "bad\x00text with words"])
def test_unusable_text_is_422(live: LiveServer, text: str) -> None:
    resp = live.post("/api/check", {"text": text})
    assert resp.status_code == 422
    assert error_of(resp)["error"] == "unusable_input"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "text"),
        ({"txt": "hello"}, "txt"),
        ({"text": 42}, "text"),
        ({"text": "hello", "min_confidence": 1.5}, "min_confidence"),
        ({"text": "hello", "min_confidence": "high"}, "min_confidence"),
        ([1, 2], "body"),
    ],
)
def test_invalid_fields_are_422_with_the_field(live: LiveServer, payload: Any, field: str) -> None:
    resp = live.post("/api/restore", payload)
    assert resp.status_code == 422
    body = error_of(resp)
    assert body["error"] == "invalid_request"
    assert any(e["field"] == field for e in body["errors"]), body


def test_invalid_json_is_400(live: LiveServer) -> None:
    resp = live.client.post(
        "/api/check", content=b'{"text": "unclosed', headers={"content-type": "application/json"}
    )
    assert resp.status_code == 400
    assert error_of(resp)["error"] == "invalid_json"


def test_non_json_body_is_415(live: LiveServer) -> None:
    resp = live.client.post(
        "/api/check", content=b"text=hello", headers={"content-type": "text/plain"}
    )
    assert resp.status_code == 415
    assert "application/json" in error_of(resp)["message"]


def test_unknown_path_and_wrong_method_are_json(live: LiveServer) -> None:
    resp = live.get("/api/nothing")
    assert resp.status_code == 404 and error_of(resp)["error"] == "not_found"
    resp = live.get("/api/restore")
    assert resp.status_code == 405 and error_of(resp)["error"] == "method_not_allowed"


# --------------------------------------------------------------------------- body limits


def test_body_over_the_limit_by_content_length_is_refused_unread(
    make_live: Callable[..., LiveServer],
) -> None:
    srv = make_live(max_body=1000)
    # announce a 1 GB body and send none of it: the answer must come from the header alone
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as conn:
        conn.sendall(
            b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
        )
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["error"] == "body_too_large"


def test_streamed_body_over_the_limit_is_413(make_live: Callable[..., LiveServer]) -> None:
    srv = make_live(max_body=1000)
    sent = []

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(200):
            sent.append(1)
            yield b"word " * 20
        yield b'"}'

    # no Content-Length: chunked transfer encoding, so the limit applies while streaming
    resp = srv.client.post(
        "/api/check", content=chunks(), headers={"content-type": "application/json"}
    )
    assert resp.status_code == 413
    assert error_of(resp)["error"] == "body_too_large"


def test_body_under_the_limit_is_accepted(make_live: Callable[..., LiveServer]) -> None:
    srv = make_live(max_body=1000)
    payload = {"text": SHORT}
    assert len(json.dumps(payload)) < 1000
    assert srv.post("/api/check", payload).status_code == 200
    resp = srv.post("/api/check", {"text": SHORT * 5})
    assert resp.status_code == 413


# --------------------------------------------------------------------------- time limit, queue


def test_time_limit_gives_504_and_frees_the_worker(make_live: Callable[..., LiveServer]) -> None:
    srv = make_live(request_timeout=0.05)
    long_text = (SPUN + "\n\n") * 60  # about 17,000 words: well over a second of work
    resp = srv.post("/api/restore", {"text": long_text})
    assert resp.status_code == 504
    assert error_of(resp)["error"] == "timeout"
    # the abandoned work stops at the engine's next progress point and frees the worker
    for _ in range(600):
        if srv.get("/api/health").json()["queue"]["running"] == 0:
            break
        time.sleep(0.02)
    assert srv.get("/api/health").json()["queue"]["running"] == 0


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)


def test_queue_is_first_come_first_served_and_bounded_by_workers() -> None:
    async def scenario() -> tuple[list[int], int, int]:
        pool = ModelPool(1, 100, None)
        gate = threading.Event()
        order: list[int] = []
        far = time.monotonic() + 30

        def job(n: int) -> Callable[[Any], int]:
            def run(_check: Any) -> int:
                if n == 0:
                    gate.wait(10)
                order.append(n)
                return n

            return run

        tasks = [asyncio.create_task(pool.run(job(n), deadline=far)) for n in range(6)]
        while pool.running == 0 or pool.waiting < 5:
            await asyncio.sleep(0.01)
        running, waiting = pool.running, pool.waiting
        gate.set()
        results = await asyncio.gather(*tasks)
        pool.shutdown()
        assert results == list(range(6))
        return order, running, waiting

    order, running, waiting = run_async(scenario())
    assert order == [0, 1, 2, 3, 4, 5]
    assert running == 1 and waiting == 5


def test_queued_past_the_deadline_is_503_and_a_full_queue_is_503() -> None:
    async def scenario() -> tuple[APIError, APIError, int]:
        pool = ModelPool(1, 1, None)
        gate = threading.Event()
        far = time.monotonic() + 30
        blocker = asyncio.create_task(pool.run(lambda _c: gate.wait(10), deadline=far))
        while pool.running == 0:
            await asyncio.sleep(0.01)
        with pytest.raises(APIError) as expired:
            await pool.run(lambda _c: 1, deadline=time.monotonic() + 0.1)
        waiter = asyncio.create_task(pool.run(lambda _c: 2, deadline=far))
        while pool.waiting == 0:
            await asyncio.sleep(0.01)
        with pytest.raises(APIError) as full:
            await pool.run(lambda _c: 3, deadline=far)
        gate.set()
        assert await blocker is True and await waiter == 2
        after = pool.waiting
        pool.shutdown()
        return expired.value, full.value, after

    expired, full, after = run_async(scenario())
    assert expired.status == 503 and "queue" in expired.message
    assert full.status == 503 and full.headers.get("Retry-After")
    assert after == 0


def test_a_disconnected_client_leaves_the_queue() -> None:
    async def scenario() -> tuple[int, int]:
        pool = ModelPool(1, 10, None)
        gate = threading.Event()
        far = time.monotonic() + 30
        blocker = asyncio.create_task(pool.run(lambda _c: gate.wait(10), deadline=far))
        while pool.running == 0:
            await asyncio.sleep(0.01)

        async def gone() -> bool:
            return True

        with pytest.raises(APIError) as left:
            await pool.run(lambda _c: 1, deadline=far, disconnected=gone)
        waiting = pool.waiting
        gate.set()
        await blocker
        pool.shutdown()
        return left.value.status, waiting

    status, waiting = run_async(scenario())
    assert status == 499 and waiting == 0


def test_64_concurrent_clients_queue_and_all_succeed(live: LiveServer) -> None:
    expected = unspin.restore(SHORT).to_dict()
    seen = {"running": 0, "waiting": 0}

    async def load() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=live.base, timeout=120, trust_env=False) as client:
            done = asyncio.Event()

            async def watch() -> None:
                while not done.is_set():
                    q = (await client.get("/api/health")).json()["queue"]
                    seen["running"] = max(seen["running"], q["running"])
                    seen["waiting"] = max(seen["waiting"], q["waiting"])
                    await asyncio.sleep(0.005)

            watcher = asyncio.create_task(watch())
            calls = [client.post("/api/restore", json={"text": SHORT}) for _ in range(64)]
            responses = await asyncio.gather(*calls)
            done.set()
            await watcher
            return responses

    before = httpx.get(live.base + "/api/health", trust_env=False).json()["queue"]["completed"]
    responses = run_async(load())
    after = httpx.get(live.base + "/api/health", trust_env=False).json()["queue"]["completed"]
    assert [r.status_code for r in responses] == [200] * 64
    assert all(r.json() == expected for r in responses)
    assert seen["running"] <= 1, "one model worker: never more than one job at a time"
    # all 64 went through the one worker (whether the watcher caught a queue depends on timing;
    # queueing itself is tested deterministically on ModelPool above)
    assert after - before == 64


def test_health_answers_while_the_worker_is_busy(make_live: Callable[..., LiveServer]) -> None:
    srv = make_live()
    long_text = (SPUN + "\n\n") * 40
    result: dict[str, httpx.Response] = {}

    def slow() -> None:
        with httpx.Client(base_url=srv.base, timeout=120, trust_env=False) as client:
            result["resp"] = client.post("/api/check", json={"text": long_text})

    worker = threading.Thread(target=slow)
    worker.start()
    busy = None
    for _ in range(2000):
        health = srv.get("/api/health").json()
        if health["queue"]["running"] == 1:
            busy = health
            break
        time.sleep(0.002)
    worker.join(120)
    # had health waited for the model queue, it could never see the job running
    assert busy is not None and busy["status"] == "ok"
    assert result["resp"].status_code == 200


# --------------------------------------------------------------------------- index


# --------------------------------------------------------------------------- science mode

PAPER = "We compare a bolster vector machine with a profound learning model on the data."


def test_screen_is_the_library_json_with_listed_and_discovered(live: LiveServer) -> None:
    resp = live.post("/api/screen", {"text": PAPER})
    assert resp.status_code == 200
    body = resp.json()
    assert body == unspin.screen(PAPER).to_dict()
    kinds = {f["found"]: (f["kind"], f["expected"]) for f in body["findings"]}
    assert kinds["bolster vector machine"] == ("listed", "support vector machine")
    assert kinds["profound"] == ("discovered", "deep")
    for f in body["findings"]:
        assert PAPER[f["start"] : f["end"]] == f["found"] and f["sentence"] == PAPER
    assert body["listed"] == 1 and body["discovered"] == 1 and body["words"] == 14
    assert body["density"] == round(1000 * 2 / 14, 2)


def test_screen_is_the_cli_json_of_one_paper(live: LiveServer) -> None:
    # the same fingerprint lists as the server: the environment's UNSPIN_HOME, unchanged
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONIOENCODING="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "unspin", "screen", "--json", "-"],
        input=PAPER.encode(), capture_output=True, env=env, timeout=120, check=True,
    )
    [paper] = json.loads(cli.stdout)["papers"]
    assert live.post("/api/screen", {"text": PAPER}).json() == paper


def test_screen_without_discovery_and_with_a_field(live: LiveServer) -> None:
    body = live.post("/api/screen", {"text": PAPER, "discover": False}).json()
    assert [f["kind"] for f in body["findings"]] == ["listed"]
    # a field's whitelist takes a legitimate use out ("grouping methods" in statistics)
    text = "We compared two grouping methods for the survey data."
    assert live.post("/api/screen", {"text": text, "discover": False}).json()["listed"] == 1
    got = live.post("/api/screen", {"text": text, "discover": False, "field": " Statistics "})
    assert got.status_code == 200 and got.json()["findings"] == []


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"text": ""}, 422, "unusable_input"),
        ({"text": "bad\x00text"}, 422, "unusable_input"),
        ({"text": PAPER, "discover": "maybe"}, 422, "invalid_request"),
        ({"text": PAPER, "pages": 3}, 422, "invalid_request"),
        ({"text": "word " * 100_001}, 413, "too_long"),
    ],
)
def test_screen_refuses_unusable_requests(
    live: LiveServer, payload: dict[str, Any], status: int, code: str
) -> None:
    resp = live.post("/api/screen", payload)
    assert resp.status_code == status
    assert error_of(resp)["error"] == code


def _paper_pdf(tmp_path: Path) -> bytes:
    from test_pdf import _canvas_pdf, _column

    pages = [["The first page describes how the data were split."], [PAPER]]
    return _canvas_pdf(tmp_path / "paper.pdf", [_column(p) for p in pages]).read_bytes()


def test_screen_pdf_sent_as_the_body(live: LiveServer, tmp_path: Path) -> None:
    data = _paper_pdf(tmp_path)
    resp = live.client.post(
        "/api/screen-pdf", params={"name": "my paper.pdf"}, content=data,
        headers={"Content-Type": "application/pdf"},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    text = body.pop("text")
    assert body == unspin.screen(pdf=data, name="my paper.pdf").to_dict()
    assert body["name"] == "my paper.pdf" and body["pages"] == 2
    listed = [f for f in body["findings"] if f["kind"] == "listed"]
    assert [(f["found"], f["page"]) for f in listed] == [("bolster vector machine", 2)]
    for f in body["findings"]:
        assert text[f["start"] : f["end"]] == f["found"]
    only = live.client.post(
        "/api/screen-pdf", params={"discover": "false"}, content=data,
        headers={"Content-Type": "application/pdf"},
    ).json()
    assert [f["kind"] for f in only["findings"]] == ["listed"] and only["name"] == "upload.pdf"


def test_screen_pdf_refusals(make_live: Callable[..., LiveServer], tmp_path: Path) -> None:
    data = _paper_pdf(tmp_path)
    srv = make_live(max_body=1_000, max_pdf=len(data) + 10)
    pdf = {"Content-Type": "application/pdf"}
    # a PDF may be larger than a JSON body, up to its own limit
    assert srv.client.post("/api/screen-pdf", content=data, headers=pdf).status_code == 200
    big = srv.client.post("/api/screen-pdf", content=data + b"x" * 20, headers=pdf)
    assert big.status_code == 413 and error_of(big)["error"] == "body_too_large"
    # only a PDF, and only as application/pdf; JSON endpoints take no PDF
    not_pdf = srv.client.post("/api/screen-pdf", content=b"hello there", headers=pdf)
    assert not_pdf.status_code == 422 and "not a PDF" in error_of(not_pdf)["message"]
    as_json = srv.post("/api/screen-pdf", {"text": PAPER})
    assert as_json.status_code == 415 and "application/pdf" in error_of(as_json)["message"]
    as_form = srv.client.post("/api/screen-pdf", content=data,
                              headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert as_form.status_code == 415
    wrong = srv.client.post("/api/screen", content=data, headers=pdf)
    assert wrong.status_code == 415 and "JSON" in error_of(wrong)["message"]
    broken = srv.client.post("/api/screen-pdf", content=data[: len(data) // 3], headers=pdf)
    assert broken.status_code == 422 and error_of(broken)["error"] == "unusable_input"
    for params in ({"discover": "maybe"}, {"name": "x" * 256}, {"field": "f" * 65}):
        bad = srv.client.post("/api/screen-pdf", params=params, content=data, headers=pdf)
        assert bad.status_code == 422 and error_of(bad)["error"] == "invalid_request", params
    # a name is only a label: control characters are dropped, the path is not used
    named = srv.client.post("/api/screen-pdf", params={"name": "../../etc/\x1bpasswd"},
                            content=data, headers=pdf)
    assert named.status_code == 200 and named.json()["name"] == "../../etc/passwd"


def test_health_without_index(live: LiveServer) -> None:
    body = live.get("/api/health").json()
    assert body["status"] == "ok" and body["version"] == unspin.__version__
    assert body["engine_loaded"] is True and body["index"] is None
    assert set(body["queue"]) >= {"waiting", "running", "workers", "max_queue"}
    assert body["limits"]["max_body"] == 2_000_000
    assert body["limits"]["screen_max_words"] == 100_000
    assert body["limits"]["max_pdf"] == 20_000_000
    assert body["allow_private"] is False
    assert body["mode"] == "fast"  # accurate mode only with --accurate


def test_trace_without_index_is_404(live: LiveServer) -> None:
    resp = live.post("/api/trace", {"text": SPUN})
    assert resp.status_code == 404
    assert "index" in error_of(resp)["message"]


def test_health_with_index_counts_documents(live_index: LiveServer) -> None:
    body = live_index.get("/api/health").json()
    assert body["index"] == {"configured": True, "documents": 1 + len(ARTICLES)}


def test_trace_finds_the_source(live_index: LiveServer, index_path: Path) -> None:
    resp = live_index.post("/api/trace", {"text": SPUN})
    assert resp.status_code == 200
    body = resp.json()
    assert body["found"] is True and body["matches"][0]["url"] == STORM_URL
    swaps = [s for s in body["matches"][0]["swaps"] if s["kind"] == "swap"]
    assert any("workplace" in s["spun"] and "office" in s["original"] for s in swaps), swaps
    expected = unspin.trace(SPUN, index_path).to_dict()
    body.pop("seconds"), expected.pop("seconds")
    assert body == expected


def test_restore_with_index_uses_the_source(live_index: LiveServer, index_path: Path) -> None:
    body = live_index.post("/api/restore", {"text": SPUN}).json()
    assert body["source"]["url"] == STORM_URL
    traced = [e for e in body["edits"] if e["evidence"]["source"] == "traced"]
    assert traced and all(e["evidence"]["source_url"] == STORM_URL for e in traced)
    assert body == unspin.restore(SPUN, index=index_path).to_dict()
    plain = live_index.post("/api/restore", {"text": SPUN, "use_index": False}).json()
    assert "source" not in plain and plain == unspin.restore(SPUN).to_dict()


FARM = "farm.example"
FARM_TEXT = "The council mentioned on Monday that the harbour would reopen next week."


def test_the_sites_learned_spinner_applies_to_its_copies(
    make_live: Callable[..., LiveServer], tmp_path: Path
) -> None:
    from unspin.learn import GLOBAL

    path = build_index(tmp_path / "farm.db")
    with Index(path) as idx:
        idx.replace_learned([(FARM, "mention", "say", 40, 30, 40),
                             (GLOBAL, "mention", "say", 40, 30, 40)])
        idx.replace_site_words([(FARM, "mentioned", 40, 0, 1), (FARM, "said", 0, 0, 40),
                                (GLOBAL, "mentioned", 40, 0, 1), (GLOBAL, "said", 0, 0, 40)])
    live = make_live(index=path)

    def spinner_sites(body: dict[str, Any]) -> set[Any]:
        return {(e.get("evidence") or {}).get("spinner", {}).get("site") for e in body["edits"]}

    for route in ("/api/check", "/api/restore"):
        by_site = live.post(route, {"text": FARM_TEXT, "site": FARM}).json()
        assert FARM in spinner_sites(by_site)
        by_url = live.post(route, {"text": FARM_TEXT, "url": "https://www.farm.example/a"}).json()
        assert by_url["edits"] == by_site["edits"]
        # a copy from another site, or of unknown origin, does not get this farm's choices
        for other in ({"site": "other.example"}, {}):
            body = live.post(route, {"text": FARM_TEXT, **other}).json()
            assert spinner_sites(body) <= {None}
    library = unspin.check(FARM_TEXT, index=path, site=FARM).to_dict()
    assert live.post("/api/check", {"text": FARM_TEXT, "site": FARM}).json() == library
    bad = live.post("/api/check", {"text": FARM_TEXT, "url": "http://[::1"})
    assert bad.status_code == 200  # a malformed address names no site


def test_missing_index_is_refused_at_start(tmp_path: Path) -> None:
    from unspin.index import IndexFileError

    with pytest.raises(IndexFileError):
        create_app(index=tmp_path / "none.db")


# --------------------------------------------------------------------------- fetch


@pytest.fixture
def fetch_app(server: Server, make_live: Callable[..., LiveServer]) -> Callable[..., LiveServer]:
    def make(**options: Any) -> LiveServer:
        options.setdefault("fetch_options", {"delay": 0.0, "retries": 0, "timeout": 5.0})
        return make_live(**options)

    return make


def page_with_article(server: Server) -> str:
    title, text = ARTICLES["harbour"]
    server.route("/news/harbour", article_html(title, text.split("\n\n")))
    return server.url("/news/harbour")


def test_fetch_extracts_the_article(server: Server, fetch_app: Callable[..., LiveServer]) -> None:
    srv = fetch_app(allowed_hosts={server.host})
    url = page_with_article(server)
    server.redirect("/go", "/news/harbour")
    resp = srv.post("/api/fetch", {"url": server.url("/go")})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert set(body) == {"url", "title", "text", "date", "author", "site"}
    assert body["url"] == url  # the final URL after the redirect
    assert body["title"] == ARTICLES["harbour"][0]
    assert "nine-day strike" in body["text"] and "Copyright" not in body["text"]


def test_fetch_plain_text(server: Server, fetch_app: Callable[..., LiveServer]) -> None:
    srv = fetch_app(allowed_hosts={server.host})
    server.route("/a.txt", SHORT, content_type="text/plain; charset=utf-8")
    body = srv.post("/api/fetch", {"url": server.url("/a.txt")}).json()
    assert body["text"] == SHORT and body["title"] is None


def test_fetch_loopback_is_refused_by_default(
    server: Server, fetch_app: Callable[..., LiveServer]
) -> None:
    srv = fetch_app()
    url = page_with_article(server)
    resp = srv.post("/api/fetch", {"url": url})
    assert resp.status_code == 403
    assert "non-public address 127.0.0.1" in error_of(resp)["message"]
    assert server.count("/news/harbour") == 0


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://10.1.2.3/article", "non-public address 10.1.2.3"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[::1]/", "non-public address ::1"),
        ("http://localhost/", "non-public address"),
        ("http://192.168.0.1:8080/", "non-public address 192.168.0.1"),
        ("http://metadata.google.internal/", "metadata host"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("ftp://ftp.example.com/file.txt", "scheme 'ftp'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("http://user:secret@example.com/", "credentials"),
    ],
)
def test_fetch_refuses(
    fetch_app: Callable[..., LiveServer], server: Server, url: str, why: str
) -> None:
    srv = fetch_app(allowed_hosts={server.host})
    resp = srv.post("/api/fetch", {"url": url})
    assert resp.status_code == 403
    body = error_of(resp)
    assert body["error"] == "refused" and why in body["message"]


@pytest.mark.parametrize(
    "target, why",
    [
        ("http://10.0.0.7/admin", "non-public address 10.0.0.7"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[::1]:9/", "non-public address ::1"),
        ("file:///etc/passwd", "scheme 'file'"),
    ],
)
def test_fetch_refuses_redirects_to_private_targets(
    server: Server, fetch_app: Callable[..., LiveServer], target: str, why: str
) -> None:
    srv = fetch_app(allowed_hosts={server.host})
    server.redirect("/jump", target, status=302)
    resp = srv.post("/api/fetch", {"url": server.url("/jump")})
    assert resp.status_code == 403
    body = error_of(resp)
    assert why in body["message"] and "redirect" in body["message"]
    assert server.count("/jump") == 1


def test_fetch_refuses_a_redirect_to_another_loopback_port(
    server: Server, fetch_app: Callable[..., LiveServer]
) -> None:
    other = Server()
    try:
        other.route("/secret", "internal")
        srv = fetch_app(allowed_hosts={server.host})
        server.redirect("/jump", other.url("/secret"))
        resp = srv.post("/api/fetch", {"url": server.url("/jump")})
        assert resp.status_code == 403
        assert other.count("/secret") == 0
    finally:
        other.close()


def test_allow_private_reaches_loopback_but_not_metadata(
    server: Server, fetch_app: Callable[..., LiveServer]
) -> None:
    srv = fetch_app(allow_private=True)
    assert srv.get("/api/health").json()["allow_private"] is True
    resp = srv.post("/api/fetch", {"url": page_with_article(server)})
    assert resp.status_code == 200 and resp.json()["title"] == ARTICLES["harbour"][0]
    resp = srv.post("/api/fetch", {"url": "http://169.254.169.254/latest/"})
    assert resp.status_code == 403 and "metadata" in error_of(resp)["message"]


@pytest.mark.parametrize(
    "response, status, code",
    [
        (Response(status=404, body="gone"), 502, "fetch_failed"),
        (Response(status=500, body="oops"), 502, "fetch_failed"),
        (Response(body=b"\x89PNG\r\n", content_type="image/png"), 422, "not_html"),
        (Response(body="<html><body><nav>Home</nav></body></html>"), 422, "no_article"),
    ],
)
def test_fetch_upstream_problems(
    server: Server,
    fetch_app: Callable[..., LiveServer],
    response: Response,
    status: int,
    code: str,
) -> None:
    srv = fetch_app(allowed_hosts={server.host})
    server.route("/page", response)
    resp = srv.post("/api/fetch", {"url": server.url("/page")})
    assert resp.status_code == status
    assert error_of(resp)["error"] == code


def test_fetch_connection_refused_is_502(fetch_app: Callable[..., LiveServer]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    srv = fetch_app(allowed_hosts={f"127.0.0.1:{port}"})
    resp = srv.post("/api/fetch", {"url": f"http://127.0.0.1:{port}/"})
    assert resp.status_code == 502


# --------------------------------------------------------------------------- page, headers


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "action")]


def test_page_and_assets_are_served_with_security_headers(live: LiveServer) -> None:
    page = live.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in csp
    parser = _Refs()
    parser.feed(page.text)
    assert {"app.js", "app.css"} <= set(parser.refs)
    for ref in parser.refs:
        resp = live.get("/" + ref)
        assert resp.status_code == 200, ref
        assert resp.headers["x-content-type-options"] == "nosniff"
    assert live.get("/app.js").headers["content-type"].startswith("text/javascript")
    assert live.get("/app.css").headers["content-type"].startswith("text/css")
    # API responses carry the headers too
    assert live.get("/api/health").headers["x-content-type-options"] == "nosniff"


def test_web_files_load_nothing_from_elsewhere() -> None:
    web = resources.files("unspin") / "web"
    names = sorted(p.name for p in web.iterdir())
    assert {"index.html", "app.css", "app.js"} <= set(names)
    for name in names:
        text = (web / name).read_text(encoding="utf-8")
        if name.endswith(".html"):
            parser = _Refs()
            parser.feed(text)
            for ref in parser.refs:
                assert not re.match(r"^([a-z]+:|//)", ref, re.I), f"{name}: {ref}"
            assert "<script>" not in text and " style=" not in text, "inline code breaks CSP"
        elif name.endswith(".svg"):
            assert "href" not in text
        else:
            assert not re.search(r"https?://|@import|url\(", text), name
        if name.endswith(".js"):
            assert "innerHTML" not in text and "insertAdjacentHTML" not in text
            assert "eval(" not in text and "document.write" not in text


def test_openapi_schema_lists_the_endpoints(live: LiveServer) -> None:
    schema = live.get("/openapi.json").json()
    assert {"/api/check", "/api/restore", "/api/trace", "/api/fetch", "/api/health"} <= set(
        schema["paths"]
    )
    assert "post" in schema["paths"]["/api/restore"]
    assert live.get("/docs").status_code == 404  # Swagger UI would load a CDN


def test_foreign_host_header_is_refused(live: LiveServer) -> None:
    # a DNS-rebinding page would reach 127.0.0.1 with its own host name
    resp = live.get("/api/health", headers={"host": "attacker.example"})
    assert resp.status_code == 400
    assert error_of(resp)["error"] == "bad_host"
    resp = live.get("/api/health", headers={"host": f"localhost:{live.port}"})
    assert resp.status_code == 200


def test_no_cors_by_default(live: LiveServer) -> None:
    resp = live.client.options(
        "/api/check",
        headers={
            "origin": "https://elsewhere.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert "access-control-allow-origin" not in resp.headers
    resp = live.post("/api/check", {"text": SHORT}, headers={"origin": "https://x.example"})
    assert "access-control-allow-origin" not in resp.headers


# --------------------------------------------------------------------------- CLI


def _cli_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONIOENCODING="utf-8")


def test_serve_command_serves_the_api() -> None:
    command = "serve --port 0 --log-level warning --trusted-host unspin.test".split()
    proc = subprocess.Popen(
        [sys.executable, "-m", "unspin", *command],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=_cli_env(),
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"serving (http://127\.0\.0\.1:(\d+)/)", line)
        assert match, line
        base = match.group(1)
        for _ in range(500):
            try:
                health = httpx.get(base + "api/health", timeout=5, trust_env=False)
                break
            except httpx.TransportError:
                time.sleep(0.02)
        assert health.json()["status"] == "ok"
        resp = httpx.post(base + "api/check", json={"text": SHORT}, timeout=30, trust_env=False)
        assert resp.status_code == 200 and resp.json()["edits"]
        # --trusted-host adds a name to the loopback ones; others stay refused
        for host, status in (("unspin.test", 200), ("localhost", 200), ("evil.test", 400)):
            resp = httpx.get(base + "api/health", headers={"host": host}, trust_env=False)
            assert resp.status_code == status, host
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()


def test_serve_command_reports_bad_arguments(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "unspin", "serve", "--index", str(tmp_path / "missing.db")],
        capture_output=True,
        text=True,
        env=_cli_env(),
        timeout=60,
    )
    assert run.returncode == 2 and "no index at" in run.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "unspin", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env=_cli_env(),
            timeout=60,
        )
    assert run.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "unspin", "serve", "--help"],
        capture_output=True,
        text=True,
        env=_cli_env(),
        timeout=60,
    )
    assert run.returncode == 0
    for option in ("--host", "--port", "--index", "--allow-private", "--max-body", "--timeout"):
        assert option in run.stdout
    assert "127.0.0.1" in run.stdout


def test_listening_socket_is_tcp_so_responses_are_not_delayed() -> None:
    # asyncio sets TCP_NODELAY only on sockets whose proto says TCP; without it every small
    # response waited ~40 ms for a delayed ACK
    with bind_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[0] == "127.0.0.1"
