"""Fill an index from sources: feeds, sitemaps, URL lists, HTML/text/JSONL files, WARC archives.

Documents come from :func:`unspin.sources.iter_documents`; each is fingerprinted and upserted
into the :class:`~unspin.index.Index`. Writes are batched into transactions of
``commit_every`` documents (or ``commit_seconds``), so an ingest killed at any moment loses at
most the open batch, which a re-run stores again: the URL key makes every store idempotent.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from unspin.fetch import Fetcher
from unspin.fingerprint import fingerprints
from unspin.index import Index, prepare_document
from unspin.sources import RawDocument, Skipped, iter_documents

__all__ = ["IngestSummary", "ingest"]

MIN_WORDS = 20  # shorter texts (captions, stubs) make poor sources and noisy matches


@dataclass
class IngestSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    failed: Counter[str] = field(default_factory=Counter)  # reason -> count
    failed_examples: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    seconds: float = 0.0
    extract_seconds: float = 0.0  # time spent extracting article text from HTML
    index_seconds: float = 0.0  # fingerprinting and storing

    @property
    def stored(self) -> int:
        return self.added + self.updated

    @property
    def seen(self) -> int:
        return (
            self.added
            + self.updated
            + self.unchanged
            + self.duplicate
            + sum(self.skipped.values())
            + sum(self.failed.values())
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicate": self.duplicate,
            "skipped": dict(self.skipped.most_common()),
            "failed": dict(self.failed.most_common()),
            "failed_examples": [{"url": u, "reason": r} for u, r in self.failed_examples],
            "seconds": round(self.seconds, 3),
            "extract_seconds": round(self.extract_seconds, 3),
            "index_seconds": round(self.index_seconds, 3),
        }


def _bucket(reason: str) -> str:
    """Group reasons for the summary: "HTTP 404 for https://..." -> "HTTP 404"."""
    return reason.split(" for ", 1)[0].split(": http", 1)[0][:120]


def ingest(
    sources: Iterable[str],
    index: Index,
    *,
    fetcher: Fetcher | None = None,
    kind: str = "auto",
    limit: int | None = None,
    refresh: bool = False,
    commit_every: int = 500,
    commit_seconds: float = 2.0,
    on_item: Callable[[RawDocument | Skipped, str], None] | None = None,
) -> IngestSummary:
    """Ingest every source into ``index``; returns counts with reasons.

    ``refresh``: fetch web pages again even when their URL is already indexed (otherwise they
    are skipped without a request). ``on_item(item, status)`` is called for each document or
    skip, e.g. to advance a progress bar.
    """
    summary = IngestSummary()
    t0 = time.perf_counter()
    known: Callable[[str], bool] | None = None if refresh else index.has_url
    pending = 0
    last_commit = time.monotonic()
    index.begin()
    try:
        for spec in sources:
            items = iter_documents(spec, fetcher=fetcher, kind=kind, limit=limit, known=known)
            for item in items:
                status = _store(item, index, summary)
                pending += status in ("added", "updated")
                if on_item is not None:
                    on_item(item, status)
                if pending >= commit_every or time.monotonic() - last_commit > commit_seconds:
                    index.commit()
                    index.begin()
                    pending = 0
                    last_commit = time.monotonic()
    finally:
        index.commit()
        summary.seconds = time.perf_counter() - t0
    return summary


def _store(item: RawDocument | Skipped, index: Index, summary: IngestSummary) -> str:
    if isinstance(item, Skipped):
        reason = _bucket(item.reason)
        if item.failed:
            summary.failed[reason] += 1
            if len(summary.failed_examples) < 20:
                summary.failed_examples.append((item.url, item.reason))
            return "failed"
        summary.skipped[reason] += 1
        return "skipped"
    summary.extract_seconds += item.extract_seconds
    t = time.perf_counter()
    fp = fingerprints(item.text)
    if fp.words < MIN_WORDS:
        summary.skipped[f"too short (under {MIN_WORDS} words)"] += 1
        summary.index_seconds += time.perf_counter() - t
        return "skipped"
    prepared = prepare_document(
        item.url, item.text, item.title, item.date, item.author, item.site, fp=fp
    )
    status, _ = index.put(prepared)
    summary.index_seconds += time.perf_counter() - t
    if status == "added":
        summary.added += 1
    elif status == "updated":
        summary.updated += 1
    elif status == "unchanged":
        summary.unchanged += 1
    else:
        summary.duplicate += 1
    return status
