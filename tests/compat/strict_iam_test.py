"""`lambda-cd local --strict-iam` catches bad execution roles before AWS does, through AWS CLI v2 and
boto3: CreateFunction and UpdateFunctionConfiguration refuse a role that does not exist in the
caller's account or whose trust policy does not let lambda.amazonaws.com assume it, with Lambda's
InvalidParameterValueException; a correct role works. Without the flag any role is accepted and the
endpoint prints one warning line per unknown role. Starts its own endpoints from $LAMBDA_CD.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun, handler_zip  # noqa: E402

import botocore.exceptions  # noqa: E402

HOME = tempfile.mkdtemp(prefix="lcd-strict-iam-")
ACCOUNT = "000000000000"
MESSAGE = "The role defined for the function cannot be assumed by Lambda."


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def role_arn(name):
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def error_of(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"]
    raise AssertionError("expected a ClientError")


def create_function(lam, name, role):
    return lam.create_function(FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=role,
                               Code={"ZipFile": handler_zip()})


def wait_active(lam, name):
    for _ in range(200):
        c = lam.get_function_configuration(FunctionName=name)
        if c["State"] == "Active" and c.get("LastUpdateStatus", "Successful") != "InProgress":
            return
        time.sleep(0.05)
    raise AssertionError(f"{name} did not become Active")


def cli_refuses_a_missing_role(ep):
    zip_path = os.path.join(HOME, "fn.zip")
    with open(zip_path, "wb") as f:
        f.write(handler_zip())
    env = ep.env()
    env["HOME"] = HOME
    r = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "lambda", "create-function", "--function-name", "cli-fn",
                        "--runtime", "nodejs20.x", "--handler", "index.handler", "--role", role_arn("never-created"),
                        "--zip-file", "fileb://" + zip_path], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 254, r
    assert "(InvalidParameterValueException)" in r.stderr and MESSAGE in r.stderr, r.stderr


def boto3_refuses_untrusting_roles_and_takes_correct_ones(ep):
    iam, lam = ep.boto3("iam"), ep.boto3("lambda")
    iam.create_role(RoleName="ec2-role", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))
    iam.create_role(RoleName="fn-role-2", AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))
    assert error_of(lambda: create_function(lam, "fn", role_arn("ec2-role"))) == \
        ("InvalidParameterValueException", 400, MESSAGE)
    assert error_of(lambda: create_function(lam, "fn", role_arn("missing"))) == \
        ("InvalidParameterValueException", 400, MESSAGE)
    # A role of another account is not the caller's.
    assert error_of(lambda: create_function(lam, "fn", "arn:aws:iam::999999999999:role/fn-role"))[0] == \
        "InvalidParameterValueException"
    assert create_function(lam, "fn", role_arn("fn-role"))["Role"] == role_arn("fn-role")
    wait_active(lam, "fn")
    assert error_of(lambda: lam.update_function_configuration(FunctionName="fn", Role=role_arn("ec2-role"))) == \
        ("InvalidParameterValueException", 400, MESSAGE)
    assert lam.update_function_configuration(FunctionName="fn", Role=role_arn("fn-role-2"))["Role"] == role_arn("fn-role-2")
    # Fixing the trust policy fixes the role.
    iam.update_assume_role_policy(RoleName="ec2-role", PolicyDocument=trust("lambda.amazonaws.com"))
    assert create_function(lam, "fn-after-fix", role_arn("ec2-role"))["FunctionName"] == "fn-after-fix"


def strict_sts_refuses_roles_that_do_not_trust_the_caller(ep):
    iam, sts = ep.boto3("iam"), ep.boto3("sts")
    iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}))
    assert sts.assume_role(RoleArn=role_arn("deployer"), RoleSessionName="ci")["AssumedRoleUser"]["Arn"] == \
        f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci"
    code, status, message = error_of(lambda: sts.assume_role(RoleArn=role_arn("fn-role"), RoleSessionName="ci"))
    assert (code, status) == ("AccessDenied", 403), (code, status)
    assert message == f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: sts:AssumeRole on resource: " \
                      f"{role_arn('fn-role')}", message
    last_used = iam.get_role(RoleName="deployer")["Role"]["RoleLastUsed"]
    assert last_used.get("Region") == lcd_harness.REGION and "LastUsedDate" in last_used, last_used


def lenient_endpoint_warns_once_per_unknown_role(_):
    with lcd_harness.Endpoint() as ep:
        lam = ep.boto3("lambda")
        create_function(lam, "a", role_arn("made-up"))
        create_function(lam, "b", role_arn("made-up"))
        wait_active(lam, "a")
        lam.update_function_configuration(FunctionName="a", Role=role_arn("also-made-up"))
        deadline = time.time() + 5
        while time.time() < deadline and sum("warning:" in line for line in ep.output) < 2:
            time.sleep(0.05)
        warnings = [line for line in ep.output if "warning:" in line]
        assert len(warnings) == 2, ep.output
        assert warnings[0].strip() == (f"lambda-cd local: warning: execution role {role_arn('made-up')} does not exist in "
                                       f"account {ACCOUNT}; accepted (lambda-cd local --strict-iam refuses it, as AWS does)"), warnings
        assert role_arn("also-made-up") in warnings[1], warnings


def main():
    run = TestRun()
    with lcd_harness.Endpoint("--strict-iam") as ep:
        run.case("cli: CreateFunction with a missing role", cli_refuses_a_missing_role, ep)
        run.case("boto3: a role trusting ec2, another account's role, a correct role, UpdateFunctionConfiguration",
                 boto3_refuses_untrusting_roles_and_takes_correct_ones, ep)
        run.case("boto3: strict AssumeRole", strict_sts_refuses_roles_that_do_not_trust_the_caller, ep)
    run.case("without --strict-iam: accepted, one warning per unknown role", lenient_endpoint_warns_once_per_unknown_role, None)
    run.finish()


if __name__ == "__main__":
    main()
