"""The lean Llama forward (unspin.llama_lean) against transformers' own forward."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="the neural extra is not installed")
transformers = pytest.importorskip("transformers", reason="the neural extra is not installed")

from unspin import neural  # noqa: E402
from unspin.llama_lean import lean_decoder  # noqa: E402


def _llama(**overrides):
    torch.manual_seed(0)
    cfg = transformers.LlamaConfig(**{
        "vocab_size": 64, "hidden_size": 48, "intermediate_size": 96, "num_hidden_layers": 3,
        "num_attention_heads": 6, "num_key_value_heads": 2, "max_position_embeddings": 256,
        **overrides,
    })
    return transformers.LlamaForCausalLM(cfg).float().eval()


def _packed_inputs(batch: int = 2, width: int = 40):
    """Two rows, each holding several sequences with their own positions and a block mask."""
    ids = torch.randint(3, 64, (batch, width))
    pos = torch.zeros((batch, width), dtype=torch.long)
    mask = torch.zeros((batch, 1, width, width), dtype=torch.bool)
    for r in range(batch):
        col = 0
        for n in (7, 13, width - 20):
            pos[r, col : col + n] = torch.arange(n)
            mask[r, 0, col : col + n, col : col + n] = torch.ones(n, n, dtype=torch.bool).tril()
            col += n
    return ids, mask, pos


@pytest.mark.parametrize("kv_heads", [2, 6])  # grouped-query and plain multi-head attention
def test_hidden_states_match_transformers(kv_heads: int) -> None:
    model = _llama(num_key_value_heads=kv_heads, rope_theta=100000.0)
    lean = lean_decoder(model)
    assert lean is not None
    ids, mask, pos = _packed_inputs()
    with torch.no_grad():
        want = model.get_decoder()(
            input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False
        ).last_hidden_state
        got = lean(ids, mask, pos)
    assert got.shape == want.shape
    assert torch.allclose(got, want, atol=1e-5, rtol=1e-4)


def test_other_models_keep_the_transformers_forward() -> None:
    gpt2 = transformers.GPT2LMHeadModel(transformers.GPT2Config(
        vocab_size=64, n_embd=32, n_layer=1, n_head=4, n_positions=64))
    assert lean_decoder(gpt2) is None
    assert lean_decoder(_llama(attention_bias=True)) is None
    assert lean_decoder(_llama(hidden_act="gelu")) is None
    scaled = _llama(rope_parameters={"rope_type": "linear", "factor": 2.0, "rope_theta": 1e4})
    assert lean_decoder(scaled) is None


class _Chars:
    bos_token_id = 1
    eos_token_id = 2

    def __call__(self, text, add_special_tokens=False):
        if isinstance(text, list):
            return {"input_ids": [self(t)["input_ids"] for t in text]}
        return {"input_ids": [3 + (ord(c) % 60) for c in text]}


def test_scorer_gives_the_same_gains_with_either_forward(monkeypatch) -> None:
    pairs = [("the cat sat on the mat", "the cat lay on the mat"), ("abc", "abd"),
             ("took half in the talks", "took part in the talks")]
    lean = neural.NeuralLM(_llama(), _Chars())
    lean.model.float()
    assert lean._lean is not None
    monkeypatch.setenv("UNSPIN_NEURAL_LEAN", "0")
    plain = neural.NeuralLM(_llama(), _Chars())
    plain.model.float()
    assert plain._lean is None
    assert lean.gains(pairs) == pytest.approx(plain.gains(pairs), abs=1e-4)
    assert lean.score(["spin me", "x"]) == pytest.approx(plain.score(["spin me", "x"]), abs=1e-4)
