"""S3 on `lambda-cd local` through real clients: AWS CLI v2 (/usr/bin/aws) and boto3.

Starts its own endpoint from $LAMBDA_CD.
"""
import base64
import hashlib
import http.client
import os
import shutil
import struct
import subprocess
import sys
import traceback
import tempfile
import urllib.parse
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

import botocore.exceptions  # noqa: E402


def client_error_code(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("expected a ClientError")


def md5_etag_of_parts(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def cli_large_file_round_trip(ep, tmp):
    cli(ep, "s3", "mb", "s3://cli-bucket")
    listing = cli(ep, "s3", "ls")
    assert "cli-bucket" in listing, listing
    src = os.path.join(tmp, "big.bin")
    block = os.urandom(1024 * 1024)
    with open(src, "wb") as f:
        for i in range(100):
            f.write(hashlib.sha256(block + bytes([i])).digest() * 32768)  # 1 MiB of distinct bytes per step
    cli(ep, "s3", "cp", "--no-progress", src, "s3://cli-bucket/builds/big.bin")
    head = ep.aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "builds/big.bin")
    assert head["ContentLength"] == 100 * 1024 * 1024, head
    # The CLI's default 8 MiB chunks: 13 parts; the ETag is the md5 of the part md5s with the count.
    with open(src, "rb") as f:
        data = f.read()
    parts = [data[i:i + 8 * 1024 * 1024] for i in range(0, len(data), 8 * 1024 * 1024)]
    assert head["ETag"] == md5_etag_of_parts(parts), (head["ETag"], md5_etag_of_parts(parts))
    dst = os.path.join(tmp, "big.down")
    cli(ep, "s3", "cp", "--no-progress", "s3://cli-bucket/builds/big.bin", dst)
    with open(dst, "rb") as f:
        assert f.read() == data, "downloaded bytes differ"
    ls = cli(ep, "s3", "ls", "s3://cli-bucket/builds/")
    assert "big.bin" in ls and str(100 * 1024 * 1024) in ls, ls
    missing = ep.aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "nope", check=False)
    assert missing.returncode != 0 and "404" in missing.stderr, missing.stderr
    cli(ep, "s3", "rm", "s3://cli-bucket/builds/big.bin")
    cli(ep, "s3", "rb", "s3://cli-bucket")
    assert "cli-bucket" not in cli(ep, "s3", "ls")


def boto3_objects(ep):
    s3 = ep.boto3("s3")
    s3.create_bucket(Bucket="boto-bucket")
    s3.create_bucket(Bucket="boto-bucket")  # your own us-east-1 bucket again: AWS's legacy 200
    assert "boto-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.head_bucket(Bucket="boto-bucket")
    put = s3.put_object(Bucket="boto-bucket", Key="dir/hello.txt", Body=b"hello", ContentType="text/plain",
                        Metadata={"build": "7"})
    assert put["ETag"] == '"5d41402abc4b2a76b9719d911017c592"', put["ETag"]
    got = s3.get_object(Bucket="boto-bucket", Key="dir/hello.txt")
    assert got["Body"].read() == b"hello"
    assert got["ContentType"] == "text/plain" and got["Metadata"] == {"build": "7"}, got
    part = s3.get_object(Bucket="boto-bucket", Key="dir/hello.txt", Range="bytes=1-3")
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206 and part["Body"].read() == b"ell"
    assert part["ContentRange"] == "bytes 1-3/5", part["ContentRange"]
    head = s3.head_object(Bucket="boto-bucket", Key="dir/hello.txt")
    assert head["ContentLength"] == 5
    assert client_error_code(lambda: s3.head_object(Bucket="boto-bucket", Key="missing")) == ("404", 404)
    assert client_error_code(lambda: s3.get_object(Bucket="boto-bucket", Key="missing")) == ("NoSuchKey", 404)
    assert client_error_code(lambda: s3.get_object(Bucket="no-such-bucket", Key="k")) == ("NoSuchBucket", 404)
    assert client_error_code(lambda: s3.get_object(Bucket="boto-bucket", Key="dir/hello.txt", Range="bytes=10-")) == (
        "InvalidRange", 416)
    copied = s3.copy_object(Bucket="boto-bucket", Key="copy.txt", CopySource={"Bucket": "boto-bucket",
                                                                             "Key": "dir/hello.txt"})
    assert copied["CopyObjectResult"]["ETag"] == put["ETag"]
    for i in range(5):
        s3.put_object(Bucket="boto-bucket", Key=f"dir/sub{i}/f", Body=b"x")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="boto-bucket", Prefix="dir/", Delimiter="/",
                                                       PaginationConfig={"PageSize": 2})
    keys, prefixes = [], []
    for page in pages:
        keys += [c["Key"] for c in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    assert keys == ["dir/hello.txt"], keys
    assert prefixes == [f"dir/sub{i}/" for i in range(5)], prefixes
    after = s3.list_objects_v2(Bucket="boto-bucket", StartAfter="dir/sub3/f")
    assert [c["Key"] for c in after["Contents"]] == ["dir/sub4/f"], after
    assert client_error_code(lambda: s3.delete_bucket(Bucket="boto-bucket")) == ("BucketNotEmpty", 409)
    deleted = s3.delete_object(Bucket="boto-bucket", Key="copy.txt")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_object(Bucket="boto-bucket", Key="copy.txt")["ResponseMetadata"]["HTTPStatusCode"] == 204


def boto3_bad_input(ep):
    s3 = ep.boto3("s3")
    s3.create_bucket(Bucket="bad-input")
    assert client_error_code(lambda: s3.create_bucket(Bucket="Bad_Name")) == ("InvalidBucketName", 400)
    wrong_md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert client_error_code(lambda: s3.put_object(Bucket="bad-input", Key="k", Body=b"data",
                                                   ContentMD5=wrong_md5)) == ("BadDigest", 400)
    wrong_crc = base64.b64encode(struct.pack(">I", zlib.crc32(b"other"))).decode()
    assert client_error_code(lambda: s3.put_object(Bucket="bad-input", Key="k", Body=b"data",
                                                   ChecksumCRC32=wrong_crc)) == ("BadDigest", 400)
    assert client_error_code(lambda: s3.head_object(Bucket="bad-input", Key="k")) == ("404", 404), \
        "a failed upload must leave nothing behind"
    good = s3.put_object(Bucket="bad-input", Key="k", Body=b"data", ChecksumAlgorithm="SHA256")
    assert good["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"data").digest()).decode(), good
    assert client_error_code(lambda: s3.put_object(Bucket="no-such-bucket", Key="k", Body=b"x")) == (
        "NoSuchBucket", 404)


def boto3_multipart(ep):
    s3 = ep.boto3("s3")
    s3.create_bucket(Bucket="mpu")
    parts = [os.urandom(5 * 1024 * 1024), os.urandom(5 * 1024 * 1024), b"tail"]
    up = s3.create_multipart_upload(Bucket="mpu", Key="obj", ContentType="application/zip")
    etags = []
    for n, body in enumerate(parts, start=1):
        r = s3.upload_part(Bucket="mpu", Key="obj", UploadId=up["UploadId"], PartNumber=n, Body=body)
        assert r["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
        etags.append(r["ETag"])
    bad = [{"PartNumber": 1, "ETag": etags[0]}, {"PartNumber": 2, "ETag": '"0000"'}]
    assert client_error_code(lambda: s3.complete_multipart_upload(
        Bucket="mpu", Key="obj", UploadId=up["UploadId"], MultipartUpload={"Parts": bad})) == ("InvalidPart", 400)
    done = s3.complete_multipart_upload(Bucket="mpu", Key="obj", UploadId=up["UploadId"], MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
    assert done["ETag"] == md5_etag_of_parts(parts), done
    got = s3.get_object(Bucket="mpu", Key="obj")
    assert got["Body"].read() == b"".join(parts) and got["ContentType"] == "application/zip"
    aborted = s3.create_multipart_upload(Bucket="mpu", Key="gone")
    s3.upload_part(Bucket="mpu", Key="gone", UploadId=aborted["UploadId"], PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket="mpu", Key="gone", UploadId=aborted["UploadId"])
    assert client_error_code(lambda: s3.upload_part(Bucket="mpu", Key="gone", UploadId=aborted["UploadId"],
                                                    PartNumber=2, Body=b"y")) == ("NoSuchUpload", 404)
    assert client_error_code(lambda: s3.head_object(Bucket="mpu", Key="gone")) == ("404", 404)


def raw_put(ep, path, body, headers):
    u = urllib.parse.urlparse(ep.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("PUT", path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def aws_chunked_bodies(ep):
    s3 = ep.boto3("s3")
    s3.create_bucket(Bucket="chunked")
    payload = b"exports.handler = async () => 1;\r\n" * 100
    crc = base64.b64encode(struct.pack(">I", zlib.crc32(payload))).decode()
    body = (b"%x\r\n" % 1000) + payload[:1000] + b"\r\n" + (b"%x\r\n" % (len(payload) - 1000)) + payload[1000:] + \
        b"\r\n0\r\nx-amz-checksum-crc32:" + crc.encode() + b"\r\n\r\n"
    headers = {"Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "x-amz-decoded-content-length": str(len(payload)), "x-amz-trailer": "x-amz-checksum-crc32",
               "Content-Type": "application/javascript"}
    status, data = raw_put(ep, "/chunked/code.js", body, headers)
    assert status == 200, (status, data)
    got = s3.get_object(Bucket="chunked", Key="code.js")
    assert got["Body"].read() == payload, "aws-chunked framing leaked into the object"
    assert got["ContentEncoding"] if "ContentEncoding" in got else True
    bad = body.replace(crc.encode(), base64.b64encode(b"\0\0\0\0"))
    status, data = raw_put(ep, "/chunked/bad.js", bad, headers)
    assert status == 400 and b"<Code>BadDigest</Code>" in data, (status, data)
    signed = b"5;chunk-signature=" + b"a" * 64 + b"\r\nhello\r\n0;chunk-signature=" + b"b" * 64 + b"\r\n\r\n"
    status, data = raw_put(ep, "/chunked/signed.txt", signed, {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": "5"})
    assert status == 200, (status, data)
    assert s3.get_object(Bucket="chunked", Key="signed.txt")["Body"].read() == b"hello"
    status, data = raw_put(ep, "/chunked/trunc.txt", b"5\r\nhel", {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"})
    assert status == 400 and b"IncompleteBody" in data, (status, data)
    keys = [c["Key"] for c in s3.list_objects_v2(Bucket="chunked").get("Contents", [])]
    assert keys == ["code.js", "signed.txt"], keys


def traced(fn):
    """Prints the failing line: assertion messages alone are often not enough."""
    def wrapper(*args):
        try:
            fn(*args)
        except Exception:
            traceback.print_exc()
            raise
    return wrapper


def cli(ep, *args):
    """AWS CLI v2 commands with text output (`aws s3 ...`)."""
    r = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, *args], env=ep.env(), capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


def main():
    run = TestRun()
    ep = lcd_harness.Endpoint()
    tmp = tempfile.mkdtemp(prefix="lcd-s3-")
    try:
        with ep:
            run.case("boto3 objects", traced(boto3_objects), ep)
            run.case("boto3 bad input", traced(boto3_bad_input), ep)
            run.case("boto3 multipart", traced(boto3_multipart), ep)
            run.case("aws-chunked bodies", traced(aws_chunked_bodies), ep)
            run.case("aws cli 100 MB multipart round trip", traced(cli_large_file_round_trip), ep, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    run.finish()


if __name__ == "__main__":
    main()
