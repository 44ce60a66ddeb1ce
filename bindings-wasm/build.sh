#!/usr/bin/env bash
# Builds the WebAssembly package from the Rust crate:
#   pkg/       ES module for browsers, bundlers and <script type="module"> (--target web)
#              for proposals and projects (appraisal, evaluation, schedule, policies),
#              without the portfolio kinds or the CSV and IATI importers: what a page loads
#              first
#   pkg-full/  the same with the portfolio kinds (`Policy.delivery`, `call("report")`, ...)
#              and the importers (`Policy.iati`, `Policy.read`), for a page to load with
#              `import()` when the user imports a file or reads a portfolio
#   pkg-node/  CommonJS module for Node (--target nodejs), with everything
#   types.d.ts in each, generated from the JSON Schemas of the core's Rust types
#   www/pkg/, www/pkg-full/, www/examples/, www/policies/: everything the static pages
#              serve (the appraisal page loads only pkg/; the portfolio page, which reads
#              CSV, JSON and IATI files, loads pkg-full/ in its worker)
# and prints each web .wasm's raw and gzipped size. Installs what it needs when missing: the
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

# Where cargo puts the module: CARGO_TARGET_DIR (relative to this directory, as cargo
# reads it here), or the workspace's target/.
wasm=${CARGO_TARGET_DIR:-../target}/wasm32-unknown-unknown/wasm-release/tcrules_wasm.wasm
# Binds the module cargo built last: wasm-bindgen TARGET OUT-DIR.
bind() {
  rm -rf "$2"
  wasm-bindgen --target "$1" --out-dir "$2" --remove-name-section --remove-producers-section "$wasm"
}
# binaryen's wasm-opt (npm, not Debian's, whose output fails to load) shrinks a module in
# place; inlining functions into their only caller would make the gzipped module larger,
# so that is off.
shrink() {
  node_modules/.bin/wasm-opt -Oz --one-caller-inline-max-function-size 0 "$1" -o "$1"
}

# Two builds of one crate: the main web module for proposals (what a page loads first),
# then the full one (loaded when a file is imported or a portfolio read; Node's).
cargo build --target wasm32-unknown-unknown --profile wasm-release -p tcrules-wasm
bind web pkg
cargo build --target wasm32-unknown-unknown --profile wasm-release -p tcrules-wasm --features portfolio,importers,exporters
bind web pkg-full
bind nodejs pkg-node
# pkg-node is CommonJS inside a package whose own modules are ES modules.
echo '{"type": "commonjs"}' > pkg-node/package.json

shrink pkg/tcrules_wasm_bg.wasm
shrink pkg-full/tcrules_wasm_bg.wasm
cp pkg-full/tcrules_wasm_bg.wasm pkg-node/
# A module that does not load fails the build.
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  for (const dir of ["pkg", "pkg-full"]) {
    const { default: init, Policy } = await import(`./${dir}/tcrules_wasm.js`);
    await init({ module_or_path: readFileSync(`${dir}/tcrules_wasm_bg.wasm`) });
    new Policy().stamp.hash.startsWith("sha256:") || process.exit(1);
  }
  const { Policy } = (await import("./pkg-node/tcrules_wasm.js")).default;
  new Policy().stamp.hash.startsWith("sha256:") || process.exit(1);' ||
  { echo "wasm-opt's module does not load" >&2; exit 1; }
node scripts/types.mjs pkg/types.d.ts pkg-full/types.d.ts pkg-node/types.d.ts

rm -rf www/pkg www/pkg-full www/examples www/policies
mkdir -p www/examples www/policies
cp -r pkg www/pkg
cp -r pkg-full www/pkg-full
cp ../core/data/example/proposals/*.json www/examples/
cp ../core/data/example/portfolio.json www/examples/portfolio.json
cp ../core/policies/what-if-1m.json www/policies/

for dir in pkg pkg-full; do
  raw=$(stat -c %s $dir/tcrules_wasm_bg.wasm)
  gz=$(gzip -9 -c $dir/tcrules_wasm_bg.wasm | wc -c)
  echo "$dir/tcrules_wasm_bg.wasm: $raw bytes raw, $gz bytes gzipped (-9)"
done
