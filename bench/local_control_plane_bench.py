#!/usr/bin/python3
"""Control-plane throughput and latency: `lambda-cd local` vs `moto_server`, same request mix, same run.

Mix per iteration (each request SigV4-signed by the client, keep-alive connections):
  GetAlias, ListVersionsByFunction (first page), UpdateAlias (flip), UpdateFunctionConfiguration
  (Description=i, so that the following publish really creates a version), PublishVersion.
lambda-cd local runs with --update-delay-ms 0 and its normal durable store (SQLite WAL,
synchronous=FULL, fsync per commit); moto keeps everything in memory.
Clients are separate processes (no shared GIL), one function per process.

Usage: bench/local_control_plane_bench.py [--binary build/lambda-cd] [--procs 4] [--iterations 300]
Writes nothing; prints a Markdown table (copy into docs/performance/local-control-plane.md).
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import io
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile

REGION = "us-east-1"


def sign_headers(method, host, path, query, body, service, key="test", secret="test"):
    amz = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    date = amz[:8]
    canonical_uri = urllib.parse.quote(urllib.parse.quote(path, safe="/~"), safe="/~")
    canonical_query = "&".join(f"{urllib.parse.quote(k, safe='~')}={urllib.parse.quote(v, safe='~')}"
                               for k, v in sorted(query))
    payload_hash = hashlib.sha256(body).hexdigest()
    headers = {"host": host, "x-amz-date": amz}
    signed = ";".join(sorted(headers))
    canonical_headers = "".join(f"{k}:{headers[k]}\n" for k in sorted(headers))
    creq = "\n".join([method, canonical_uri, canonical_query, canonical_headers, signed, payload_hash])
    scope = f"{date}/{REGION}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz, scope, hashlib.sha256(creq.encode()).hexdigest()])
    k = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (REGION, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return {"Host": host, "X-Amz-Date": amz,
            "Authorization": f"AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={signed}, Signature={sig}"}


class Client:
    def __init__(self, port):
        self.host = f"127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def call(self, method, path, body=None, query=(), service="lambda", content_type="application/json"):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = sign_headers(method, self.host, path, list(query), data, service)
        if data:
            headers["Content-Type"] = content_type
        target = path + ("?" + urllib.parse.urlencode(list(query)) if query else "")
        self.conn.request(method, target, body=data or None, headers=headers)
        r = self.conn.getresponse()
        payload = r.read()
        return r.status, payload


def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "exports.handler = async () => 1;")
    return buf.getvalue()


def setup_function(port, name, role):
    c = Client(port)
    st, body = c.call("POST", "/2015-03-31/functions", {
        "FunctionName": name, "Runtime": "nodejs20.x", "Role": role, "Handler": "index.handler",
        "Code": {"ZipFile": base64.b64encode(zip_bytes()).decode()}})
    assert st == 201, (st, body[:300])
    for _ in range(2):
        st, body = c.call("PUT", f"/2015-03-31/functions/{name}/configuration", {"Description": f"setup {_}"})
        assert st == 200, (st, body[:300])
        st, body = c.call("POST", f"/2015-03-31/functions/{name}/versions", {})
        assert st == 201, (st, body[:300])
    st, body = c.call("POST", f"/2015-03-31/functions/{name}/aliases", {"Name": "live", "FunctionVersion": "1"})
    assert st == 201, (st, body[:300])


def run_client(args):
    port, name, iterations, barrier_time = args
    c = Client(port)
    while time.time() < barrier_time:
        time.sleep(0.001)
    lat = {"GetAlias": [], "ListVersionsByFunction": [], "UpdateAlias": [], "UpdateFunctionConfiguration": [],
           "PublishVersion": []}
    bad = 0
    start = time.perf_counter()
    for i in range(iterations):
        steps = [
            ("GetAlias", "GET", f"/2015-03-31/functions/{name}/aliases/live", None, 200),
            ("ListVersionsByFunction", "GET", f"/2015-03-31/functions/{name}/versions", None, 200),
            ("UpdateAlias", "PUT", f"/2015-03-31/functions/{name}/aliases/live",
             {"FunctionVersion": "2" if i % 2 == 0 else "1"}, 200),
            ("UpdateFunctionConfiguration", "PUT", f"/2015-03-31/functions/{name}/configuration",
             {"Description": f"iteration {i}"}, 200),
            ("PublishVersion", "POST", f"/2015-03-31/functions/{name}/versions", {}, 201),
        ]
        for op, method, path, body, expected in steps:
            t0 = time.perf_counter()
            st, _ = c.call(method, path, body)
            lat[op].append(time.perf_counter() - t0)
            if st not in (expected, 200, 201):
                bad += 1
    return lat, time.perf_counter() - start, bad


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened")


def cpu_seconds(pid):
    """User+system CPU time of a process and its threads (children not included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(label, port, role, procs, iterations, pid):
    names = [f"bench{i}" for i in range(procs)]
    for n in names:
        setup_function(port, n, role)
    cpu0 = cpu_seconds(pid)
    barrier = time.time() + 1.0
    with multiprocessing.Pool(procs) as pool:
        wall0 = time.perf_counter()
        results = pool.map(run_client, [(port, n, iterations, barrier) for n in names])
        wall = time.perf_counter() - wall0 - max(0.0, barrier - time.time())
    per_op = {}
    total = 0
    bad = 0
    busiest = 0.0
    for lat, elapsed, b in results:
        bad += b
        busiest = max(busiest, elapsed)
        for op, xs in lat.items():
            per_op.setdefault(op, []).extend(xs)
            total += len(xs)
    all_lat = sorted(x for xs in per_op.values() for x in xs)
    server_cpu = cpu_seconds(pid) - cpu0

    def pct(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000

    return {"label": label, "requests": total, "cpu_ms_per_req": server_cpu * 1000 / total, "seconds": busiest, "rps": total / busiest, "errors": bad,
            "p50": pct(all_lat, 50), "p99": pct(all_lat, 99),
            "ops": {op: (pct(xs, 50), pct(xs, 99)) for op, xs in per_op.items()}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.environ.get("LAMBDA_CD", "build/lambda-cd"))
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--moto", default=shutil.which("moto_server") or "moto_server")
    args = ap.parse_args()

    state = tempfile.mkdtemp(prefix="lcd-bench-")
    lcd = subprocess.Popen([args.binary, "local", "--port", "0", "--state", state, "--update-delay-ms", "0"],
                           stdout=subprocess.PIPE, text=True)
    m = re.search(r":(\d+)$", lcd.stdout.readline().strip())
    lcd_port = int(m.group(1))
    moto_port = free_port()
    moto = subprocess.Popen([args.moto, "-p", str(moto_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(moto_port)
        c = Client(moto_port)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        form = urllib.parse.urlencode({"Action": "CreateRole", "Version": "2010-05-08", "RoleName": "bench-role",
                                       "AssumeRolePolicyDocument": policy}).encode()
        st, body = c.call("POST", "/", form, service="iam", content_type="application/x-www-form-urlencoded")
        assert st == 200, body[:300]
        role = "arn:aws:iam::123456789012:role/bench-role"
        results = [measure("lambda-cd local", lcd_port, role, args.procs, args.iterations, lcd.pid),
                   measure("moto_server", moto_port, role, args.procs, args.iterations, moto.pid)]
    finally:
        for p in (lcd, moto):
            p.terminate()
            p.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)

    ours, theirs = results
    print(f"clients: {args.procs} processes x {args.iterations} iterations x 5 requests, keep-alive, SigV4-signed\n")
    print("| server | requests | req/s | p50 ms | p99 ms | server CPU ms/request | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['label']} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
              f"{r['cpu_ms_per_req']:.3f} | {r['errors']} |")
    print(f"\nthroughput ratio lambda-cd local / moto_server: **{ours['rps'] / theirs['rps']:.1f}x**; "
          f"server CPU per request ratio (moto / lambda-cd): "
          f"**{theirs['cpu_ms_per_req'] / max(ours['cpu_ms_per_req'], 1e-9):.1f}x**\n")
    print("| operation | lambda-cd p50 / p99 ms | moto p50 / p99 ms |")
    print("|---|---|---|")
    for op in ours["ops"]:
        a, b = ours["ops"][op], theirs["ops"][op]
        print(f"| {op} | {a[0]:.2f} / {a[1]:.2f} | {b[0]:.2f} / {b[1]:.2f} |")


if __name__ == "__main__":
    main()
