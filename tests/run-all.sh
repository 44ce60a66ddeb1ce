#!/usr/bin/env bash
# Every test: Rust (unit, property, conformance, bad inputs, doc), a short run of every
# fuzz target, Python, WASM under Node, and the browser test. Installs what is missing first (tests/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup.sh

echo "== Example data: the Annex 2 transcription adds up to the report's printed totals"
python3 core/data/source/check_annex2.py > /dev/null

echo "== Layout: no import cycles between a crate's files, no CLI, Arrow or pyo3 in the rules library"
python3 tests/layout.py

echo "== Rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p tcrules-wasm --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p tcrules-wasm --target wasm32-unknown-unknown --all-features -- -D warnings
cargo test --workspace
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p tcrules -p tcrules-arrow

echo "== Fuzzing: every parser and rule entry point for 10 s each (bash core/fuzz/run.sh SECONDS)"
if cargo +nightly --version >/dev/null 2>&1; then
  bash core/fuzz/run.sh 10
else
  echo "fuzzing skipped: no nightly toolchain" >&2
fi

echo "== Python: build and install the package, then pytest (vectors, batches, stubtest, notebook)"
.venv/bin/pip install -q --disable-pip-version-check "./bindings-python[test]"
.venv/bin/python -m pytest -q bindings-python/tests

echo "== WASM (Node and headless Chromium)"
bash bindings-wasm/test.sh
