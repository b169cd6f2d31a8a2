"""10,000 invokes of a small function on a real `lambda-cd local`, over HTTP from 4 threads, with
the endpoint's bounds set low (`--log-events-limit 2000 --log-file-limit 65536`) so that they are
reached during the warm-up. After the warm-up the disk the state directory takes and the endpoint's
memory stay flat although every invoke writes ~2 KB of output; the log group and the text log are at
their limits; no per-invocation file or process is left; nothing is left once the endpoint stops.
And 40 code updates, each invoked: the extracted-package cache keeps its 32 most recent packages and
only the newest code's environment runs.

LCD_SOAK_INVOKES=100000 runs more (the figures in docs/reliability.md)."""
import base64
import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun, handler_zip, processes_under, rss_kb, under_thread_sanitizer  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/r"
INVOKES = int(os.environ.get("LCD_SOAK_INVOKES", "10000"))
WARM_UP = 2000
THREADS = 4
EVENTS_LIMIT = 2000
FILE_LIMIT = 65536
LINE = 2000  # bytes of output per invoke, besides START/END/REPORT
# Limits of what may grow after the warm-up. Without the caps the 8,000 invokes after it add 53 MB
# (6.6 KB an invoke: the output in SQLite and in the text log, with their indexes and framing). With
# them the log group's live events stay at 2,000-2,200, but SQLite's file keeps its high-water mark:
# the cap trims inside the transaction that appends a batch (up to ~1,000 events under load), so the
# file may reach (2,200 + 1,000) x ~2.3 KB ~ 7.5 MB while the warm-up sample can be as low as 4 MB:
# 1-3 MB of growth measured. The limit, 8 MB, is 1 KB an invoke: a quarter of what each invoke writes.
# SQLite's write-ahead log is bounded on its own (checkpointed and truncated past 4 MiB after a commit;
# one batch may land before that), so it is checked against its limit rather than counted as growth.
DISK_GROWTH_LIMIT = 8 * 1024 * 1024
WAL_LIMIT = 4 * 1024 * 1024 + 2 * 1024 * 1024
# Legitimate growth is caches filling up (SQLite's page cache, up to 2 MiB per connection, for the
# logs, metrics and Lambda connections; malloc's arenas): 6 MB measured on an idle machine and 10 MB
# inside a loaded `ctest -j2`, flat after (30,000 and 100,000 invokes measured). Keeping anything of
# 3 KB or more per invoke (an invocation's 2 KB output with its framing, or its 4 KB log tail) would
# add 24 MB over the 8,000 invokes.
RSS_GROWTH_LIMIT_KB = 24 * 1024

SOURCE = ("exports.handler = async (e) => { console.log('n=' + e.n + ' ' + 'z'.repeat(%d)); return { n: e.n }; };"
          % LINE)


def disk_bytes(path):
    """Bytes allocated on disk under `path` (what du counts) without SQLite's write-ahead log, the
    log's size, and the files there."""
    total, wal, files = 0, 0, set()
    for root, _dirs, names in os.walk(path):
        for name in names:
            full = os.path.join(root, name)
            try:
                size = os.lstat(full).st_blocks * 512
            except FileNotFoundError:
                continue
            rel = os.path.relpath(full, path)
            files.add(rel)
            if rel == "lambda.sqlite3-wal":
                wal = size
            else:
                total += size
    return total, wal, files


def runtimes(state):
    """The function's runtime processes (not the endpoint, nor its process-group guardian)."""
    bootstrap = os.path.join(state, "runtime") + os.sep
    return [p for p in processes_under(state) if bootstrap in p[2]]


def invoke_many(url, first, count, failures):
    """Invokes `small` with n = first..first+count-1 from THREADS keep-alive connections."""
    host = url.split("//", 1)[1]
    # Unsigned requests are accepted without --verify-signatures; the scope routes to Lambda.
    auth = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, "
            "SignedHeaders=host, Signature=00")
    lock = threading.Lock()
    state = {"next": first}

    def worker():
        conn = http.client.HTTPConnection(host, timeout=60)
        while True:
            with lock:
                n = state["next"]
                if n >= first + count:
                    return
                state["next"] += 1
            conn.request("POST", "/2015-03-31/functions/small/invocations", body=json.dumps({"n": n}),
                         headers={"Authorization": auth, "Content-Type": "application/json"})
            r = conn.getresponse()
            body = r.read()
            if r.status != 200 or r.getheader("X-Amz-Function-Error") or json.loads(body) != {"n": n}:
                with lock:
                    failures.append((n, r.status, body[:200]))

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def sample(ep, state):
    time.sleep(0.5)  # logs and metrics are written behind the invoke path every ~200 ms
    disk, wal, files = disk_bytes(state)
    assert wal <= WAL_LIMIT, f"SQLite's write-ahead log holds {wal} bytes"
    return {"rss_kb": rss_kb(ep.proc.pid), "disk": disk, "wal": wal, "files": files, "at": time.monotonic()}


def count_events(logs):
    events, token = 0, None
    while True:
        args = {"logGroupName": "/aws/lambda/small", "limit": 10000}
        if token:
            args["nextToken"] = token
        page = logs.filter_log_events(**args)
        events += len(page["events"])
        token = page.get("nextToken")
        if not token:
            return events


# An AddressSanitizer build (LCD_SANITIZE=1) keeps freed memory in a quarantine of up to 256 MB, which
# RSS would count as growth (126 MB over the 8,000 invokes measured): without the quarantine the same
# build stays within the limit. Ignored by other builds.
ASAN_WITHOUT_QUARANTINE = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS", ""), "quarantine_size_mb=0",
                                                 "thread_local_quarantine_size_kb=0"]))


def ten_thousand_invokes_stay_bounded():
    with Endpoint("--update-delay-ms", "0", "--log-events-limit", str(EVENTS_LIMIT),
                  "--log-file-limit", str(FILE_LIMIT), env={"ASAN_OPTIONS": ASAN_WITHOUT_QUARANTINE}) as ep:
        state = os.path.realpath(ep.state_dir)
        lam = ep.boto3()
        lam.create_function(FunctionName="small", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                            Code={"ZipFile": handler_zip(SOURCE)})
        failures = []
        started = time.monotonic()
        invoke_many(ep.url, 1, WARM_UP, failures)
        warm = sample(ep, state)
        live = runtimes(state)
        assert 1 <= len(live) <= THREADS, f"runtimes after the warm-up: {live}"
        invoke_many(ep.url, WARM_UP + 1, INVOKES - WARM_UP, failures)
        end = sample(ep, state)
        elapsed = end["at"] - started - 1.0  # without the two settling pauses
        assert not failures, f"{len(failures)} invokes failed, first: {failures[:3]}"
        assert ep.proc.poll() is None, "the endpoint exited"

        disk_growth = end["disk"] - warm["disk"]
        rss_growth = end["rss_kb"] - warm["rss_kb"]
        after = INVOKES - WARM_UP
        print(f"{INVOKES} invokes in {elapsed:.1f} s ({INVOKES / elapsed:.0f}/s, {THREADS} threads); "
              f"after the warm-up of {WARM_UP}: disk {warm['disk'] / 1e6:.1f} -> {end['disk'] / 1e6:.1f} MB "
              f"({disk_growth / after:.0f} bytes/invoke) + WAL {warm['wal'] / 1e6:.1f} -> {end['wal'] / 1e6:.1f} MB, RSS {warm['rss_kb'] / 1024:.1f} -> "
              f"{end['rss_kb'] / 1024:.1f} MB", flush=True)
        assert disk_growth < DISK_GROWTH_LIMIT, f"the state directory grew {disk_growth} bytes over {after} invokes"
        if under_thread_sanitizer(ep.proc.pid):
            print("RSS bound not checked: the endpoint runs under ThreadSanitizer")
        else:
            assert rss_growth < RSS_GROWTH_LIMIT_KB, f"the endpoint's RSS grew {rss_growth} KB over {after} invokes"

        # The caps are what kept it flat: the log group holds at most the limit (trimmed once 10%
        # over it), the newest events; the text log rotated and kept one older file.
        events = count_events(ep.boto3("logs"))
        assert EVENTS_LIMIT <= events <= EVENTS_LIMIT * 11 // 10 + 10, f"{events} events in the log group"
        newest = ep.boto3("logs").filter_log_events(logGroupName="/aws/lambda/small", filterPattern=f'"n={INVOKES} "')
        assert len(newest["events"]) == 1, newest["events"]
        log_dir = os.path.join(state, "logs")
        assert sorted(os.listdir(log_dir)) == ["small.log", "small.log.1"], os.listdir(log_dir)
        for name in os.listdir(log_dir):
            assert os.path.getsize(os.path.join(log_dir, name)) <= FILE_LIMIT, name
        # No file per invocation: the state directory holds the same files as after the warm-up.
        assert end["files"] == warm["files"], f"new: {end['files'] - warm['files']}, gone: {warm['files'] - end['files']}"
        live = runtimes(state)
        assert 1 <= len(live) <= THREADS, f"runtimes at the end: {live}"

        ep.stop()
        deadline = time.monotonic() + 10
        while processes_under(state) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not processes_under(state), f"left behind: {processes_under(state)}"


CODE_UPDATES = 40
CACHED_PACKAGES = 32  # EngineOptions::max_cached_packages


def packages(state):
    code = os.path.join(state, "code")
    return sorted(n for n in os.listdir(code) if len(n) == 64 and all(c in "0123456789abcdef" for c in n))


def code_updates_keep_the_package_cache_bounded():
    with Endpoint("--update-delay-ms", "0", env={"ASAN_OPTIONS": ASAN_WITHOUT_QUARANTINE}) as ep:
        state = os.path.realpath(ep.state_dir)
        lam = ep.boto3()
        lam.create_function(FunctionName="changing", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                            Code={"ZipFile": handler_zip("exports.handler = async () => 0;")})
        shas = []
        for i in range(1, CODE_UPDATES + 1):
            updated = lam.update_function_code(FunctionName="changing",
                                               ZipFile=handler_zip(f"exports.handler = async () => {i};"))
            shas.append(updated["CodeSha256"])
            r = lam.invoke(FunctionName="changing", Payload=b"{}")
            assert r["Payload"].read() == str(i).encode(), f"update {i}"
            held = packages(state)
            assert len(held) <= CACHED_PACKAGES, f"after update {i}: {len(held)} packages"
            live = runtimes(state)
            assert len(live) == 1, f"after update {i}: {len(live)} runtimes: {live}"
        newest = [base64.b64decode(sha).hex() for sha in shas[-CACHED_PACKAGES:]]
        assert packages(state) == sorted(newest), "the cache holds other than the 32 most recent packages"
        print(f"{CODE_UPDATES} code updates: {len(packages(state))} packages cached, 1 runtime", flush=True)


if __name__ == "__main__":
    t = TestRun()
    t.case("ten_thousand_invokes_stay_bounded", ten_thousand_invokes_stay_bounded)
    t.case("code_updates_keep_the_package_cache_bounded", code_updates_keep_the_package_cache_bounded)
    t.finish()
