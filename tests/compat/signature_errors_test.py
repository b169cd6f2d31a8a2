"""`lambda-cd local --verify-signatures` refusals through boto3 and AWS CLI v2, each in the shape of
the service that answers (aws-api-notes §9, §10; aws-api-notes-2 §16): S3's <Error> codes
(SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed, AccessDenied "Request has expired"
for a presigned URL past its X-Amz-Expires), CloudFormation's and STS's <ErrorResponse>
(SignatureDoesNotMatch, InvalidClientTokenId). Starts its own endpoint from $LAMBDA_CD.
"""
import datetime
import os
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

import botocore.auth  # noqa: E402
import botocore.exceptions  # noqa: E402

GOOD = {"access_key": "AKIDGOOD", "secret_key": "goodsecret"}


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
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]
    raise AssertionError("expected a ClientError")


def s3_refusals(ep):
    good = ep.boto3("s3", **GOOD)
    good.create_bucket(Bucket="signed")
    good.put_object(Bucket="signed", Key="k", Body=b"hello")
    code, status, error = error_of(lambda: ep.boto3("s3", access_key="AKIDGOOD", secret_key="wrong").get_object(
        Bucket="signed", Key="k"))
    assert (code, status) == ("SignatureDoesNotMatch", 403), error
    assert error["AWSAccessKeyId"] == "AKIDGOOD" and error["StringToSign"].startswith("AWS4-HMAC-SHA256\n"), error
    code, status, error = error_of(lambda: ep.boto3("s3", access_key="AKIDNOPE", secret_key="x").list_buckets())
    assert (code, status) == ("InvalidAccessKeyId", 403), error
    assert error["Message"] == "The AWS Access Key Id you provided does not exist in our records.", error
    # A HEAD error has no body: the client sees the status.
    assert error_of(lambda: ep.boto3("s3", access_key="AKIDGOOD", secret_key="wrong").head_object(
        Bucket="signed", Key="k"))[:2] == ("403", 403)
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    with mock.patch.object(botocore.auth.datetime, "datetime", wraps=datetime.datetime) as dt:
        dt.utcnow.return_value = old
        code, status, error = error_of(lambda: good.get_object(Bucket="signed", Key="k"))
    assert (code, status) == ("RequestTimeTooSkewed", 403), error
    assert error["MaxAllowedSkewMilliseconds"] == "900000", error


def presigned_urls_expire(ep):
    s3 = ep.boto3("s3", signature_version="s3v4", **GOOD)
    s3.create_bucket(Bucket="presigned")
    s3.put_object(Bucket="presigned", Key="k", Body=b"hello")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "presigned", "Key": "k"}, ExpiresIn=2)
    with urllib.request.urlopen(url, timeout=30) as r:
        assert r.read() == b"hello"
    time.sleep(3.2)
    try:
        urllib.request.urlopen(url, timeout=30)
        raise AssertionError("an expired presigned URL was served")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        assert e.code == 403 and "<Code>AccessDenied</Code>" in body, body
        assert "<Message>Request has expired</Message>" in body and "<X-Amz-Expires>2</X-Amz-Expires>" in body, body
    # Older than S3's 15-minute skew but within its own X-Amz-Expires: still good.
    signed_at = datetime.datetime.utcnow() - datetime.timedelta(minutes=30)
    with mock.patch.object(botocore.auth.datetime, "datetime", wraps=datetime.datetime) as dt:
        dt.utcnow.return_value = signed_at
        long_lived = s3.generate_presigned_url("get_object", Params={"Bucket": "presigned", "Key": "k"},
                                               ExpiresIn=3600)
    with urllib.request.urlopen(long_lived, timeout=30) as r:
        assert r.read() == b"hello"
    # The AWS CLI's presigned URLs too.
    env = ep.env()
    env.update({"AWS_ACCESS_KEY_ID": "AKIDGOOD", "AWS_SECRET_ACCESS_KEY": "goodsecret"})
    cli = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "s3", "presign", "s3://presigned/k", "--expires-in", "1"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    time.sleep(2.2)
    try:
        urllib.request.urlopen(cli.stdout.strip(), timeout=30)
        raise AssertionError("an expired presigned URL from the AWS CLI was served")
    except urllib.error.HTTPError as e:
        assert e.code == 403 and "Request has expired" in e.read().decode()


def query_service_refusals(ep):
    good = ep.boto3("cloudformation", **GOOD)
    assert good.describe_stacks()["Stacks"] == []
    code, status, error = error_of(lambda: ep.boto3("cloudformation", access_key="AKIDGOOD",
                                                    secret_key="wrong").describe_stacks())
    assert (code, status) == ("SignatureDoesNotMatch", 403), error
    code, status, error = error_of(lambda: ep.boto3("cloudformation", access_key="AKIDNOPE",
                                                    secret_key="x").describe_stacks())
    assert (code, status) == ("InvalidClientTokenId", 403), error
    assert error["Type"] == "Sender", error
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    with mock.patch.object(botocore.auth.datetime, "datetime", wraps=datetime.datetime) as dt:
        dt.utcnow.return_value = old
        code, status, error = error_of(lambda: good.describe_stacks())
    assert (code, status) == ("SignatureDoesNotMatch", 403), error
    assert error["Message"].startswith("Signature expired: ") and error["Message"].endswith(" - 15 min.)"), error
    # The AWS CLI reports the code CloudFormation uses.
    env = ep.env()
    env.update({"AWS_ACCESS_KEY_ID": "AKIDGOOD", "AWS_SECRET_ACCESS_KEY": "wrong"})
    cli = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "cloudformation", "describe-stacks"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode != 0 and "(SignatureDoesNotMatch)" in cli.stderr, cli.stderr
    sts = ep.boto3("sts", access_key="AKIDNOPE", secret_key="x")
    assert error_of(sts.get_caller_identity)[:2] == ("InvalidClientTokenId", 403)


def main():
    run = TestRun()
    endpoint = lcd_harness.Endpoint("--verify-signatures", env={"LAMBDA_CD_LOCAL_CREDENTIALS": "AKIDGOOD:goodsecret"})
    with endpoint as ep:
        run.case("s3 refusals in S3's words", traced(s3_refusals), ep)
        run.case("presigned urls expire at X-Amz-Expires", traced(presigned_urls_expire), ep)
        run.case("cloudformation and sts refusals in their words", traced(query_service_refusals), ep)
    run.finish()


if __name__ == "__main__":
    main()
