#!/usr/bin/python3
"""Warm Invoke over loopback HTTP: `lambda-cd local` end to end, against baselines in the same run.

What a client sees: a SigV4-signed POST /2015-03-31/functions/bench/invocations on a keep-alive
connection, through the endpoint's HTTP server, routing, the function lookup in SQLite, the
execution environment (real node) and back, for `exports.handler = async (e) => ({ok: true, n: e.n})`.
Baselines in the same run:
  * the same client calling GetFunctionConfiguration (the endpoint's HTTP + routing + store cost, no invoke);
  * spawning `node` per invoke running the same handler (what an invoke costs without warm environments).
1 caller, then 2 callers in separate processes (throughput on the 2 cores).

Usage: bench/local_invoke_http_bench.py [--binary build/lambda-cd] [--seconds 5]
Prints a Markdown table (copied into docs/performance/local-invoke.md).
"""
import argparse
import base64
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_control_plane_bench import Client, cpu_seconds  # noqa: E402

HANDLER = "exports.handler = async (event) => ({ ok: true, n: event.n });\n"
NAME = "bench"


def create_function(port):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", HANDLER)
    st, body = Client(port).call("POST", "/2015-03-31/functions", {
        "FunctionName": NAME, "Runtime": "nodejs20.x", "Role": "arn:aws:iam::123456789012:role/bench",
        "Handler": "index.handler", "Code": {"ZipFile": base64.b64encode(buf.getvalue()).decode()}})
    assert st == 201, (st, body[:300])


def loop(args):
    port, op, seconds, start_at = args
    c = Client(port)
    path = f"/2015-03-31/functions/{NAME}/invocations" if op == "invoke" else f"/2015-03-31/functions/{NAME}/configuration"
    method = "POST" if op == "invoke" else "GET"
    body = {"n": 1} if op == "invoke" else None
    for _ in range(50):  # warm: environment started, connection and caches hot
        st, out = c.call(method, path, body)
        assert st == 200, (st, out[:300])
    while time.time() < start_at:
        time.sleep(0.001)
    lat = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        st, out = c.call(method, path, body)
        lat.append(time.perf_counter() - t0)
        if st != 200 or (op == "invoke" and json.loads(out) != {"ok": True, "n": 1}):
            raise RuntimeError(f"{op} failed: {st} {out[:300]}")
    return lat


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000


def measure(port, pid, op, callers, seconds):
    cpu0 = cpu_seconds(pid)
    start_at = time.time() + 1.5
    with multiprocessing.Pool(callers) as pool:
        results = pool.map(loop, [(port, op, seconds, start_at)] * callers)
    lat = [x for r in results for x in r]
    cpu = cpu_seconds(pid) - cpu0  # includes the 50 warm-up calls per caller
    return {"p50": pct(lat, 50), "p99": pct(lat, 99), "rps": len(lat) / seconds,
            "cpu_us": cpu * 1e6 / (len(lat) + 50 * callers)}


def node_per_invoke(runs):
    d = tempfile.mkdtemp(prefix="lcd-node-baseline-")
    with open(os.path.join(d, "index.js"), "w") as f:
        f.write(HANDLER)
    script = "require('./index.js').handler(JSON.parse(process.argv[1])).then((r) => process.stdout.write(JSON.stringify(r)));"
    lat = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(["node", "-e", script, '{"n":1}'], cwd=d, capture_output=True, text=True, check=True).stdout
        lat.append(time.perf_counter() - t0)
        assert json.loads(out) == {"ok": True, "n": 1}
    return {"p50": pct(lat, 50), "p99": pct(lat, 99), "rps": len(lat) / sum(lat), "cpu_us": None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.environ.get("LAMBDA_CD", "build/lambda-cd"))
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="lcd-invoke-bench-")
    lcd = subprocess.Popen([args.binary, "local", "--port", "0", "--state", state, "--update-delay-ms", "0"],
                           stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r":(\d+)$", lcd.stdout.readline().strip()).group(1))
        create_function(port)
        rows = [
            ("Invoke, 1 caller", measure(port, lcd.pid, "invoke", 1, args.seconds)),
            ("Invoke, 2 callers", measure(port, lcd.pid, "invoke", 2, args.seconds)),
            ("baseline: GetFunctionConfiguration, 1 caller", measure(port, lcd.pid, "config", 1, args.seconds)),
            ("baseline: spawn `node` per invoke", node_per_invoke(40)),
        ]
    finally:
        lcd.terminate()
        lcd.wait(timeout=30)
    print(f"load average before/after: {os.getloadavg()[0]:.2f}")
    print("| over loopback HTTP | p50 | p99 | throughput | endpoint CPU per call |")
    print("|---|---|---|---|---|")
    for label, r in rows:
        cpu = "" if r["cpu_us"] is None else f"{r['cpu_us']:.0f} µs"
        print(f"| {label} | {r['p50']:.2f} ms | {r['p99']:.2f} ms | {r['rps']:,.0f} calls/s | {cpu} |")
    warm, spawn = rows[0][1], rows[3][1]
    print(f"\nwarm Invoke p50 is {spawn['p50'] / warm['p50']:.0f}x lower than spawning node per invoke")


if __name__ == "__main__":
    main()
