#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds (default 10), each corpus seeded from the
# repository's example data, conformance vectors and bad inputs. A crash, a panic, an
# input slower than 10 s or a run over 2 GB of memory fails the run; libFuzzer saves the
# input under core/fuzz/artifacts/TARGET/.
#
#   bash core/fuzz/run.sh            # 10 s per target (CI)
#   bash core/fuzz/run.sh 3600       # an hour per target
#   cd core/fuzz && cargo +nightly fuzz run --fuzz-dir . iati   # one target until stopped (Ctrl-C)
#
# Needs a nightly toolchain and cargo-fuzz (tests/setup.sh installs cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-10}
root=../..

shopt -s nullglob
seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target" "artifacts/$target"
  [ "$#" -eq 0 ] || cp -f "$@" "corpus/$target/"
}
seed json_portfolio "$root"/core/data/*/*.json "$root"/tests/bad-inputs/json-*.json
seed csv_projects "$root"/core/data/*/*.csv "$root"/tests/bad-inputs/csv-*.csv
seed iati "$root"/core/data/iati/*.xml "$root"/tests/bad-inputs/iati-*.xml
seed policy "$root"/core/policies/*.json "$root"/tests/bad-inputs/policy-*.json
seed api_call "$root"/tests/vectors/*.json
seed sheets "$root"/tests/spreadsheets/*.csv "$root"/tests/spreadsheets/*.txt "$root"/tests/bad-inputs/csv-*

targets=(json_portfolio csv_projects iati policy api_call sheets)
cargo +nightly fuzz build --fuzz-dir . --sanitizer none 2>&1 | tail -n 1
for target in "${targets[@]}"; do
  echo "== fuzz $target for ${seconds}s"
  log="artifacts/$target/log.txt"
  status=0
  cargo +nightly fuzz run --fuzz-dir . --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units)' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz $target failed (exit $status): the input is in core/fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
