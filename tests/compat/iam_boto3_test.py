"""IAM on `lambda-cd local` through boto3 (Debian's python3-boto3): every operation the endpoint
serves, paging over 120 roles with boto3's paginators, DeleteConflict and IAM's other errors, one
IAM per account (including the account of credentials STS issued), and state that survives a
restart. Starts its own endpoint from $LAMBDA_CD.
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import TestRun  # noqa: E402

import botocore.exceptions  # noqa: E402

HOME = tempfile.mkdtemp(prefix="lcd-iam-boto3-")
os.environ.update({"HOME": HOME, "AWS_CONFIG_FILE": os.path.join(HOME, "config"),
                   "AWS_SHARED_CREDENTIALS_FILE": os.path.join(HOME, "credentials")})
os.environ.pop("AWS_PROFILE", None)

ACCOUNT = "210987654321"
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                  "Action": "sts:AssumeRole"}]}
LOGS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}


def error_of(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"]
    raise AssertionError("expected a ClientError")


def roles(ep):
    iam = ep.boto3("iam", access_key=ACCOUNT)
    role = iam.create_role(RoleName="boto-role", Path="/apps/", Description="boto3", MaxSessionDuration=3600,
                           AssumeRolePolicyDocument=json.dumps(TRUST), Tags=[{"Key": "a", "Value": "1"}])["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/apps/boto-role", role
    assert role["AssumeRolePolicyDocument"] == TRUST and role["Tags"] == [{"Key": "a", "Value": "1"}], role
    assert role["CreateDate"].tzinfo is not None, role
    got = iam.get_role(RoleName="boto-role")["Role"]
    assert got["RoleId"] == role["RoleId"] and got["RoleLastUsed"] == {}, got
    iam.update_role(RoleName="boto-role", Description="changed", MaxSessionDuration=14400)
    got = iam.update_role_description(RoleName="boto-role", Description="again")["Role"]
    assert got["Description"] == "again" and got["MaxSessionDuration"] == 14400, got
    both = json.loads(json.dumps(TRUST))
    both["Statement"][0]["Principal"]["Service"] = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]
    iam.update_assume_role_policy(RoleName="boto-role", PolicyDocument=json.dumps(both))
    assert iam.get_role(RoleName="boto-role")["Role"]["AssumeRolePolicyDocument"] == both
    iam.tag_role(RoleName="boto-role", Tags=[{"Key": "b", "Value": "2"}])
    iam.untag_role(RoleName="boto-role", TagKeys=["a"])
    assert iam.list_role_tags(RoleName="boto-role")["Tags"] == [{"Key": "b", "Value": "2"}]
    iam.put_role_permissions_boundary(RoleName="boto-role", PermissionsBoundary=BASIC)
    assert iam.get_role(RoleName="boto-role")["Role"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": BASIC}
    iam.delete_role_permissions_boundary(RoleName="boto-role")

    iam.put_role_policy(RoleName="boto-role", PolicyName="logs", PolicyDocument=json.dumps(LOGS))
    assert iam.get_role_policy(RoleName="boto-role", PolicyName="logs")["PolicyDocument"] == LOGS
    assert iam.list_role_policies(RoleName="boto-role")["PolicyNames"] == ["logs"]
    iam.attach_role_policy(RoleName="boto-role", PolicyArn=BASIC)
    assert iam.list_attached_role_policies(RoleName="boto-role")["AttachedPolicies"] == [
        {"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": BASIC}]
    code, status, message = error_of(lambda: iam.delete_role(RoleName="boto-role"))
    assert (code, status, message) == ("DeleteConflict", 409, "Cannot delete entity, must delete policies first."), message
    iam.delete_role_policy(RoleName="boto-role", PolicyName="logs")
    code, status, message = error_of(lambda: iam.delete_role(RoleName="boto-role"))
    assert (code, status) == ("DeleteConflict", 409) and "detach all policies" in message, message
    iam.detach_role_policy(RoleName="boto-role", PolicyArn=BASIC)
    iam.delete_role(RoleName="boto-role")
    assert error_of(lambda: iam.get_role(RoleName="boto-role"))[:2] == ("NoSuchEntity", 404)


def errors(ep):
    iam = ep.boto3("iam", access_key=ACCOUNT)
    iam.create_role(RoleName="err-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert error_of(lambda: iam.create_role(RoleName="Err-Role", AssumeRolePolicyDocument=json.dumps(TRUST)))[:2] == \
        ("EntityAlreadyExists", 409)
    code, status, message = error_of(lambda: iam.create_role(RoleName="x", AssumeRolePolicyDocument="{oops"))
    assert (code, status, message) == ("MalformedPolicyDocument", 400, "This policy contains invalid Json"), message
    with_resource = json.loads(json.dumps(TRUST))
    with_resource["Statement"][0]["Resource"] = "*"
    assert error_of(lambda: iam.create_role(RoleName="x", AssumeRolePolicyDocument=json.dumps(with_resource)))[2] == \
        "Has prohibited field Resource"
    code, _, message = error_of(lambda: iam.put_role_policy(RoleName="err-role", PolicyName="p",
                                                             PolicyDocument=json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*"}]})))
    assert (code, message) == ("MalformedPolicyDocument", "Policy statement must contain resources."), message
    code, status, _ = error_of(lambda: iam.update_role(RoleName="err-role", MaxSessionDuration=100000))
    assert (code, status) == ("ValidationError", 400), code
    for i in range(10):
        iam.attach_role_policy(RoleName="err-role", PolicyArn=f"arn:aws:iam::aws:policy/Made{i}")
    code, status, message = error_of(lambda: iam.attach_role_policy(RoleName="err-role", PolicyArn=BASIC))
    assert (code, status, message) == ("LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10"), message
    code, status, _ = error_of(lambda: iam.attach_role_policy(RoleName="err-role",
                                                               PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/none"))
    assert (code, status) == ("NoSuchEntity", 404), code


def managed_policies(ep):
    iam = ep.boto3("iam", access_key=ACCOUNT)
    policy = iam.create_policy(PolicyName="boto-policy", Path="/team/", Description="d", PolicyDocument=json.dumps(LOGS),
                               Tags=[{"Key": "k", "Value": "v"}])["Policy"]
    arn = policy["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/team/boto-policy" and policy["PolicyId"].startswith("ANPA"), policy
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    assert [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]] == [arn]
    aws = [p["PolicyName"] for p in iam.get_paginator("list_policies").paginate(Scope="AWS").build_full_result()["Policies"]]
    assert "AWSLambdaBasicExecutionRole" in aws, aws
    basic = iam.get_policy_version(PolicyArn=BASIC, VersionId="v1")["PolicyVersion"]["Document"]
    assert "logs:PutLogEvents" in basic["Statement"][0]["Action"], basic
    for i in range(2, 6):
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": f"s3:Get{i}", "Resource": "*"}]}
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc), SetAsDefault=(i == 3))["PolicyVersion"]
        assert v["VersionId"] == f"v{i}", v
    code, status, _ = error_of(lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(LOGS)))
    assert (code, status) == ("LimitExceeded", 409), code
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    doc3 = iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]
    assert doc3["IsDefaultVersion"] and doc3["Document"]["Statement"][0]["Action"] == "s3:Get3", doc3
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v5", "v4", "v3", "v2", "v1"]
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert error_of(lambda: iam.delete_policy_version(PolicyArn=arn, VersionId="v1"))[:2] == ("DeleteConflict", 409)
    code, _, message = error_of(lambda: iam.delete_policy(PolicyArn=arn))
    assert code == "DeleteConflict" and "more than one version" in message, message
    for v in ("v2", "v3", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "k2", "Value": "v2"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["k"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "k2", "Value": "v2"}]
    iam.create_role(RoleName="policy-user", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="policy-user", PolicyArn=arn)
    assert [r["RoleName"] for r in iam.list_entities_for_policy(PolicyArn=arn)["PolicyRoles"]] == ["policy-user"]
    assert iam.list_policies(OnlyAttached=True, Scope="Local")["Policies"][0]["AttachmentCount"] == 1
    assert error_of(lambda: iam.delete_policy(PolicyArn=arn))[:2] == ("DeleteConflict", 409)
    iam.detach_role_policy(RoleName="policy-user", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)
    assert error_of(lambda: iam.get_policy(PolicyArn=arn))[:2] == ("NoSuchEntity", 404)


def paging(ep):
    iam = ep.boto3("iam", access_key="555555555555")
    for i in range(120):
        iam.create_role(RoleName=f"many-{i:03d}", AssumeRolePolicyDocument=json.dumps(TRUST))
    pages = list(iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 25}))
    assert len(pages) == 5, len(pages)
    assert all(p["IsTruncated"] for p in pages[:-1]) and not pages[-1]["IsTruncated"]
    names = [r["RoleName"] for p in pages for r in p["Roles"]]
    assert names == [f"many-{i:03d}" for i in range(120)], names[:3]
    first = iam.list_roles(MaxItems=100)
    assert len(first["Roles"]) == 100 and first["IsTruncated"], len(first["Roles"])
    rest = iam.list_roles(Marker=first["Marker"])
    assert len(rest["Roles"]) == 20 and not rest["IsTruncated"], len(rest["Roles"])


def accounts(ep):
    """Each account has its own IAM; STS credentials act in the role's account."""
    a = ep.boto3("iam", access_key="111111111111")
    b = ep.boto3("iam", access_key="222222222222")
    a.create_role(RoleName="same-name", AssumeRolePolicyDocument=json.dumps(TRUST))
    b.create_role(RoleName="same-name", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert a.get_role(RoleName="same-name")["Role"]["Arn"] == "arn:aws:iam::111111111111:role/same-name"
    assert b.get_role(RoleName="same-name")["Role"]["Arn"] == "arn:aws:iam::222222222222:role/same-name"
    sts = ep.boto3("sts", access_key="111111111111")
    c = sts.assume_role(RoleArn="arn:aws:iam::333333333333:role/deployer", RoleSessionName="iam-test")["Credentials"]
    import boto3
    as_role = boto3.client("iam", endpoint_url=ep.url, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
                           aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    made = as_role.create_role(RoleName="made-by-session", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    assert made["Arn"] == "arn:aws:iam::333333333333:role/made-by-session", made


def survives_restart(_):
    state = tempfile.mkdtemp(prefix="lcd-iam-state-")
    try:
        with lcd_harness.Endpoint(state_dir=state) as ep:
            iam = ep.boto3("iam", access_key=ACCOUNT)
            role_id = iam.create_role(RoleName="kept", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["RoleId"]
            iam.put_role_policy(RoleName="kept", PolicyName="logs", PolicyDocument=json.dumps(LOGS))
        with lcd_harness.Endpoint(state_dir=state) as ep:
            iam = ep.boto3("iam", access_key=ACCOUNT)
            assert iam.get_role(RoleName="kept")["Role"]["RoleId"] == role_id
            assert iam.get_role_policy(RoleName="kept", PolicyName="logs")["PolicyDocument"] == LOGS
    finally:
        shutil.rmtree(state, ignore_errors=True)


def main():
    run = TestRun()
    with lcd_harness.Endpoint() as ep:
        run.case("roles, tags, boundary, inline and attached policies, DeleteConflict", roles, ep)
        run.case("IAM's errors: exists, malformed, validation, limits, no such entity", errors, ep)
        run.case("customer managed policies, versions, tags, entities", managed_policies, ep)
        run.case("paging over 120 roles", paging, ep)
        run.case("one IAM per account, STS sessions in the role's account", accounts, ep)
    run.case("roles and policies survive a restart", survives_restart, None)
    run.finish()


if __name__ == "__main__":
    main()
