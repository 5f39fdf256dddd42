#!/usr/bin/env bash
# Set up, lint, and run the test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

# The browser tests (tests/test_browser.py) drive Debian's chromium through Playwright;
# Playwright's own browser download is never used. Install chromium once when we can (root
# with apt); otherwise those tests skip and say why.
CHROMIUM="${UNSPIN_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing Debian's chromium for the browser tests" >&2
    LOG="$(mktemp)"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q chromium >"$LOG" 2>&1; then
        apt-get update -q >>"$LOG" 2>&1 || true
        apt-get install -y -q chromium >>"$LOG" 2>&1 ||
            { echo "test: warning: could not install chromium (see $LOG)" >&2; }
    fi
fi
if [ -x "$CHROMIUM" ]; then
    export UNSPIN_CHROMIUM="$CHROMIUM"
    export UNSPIN_REQUIRE_BROWSER=1 # the browser is here: a browser test may not skip
else
    echo "test: warning: no chromium at $CHROMIUM; the browser tests will be skipped" >&2
fi

.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/python -m pytest -q "$@"
