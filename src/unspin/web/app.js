// unspin web page. Plain JavaScript, no dependencies. User text is only ever inserted with
// textContent / DOM nodes, never as HTML.
"use strict";

(function () {
  const STORE_KEY = "unspin:v1";
  const BANDS = [
    [0.9, "high"],
    [0.75, "medium"],
    [0, "low"],
  ];

  const $ = (id) => document.getElementById(id);
  const el = {
    form: $("input-form"),
    text: $("text"),
    url: $("url"),
    fetch: $("fetch"),
    check: $("check"),
    restore: $("restore"),
    screen: $("screen"),
    screenPdf: $("screen-pdf"),
    pdf: $("pdf"),
    clear: $("clear"),
    stale: $("stale"),
    status: $("status"),
    serverInfo: $("server-info"),
    results: $("results"),
    score: $("score"),
    verdict: $("verdict"),
    summary: $("summary"),
    message: $("message"),
    threshold: $("threshold"),
    thresholdNumber: $("threshold-number"),
    acceptAbove: $("accept-above"),
    rejectRest: $("reject-rest"),
    reset: $("reset"),
    copy: $("copy"),
    copyBuffer: $("copy-buffer"),
    layout: document.querySelector(".layout"),
    marked: $("marked"),
    restored: $("restored"),
    diff: $("diff"),
    sourcePanel: $("source-panel"),
    sourceBody: $("source-body"),
    popover: $("popover"),
    popSpun: $("pop-spun"),
    popOrig: $("pop-orig"),
    popConf: $("pop-conf"),
    popWhy: $("pop-why"),
    popAccept: $("pop-accept"),
    popReject: $("pop-reject"),
    popUndo: $("pop-undo"),
  };
  const tabs = ["marked", "restored", "diff"].map((name) => ({
    name,
    tab: $("tab-" + name),
    panel: $("view-" + name),
  }));

  // ------------------------------------------------------------------ state

  // analysed: {text, mode, result, trace, decisions[]}; edits get js offsets at load time
  const state = { text: "", url: "", analysed: null, view: "marked", threshold: 0.9 };
  let health = null;
  let edits = []; // usable edits of state.analysed, with jsStart/jsEnd
  let marks = []; // <mark> element per edit
  let current = -1; // edit shown in the popover
  let busy = null; // AbortController of the request in flight
  let hideTimer = 0;
  let saveTimer = 0;

  function save() {
    clearTimeout(saveTimer);
    saveTimer = 0;
    const data = JSON.stringify(state);
    try {
      localStorage.setItem(STORE_KEY, data);
    } catch (err) {
      // too large for storage (or storage disabled): keep at least the text
      try {
        localStorage.setItem(
          STORE_KEY,
          JSON.stringify({ text: state.text, url: state.url, view: state.view })
        );
      } catch (err2) {
        /* storage unavailable: nothing to do */
      }
    }
  }

  function saveSoon() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 300);
  }

  function load() {
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
    } catch (err) {
      saved = null;
    }
    if (!saved || typeof saved !== "object") return;
    if (typeof saved.text === "string") state.text = saved.text;
    if (typeof saved.url === "string") state.url = saved.url;
    if (["marked", "restored", "diff"].includes(saved.view)) state.view = saved.view;
    if (typeof saved.threshold === "number") state.threshold = clamp01(saved.threshold);
    const a = saved.analysed;
    if (a && typeof a.text === "string" && a.result && Array.isArray(a.result.edits)) {
      state.analysed = a;
    }
  }

  // ------------------------------------------------------------------ helpers

  function clamp01(x) {
    return Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
  }

  function fmt(x, digits) {
    return Number(x).toFixed(digits === undefined ? 2 : digits);
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function band(conf) {
    for (const [min, name] of BANDS) if (conf >= min) return name;
    return "low";
  }

  function setStatus(text, isError) {
    el.status.textContent = text || "";
    el.status.classList.toggle("error", !!isError);
    el.status.setAttribute("role", isError ? "alert" : "status");
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function make(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (k === "text") node.textContent = v;
        else if (k === "className") node.className = v;
        else node.setAttribute(k, v);
      }
    }
    for (const child of children || []) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // The server counts offsets in code points (Python); JavaScript strings count UTF-16 units.
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [0];
    let u = 0;
    for (const ch of text) {
      u += ch.length;
      units.push(u);
    }
    return (i) => units[Math.min(i, units.length - 1)];
  }

  function usableEdits(text, raw) {
    const toUnits = offsetMapper(text);
    const out = [];
    let floor = 0;
    const sorted = raw
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
    for (const { e, i } of sorted) {
      const s = toUnits(e.start);
      const t = toUnits(e.end);
      if (!(s >= floor && t > s && t <= text.length)) continue;
      if (text.slice(s, t) !== e.spun) continue;
      out.push(Object.assign({}, e, { index: i, jsStart: s, jsEnd: t }));
      floor = t;
    }
    return out;
  }

  function decisionOf(i) {
    return (state.analysed && state.analysed.decisions[edits[i].index]) || "pending";
  }

  function why(edit) {
    const ev = edit.evidence || {};
    const parts = [];
    switch (ev.source) {
      case "fingerprint": {
        const n = Number(ev.papers) || 0;
        parts.push("Listed tortured phrase: a fingerprint of the Problematic Paper Screener" +
          (n > 0 ? ", found in " + plural(n, "paper") : ""));
        return parts.join("; ") + ".";
      }
      case "discovered":
        parts.push("Not listed: the established term fits the context far better (discovery)");
        if (typeof ev.lm_gain === "number" && ev.lm_gain > 0.05) {
          parts.push("the science language model prefers it by " + fmt(ev.lm_gain, 1) +
            " (log₁₀)");
        }
        return parts.join("; ") + ".";
      case "table": {
        const n = Number(ev.table_count) || 0;
        parts.push("Known spinner swap" + (n > 1 ? " (seen " + n + "×)" : ""));
        break;
      }
      case "thesaurus":
        parts.push("Thesaurus swap");
        break;
      case "rule":
        parts.push("Typical spinner rewording of a common phrase");
        break;
      case "article":
        parts.push("“a/an” that no longer fits after a swap");
        break;
      case "number":
        parts.push("Spinners write small numbers as digits");
        break;
      case "traced": {
        let host = "";
        try {
          host = new URL(ev.source_url).host;
        } catch (err) {
          host = "";
        }
        parts.push("From the traced source article" + (host ? " (" + host + ")" : ""));
        break;
      }
      default:
        parts.push("Suspected swap");
    }
    if (typeof ev.lm_gain === "number") {
      if (ev.lm_gain > 0.05) {
        parts.push("the language model prefers the original by " + fmt(ev.lm_gain, 1) + " (log₁₀)");
      } else {
        parts.push("the language model finds both about as likely");
      }
    }
    if (ev.quoted) parts.push("inside a quotation, so be careful");
    return parts.join("; ") + ".";
  }

  // ------------------------------------------------------------------ API

  // body: undefined (GET), an ArrayBuffer (sent as a PDF) or a value sent as JSON
  async function api(path, body, signal) {
    const raw = body instanceof ArrayBuffer;
    const init = body === undefined
      ? { method: "GET", signal }
      : {
          method: "POST",
          headers: { "Content-Type": raw ? "application/pdf" : "application/json" },
          body: raw ? body : JSON.stringify(body),
          signal,
        };
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new Error("cannot reach the unspin server (is it still running?)");
    }
    let data = null;
    try {
      data = await resp.json();
    } catch (err) {
      data = null;
    }
    if (!resp.ok) {
      const msg = data && data.message ? data.message : "HTTP " + resp.status;
      const error = new Error(msg);
      error.status = resp.status;
      throw error;
    }
    return data;
  }

  async function loadHealth() {
    try {
      health = await api("api/health");
    } catch (err) {
      el.serverInfo.textContent = "The unspin server is not answering.";
      return;
    }
    const parts = ["unspin " + health.version];
    if (health.index) {
      const n = health.index.documents;
      parts.push("index: " + (n === null || n === undefined ? "?" : n.toLocaleString()) +
        " articles");
    } else {
      parts.push("no source index");
    }
    el.serverInfo.textContent = parts.join(" · ");
    renderSource();
  }

  function setBusy(on, label) {
    for (const b of [el.check, el.restore, el.screen, el.screenPdf, el.fetch]) b.disabled = on;
    if (on) {
      if (busy) busy.abort();
      busy = new AbortController();
      setStatus(label);
      el.form.setAttribute("aria-busy", "true");
    } else {
      busy = null;
      el.form.removeAttribute("aria-busy");
    }
    return busy;
  }

  async function analyse(mode) {
    const text = el.text.value;
    state.text = text;
    if (!text.trim()) {
      if (el.url.value.trim()) return fetchUrl(mode);
      setStatus("Paste some text first (or give a URL).", true);
      el.text.focus();
      return;
    }
    const ctl = setBusy(
      true, mode === "restore" ? "Restoring…" : mode === "screen" ? "Screening…" : "Checking…"
    );
    try {
      if (mode === "screen") {
        showScreened(text, await api("api/screen", { text }, ctl.signal), "Screened");
        return;
      }
      // the page's address names its site, whose learned spinner (if any) is the prior
      const body = { text };
      const url = el.url.value.trim();
      if (url && url.length <= 2048) body.url = url;
      const result = await api("api/" + mode, body, ctl.signal);
      let trace = null;
      if (health && health.index) {
        setStatus("Looking for the source article…");
        try {
          trace = await api("api/trace", { text, limit: 3 }, ctl.signal);
        } catch (err) {
          if (err.name === "AbortError") throw err;
          trace = { error: err.message };
        }
      }
      const decisions = result.edits.map(() => (mode === "restore" ? "accepted" : "pending"));
      state.analysed = { text, mode, result, trace, decisions };
      state.view = mode === "restore" ? "restored" : "marked";
      setStatus(
        (mode === "restore" ? "Restored: " : "Checked: ") +
          plural(result.edits.length, "suspected swap") +
          (mode === "restore" ? " accepted." : " to review.")
      );
      save();
      render();
      el.results.focus();
    } catch (err) {
      if (err.name !== "AbortError") setStatus(err.message, true);
    } finally {
      setBusy(false);
    }
  }

  // a science-mode report (POST /api/screen) in the shape the page renders: every finding is
  // an edit from the tortured phrase to its established term
  function screenResult(report) {
    const edits = report.findings.map((f) => ({
      start: f.start,
      end: f.end,
      spun: f.found,
      original: f.expected,
      confidence: f.confidence,
      evidence: Object.assign({}, f.evidence, {
        source: f.kind === "listed" ? "fingerprint" : "discovered",
      }),
    }));
    return {
      screen: true,
      judgeable: false,
      density: report.density,
      listed: report.listed,
      discovered: report.discovered,
      verdict: report.listed > 0 ? "listed tortured phrases"
        : report.discovered > 0 ? "possible tortured phrases" : "no tortured phrases found",
      message: report.message || "",
      words: report.words,
      pages: report.pages,
      edits,
    };
  }

  function showScreened(text, report, what) {
    const result = screenResult(report);
    state.analysed = { text, mode: "screen", result, trace: null,
      decisions: result.edits.map(() => "pending") };
    state.view = "marked";
    setStatus(what + ": " + plural(result.edits.length, "tortured phrase") + " to review.");
    save();
    render();
    el.results.focus();
  }

  async function screenPdfFile(file) {
    const limit = health && health.limits ? health.limits.max_pdf : null;
    if (limit && file.size > limit) {
      setStatus(file.name + " is larger than this server accepts (" +
        limit.toLocaleString() + " bytes).", true);
      return;
    }
    const ctl = setBusy(true, "Reading and screening " + file.name + "…");
    try {
      const data = await file.arrayBuffer();
      const report = await api(
        "api/screen-pdf?name=" + encodeURIComponent(file.name), data, ctl.signal
      );
      // the page works on the extracted text, which the findings' offsets index
      el.text.value = report.text;
      state.text = report.text;
      showScreened(report.text, report, "Screened " + file.name);
    } catch (err) {
      if (err.name !== "AbortError") setStatus(file.name + ": " + err.message, true);
    } finally {
      setBusy(false);
    }
  }

  async function fetchUrl(thenMode) {
    const url = el.url.value.trim();
    state.url = url;
    if (!url) {
      setStatus("Enter the web address of an article.", true);
      el.url.focus();
      return;
    }
    const ctl = setBusy(true, "Fetching the page…");
    let data;
    try {
      data = await api("api/fetch", { url }, ctl.signal);
    } catch (err) {
      if (err.name !== "AbortError") setStatus("Could not fetch the page: " + err.message, true);
      setBusy(false);
      return;
    }
    setBusy(false);
    el.text.value = data.title ? data.title + "\n\n" + data.text : data.text;
    state.text = el.text.value;
    save();
    setStatus("Fetched " + (data.title ? "“" + data.title + "”" : data.url) + ".");
    await analyse(thenMode || "check");
  }

  // ------------------------------------------------------------------ rendering

  function render() {
    const a = state.analysed;
    updateStale();
    if (!a) {
      el.results.hidden = true;
      hidePopover();
      return;
    }
    el.results.hidden = false;
    edits = usableEdits(a.text, a.result.edits);
    renderScore();
    renderMarked();
    renderDecided();
    renderSource();
    selectView(state.view, false);
  }

  function renderScore() {
    const r = state.analysed.result;
    el.score.classList.remove("score-high", "score-medium", "score-low");
    if (r.screen) {
      // tortured phrases per 1,000 words; any listed one makes the paper suspect
      el.score.textContent = fmt(r.density, 1);
      el.score.classList.add(
        r.listed > 0 ? "score-high" : r.discovered > 0 ? "score-medium" : "score-low"
      );
      el.score.setAttribute("aria-label", fmt(r.density, 1) + " tortured phrases per 1,000 words");
    } else if (r.judgeable) {
      el.score.textContent = fmt(r.score);
      el.score.classList.add(
        r.score >= 0.7 ? "score-high" : r.score >= 0.4 ? "score-medium" : "score-low"
      );
      el.score.setAttribute("aria-label", "document score " + fmt(r.score) + " of 1");
    } else {
      el.score.textContent = "–";
      el.score.setAttribute("aria-label", "no score");
    }
    el.verdict.textContent = r.verdict || "";
    el.message.hidden = !r.message;
    el.message.textContent = r.message || "";
  }

  function renderSummary() {
    const r = state.analysed.result;
    const counts = { accepted: 0, rejected: 0, pending: 0 };
    edits.forEach((_, i) => (counts[decisionOf(i)] += 1));
    const found = r.screen
      ? r.listed + " listed and " + r.discovered + " discovered tortured phrases in " +
        plural(r.words, "word") + (r.pages ? " on " + plural(r.pages, "page") : "") +
        " (" + fmt(r.density, 1) + " per 1,000)"
      : plural(edits.length, "suspected swap") + " in " + plural(r.words, "word");
    el.summary.textContent = found + " · " +
      counts.accepted + " accepted · " + counts.rejected + " rejected · " +
      counts.pending + " undecided";
  }

  function renderMarked() {
    const text = state.analysed.text;
    clear(el.marked);
    marks = [];
    let pos = 0;
    edits.forEach((e, i) => {
      if (e.jsStart > pos) el.marked.append(document.createTextNode(text.slice(pos, e.jsStart)));
      const mark = make("mark", { tabindex: "0", role: "button", "data-i": String(i) }, [
        make("span", { className: "spun", text: text.slice(e.jsStart, e.jsEnd) }),
        make("span", { className: "orig", text: e.original, "aria-hidden": "true" }),
      ]);
      mark.setAttribute("aria-describedby", "popover");
      marks.push(mark);
      el.marked.append(mark);
      pos = e.jsEnd;
    });
    if (pos < text.length) el.marked.append(document.createTextNode(text.slice(pos)));
    marks.forEach((_, i) => styleMark(i));
  }

  function styleMark(i) {
    const e = edits[i];
    const d = decisionOf(i);
    const mark = marks[i];
    mark.className = "edit band-" + band(e.confidence) + " " + d + (i === current ? " current" : "");
    mark.setAttribute(
      "aria-label",
      e.spun + ", suggested: " + e.original + ", confidence " + fmt(e.confidence) + ", " +
        (d === "pending" ? "undecided" : d)
    );
  }

  function restoredSegments() {
    // [["same"|"del"|"ins", text]] for the accepted edits
    const a = state.analysed;
    const segs = [];
    let pos = 0;
    edits.forEach((e, i) => {
      if (decisionOf(i) !== "accepted") return;
      segs.push(["same", a.text.slice(pos, e.jsStart)]);
      segs.push(["del", a.text.slice(e.jsStart, e.jsEnd)]);
      segs.push(["ins", e.original]);
      pos = e.jsEnd;
    });
    segs.push(["same", a.text.slice(pos)]);
    return segs.filter(([, s]) => s);
  }

  function restoredText() {
    return restoredSegments()
      .filter(([kind]) => kind !== "del")
      .map(([, s]) => s)
      .join("");
  }

  function renderDecided() {
    renderSummary();
    const segs = restoredSegments();
    el.restored.textContent = segs.filter(([k]) => k !== "del").map(([, s]) => s).join("");
    clear(el.diff);
    for (const [kind, s] of segs) {
      el.diff.append(kind === "same" ? document.createTextNode(s) : make(kind, { text: s }));
    }
  }

  function safeHref(url) {
    try {
      const u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (err) {
      return null;
    }
  }

  function renderSource() {
    const show = !!(health && health.index);
    el.sourcePanel.hidden = !show || !state.analysed;
    el.layout.classList.toggle("with-source", !el.sourcePanel.hidden);
    if (el.sourcePanel.hidden) return;
    clear(el.sourceBody);
    const a = state.analysed;
    const trace = a.trace;
    let match = null;
    if (trace && Array.isArray(trace.matches) && trace.matches.length) match = trace.matches[0];
    else if (a.result.source) match = a.result.source;
    if (!match) {
      const n = health.index.documents;
      el.sourceBody.append(
        make("p", {
          text: trace && trace.error
            ? "The source search failed: " + trace.error
            : "No source found among the " + (n == null ? "" : n.toLocaleString() + " ") +
              "indexed articles.",
        })
      );
      return;
    }
    const href = safeHref(match.url);
    const title = match.title || match.url;
    el.sourceBody.append(
      make("h3", null, [
        href ? make("a", { href, target: "_blank", rel: "noopener noreferrer", text: title })
             : title,
      ])
    );
    const meta = [match.site, match.author, match.date].filter(Boolean).join(" · ");
    if (meta) el.sourceBody.append(make("p", { className: "meta", text: meta }));
    el.sourceBody.append(make("p", { className: "meta url", text: match.url }));
    const swaps = (match.swaps || []).filter((s) => s.kind === "swap");
    const other = (match.swaps || []).length - swaps.length;
    el.sourceBody.append(
      make("p", {
        text: "Similarity " + fmt(match.similarity) + ": the source explains " +
          Math.round(100 * match.explained) + "% of this text (" +
          Math.round(100 * match.matched) + "% word for word) and " +
          plural(swaps.length, "swap") + " align" + (swaps.length === 1 ? "s" : "") + " with it" +
          (other ? "; " + plural(other, "other difference") : "") + ".",
      })
    );
    if (swaps.length) {
      const list = make("ol", { className: "swaps", "aria-label": "Aligned swaps" });
      for (const s of swaps) {
        list.append(
          make("li", null, [
            make("del", { text: s.spun }),
            " → ",
            make("ins", { text: s.original }),
          ])
        );
      }
      el.sourceBody.append(list);
    }
    if (trace && trace.matches && trace.matches.length > 1) {
      el.sourceBody.append(
        make("p", {
          className: "meta",
          text: "Also similar: " + trace.matches.slice(1).map((m) => m.title || m.url).join("; "),
        })
      );
    }
  }

  function updateStale() {
    const a = state.analysed;
    el.stale.hidden = !a || a.text === el.text.value;
  }

  // ------------------------------------------------------------------ decisions

  function decide(i, decision) {
    if (i < 0 || i >= edits.length) return;
    state.analysed.decisions[edits[i].index] = decision;
    styleMark(i);
    renderDecided();
    if (i === current) fillPopover(i);
    save();
  }

  function decideMany(fn) {
    if (!state.analysed) return;
    edits.forEach((e, i) => {
      const d = fn(e, decisionOf(i));
      if (d) state.analysed.decisions[e.index] = d;
    });
    marks.forEach((_, i) => styleMark(i));
    renderDecided();
    if (current >= 0) fillPopover(current);
    save();
  }

  function setThreshold(x, from) {
    state.threshold = clamp01(x);
    if (from !== el.threshold) el.threshold.value = String(state.threshold);
    if (from !== el.thresholdNumber) el.thresholdNumber.value = fmt(state.threshold);
    saveSoon();
  }

  // ------------------------------------------------------------------ popover

  function fillPopover(i) {
    const e = edits[i];
    const d = decisionOf(i);
    el.popSpun.textContent = e.spun;
    el.popOrig.textContent = e.original;
    el.popConf.textContent =
      "Confidence " + fmt(e.confidence) + " (" + band(e.confidence) + ") · " +
      (d === "pending" ? "undecided" : d);
    el.popWhy.textContent = why(e);
    el.popAccept.disabled = d === "accepted";
    el.popReject.disabled = d === "rejected";
    el.popUndo.disabled = d === "pending";
  }

  function showPopover(i) {
    clearTimeout(hideTimer);
    if (i < 0 || i >= marks.length) return;
    const previous = current;
    current = i;
    if (previous >= 0 && previous < marks.length && previous !== i) styleMark(previous);
    styleMark(i);
    fillPopover(i);
    el.popover.hidden = false;
    positionPopover(marks[i]);
  }

  function positionPopover(mark) {
    const rect = mark.getBoundingClientRect();
    const pop = el.popover;
    const width = pop.offsetWidth;
    const height = pop.offsetHeight;
    const margin = 8;
    let left = rect.left + window.scrollX;
    const maxLeft = window.scrollX + document.documentElement.clientWidth - width - margin;
    left = Math.max(window.scrollX + margin, Math.min(left, maxLeft));
    let top = rect.bottom + window.scrollY + 6;
    const below = rect.bottom + 6 + height <= window.innerHeight;
    if (!below && rect.top - height - 6 > 0) top = rect.top + window.scrollY - height - 6;
    pop.style.left = left + "px";
    pop.style.top = top + "px";
  }

  function hidePopover() {
    clearTimeout(hideTimer);
    el.popover.hidden = true;
    const previous = current;
    current = -1;
    if (previous >= 0 && previous < marks.length) styleMark(previous);
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      if (el.popover.matches(":hover") || el.popover.contains(document.activeElement)) return;
      if (current >= 0 && marks[current] === document.activeElement) return;
      hidePopover();
    }, 250);
  }

  function markIndex(node) {
    const mark = node && node.closest ? node.closest("mark[data-i]") : null;
    return mark && el.marked.contains(mark) ? Number(mark.getAttribute("data-i")) : -1;
  }

  function focusMark(i) {
    if (!marks.length) return;
    const j = Math.max(0, Math.min(marks.length - 1, i));
    marks[j].focus();
  }

  // ------------------------------------------------------------------ views

  function selectView(name, focus) {
    state.view = name;
    for (const t of tabs) {
      const on = t.name === name;
      t.tab.setAttribute("aria-selected", on ? "true" : "false");
      t.tab.tabIndex = on ? 0 : -1;
      t.panel.hidden = !on;
    }
    if (name !== "marked") hidePopover();
    if (focus) tabs.find((t) => t.name === name).tab.focus();
    saveSoon();
  }

  // ------------------------------------------------------------------ clipboard

  async function copyRestored() {
    if (!state.analysed) return;
    const text = restoredText();
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        ok = true;
      } catch (err) {
        ok = false;
      }
    }
    if (!ok) {
      el.copyBuffer.value = text;
      el.copyBuffer.select();
      try {
        ok = document.execCommand("copy");
      } catch (err) {
        ok = false;
      }
      el.copy.focus();
    }
    setStatus(
      ok
        ? "Restored text copied (" + text.length.toLocaleString() + " characters)."
        : "Copying was blocked by the browser: select the restored text and copy it by hand.",
      !ok
    );
  }

  // ------------------------------------------------------------------ events

  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    analyse("check");
  });
  el.restore.addEventListener("click", () => analyse("restore"));
  el.screen.addEventListener("click", () => analyse("screen"));
  el.screenPdf.addEventListener("click", () => el.pdf.click());
  el.pdf.addEventListener("change", () => {
    const file = el.pdf.files && el.pdf.files[0];
    el.pdf.value = ""; // choosing the same file again screens it again
    if (file) screenPdfFile(file);
  });
  el.fetch.addEventListener("click", () => fetchUrl("check"));
  el.url.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      fetchUrl("check");
    }
  });
  el.text.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      analyse(ev.shiftKey ? "restore" : "check");
    }
  });
  el.text.addEventListener("input", () => {
    state.text = el.text.value;
    updateStale();
    saveSoon();
  });
  el.url.addEventListener("input", () => {
    state.url = el.url.value;
    saveSoon();
  });
  el.clear.addEventListener("click", () => {
    if (busy) busy.abort();
    el.text.value = "";
    el.url.value = "";
    state.text = "";
    state.url = "";
    state.analysed = null;
    save();
    render();
    setStatus("");
    el.text.focus();
  });

  el.threshold.addEventListener("input", () => setThreshold(Number(el.threshold.value), el.threshold));
  el.thresholdNumber.addEventListener("change", () =>
    setThreshold(Number(el.thresholdNumber.value), el.thresholdNumber)
  );
  el.acceptAbove.addEventListener("click", () => {
    const x = state.threshold;
    let n = 0;
    decideMany((e, d) => {
      if (e.confidence >= x && d === "pending") {
        n += 1;
        return "accepted";
      }
      return null;
    });
    setStatus(
      "Accepted " + plural(n, "undecided edit") + " with confidence ≥ " + fmt(x) +
        " (rejected edits stay rejected)."
    );
  });
  el.rejectRest.addEventListener("click", () => {
    decideMany((e, d) => (d === "pending" ? "rejected" : null));
    setStatus("Rejected the undecided edits.");
  });
  el.reset.addEventListener("click", () => {
    const mode = state.analysed ? state.analysed.mode : "check";
    decideMany(() => (mode === "restore" ? "accepted" : "pending"));
    setStatus("Decisions reset.");
  });
  el.copy.addEventListener("click", copyRestored);

  for (const t of tabs) {
    t.tab.addEventListener("click", () => selectView(t.name, false));
    t.tab.addEventListener("keydown", (ev) => {
      const i = tabs.indexOf(t);
      let j = -1;
      if (ev.key === "ArrowRight") j = (i + 1) % tabs.length;
      else if (ev.key === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
      else if (ev.key === "Home") j = 0;
      else if (ev.key === "End") j = tabs.length - 1;
      if (j >= 0) {
        ev.preventDefault();
        selectView(tabs[j].name, true);
      }
    });
  }

  el.marked.addEventListener("mouseover", (ev) => {
    const i = markIndex(ev.target);
    if (i >= 0) showPopover(i);
  });
  el.marked.addEventListener("mousemove", (ev) => {
    // the pointer rests on one highlight while the keyboard showed another: follow the pointer
    const i = markIndex(ev.target);
    if (i >= 0 && (i !== current || el.popover.hidden)) showPopover(i);
  });
  el.marked.addEventListener("mouseout", (ev) => {
    if (markIndex(ev.target) >= 0 && markIndex(ev.relatedTarget) < 0) hideSoon();
  });
  el.marked.addEventListener("click", (ev) => {
    const i = markIndex(ev.target);
    if (i >= 0) {
      marks[i].focus();
      showPopover(i);
    }
  });
  el.marked.addEventListener("focusin", (ev) => {
    const i = markIndex(ev.target);
    if (i >= 0) showPopover(i);
  });
  el.marked.addEventListener("focusout", (ev) => {
    if (!el.popover.contains(ev.relatedTarget) && markIndex(ev.relatedTarget) < 0) hideSoon();
  });
  el.marked.addEventListener("keydown", (ev) => {
    const i = markIndex(ev.target);
    if (i < 0 || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    let handled = true;
    if (key === "Enter" || key === "a") decide(i, "accepted");
    else if (key === "r") decide(i, "rejected");
    else if (key === "u" || key === "Backspace" || key === "Delete") decide(i, "pending");
    else if (key === "ArrowRight" || key === "ArrowDown" || key === "j") focusMark(i + 1);
    else if (key === "ArrowLeft" || key === "ArrowUp" || key === "k") focusMark(i - 1);
    else if (key === "Home") focusMark(0);
    else if (key === "End") focusMark(marks.length - 1);
    else if (key === "Escape") hidePopover();
    else handled = false;
    if (handled) ev.preventDefault();
  });

  el.popover.addEventListener("mouseenter", () => clearTimeout(hideTimer));
  el.popover.addEventListener("mouseleave", hideSoon);
  el.popover.addEventListener("focusout", (ev) => {
    if (!el.popover.contains(ev.relatedTarget) && markIndex(ev.relatedTarget) < 0) hideSoon();
  });
  el.popover.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && current >= 0) {
      const i = current;
      hidePopover();
      marks[i].focus();
    }
  });
  const popDecide = (decision) => (ev) => {
    const i = current;
    if (i < 0) return;
    decide(i, decision);
    if (ev.detail === 0) {
      marks[i].focus(); // activated from the keyboard: carry on from the highlight
    } else {
      ev.currentTarget.blur(); // a click: the popover closes once the pointer leaves it
      if (!el.popover.matches(":hover")) hideSoon();
    }
  };
  el.popAccept.addEventListener("click", popDecide("accepted"));
  el.popReject.addEventListener("click", popDecide("rejected"));
  el.popUndo.addEventListener("click", popDecide("pending"));

  document.addEventListener("pointerdown", (ev) => {
    if (el.popover.hidden || el.popover.contains(ev.target) || markIndex(ev.target) >= 0) return;
    hidePopover();
  });
  window.addEventListener("resize", () => {
    if (current >= 0 && !el.popover.hidden) positionPopover(marks[current]);
  });
  window.addEventListener("pagehide", save);

  // ------------------------------------------------------------------ start

  load();
  el.text.value = state.text;
  el.url.value = state.url;
  setThreshold(state.threshold);
  render();
  loadHealth();
  document.documentElement.setAttribute("data-ready", "true");
})();
