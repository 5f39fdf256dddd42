#!/usr/bin/env bash
# Set up, then restore the bundled spun example: first as a word diff, then as plain text.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
echo "== unspin restore examples/spun-example.txt --diff"
.venv/bin/unspin restore examples/spun-example.txt --diff
echo
echo "== unspin restore examples/spun-example.txt"
.venv/bin/unspin restore examples/spun-example.txt
