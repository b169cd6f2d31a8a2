#!/usr/bin/env bash
# The warm greeting pipeline (code changed, lockfile unchanged) two ways against the same
# `lambda-cd local`, alternating within each round, each round with freshly changed code:
#   shell:     the classic script it replaces — npm install; mocha with its JUnit (xunit) reporter;
#              a staging copy + npm install --production + zip -r; AWS CLI update-function-code,
#              wait function-updated; the same integration tests against $LATEST; publish-version,
#              list-versions-by-function | jq, get-alias + create-alias / update-alias
#   lambda-cd: lambda-cd pipeline --build N  (its [test] install `npm ci` skipped while the
#              lockfile is unchanged; production dependencies cached by lockfile hash)
# Both do the same work (unit tests with a JUnit report, package, upload, integration tests,
# publish, STAGE); lambda-cd also backs each build up to S3. Both start warm: node_modules present
# and npm's cache filled by one untimed round.
# Usage: bench/warm_pipeline_vs_shell.sh [ROUNDS]   (needs a built build/lambda-cd and npm)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rounds=${1:-5}
bin=${LAMBDA_CD:-$root/build/lambda-cd}
aws=/usr/bin/aws
work=$(mktemp -d -t lcd-warm-bench-XXXXXX)
endpoint_pid=
trap '[[ -n $endpoint_pid ]] && kill $endpoint_pid 2>/dev/null; rm -rf "$work"' EXIT

region=eu-west-1
"$bin" --region $region local --port 0 --state "$work/state" >"$work/endpoint.out" 2>&1 &
endpoint_pid=$!
for _ in $(seq 1 100); do
  url=$(sed -n 's/^lambda-cd local listening on //p' "$work/endpoint.out" | head -1)
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "${url:-}" ]] || { cat "$work/endpoint.out"; exit 1; }
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=$region AWS_DEFAULT_REGION=$region
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true HOME=$work/home
mkdir -p "$HOME"
# npm's cache stays the caller's, so neither side downloads anything.
export npm_config_cache=${npm_config_cache:-$(npm config get cache 2>/dev/null || echo "$work/npm-cache")}

for who in shell lcd; do
  mkdir -p "$work/$who"
  (cd examples/greeting && tar --exclude=node_modules --exclude=.lambda-cd --exclude=reports -cf - .) |
    (cd "$work/$who" && tar -xf -)
done

# lambda-cd: one untimed run fills node_modules, the [test] install stamp and the dependency cache.
lcd() { (cd "$work/lcd" && LAMBDA_CD_FUNCTION_NAME=greeting-lcd "$bin" --endpoint-url "$url" "$@"); }
lcd -q pipeline --build 0 >"$work/lcd-warmup.out" 2>&1 || { cat "$work/lcd-warmup.out"; exit 1; }

# The shell round's phases, for the breakdown printed at the end: `lap NAME` closes the phase NAME.
lap() { local now; now=$(date +%s%3N); echo "$1 $((now - lap_t))" >>"$work/shell-laps"; lap_t=$now; }

shell_round() {  # $1 = build number
  local fn=greeting-shell n=$1 version
  cd "$work/shell"
  : >"$work/shell-laps"; lap_t=$(date +%s%3N)
  npm install --no-audit --no-fund --loglevel=error >/dev/null; lap "npm-install"
  ./node_modules/.bin/mocha --reporter xunit --reporter-option output=reports/unit-tests.xml 'test/unit/**/*.test.js' \
    >/dev/null; lap "unit-tests"
  rm -rf build function.zip && mkdir build && cp -r index.js src package.json package-lock.json build/
  (cd build && npm install --production --no-audit --no-fund --loglevel=error >/dev/null && zip -qr ../function.zip .)
  lap "package"
  $aws --endpoint-url "$url" lambda update-function-code --function-name $fn --zip-file fileb://function.zip >/dev/null
  $aws --endpoint-url "$url" lambda wait function-updated --function-name $fn; lap "update+wait"
  AWS_ENDPOINT_URL=$url LAMBDA_CD_FUNCTION_NAME=$fn LAMBDA_CD_QUALIFIER='$LATEST' \
    ./node_modules/.bin/mocha --reporter xunit --reporter-option output=reports/integration-tests.xml \
    'test/integration/**/*.test.js' >/dev/null 2>&1; lap "integration-tests"
  $aws --endpoint-url "$url" lambda publish-version --function-name $fn --description "build $n" >/dev/null
  version=$($aws --endpoint-url "$url" lambda list-versions-by-function --function-name $fn |
    jq -r --arg d "build $n" '[.Versions[] | select(.Description == $d) | .Version] | last')
  if $aws --endpoint-url "$url" lambda get-alias --function-name $fn --name STAGE >/dev/null 2>&1; then
    $aws --endpoint-url "$url" lambda update-alias --function-name $fn --name STAGE --function-version "$version" >/dev/null
  else
    $aws --endpoint-url "$url" lambda create-alias --function-name $fn --name STAGE --function-version "$version" >/dev/null
  fi
  lap "publish+alias"
  cd "$root"
}

# The shell's function exists before timing starts (creation is not what is compared), and one
# untimed round warms its node_modules.
(cd "$work/shell" && LAMBDA_CD_FUNCTION_NAME=greeting-shell "$bin" --endpoint-url "$url" -q deploy >/dev/null 2>&1)
shell_round 0 >"$work/shell-warmup.out" 2>&1 || { cat "$work/shell-warmup.out"; exit 1; }

now_ms() { date +%s%3N; }
shell_total=0 lcd_total=0
for n in $(seq 1 "$rounds"); do
  for who in shell lcd; do echo "// round $n" >>"$work/$who/src/config.js"; done
  t0=$(now_ms); shell_round "$n"; t1=$(now_ms)
  lcd pipeline --build "$n" >"$work/lcd-$n.out" 2>&1 || { cat "$work/lcd-$n.out"; exit 1; }
  t2=$(now_ms)
  shell_total=$((shell_total + t1 - t0)); lcd_total=$((lcd_total + t2 - t1))
  printf 'round %d: shell %6d ms   lambda-cd %6d ms\n' "$n" $((t1 - t0)) $((t2 - t1))
done
echo "shell's last round, phase by phase (ms):"
sed 's/^/  /' "$work/shell-laps"
echo "lambda-cd's last round, step by step:"
grep -E '^(test|package|deploy|itest|publish|promote|total) ' "$work/lcd-$rounds.out" | sed 's/^/  /'
s=$($aws --endpoint-url "$url" lambda get-alias --function-name greeting-shell --name STAGE | jq -r .FunctionVersion)
l=$($aws --endpoint-url "$url" lambda get-alias --function-name greeting-lcd --name STAGE | jq -r .FunctionVersion)
sd=$($aws --endpoint-url "$url" lambda get-function --function-name greeting-shell --qualifier STAGE | jq -r .Configuration.Description)
ld=$($aws --endpoint-url "$url" lambda get-function --function-name greeting-lcd --qualifier STAGE | jq -r .Configuration.Description)
echo "STAGE: shell -> version $s ($sd), lambda-cd -> version $l ($ld)"
awk -v s=$shell_total -v l=$lcd_total -v r=$rounds 'BEGIN {
  printf "mean per round: shell %.0f ms, lambda-cd %.0f ms, ratio %.1fx\n", s/r, l/r, s/l }'
