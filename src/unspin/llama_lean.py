"""A lean inference forward pass for Llama-architecture decoders (SmolLM2 is one).

Accurate mode scores short packed rows (a few hundred tokens per call) on a CPU. At that
size, transformers' general forward spends more time in small element-wise operations and
their dispatch than in the matrix products. This module runs the same computation with fewer
operations: the q/k/v projections as one matrix product and gate/up as another, rotary
embeddings from one table and one roll, grouped-query attention without copying the keys, and
the residual adds fused into the norms. In float32 it matches transformers to rounding (a test
checks); in bfloat16 the rounding order differs slightly.

:func:`lean_decoder` returns None for a model it cannot run exactly (another architecture,
biases, scaled rotary embeddings); the caller then keeps the transformers forward.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LeanLlama", "lean_decoder"]


def lean_decoder(model: Any) -> LeanLlama | None:
    """A :class:`LeanLlama` for ``model`` (a transformers causal LM), or None when the model
    is not a plain Llama decoder."""
    cfg = getattr(model, "config", None)
    if cfg is None or getattr(cfg, "model_type", None) != "llama":
        return None
    if getattr(cfg, "attention_bias", False) or getattr(cfg, "mlp_bias", False):
        return None
    if getattr(cfg, "hidden_act", "silu") != "silu":
        return None
    rope = getattr(cfg, "rope_parameters", None) or getattr(cfg, "rope_scaling", None) or {}
    if rope.get("rope_type", rope.get("type", "default")) != "default":
        return None
    if getattr(cfg, "pretraining_tp", 1) != 1:
        return None
    theta = rope.get("rope_theta", getattr(cfg, "rope_theta", None))
    if theta is None:
        return None
    return LeanLlama(model, float(theta))


class LeanLlama:
    """The decoder of a Llama causal LM, for inference only, sharing the model's weights
    (q/k/v and gate/up joined into one matrix each, of which the model's own become views)."""

    def __init__(self, model: Any, rope_theta: float) -> None:
        import torch

        self.torch = torch
        cfg = model.config
        decoder = model.get_decoder()
        self.heads = cfg.num_attention_heads
        self.kv_heads = cfg.num_key_value_heads
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // self.heads
        self.eps = float(cfg.rms_norm_eps)
        self.decoder = decoder
        self.embed = decoder.embed_tokens.weight
        self._layers: list[tuple] = []
        self._layers_of: tuple | None = None  # (dtype, device) the concatenations were made in
        self.half = self.head_dim // 2
        self.inv_freq = 1.0 / (
            rope_theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32) / self.head_dim)
        )

    def _weights(self) -> list[tuple]:
        """Per layer: (input norm, q|k|v, o, post-attention norm, gate|up, down), joined again
        when the model moves to another dtype or device."""
        torch = self.torch
        key = (self.embed.dtype, self.embed.device)
        if self._layers_of != key:
            layers = []
            with torch.no_grad():
                for layer in self.decoder.layers:
                    att, mlp = layer.self_attn, layer.mlp
                    qkv = _joined(att.q_proj, att.k_proj, att.v_proj)
                    gate_up = _joined(mlp.gate_proj, mlp.up_proj)
                    layers.append((layer.input_layernorm.weight, qkv, att.o_proj.weight,
                                   layer.post_attention_layernorm.weight, gate_up,
                                   mlp.down_proj.weight))
            self._layers, self._layers_of = layers, key
        return self._layers

    def _norm(self, x):
        """RMS norm as transformers computes it (in float32, weight applied after)."""
        torch = self.torch
        h = x.to(torch.float32)
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return h.to(x.dtype)

    def __call__(self, input_ids, attention_mask, position_ids):
        """Last hidden states ``[batch, tokens, hidden]`` for a boolean ``attention_mask`` of
        shape ``[batch, 1, tokens, tokens]`` (True = may attend) and explicit positions."""
        torch = self.torch
        F = torch.nn.functional
        b, t = input_ids.shape
        x = F.embedding(input_ids, self.embed).reshape(b * t, -1)
        dtype = x.dtype
        freqs = position_ids.reshape(-1, 1).to(torch.float32) * self.inv_freq.to(x.device)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos = emb.cos().to(dtype)[:, None, :]
        sin = emb.sin()
        # rotate_half(v) * sin == roll(v, half) * (sin with its first half negated)
        sin = torch.cat((-sin[:, : self.half], sin[:, self.half :]), dim=-1).to(dtype)[:, None, :]
        nq, nkv, d = self.heads, self.kv_heads, self.head_dim
        n_qk = (nq + nkv) * d
        for norm_in, w_qkv, w_o, norm_post, w_gu, w_down in self._weights():
            h = self._norm(x) * norm_in
            qkv = F.linear(h, w_qkv)
            qk = qkv[:, :n_qk].reshape(b * t, nq + nkv, d)
            qk = qk * cos + torch.roll(qk, self.half, dims=-1) * sin
            q = qk[:, :nq].reshape(b, t, nq, d).transpose(1, 2)
            k = qk[:, nq:].reshape(b, t, nkv, d).transpose(1, 2)
            v = qkv[:, n_qk:].reshape(b, t, nkv, d).transpose(1, 2)
            a = F.scaled_dot_product_attention(
                q, k, v, attn_mask=attention_mask, enable_gqa=nkv != nq
            )
            x = x + F.linear(a.transpose(1, 2).reshape(b * t, nq * d), w_o)
            h = self._norm(x) * norm_post
            gate, up = F.linear(h, w_gu).chunk(2, dim=-1)
            x = x + F.linear(F.silu(gate) * up, w_down)
        return (self._norm(x) * self.decoder.norm.weight).reshape(b, t, -1)


def _joined(*linears):
    """One weight matrix for several linear layers that read the same input. The layers'
    own weights become views into it, so the model keeps working and no memory is doubled."""
    import torch

    joined = torch.cat([lin.weight.data for lin in linears])
    start = 0
    for lin in linears:
        rows = lin.weight.shape[0]
        lin.weight.data = joined[start : start + rows]
        start += rows
    return joined
