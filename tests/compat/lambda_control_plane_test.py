"""The Lambda control plane of `lambda-cd local` driven by real clients: boto3 (python3-boto3) and
AWS CLI v2 (/usr/bin/aws). Every operation of issue 3, errors as the clients parse them, both waiters,
a paginator over >= 120 versions, stale RevisionId on aliases."""
import base64
import hashlib
import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import Endpoint as LocalEndpoint, handler_zip, zip_bytes as make_zip  # noqa: E402

import botocore.exceptions  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
ACCOUNT = "000000000000"


def code_sha(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def expect_error(code, fn, *args, status=None, **kwargs):
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, f"expected {code}, got {got}: {e}"
        if status is not None:
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == status, e.response["ResponseMetadata"]
        return e
    raise AssertionError(f"expected {code}, call succeeded")


def create(lam, name, zip_bytes=None, **extra):
    return lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                               Code={"ZipFile": zip_bytes or handler_zip()}, **extra)


def state_machine_and_waiters():
    """Pending -> Active, InProgress -> Successful, 409s meanwhile; both CLI waiters and boto3's finish."""
    with LocalEndpoint("--update-delay-ms", "1500") as ep:
        lam = ep.boto3()
        created = create(lam, "sm")
        assert created["State"] == "Pending", created
        assert created["StateReasonCode"] == "Creating"
        e = expect_error("ResourceConflictException", lam.publish_version, FunctionName="sm", status=409)
        assert "The function is currently in the following state: Pending" in str(e)
        ep.aws_raw("lambda", "wait", "function-active", "--function-name", "sm")
        assert lam.get_function_configuration(FunctionName="sm")["State"] == "Active"
        updated = lam.update_function_code(FunctionName="sm",
                                           ZipFile=handler_zip("exports.handler=async()=>process.env.STAGE||2"))
        assert updated["LastUpdateStatus"] == "InProgress", updated
        # While InProgress, invocations run the previous code (and configuration, below).
        assert json.loads(lam.invoke(FunctionName="sm")["Payload"].read()) == {"ok": True, "event": {}}
        e = expect_error("ResourceConflictException", lam.update_function_configuration, FunctionName="sm", Timeout=5)
        assert e.response["Error"]["Message"] == (
            "The operation cannot be performed at this time. An update is in progress for resource: "
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:sm"), e.response
        expect_error("ResourceConflictException", lam.publish_version, FunctionName="sm")
        ep.aws_raw("lambda", "wait", "function-updated", "--function-name", "sm")
        assert lam.get_function(FunctionName="sm")["Configuration"]["LastUpdateStatus"] == "Successful"
        assert json.loads(lam.invoke(FunctionName="sm")["Payload"].read()) == 2
        lam.update_function_configuration(FunctionName="sm", Timeout=7, Environment={"Variables": {"STAGE": "blue"}})
        assert json.loads(lam.invoke(FunctionName="sm")["Payload"].read()) == 2
        lam.get_waiter("function_updated_v2").wait(FunctionName="sm", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        assert json.loads(lam.invoke(FunctionName="sm")["Payload"].read()) == "blue"
        create(lam, "sm2")
        lam.get_waiter("function_active_v2").wait(FunctionName="sm2", WaiterConfig={"Delay": 1, "MaxAttempts": 10})


def functions_versions_and_guards(ep):
    lam = ep.boto3()
    zip1 = handler_zip("exports.handler = async () => 'one';")
    created = create(lam, "fn", zip1, Description="first", Environment={"Variables": {"GREETING": "hi"}},
                     Tags={"team": "cd"})
    assert created["CodeSha256"] == code_sha(zip1)
    assert created["CodeSize"] == len(zip1)
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"
    assert created["Version"] == "$LATEST"
    got = lam.get_function(FunctionName="fn")
    assert got["Configuration"]["Environment"]["Variables"] == {"GREETING": "hi"}
    assert got["Tags"] == {"team": "cd"}
    with urllib.request.urlopen(got["Code"]["Location"]) as r:
        assert r.read() == zip1, "Code.Location must download the exact zip"
    v1 = lam.publish_version(FunctionName="fn", CodeSha256=code_sha(zip1), Description="v1")
    assert v1["Version"] == "1" and v1["FunctionArn"].endswith(":fn:1") and v1["Description"] == "v1"
    assert lam.publish_version(FunctionName="fn")["Version"] == "1", "unchanged function must not get a new version"
    e = expect_error("InvalidParameterValueException", lam.publish_version, FunctionName="fn",
                     CodeSha256=code_sha(b"other"), status=400)
    assert "is different from current CodeSHA256 in $LATEST" in e.response["Error"]["Message"]
    rev = lam.get_function_configuration(FunctionName="fn")["RevisionId"]
    expect_error("PreconditionFailedException", lam.publish_version, FunctionName="fn", RevisionId="stale", status=412)
    expect_error("PreconditionFailedException", lam.update_function_configuration, FunctionName="fn", Timeout=9,
                 RevisionId="stale")
    cfg = lam.update_function_configuration(FunctionName="fn", Timeout=9, RevisionId=rev)
    assert cfg["Timeout"] == 9 and cfg["RevisionId"] != rev
    zip2 = handler_zip("exports.handler = async () => 'two';")
    code = lam.update_function_code(FunctionName="fn", ZipFile=zip2, Publish=True)
    assert code["Version"] == "2" and code["CodeSha256"] == code_sha(zip2), code
    # Versions are immutable snapshots.
    one = lam.get_function_configuration(FunctionName="fn", Qualifier="1")
    assert one["CodeSha256"] == code_sha(zip1) and one["Timeout"] == 3
    # Numbers are never reused.
    lam.delete_function(FunctionName="fn", Qualifier="2")
    lam.update_function_configuration(FunctionName="fn", Timeout=10)
    assert lam.publish_version(FunctionName="fn")["Version"] == "3"
    expect_error("ResourceNotFoundException", lam.get_function, FunctionName="fn", Qualifier="2", status=404)
    # Names in every form.
    for name in ("fn", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn", f"{ACCOUNT}:function:fn"):
        assert lam.get_function_configuration(FunctionName=name)["FunctionName"] == "fn"
    assert lam.get_function_configuration(FunctionName="fn:1")["Version"] == "1"
    assert lam.get_function(FunctionName=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn:3")["Configuration"][
        "Version"] == "3"
    latest = lam.get_function_configuration(FunctionName="fn", Qualifier="$LATEST")
    assert latest["FunctionArn"].endswith(":fn:$LATEST")
    # Tags.
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"
    lam.tag_resource(Resource=arn, Tags={"a": "1", "b": "2"})
    lam.untag_resource(Resource=arn, TagKeys=["team", "a"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"b": "2"}
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["CodeSizeUnzipped"] == 262144000
    assert settings["AccountUsage"]["FunctionCount"] >= 1


def aliases(ep):
    lam = ep.boto3()
    create(lam, "al")
    v1 = lam.publish_version(FunctionName="al")["Version"]
    lam.update_function_code(FunctionName="al", ZipFile=handler_zip("exports.handler=async()=>'b'"))
    v2 = lam.publish_version(FunctionName="al")["Version"]
    alias = lam.create_alias(FunctionName="al", Name="live", FunctionVersion=v1, Description="prod")
    assert alias["AliasArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:al:live"
    expect_error("ResourceConflictException", lam.create_alias, FunctionName="al", Name="live", FunctionVersion=v1,
                 status=409)
    expect_error("ValidationException", lam.create_alias, FunctionName="al", Name="123", FunctionVersion=v1)
    expect_error("ResourceNotFoundException", lam.create_alias, FunctionName="al", Name="x", FunctionVersion="42")
    expect_error("InvalidParameterValueException", lam.update_alias, FunctionName="al", Name="live",
                 RoutingConfig={"AdditionalVersionWeights": {v1: 0.5}})
    expect_error("InvalidParameterValueException", lam.create_alias, FunctionName="al", Name="canary",
                 FunctionVersion="$LATEST", RoutingConfig={"AdditionalVersionWeights": {v1: 0.5}})
    canary = lam.update_alias(FunctionName="al", Name="live", RoutingConfig={"AdditionalVersionWeights": {v2: 0.1}})
    assert canary["RoutingConfig"]["AdditionalVersionWeights"] == {v2: 0.1}
    assert canary["RevisionId"] != alias["RevisionId"]
    # Stale RevisionId, as boto3 raises it ...
    expect_error("PreconditionFailedException", lam.update_alias, FunctionName="al", Name="live", FunctionVersion=v2,
                 RevisionId=alias["RevisionId"], status=412)
    # ... and as the AWS CLI reports it.
    r = ep.aws_raw("lambda", "update-alias", "--function-name", "al", "--name", "live", "--function-version", v2,
               "--revision-id", alias["RevisionId"], check=False)
    assert r.returncode != 0 and "PreconditionFailedException" in r.stderr, r.stderr
    e = expect_error("ResourceConflictException", lam.delete_function, FunctionName="al", Qualifier=v1, status=409)
    assert e.response["Error"]["Message"] == "Unable to delete version because the following aliases reference it: [live]"
    flipped = lam.update_alias(FunctionName="al", Name="live", FunctionVersion=v2,
                               RoutingConfig={"AdditionalVersionWeights": {}}, RevisionId=canary["RevisionId"])
    assert flipped["FunctionVersion"] == v2 and "RoutingConfig" not in flipped or not flipped["RoutingConfig"].get(
        "AdditionalVersionWeights")
    assert lam.get_alias(FunctionName="al", Name="live")["FunctionVersion"] == v2
    lam.create_alias(FunctionName="al", Name="beta", FunctionVersion=v1)
    names = [a["Name"] for a in lam.list_aliases(FunctionName="al")["Aliases"]]
    assert names == ["beta", "live"], names
    assert [a["Name"] for a in lam.list_aliases(FunctionName="al", FunctionVersion=v1)["Aliases"]] == ["beta"]
    assert lam.get_function_configuration(FunctionName="al", Qualifier="live")["Version"] == v2
    lam.delete_alias(FunctionName="al", Name="beta")
    expect_error("ResourceNotFoundException", lam.get_alias, FunctionName="al", Name="beta", status=404)
    lam.delete_function(FunctionName="al", Qualifier=v1)
    lam.delete_function(FunctionName="al")
    expect_error("ResourceNotFoundException", lam.get_function, FunctionName="al")
    expect_error("ResourceNotFoundException", lam.get_alias, FunctionName="al", Name="live")


def pagination(ep):
    lam = ep.boto3()
    create(lam, "many")
    for i in range(125):
        lam.update_function_configuration(FunctionName="many", Description=f"rev {i}")
        assert lam.publish_version(FunctionName="many")["Version"] == str(i + 1)
    pages = list(lam.get_paginator("list_versions_by_function").paginate(FunctionName="many"))
    assert all(len(p["Versions"]) <= 50 for p in pages), [len(p["Versions"]) for p in pages]
    versions = [v["Version"] for p in pages for v in p["Versions"]]
    assert versions == ["$LATEST"] + [str(i) for i in range(1, 126)], versions[:5]
    assert len(pages) == 3
    page = lam.list_versions_by_function(FunctionName="many", MaxItems=7)
    assert len(page["Versions"]) == 7 and page["NextMarker"]
    page2 = lam.list_versions_by_function(FunctionName="many", MaxItems=7, Marker=page["NextMarker"])
    assert [v["Version"] for v in page2["Versions"]] == [str(i) for i in range(7, 14)]
    expect_error("InvalidParameterValueException", lam.list_versions_by_function, FunctionName="many", Marker="bogus")
    cli = json.loads(ep.aws_raw("lambda", "list-versions-by-function", "--function-name", "many").stdout)
    assert len(cli["Versions"]) == 126, len(cli["Versions"])
    # ListFunctions: 60 functions, pages of <= 50.
    for i in range(60):
        create(lam, f"lf-{i:03d}")
    names = [f["FunctionName"] for p in lam.get_paginator("list_functions").paginate() for f in p["Functions"]]
    assert names == sorted(names) and len([n for n in names if n.startswith("lf-")]) == 60, names
    all_versions = [f for p in lam.get_paginator("list_functions").paginate(FunctionVersion="ALL") for f in
                    p["Functions"] if f["FunctionName"] == "many"]
    assert len(all_versions) == 126, len(all_versions)


def errors_as_clients_parse_them(ep):
    lam = ep.boto3()
    e = expect_error("ResourceNotFoundException", lam.get_function, FunctionName="nope", status=404)
    assert e.response["Error"]["Message"] == f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:nope"
    assert e.response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid")
    e = expect_error("ValidationException", create, lam, "bad-timeout", Timeout=3000, status=400)
    assert "Member must have value less than or equal to 900" in e.response["Error"]["Message"]
    expect_error("InvalidParameterValueException", create, lam, "not-zip", b"this is not a zip")
    expect_error("InvalidParameterValueException", create, lam, "escape", make_zip({"../evil.js": "x"}))
    expect_error("InvalidParameterValueException", create, lam, "reserved",
                 Environment={"Variables": {"AWS_REGION": "x"}})
    e = expect_error("InvalidParameterValueException", create, lam, "bigenv",
                     Environment={"Variables": {"BIG": "x" * 5000}})
    assert "exceeded the 4KB limit" in e.response["Error"]["Message"]
    create(lam, "dup")
    expect_error("ResourceConflictException", create, lam, "dup", status=409)
    big = os.urandom(52_500_000)
    expect_error("RequestEntityTooLargeException", create, lam, "huge", big, status=413)
    expect_error("InvalidParameterValueException", lam.delete_function, FunctionName="dup", Qualifier="$LATEST")
    r = ep.aws_raw("lambda", "get-function", "--function-name", "nope", check=False)
    assert r.returncode != 0 and "ResourceNotFoundException" in r.stderr, r.stderr


def invoke(ep):
    lam = ep.boto3()
    create(lam, "inv", handler_zip(
        "exports.handler = async (e) => { if (e.fail) throw new Error('boom'); "
        "console.log('hello log'); return { v: process.env.AWS_LAMBDA_FUNCTION_VERSION, e }; };"))
    v1 = lam.publish_version(FunctionName="inv")["Version"]
    lam.create_alias(FunctionName="inv", Name="live", FunctionVersion=v1)
    r = lam.invoke(FunctionName="inv", Qualifier="live", Payload=b'{"a":1}', LogType="Tail")
    assert r["StatusCode"] == 200 and r["ExecutedVersion"] == v1, r
    assert json.loads(r["Payload"].read()) == {"v": v1, "e": {"a": 1}}
    assert "hello log" in base64.b64decode(r["LogResult"]).decode()
    r = lam.invoke(FunctionName="inv:live", Payload=b'{"fail":true}')
    assert r["FunctionError"] == "Unhandled" and json.loads(r["Payload"].read())["errorMessage"] == "boom"
    assert lam.invoke(FunctionName="inv", InvocationType="Event", Payload=b"{}")["StatusCode"] == 202
    assert lam.invoke(FunctionName="inv", InvocationType="DryRun", Payload=b"{}")["StatusCode"] == 204
    expect_error("InvalidRequestContentException", lam.invoke, FunctionName="inv", Payload=b"{not json", status=400)
    expect_error("RequestEntityTooLargeException", lam.invoke, FunctionName="inv",
                 Payload=json.dumps({"x": "a" * 6_300_000}).encode(), status=413)
    expect_error("ResourceNotFoundException", lam.invoke, FunctionName="inv", Qualifier="99", Payload=b"{}")


def signatures():
    with LocalEndpoint("--verify-signatures", env={"LAMBDA_CD_LOCAL_CREDENTIALS": "AKIDGOOD:goodsecret"}) as ep:
        good = ep.boto3(access_key="AKIDGOOD", secret_key="goodsecret")
        assert good.list_functions()["Functions"] == []
        create(good, "signed")
        assert good.get_function(FunctionName=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:signed")
        expect_error("InvalidSignatureException", ep.boto3(access_key="AKIDGOOD", secret_key="wrong").list_functions,
                     status=403)
        expect_error("UnrecognizedClientException", ep.boto3(access_key="AKIDNOPE", secret_key="x").list_functions,
                     status=403)
        import datetime
        from unittest import mock
        import botocore.auth
        old = datetime.datetime.utcnow() - datetime.timedelta(minutes=6)
        with mock.patch.object(botocore.auth.datetime, "datetime", wraps=datetime.datetime) as dt:
            dt.utcnow.return_value = old
            e = expect_error("InvalidSignatureException", good.list_functions, status=403)
        assert e.response["Error"]["Message"].startswith("Signature expired: "), e.response["Error"]["Message"]
        assert "- 5 min.)" in e.response["Error"]["Message"]


def restart_keeps_state():
    import tempfile
    import shutil
    state = tempfile.mkdtemp(prefix="lcd-restart-")
    try:
        with LocalEndpoint("--update-delay-ms", "0", state_dir=state) as ep:
            lam = ep.boto3()
            create(lam, "keep")
            lam.publish_version(FunctionName="keep")
            lam.create_alias(FunctionName="keep", Name="live", FunctionVersion="1")
        with LocalEndpoint(state_dir=state) as ep:
            lam = ep.boto3()
            assert lam.get_alias(FunctionName="keep", Name="live")["FunctionVersion"] == "1"
            got = lam.get_function(FunctionName="keep", Qualifier="1")
            with urllib.request.urlopen(got["Code"]["Location"]) as r:
                assert code_sha(r.read()) == got["Configuration"]["CodeSha256"]
            assert ep.stop() == 0, "SIGTERM must shut the endpoint down cleanly with exit code 0"
    finally:
        shutil.rmtree(state, ignore_errors=True)


def code_from_s3(ep):
    """CreateFunction and UpdateFunctionCode with S3Bucket/S3Key read the endpoint's own S3."""
    lam, s3 = ep.boto3(), ep.boto3("s3")
    s3.create_bucket(Bucket="code-bucket")
    one = handler_zip("exports.handler = async () => 'from s3 one';")
    two = handler_zip("exports.handler = async () => 'from s3 two';")
    s3.put_object(Bucket="code-bucket", Key="pkg/one.zip", Body=one)
    s3.put_object(Bucket="code-bucket", Key="pkg/two.zip", Body=two)
    s3.put_object(Bucket="code-bucket", Key="pkg/junk.zip", Body=b"not a zip")
    fn = lam.create_function(FunctionName="s3code", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                             Code={"S3Bucket": "code-bucket", "S3Key": "pkg/one.zip"})
    assert fn["CodeSha256"] == base64.b64encode(hashlib.sha256(one).digest()).decode(), fn
    assert fn["CodeSize"] == len(one)
    lam.get_waiter("function_active_v2").wait(FunctionName="s3code", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    assert json.loads(lam.invoke(FunctionName="s3code")["Payload"].read()) == "from s3 one"
    updated = lam.update_function_code(FunctionName="s3code", S3Bucket="code-bucket", S3Key="pkg/two.zip")
    assert updated["CodeSha256"] == base64.b64encode(hashlib.sha256(two).digest()).decode(), updated
    lam.get_waiter("function_updated_v2").wait(FunctionName="s3code", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    assert json.loads(lam.invoke(FunctionName="s3code")["Payload"].read()) == "from s3 two"
    e = expect_error("InvalidParameterValueException", lam.update_function_code, FunctionName="s3code",
                     S3Bucket="code-bucket", S3Key="pkg/missing.zip")
    assert "S3 Error Code: NoSuchKey" in e.response["Error"]["Message"], e.response["Error"]
    e = expect_error("InvalidParameterValueException", lam.create_function, FunctionName="s3nobucket",
                     Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                     Code={"S3Bucket": "no-such-bucket", "S3Key": "x.zip"})
    assert "S3 Error Code: NoSuchBucket" in e.response["Error"]["Message"], e.response["Error"]
    e = expect_error("InvalidParameterValueException", lam.update_function_code, FunctionName="s3code",
                     S3Bucket="code-bucket", S3Key="pkg/junk.zip")
    assert "Could not unzip uploaded file" in e.response["Error"]["Message"], e.response["Error"]
    # A failed update leaves the function as it was.
    assert json.loads(lam.invoke(FunctionName="s3code")["Payload"].read()) == "from s3 two"


def deleted_packages_leave_the_disk(ep):
    """DeleteFunction removes package blobs nothing refers to; a blob S3 or a version still uses stays."""
    lam, s3 = ep.boto3(), ep.boto3("s3")

    def blob(zip_bytes):
        return os.path.join(ep.state_dir, "blobs", hashlib.sha256(zip_bytes).hexdigest() + ".zip")

    one = handler_zip("exports.handler = async () => 'gc one';")
    two = handler_zip("exports.handler = async () => 'gc two';")
    shared = handler_zip("exports.handler = async () => 'gc shared with s3';")
    create(lam, "gc", one)
    v1 = lam.publish_version(FunctionName="gc")["Version"]
    lam.update_function_code(FunctionName="gc", ZipFile=two)
    lam.get_waiter("function_updated_v2").wait(FunctionName="gc", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    assert os.path.exists(blob(one)) and os.path.exists(blob(two))
    lam.delete_function(FunctionName="gc", Qualifier=v1)
    assert not os.path.exists(blob(one)), "version 1's package is referenced by nothing"
    assert os.path.exists(blob(two)), "$LATEST still uses this package"
    create(lam, "gc-shared", shared)
    s3.create_bucket(Bucket="gc-bucket")
    s3.put_object(Bucket="gc-bucket", Key="same.zip", Body=shared)
    lam.delete_function(FunctionName="gc")
    lam.delete_function(FunctionName="gc-shared")
    assert not os.path.exists(blob(two))
    assert os.path.exists(blob(shared)), "the S3 object with the same bytes still refers to it"
    assert s3.get_object(Bucket="gc-bucket", Key="same.zip")["Body"].read() == shared


def main():
    failures = []
    checks = [("state machine and waiters", state_machine_and_waiters), ("signatures", signatures),
              ("restart keeps state", restart_keeps_state)]
    with LocalEndpoint("--update-delay-ms", "0") as ep:
        for name, fn in [("functions, versions, guards", functions_versions_and_guards), ("aliases", aliases),
                         ("pagination", pagination), ("errors", errors_as_clients_parse_them), ("invoke", invoke),
                         ("code from S3", code_from_s3), ("deleted packages leave the disk",
                                                          deleted_packages_leave_the_disk)]:
            checks.append((name, lambda fn=fn: fn(ep)))
        checks_now, checks = checks[3:], checks[:3]
        for name, fn in checks_now + checks:
            started = time.time()
            try:
                fn()
                print(f"ok   {name} ({time.time() - started:.1f}s)")
            except Exception as e:  # noqa: BLE001 - report every failing scenario
                import traceback
                traceback.print_exc()
                failures.append(name)
                print(f"FAIL {name}: {e}")
    if failures:
        print("failed:", ", ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
