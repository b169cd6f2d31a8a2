"""Issue 10 (Lambda parts) and issue 14 (code storage) with real clients against `lambda-cd local`:
reserved concurrency enforced on real invokes with AWS's 429 and Reason, resource policies,
unserved operations answered 501 once, the code storage limit, and functions kept per account and
region (a 12-digit access key acts as that account). Boto3 is Debian's python3-boto3; the AWS CLI
is v2 at /usr/bin/aws. Expected texts are AWS's as recorded from AWS Lambda in 2025 (LocalStack's
AWS-validated parity snapshots: TestLambdaConcurrency, TestLambdaPermissions)."""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import Endpoint as LocalEndpoint, TestRun, handler_zip, zip_bytes  # noqa: E402

import boto3  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore.config import Config  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
SLEEPER = "exports.handler = async (e) => { if (e.sleep) await new Promise((r) => setTimeout(r, e.sleep)); return 'done'; };"


def client(ep, access_key="test", region="us-east-1", **config):
    config.setdefault("retries", {"max_attempts": 1, "mode": "standard"})
    return boto3.client("lambda", endpoint_url=ep.url, region_name=region, aws_access_key_id=access_key,
                        aws_secret_access_key="test", config=Config(**config))


def create(lam, name, source=SLEEPER, wait=True):
    out = lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                              Code={"ZipFile": handler_zip(source)})
    if wait:
        lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    return out


def error_of(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response
    raise AssertionError("the call succeeded")


def reserved_concurrency_throttles_with_reason():
    with LocalEndpoint("--concurrency-limit", "200", "--update-delay-ms", "0") as ep:
        lam = client(ep)
        create(lam, "busy")
        create(lam, "free")
        assert lam.put_function_concurrency(FunctionName="busy", ReservedConcurrentExecutions=1)[
            "ReservedConcurrentExecutions"] == 1
        settings = lam.get_account_settings()["AccountLimit"]
        assert settings["ConcurrentExecutions"] == 200 and settings["UnreservedConcurrentExecutions"] == 199, settings
        assert lam.get_function(FunctionName="busy")["Concurrency"] == {"ReservedConcurrentExecutions": 1}

        first = {}
        runner = threading.Thread(target=lambda: first.update(
            lam.invoke(FunctionName="busy", Payload=json.dumps({"sleep": 2500}))))
        runner.start()
        time.sleep(1.0)  # the first invoke is running (cold start included)
        refused = error_of(lam.invoke, FunctionName="busy", Payload=b"{}")
        assert refused["ResponseMetadata"]["HTTPStatusCode"] == 429, refused
        assert refused["Error"]["Code"] == "TooManyRequestsException"
        assert refused["Error"]["Message"] == "Rate Exceeded."
        assert refused.get("Reason") == "ReservedFunctionConcurrentInvocationLimitExceeded", refused
        # A function without a reservation draws on the rest meanwhile.
        assert lam.invoke(FunctionName="free", Payload=b"{}")["StatusCode"] == 200
        runner.join()
        assert first["StatusCode"] == 200 and "FunctionError" not in first, first

        # Zero: every synchronous invoke is throttled; events are still accepted (AWS queues them).
        lam.put_function_concurrency(FunctionName="busy", ReservedConcurrentExecutions=0)
        assert error_of(lam.invoke, FunctionName="busy")["Error"]["Code"] == "TooManyRequestsException"
        assert lam.invoke(FunctionName="busy", InvocationType="Event")["StatusCode"] == 202
        lam.delete_function_concurrency(FunctionName="busy")
        assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="busy")
        assert lam.invoke(FunctionName="busy", Payload=b"{}")["StatusCode"] == 200
        # Reservations must leave 100 unreserved.
        too_much = error_of(lam.put_function_concurrency, FunctionName="busy", ReservedConcurrentExecutions=101)
        assert too_much["Error"]["Code"] == "InvalidParameterValueException"
        assert too_much["Error"]["Message"] == ("Specified ReservedConcurrentExecutions for function decreases "
                                                "account's UnreservedConcurrentExecution below its minimum value "
                                                "of [100]."), too_much
        # The AWS CLI speaks the same operations.
        ep.aws("lambda", "put-function-concurrency", "--function-name", "free", "--reserved-concurrent-executions", "7")
        got = ep.aws("lambda", "get-function-concurrency", "--function-name", "free")
        assert got == {"ReservedConcurrentExecutions": 7}, got


def resource_policies():
    with LocalEndpoint("--update-delay-ms", "0") as ep:
        lam = client(ep)
        create(lam, "fn")
        added = lam.add_permission(FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction",
                                   Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::my-bucket",
                                   SourceAccount="000000000000")
        statement = json.loads(added["Statement"])
        assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"AWS:SourceAccount": "000000000000"},
                                          "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::my-bucket"}}
        dup = error_of(lam.add_permission, FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
        assert dup["Error"]["Code"] == "ResourceConflictException"
        assert dup["ResponseMetadata"]["HTTPStatusCode"] == 409
        latest = error_of(lam.add_permission, FunctionName="fn", StatementId="x", Action="lambda:InvokeFunction",
                          Principal="s3.amazonaws.com", Qualifier="$LATEST")
        assert latest["Error"]["Message"] == "We currently do not support adding policies for $LATEST."
        policy = ep.aws("lambda", "get-policy", "--function-name", "fn")
        document = json.loads(policy["Policy"])
        assert document["Version"] == "2012-10-17" and [s["Sid"] for s in document["Statement"]] == ["s3"], document
        stale = error_of(lam.remove_permission, FunctionName="fn", StatementId="s3", RevisionId="stale")
        assert stale["Error"]["Code"] == "PreconditionFailedException"
        lam.remove_permission(FunctionName="fn", StatementId="s3", RevisionId=policy["RevisionId"])
        gone = error_of(lam.get_policy, FunctionName="fn")
        assert gone["Error"]["Code"] == "ResourceNotFoundException"
        assert gone["Error"]["Message"] == "The resource you requested does not exist."


def unserved_operations_are_501_once():
    with LocalEndpoint() as ep:
        attempts = []
        lam = client(ep, retries={"max_attempts": 3, "mode": "standard"})
        lam.meta.events.register("before-send.lambda", lambda **kw: attempts.append(1))
        answer = error_of(lam.list_layers)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 501, answer
        assert answer["Error"]["Code"] == "NotImplementedException"
        assert answer["Error"]["Message"] == "ListLayers is not implemented by the local endpoint"
        assert len(attempts) == 1, f"a 501 was retried: {len(attempts)} attempts"
        r = ep.aws_raw("lambda", "list-event-source-mappings", check=False)
        assert r.returncode != 0 and "NotImplementedException" in r.stderr, r.stderr
        assert "ListEventSourceMappings is not implemented" in r.stderr, r.stderr


def code_storage_limit():
    package = zip_bytes({"index.js": SLEEPER + "\n//" + "x" * 900})
    with LocalEndpoint("--code-storage-limit", str(2 * len(package) + 100), "--update-delay-ms", "0") as ep:
        lam = client(ep)
        lam.create_function(FunctionName="one", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                            Code={"ZipFile": package}, Publish=True)
        usage = lam.get_account_settings()
        assert usage["AccountUsage"]["TotalCodeSize"] == 2 * len(package), usage
        assert usage["AccountLimit"]["TotalCodeSize"] == 2 * len(package) + 100
        refused = error_of(lam.create_function, FunctionName="two", Runtime="nodejs20.x", Role=ROLE,
                           Handler="index.handler", Code={"ZipFile": package})
        assert refused["Error"]["Code"] == "CodeStorageExceededException", refused
        assert refused["Error"]["Message"] == "Code storage limit exceeded."
        assert refused["ResponseMetadata"]["HTTPStatusCode"] == 400
        lam.delete_function(FunctionName="one", Qualifier="1")
        lam.create_function(FunctionName="two", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                            Code={"ZipFile": package})


def accounts_and_regions_keep_their_own_functions():
    with LocalEndpoint("--update-delay-ms", "0") as ep:
        staging = client(ep, access_key="111122223333", region="eu-west-1")
        production = client(ep, access_key="444455556666", region="eu-west-1")
        sydney = client(ep, access_key="111122223333", region="ap-southeast-2")
        created = create(staging, "api", wait=False)
        assert created["FunctionArn"] == "arn:aws:lambda:eu-west-1:111122223333:function:api", created
        assert error_of(production.get_function, FunctionName="api")["Error"]["Code"] == "ResourceNotFoundException"
        assert error_of(sydney.get_function, FunctionName="api")["Error"]["Code"] == "ResourceNotFoundException"
        assert create(production, "api", wait=False)["FunctionArn"].startswith("arn:aws:lambda:eu-west-1:444455556666:")
        denied = error_of(production.get_function, FunctionName=created["FunctionArn"])
        assert denied["ResponseMetadata"]["HTTPStatusCode"] == 403 and denied["Error"]["Code"] == "AccessDeniedException"
        other_region = error_of(sydney.get_function, FunctionName=created["FunctionArn"])
        assert other_region["Error"]["Message"] == \
            "Functions from 'eu-west-1' are not reachable in this region ('ap-southeast-2')", other_region
        assert [f["FunctionName"] for f in staging.list_functions()["Functions"]] == ["api"]
        assert staging.get_account_settings()["AccountUsage"]["FunctionCount"] == 1
        assert sydney.list_functions()["Functions"] == []


if __name__ == "__main__":
    t = TestRun()
    for case in (reserved_concurrency_throttles_with_reason, resource_policies, unserved_operations_are_501_once,
                 code_storage_limit, accounts_and_regions_keep_their_own_functions):
        t.case(case.__name__, case)
    t.finish()
