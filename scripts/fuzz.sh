#!/usr/bin/env bash
# Fuzzes every parser of untrusted input with libFuzzer + ASan + UBSan (tests/fuzz/, clang).
#   scripts/fuzz.sh [SECONDS] [TARGET...]      each target for SECONDS (default 60)
#   FUZZ_RUNS=10000000 scripts/fuzz.sh 0 ...    each target for that many executions instead
#   FUZZ_MERGE=1                                merge new coverage back into tests/fuzz/corpus/<target>
#   FUZZ_NO_BUILD=1                             run what build-fuzz already has
# Builds into build-fuzz (clang, -DLCD_FUZZ=ON; only the fuzz targets). Each target runs on a
# working corpus in build-fuzz/work/<target> seeded from the repository's corpus (kept between
# runs); crashes land in build-fuzz/crashes/<target>/. Prints one line per target (executions,
# coverage, features, corpus size, crashes) and appends it to build-fuzz/fuzz-runs.log; exits 1
# when any target crashed. Runs under `nice -n ${NICE:-19}`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
nice_cmd=(nice -n "${NICE:-19}")

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" -DLCD_FUZZ=ON -DLCD_TESTS=OFF -DLCD_BENCH=OFF >/dev/null
fi
[[ "${FUZZ_NO_BUILD:-0}" == "1" ]] || "${nice_cmd[@]}" cmake --build "$build_dir" --target fuzz_all

targets=("$@")
if ((${#targets[@]} == 0)); then
  for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

status=0
for t in "${targets[@]}"; do
  work="$build_dir/work/$t" crashes="$build_dir/crashes/$t" log="$build_dir/logs/$t.log"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "-artifact_prefix=$crashes/")
  [[ -f tests/fuzz/dict/$t.dict ]] && args+=("-dict=tests/fuzz/dict/$t.dict")
  if [[ -n "${FUZZ_RUNS:-}" ]]; then args+=("-runs=$FUZZ_RUNS"); else args+=("-max_total_time=$seconds"); fi
  started=$(date +%s)
  set +e
  "${nice_cmd[@]}" "$build_dir/tests/fuzz/fuzz_$t" "${args[@]}" "$work" >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(($(date +%s) - started))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
  found=$(find "$crashes" -type f | wc -l)
  line="$(date -u +%FT%TZ) $t rc=$rc executions=${execs:-?} seconds=$elapsed ${cov:-cov: ?} crashes=$found"
  echo "$line"
  echo "$line" >>"$build_dir/fuzz-runs.log"
  if ((rc != 0 || found > 0)); then
    status=1
    grep -E 'ERROR: |SUMMARY: |runtime error' "$log" | head -5 || true
  fi
  if [[ "${FUZZ_MERGE:-0}" == "1" ]]; then
    "${nice_cmd[@]}" "$build_dir/tests/fuzz/fuzz_$t" -merge=1 tests/fuzz/corpus/"$t" "$work" >/dev/null 2>&1 || true
  fi
done
exit $status
