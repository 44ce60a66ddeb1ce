#!/usr/bin/env bash
# Mutation testing of the rules crate, one module at a time: cargo-mutants changes the rule
# code (a `>` into `>=`, a function body into a default value, ...) and runs the tests of
# the crate and of the root package (the conformance vectors, property and integration
# tests) against each change; a change that no test notices is a place where a wrong answer
# would pass the suite. Not part of CI: about 8 s a mutant on 2 cores, some 2 hours for
# every rule module (money alone has some 240 mutants).
#
#   bash tests/mutants.sh                      # every rule module
#   bash tests/mutants.sh period delivery      # some modules
#
# Each module's results go to target/mutants/MODULE/mutants.out (missed.txt lists the
# changes no test caught).
#
# To keep a mutant to seconds: the copies cargo-mutants builds in share one target directory
# (target/mutants-build), so only the rules crate is rebuilt per mutant; the dependencies are
# built optimized (zip, flate2, calamine and serde are most of the input tests' time), the
# rules crate itself without debug info; and the tests run are those that can see a rule's
# answer: the crate's unit tests except the proposal workbook's round trips (template::,
# which read and write cells, not rules; kept for money, whose amounts they read), and the
# root package's conformance vectors, property tests, Table V.1, Annex 1, bad inputs and
# schema (a month's or a year range's hand-written schema is rule module code); iati only
# for the iati module. Not citations: it reads ../shared beside the repository, which
# cargo-mutants' copy lacks, so it would fail the baseline and "catch" every mutant.
#
# Keep every rule module at 95 % or more caught; where a mutant cannot change an answer (it
# only changes a capacity, or an edge both branches agree on), say why in a comment beside
# the code.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="$PWD/target/mutants-build" CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0

VERSION=27.0.0
if [ "$(cargo mutants --version 2>/dev/null)" != "cargo-mutants $VERSION" ]; then
  cargo install cargo-mutants --version "$VERSION" --locked
fi

modules=("$@")
[ "${#modules[@]}" -gt 0 ] ||
  modules=(period money evaluation delivery integration portfolio appraisal policy iati)

mkdir -p target/mutants
for module in "${modules[@]}"; do
  files=()
  [ -f "core/tcrules/src/$module.rs" ] && files+=(--file "core/tcrules/src/$module.rs")
  [ -d "core/tcrules/src/$module" ] && files+=(--file "core/tcrules/src/$module/**")
  if [ "${#files[@]}" -eq 0 ]; then
    echo "no module $module in core/tcrules/src" >&2
    exit 2
  fi
  tests=(-C=--lib -C=--test=conformance -C=--test=properties -C=--test=table_v1
    -C=--test=annex1 -C=--test=bad_inputs -C=--test=schema)
  [ "$module" = iati ] && tests+=(-C=--test=iati)
  skip=(--skip template::tests::)
  [ "$module" = money ] && skip=()
  echo "== $module"
  # The unmutated tree must pass these tests first: cargo-mutants' own baseline builds
  # the crate alone, which has none of the root package's test targets, so it is skipped
  # and run here instead.
  cargo test -p tcrules -p tcrules-suite --config 'profile.dev.package."*".opt-level=2' \
    "${tests[@]#-C=}" -- "${skip[@]}" >/dev/null
  # The tests of the crate and of the root package, which holds the conformance vectors.
  cargo mutants --package tcrules --test-package tcrules --test-package tcrules-suite \
    "${files[@]}" --output "target/mutants/$module" --no-shuffle --baseline skip --timeout 90 \
    -C=--config -C='profile.dev.package."*".opt-level=2' "${tests[@]}" \
    -- -- "${skip[@]}" || true
  out="target/mutants/$module/mutants.out"
  caught=$(wc -l < "$out/caught.txt")
  missed=$(wc -l < "$out/missed.txt")
  echo "$module: $caught caught, $missed missed ($(( 100 * caught / (caught + missed > 0 ? caught + missed : 1) )) %)"
  sed 's/^/  missed: /' "$out/missed.txt"
done
