"""S3 regions and accounts on `lambda-cd local` through AWS CLI v2 and boto3 (aws-api-notes-2 §17.3).

A bucket lives in the region CreateBucket put it in and belongs to the account that created it (a
12-digit access key acts as that account). A request signed for another region gets 400
AuthorizationHeaderMalformed naming the bucket's region, and both clients then re-sign for that
region and succeed, as they do against AWS. Starts its own endpoint from $LAMBDA_CD.
"""
import os
import sys
import tempfile
import traceback
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import TestRun  # noqa: E402

import botocore.exceptions  # noqa: E402

OTHER_ACCOUNT = "222222222222"


def error_of(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("expected a ClientError")


def traced(fn):
    def wrapper(*args):
        try:
            fn(*args)
        except Exception:
            traceback.print_exc()
            raise
    return wrapper


def signing_regions(client):
    """The credential-scope region of every request `client` sends, in order."""
    seen = []

    def record(request, **_):
        auth = request.headers.get("Authorization", b"")
        auth = auth.decode() if isinstance(auth, bytes) else auth
        seen.append(auth.split("Credential=", 1)[1].split("/")[2])

    client.meta.events.register("before-send.s3", record)
    return seen


def boto3_location_constraint_rules(ep):
    eu = ep.boto3("s3", region="eu-west-1")
    assert error_of(lambda: eu.create_bucket(Bucket="rules-eu")) == ("IllegalLocationConstraintException", 400)
    assert error_of(lambda: eu.create_bucket(Bucket="rules-eu", CreateBucketConfiguration={
        "LocationConstraint": "ap-southeast-2"})) == ("IllegalLocationConstraintException", 400)
    eu.create_bucket(Bucket="rules-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert eu.get_bucket_location(Bucket="rules-eu")["LocationConstraint"] == "eu-west-1"
    head = eu.head_bucket(Bucket="rules-eu")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1", head
    assert error_of(lambda: eu.create_bucket(Bucket="rules-eu", CreateBucketConfiguration={
        "LocationConstraint": "eu-west-1"})) == ("BucketAlreadyOwnedByYou", 409)

    us = ep.boto3("s3", region="us-east-1")
    assert error_of(lambda: us.create_bucket(Bucket="rules-us", CreateBucketConfiguration={
        "LocationConstraint": "us-east-1"})) == ("InvalidLocationConstraint", 400)
    us.create_bucket(Bucket="rules-us")
    assert us.get_bucket_location(Bucket="rules-us")["LocationConstraint"] is None
    # AWS's legacy answer: re-creating your own us-east-1 bucket there succeeds.
    us.create_bucket(Bucket="rules-us")
    # The location of a bucket is answered whatever region the request was signed for.
    assert us.get_bucket_location(Bucket="rules-eu")["LocationConstraint"] == "eu-west-1"


def boto3_follows_the_region_redirect(ep):
    eu = ep.boto3("s3", region="eu-west-1")
    eu.create_bucket(Bucket="redirect-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_object(Bucket="redirect-eu", Key="k", Body=b"hello")

    ap = ep.boto3("s3", region="ap-southeast-2")
    regions = signing_regions(ap)
    assert ap.get_object(Bucket="redirect-eu", Key="k")["Body"].read() == b"hello"
    # One refused attempt signed for the client's region, then the same request re-signed for the bucket's.
    assert regions == ["ap-southeast-2", "eu-west-1"], regions
    ap.put_object(Bucket="redirect-eu", Key="from-ap", Body=b"ap")
    assert regions[2:] == ["eu-west-1"], regions  # the client remembers the bucket's region

    us = ep.boto3("s3", region="us-east-1")
    us_regions = signing_regions(us)
    assert us.head_object(Bucket="redirect-eu", Key="from-ap")["ContentLength"] == 2
    assert us_regions == ["us-east-1", "eu-west-1"], us_regions
    fresh = ep.boto3("s3", region="us-east-1")
    fresh_regions = signing_regions(fresh)
    head = fresh.head_bucket(Bucket="redirect-eu")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200 and fresh_regions == ["us-east-1", "eu-west-1"], (
        head, fresh_regions)
    keys = [o["Key"] for o in fresh.list_objects_v2(Bucket="redirect-eu")["Contents"]]
    assert keys == ["from-ap", "k"], keys

    # A presigned URL signed for the wrong region is refused with the bucket's region named.
    # (SigV4 presigning: botocore 1.29 presigns with SigV2 unless told, and SigV2 carries no region.)
    url = ep.boto3("s3", region="ap-southeast-2", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "redirect-eu", "Key": "k"}, ExpiresIn=60)
    try:
        urllib.request.urlopen(url, timeout=30)
        raise AssertionError("a presigned URL for the wrong region was served")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        assert e.code == 400 and "<Code>AuthorizationQueryParametersError</Code>" in body, (e.code, body)
        assert "<Region>eu-west-1</Region>" in body and e.headers["x-amz-bucket-region"] == "eu-west-1", body
    good = ep.boto3("s3", region="eu-west-1", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "redirect-eu", "Key": "k"}, ExpiresIn=60)
    with urllib.request.urlopen(good, timeout=30) as r:
        assert r.read() == b"hello"


def aws_cli_regions(ep, tmp):
    src = os.path.join(tmp, "cli.txt")
    with open(src, "w") as f:
        f.write("from the cli")
    # `aws s3 mb` sends the LocationConstraint of the CLI's region; `s3api create-bucket` does not.
    ep.aws_raw("--region", "eu-west-1", "s3", "mb", "s3://cli-eu")
    assert ep.aws("s3api", "get-bucket-location", "--bucket", "cli-eu")["LocationConstraint"] == "eu-west-1"
    bare = ep.aws_raw("--region", "eu-west-1", "s3api", "create-bucket", "--bucket", "cli-bare", check=False)
    assert bare.returncode != 0 and "IllegalLocationConstraintException" in bare.stderr, bare.stderr
    # Every other region reaches the bucket through the CLI's redirect.
    ep.aws_raw("--region", "ap-southeast-2", "s3", "cp", "--no-progress", src, "s3://cli-eu/cli.txt")
    out = os.path.join(tmp, "cli.out")
    got = ep.aws("--region", "us-east-1", "s3api", "get-object", "--bucket", "cli-eu", "--key", "cli.txt", out)
    assert got["ContentLength"] == len("from the cli"), got
    with open(out) as f:
        assert f.read() == "from the cli"
    listing = ep.aws_raw("--region", "ap-southeast-2", "s3", "ls", "s3://cli-eu/").stdout
    assert "cli.txt" in listing, listing
    ep.aws_raw("--region", "ap-southeast-2", "s3", "rm", "s3://cli-eu/cli.txt")
    ep.aws_raw("--region", "us-east-1", "s3", "rb", "s3://cli-eu")
    gone = ep.aws("s3api", "get-bucket-location", "--bucket", "cli-eu", check=False)
    assert gone.returncode != 0 and "NoSuchBucket" in gone.stderr, gone.stderr


def accounts(ep):
    mine = ep.boto3("s3", access_key="111111111111", region="eu-west-1")
    theirs = ep.boto3("s3", access_key=OTHER_ACCOUNT, region="eu-west-1")
    mine.create_bucket(Bucket="acct-mine", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    mine.put_object(Bucket="acct-mine", Key="secret", Body=b"mine")
    # Names are global: another account cannot take it, read it or list it.
    assert error_of(lambda: theirs.create_bucket(Bucket="acct-mine", CreateBucketConfiguration={
        "LocationConstraint": "eu-west-1"})) == ("BucketAlreadyExists", 409)
    assert error_of(lambda: theirs.get_object(Bucket="acct-mine", Key="secret")) == ("AccessDenied", 403)
    assert "acct-mine" in [b["Name"] for b in mine.list_buckets()["Buckets"]]
    assert "acct-mine" not in [b["Name"] for b in theirs.list_buckets()["Buckets"]]
    theirs.create_bucket(Bucket="acct-theirs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert [b["Name"] for b in theirs.list_buckets()["Buckets"]] == ["acct-theirs"]


def main():
    run = TestRun()
    tmp = tempfile.mkdtemp(prefix="lcd-s3-regions-")
    with lcd_harness.Endpoint() as ep:
        run.case("boto3 CreateBucket LocationConstraint rules", traced(boto3_location_constraint_rules), ep)
        run.case("boto3 follows the region redirect", traced(boto3_follows_the_region_redirect), ep)
        run.case("aws cli regions and redirect", traced(aws_cli_regions), ep, tmp)
        run.case("accounts own their buckets", traced(accounts), ep)
    run.finish()


if __name__ == "__main__":
    main()
