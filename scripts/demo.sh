#!/usr/bin/env bash
# The main job, end to end on a fresh Debian 12 machine: installs, builds, starts the local
# endpoint built into lambda-cd, creates the function and its role from the example's CloudFormation
# template, takes examples/greeting through the whole pipeline as build 1
# (unit tests, package, deploy to $LATEST, integration tests, publish, STAGE), promotes PROD,
# invokes PROD and prints the status (with the backed-up builds).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install-deps.sh
bash scripts/build.sh >/dev/null
build_dir=${BUILD_DIR:-build}
[[ "$build_dir" == /* ]] || build_dir=$root/$build_dir
bin=$build_dir/lambda-cd

state=$(mktemp -d -t lambda-cd-demo-XXXXXX)
"$bin" local --port 0 --strict-iam --state "$state" >"$state/endpoint.out" 2>&1 &
endpoint_pid=$!
trap 'kill $endpoint_pid 2>/dev/null; wait $endpoint_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  url=$(sed -n 's/^lambda-cd local listening on //p' "$state/endpoint.out" | head -1)
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "${url:-}" ]] || { cat "$state/endpoint.out"; echo "demo: the local endpoint did not start" >&2; exit 1; }

cd examples/greeting
rm -rf .lambda-cd
lcd() { "$bin" --endpoint-url "$url" "$@"; }
lcd stack deploy
lcd pipeline --build 1
lcd promote PROD --build 1
lcd invoke --qualifier PROD --payload '{"name":"Ada"}' --log
lcd status
