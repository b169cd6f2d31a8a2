"""S3 conditional writes on `lambda-cd local` through boto3 and AWS CLI v2 (aws-api-notes-2 §17.1):
the compare-and-swap a deploy lock is built on.

  two writers race PutObject with If-None-Match: *, 100 times through boto3 and 100 keys through two
  AWS CLI processes: exactly one wins each race, the loser gets 412 PreconditionFailed (it arrived
  after the winner committed) or 409 ConditionalRequestConflict (the two overlapped), and the stored
  object is the winner's;
  If-Match replaces only the object with that ETag (two writers holding the same ETag: one wins);
  CompleteMultipartUpload with If-None-Match: * creates once;
  conditional reads: 304 / 412 with If-None-Match, If-Match, If-Modified-Since, If-Unmodified-Since;
  x-amz-checksum-mode: ENABLED returns the checksum verified at upload, and boto3 validates it.

Debian 12's boto3 1.26 and AWS CLI 2.9 predate conditional writes (no IfNoneMatch parameter), so the
headers are added through the clients' own event hooks (boto3) and plugin mechanism (the CLI,
aws_cli_plugins/lcd_test_headers.py), before signing; everything else is the unmodified client.
Starts its own endpoint from $LAMBDA_CD.
"""
import base64
import collections
import datetime
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

import botocore.exceptions  # noqa: E402

PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws_cli_plugins")
BUCKET = "locks"
ROUNDS = 100
LOSING_CODES = {("PreconditionFailed", 412), ("ConditionalRequestConflict", 409)}


def traced(fn):
    def wrapper(*args):
        try:
            fn(*args)
        except Exception:
            traceback.print_exc()
            raise
    return wrapper


def error_of(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("expected a ClientError")


def conditional_client(ep, headers, barrier=None):
    """A boto3 S3 client that adds `headers` (a dict read at send time) to PutObject and
    CompleteMultipartUpload before signing, and waits on `barrier` just before sending a PutObject."""
    s3 = ep.boto3("s3")

    def add(request, **_):
        for name, value in headers.items():
            request.headers[name] = value

    def wait(**_):
        if barrier is not None:
            barrier.wait(timeout=30)

    for operation in ("PutObject", "CompleteMultipartUpload"):
        s3.meta.events.register(f"before-sign.s3.{operation}", add)
    s3.meta.events.register("before-send.s3.PutObject", wait)
    return s3


def boto3_race_if_none_match(ep):
    barrier = threading.Barrier(2)
    writers = [conditional_client(ep, {"If-None-Match": "*"}, barrier) for _ in range(2)]
    losses = collections.Counter()
    for round_ in range(ROUNDS):
        key = f"boto3/lock-{round_:03d}"
        outcomes = [None, None]

        def write(i):
            try:
                writers[i].put_object(Bucket=BUCKET, Key=key, Body=f"writer {i}".encode())
                outcomes[i] = "won"
            except botocore.exceptions.ClientError as e:
                outcomes[i] = (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])

        threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        winners = [i for i in range(2) if outcomes[i] == "won"]
        assert len(winners) == 1, f"round {round_}: {outcomes}"
        loser = outcomes[1 - winners[0]]
        assert loser in LOSING_CODES, f"round {round_}: {outcomes}"
        losses[loser[0]] += 1
        stored = writers[0].get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        assert stored == f"writer {winners[0]}", f"round {round_}: stored {stored!r}, outcomes {outcomes}"
    print(f"     boto3: {ROUNDS} races, one winner each; losers: {dict(losses)}", flush=True)


def cli_env(ep, tmp, **extra):
    config = os.path.join(tmp, "cli-config")
    with open(config, "w") as f:
        f.write(f"[plugins]\ncli_legacy_plugin_path = {PLUGINS}\nlcd_test_headers = lcd_test_headers\n")
    env = ep.env()
    env["AWS_CONFIG_FILE"] = config
    env.update(extra)
    return env


def aws_cli_race_if_none_match(ep, tmp):
    race_dir = os.path.join(tmp, "race")
    os.makedirs(race_dir)
    sources = []
    for writer in ("a", "b"):
        src = os.path.join(tmp, f"writer-{writer}")
        os.makedirs(src)
        for i in range(ROUNDS):
            with open(os.path.join(src, f"lock-{i:03d}"), "w") as f:
                f.write(f"writer {writer}")
        sources.append(src)
    env = cli_env(ep, tmp, LCD_TEST_IF_NONE_MATCH="*", LCD_TEST_RACE_DIR=race_dir, LCD_TEST_RACE_WRITERS="2")
    procs = [subprocess.Popen([AWS_CLI, "--endpoint-url", ep.url, "s3", "cp", "--recursive", "--no-progress", src,
                               f"s3://{BUCKET}/cli/"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for src in sources]
    results = [p.communicate(timeout=500) for p in procs]
    outcomes = collections.defaultdict(dict)  # key -> writer -> "won" | error code
    for writer, (out, err) in zip(("a", "b"), results):
        for line in (out + err).splitlines():
            if f"s3://{BUCKET}/cli/lock-" not in line:
                continue
            key = line.split(f"s3://{BUCKET}/cli/", 1)[1].split()[0]
            if line.startswith("upload:"):
                outcomes[key][writer] = "won"
            elif line.startswith("upload failed:"):
                outcomes[key][writer] = line.split("An error occurred (", 1)[1].split(")", 1)[0]
    assert len(outcomes) == ROUNDS, (len(outcomes), results)
    s3 = ep.boto3("s3")
    losses = collections.Counter()
    for key, by_writer in sorted(outcomes.items()):
        assert sorted(by_writer) == ["a", "b"], (key, by_writer, results)
        winners = [w for w, o in by_writer.items() if o == "won"]
        assert len(winners) == 1, (key, by_writer)
        loser = by_writer["b" if winners[0] == "a" else "a"]
        assert loser in {"PreconditionFailed", "ConditionalRequestConflict"}, (key, by_writer)
        losses[loser] += 1
        stored = s3.get_object(Bucket=BUCKET, Key=f"cli/{key}")["Body"].read().decode()
        assert stored == f"writer {winners[0]}", (key, stored, by_writer)
    print(f"     aws cli: {ROUNDS} races, one winner each; losers: {dict(losses)}", flush=True)


def aws_cli_conditional_put(ep, tmp):
    body = os.path.join(tmp, "cli-body")
    with open(body, "w") as f:
        f.write("first")
    env = cli_env(ep, tmp, LCD_TEST_IF_NONE_MATCH="*")
    cmd = [AWS_CLI, "--endpoint-url", ep.url, "--output", "json", "s3api", "put-object", "--bucket", BUCKET, "--key",
           "cli-single", "--body", body]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "(PreconditionFailed)" in again.stderr, again.stderr
    assert "At least one of the pre-conditions you specified did not hold" in again.stderr, again.stderr


def boto3_if_match_swaps_once(ep):
    plain = ep.boto3("s3")
    for round_ in range(20):
        key = f"swap/lock-{round_:02d}"
        etag = plain.put_object(Bucket=BUCKET, Key=key, Body=b"held by nobody")["ETag"]
        barrier = threading.Barrier(2)
        writers = [conditional_client(ep, {"If-Match": etag}, barrier) for _ in range(2)]
        outcomes = [None, None]

        def take(i):
            try:
                outcomes[i] = writers[i].put_object(Bucket=BUCKET, Key=key, Body=f"held by {i}".encode())["ETag"]
            except botocore.exceptions.ClientError as e:
                outcomes[i] = (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])

        threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        winners = [i for i in range(2) if isinstance(outcomes[i], str)]
        assert len(winners) == 1 and outcomes[1 - winners[0]] in LOSING_CODES, (round_, outcomes)
        assert plain.get_object(Bucket=BUCKET, Key=key)["Body"].read() == f"held by {winners[0]}".encode()
    stale = conditional_client(ep, {"If-Match": '"00000000000000000000000000000000"'})
    assert error_of(lambda: stale.put_object(Bucket=BUCKET, Key="swap/lock-00", Body=b"x")) == (
        "PreconditionFailed", 412)
    assert error_of(lambda: stale.put_object(Bucket=BUCKET, Key="swap/missing", Body=b"x")) == ("NoSuchKey", 404)
    bad = conditional_client(ep, {"If-None-Match": '"abc"'})
    assert error_of(lambda: bad.put_object(Bucket=BUCKET, Key="swap/bad", Body=b"x")) == ("InvalidRequest", 400)


def boto3_multipart_create_once(ep):
    headers = {}
    s3 = conditional_client(ep, headers)
    part = os.urandom(5 * 1024 * 1024)
    uploads = []
    for _ in range(2):
        up = s3.create_multipart_upload(Bucket=BUCKET, Key="mpu-lock")["UploadId"]
        etag = s3.upload_part(Bucket=BUCKET, Key="mpu-lock", UploadId=up, PartNumber=1, Body=part)["ETag"]
        uploads.append((up, etag))
    headers["If-None-Match"] = "*"
    done = [s3.complete_multipart_upload(Bucket=BUCKET, Key="mpu-lock", UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": etag}]}) for up, etag in uploads[:1]]
    assert done[0]["ETag"].endswith('-1"'), done
    assert error_of(lambda: s3.complete_multipart_upload(Bucket=BUCKET, Key="mpu-lock", UploadId=uploads[1][0],
                                                         MultipartUpload={"Parts": [{
                                                             "PartNumber": 1, "ETag": uploads[1][1]}]})) == (
        "PreconditionFailed", 412)


def boto3_conditional_reads_and_checksums(ep):
    s3 = ep.boto3("s3")
    put = s3.put_object(Bucket=BUCKET, Key="read/hello", Body=b"hello", ChecksumAlgorithm="CRC32")
    etag = put["ETag"]
    head = s3.head_object(Bucket=BUCKET, Key="read/hello")
    modified = head["LastModified"]
    assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key="read/hello", IfNoneMatch=etag)) == ("304", 304)
    assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key="read/hello", IfMatch='"nope"')) == (
        "PreconditionFailed", 412)
    assert error_of(lambda: s3.head_object(Bucket=BUCKET, Key="read/hello", IfMatch='"nope"')) == ("412", 412)
    assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key="read/hello", IfModifiedSince=modified)) == ("304", 304)
    earlier = modified - datetime.timedelta(seconds=5)
    assert s3.get_object(Bucket=BUCKET, Key="read/hello", IfModifiedSince=earlier)["Body"].read() == b"hello"
    assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key="read/hello", IfUnmodifiedSince=earlier)) == (
        "PreconditionFailed", 412)
    # Precedence: a matching If-Match outweighs a failed If-Unmodified-Since.
    assert s3.get_object(Bucket=BUCKET, Key="read/hello", IfMatch=etag,
                         IfUnmodifiedSince=earlier)["Body"].read() == b"hello"
    crc = base64.b64encode(struct.pack(">I", zlib.crc32(b"hello"))).decode()
    assert crc == "NhCmhg=="
    got = s3.get_object(Bucket=BUCKET, Key="read/hello", ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == crc and got["Body"].read() == b"hello", got
    assert s3.head_object(Bucket=BUCKET, Key="read/hello", ChecksumMode="ENABLED")["ChecksumCRC32"] == crc
    assert "ChecksumCRC32" not in s3.get_object(Bucket=BUCKET, Key="read/hello")


def main():
    run = TestRun()
    tmp = tempfile.mkdtemp(prefix="lcd-s3-cond-")
    try:
        with lcd_harness.Endpoint() as ep:
            ep.boto3("s3").create_bucket(Bucket=BUCKET)
            run.case("boto3: two writers race If-None-Match: *, 100 times", traced(boto3_race_if_none_match), ep)
            run.case("aws cli: two processes race If-None-Match: * on 100 keys", traced(aws_cli_race_if_none_match),
                     ep, tmp)
            run.case("aws cli: a conditional put-object", traced(aws_cli_conditional_put), ep, tmp)
            run.case("boto3: If-Match swaps once", traced(boto3_if_match_swaps_once), ep)
            run.case("boto3: CompleteMultipartUpload creates once", traced(boto3_multipart_create_once), ep)
            run.case("boto3: conditional reads and checksums", traced(boto3_conditional_reads_and_checksums), ep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    run.finish()


if __name__ == "__main__":
    main()
