#!/usr/bin/env bash
# The chaos pipelines of tests/integration/pipeline_chaos_test.py at a larger count: N faulty
# endpoints (default 30), each releasing two builds and promoting one, all required to end correct.
# Usage: bash scripts/chaos.sh [N]   (needs a build in ${BUILD_DIR:-build}; runs under nice -n 10)
set -euo pipefail
cd "$(dirname "$0")/.."
export LAMBDA_CD="$PWD/${BUILD_DIR:-build}/lambda-cd"
export CHAOS_PIPELINES="${1:-30}"
start=$(date +%s)
nice -n 10 python3 tests/integration/pipeline_chaos_test.py
echo "chaos: ${CHAOS_PIPELINES} pipelines in $(( $(date +%s) - start )) s"
