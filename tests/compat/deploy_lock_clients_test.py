"""The deploy lock is an ordinary S3 object, so any S3 client can see, hold and race it. boto3 against
`lambda-cd local`'s S3, with lambda-cd holding the lock through the same endpoint:

  boto3 holds the lock (a lock record of its own, If-None-Match: *) -> lambda-cd deploy waits, then
                                                    fails naming boto3's holder; `lock status` names it
  boto3 releases it (DeleteObject If-Match: its ETag)  -> the next deploy takes and releases the lock
  lambda-cd holds it through a slow deploy        -> boto3's If-None-Match: * write gets 412/409, and
                                                    GetObject shows lambda-cd's record (command, pid);
                                                    boto3's If-Match with a stale ETag cannot steal it;
                                                    after lambda-cd exits the key is gone
  both race for a free lock 10 times              -> exactly one holder each round: when lambda-cd
                                                    loses it fails naming boto3's record, and when it
                                                    wins boto3 got 412 or 409

Debian 12's boto3 predates the IfNoneMatch/IfMatch parameters, so the headers are added through
boto3's own before-sign event hook. Starts its own endpoint from $LAMBDA_CD.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import Endpoint, TestRun  # noqa: E402

import botocore.exceptions  # noqa: E402

BUCKET = "shared-locks"
REGION = "eu-central-1"
LOSING = {("PreconditionFailed", 412), ("ConditionalRequestConflict", 409)}


def s3_with_headers(ep, headers):
    """A boto3 S3 client whose PutObject/DeleteObject carry `headers` (a dict read at send time)."""
    s3 = ep.boto3("s3", region=REGION)

    def add(request, **_):
        for name, value in headers.items():
            request.headers[name] = value

    for operation in ("PutObject", "DeleteObject"):
        s3.meta.events.register(f"before-sign.s3.{operation}", add)
    return s3


def error_code(e):
    return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]


def boto3_record(function, pid=777):
    now = int(time.time() * 1000)
    return json.dumps({"owner": {"host": "boto3-runner", "pid": pid}, "command": "boto3 script",
                       "token": f"boto3-{pid}", "acquired": "", "acquired_ms": now, "expires": "",
                       "expires_ms": now + 600_000})


def project(root, function, itest="true"):
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "index.js"), "w") as f:
        f.write("exports.handler = async () => ({ ok: true });\n")
    with open(os.path.join(root, "lambda-cd.toml"), "w") as f:
        f.write(f'[function]\nname = "{function}"\nruntime = "nodejs20.x"\nhandler = "index.handler"\n'
                f'role = "arn:aws:iam::000000000000:role/r"\n\n[package]\ninclude = ["index.js"]\n\n'
                f'[test]\nunit = "true"\nintegration = {json.dumps(itest)}\n\n'
                f'[lock]\nbucket = "{BUCKET}"\n')
    return root


def lcd(ep, cwd, *args, timeout=120):
    env = ep.env()
    env["AWS_REGION"] = REGION
    return subprocess.run([os.environ["LAMBDA_CD"], "--endpoint-url", ep.url, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def start_lcd(ep, cwd, *args):
    env = ep.env()
    env["AWS_REGION"] = REGION
    return subprocess.Popen([os.environ["LAMBDA_CD"], "--endpoint-url", ep.url, *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def key_of(function):
    return f"{function}/lock/{REGION}.json"


def boto3_holds_then_releases(ep, work):
    function = "held-by-boto3"
    root = project(os.path.join(work, "a"), function)
    plain = ep.boto3("s3", region=REGION)
    plain.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    taker = s3_with_headers(ep, {"If-None-Match": "*"})
    put = taker.put_object(Bucket=BUCKET, Key=key_of(function), Body=boto3_record(function).encode())
    etag = put["ETag"]

    status = lcd(ep, root, "lock", "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "boto3-runner pid 777" in status.stdout and "boto3 script" in status.stdout, status.stdout

    blocked = lcd(ep, root, "--lock-timeout", "3s", "deploy")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "boto3-runner pid 777" in out and key_of(function) in out, out
    lam = ep.boto3("lambda", region=REGION)
    try:
        lam.get_function(FunctionName=function)
        raise AssertionError("deploy changed the function while boto3 held the lock")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response

    # A stale ETag cannot release it; the holder's ETag can.
    stale = s3_with_headers(ep, {"If-Match": '"0123456789abcdef0123456789abcdef"'})
    try:
        stale.delete_object(Bucket=BUCKET, Key=key_of(function))
        raise AssertionError("DeleteObject with a stale If-Match succeeded")
    except botocore.exceptions.ClientError as e:
        assert error_code(e) == ("PreconditionFailed", 412), e.response
    s3_with_headers(ep, {"If-Match": etag}).delete_object(Bucket=BUCKET, Key=key_of(function))

    done = lcd(ep, root, "--lock-timeout", "3s", "deploy")
    assert done.returncode == 0, done.stdout + done.stderr
    lam.get_function(FunctionName=function)
    assert "Contents" not in plain.list_objects_v2(Bucket=BUCKET, Prefix=f"{function}/"), "lock left behind"


def lcd_holds_boto3_waits(ep, work):
    function = "held-by-lcd"
    gate = os.path.join(work, "gate")
    entered = os.path.join(work, "entered")
    itest = f"touch {entered}; while [ ! -e {gate} ]; do sleep 0.1; done"
    root = project(os.path.join(work, "b"), function, itest=itest)
    run = start_lcd(ep, root, "pipeline", "--build", "5")
    try:
        deadline = time.time() + 60
        while not os.path.exists(entered):
            assert run.poll() is None, run.stdout.read()
            assert time.time() < deadline, "the pipeline never reached its integration tests"
            time.sleep(0.1)
        plain = ep.boto3("s3", region=REGION)
        obj = plain.get_object(Bucket=BUCKET, Key=key_of(function))
        record = json.loads(obj["Body"].read())
        assert record["command"] == "pipeline" and record["build"] == "5", record
        assert record["owner"]["pid"] == run.pid, (record, run.pid)
        assert record["expires_ms"] > record["acquired_ms"], record

        try:
            s3_with_headers(ep, {"If-None-Match": "*"}).put_object(
                Bucket=BUCKET, Key=key_of(function), Body=boto3_record(function).encode())
            raise AssertionError("boto3 took a lock lambda-cd holds")
        except botocore.exceptions.ClientError as e:
            assert error_code(e) in LOSING, e.response
        try:
            s3_with_headers(ep, {"If-Match": '"ffffffffffffffffffffffffffffffff"'}).put_object(
                Bucket=BUCKET, Key=key_of(function), Body=boto3_record(function).encode())
            raise AssertionError("boto3 replaced the lock with a stale ETag")
        except botocore.exceptions.ClientError as e:
            assert error_code(e) == ("PreconditionFailed", 412), e.response
        after = json.loads(plain.get_object(Bucket=BUCKET, Key=key_of(function))["Body"].read())
        assert after["token"] == record["token"], (after, record)
    finally:
        open(gate, "w").close()
        out, _ = run.communicate(timeout=120)
    assert run.returncode == 0, out
    try:
        ep.boto3("s3", region=REGION).head_object(Bucket=BUCKET, Key=key_of(function))
        raise AssertionError("the lock object outlived the pipeline")
    except botocore.exceptions.ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, e.response


def race_for_a_free_lock(ep, work):
    plain = ep.boto3("s3", region=REGION)
    taker = s3_with_headers(ep, {"If-None-Match": "*"})
    wins = {"lambda-cd": 0, "boto3": 0}
    for i in range(10):
        function = f"race-{i}"
        root = project(os.path.join(work, f"r{i}"), function)
        outcome = {}

        def boto3_takes():
            try:
                taker.put_object(Bucket=BUCKET, Key=key_of(function), Body=boto3_record(function, pid=1000 + i).encode())
                outcome["boto3"] = "won"
            except botocore.exceptions.ClientError as e:
                outcome["boto3"] = error_code(e)

        proc = start_lcd(ep, root, "--lock-timeout", "0s", "deploy")
        thread = threading.Thread(target=boto3_takes)
        thread.start()
        out, _ = proc.communicate(timeout=120)
        thread.join(60)
        if outcome["boto3"] == "won":
            wins["boto3"] += 1
            # boto3 got it: lambda-cd either lost the race and named boto3's holder, or had already
            # finished its deploy and released the lock before boto3's write arrived.
            if proc.returncode != 0:
                assert f"boto3-runner pid {1000 + i}" in out, out
            else:
                assert "deploy" in out, out
            plain.delete_object(Bucket=BUCKET, Key=key_of(function))
        else:
            wins["lambda-cd"] += 1
            assert outcome["boto3"] in LOSING, outcome
            assert proc.returncode == 0, out
        leftover = plain.list_objects_v2(Bucket=BUCKET, Prefix=f"{function}/").get("Contents", [])
        assert not leftover, leftover
    print(f"     10 races: {wins}", flush=True)


def main():
    work = tempfile.mkdtemp(prefix="lcd-lock-compat-")
    try:
        with Endpoint() as ep:
            t = TestRun()
            t.case("boto3 holds the lock: lambda-cd waits, fails naming it, then takes it once released",
                   boto3_holds_then_releases, ep, work)
            t.case("lambda-cd holds the lock: boto3 cannot take, replace or see another holder",
                   lcd_holds_boto3_waits, ep, work)
            t.case("boto3 and lambda-cd race for a free lock: one holder each round", race_for_a_free_lock, ep, work)
            return t.finish()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
