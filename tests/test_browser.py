"""End-to-end tests of the web page in real headless Chromium.

Debian's ``chromium`` (/usr/bin/chromium, or $UNSPIN_CHROMIUM) is driven by Playwright for
Python; Playwright's own browser download is never used. ``bash scripts/test.sh`` installs
chromium when it can and then sets UNSPIN_REQUIRE_BROWSER=1, which turns a missing browser
into a failure instead of a skip.

Screenshots go to this run's pytest temporary folder (printed with ``-s``); with
UNSPIN_UPDATE_SCREENSHOT=1 the README screenshot docs/screenshot.png is rewritten too.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_setup import Page, chromium_context, expect
from httpserver import Server, article_html
from news_samples import ARTICLES
from test_server import SPUN, STORM_URL, LiveServer, build_index

import unspin
from unspin.server import create_app

ROOT = Path(__file__).resolve().parents[1]

# made up for these tests, with typical article-spinner swaps
PARAGRAPH = (
    "Officials at the city's transport workplace mentioned on Thursday that no less than 300 "
    "buses would be replaced earlier than the end of the year. Individuals who use the night "
    "routes informed reporters they had waited months for the change, and a supply close to "
    "the council mentioned the state of affairs had become urgent as a result of rising repair "
    "costs."
)
SCREENSHOT_TEXT = (
    "Rail firm apologises after weekend of delays\n\n"
    "The rail operator mentioned on Monday that no less than 40 trains had been cancelled over "
    "the weekend as a result of a signalling fault near the central station. Individuals "
    "travelling to the coast informed reporters they had waited greater than two hours for a "
    "substitute bus.\n\n"
    "A spokesperson for the company mentioned engineers had worked through the night and the "
    "line would reopen earlier than the morning rush. Nevertheless, a supply close to the "
    "union mentioned the state of affairs had been avoidable and that staff had warned "
    "managers about the ageing equipment several times last year."
)



# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser")
    print(f"\nbrowser screenshots: {path}")
    return path


@pytest.fixture(scope="module")
def plain() -> Iterator[LiveServer]:
    srv = LiveServer(create_app())
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = build_index(tmp_path_factory.mktemp("browser-index") / "news.db")
    srv = LiveServer(create_app(index=path))
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir
    with chromium_context(profile) as context:
        yield context


class Tab:
    """A fresh page on one server, with every request and page error recorded."""

    def __init__(self, context: Any, server: LiveServer) -> None:
        self.server = server
        self.page: Page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        # start from empty storage: clear it on a same-origin page without the app (the app
        # itself saves its state when a page is left)
        self.page.goto(server.base + "/api/health")
        self.page.evaluate("localStorage.clear()")
        self.page.goto(server.base + "/")
        expect(self.page.locator("html")).to_have_attribute("data-ready", "true")

    def _console(self, message: Any) -> None:
        # Chromium logs every HTTP error response; the tests provoke some on purpose
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(message.text)

    def api_calls(self, path: str) -> int:
        return sum(1 for u in self.requests if u.endswith(path))

    def run(self, text: str, button: str = "#check") -> None:
        self.page.fill("#text", text)
        self.page.click(button)
        expect(self.page.locator("#results")).to_be_visible()
        expect(self.page.locator("#check")).to_be_enabled()

    def close(self) -> None:
        assert self.errors == [], self.errors
        outside = [u for u in self.requests if not u.startswith(self.server.base + "/")]
        assert outside == [], f"the page fetched from elsewhere: {outside}"
        self.page.close()


@pytest.fixture
def tab(browser_context: Any, plain: LiveServer) -> Iterator[Tab]:
    t = Tab(browser_context, plain)
    yield t
    t.close()


def expected_edits(text: str) -> list[dict[str, Any]]:
    return sorted(unspin.check(text).to_dict()["edits"], key=lambda e: e["start"])


def apply(text: str, edits: list[dict[str, Any]]) -> str:
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e["start"]):
        out += [text[pos : e["start"]], e["original"]]
        pos = e["end"]
    return "".join(out) + text[pos:]


# --------------------------------------------------------------------------- tests


def test_paste_check_accept_restore_copy_and_reload(tab: Tab, artifacts: Path) -> None:
    page = tab.page
    edits = expected_edits(PARAGRAPH)
    assert len(edits) >= 5
    tab.run(PARAGRAPH)
    marks = page.locator("#marked mark")
    expect(marks).to_have_count(len(edits))
    expect(page.locator("#score")).to_have_text(f"{unspin.check(PARAGRAPH).score:.2f}")
    expect(page.locator("#verdict")).to_have_text("likely spun")
    for i, e in enumerate(edits):
        expect(marks.nth(i).locator(".spun")).to_have_text(e["spun"])
        expect(marks.nth(i)).to_have_class("edit band-high pending")

    # hovering shows the suggested original and why it was flagged
    marks.nth(1).hover()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    expect(page.locator("#pop-orig")).to_have_text(edits[1]["original"])
    expect(page.locator("#pop-why")).to_contain_text("Known spinner swap")
    expect(page.locator("#pop-conf")).to_contain_text(f"{edits[1]['confidence']:.2f}")

    # focus + keyboard: accept the first edit
    marks.nth(0).focus()
    expect(page.locator("#pop-orig")).to_have_text(edits[0]["original"])
    page.keyboard.press("a")
    expect(marks.nth(0)).to_have_class("edit band-high accepted current")
    expect(marks.nth(0).locator(".orig")).to_be_visible()
    # reject the second one with the popover's button
    marks.nth(1).hover()
    page.click("#pop-reject")
    expect(marks.nth(1)).to_have_class("edit band-high rejected current")
    page.mouse.move(5, 5)  # leaving the popover closes it
    expect(popover).to_be_hidden()

    page.click("#tab-restored")
    expect(page.locator("#restored")).to_have_text(apply(PARAGRAPH, edits[:1]))
    page.click("#tab-diff")
    expect(page.locator("#diff del")).to_have_text([edits[0]["spun"]])
    expect(page.locator("#diff ins")).to_have_text([edits[0]["original"]])

    # accept all undecided edits above 0.95; the rejected one stays rejected
    page.fill("#threshold-number", "0.95")
    page.dispatch_event("#threshold-number", "change")
    expect(page.locator("#threshold")).to_have_value("0.95")
    page.click("#accept-above")
    chosen = [edits[0]] + [e for e in edits[2:] if e["confidence"] >= 0.95]
    assert len(chosen) < len(edits) - 1, "the test needs an edit below the threshold"
    restored = apply(PARAGRAPH, chosen)
    page.click("#tab-restored")
    expect(page.locator("#restored")).to_have_text(restored)
    expect(page.locator("#summary")).to_contain_text(f"{len(chosen)} accepted · 1 rejected")

    # copy restored text
    tab.page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=tab.server.base
    )
    page.click("#copy")
    expect(page.locator("#status")).to_contain_text("copied")
    assert page.evaluate("navigator.clipboard.readText()") == restored

    shot = artifacts / "restored.png"
    page.click("#tab-marked")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # a reload keeps the text, the results, the decisions and the view, without a new request
    checks = tab.api_calls("/api/check")
    page.click("#tab-diff")
    page.reload()
    expect(page.locator("#results")).to_be_visible()
    assert page.input_value("#text") == PARAGRAPH
    expect(page.locator("#tab-diff")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#diff ins")).to_have_count(len(chosen))
    page.click("#tab-restored")
    expect(page.locator("#restored")).to_have_text(restored)
    page.click("#tab-marked")
    expect(page.locator("#marked mark").nth(1)).to_have_class("edit band-high rejected")
    assert tab.api_calls("/api/check") == checks


def test_screen_a_paper_review_and_restore(tab: Tab, artifacts: Path) -> None:
    page = tab.page
    paper = (
        "We compare a bolster vector machine with a profound learning model on the data. "
        "The results of both models are reported in the tables."
    )
    report = unspin.screen(paper).to_dict()
    findings = report["findings"]
    assert [f["kind"] for f in findings] == ["listed", "discovered"]
    tab.run(paper, "#screen")
    assert tab.api_calls("/api/screen") == 1 and tab.api_calls("/api/check") == 0
    marks = page.locator("#marked mark")
    expect(marks).to_have_count(2)
    expect(marks.nth(0).locator(".spun")).to_have_text("bolster vector machine")
    expect(page.locator("#score")).to_have_text(f"{report['density']:.1f}")
    expect(page.locator("#score")).to_have_class("badge score-high")  # a listed phrase
    expect(page.locator("#verdict")).to_have_text("listed tortured phrases")
    expect(page.locator("#summary")).to_contain_text(
        f"1 listed and 1 discovered tortured phrases in 24 words ({report['density']:.1f} per "
        "1,000) · 0 accepted"
    )
    expect(page.locator("#status")).to_have_text("Screened: 2 tortured phrases to review.")

    marks.nth(0).focus()
    expect(page.locator("#pop-orig")).to_have_text("support vector machine")
    expect(page.locator("#pop-why")).to_contain_text("Problematic Paper Screener")
    page.keyboard.press("a")
    marks.nth(1).focus()
    expect(page.locator("#pop-orig")).to_have_text("deep")
    expect(page.locator("#pop-why")).to_contain_text("Not listed")
    assert findings[1]["evidence"]["lm_gain"] > 0.05
    expect(page.locator("#pop-why")).to_contain_text("science language model prefers it by")
    page.keyboard.press("a")
    expect(page.locator("#summary")).to_contain_text("2 accepted")
    page.click("#tab-restored")
    expect(page.locator("#restored")).to_have_text(apply(paper, [
        {"start": f["start"], "end": f["end"], "original": f["expected"]} for f in findings
    ]))
    page.screenshot(path=str(artifacts / "screened.png"), full_page=True)

    # a reload keeps the screened paper without a new request
    page.reload()
    expect(page.locator("#marked mark")).to_have_count(2)
    expect(page.locator("#summary")).to_contain_text("1 listed and 1 discovered")
    assert tab.api_calls("/api/screen") == 1

    # a clean paper
    tab.run("The results of both models are reported in the tables.", "#screen")
    expect(page.locator("#verdict")).to_have_text("no tortured phrases found")
    expect(page.locator("#score")).to_have_class("badge score-low")
    expect(page.locator("#marked mark")).to_have_count(0)


def test_screen_a_pdf_file(tab: Tab, tmp_path: Path) -> None:
    from test_pdf import _canvas_pdf, _column

    page = tab.page
    pages = [["The first page describes how the data were split."],
             ["We compare a bolster vector machine with a linear model."]]
    pdf = _canvas_pdf(tmp_path / "paper one.pdf", [_column(p) for p in pages])
    report = unspin.screen(pdf=pdf.read_bytes(), name="paper one.pdf")
    assert [f["found"] for f in report.to_dict()["findings"]] == ["bolster vector machine"]
    page.set_input_files("#pdf", str(pdf))
    expect(page.locator("#results")).to_be_visible()
    expect(page.locator("#status")).to_have_text(
        "Screened paper one.pdf: 1 tortured phrase to review."
    )
    assert tab.api_calls("/api/screen-pdf?name=paper%20one.pdf") == 1
    assert page.input_value("#text") == report.text  # the extracted text, for review
    mark = page.locator("#marked mark")
    expect(mark).to_have_count(1)
    expect(mark.locator(".spun")).to_have_text("bolster vector machine")
    expect(page.locator("#summary")).to_contain_text(
        f"1 listed and 0 discovered tortured phrases in {report.words} words on 2 pages"
    )
    # a file that is not a PDF is refused with the server's message
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"just some notes")
    page.set_input_files("#pdf", str(bad))
    expect(page.locator("#status")).to_have_text(
        "notes.pdf: the file is not a PDF (it does not start with %PDF-)"
    )
    expect(page.locator("#screen-pdf")).to_be_enabled()


def test_keyboard_only(tab: Tab) -> None:
    page = tab.page
    page.focus("#text")
    page.keyboard.insert_text(PARAGRAPH)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#marked mark").first).to_be_visible()
    # Tab from the results reaches the first highlight
    for _ in range(25):
        if page.evaluate("document.activeElement.matches('#marked mark')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-i')") == "0"
    expect(page.locator("#popover")).to_be_visible()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('data-i')") == "1"
    page.keyboard.press("r")
    expect(page.locator("#marked mark").nth(1)).to_have_class("edit band-high rejected current")
    page.keyboard.press("u")
    expect(page.locator("#marked mark").nth(1)).to_have_class("edit band-high pending current")
    page.keyboard.press("Enter")
    expect(page.locator("#marked mark").nth(1)).to_have_class("edit band-high accepted current")
    page.keyboard.press("Escape")
    expect(page.locator("#popover")).to_be_hidden()
    # the tabs follow the ARIA pattern: arrows move between them
    page.focus("#tab-marked")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-restored")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-restored")).to_be_focused()
    expect(page.locator("#view-restored")).to_be_visible()
    edits = expected_edits(PARAGRAPH)
    expect(page.locator("#restored")).to_have_text(apply(PARAGRAPH, edits[1:2]))


def test_pasted_html_is_shown_as_text(tab: Tab) -> None:
    page = tab.page
    hostile = (
        '<img src=x onerror="window.__xss=1"> <b>bold</b> '
        + PARAGRAPH
        + ' <script>window.__xss=2</script><a href="javascript:window.__xss=3">link</a>'
    )
    tab.run(hostile)
    expect(page.locator("#marked mark").first).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#results img, #results script, #results b, #results a").count() == 0
    expect(page.locator("#marked")).to_contain_text('<img src=x onerror="window.__xss=1">')
    page.click("#tab-restored")
    expect(page.locator("#restored")).to_contain_text("<script>window.__xss=2</script>")
    assert page.evaluate("window.__xss") is None
    # the image URL "x" was never requested
    assert not any(u.endswith("/x") for u in tab.requests)


def test_offsets_with_emoji_and_errors(tab: Tab) -> None:
    page = tab.page
    text = "🌧️ Storm news 🚌: " + PARAGRAPH
    tab.run(text)
    edits = expected_edits(text)
    marks = page.locator("#marked mark .spun")
    expect(marks).to_have_text([e["spun"] for e in edits])
    # an error from the API is shown to the user
    page.fill("#text", "... !!! ???")
    page.click("#check")
    expect(page.locator("#status")).to_have_class("status error")
    expect(page.locator("#status")).to_contain_text("no words")


def test_phone_sized_screen(browser_context: Any, plain: LiveServer, artifacts: Path) -> None:
    tab = Tab(browser_context, plain)
    page = tab.page
    page.set_viewport_size({"width": 375, "height": 740})
    tab.run(PARAGRAPH)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    mark = page.locator("#marked mark").nth(2)
    mark.click()  # a tap opens the popover
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    box = popover.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    page.click("#pop-accept")
    expect(mark).to_have_class("edit band-high accepted current")
    page.screenshot(path=str(artifacts / "phone.png"), full_page=False)
    tab.close()


def test_source_panel_with_an_index(browser_context: Any, indexed: LiveServer) -> None:
    tab = Tab(browser_context, indexed)
    page = tab.page
    expect(page.locator("#server-info")).to_contain_text("index: 6 articles")
    tab.run(SPUN, "#restore")
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("h3")).to_have_text("Storm leaves thousands without power")
    expect(panel.locator("h3 a")).to_have_attribute("href", STORM_URL)
    expect(panel).to_contain_text("Example News")
    expect(panel).to_contain_text("Similarity")
    swaps = panel.locator("ol.swaps li")
    assert swaps.count() >= 10
    expect(panel.locator("ol.swaps")).to_contain_text("office")
    # restore mode: every edit starts accepted and the restored view is shown
    expect(page.locator("#tab-restored")).to_have_attribute("aria-selected", "true")
    result = unspin.restore(SPUN, index=indexed.app.api.state.pool.index_path)
    expect(page.locator("#restored")).to_have_text(result.restored)
    page.click("#tab-marked")
    page.locator("#marked mark").first.hover()
    expect(page.locator("#pop-why")).to_contain_text("From the traced source article")
    tab.close()


def test_fetch_a_url(browser_context: Any, server: Server) -> None:
    title, text = ARTICLES["harbour"]
    spun = text.replace("said", "mentioned").replace("at least", "no less than")
    server.route("/story", article_html(title, spun.split("\n\n")))
    app = create_app(
        allowed_hosts={server.host}, fetch_options={"delay": 0.0, "retries": 0, "timeout": 5.0}
    )
    srv = LiveServer(app)
    try:
        tab = Tab(browser_context, srv)
        page = tab.page
        page.fill("#url", server.url("/story"))
        with page.expect_request(lambda r: r.url.endswith("/api/check")) as checked:
            page.click("#fetch")
        expect(page.locator("#marked mark").first).to_be_visible()
        # the page's address goes with the text: its site's learned spinner is the prior
        assert json.loads(checked.value.post_data or "{}")["url"] == server.url("/story")
        assert page.input_value("#text").startswith(title)
        assert "nine-day strike" in page.input_value("#text")
        expect(page.locator("#marked")).to_contain_text("mentioned")
        # a refused address is reported, not fetched
        page.fill("#url", "http://169.254.169.254/latest/meta-data/")
        page.click("#fetch")
        expect(page.locator("#status")).to_contain_text("metadata")
        tab.close()
    finally:
        srv.close()


def test_readme_screenshot(browser_context: Any, plain: LiveServer, artifacts: Path) -> None:
    """The README's picture: the real page on a made-up spun article."""
    tab = Tab(browser_context, plain)
    page = tab.page
    page.set_viewport_size({"width": 1000, "height": 1400})
    tab.run(SCREENSHOT_TEXT)
    marks = page.locator("#marked mark")
    assert marks.count() >= 6
    marks.nth(0).focus()
    page.keyboard.press("a")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("a")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#popover")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot = artifacts / "screenshot.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("UNSPIN_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "screenshot.png")
    tab.close()
