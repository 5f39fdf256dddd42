"""unspin: find, explain and reverse spun text.

Public API::

    import unspin
    report = unspin.check(text)          # CheckReport: edits with confidence + document score
    result = unspin.restore(text)        # Restoration: restored text + edits
    result = unspin.restore(text, index="news.db")  # ... using the traced source article
    found = unspin.trace(text, "news.db")  # TraceReport: source articles + aligned swaps
    results = unspin.restore_many(texts) # batch API, resources loaded once
    paper = unspin.screen(path="paper.pdf") # ScreenReport: listed + discovered tortured phrases

All functions share one lazily loaded :class:`unspin.engine.Engine`.

Modes: *accurate* (the default when the ``neural`` extra is installed) rescores uncertain
edits with a small neural LM (:mod:`unspin.neural`); *fast* is the n-gram path only. Pass
``fast=True`` (or set ``UNSPIN_MODE=fast``) for the fast path; ``lm=PATH`` picks another
neural model (a Hugging Face causal-LM directory or a GGUF file). ``UNSPIN_MODE`` is
``auto`` (default), ``fast`` or ``accurate``; the test suite sets ``fast``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from unspin.result import CheckReport, Edit, Restoration, UnspinInputError

if TYPE_CHECKING:
    from unspin.index import Index
    from unspin.screening import Screener
    from unspin.screening_result import ScreenReport
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
    "screen",
    "trace",
]
__version__ = "0.1.0"

_ENGINE = None
_ACCURATE: dict[str, object] = {}
_WARNED = False


def _warn_once(message: str) -> None:
    global _WARNED
    if not _WARNED:
        _WARNED = True
        import sys

        print(f"unspin: {message}", file=sys.stderr)


def accurate_available() -> bool:
    """True when accurate mode can run: the neural extra and a model (SmolLM2 or ``--lm``)."""
    from unspin import neural

    return neural.available() and (
        neural.find_gguf() is not None or (neural.cache_root() / neural.DEFAULT_MODEL).exists()
    )


def _want_accurate(fast: bool, lm: str | os.PathLike[str] | None) -> bool:
    if fast:
        return False
    mode = os.environ.get("UNSPIN_MODE", "auto").strip().lower() or "auto"
    if mode == "fast" and lm is None:
        return False
    from unspin import neural

    if lm is not None or mode == "accurate":
        if not neural.available():
            _warn_once(
                "accurate mode is unavailable (pip install 'unspin[neural]'); using fast mode"
            )
            return False
        return True
    if accurate_available():
        return True
    _warn_once("accurate mode is unavailable (pip install 'unspin[neural]'); using fast mode")
    return False


def get_engine(*, fast: bool = False, lm: str | os.PathLike[str] | None = None):
    """Return the process-wide engine, loading the lexicon and language model on first use.

    Accurate mode (neural rescoring) unless ``fast`` or it is unavailable (see the module doc);
    the neural model itself loads on the first text that needs it."""
    global _ENGINE
    if _ENGINE is None:
        from unspin.engine import Engine

        _ENGINE = Engine()
    if not _want_accurate(fast, lm):
        return _ENGINE
    key = str(lm) if lm is not None else ""
    engine = _ACCURATE.get(key)
    if engine is None:
        from unspin.engine import Engine, NeuralParams
        from unspin.neural import LazyNeuralLM

        base = _ENGINE
        engine = Engine(
            lexicon=base.lexicon,
            lm=base.lm,
            params=base.params,
            neural=LazyNeuralLM(lm),
            neural_params=NeuralParams.load(),
        )
        _ACCURATE[key] = engine
    return engine


def check(
    text: str,
    *,
    min_confidence: float | None = None,
    progress: Callable | None = None,
    index: str | os.PathLike[str] | Index | None = None,
    site: str | None = None,
    learned: Mapping[str, Mapping[str, int]] | None = None,
    fast: bool = False,
    lm: str | os.PathLike[str] | None = None,
) -> CheckReport:
    """Flag suspected spun spans in ``text`` and score the whole document (0-1).

    ``progress(words_done, words_total)``, if given, is called as a long text is worked through.
    ``index``: use the substitutions learned there (``unspin learn``) as priors, the pairs of
    ``site`` (the text's domain) most; ``learned``: extra spinner-table pairs given directly.
    ``fast``: the n-gram path only; ``lm``: the neural model of accurate mode (a path).
    """
    if index is None:
        engine = engine_for(None, site, learned, text, fast=fast, lm=lm)
        return engine.check(text, min_confidence=min_confidence, progress=progress)
    from unspin.index import opened

    with opened(index) as idx:  # one connection for the learned priors and the note
        engine = engine_for(idx, site, learned, text, fast=fast, lm=lm)
        report = engine.check(text, min_confidence=min_confidence, progress=progress)
        _note_unused_spinners(report, idx, site)
    return report


def restore(
    text: str,
    *,
    min_confidence: float | None = None,
    progress: Callable | None = None,
    index: str | os.PathLike[str] | Index | None = None,
    site: str | None = None,
    learned: Mapping[str, Mapping[str, int]] | None = None,
    trace_source: bool = True,
    fast: bool = False,
    lm: str | os.PathLike[str] | None = None,
) -> Restoration:
    """Propose the original wording for each flagged span and return the restored text.

    With ``index`` (an :class:`unspin.index.Index` or the path of one), the substitutions
    learned there are priors (``site``'s most), and the text is traced first (unless
    ``trace_source`` is false): when its source is found, the aligned source wording replaces
    the model's guesses and the match is reported in ``Restoration.source``. ``fast`` and
    ``lm``: as for :func:`check`.
    """
    if index is None:
        engine = engine_for(None, site, learned, text, fast=fast, lm=lm)
        return engine.restore(text, min_confidence=min_confidence, progress=progress)
    from unspin.engine import apply_edits
    from unspin.index import opened
    from unspin.tracing import edits_from_source
    from unspin.tracing import trace as _trace

    with opened(index) as idx:  # one connection for the learned priors and the trace
        engine = engine_for(idx, site, learned, text, fast=fast, lm=lm)
        result = engine.restore(text, min_confidence=min_confidence, progress=progress)
        _note_unused_spinners(result, idx, site)
        if not trace_source:
            return result
        found = _trace(text, idx, limit=1).best
    if found is None:
        result.message = (result.message + " " if result.message else "") + (
            "no source found in the index; edits are the model's"
        )
        return result
    result.edits = edits_from_source(text, found, result.edits)
    result.restored = apply_edits(text, result.edits)
    result.source = found.to_dict()
    return result


def _note_unused_spinners(report: CheckReport, idx: Index, site: str | None) -> None:
    """Say in ``report.message`` when the open index has learned spinners of other sites only:
    they are priors for their own sites' copies, so the text's site must be given."""
    from unspin.learn import GLOBAL

    profile = _profile(idx, site)  # the lookup engine_for made, cached
    if profile is not None and profile.site != GLOBAL:
        return  # the site's own spinner
    sites = [r[0] for r in idx.con.execute(
        "SELECT DISTINCT site FROM learned WHERE site != ? ORDER BY site", (GLOBAL,)
    )]
    if not sites:
        return
    named = ", ".join(sites[:3]) + (f" and {len(sites) - 3} more" if len(sites) > 3 else "")
    why = "no site was given" if site is None else f"none was learned for {site}"
    note = (f"{why}: the spinners learned for {named} apply only to their own sites' copies "
            "(give the text's site or address)")
    report.message = (report.message + " " if report.message else "") + note


_LEARNED_ENGINES: dict[tuple, object] = {}
_PROFILES: dict[tuple, object] = {}


def _profile(idx: Index, site: str | None):
    """The learned spinner profile of ``site`` in an open index (cached while the learned
    data stay the same)."""
    from unspin.spinner_profile import profile_from_index

    stamp = idx.con.execute("SELECT count(*), total(count), total(seen) FROM learned").fetchone()
    words = idx.con.execute("SELECT count(*) FROM site_words").fetchone()
    key = (str(idx.path), site, *stamp, *words)
    if key not in _PROFILES:
        if len(_PROFILES) >= 8:
            _PROFILES.pop(next(iter(_PROFILES)))
        _PROFILES[key] = profile_from_index(idx, site)
    return _PROFILES[key]


def _merged_table(
    table: dict[str, dict[str, int]], extra: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, int]]:
    """``table`` with the pairs of ``extra`` added (the larger weight where both have one)."""
    for spun, row in extra.items():
        dest = table.setdefault(spun, {})
        for orig, n in row.items():
            dest[orig] = max(dest.get(orig, 0), int(n))
    return table


def engine_for(
    index: str | os.PathLike[str] | Index | None = None,
    site: str | None = None,
    learned: Mapping[str, Mapping[str, int]] | None = None,
    text: str | None = None,
    *,
    fast: bool = False,
    lm: str | os.PathLike[str] | None = None,
):
    """The engine for a text: with the spinner learned in ``index`` for ``site``
    (:class:`unspin.spinner_profile.SpinnerProfile`: the site's own when it has one, else the
    pairs imported for every site) when ``text`` reads like that spinner's output, and with
    ``learned`` (extra spinner-table pairs given directly) added to its table; the plain
    engine otherwise. Derived engines share the language model and thesaurus and are cached
    (a few at a time)."""
    profile = None
    if index is not None:
        from unspin.index import opened

        with opened(index) as idx:
            profile = _profile(idx, site)
        if profile is not None and text is not None and not profile.matches(text):
            profile = None
    direct = _merged_table({}, learned or {})
    base = get_engine(fast=fast, lm=lm)
    if profile is None and not direct:
        return base
    key = (
        id(base.neural),
        id(profile),
        tuple(sorted((k, tuple(sorted(v.items()))) for k, v in direct.items())),
    )
    engine = _LEARNED_ENGINES.get(key)
    if engine is None:
        table = _merged_table(profile.table() if profile is not None else {}, direct)
        if len(_LEARNED_ENGINES) >= 4:
            _LEARNED_ENGINES.pop(next(iter(_LEARNED_ENGINES)))
        engine = base.derive(table, base.lexicon.new_pairs(direct), profile)
        _LEARNED_ENGINES[key] = engine
    return engine


def trace(text: str, index: str | os.PathLike[str] | Index, *, limit: int = 3) -> TraceReport:
    """Find the indexed articles that ``text`` was copied (and spun) from, best first."""
    from unspin.tracing import trace as _trace

    return _trace(text, index, limit=limit)


_SCREENERS: dict[tuple[str | None, bool, int | None], Screener] = {}


def screen(
    text: str | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    pdf: bytes | None = None,
    name: str | None = None,
    field: str | None = None,
    discover: bool = True,
    max_pages: int | None = None,
) -> ScreenReport:
    """Science mode: the tortured phrases of a paper, given as ``text``, a PDF/text ``path``
    or the bytes of a ``pdf`` (``name`` names it in the report; ``max_pages`` reads only the
    first pages of a PDF).

    Listed findings come from the bundled Problematic Paper Screener list plus the user's lists
    (:mod:`unspin.fingerprints`); with ``discover`` also unlisted ones (:mod:`unspin.discover`).
    ``field`` whitelists legitimate uses in a discipline ("medicine", ...).
    """
    from unspin.fingerprints import Whitelist
    from unspin.screening import Screener, ScreenOptions

    if sum(x is not None for x in (text, path, pdf)) != 1:
        raise UnspinInputError("pass one of text, path or pdf")
    # a field matters only through the bundled whitelist's phrases for it: one the whitelist
    # does not name screens as no field, so that callers' field strings (an API client's)
    # do not each keep a screener
    field = field.strip().lower() if field else None
    if field not in Whitelist.bundled().fields():
        field = None
    key = (field, discover, max_pages)
    screener = _SCREENERS.get(key)
    if screener is None:
        # the discovery model takes a second to load and is the same for every field
        shared = next((s for s in _SCREENERS.values() if s.options.discover), None)
        screener = Screener(
            options=ScreenOptions(field=field, discover=discover, max_pages=max_pages),
            discoverer=shared.discoverer if discover and shared is not None else None,
        )
        _SCREENERS[key] = screener
    if path is not None:
        report = screener.screen_file(path)
    elif pdf is not None:
        report = screener.screen_pdf(pdf)
    else:
        report = screener.screen_text(text)
    if name is not None:
        report.name = name
    return report


def check_many(
    texts: Iterable[str], *, min_confidence: float | None = None, workers: int = 1
) -> list[CheckReport]:
    """:func:`check` for many documents; ``workers > 1`` spreads them over processes."""
    return _many("check", list(texts), min_confidence, workers)


def restore_many(
    texts: Iterable[str], *, min_confidence: float | None = None, workers: int = 1
) -> list[Restoration]:
    """:func:`restore` for many documents; ``workers > 1`` spreads them over processes.

    The engine is loaded once in this process; forked workers share it (copy-on-write). In
    accurate mode ``workers`` is ignored: the neural model uses every core already. A
    document that cannot be processed raises :class:`UnspinInputError`, as :func:`restore` does.
    """
    return _many("restore", list(texts), min_confidence, workers)


NEURAL_DOCS_PER_BATCH = 16  # accurate mode: documents whose uncertain edits share a model call


def _many(method: str, texts: list[str], min_confidence: float | None, workers: int) -> list:
    engine = get_engine()
    # accurate mode runs in this process: its torch threads already use every core, and a
    # process forked after torch ran may hang (OpenMP does not survive fork)
    if (
        workers <= 1
        or len(texts) < 2
        or "fork" not in mp.get_all_start_methods()
        or engine.neural is not None
    ):
        if engine.neural is not None:  # the neural LM sees several documents' edits at once
            run_many = getattr(engine, f"{method}_many")
            out: list = []
            for s in range(0, len(texts), NEURAL_DOCS_PER_BATCH):
                out += run_many(texts[s : s + NEURAL_DOCS_PER_BATCH], min_confidence)
            return out
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
