"""Folder reports of science mode: CSV for spreadsheets and one self-contained HTML page.

:func:`write_csv` writes one row per finding (and one row per paper without findings, so that
every screened paper appears), :func:`write_summary_csv` one row per paper, and
:func:`render_html` / :func:`write_html` a single HTML file that an integrity officer opens in a
browser: a sortable summary of the papers flagged by density, every finding highlighted in its
sentence, a text filter, listed/discovered toggles, and buttons that copy discovered findings as
PPS-format fingerprint lines for ``unspin fingerprints add FILE``.

Everything shown comes from untrusted PDFs. The CSV neutralises spreadsheet formulas (a cell
starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe). The HTML
escapes all text with :func:`html.escape`, puts untrusted text inside ``<script>`` only as JSON
with ``< > &`` and U+2028/U+2029 escaped, references nothing outside the file, and carries a
Content-Security-Policy that forbids loading anything even if a mistake slipped through.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from unspin.screening_result import DISCOVERED, LISTED, Finding, ScreenReport
from unspin.textio import write_atomic

__all__ = [
    "CSV_COLUMNS",
    "FINGERPRINT_HEADER",
    "FLAG_HIGH",
    "FLAG_LOW",
    "FLAG_MEDIUM",
    "FLAG_NONE",
    "FLAG_NO_TEXT",
    "SUMMARY_COLUMNS",
    "density_flag",
    "fingerprint_line",
    "highlight",
    "render_html",
    "safe_cell",
    "write_csv",
    "write_html",
    "write_summary_csv",
]

CSV_COLUMNS = (
    "paper",
    "page",
    "kind",
    "found",
    "expected",
    "confidence",
    "sentence",
    "start",
    "end",
    "source",
    "papers",
    "query",
    "message",
)
SUMMARY_COLUMNS = (
    "paper",
    "pages",
    "words",
    "listed",
    "discovered",
    "density",
    "listed_density",
    "discovered_density",
    "flag",
    "skipped_pages",
    "message",
)
#: Header line of a PPS-format fingerprint list, as ``unspin fingerprints add`` reads it.
FINGERPRINT_HEADER = "tortured\texpected\tnum_papers\tpps_query"

# density bands of a paper (per 1,000 words)
FLAG_HIGH = "high"  # at least HIGH_LISTED_DENSITY listed findings
FLAG_MEDIUM = "medium"  # a listed finding, or at least MEDIUM_DISCOVERED_DENSITY discovered
FLAG_LOW = "low"  # some discovered findings
FLAG_NONE = "none"  # no findings
FLAG_NO_TEXT = "no text"  # no words were read
HIGH_LISTED_DENSITY = 1.0
MEDIUM_DISCOVERED_DENSITY = 1.0
_FLAG_RANK = {FLAG_HIGH: 4, FLAG_MEDIUM: 3, FLAG_LOW: 2, FLAG_NONE: 1, FLAG_NO_TEXT: 0}
_FLAG_CLASS = {FLAG_NO_TEXT: "notext"}

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_EXCEL_CELL_MAX = 32_000  # Excel refuses cells over 32,767 characters
_SENTENCE_MAX = 1_200  # longer sentences are cut around the phrase in the HTML
_SENTENCE_CONTEXT = 500

# C0/C1 controls (except tab, newline, carriage return) and lone surrogates: HTML parse errors,
# unencodable in UTF-8 or invisible. Replaced one for one, so offsets stay valid.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(text: Any) -> str:
    s = "" if text is None else str(text)
    if not _BAD_CHARS.search(s):
        return s
    return _BAD_CHARS.sub(lambda m: " " if m.group() in "\x0b\x0c" else "\ufffd", s)


# --------------------------------------------------------------------------- shared helpers


def density_flag(report: ScreenReport) -> str:
    """The density band of a paper: :data:`FLAG_HIGH` (at least one listed finding per 1,000
    words), :data:`FLAG_MEDIUM` (a listed finding, or at least one discovered finding per 1,000
    words), :data:`FLAG_LOW` (discovered findings only), :data:`FLAG_NONE` or
    :data:`FLAG_NO_TEXT` (no words read)."""
    listed = len(report.listed)
    if report.words <= 0 and not report.findings:
        return FLAG_NO_TEXT
    if listed and report.density(LISTED) >= HIGH_LISTED_DENSITY:
        return FLAG_HIGH
    if listed or (report.findings and report.density(DISCOVERED) >= MEDIUM_DISCOVERED_DENSITY):
        return FLAG_MEDIUM
    if report.findings:
        return FLAG_LOW
    return FLAG_NONE


def fingerprint_line(finding: Finding) -> str:
    """:meth:`Finding.fingerprint_line` with whitespace runs (a line break in a PDF) collapsed
    and soft hyphens removed in the phrases, so that the line stays one TSV row."""

    def norm(s: str) -> str:
        return " ".join(_clean(s).replace("\xad", "").split())

    evidence = finding.evidence
    query = evidence.get("query")
    if query:
        evidence = {**evidence, "query": norm(str(query))}
    fixed = dataclasses.replace(
        finding, found=norm(finding.found), expected=norm(finding.expected), evidence=evidence
    )
    return fixed.fingerprint_line()


def _sorted_findings(report: ScreenReport) -> tuple[list[Finding], list[Finding]]:
    def key(f: Finding) -> tuple[float, int, int]:
        conf = f.confidence if isinstance(f.confidence, int | float) else 0.0
        return (-conf if conf == conf else 0.0, f.page or 0, f.start)

    listed = sorted((f for f in report.findings if f.kind == LISTED), key=key)
    discovered = sorted((f for f in report.findings if f.kind != LISTED), key=key)
    return listed, discovered


def _num(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------- CSV


def safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates: numbers pass, ``None`` becomes empty, text is
    cleaned of control characters, capped at 32,000 characters and prefixed with an apostrophe
    when it starts like a formula (``= + - @``, tab, carriage return, or their full-width
    forms)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value if not isinstance(value, float) or math.isfinite(value) else ""
    s = _clean(value)
    if len(s) > _EXCEL_CELL_MAX:
        s = s[:_EXCEL_CELL_MAX] + "…"
    if s.startswith(_FORMULA_STARTS):
        s = "'" + s
    return s


class _Output:
    """A text file for the csv module: an open file object or a path (written as UTF-8)."""

    def __init__(self, path_or_file: str | os.PathLike[str] | TextIO, bom: bool) -> None:
        self._own = not hasattr(path_or_file, "write")
        if self._own:
            encoding = "utf-8-sig" if bom else "utf-8"
            self.file: TextIO = open(  # noqa: SIM115 - closed in __exit__
                path_or_file,  # type: ignore[arg-type]
                "w",
                encoding=encoding,
                newline="",
            )
        else:
            self.file = path_or_file  # type: ignore[assignment]

    def __enter__(self) -> TextIO:
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self._own:
            self.file.close()


def _finding_rows(report: ScreenReport) -> Iterator[list[Any]]:
    listed, discovered = _sorted_findings(report)
    for f in listed + discovered:
        ev = f.evidence if f.kind == LISTED else {}
        yield [
            report.name,
            f.page,
            f.kind,
            f.found,
            f.expected,
            round(f.confidence, 4) if _num(f.confidence) is not None else None,
            f.sentence,
            f.start,
            f.end,
            ev.get("source"),
            ev.get("papers"),
            ev.get("query"),
            report.message,
        ]
    if not report.findings:
        yield [report.name, *([None] * (len(CSV_COLUMNS) - 2)), report.message]


def write_csv(
    reports: Iterable[ScreenReport],
    path_or_file: str | os.PathLike[str] | TextIO,
    *,
    bom: bool = False,
) -> int:
    """Write one row per finding (columns :data:`CSV_COLUMNS`), listed findings of a paper
    first, and one row with empty finding columns for each paper without findings; return the
    number of rows, header excluded.

    ``path_or_file`` is a path (written as UTF-8, with a byte-order mark when ``bom`` is true,
    which Excel needs to read UTF-8) or an open text file (best opened with ``newline=""``).
    Text cells are made spreadsheet-safe with :func:`safe_cell`.
    """
    rows = 0
    with _Output(path_or_file, bom) as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for report in reports:
            for row in _finding_rows(report):
                writer.writerow([safe_cell(v) for v in row])
                rows += 1
    return rows


def _summary_row(report: ScreenReport) -> list[Any]:
    return [
        report.name,
        report.pages,
        report.words,
        len(report.listed),
        len(report.discovered),
        report.density(),
        report.density(LISTED),
        report.density(DISCOVERED),
        density_flag(report),
        " ".join(str(p) for p in report.skipped_pages),
        report.message,
    ]


def write_summary_csv(
    reports: Iterable[ScreenReport],
    path_or_file: str | os.PathLike[str] | TextIO,
    *,
    bom: bool = False,
) -> int:
    """Write one row per paper (columns :data:`SUMMARY_COLUMNS`: name, pages, words, listed and
    discovered findings, densities per 1,000 words, density flag, skipped pages, message);
    return the number of rows, header excluded. Same file handling as :func:`write_csv`."""
    rows = 0
    with _Output(path_or_file, bom) as out:
        writer = csv.writer(out)
        writer.writerow(SUMMARY_COLUMNS)
        for report in reports:
            writer.writerow([safe_cell(v) for v in _summary_row(report)])
            rows += 1
    return rows


# --------------------------------------------------------------------------- HTML


def _esc(value: Any) -> str:
    return html.escape(_clean(value), quote=True)


def _find_phrase(sentence: str, found: str) -> tuple[int, int] | None:
    """Where ``found`` is in ``sentence``: exactly, ignoring case, then ignoring case and
    treating any whitespace run as equal; None when it is not there."""
    if not found.strip():
        return None
    i = sentence.find(found)
    if i >= 0:
        return i, i + len(found)
    low_s, low_f = sentence.lower(), found.lower()
    if len(low_s) == len(sentence) and len(low_f) == len(found):
        i = low_s.find(low_f)
        if i >= 0:
            return i, i + len(found)
    words = found.replace("\xad", "").split()
    pattern = r"\s+".join(r"\xad?".join(re.escape(c) for c in w) for w in words)
    try:
        m = re.search(pattern, sentence, re.IGNORECASE)
    except re.error:  # pragma: no cover - the pattern is escaped
        return None
    return (m.start(), m.end()) if m else None


def highlight(sentence: str, found: str) -> str:
    """HTML of ``sentence`` with ``found`` wrapped in ``<mark>`` (found case-insensitively;
    plain escaped text when it is not there). A very long sentence is cut around the phrase."""
    s, phrase = _clean(sentence), _clean(found)
    span = _find_phrase(s, phrase)
    if span is None:
        if len(s) > _SENTENCE_MAX:
            s = s[:_SENTENCE_MAX] + "…"
        return html.escape(s, quote=True)
    a, b = span
    before, middle, after = s[:a], s[a:b], s[b:]
    if len(s) > _SENTENCE_MAX:
        if len(before) > _SENTENCE_CONTEXT:
            before = "…" + before[-_SENTENCE_CONTEXT:]
        if len(after) > _SENTENCE_CONTEXT:
            after = after[:_SENTENCE_CONTEXT] + "…"
    return (
        html.escape(before, quote=True)
        + "<mark>"
        + html.escape(middle, quote=True)
        + "</mark>"
        + html.escape(after, quote=True)
    )


def _json_for_script(data: Any) -> str:
    """JSON that cannot end or confuse the ``<script>`` element that holds it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a settings value (text for anything unusual)."""
    if value is None or isinstance(value, bool | int | str):
        return _clean(value) if isinstance(value, str) else value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _plain(v) for k, v in value.items()}
    return _clean(value)


def _setting_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_setting_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_setting_text(v)}" for k, v in value.items())
    return str(value)


def _fmt_int(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _fmt_conf(value: Any) -> str:
    n = _num(value)
    return f"{n:.2f}" if n is not None else "?"


def _evidence_html(f: Finding) -> str:
    ev = f.evidence or {}
    if f.kind == LISTED:
        parts = []
        if ev.get("query"):
            parts.append(f"fingerprint <code>{_esc(ev['query'])}</code>")
        if ev.get("source"):
            parts.append(f"list {_esc(ev['source'])}")
        if ev.get("papers") not in (None, ""):
            parts.append(f"PPS papers {_esc(ev['papers'])}")
        return " · ".join(parts)
    parts = []
    for key, value in list(ev.items())[:8]:
        n = _num(value)
        if n is not None:
            text = f"{n:.3g}" if isinstance(n, float) else str(n)
        elif isinstance(value, str) and len(value) <= 80:
            text = value
        else:
            continue
        parts.append(f"{_esc(key)} {_esc(text)}")
    return " · ".join(parts)


def _finding_html(f: Finding, fid: str, out: list[str]) -> None:
    kind = "l" if f.kind == LISTED else "d"
    page = f"p. {f.page} · " if f.page is not None else ""
    out.append(
        f'<li class="f {kind}" id="{fid}"><div><b>{_esc(f.found)}</b>'
        f" → <em>{_esc(f.expected)}</em>"
        f" <small>{page}confidence {_fmt_conf(f.confidence)}</small></div>"
        f"<p>{highlight(f.sentence, f.found)}</p>"
    )
    evidence = _evidence_html(f)
    if evidence:
        out.append(f"<small>{evidence}</small>")
    out.append("</li>")


_CSS = """
:root{--bg:#f7f7f5;--panel:#fff;--text:#1c1c1c;--muted:#5b5b5b;--border:#d6d6d2;
--accent:#1d4ed8;--high:#fecaca;--high-l:#b91c1c;--medium:#fed7aa;--medium-l:#c2410c;
--low:#fef08a;--low-l:#a16207;--none:#dcfce7;--none-l:#15803d;--notext:#e5e5e5;
--notext-l:#525252;--mark:#fde047;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.45}
@media (prefers-color-scheme:dark){:root{--bg:#161616;--panel:#202020;--text:#ececec;
--muted:#b0b0b0;--border:#3c3c3c;--accent:#60a5fa;--high:#7f1d1d;--high-l:#fca5a5;
--medium:#7c2d12;--medium-l:#fdba74;--low:#713f12;--low-l:#fde68a;--none:#14532d;
--none-l:#86efac;--notext:#3a3a3a;--notext-l:#d4d4d4;--mark:#a16207}}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--text);overflow-wrap:anywhere}
header,main{max-width:1200px;margin:0 auto;padding:0 16px}
h1{font-size:1.5rem;margin:16px 0 4px}h2{font-size:1.15rem;margin:0 0 4px}
h3{font-size:1rem;margin:12px 0 4px}
.muted,.m,li.f small{color:var(--muted)}.m,li.f small{font-size:.88em}
dl.stats{display:flex;flex-wrap:wrap;gap:4px 18px;margin:8px 0}
dl.stats div{display:flex;gap:6px}dl.stats dt{color:var(--muted)}dl.stats dd{margin:0;
font-weight:600}
.bar{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid
var(--border);padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
.bar input[type=search]{flex:1 1 220px;min-width:0;padding:6px 8px;font:inherit;
border:1px solid var(--border);border-radius:6px;background:var(--panel);color:var(--text)}
button{font:inherit;font-size:.88em;padding:3px 10px;border-radius:6px;cursor:pointer;
border:1px solid var(--border);background:var(--panel);color:var(--text)}
button:hover{border-color:var(--accent)}
:focus-visible{outline:3px solid #f59e0b;outline-offset:1px}
.tw{overflow-x:auto;margin:12px 0;background:var(--panel);border:1px solid var(--border);
border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{padding:5px 8px;border-bottom:1px solid var(--border);text-align:left;
vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th button{border:0;background:none;padding:0;font-weight:600;font-size:1em;text-align:inherit}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
td.nm{min-width:12em}a{color:var(--accent)}
.flag{display:inline-block;padding:0 7px;border-radius:9px;font-size:.85em;font-weight:600;
white-space:nowrap;border:1px solid}
.fl-high{background:var(--high);color:var(--high-l)}
.fl-medium{background:var(--medium);color:var(--medium-l)}
.fl-low{background:var(--low);color:var(--low-l)}
.fl-none{background:var(--none);color:var(--none-l)}
.fl-notext{background:var(--notext);color:var(--notext-l)}
section.paper{background:var(--panel);border:1px solid var(--border);border-left:6px solid
var(--border);border-radius:8px;padding:10px 14px;margin:12px 0;content-visibility:auto;
contain-intrinsic-size:auto 260px}
section.b-high{border-left-color:var(--high-l)}section.b-medium{border-left-color:
var(--medium-l)}section.b-low{border-left-color:var(--low-l)}
section.b-none{border-left-color:var(--none-l)}
.msg{background:var(--medium);color:var(--text);padding:4px 8px;border-radius:6px;margin:6px 0}
ol.fs{margin:0;padding-left:1.6em}li.f{margin:6px 0;padding:4px 0;border-bottom:1px dotted
var(--border)}li.f:last-child{border-bottom:0}
li.f p{margin:2px 0}li.f>small{display:block}
mark{background:var(--mark);color:inherit;padding:0 1px;border-radius:2px}
li.f em{font-style:normal;font-weight:600;color:var(--none-l)}li.f code{font-size:1.05em}
.tools{display:inline-flex;gap:8px;align-items:center;margin-left:6px}
.hide-l .gl,.hide-d .gd{display:none}
#copy-panel{position:fixed;left:0;right:0;bottom:0;z-index:3;background:var(--panel);
border-top:2px solid var(--accent);padding:8px 16px;box-shadow:0 -4px 16px rgba(0,0,0,.15)}
#copy-panel textarea{width:100%;font-family:ui-monospace,monospace;font-size:.85em;
background:var(--bg);color:var(--text)}
.top{font-size:.85em}
@media (max-width:640px){header,main{padding:0 8px}.bar{padding:6px 8px;position:static}
td.nm{min-width:8em}th,td{padding:4px 5px}}
@media print{:root{--bg:#fff;--panel:#fff}.bar,#copy-panel,.tools,.top,noscript,button{
display:none!important}section.paper{content-visibility:visible;break-inside:auto;
border-color:#999}li.f{break-inside:avoid}.tw{overflow:visible;border:0}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;
text-decoration:none}}
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("unspin-data").textContent);
  var doc = document, body = doc.body;
  var $ = function (id) { return doc.getElementById(id); };

  /* ---- sortable summary table */
  var table = $("summary"), tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var heads = table.querySelectorAll("th[data-key]");
  function sortBy(th, dir) {
    var key = th.getAttribute("data-key"), mult = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var ia = +a.getAttribute("data-i"), ib = +b.getAttribute("data-i");
      var x = data.papers[ia][key], y = data.papers[ib][key], c;
      if (x === null || y === null) {
        c = (x === null ? -1 : 0) - (y === null ? -1 : 0);
      } else if (typeof x === "string") {
        c = x.localeCompare(y, undefined, {numeric: true, sensitivity: "base"});
      } else {
        c = x - y;
      }
      return c * mult || ia - ib;
    });
    var frag = doc.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    tbody.appendChild(frag);
    heads.forEach(function (h) {
      if (h === th) { h.setAttribute("aria-sort", dir); } else { h.removeAttribute("aria-sort"); }
    });
  }
  heads.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var now = th.getAttribute("aria-sort");
      var dir = now ? (now === "ascending" ? "descending" : "ascending")
        : (th.classList.contains("n") ? "descending" : "ascending");
      sortBy(th, dir);
    });
  });

  /* ---- copy buttons and selection on discovered findings */
  var discovered = doc.querySelectorAll("li.f.d");
  discovered.forEach(function (li) {
    var span = doc.createElement("span");
    span.className = "tools";
    var btn = doc.createElement("button");
    btn.type = "button";
    btn.className = "cp";
    btn.textContent = "copy as fingerprint line";
    var label = doc.createElement("label");
    var box = doc.createElement("input");
    box.type = "checkbox";
    box.className = "sel";
    label.appendChild(box);
    label.appendChild(doc.createTextNode(" select"));
    span.appendChild(btn);
    span.appendChild(label);
    li.firstChild.appendChild(span);
  });
  var panel = $("copy-panel"), out = $("copy-out"), status = $("copy-status");
  function copyText(text, what) {
    out.value = text;
    panel.hidden = false;
    status.textContent = what + ": copying…";
    function fallback() {
      out.focus();
      out.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      status.textContent = ok ? what + " copied to the clipboard"
        : what + ": select the text below and copy it (Ctrl+C)";
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = what + " copied to the clipboard";
      }, fallback);
    } else {
      fallback();
    }
  }
  function selected() {
    return doc.querySelectorAll("li.f.d input.sel:checked");
  }
  function updateCount() {
    var n = selected().length;
    $("copy-selected").textContent = "copy " + n + " selected as fingerprint list";
    $("copy-selected").disabled = n === 0;
  }
  doc.addEventListener("click", function (e) {
    var t = e.target;
    if (t.classList && t.classList.contains("cp")) {
      var li = t.closest("li.f");
      copyText(data.lines[li.id], "fingerprint line");
    }
  });
  doc.addEventListener("change", function (e) {
    if (e.target.classList && e.target.classList.contains("sel")) { updateCount(); }
  });
  $("copy-selected").addEventListener("click", function () {
    var seen = {}, lines = [data.header];
    selected().forEach(function (box) {
      var line = data.lines[box.closest("li.f").id];
      if (!seen[line]) { seen[line] = true; lines.push(line); }
    });
    copyText(lines.join("\\n") + "\\n", (lines.length - 1) + " fingerprint lines");
  });
  $("select-shown").addEventListener("click", function () {
    if (!$("show-d").checked) { return; }
    discovered.forEach(function (li) {
      var sec = li.closest("section");
      if (!li.hidden && !sec.hidden) { li.querySelector("input.sel").checked = true; }
    });
    updateCount();
  });
  $("select-none").addEventListener("click", function () {
    selected().forEach(function (box) { box.checked = false; });
    updateCount();
  });
  $("copy-close").addEventListener("click", function () { panel.hidden = true; });
  updateCount();

  /* ---- filter and listed/discovered toggles */
  var papers = null;
  function index() {
    papers = [];
    doc.querySelectorAll("section.paper").forEach(function (sec) {
      var items = [];
      sec.querySelectorAll("li.f").forEach(function (li) {
        items.push({el: li, d: li.classList.contains("d"),
          text: li.textContent.toLowerCase()});
      });
      var i = +sec.getAttribute("data-i");
      papers.push({el: sec, row: tbody.querySelector('tr[data-i="' + i + '"]'),
        name: data.papers[i].name.toLowerCase(), items: items});
    });
  }
  function apply() {
    if (!papers) { index(); }
    var q = $("filter").value.trim().toLowerCase();
    var showL = $("show-l").checked, showD = $("show-d").checked;
    body.classList.toggle("hide-l", !showL);
    body.classList.toggle("hide-d", !showD);
    var shown = 0, total = 0, paperCount = 0;
    papers.forEach(function (p) {
      var nameHit = !q || p.name.indexOf(q) >= 0, any = false;
      p.items.forEach(function (it) {
        var ok = nameHit || it.text.indexOf(q) >= 0;
        if (it.el.hidden === ok) { it.el.hidden = !ok; }
        if (it.d ? showD : showL) {
          total++;
          if (ok) { shown++; any = true; }
        }
      });
      var vis = !q || nameHit || any;
      if (p.el.hidden === vis) { p.el.hidden = !vis; }
      if (p.row && p.row.hidden === vis) { p.row.hidden = !vis; }
      if (vis) { paperCount++; }
    });
    $("shown").textContent = shown + " of " + total + " findings · " + paperCount + " of "
      + papers.length + " papers shown";
  }
  var timer = 0;
  $("filter").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(apply, papers && papers.length > 300 ? 150 : 0);
  });
  $("filter").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { clearTimeout(timer); apply(); }
  });
  $("show-l").addEventListener("change", apply);
  $("show-d").addEventListener("change", apply);
  doc.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (e.key === "/" && tag !== "input" && tag !== "textarea") {
      e.preventDefault();
      $("filter").focus();
    }
  });
  $("controls").hidden = false;
  apply();
  doc.documentElement.setAttribute("data-ready", "true");
})();
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

# (JSON key, heading, numeric)
_SUMMARY_HEADS = (
    ("flag_rank", "Flag", False),
    ("name", "Paper", False),
    ("pages", "Pages", True),
    ("words", "Words", True),
    ("listed", "Listed", True),
    ("discovered", "Discovered", True),
    ("density", "Per 1k words", True),
    ("listed_density", "Listed /1k", True),
    ("discovered_density", "Discovered /1k", True),
)


def _flag_html(flag: str) -> str:
    cls = _FLAG_CLASS.get(flag, flag)
    return f'<span class="flag fl-{cls}">{html.escape(flag)}</span>'


def render_html(
    reports: Sequence[ScreenReport],
    *,
    title: str = "unspin science screening report",
    generated: str | None = None,
    settings: dict[str, Any] | None = None,
) -> str:
    """One self-contained HTML page for the screened ``reports`` (see the module docstring).

    ``generated`` is the timestamp shown (default: now, UTC); ``settings`` (e.g. field, list
    size, discovery on/off) are listed in the header. Papers are ordered by density, highest
    first; within a paper listed findings come first, then discovered ones, each by confidence.
    """
    if generated is None:
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    settings = dict(settings or {})
    flags = [density_flag(r) for r in reports]
    order = sorted(
        range(len(reports)),
        key=lambda i: (
            -reports[i].density(),
            -reports[i].density(LISTED),
            -len(reports[i].findings),
            i,
        ),
    )
    n_listed = sum(len(r.listed) for r in reports)
    n_discovered = sum(len(r.discovered) for r in reports)
    words = sum(r.words for r in reports)
    pages = sum(r.pages or 0 for r in reports)
    flag_counts = {f: flags.count(f) for f in _FLAG_RANK}

    papers_json: list[dict[str, Any]] = []
    lines: dict[str, str] = {}
    sections: list[str] = []
    fid = 0
    for i, r in enumerate(reports):
        papers_json.append(
            {
                "id": f"p{i + 1}",
                "name": _clean(r.name),
                "pages": r.pages,
                "words": r.words,
                "listed": len(r.listed),
                "discovered": len(r.discovered),
                "density": r.density(),
                "listed_density": r.density(LISTED),
                "discovered_density": r.density(DISCOVERED),
                "flag": flags[i],
                "flag_rank": _FLAG_RANK[flags[i]],
                "message": _clean(r.message),
            }
        )
    for i in order:
        r = reports[i]
        flag = flags[i]
        out = [
            f'<section class="paper b-{_FLAG_CLASS.get(flag, flag)}" id="p{i + 1}"'
            f' data-i="{i}"><h2>{_esc(r.name)}</h2>'
            f'<div class="m">{_flag_html(flag)} · '
        ]
        meta = []
        if r.pages is not None:
            meta.append(f"{r.pages:,} pages")
        meta.append(f"{r.words:,} words")
        meta.append(
            f"{len(r.listed)} listed, {len(r.discovered)} discovered · {r.density():g} per 1,000"
            f" words ({r.density(LISTED):g} listed, {r.density(DISCOVERED):g} discovered)"
        )
        if r.skipped_pages:
            meta.append("skipped pages " + ", ".join(str(p) for p in r.skipped_pages))
        out.append(" · ".join(meta) + ' · <a class="top" href="#summary">summary</a></div>')
        if r.message:
            out.append(f'<p class="msg">{_esc(r.message)}</p>')
        listed, discovered = _sorted_findings(r)
        if not r.findings:
            out.append('<p class="muted">No tortured phrases found.</p>')
        for group, items, label in (("gl", listed, "Listed"), ("gd", discovered, "Discovered")):
            if not items:
                continue
            out.append(f'<div class="{group}"><h3>{label} ({len(items)})</h3><ol class="fs">')
            for f in items:
                fid += 1
                _finding_html(f, f"f{fid}", out)
                if group == "gd":
                    lines[f"f{fid}"] = fingerprint_line(f)
            out.append("</ol></div>")
        out.append("</section>")
        sections.append("".join(out))

    rows = []
    for i in order:
        p = papers_json[i]
        cells = [
            f"<td>{_flag_html(p['flag'])}</td>",
            f'<td class="nm"><a href="#p{i + 1}">{_esc(p["name"])}</a>'
            + (f'<div class="m">{_esc(p["message"])}</div>' if p["message"] else "")
            + "</td>",
            f'<td class="n">{_fmt_int(p["pages"])}</td>',
            f'<td class="n">{p["words"]:,}</td>',
            f'<td class="n">{p["listed"]}</td>',
            f'<td class="n">{p["discovered"]}</td>',
            f'<td class="n">{p["density"]:g}</td>',
            f'<td class="n">{p["listed_density"]:g}</td>',
            f'<td class="n">{p["discovered_density"]:g}</td>',
        ]
        rows.append(f'<tr data-i="{i}">' + "".join(cells) + "</tr>")
    heads = "".join(
        f'<th data-key="{key}"{" class=n" if numeric else ""}'
        f"{' aria-sort=descending' if key == 'density' else ''}>"
        f'<button type="button">{label}</button></th>'
        for key, label, numeric in _SUMMARY_HEADS
    )

    stats = [
        ("papers", f"{len(reports):,}"),
        ("pages", f"{pages:,}"),
        ("words", f"{words:,}"),
        ("listed findings", f"{n_listed:,}"),
        ("discovered findings", f"{n_discovered:,}"),
        ("flagged high", f"{flag_counts[FLAG_HIGH]:,}"),
        ("medium", f"{flag_counts[FLAG_MEDIUM]:,}"),
        ("low", f"{flag_counts[FLAG_LOW]:,}"),
    ]
    if flag_counts[FLAG_NO_TEXT]:
        stats.append(("no text", f"{flag_counts[FLAG_NO_TEXT]:,}"))
    stats_html = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in stats)
    settings_html = "".join(
        f"<div><dt>{_esc(k)}</dt><dd>{_esc(_setting_text(v))}</dd></div>"
        for k, v in settings.items()
    )
    data = {
        "format": "unspin-screen-report",
        "version": 1,
        "title": _clean(title),
        "generated": _clean(generated),
        "settings": _plain(settings),
        "totals": {
            "papers": len(reports),
            "pages": pages,
            "words": words,
            "listed": n_listed,
            "discovered": n_discovered,
            "flags": flag_counts,
        },
        "header": FINGERPRINT_HEADER,
        "papers": papers_json,
        "lines": lines,
    }
    legend = (
        f"Flags: <b>high</b> ≥ {HIGH_LISTED_DENSITY:g} listed finding per 1,000 words; "
        f"<b>medium</b> a listed finding or ≥ {MEDIUM_DISCOVERED_DENSITY:g} discovered per "
        "1,000 words; <b>low</b> discovered findings only. Listed findings match a "
        "tortured-phrase fingerprint; discovered ones are candidates for a curator to confirm."
    )
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>",
        f'<header><h1>{_esc(title)}</h1><p class="muted">Generated {_esc(generated)}</p>',
        f'<dl class="stats">{stats_html}</dl>',
        f'<dl class="stats settings">{settings_html}</dl>' if settings_html else "",
        f'<p class="muted">{legend}</p>',
        "<noscript><p>Sorting, filtering and copying need JavaScript; everything else is "
        "shown.</p></noscript></header>",
        '<div class="bar" id="controls" hidden>'
        '<input type="search" id="filter" placeholder="Filter findings and papers (/)"'
        ' aria-label="Filter findings and papers">'
        '<label><input type="checkbox" id="show-l" checked> listed</label>'
        '<label><input type="checkbox" id="show-d" checked> discovered</label>'
        '<button type="button" id="select-shown">select shown discovered</button>'
        '<button type="button" id="select-none">clear selection</button>'
        '<button type="button" id="copy-selected">copy selected</button>'
        '<span class="muted" id="shown" aria-live="polite"></span></div>',
        '<main><div class="tw"><table id="summary"><thead><tr>',
        heads,
        "</tr></thead><tbody>",
        "".join(rows),
        "</tbody></table></div>",
        "".join(sections),
        "</main>",
        '<div id="copy-panel" hidden><div><span id="copy-status" aria-live="polite"></span> '
        '<button type="button" id="copy-close">close</button></div>'
        '<textarea id="copy-out" rows="4" readonly aria-label="Copied text"'
        ' spellcheck="false"></textarea>'
        '<div class="m">Save as a .tsv file and run: unspin fingerprints add FILE</div></div>',
        f'<script type="application/json" id="unspin-data">{_json_for_script(data)}</script>',
        f"<script>{_JS}</script></body></html>\n",
    ]
    return "".join(parts)


def write_html(reports: Sequence[ScreenReport], path: str | os.PathLike[str], **kw: Any) -> int:
    """Write :func:`render_html` of ``reports`` to ``path`` (UTF-8); return the bytes written.
    Keywords go to :func:`render_html`."""
    data = render_html(reports, **kw).encode("utf-8")
    write_atomic(path, data)
    return len(data)
