"""IAM on `lambda-cd local` through AWS CLI v2 (/usr/bin/aws): every operation the endpoint serves,
policy documents passed as files (and the classic mistake of passing a file name without
file://), paging over 120 roles, DeleteConflict and the other errors as IAM gives them.

The three groups of cases are independent and run side by side (each CLI call is a process).
Starts its own endpoint from $LAMBDA_CD.
"""
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

HOME = tempfile.mkdtemp(prefix="lcd-iam-cli-")
ACCOUNT = "123456789012"
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                  "Action": "sts:AssumeRole"}]}
LOGS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                                 "Resource": "*"}]}


def write_json(name, doc):
    path = os.path.join(HOME, name)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)  # pretty-printed, as people keep them
    return "file://" + path


def cli(ep, *args, check=True):
    env = ep.env()
    env.update({"HOME": HOME, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                "AWS_CONFIG_FILE": os.path.join(HOME, "config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(HOME, "credentials")})
    env.pop("AWS_PROFILE", None)
    r = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "--output", "json", *args], env=env, capture_output=True,
                       text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    if r.returncode != 0:
        return r
    return json.loads(r.stdout) if r.stdout.strip() else {}


def fails_with(ep, code, *args):
    r = cli(ep, *args, check=False)
    assert isinstance(r, subprocess.CompletedProcess) and r.returncode == 254, r
    assert f"({code})" in r.stderr, r.stderr
    return r.stderr


def role_lifecycle(ep):
    trust = write_json("trust.json", TRUST)
    role = cli(ep, "iam", "create-role", "--role-name", "cli-fn-role", "--path", "/service-role/",
               "--description", "created by the CLI", "--assume-role-policy-document", trust,
               "--tags", "Key=team,Value=payments")["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/service-role/cli-fn-role", role
    assert role["AssumeRolePolicyDocument"] == TRUST, role  # the CLI decodes the document
    got = cli(ep, "iam", "get-role", "--role-name", "cli-fn-role")["Role"]
    assert got["RoleId"] == role["RoleId"] and got["Description"] == "created by the CLI", got
    cli(ep, "iam", "update-role", "--role-name", "cli-fn-role", "--max-session-duration", "7200")
    described = cli(ep, "iam", "update-role-description", "--role-name", "cli-fn-role", "--description", "v2")["Role"]
    assert described["Description"] == "v2" and described["MaxSessionDuration"] == 7200, described
    ec2 = json.loads(json.dumps(TRUST).replace("lambda.amazonaws.com", "ec2.amazonaws.com"))
    cli(ep, "iam", "update-assume-role-policy", "--role-name", "cli-fn-role", "--policy-document",
        write_json("ec2-trust.json", ec2))
    assert cli(ep, "iam", "get-role", "--role-name", "cli-fn-role")["Role"]["AssumeRolePolicyDocument"] == ec2

    cli(ep, "iam", "tag-role", "--role-name", "cli-fn-role", "--tags", "Key=stage,Value=dev")
    cli(ep, "iam", "untag-role", "--role-name", "cli-fn-role", "--tag-keys", "team")
    assert cli(ep, "iam", "list-role-tags", "--role-name", "cli-fn-role")["Tags"] == [{"Key": "stage", "Value": "dev"}]
    cli(ep, "iam", "put-role-permissions-boundary", "--role-name", "cli-fn-role", "--permissions-boundary", BASIC)
    cli(ep, "iam", "delete-role-permissions-boundary", "--role-name", "cli-fn-role")

    cli(ep, "iam", "put-role-policy", "--role-name", "cli-fn-role", "--policy-name", "logs",
        "--policy-document", write_json("logs.json", LOGS))
    got = cli(ep, "iam", "get-role-policy", "--role-name", "cli-fn-role", "--policy-name", "logs")
    assert got["PolicyDocument"] == LOGS, got
    assert cli(ep, "iam", "list-role-policies", "--role-name", "cli-fn-role")["PolicyNames"] == ["logs"]
    cli(ep, "iam", "attach-role-policy", "--role-name", "cli-fn-role", "--policy-arn", BASIC)
    attached = cli(ep, "iam", "list-attached-role-policies", "--role-name", "cli-fn-role")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": BASIC}], attached

    err = fails_with(ep, "DeleteConflict", "iam", "delete-role", "--role-name", "cli-fn-role")
    assert "must delete policies first" in err, err
    cli(ep, "iam", "delete-role-policy", "--role-name", "cli-fn-role", "--policy-name", "logs")
    err = fails_with(ep, "DeleteConflict", "iam", "delete-role", "--role-name", "cli-fn-role")
    assert "must detach all policies first" in err, err
    cli(ep, "iam", "detach-role-policy", "--role-name", "cli-fn-role", "--policy-arn", BASIC)
    cli(ep, "iam", "delete-role", "--role-name", "cli-fn-role")
    err = fails_with(ep, "NoSuchEntity", "iam", "get-role", "--role-name", "cli-fn-role")
    assert "The role with name cli-fn-role cannot be found." in err, err


def managed_policies(ep):
    created = cli(ep, "iam", "create-policy", "--policy-name", "cli-logs", "--description", "logs only",
                  "--policy-document", write_json("policy.json", LOGS))["Policy"]
    arn = created["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/cli-logs" and created["DefaultVersionId"] == "v1", created
    assert cli(ep, "iam", "get-policy", "--policy-arn", arn)["Policy"]["PolicyId"] == created["PolicyId"]
    local = cli(ep, "iam", "list-policies", "--scope", "Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["cli-logs"], local
    v2_doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    v2 = cli(ep, "iam", "create-policy-version", "--policy-arn", arn, "--set-as-default",
             "--policy-document", write_json("policy-v2.json", v2_doc))["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"] is True, v2
    got = cli(ep, "iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v2")["PolicyVersion"]
    assert got["Document"] == v2_doc, got
    versions = cli(ep, "iam", "list-policy-versions", "--policy-arn", arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v2", "v1"], versions
    cli(ep, "iam", "set-default-policy-version", "--policy-arn", arn, "--version-id", "v1")
    cli(ep, "iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v2")
    cli(ep, "iam", "tag-policy", "--policy-arn", arn, "--tags", "Key=owner,Value=ops")
    assert cli(ep, "iam", "list-policy-tags", "--policy-arn", arn)["Tags"] == [{"Key": "owner", "Value": "ops"}]
    cli(ep, "iam", "untag-policy", "--policy-arn", arn, "--tag-keys", "owner")

    cli(ep, "iam", "create-role", "--role-name", "cli-user-of-policy", "--assume-role-policy-document",
        write_json("trust2.json", TRUST))
    cli(ep, "iam", "attach-role-policy", "--role-name", "cli-user-of-policy", "--policy-arn", arn)
    entities = cli(ep, "iam", "list-entities-for-policy", "--policy-arn", arn)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["cli-user-of-policy"], entities
    err = fails_with(ep, "DeleteConflict", "iam", "delete-policy", "--policy-arn", arn)
    assert "attached to entities" in err, err
    cli(ep, "iam", "detach-role-policy", "--role-name", "cli-user-of-policy", "--policy-arn", arn)
    cli(ep, "iam", "delete-policy", "--policy-arn", arn)
    fails_with(ep, "NoSuchEntity", "iam", "get-policy", "--policy-arn", arn)


def paging_and_errors(ep):
    # 120 roles made with boto3 (fast), listed by the CLI in pages of 25 (it follows the markers).
    iam = ep.boto3("iam", access_key=ACCOUNT)
    for i in range(120):
        iam.create_role(RoleName=f"page-{i:03d}", AssumeRolePolicyDocument=json.dumps(TRUST))
    listed = cli(ep, "iam", "list-roles", "--page-size", "25")["Roles"]
    names = [r["RoleName"] for r in listed if r["RoleName"].startswith("page-")]
    assert names == [f"page-{i:03d}" for i in range(120)], names[:5]
    first = cli(ep, "iam", "list-roles", "--max-items", "50")
    assert len(first["Roles"]) == 50 and "NextToken" in first, {k: v for k, v in first.items() if k != "Roles"}

    err = fails_with(ep, "EntityAlreadyExists", "iam", "create-role", "--role-name", "PAGE-000",
                     "--assume-role-policy-document", json.dumps(TRUST))
    assert "Role with name PAGE-000 already exists." in err, err
    # The mistake everyone makes once: the file name without file://.
    err = fails_with(ep, "MalformedPolicyDocument", "iam", "create-role", "--role-name", "typo",
                     "--assume-role-policy-document", "trust.json")
    assert "This policy contains invalid Json" in err, err
    fails_with(ep, "ValidationError", "iam", "create-role", "--role-name", "bad name",
               "--assume-role-policy-document", json.dumps(TRUST))
    arn = cli(ep, "iam", "create-policy", "--policy-name", "versions", "--policy-document", json.dumps(LOGS))["Policy"]["Arn"]
    for _ in range(4):
        cli(ep, "iam", "create-policy-version", "--policy-arn", arn, "--policy-document", json.dumps(LOGS))
    err = fails_with(ep, "LimitExceeded", "iam", "create-policy-version", "--policy-arn", arn,
                     "--policy-document", json.dumps(LOGS))
    assert "up to 5 versions" in err, err


def main():
    run = TestRun()
    with lcd_harness.Endpoint() as ep:
        groups = {"roles, tags, boundary, inline and attached policies, DeleteConflict": role_lifecycle,
                  "customer managed policies and versions": managed_policies,
                  "paging over 120 roles and IAM's errors": paging_and_errors}
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            futures = {name: pool.submit(fn, ep) for name, fn in groups.items()}
            for name, future in futures.items():
                run.case(name, future.result)
    run.finish()


if __name__ == "__main__":
    main()
