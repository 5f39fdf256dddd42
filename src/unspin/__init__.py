"""unspin: find, explain and reverse spun text.

Public API::

    import unspin
    report = unspin.check(text)          # CheckReport: edits with confidence + document score
    result = unspin.restore(text)        # Restoration: restored text + edits
    result = unspin.restore(text, index="news.db")  # ... using the traced source article
    found = unspin.trace(text, "news.db")  # TraceReport: source articles + aligned swaps
    results = unspin.restore_many(texts) # batch API, resources loaded once

All functions share one lazily loaded :class:`unspin.engine.Engine`.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from unspin.result import CheckReport, Edit, Restoration, UnspinInputError

if TYPE_CHECKING:
    from unspin.index import Index
    from unspin.tracing import TraceReport

__all__ = [
    "CheckReport",
    "Edit",
    "Engine",
    "Restoration",
    "UnspinInputError",
    "check",
    "check_many",
    "get_engine",
    "restore",
    "restore_many",
    "trace",
]
__version__ = "0.1.0"

_ENGINE = None


def get_engine():
    """Return the process-wide engine, loading the lexicon and language model on first use."""
    global _ENGINE
    if _ENGINE is None:
        from unspin.engine import Engine

        _ENGINE = Engine()
    return _ENGINE


def check(
    text: str, *, min_confidence: float | None = None, progress: Callable | None = None
) -> CheckReport:
    """Flag suspected spun spans in ``text`` and score the whole document (0-1).

    ``progress(words_done, words_total)``, if given, is called as a long text is worked through.
    """
    return get_engine().check(text, min_confidence=min_confidence, progress=progress)


def restore(
    text: str,
    *,
    min_confidence: float | None = None,
    progress: Callable | None = None,
    index: str | os.PathLike[str] | Index | None = None,
) -> Restoration:
    """Propose the original wording for each flagged span and return the restored text.

    With ``index`` (an :class:`unspin.index.Index` or the path of one), the text is traced
    first; when its source is found, the aligned source wording replaces the model's guesses
    and the match is reported in ``Restoration.source``.
    """
    result = get_engine().restore(text, min_confidence=min_confidence, progress=progress)
    if index is None:
        return result
    from unspin.engine import apply_edits
    from unspin.tracing import edits_from_source
    from unspin.tracing import trace as _trace

    found = _trace(text, index, limit=1).best
    if found is None:
        result.message = (result.message + " " if result.message else "") + (
            "no source found in the index; edits are the model's"
        )
        return result
    result.edits = edits_from_source(text, found, result.edits)
    result.restored = apply_edits(text, result.edits)
    result.source = found.to_dict()
    return result


def trace(text: str, index: str | os.PathLike[str] | Index, *, limit: int = 3) -> TraceReport:
    """Find the indexed articles that ``text`` was copied (and spun) from, best first."""
    from unspin.tracing import trace as _trace

    return _trace(text, index, limit=limit)


def check_many(
    texts: Iterable[str], *, min_confidence: float | None = None, workers: int = 1
) -> list[CheckReport]:
    """:func:`check` for many documents; ``workers > 1`` spreads them over processes."""
    return _many("check", list(texts), min_confidence, workers)


def restore_many(
    texts: Iterable[str], *, min_confidence: float | None = None, workers: int = 1
) -> list[Restoration]:
    """:func:`restore` for many documents; ``workers > 1`` spreads them over processes.

    The engine is loaded once in this process; forked workers share it (copy-on-write). A
    document that cannot be processed raises :class:`UnspinInputError`, as :func:`restore` does.
    """
    return _many("restore", list(texts), min_confidence, workers)


def _many(method: str, texts: list[str], min_confidence: float | None, workers: int) -> list:
    engine = get_engine()
    if workers <= 1 or len(texts) < 2 or "fork" not in mp.get_all_start_methods():
        run = getattr(engine, method)
        return [run(t, min_confidence=min_confidence) for t in texts]
    with ProcessPoolExecutor(min(workers, len(texts)), mp_context=mp.get_context("fork")) as ex:
        jobs = [(method, t, min_confidence) for t in texts]
        return list(ex.map(_run_one, jobs, chunksize=max(1, len(texts) // (4 * workers))))


def _run_one(job: tuple[str, str, float | None]):
    method, text, min_confidence = job
    return getattr(get_engine(), method)(text, min_confidence=min_confidence)


def __getattr__(name: str):
    if name == "Engine":
        from unspin.engine import Engine

        return Engine
    raise AttributeError(name)
