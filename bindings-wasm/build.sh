#!/usr/bin/env bash
# Builds the WebAssembly package from the Rust crate:
#   pkg/       ES module for browsers, bundlers and <script type="module"> (--target web)
#   pkg-node/  CommonJS module for Node (--target nodejs)
#   types.d.ts in both, generated from the JSON Schemas of the core's Rust types
#   www/pkg/, www/examples/, www/policies/: everything the static page serves
# and prints the .wasm's raw and gzipped size. Installs what it needs when missing: the
# wasm32 target, wasm-bindgen-cli (matching the crate's pinned wasm-bindgen) and the npm
# dev dependencies, binaryen's wasm-opt among them (pinned: the module it writes is the one
# that ships and is measured).
set -euo pipefail
cd "$(dirname "$0")"

bindgen_version=0.2.130
rustup target add wasm32-unknown-unknown >/dev/null 2>&1
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi
[ -x node_modules/.bin/tsc ] && [ -x node_modules/.bin/wasm-opt ] || npm ci --no-audit --no-fund

cargo build --target wasm32-unknown-unknown --profile wasm-release -p tcrules-wasm
# Where cargo put it: CARGO_TARGET_DIR (relative to this directory, as cargo reads it
# here), or the workspace's target/.
wasm=${CARGO_TARGET_DIR:-../target}/wasm32-unknown-unknown/wasm-release/tcrules_wasm.wasm

for target in web nodejs; do
  out=$([ "$target" = web ] && echo pkg || echo pkg-node)
  rm -rf "$out"
  wasm-bindgen --target "$target" --out-dir "$out" \
    --remove-name-section --remove-producers-section "$wasm"
done
# pkg-node is CommonJS inside a package whose own modules are ES modules.
echo '{"type": "commonjs"}' > pkg-node/package.json

# Both targets get the same module. binaryen's wasm-opt (npm, not Debian's, whose output
# fails to load) shrinks it; inlining functions into their only caller would make the
# gzipped module larger, so that is off. A module that does not load fails the build.
node_modules/.bin/wasm-opt -Oz --one-caller-inline-max-function-size 0 \
  pkg/tcrules_wasm_bg.wasm -o pkg-node/tcrules_wasm_bg.wasm
node -e 'const { Policy } = require("./pkg-node/tcrules_wasm.js");
         new Policy().stamp.hash.startsWith("sha256:") || process.exit(1)' ||
  { echo "wasm-opt's module does not load" >&2; exit 1; }
cp pkg-node/tcrules_wasm_bg.wasm pkg/
node scripts/types.mjs pkg/types.d.ts pkg-node/types.d.ts

rm -rf www/pkg www/examples www/policies
mkdir -p www/examples www/policies
cp -r pkg www/pkg
cp ../core/data/example/proposals/*.json www/examples/
cp ../core/policies/what-if-1m.json www/policies/

raw=$(stat -c %s pkg/tcrules_wasm_bg.wasm)
gz=$(gzip -9 -c pkg/tcrules_wasm_bg.wasm | wc -c)
echo "tcrules_wasm_bg.wasm: $raw bytes raw, $gz bytes gzipped (-9)"
