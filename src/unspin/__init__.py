"""unspin: find, explain and reverse spun text.

Public API::

    import unspin
    report = unspin.check(text)          # CheckReport: edits with confidence + document score
    result = unspin.restore(text)        # Restoration: restored text + edits
    results = unspin.restore_many(texts) # batch API, resources loaded once

All functions share one lazily loaded :class:`unspin.engine.Engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from unspin.result import CheckReport, Edit, Restoration, UnspinInputError

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
    text: str, *, min_confidence: float | None = None, progress: Callable | None = None
) -> Restoration:
    """Propose the original wording for each flagged span and return the restored text."""
    return get_engine().restore(text, min_confidence=min_confidence, progress=progress)


def check_many(texts: Iterable[str], *, min_confidence: float | None = None) -> list[CheckReport]:
    engine = get_engine()
    return [engine.check(t, min_confidence=min_confidence) for t in texts]


def restore_many(
    texts: Iterable[str], *, min_confidence: float | None = None
) -> list[Restoration]:
    engine = get_engine()
    return [engine.restore(t, min_confidence=min_confidence) for t in texts]


def __getattr__(name: str):
    if name == "Engine":
        from unspin.engine import Engine

        return Engine
    raise AttributeError(name)
