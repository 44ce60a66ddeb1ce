#!/usr/bin/env bash
# Mutation testing of the rules crate, one module at a time: cargo-mutants changes the rule
# code (a `>` into `>=`, a function body into a default value, ...) and runs the tests of
# the crate and of the root package (the conformance vectors, property and integration
# tests) against each change; a change that no test notices is a place where a wrong answer
# would pass the suite. Not part of CI: the whole pass takes about an hour on 2 cores.
#
#   bash tests/mutants.sh                      # every rule module
#   bash tests/mutants.sh period delivery      # some modules
#
# Each module's results go to target/mutants/MODULE/mutants.out (missed.txt lists the
# changes no test caught). Keep every rule module at 95 % or more caught; where a mutant
# cannot change an answer (it only changes a capacity, or an edge both branches agree on),
# say why in a comment beside the code.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=27.0.0
if [ "$(cargo mutants --version 2>/dev/null)" != "cargo-mutants $VERSION" ]; then
  cargo install cargo-mutants --version "$VERSION" --locked
fi

modules=("$@")
[ "${#modules[@]}" -gt 0 ] ||
  modules=(period money evaluation delivery integration portfolio appraisal policy iati)

for module in "${modules[@]}"; do
  files=()
  [ -f "core/tcrules/src/$module.rs" ] && files+=(--file "core/tcrules/src/$module.rs")
  [ -d "core/tcrules/src/$module" ] && files+=(--file "core/tcrules/src/$module/**")
  if [ "${#files[@]}" -eq 0 ]; then
    echo "no module $module in core/tcrules/src" >&2
    exit 2
  fi
  echo "== $module"
  # The tests of the crate and of the root package, which holds the conformance vectors.
  cargo mutants --package tcrules --test-package tcrules --test-package tcrules-suite \
    "${files[@]}" --output "target/mutants/$module" --no-shuffle || true
  out="target/mutants/$module/mutants.out"
  caught=$(wc -l < "$out/caught.txt")
  missed=$(wc -l < "$out/missed.txt")
  echo "$module: $caught caught, $missed missed ($(( 100 * caught / (caught + missed > 0 ? caught + missed : 1) )) %)"
  sed 's/^/  missed: /' "$out/missed.txt"
done
