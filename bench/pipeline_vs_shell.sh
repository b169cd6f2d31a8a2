#!/usr/bin/env bash
# Steps 3, 5 and 6 (deploy to $LATEST, publish build N, point STAGE at it) done two ways against
# the same `lambda-cd local`, in the same run, alternating, each with freshly changed code:
#   shell:     the usual script — AWS CLI v2 + jq (update-function-code, wait function-updated,
#              publish-version --description, list-versions-by-function | jq, list-aliases,
#              create-alias / update-alias)
#   lambda-cd: lambda-cd deploy && lambda-cd publish --build N && lambda-cd promote STAGE --build N
# Usage: bench/pipeline_vs_shell.sh [ROUNDS]   (needs a built build/lambda-cd)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rounds=${1:-5}
bin=${LAMBDA_CD:-$root/build/lambda-cd}
aws=/usr/bin/aws
work=$(mktemp -d -t lcd-bench-XXXXXX)
trap 'kill $endpoint_pid 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" local --port 0 --state "$work/state" >"$work/endpoint.out" 2>&1 &
endpoint_pid=$!
for _ in $(seq 1 100); do
  url=$(sed -n 's/^lambda-cd local listening on //p' "$work/endpoint.out" | head -1)
  [[ -n "$url" ]] && break
  sleep 0.1
done
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER=""

# Two identical projects, one function each, so neither approach sees the other's versions.
for who in shell lcd; do
  mkdir -p "$work/$who"
  cat >"$work/$who/lambda-cd.toml" <<TOML
[function]
name = "bench-$who"
runtime = "nodejs20.x"
handler = "index.handler"
role = "arn:aws:iam::000000000000:role/bench"
[package]
include = ["index.js"]
TOML
  echo "exports.handler = async () => 'round 0';" >"$work/$who/index.js"
done
# Both functions exist before timing starts; creation is not what is compared.
(cd "$work/lcd" && "$bin" --endpoint-url "$url" -q deploy >/dev/null)
(cd "$work/shell" && "$bin" --endpoint-url "$url" -q deploy >/dev/null)

shell_round() {  # $1 = build number
  local fn=bench-shell n=$1 version
  (cd "$work/shell" && zip -qX "$work/shell.zip" index.js)
  $aws --endpoint-url "$url" lambda update-function-code --function-name $fn \
    --zip-file "fileb://$work/shell.zip" >/dev/null
  $aws --endpoint-url "$url" lambda wait function-updated --function-name $fn
  $aws --endpoint-url "$url" lambda publish-version --function-name $fn --description "build $n" >/dev/null
  version=$($aws --endpoint-url "$url" lambda list-versions-by-function --function-name $fn |
    jq -r --arg d "build $n" '[.Versions[] | select(.Description == $d) | .Version] | last')
  if $aws --endpoint-url "$url" lambda list-aliases --function-name $fn |
    jq -e '.Aliases[] | select(.Name == "STAGE")' >/dev/null; then
    $aws --endpoint-url "$url" lambda update-alias --function-name $fn --name STAGE --function-version "$version" >/dev/null
  else
    $aws --endpoint-url "$url" lambda create-alias --function-name $fn --name STAGE --function-version "$version" >/dev/null
  fi
  rm -f "$work/shell.zip"
}

lcd_round() {
  (cd "$work/lcd" && "$bin" --endpoint-url "$url" -q deploy >/dev/null &&
    "$bin" --endpoint-url "$url" -q publish --build "$1" >/dev/null &&
    "$bin" --endpoint-url "$url" -q promote STAGE --build "$1" >/dev/null)
}

now_ms() { date +%s%3N; }
shell_total=0 lcd_total=0
for n in $(seq 1 "$rounds"); do
  for who in shell lcd; do echo "exports.handler = async () => 'round $n';" >"$work/$who/index.js"; done
  t0=$(now_ms); shell_round "$n"; t1=$(now_ms); lcd_round "$n"; t2=$(now_ms)
  shell_total=$((shell_total + t1 - t0)); lcd_total=$((lcd_total + t2 - t1))
  printf 'round %d: shell %6d ms   lambda-cd %6d ms\n' "$n" $((t1 - t0)) $((t2 - t1))
done
# Both must have reached the same end state: STAGE on the last build's version.
s=$($aws --endpoint-url "$url" lambda get-alias --function-name bench-shell --name STAGE | jq -r .FunctionVersion)
l=$($aws --endpoint-url "$url" lambda get-alias --function-name bench-lcd --name STAGE | jq -r .FunctionVersion)
echo "STAGE: shell -> version $s, lambda-cd -> version $l (expected $rounds each)"
awk -v s=$shell_total -v l=$lcd_total -v r=$rounds 'BEGIN {
  printf "mean per round: shell %.0f ms, lambda-cd %.0f ms, ratio %.1fx\n", s/r, l/r, s/l }'
