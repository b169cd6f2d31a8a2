#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds, and runs every test: unit, integration and
# compatibility (real AWS CLI v2, boto3, AWS SDK for JavaScript against `lambda-cd local`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if [[ -f tests/compat/package.json ]]; then
  (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
bash scripts/build.sh
build_dir=${BUILD_DIR:-build}
[[ "${LCD_SANITIZE:-0}" == "1" ]] && build_dir=${BUILD_DIR:-build-asan}
if [[ "${LCD_SANITIZE:-0}" == "thread" ]]; then
  build_dir=${BUILD_DIR:-build-tsan}
  export TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
