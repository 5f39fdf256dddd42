"""Lattice decoding of one sentence with the n-gram LM and the candidates' edit gains.

A path through the lattice either keeps each spun word or replaces a span by one of its
candidate originals. Its score is ``lm_weight * log10 P_LM(path) + sum(edit gains)``. A beam
Viterbi over (previous two words) states finds the best path. Each edit on it then gets two
margins, computed locally (a 3-gram model only sees two words back):

- ``keep``: best path score minus the score with this edit reverted to the spun words;
- ``alt``: best path score minus the best score with another original for the same span.

The posterior of the edit among keeping the span and all originals proposed for it follows
from those margins; the calibrated confidence is a logistic function of its logit
(``data/params.json``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from unspin.candidates import Candidate
from unspin.lm import NGramLM


@dataclass(slots=True)
class Decision:
    cand: Candidate
    gain: float  # non-LM part of the edit score
    lm_gain: float  # LM log10 gain of the edit against reverting it
    margin_keep: float
    margin_alt: float
    posterior: float  # P(this original | span) among keep and the span's other candidates


def decode_sentence(
    lm: NGramLM,
    lows: list[str],
    cands: list[Candidate],
    gains: list[float],
    lm_weight: float,
    beam: int = 6,
) -> list[Decision]:
    n = len(lows)
    if not cands:
        return []
    by_start: dict[int, list[tuple[Candidate, float]]] = {}
    for c, g in zip(cands, gains, strict=True):
        by_start.setdefault(c.i, []).append((c, g))
    cond = lm.cond
    # state: (h2, h1) -> (score, back); back = (prev_pos, prev_state, candidate or None)
    beams: list[dict] = [dict() for _ in range(n + 1)]
    beams[0][(None, "<s>")] = (0.0, None)
    for pos in range(n):
        cur = beams[pos]
        if not cur:
            continue
        if len(cur) > beam:
            top = sorted(cur.items(), key=lambda kv: kv[1][0], reverse=True)[:beam]
            cur = dict(top)
            beams[pos] = cur
        w = lows[pos]
        starts = by_start.get(pos, ())
        nxt = beams[pos + 1]
        for state, (score, _back) in cur.items():
            h2, h1 = state
            s = score + lm_weight * cond(w, h2, h1)
            key = (h1, w)
            old = nxt.get(key)
            if old is None or s > old[0]:
                nxt[key] = (s, (pos, state, None))
            for cand, gain in starts:
                s = score + gain
                a, b = h2, h1
                for cw in cand.words:
                    s += lm_weight * cond(cw, a, b)
                    a, b = b, cw
                target = beams[cand.j]
                key = (a, b)
                old = target.get(key)
                if old is None or s > old[0]:
                    target[key] = (s, (pos, state, cand))
    # close the sentence
    best_score, best_state = -math.inf, None
    for state, (score, _b) in beams[n].items():
        s = score + lm_weight * cond("</s>", state[0], state[1])
        if s > best_score:
            best_score, best_state = s, state
    # back-trace
    chosen: list[Candidate] = []
    pos, state = n, best_state
    while pos > 0:
        _score, back = beams[pos][state]
        prev_pos, prev_state, cand = back
        if cand is not None:
            chosen.append(cand)
        pos, state = prev_pos, prev_state
    chosen.reverse()
    if not chosen:
        return []
    return _margins(lm, lows, chosen, by_start, dict(zip(map(id, cands), gains, strict=True)),
                    lm_weight)


def _path_words(lows: list[str], chosen: list[Candidate]) -> tuple[list[str], list[int]]:
    """Words of a path and, per sentence position, the index of its first path word."""
    words: list[str] = []
    index = [0] * (len(lows) + 1)
    k = 0
    pos = 0
    for c in chosen + [None]:
        stop = c.i if c is not None else len(lows)
        while pos < stop:
            index[pos] = k
            words.append(lows[pos])
            k += 1
            pos += 1
        if c is None:
            break
        index[pos] = k
        words.extend(c.words)
        k += len(c.words)
        for p in range(c.i + 1, c.j):
            index[p] = k
        pos = c.j
    index[len(lows)] = k
    return words, index


def _region_score(
    lm: NGramLM, lows: list[str], path: list[Candidate], i: int, j: int
) -> float:
    """log10 P of what ``path`` puts at sentence positions i..j and the two words after them
    (and </s> when that reaches the end), given the path before them. Comparing two paths
    over the same region gives their full score difference under a 3-gram model."""
    words, index = _path_words(lows, path)
    end = j + 2
    stop = index[end] if end <= len(lows) else len(words) + 1
    return _local_score(lm, words, index[i], stop)


def _local_score(lm: NGramLM, words: list[str], start: int, stop: int) -> float:
    """log10 P of words[start:stop] given the words before; ``stop == len(words) + 1``
    includes the sentence end."""
    ext = ["<s>", *words, "</s>"]
    total = 0.0
    for e in range(start + 1, min(stop + 1, len(ext))):
        total += lm.cond(ext[e], ext[e - 2] if e >= 2 else None, ext[e - 1])
    return total


def _margins(
    lm: NGramLM,
    lows: list[str],
    chosen: list[Candidate],
    by_start: dict[int, list[tuple[Candidate, float]]],
    gain_of: dict[int, float],
    lm_weight: float,
) -> list[Decision]:
    out: list[Decision] = []
    for idx, cand in enumerate(chosen):
        gain = gain_of[id(cand)]
        others = chosen[:idx] + chosen[idx + 1 :]
        # against reverting to the spun words
        base = lm_weight * _region_score(lm, lows, chosen, cand.i, cand.j) + gain
        reverted = lm_weight * _region_score(lm, lows, others, cand.i, cand.j)
        margin_keep = base - reverted
        # against every other original proposed at the same start
        margin_alt = math.inf
        denom = 1.0 + math.exp(-min(margin_keep, 50.0))
        for other, g in by_start.get(cand.i, ()):
            if other is cand or any(o.i < other.j for o in others[idx:]):
                continue  # itself, or would overlap the next edit on the path
            j = max(cand.j, other.j)
            ref = lm_weight * _region_score(lm, lows, chosen, cand.i, j) + gain
            alt_path = [*others[:idx], other, *others[idx:]]
            alt = lm_weight * _region_score(lm, lows, alt_path, cand.i, j) + g
            margin_alt = min(margin_alt, ref - alt)
            denom += math.exp(-max(min(ref - alt, 50.0), -50.0))
        lm_gain = (base - gain - reverted) / lm_weight
        out.append(Decision(cand, gain, lm_gain, margin_keep, margin_alt, 1.0 / denom))
    return out
