#!/usr/bin/env bash
# Every test: Rust (unit, property, conformance, doc), Python, WASM under Node, and the
# browser test. Installs what is missing first (tests/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup.sh

echo "== Rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace

echo "== Python"
bash bindings-python/test.sh

echo "== WASM (Node and headless Chromium)"
bash bindings-wasm/test.sh
