"""Fit the decision model on development data and write ``src/unspin/data/params.json``.

    python scripts/calibrate.py [--articles 120]

Development data only: BBC articles of the *dev* split (even index), spun by the benchmark's
spinner simulator with half A of the real spinner table (once with thesaurus draws at 10, 20
and 35%, once with table pairs and stock expansions only), plus the same number of unspun dev
articles as clean negatives. The evaluation split, table half B, the seed article and the
arXiv abstracts are never used here.

Three small L2-regularised fits in numpy:

1. edit gains: at every span start, a conditional logit chooses between keeping the spun words
   and each candidate (label = the gold restoration); features = isolated LM gain + candidate
   features. Its coefficients become the lattice weights.
2. confidence: label = a decoded edit is correct; features = the decoder's posterior and
   margins, the LM gain, the candidate's source and evidence (``confidence_features``).
3. document score: label = spun vs clean; feature = confidence mass per 100 words.

The edit threshold is the lowest confidence at which dev precision reaches the target and the
clean dev articles get at most the target wrong edits per 1,000 words.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from unspin.candidates import FEATURES  # noqa: E402
from unspin.engine import Engine, Params, confidence_features  # noqa: E402
from unspin.fitting import fit_logistic  # noqa: E402

# Real spinners almost never touch quoted speech and the simulator never does, so the data
# only says "very negative"; a fixed floor keeps quotes protected however the fit lands.
QUOTED_MAX_WEIGHT = -4.0
PARAMS_OUT = ROOT / "src" / "unspin" / "data" / "params.json"


def norm(s: str) -> str:
    return " ".join(s.lower().replace("’", "'").split())


def gold_restoration(doc, start: int, end: int) -> str | None:
    """The original text of spun region [start, end), or None when a gold swap straddles it
    or the region holds no swap."""
    parts = []
    pos = start
    inside = 0
    for sw in doc.swaps:
        if sw.end <= start or sw.start >= end:
            continue
        if sw.start < start or sw.end > end:
            return None
        parts.append(doc.text[pos : sw.start])
        parts.append(sw.original)
        pos = sw.end
        inside += 1
    if not inside:
        return None
    parts.append(doc.text[pos:end])
    return norm("".join(parts))


def fit_conditional_logit(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, group_weights: np.ndarray,
    l2: float = 1e-3, iters: int = 100,
) -> tuple[np.ndarray, float]:
    """Each group chooses one of {keep (score 0), its candidates (score x.w + b)}.

    ``y`` marks the chosen candidate (a group with none chose keep). Damped Newton's method.
    """
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    n_groups = int(groups.max()) + 1
    gw = group_weights[groups]
    reg = np.full(d + 1, l2 * group_weights.sum())
    reg[-1] = 0.0

    def loss_and_p(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = xb @ w
        top = np.maximum(np.zeros(n_groups), _group_max(s, groups, n_groups))
        e = np.exp(s - top[groups])
        z = np.exp(-top) + np.bincount(groups, weights=e, minlength=n_groups)
        logz = top + np.log(z)
        chosen = np.bincount(groups, weights=y * s, minlength=n_groups)
        loss = float((group_weights * (logz - chosen)).sum() + 0.5 * (reg * w * w).sum())
        return loss, e / z[groups]

    w = np.zeros(d + 1)
    loss, p = loss_and_p(w)
    for _ in range(iters):
        grad = xb.T @ (gw * (p - y)) + reg * w
        h = (xb * (gw * p)[:, None]).T @ xb
        m = np.zeros((n_groups, d + 1))
        np.add.at(m, groups, xb * p[:, None])
        h -= (m * group_weights[:, None]).T @ m
        h += np.diag(reg + 1e-6)
        step = np.linalg.solve(h, grad)
        t = 1.0
        while t > 1e-4:
            new_loss, new_p = loss_and_p(w - t * step)
            if new_loss <= loss:
                break
            t /= 2
        w = w - t * step
        converged = loss - new_loss < 1e-7 * max(abs(loss), 1.0)
        loss, p = new_loss, new_p
        if converged:
            break
    return w[:-1], float(w[-1])


def _group_max(s: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.full(n_groups, -np.inf)
    np.maximum.at(out, groups, s)
    return out


def fit_gains(engine: Engine, spun: list, clean: list) -> Params:
    """Conditional logit over {keep, candidates} at each span start (see module doc)."""
    rows, chosen_flags, group_ids, group_w = [], [], [], []
    gid = 0
    dropped = 0
    for docs, is_spun in ((spun, True), (clean, False)):
        for doc in docs:
            text = doc.text if is_spun else doc
            by_start: dict[int, list] = {}
            for start, end, cand, dlm in engine.candidates(text):
                by_start.setdefault(start, []).append((end, cand, dlm))
            swap_starts = {sw.start for sw in doc.swaps} if is_spun else set()
            for start, group in by_start.items():
                labels = []
                for end, cand, _dlm in group:
                    gold = gold_restoration(doc, start, end) if is_spun else None
                    labels.append(gold is not None and gold == norm(cand.text))
                if start in swap_starts and not any(labels):
                    dropped += 1  # the right original is not among the candidates
                    continue
                for (_end, cand, dlm), lab in zip(group, labels, strict=True):
                    rows.append([dlm, *cand.features])
                    chosen_flags.append(float(lab))
                    group_ids.append(gid)
                group_w.append(1.0 if is_spun else 2.0)
                gid += 1
    x = np.asarray(rows)
    y = np.asarray(chosen_flags)
    g = np.asarray(group_ids)
    print(f"span groups: {gid} ({int(y.sum())} with a correct edit, {dropped} uncovered dropped); "
          f"candidates: {len(y)}")
    coef, intercept = fit_conditional_logit(x, y, g, np.asarray(group_w))
    lm_weight = max(float(coef[0]), 0.05)
    weights = {f: float(c) for f, c in zip(FEATURES, coef[1:], strict=True)}
    print(f"lm_weight {lm_weight:.3f} bias {intercept:.3f}")
    for f in FEATURES:
        print(f"  {f:15s} {weights[f]:+.3f}")
    return Params(lm_weight=lm_weight, weights=weights, bias=intercept)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--target-precision", type=float, default=0.96)
    ap.add_argument("--target-clean-per-1000", type=float, default=0.3)
    ap.add_argument("--out", type=Path, default=PARAMS_OUT)
    args = ap.parse_args()

    from benchmarks.data import bbc_split, load_table, split_table, table_originals

    split, table = bbc_split(), load_table()
    if split is None or table is None:
        print("calibration needs ../shared/data (BBC articles and the spinner table)")
        return 1
    from benchmarks.data import spin_articles
    from benchmarks.spinner import Spinner

    half_a, half_b = split_table(table)
    dev = split[0]
    n = args.articles
    t0 = time.perf_counter()
    spun = []
    for k, rate in enumerate((0.10, 0.20, 0.35)):
        spun += spin_articles(dev[k * n // 3 : (k + 1) * n // 3], half_a, seed=101 + k, rate=rate)
    # and as many spun with only real-table pairs and stock expansions (no thesaurus draws):
    # the real table "carries most of the recall" on real spun news
    table_only = Spinner(half_a, seed=201, rate=0.20, thesaurus={})
    spun += [table_only.spin(a.text, doc_id=a.id) for a in dev[2 * n : 3 * n]]
    clean = [a.text for a in dev[n : 2 * n]]
    print(f"dev data: {len(spun)} spun + {len(clean)} clean articles "
          f"({time.perf_counter() - t0:.0f} s to spin)")

    engine = Engine(exclude_table_originals=table_originals(half_b), params=Params())

    # ---- 1. edit gains, twice: a first pass without document features, then the second
    # pass that sees the first pass's edit density (the spinner is consistent in a document)
    first = fit_gains(engine, spun, clean)
    first.weights["quoted"] = min(first.weights["quoted"], QUOTED_MAX_WEIGHT)
    pass1 = {"lm_weight": first.lm_weight, "bias": first.bias, "weights": first.weights}
    engine = Engine(exclude_table_originals=table_originals(half_b),
                    params=Params(pass1=pass1), lm=engine.lm)
    params = fit_gains(engine, spun, clean)
    params.weights["quoted"] = min(params.weights["quoted"], QUOTED_MAX_WEIGHT)
    params.pass1 = pass1

    # ---- 2. confidence: Platt scaling of the decoder's posterior
    engine = Engine(exclude_table_originals=table_originals(half_b), params=params,
                    lm=engine.lm)
    feats, ok, is_clean = [], [], []
    words_clean = 0
    n_swaps = sum(len(d.swaps) for d in spun)
    for docs, spun_flag in ((spun, True), (clean, False)):
        for doc in docs:
            text = doc.text if spun_flag else doc
            decisions, n_words, _j, _m = engine.decisions(text)
            if not spun_flag:
                words_clean += n_words
            for first, last, d in decisions:
                gold = gold_restoration(doc, first.start, last.end) if spun_flag else None
                cf = confidence_features(d)
                conf_names = list(cf)
                feats.append(list(cf.values()))
                ok.append(float(gold is not None and gold == norm(d.cand.text)))
                is_clean.append(not spun_flag)
    fx = np.asarray(feats)
    fy = np.asarray(ok)
    cc, cb = fit_logistic(fx, fy, l2=1e-3)
    params.conf_bias = cb
    params.conf_weights = {k: float(c) for k, c in zip(conf_names, cc, strict=True)}
    params.conf_weights["f_quoted"] = min(params.conf_weights["f_quoted"], QUOTED_MAX_WEIGHT)
    print(f"confidence: bias {cb:.3f}")
    for k, c in params.conf_weights.items():
        print(f"  {k:20s} {c:+.3f}")
    conf = 1 / (1 + np.exp(-(fx @ cc + cb)))
    clean_mask = np.asarray(is_clean)

    # ---- threshold
    chosen = 0.99
    for thr in np.arange(0.05, 0.995, 0.01):
        keep = conf >= thr
        spun_keep = keep & ~clean_mask
        prec = fy[spun_keep].mean() if spun_keep.any() else 1.0
        clean_rate = 1000 * (keep & clean_mask).sum() / max(words_clean, 1)
        if prec >= args.target_precision and clean_rate <= args.target_clean_per_1000:
            chosen = float(round(thr, 2))
            break
    params.min_confidence = chosen
    keep = conf >= chosen
    spun_keep = keep & ~clean_mask
    print(f"threshold {chosen}: dev precision {fy[spun_keep].mean():.3f}, "
          f"swap recall {(spun_keep & (fy == 1)).sum() / max(n_swaps, 1):.3f}, "
          f"clean wrong/1000 {1000 * (keep & clean_mask).sum() / max(words_clean, 1):.2f}")

    # ---- 3. document score
    engine = Engine(exclude_table_originals=table_originals(half_b), params=params, lm=engine.lm)
    dens, lab = [], []
    for docs, spun_flag in ((spun, True), (clean, False)):
        for doc in docs:
            text = doc.text if spun_flag else doc
            rep = engine.check(text)
            mass = sum(e.confidence for e in rep.edits)
            dens.append([100 * mass / (rep.words + params.doc_smoothing_words)])
            lab.append(float(spun_flag))
    dc, db = fit_logistic(np.asarray(dens), np.asarray(lab), l2=1e-2)
    params.doc_density, params.doc_bias = float(dc[0]), db

    out = params.to_dict()
    out["fitted_on"] = {
        "data": "BBC dev split spun with real-table half A (10/20/35% with thesaurus draws, "
                "and table+expansions only) + clean dev articles",
        "spun_articles": len(spun),
        "clean_articles": len(clean),
        "date": time.strftime("%Y-%m-%d"),
    }
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
