"""Durability of `lambda-cd local` under repeated SIGKILL (issue 17, Chaos).

Each cycle starts the endpoint on the same state directory, runs a burst of concurrent writes from
several boto3 threads (Lambda CreateFunction / UpdateFunctionCode / PublishVersion / CreateAlias /
UpdateAlias and invokes, S3 PutObject / DeleteObject and a multipart upload, CloudFormation
CreateStack / UpdateStack of a small template) and SIGKILLs the endpoint at a random point of the
burst. Then:
- every SQLite database of the state directory (a copy of the crash image) passes
  PRAGMA integrity_check;
- within a grace period no process is left whose working directory or command line is in the
  state directory (runtimes, and a process a function started, die with the endpoint);
- after the restart, every write acknowledged (2xx) before the kill is there with its content
  (code sha, version, alias target, object bytes and ETag, stack and its parameter); a write in
  flight at the kill may or may not be there, nothing else may be;
- after the restart no blob file is left that no row refers to, and no row refers to a missing blob.

Usage: local_kill_restart_test.py [--cycles N] [--minutes M] [--seed S] [--summary FILE]
(scripts/soak.sh runs it with --minutes). The seed is printed; KILL_RESTART_SEED sets it too.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import Endpoint, processes_under, zip_bytes  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402

REGION = "eu-west-3"  # not anyone's default: the endpoint takes the region from the request
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/kill-restart"
BUCKET = "kill-restart"
LAMBDA_WORKERS = 2
S3_WORKERS = 2
ABSENT = "<absent>"
GRACE_SECONDS = 5.0
PART = 5 * 1024 * 1024  # S3's smallest non-final part

TEMPLATE = json.dumps({
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"Note": {"Type": "String"}},
    "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "nodejs20.x", "Handler": "index.handler", "Role": ROLE, "Description": {"Ref": "Note"},
        "Code": {"ZipFile": {"Fn::Sub": "exports.handler = async () => '${Note}';"}}}}},
})

# Started in every environment of this function: a process the endpoint did not start itself.
SPAWNER = ("const cp = require('child_process');\n"
           "let child;\n"
           "exports.handler = async () => {\n"
           "  if (!child) child = cp.spawn('/bin/sleep', ['300'], { stdio: 'ignore' });\n"
           "  return { pid: child.pid };\n"
           "};\n")


class Failures:
    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def add(self, text):
        with self.lock:
            self.items.append(text)
        print(f"FAIL {text}", flush=True)


class Ledger:
    """What the endpoint acknowledged, per key, and what was in flight when it was killed.

    A key is written by one thread only, one write at a time, so after a restart a key holds its
    last acknowledged value or the value of the one write in flight at the kill."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}      # key -> value (ABSENT for a deletion)
        self.pending = {}    # key -> value sent, no answer yet
        self.touched = set()  # keys written since the last check
        self.versions = {}   # (function, version) -> CodeSha256, acknowledged PublishVersion
        self.new_versions = set()
        self.acks = 0

    def send(self, key, value):
        with self.lock:
            self.pending[key] = value
            self.touched.add(key)

    def ack(self, key, value):
        with self.lock:
            self.pending.pop(key, None)
            self.acked[key] = value
            self.acks += 1

    def ack_version(self, function, version, sha):
        with self.lock:
            self.versions[(function, version)] = sha
            self.new_versions.add((function, version))
            self.acks += 1

    def live_objects(self, prefix):
        with self.lock:
            return sorted(k for k, v in self.acked.items() if k[0] == "object" and k[1].startswith(prefix) and v != ABSENT)

    def has_version(self, function, version):
        with self.lock:
            return (function, version) in self.versions

    def value(self, key):
        with self.lock:
            return self.acked.get(key, ABSENT)

    def allowed(self, key):
        with self.lock:
            out = {self.acked.get(key, ABSENT)}
            if key in self.pending:
                out.add(self.pending[key])
            return out

    def settle(self, key, observed):
        """After a check: what the restarted endpoint holds is the new baseline."""
        with self.lock:
            self.pending.pop(key, None)
            self.acked[key] = observed


SESSION = boto3.session.Session()  # one loader cache; clients are made on the main thread only


def client(url, service):
    return SESSION.client(
        service, endpoint_url=url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=60,
                      max_pool_connections=4))


def code_zip(tag):
    return zip_bytes({"index.js": f"exports.handler = async () => ({json.dumps(tag)});\n"})


def sha_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def burst_worker(kind, index, clients, ledger, failures, rng, cycle, stop):
    """Writes until the endpoint goes away (a connection error) or `stop` is set."""
    lam, s3, cfn = clients.get("lambda"), clients.get("s3"), clients.get("cloudformation")
    step = 0

    def unexpected(what, e):
        failures.add(f"cycle {cycle}: {kind}{index} {what}: {e}")

    try:
        while not stop.is_set():
            step += 1
            if kind == "lambda":
                fn = f"kr-fn{index}"
                data = code_zip(f"{fn} cycle {cycle} step {step}")
                ledger.send(("code", fn), sha_b64(data))
                r = lam.update_function_code(FunctionName=fn, ZipFile=data)
                ledger.ack(("code", fn), r["CodeSha256"])
                if r["CodeSha256"] != sha_b64(data):
                    unexpected("UpdateFunctionCode", f"CodeSha256 {r['CodeSha256']} for {sha_b64(data)}")
                v = lam.publish_version(FunctionName=fn, Description=f"cycle {cycle} step {step}")
                if ledger.has_version(fn, v["Version"]):
                    unexpected("PublishVersion", f"version {v['Version']} handed out twice")
                ledger.ack_version(fn, v["Version"], v["CodeSha256"])
                ledger.send(("alias", fn), v["Version"])
                a = lam.update_alias(FunctionName=fn, Name="live", FunctionVersion=v["Version"])
                ledger.ack(("alias", fn), a["FunctionVersion"])
                if step % 3 == 0:
                    new_fn = f"kr-fn{index}-c{cycle}-{step}"
                    data = code_zip(new_fn)
                    ledger.send(("code", new_fn), sha_b64(data))
                    r = lam.create_function(FunctionName=new_fn, Runtime="nodejs20.x", Role=ROLE,
                                            Handler="index.handler", Code={"ZipFile": data}, Publish=True)
                    ledger.ack(("code", new_fn), r["CodeSha256"])
                    ledger.ack_version(new_fn, r["Version"], r["CodeSha256"])
                    ledger.send(("alias", new_fn), r["Version"])
                    a = lam.create_alias(FunctionName=new_fn, Name="live", FunctionVersion=r["Version"])
                    ledger.ack(("alias", new_fn), a["FunctionVersion"])
            elif kind == "invoke":
                # Keeps runtimes alive through the burst (and one started process per environment).
                for fn in [f"kr-fn{i}:live" for i in range(LAMBDA_WORKERS)] + ["kr-spawner"]:
                    r = lam.invoke(FunctionName=fn, Payload=b"{}")
                    if r["StatusCode"] != 200 or "FunctionError" in r:
                        unexpected(f"Invoke {fn}", r["Payload"].read()[:300])
                stop.wait(0.2)
            elif kind == "s3":
                if step == 1 and index == 0:
                    key = f"w{index}/multipart-c{cycle}"
                    body = rng.randbytes(PART) + rng.randbytes(rng.randint(1, 64 * 1024))
                    up = s3.create_multipart_upload(Bucket=BUCKET, Key=key)
                    parts = []
                    for n, chunk in ((1, body[:PART]), (2, body[PART:])):
                        p = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=up["UploadId"], PartNumber=n, Body=chunk)
                        parts.append({"PartNumber": n, "ETag": p["ETag"]})
                    ledger.send(("object", key), (hashlib.sha256(body).hexdigest(), None))
                    r = s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=up["UploadId"],
                                                     MultipartUpload={"Parts": parts})
                    ledger.ack(("object", key), (hashlib.sha256(body).hexdigest(), r["ETag"]))
                    continue
                mine = [k[1] for k in ledger.live_objects(f"w{index}/")]
                roll = rng.random()
                if mine and roll < 0.2:
                    key = rng.choice(mine)
                    ledger.send(("object", key), ABSENT)
                    s3.delete_object(Bucket=BUCKET, Key=key)
                    ledger.ack(("object", key), ABSENT)
                    continue
                key = rng.choice(mine) if mine and roll < 0.4 else f"w{index}/c{cycle}-{step}"
                body = rng.randbytes(rng.randint(0, 48 * 1024))
                digest = hashlib.sha256(body).hexdigest()
                ledger.send(("object", key), (digest, f'"{hashlib.md5(body).hexdigest()}"'))
                r = s3.put_object(Bucket=BUCKET, Key=key, Body=body)
                ledger.ack(("object", key), (digest, r["ETag"]))
            elif kind == "cfn":
                name = f"kr-stack-c{cycle}"
                if step == 1:
                    note = f"created in cycle {cycle}"
                    ledger.send(("stack", name), note)
                    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE,
                                     Parameters=[{"ParameterKey": "Note", "ParameterValue": note}])
                    ledger.ack(("stack", name), note)
                    continue
                # Update one stack that is settled; wait a little between rounds.
                stacks = {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]}
                ready = sorted(n for n, st in stacks.items()
                               if st in ("CREATE_COMPLETE", "UPDATE_COMPLETE") and ledger.value(("stack", n)) != ABSENT)
                if not ready:
                    stop.wait(0.05)
                    continue
                name = rng.choice(ready)
                note = f"updated in cycle {cycle} step {step}"
                ledger.send(("stack", name), note)
                cfn.update_stack(StackName=name, TemplateBody=TEMPLATE,
                                 Parameters=[{"ParameterKey": "Note", "ParameterValue": note}])
                ledger.ack(("stack", name), note)
                stop.wait(0.05)
    except ClientError as e:
        unexpected("call", e)
    except (BotoCoreError, ConnectionError, OSError):
        return  # the endpoint was killed


def sqlite_files(state):
    for root, _, files in os.walk(state):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as f:
                    if f.read(16) == b"SQLite format 3\x00":
                        yield path
            except OSError:
                pass


def check_databases(state, failures, cycle):
    """integrity_check on a copy of each database with its WAL (the image the kill left, untouched
    by this check); returns (databases checked, blob files no row of the copy refers to)."""
    checked = 0
    orphans = []
    with tempfile.TemporaryDirectory(prefix="lcd-kr-db-") as tmp:
        for path in sqlite_files(state):
            copy = os.path.join(tmp, f"{checked}.sqlite3")
            shutil.copyfile(path, copy)
            if os.path.exists(path + "-wal"):
                shutil.copyfile(path + "-wal", copy + "-wal")
            db = sqlite3.connect(copy)
            result = [r[0] for r in db.execute("PRAGMA integrity_check")]
            db.close()
            checked += 1
            if result != ["ok"]:
                failures.add(f"cycle {cycle}: integrity_check of {os.path.relpath(path, state)}: {result[:5]}")
            elif os.path.basename(path) == "lambda.sqlite3":
                orphans, _ = blob_accounting(state, copy)
    if checked == 0:
        failures.add(f"cycle {cycle}: no SQLite database found in {state}")
    return checked, orphans


def blob_accounting(state, database=None):
    """(files no row refers to, rows' blobs with no file): the blob directory against the rows of the
    state's one database, or of `database` (a copy of it), read-only."""
    blob_dir = os.path.join(state, "blobs")
    files = set(os.listdir(blob_dir)) if os.path.isdir(blob_dir) else set()
    database = database or os.path.join(state, "lambda.sqlite3")
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    referenced = set()
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in ("functions", "versions", "latest_before_update"):
        if table in tables:
            for (sha,) in db.execute(f"SELECT code_sha256 FROM {table}"):
                referenced.add(base64.b64decode(sha).hex())
    for table in ("objects", "parts"):
        if table in tables:
            referenced.update(r[0] for r in db.execute(f"SELECT blob FROM {table}"))
    db.close()
    files.discard(".users")  # the lock file of the directory's users (blob_store.hpp)
    orphans = sorted(f for f in files if not (f.endswith(".zip") and f[:-4] in referenced))
    missing = sorted(h for h in referenced if f"{h}.zip" not in files)
    return orphans, missing


def verify(url, ledger, failures, cycle, everything):
    """Compares the restarted endpoint with the ledger; returns how many writes were checked."""
    lam = client(url, "lambda")
    s3 = client(url, "s3")
    cfn = client(url, "cloudformation")
    with ledger.lock:
        keys = sorted(set(ledger.acked) | set(ledger.pending)) if everything else sorted(ledger.touched)
        versions = sorted(ledger.versions.items()) if everything else sorted(
            (k, ledger.versions[k]) for k in ledger.new_versions)
        ledger.touched.clear()
        ledger.new_versions.clear()
    stacks = {s["StackName"]: s for s in cfn.describe_stacks()["Stacks"]}
    checked = 0
    for key in keys:
        kind, name = key
        allowed = ledger.allowed(key)
        observed = None
        if kind == "code":
            try:
                observed = lam.get_function_configuration(FunctionName=name)["CodeSha256"]
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
                observed = ABSENT
        elif kind == "alias":
            try:
                observed = lam.get_alias(FunctionName=name, Name="live")["FunctionVersion"]
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
                observed = ABSENT
        elif kind == "object":
            try:
                r = s3.get_object(Bucket=BUCKET, Key=name)
                digest = hashlib.sha256(r["Body"].read()).hexdigest()
                etag = r["ETag"]
                # A multipart write in flight has no known ETag: compare bytes only.
                matches = [v for v in allowed if v != ABSENT and v[0] == digest and v[1] in (etag, None)]
                observed = matches[0] if matches else (digest, etag)
            except ClientError as e:
                if e.response["Error"]["Code"] != "NoSuchKey":
                    raise
                observed = ABSENT
        elif kind == "stack":
            s = stacks.get(name)
            if s is None:
                observed = ABSENT
            else:
                params = {p["ParameterKey"]: p["ParameterValue"] for p in s.get("Parameters", [])}
                observed = params.get("Note", ABSENT)
        checked += 1
        if observed not in allowed:
            failures.add(f"cycle {cycle}: {kind} {name}: after restart {observed!r}, acknowledged/in flight "
                         f"{sorted(map(str, allowed))}")
        ledger.settle(key, observed)
    for (fn, version), sha in versions:
        checked += 1
        try:
            got = lam.get_function_configuration(FunctionName=fn, Qualifier=version)["CodeSha256"]
        except ClientError as e:
            failures.add(f"cycle {cycle}: version {fn}:{version} acknowledged, after restart: {e}")
            continue
        if got != sha:
            failures.add(f"cycle {cycle}: version {fn}:{version} has CodeSha256 {got}, acknowledged {sha}")
    return checked


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def setup(url, ledger):
    lam = client(url, "lambda")
    for i in range(LAMBDA_WORKERS):
        fn = f"kr-fn{i}"
        r = lam.create_function(FunctionName=fn, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                                Code={"ZipFile": code_zip(fn)}, Publish=True, Timeout=30)
        ledger.ack(("code", fn), r["CodeSha256"])
        ledger.ack_version(fn, r["Version"], r["CodeSha256"])
        a = lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
        ledger.ack(("alias", fn), a["FunctionVersion"])
    lam.create_function(FunctionName="kr-spawner", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                        Code={"ZipFile": zip_bytes({"index.js": SPAWNER})}, Timeout=30)
    client(url, "s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=10)
    ap.add_argument("--minutes", type=float, default=0, help="run cycles until this much time has passed")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("KILL_RESTART_SEED", random.randrange(2**31))))
    ap.add_argument("--summary", help="write the figures as JSON to this file")
    args = ap.parse_args()
    print(f"seed {args.seed} (rerun: --seed {args.seed} or KILL_RESTART_SEED={args.seed})", flush=True)
    rng = random.Random(args.seed)
    failures = Failures()
    ledger = Ledger()
    state = tempfile.mkdtemp(prefix="lcd-kill-restart-")
    summary = {"seed": args.seed, "cycles": 0, "writes_acknowledged": 0, "writes_checked": 0,
               "blobs_orphaned_by_kills": 0, "runtimes_alive_at_kills": 0, "databases_checked": 0}
    started = time.monotonic()
    ep = None
    try:
        ep = Endpoint("--update-delay-ms", "0", state_dir=state).start()
        setup(ep.url, ledger)
        summary["state_bytes_start"] = dir_bytes(state)
        summary["rss_kib_start"] = rss_kib(ep.proc.pid)
        cycle = 0
        while True:
            cycle += 1
            if args.minutes:
                if time.monotonic() - started >= args.minutes * 60:
                    break
            elif cycle > args.cycles:
                break
            stop = threading.Event()
            workers = [("lambda", i) for i in range(LAMBDA_WORKERS)] + [("s3", i) for i in range(S3_WORKERS)] + [
                ("cfn", 0), ("invoke", 0)]
            services = {"lambda": ["lambda"], "invoke": ["lambda"], "s3": ["s3"], "cfn": ["cloudformation"]}
            threads = [threading.Thread(target=burst_worker, args=(
                kind, i, {s: client(ep.url, s) for s in services[kind]}, ledger, failures,
                random.Random(rng.random()), cycle, stop)) for kind, i in workers]
            for t in threads:
                t.start()
            stop.wait(rng.uniform(0.8, 2.5))
            alive = [p for p in processes_under(state) if p[0] != ep.proc.pid]
            summary["rss_kib_end"] = rss_kib(ep.proc.pid)
            ep.proc.send_signal(signal.SIGKILL)
            ep.proc.wait()
            stop.set()
            for t in threads:
                t.join(60)
                if t.is_alive():
                    failures.add(f"cycle {cycle}: a client thread hung after the kill")
            summary["runtimes_alive_at_kills"] += len(alive)

            # Nothing the endpoint started outlives it.
            deadline = time.monotonic() + GRACE_SECONDS
            left = processes_under(state)
            while left and time.monotonic() < deadline:
                time.sleep(0.1)
                left = processes_under(state)
            for pid, cwd, cmd in left:
                failures.add(f"cycle {cycle}: process {pid} outlived the endpoint by {GRACE_SECONDS}s "
                             f"(cwd {cwd}, {cmd[:120]})")
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

            databases, orphans_after_kill = check_databases(state, failures, cycle)
            summary["databases_checked"] += databases
            summary["blobs_orphaned_by_kills"] += len(orphans_after_kill)

            ep = Endpoint("--update-delay-ms", "0", state_dir=state).start()
            orphans, missing = blob_accounting(state)
            for f in orphans:
                failures.add(f"cycle {cycle}: after restart, blobs/{f} is referred to by no row")
            for h in missing:
                failures.add(f"cycle {cycle}: after restart, a row refers to blob {h} and there is no file")
            checked = verify(ep.url, ledger, failures, cycle, everything=False)
            summary["writes_checked"] += checked
            summary["cycles"] = cycle
            print(f"cycle {cycle}: killed after {ledger.acks} acknowledged writes in all; {len(alive)} processes "
                  f"of the endpoint alive at the kill; {len(orphans_after_kill)} blob files referred to by no row "
                  f"after the kill, {len(orphans)} after the restart; {checked} writes checked", flush=True)

        summary["writes_checked"] += verify(ep.url, ledger, failures, "final", everything=True)
        summary["writes_acknowledged"] = ledger.acks
        summary["rss_kib_end_after_restart"] = rss_kib(ep.proc.pid)
        summary["state_bytes_end"] = dir_bytes(state)
        summary["state_bytes_end_by_entry"] = {name: dir_bytes(os.path.join(state, name)) if os.path.isdir(
            os.path.join(state, name)) else os.path.getsize(os.path.join(state, name)) for name in os.listdir(state)}
        if ep.stop() != 0:
            failures.add("the endpoint did not stop cleanly on SIGTERM")
        summary["failures"] = len(failures.items)
        summary["seconds"] = round(time.monotonic() - started, 1)
        # The checks mean something only when the bursts did something.
        if summary["cycles"] and ledger.acks < 5 * summary["cycles"]:
            failures.add(f"bursts too small to mean anything: {ledger.acks} writes in {summary['cycles']} cycles")
        if summary["cycles"] and summary["runtimes_alive_at_kills"] == 0:
            failures.add("no runtime process was alive at any kill: the orphan check checked nothing")
        summary["failures"] = len(failures.items)
        print(json.dumps(summary), flush=True)
        if args.summary:
            with open(args.summary, "w") as f:
                json.dump(summary, f)
    finally:
        if ep:
            ep.stop(signal.SIGKILL)
        for pid, _, _ in processes_under(state):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(state, ignore_errors=True)
    if failures.items:
        print(f"{len(failures.items)} failures (seed {args.seed})")
        sys.exit(1)
    print(f"ok: {summary['cycles']} SIGKILL cycles, {ledger.acks} acknowledged writes, "
          f"{summary['writes_checked']} checks, in {summary['seconds']} s")


if __name__ == "__main__":
    main()
