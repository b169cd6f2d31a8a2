"""CloudFormation's IAM resources on `lambda-cd local --strict-iam` are IAM entities: a stack's role,
its inline policy resource and its customer managed policy are what AWS CLI v2's `aws iam` shows
(with GetAtt Arn/RoleId matching), a stack update changes them, deleting the stack removes them,
and a function whose role does not trust Lambda fails the stack as on AWS. Starts its own endpoint
from $LAMBDA_CD.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "cloudformation_templates", "iam_resources.yaml")
HOME = tempfile.mkdtemp(prefix="lcd-iam-cfn-")
ACCOUNT = "000000000000"


def cli(ep, *args, check=True):
    env = ep.env()
    env.update({"HOME": HOME, "AWS_DEFAULT_REGION": lcd_harness.REGION, "AWS_REGION": lcd_harness.REGION,
                "AWS_CONFIG_FILE": os.path.join(HOME, "config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(HOME, "credentials")})
    r = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "--output", "json", *args], env=env, capture_output=True,
                       text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return (json.loads(r.stdout) if r.stdout.strip() else {}) if r.returncode == 0 else r


def settle(ep, stack):
    """Polls DescribeStacks (boto3, no waiter delays) until the stack leaves *_IN_PROGRESS."""
    cfn = ep.boto3("cloudformation")
    for _ in range(600):
        try:
            s = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        except cfn.exceptions.ClientError as e:
            if "does not exist" in str(e):
                return None
            raise
        if not s["StackStatus"].endswith("_IN_PROGRESS"):
            return s
        time.sleep(0.05)
    raise AssertionError(f"stack {stack} did not settle")


def outputs(stack):
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def stack_roles_are_iam_roles(ep):
    cli(ep, "cloudformation", "create-stack", "--stack-name", "iam-app", "--template-body", "file://" + TEMPLATE,
        "--capabilities", "CAPABILITY_IAM")
    stack = settle(ep, "iam-app")
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    out = outputs(stack)
    assert out["RoleName"].startswith("iam-app-AppRole-"), out

    role = cli(ep, "iam", "get-role", "--role-name", out["RoleName"])["Role"]
    assert role["Arn"] == out["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{out['RoleName']}", (role, out)
    assert role["RoleId"] == out["RoleId"], (role, out)
    assert role["Description"] == "the app's execution role", role
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}, role
    inline = cli(ep, "iam", "list-role-policies", "--role-name", out["RoleName"])["PolicyNames"]
    assert inline == ["logs", "queue-access"], inline
    queue = cli(ep, "iam", "get-role-policy", "--role-name", out["RoleName"], "--policy-name", "queue-access")
    # The intrinsic inside the document was evaluated in the stack's region and account.
    assert queue["PolicyDocument"]["Statement"][0]["Resource"].endswith(f":{ACCOUNT}:jobs"), queue
    attached = cli(ep, "iam", "list-attached-role-policies", "--role-name", out["RoleName"])["AttachedPolicies"]
    assert {p["PolicyArn"] for p in attached} == {
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", out["ManagedPolicyArn"]}, attached
    policy = cli(ep, "iam", "get-policy", "--policy-arn", out["ManagedPolicyArn"])["Policy"]
    assert policy["AttachmentCount"] == 1 and policy["DefaultVersionId"] == "v1", policy
    fn = ep.boto3("lambda").list_functions()["Functions"]
    assert [f["Role"] for f in fn if f["FunctionName"].startswith("iam-app-App-")] == [out["RoleArn"]], fn

    # An update changes the managed policy's document: a new default version, same ARN.
    cli(ep, "cloudformation", "update-stack", "--stack-name", "iam-app", "--template-body", "file://" + TEMPLATE,
        "--capabilities", "CAPABILITY_IAM", "--parameters", "ParameterKey=BucketAction,ParameterValue=s3:PutObject")
    stack = settle(ep, "iam-app")
    assert stack["StackStatus"] == "UPDATE_COMPLETE", stack
    assert outputs(stack)["ManagedPolicyArn"] == out["ManagedPolicyArn"] and outputs(stack)["RoleId"] == out["RoleId"]
    version = cli(ep, "iam", "get-policy-version", "--policy-arn", out["ManagedPolicyArn"], "--version-id", "v2")
    assert version["PolicyVersion"]["IsDefaultVersion"] is True, version
    assert version["PolicyVersion"]["Document"]["Statement"][0]["Action"] == "s3:PutObject", version

    cli(ep, "cloudformation", "delete-stack", "--stack-name", "iam-app")
    assert settle(ep, "iam-app") is None or settle(ep, "iam-app")["StackStatus"] == "DELETE_COMPLETE"
    gone = cli(ep, "iam", "get-role", "--role-name", out["RoleName"], check=False)
    assert gone.returncode == 254 and "(NoSuchEntity)" in gone.stderr, gone.stderr
    gone = cli(ep, "iam", "get-policy", "--policy-arn", out["ManagedPolicyArn"], check=False)
    assert gone.returncode == 254 and "(NoSuchEntity)" in gone.stderr, gone.stderr


def untrusted_role_fails_the_stack(ep):
    template = open(TEMPLATE).read().replace("lambda.amazonaws.com", "ec2.amazonaws.com")
    cfn = ep.boto3("cloudformation")
    cfn.create_stack(StackName="ec2-app", TemplateBody=template, Capabilities=["CAPABILITY_IAM"])
    stack = settle(ep, "ec2-app")
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", stack
    events = cfn.describe_stack_events(StackName="ec2-app")["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED" and e["LogicalResourceId"] == "App"]
    assert failed and "The role defined for the function cannot be assumed by Lambda." in failed[0]["ResourceStatusReason"], \
        failed
    # The rollback removed the role it had made.
    roles = ep.boto3("iam").list_roles()["Roles"]
    assert not [r for r in roles if r["RoleName"].startswith("ec2-app-")], roles


def main():
    run = TestRun()
    with lcd_harness.Endpoint("--strict-iam") as ep:
        run.case("a stack's IAM resources are IAM entities; update and delete follow", stack_roles_are_iam_roles, ep)
        run.case("a role that does not trust Lambda fails the stack under --strict-iam", untrusted_role_fails_the_stack, ep)
    run.finish()


if __name__ == "__main__":
    main()
