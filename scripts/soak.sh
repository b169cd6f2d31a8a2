#!/usr/bin/env bash
# The SIGKILL cycles of tests/integration/local_kill_restart_test.py for MINUTES (default 10): bursts
# of Lambda, S3 and CloudFormation writes and invokes against one `lambda-cd local` state directory,
# the endpoint SIGKILLed mid-burst and restarted each cycle, every acknowledged write checked after
# each restart and all of them at the end, integrity_check, orphan blobs and orphan processes.
# Usage: bash scripts/soak.sh [MINUTES]   (needs a build in ${BUILD_DIR:-build}; runs under nice -n 10;
# KILL_RESTART_SEED=N repeats a run's random choices)
set -euo pipefail
cd "$(dirname "$0")/.."
export LAMBDA_CD="$PWD/${BUILD_DIR:-build}/lambda-cd"
minutes="${1:-10}"
summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT
status=0
nice -n 10 python3 tests/integration/local_kill_restart_test.py --minutes "$minutes" --summary "$summary" \
  | grep -v '^cycle ' || status=$?
if [ ! -s "$summary" ]; then
  echo "soak: no summary (the run stopped early, exit $status)"
  exit 1
fi
python3 - "$summary" "$minutes" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
mb = lambda b: f"{b / 1048576:.1f} MB"
print(f"soak: {s['cycles']} SIGKILL cycles in {s['seconds']} s ({sys.argv[2]} min asked), seed {s['seed']}")
print(f"  writes acknowledged {s['writes_acknowledged']}, writes checked after restarts {s['writes_checked']}, "
      f"failures {s['failures']}")
print(f"  databases integrity-checked {s['databases_checked']}, runtime processes alive at the kills "
      f"{s['runtimes_alive_at_kills']}, blob files orphaned by the kills (removed on restart) "
      f"{s['blobs_orphaned_by_kills']}")
print(f"  endpoint RSS: {s['rss_kib_start'] / 1024:.1f} MB after setup, {s['rss_kib_end'] / 1024:.1f} MB at the last "
      f"kill, {s['rss_kib_end_after_restart'] / 1024:.1f} MB after the last restart and the full check")
print(f"  state directory: {mb(s['state_bytes_start'])} at start, {mb(s['state_bytes_end'])} at the end ("
      + ", ".join(f"{k} {mb(v)}" for k, v in sorted(s["state_bytes_end_by_entry"].items(), key=lambda kv: -kv[1])) + ")")
PY
exit "$status"
