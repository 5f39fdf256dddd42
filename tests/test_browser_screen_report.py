"""The science-mode HTML report in real headless Chromium, opened from a file:// URL.

Same browser set-up as tests/test_browser.py: Debian's ``chromium`` (/usr/bin/chromium, or
$UNSPIN_CHROMIUM) driven by Playwright for Python, skipped when either is missing unless
UNSPIN_REQUIRE_BROWSER=1 (set by ``bash scripts/test.sh``), which turns that into a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_setup import Page, chromium_context, expect

from unspin.screen_report import FINGERPRINT_HEADER, write_html
from unspin.screening_result import DISCOVERED, LISTED, Finding, ScreenReport

# --------------------------------------------------------------------------- made-up papers


def finding(kind: str, found: str, expected: str, sentence: str, conf: float, page: int) -> Finding:
    i = sentence.lower().index(found.lower())
    evidence: dict[str, Any] = (
        {"papers": 9, "query": f'"{found.lower()}"', "source": "pps"} if kind == LISTED else {}
    )
    return Finding(i, i + len(found), found, expected, kind, conf, sentence, page, evidence)


AI = finding(
    LISTED,
    "counterfeit consciousness",
    "artificial intelligence",
    "Counterfeit consciousness is applied to the scans of every patient.",
    1.0,
    1,
)
WOODLAND = finding(
    DISCOVERED,
    "irregular woodland",
    "random forest",
    "An irregular woodland classifier was trained on the extracted features.",
    0.81,
    2,
)
BIG_DATA = finding(
    DISCOVERED,
    "large information",
    "big data",
    "Large information from the sensors was stored in the cloud.",
    0.64,
    3,
)
DEEP = finding(
    LISTED,
    "profound learning",
    "deep learning",
    "Recent profound learning models outperform the baseline.",
    1.0,
    2,
)
HOSTILE = finding(
    DISCOVERED,
    "flawed cloud",
    "cloud computing",
    '<img src="http://127.0.0.1:9/pixel.png" onerror="window.__xss=1"> a flawed cloud '
    "</script><script>window.__xss=2</script>",
    0.52,
    1,
)

REPORTS = [
    # densities: beta 3.0, alpha 1.5, gamma 0.5, delta 0
    ScreenReport("folder/alpha.pdf", 2000, [AI, WOODLAND, BIG_DATA], pages=4),
    ScreenReport("folder/beta.pdf", 1000, [DEEP, HOSTILE, WOODLAND], pages=2),
    ScreenReport("folder/gamma.txt", 2000, [BIG_DATA]),
    ScreenReport("folder/delta.pdf", 3000, [], pages=5),
]
SETTINGS = {"field": "computer science", "list size": 4321, "discovery": True}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("screen-report") / "report.html"
    write_html(REPORTS, path, generated="2024-05-06 07:08 UTC", settings=SETTINGS)
    return path.as_uri()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile-report")
    with chromium_context(profile) as context:
        yield context


class ReportTab:
    """The report opened in a fresh page; every request is recorded and any request that is
    not for a file:// URL is refused and fails the test."""

    def __init__(self, context: Any, url: str) -> None:
        self.page: Page = context.new_page()
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url)
        expect(self.page.locator("html")).to_have_attribute("data-ready", "true")

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def close(self) -> None:
        assert self.errors == [], self.errors
        assert self.refused == [], f"the report tried to load: {self.refused}"
        assert self.requests, "the request recorder saw nothing, not even the page"
        outside = [u for u in self.requests if not u.startswith("file://")]
        assert outside == [], f"the report made requests: {outside}"
        self.page.close()


@pytest.fixture
def tab(browser_context: Any, report_url: str) -> Iterator[ReportTab]:
    t = ReportTab(browser_context, report_url)
    yield t
    t.close()


def row_names(page: Page) -> list[str]:
    return page.locator("#summary tbody tr:visible td.nm a").all_inner_texts()


def li_for(page: Page, paper: str, found: str) -> Any:
    section = page.locator("section.paper", has=page.locator("h2", has_text=paper))
    return section.locator("li.f", has=page.locator("div > b", has_text=found))


# --------------------------------------------------------------------------- tests


def test_sort_summary_by_clicking_headers(tab: ReportTab) -> None:
    page = tab.page
    by_density = ["folder/beta.pdf", "folder/alpha.pdf", "folder/gamma.txt", "folder/delta.pdf"]
    assert row_names(page) == by_density
    expect(page.locator("th[data-key=density]")).to_have_attribute("aria-sort", "descending")
    paper = page.locator("th[data-key=name] button")
    paper.click()
    assert row_names(page) == sorted(by_density)
    expect(page.locator("th[data-key=name]")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("th[data-key=density]")).not_to_have_attribute("aria-sort", "descending")
    paper.click()
    assert row_names(page) == sorted(by_density, reverse=True)
    # numbers sort numerically, highest first on the first click
    page.locator("th[data-key=words] button").click()
    assert row_names(page) == [
        "folder/delta.pdf",
        "folder/alpha.pdf",
        "folder/gamma.txt",
        "folder/beta.pdf",
    ]
    page.locator("th[data-key=density] button").click()
    assert row_names(page) == by_density
    # a paper's link jumps to its section
    page.locator("#summary a", has_text="folder/gamma.txt").click()
    assert page.evaluate("location.hash") == "#" + page.locator(
        "section.paper", has=page.locator("h2", has_text="folder/gamma.txt")
    ).get_attribute("id")


def test_filter_and_kind_toggles(tab: ReportTab) -> None:
    page = tab.page
    findings = page.locator("li.f")
    expect(findings).to_have_count(7)
    expect(page.locator("li.f:visible")).to_have_count(7)
    expect(page.locator("#shown")).to_have_text("7 of 7 findings · 4 of 4 papers shown")

    page.fill("#filter", "Woodland")  # case-insensitive, on the found phrase
    expect(page.locator("li.f:visible")).to_have_count(2)
    expect(li_for(page, "alpha", "irregular woodland")).to_be_visible()
    expect(li_for(page, "alpha", "counterfeit consciousness")).to_be_hidden()
    expect(li_for(page, "gamma", "large information")).to_be_hidden()
    expect(page.locator("section.paper:visible h2")).to_have_text(
        ["folder/beta.pdf", "folder/alpha.pdf"]
    )
    assert row_names(page) == ["folder/beta.pdf", "folder/alpha.pdf"]
    expect(page.locator("#shown")).to_have_text("2 of 7 findings · 2 of 4 papers shown")

    page.fill("#filter", "big data")  # the expected phrase
    expect(page.locator("li.f:visible")).to_have_count(2)
    page.fill("#filter", "sensors")  # words of the sentence
    expect(page.locator("li.f:visible")).to_have_count(2)
    page.fill("#filter", "delta")  # a paper's name shows the paper
    expect(page.locator("section.paper:visible h2")).to_have_text(["folder/delta.pdf"])
    page.fill("#filter", "no such words")
    expect(page.locator("li.f:visible")).to_have_count(0)
    expect(page.locator("section.paper:visible")).to_have_count(0)
    page.fill("#filter", "")
    expect(page.locator("li.f:visible")).to_have_count(7)

    page.uncheck("#show-d")
    expect(page.locator("li.f.d:visible")).to_have_count(0)
    expect(page.locator("li.f.l:visible")).to_have_count(2)
    expect(page.locator("#shown")).to_have_text("2 of 2 findings · 4 of 4 papers shown")
    page.uncheck("#show-l")
    expect(page.locator("li.f:visible")).to_have_count(0)
    page.check("#show-d")
    expect(page.locator("li.f.d:visible")).to_have_count(5)
    expect(page.locator("li.f.l:visible")).to_have_count(0)
    page.check("#show-l")
    # "/" focuses the filter
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.locator("#filter")).to_be_focused()


def test_copy_fingerprint_lines(tab: ReportTab) -> None:
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    # listed findings have no copy button, discovered ones do
    expect(page.locator("li.f.l button.cp")).to_have_count(0)
    expect(page.locator("li.f.d button.cp")).to_have_count(5)
    expect(page.locator("#copy-panel")).to_be_hidden()

    li_for(page, "alpha", "irregular woodland").locator("button.cp").click()
    expect(page.locator("#copy-panel")).to_be_visible()
    expect(page.locator("#copy-out")).to_have_value(WOODLAND.fingerprint_line())
    assert WOODLAND.fingerprint_line() == (
        'irregular woodland\trandom forest\t0\t"irregular woodland"'
    )
    expect(page.locator("#copy-status")).to_contain_text("fingerprint line copied")
    assert page.evaluate("navigator.clipboard.readText()") == WOODLAND.fingerprint_line()

    copy_selected = page.locator("#copy-selected")
    expect(copy_selected).to_be_disabled()
    li_for(page, "beta", "flawed cloud").locator("input.sel").check()
    li_for(page, "beta", "irregular woodland").locator("input.sel").check()
    li_for(page, "alpha", "irregular woodland").locator("input.sel").check()  # same line
    expect(copy_selected).to_have_text("copy 3 selected as fingerprint list")
    copy_selected.click()
    expected = "\n".join(
        # page order (beta is first), one line per distinct line
        [FINGERPRINT_HEADER, WOODLAND.fingerprint_line(), HOSTILE.fingerprint_line()]
    )
    expect(page.locator("#copy-out")).to_have_value(expected + "\n")

    page.click("#select-none")
    expect(copy_selected).to_have_text("copy 0 selected as fingerprint list")
    page.fill("#filter", "large information")
    page.click("#select-shown")  # only the discovered findings the filter shows
    expect(copy_selected).to_have_text("copy 2 selected as fingerprint list")
    copy_selected.click()
    expect(page.locator("#copy-out")).to_have_value(
        f"{FINGERPRINT_HEADER}\n{BIG_DATA.fingerprint_line()}\n"
    )
    page.click("#copy-close")
    expect(page.locator("#copy-panel")).to_be_hidden()


def test_hostile_text_stays_text(tab: ReportTab) -> None:
    page = tab.page
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img, main script").count() == 0
    hostile = li_for(page, "beta", "flawed cloud")
    expect(hostile.locator("p")).to_contain_text('<img src="http://127.0.0.1:9/pixel.png"')
    expect(hostile.locator("p")).to_contain_text("</script><script>window.__xss=2</script>")
    expect(hostile.locator("p mark")).to_have_text("flawed cloud")
    # the header shows the settings and totals
    expect(page.locator("header")).to_contain_text("computer science")
    expect(page.locator("header")).to_contain_text("4,321")
    expect(page.locator("header")).to_contain_text("2024-05-06 07:08 UTC")


def test_narrow_screen_and_print(browser_context: Any, report_url: str) -> None:
    tab = ReportTab(browser_context, report_url)
    page = tab.page
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.locator("#filter")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#controls")).to_be_hidden()
    expect(page.locator("button.cp").first).to_be_hidden()
    expect(page.locator("li.f").first).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator("#controls")).to_be_visible()
    tab.close()
