#!/usr/bin/env bash
# Builds the WebAssembly package and runs every test of it:
#   tsc over the declarations generated from the Rust types (tests/types.ts),
#   the shared conformance vectors and the API tests in Node (tests/*.test.mjs),
#   the end-to-end tests of both pages in headless Chromium (tests/e2e.test.mjs, the
#   appraisal page; tests/portfolio.test.mjs, the portfolio page), which save screenshots
#   at desktop and phone widths in target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")"

./build.sh
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is needed for the page's test: apt-get install chromium (or set CHROMIUM)" >&2
    exit 1
  fi
fi
node_modules/.bin/tsc -p .
echo "tsc: the generated declarations check"
# One file at a time: the browser tests time the page, and the machine may be shared.
node --test --test-concurrency=1 tests/
