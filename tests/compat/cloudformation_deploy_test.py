"""`aws cloudformation deploy` / `package` (AWS CLI v2, /usr/bin/aws) and change sets through boto3
against `lambda-cd local`: plain and SAM templates, updates with a replacement and an in-place
change, empty change sets, describe-change-set field by field, the change-set waiter, stacks per
region and account, DeletionPolicy Retain.

Starts its own endpoint from $LAMBDA_CD.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import tempfile
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

import boto3  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore.config import Config  # noqa: E402

PLAIN = """
Parameters:
  Memory: {Type: Number, Default: 128}
  Name: {Type: String, Default: deploy-fn-a}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Ref Name
      Runtime: nodejs20.x
      Handler: index.handler
      MemorySize: !Ref Memory
      Role: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r
      Code:
        ZipFile: "exports.handler = async () => 'plain';"
  Version:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Fn
  Live:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      FunctionVersion: !GetAtt Version.Version
      Name: live
Outputs:
  Arn:
    Value: !GetAtt Fn.Arn
"""

SAM = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 5
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: CODE_URI
      Handler: index.handler
      MemorySize: 128
      AutoPublishAlias: live
      Policies:
        - AmazonS3ReadOnlyAccess
Outputs:
  Alias:
    Value: !Ref Hello.Alias
"""


def traced(fn):
    def wrapper(*args):
        try:
            fn(*args)
        except Exception:
            traceback.print_exc()
            raise
    return wrapper


class Cli:
    """AWS CLI v2 against the endpoint, in a HOME of its own; S3 for `package`/`deploy --s3-bucket`
    reaches the endpoint through an endpoint ruleset on AWS_DATA_PATH (CLI 2.9's `package` builds its
    S3 client without --endpoint-url)."""

    def __init__(self, ep, work):
        self.ep = ep
        self.work = work
        data = os.path.join(work, "botocore-data", "s3", "2006-03-01")
        os.makedirs(data)
        with open("/usr/lib/python3/dist-packages/botocore/data/s3/2006-03-01/endpoint-rule-set-1.json") as f:
            parameters = json.load(f)["parameters"]
        auth = {"authSchemes": [{"name": "sigv4", "signingName": "s3", "signingRegion": "us-east-1",
                                 "disableDoubleEncoding": True}]}
        rules = {"version": "1.0", "parameters": parameters, "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Bucket"}]}], "type": "endpoint",
             "endpoint": {"url": ep.url + "/{Bucket}", "properties": auth, "headers": {}}},
            {"conditions": [], "type": "endpoint", "endpoint": {"url": ep.url, "properties": auth, "headers": {}}}]}
        with open(os.path.join(data, "endpoint-rule-set-1.json"), "w") as f:
            json.dump(rules, f)
        self.env = ep.env()
        self.env["HOME"] = work
        self.env["AWS_DATA_PATH"] = os.path.join(work, "botocore-data")
        self.env["AWS_CONFIG_FILE"] = os.path.join(work, "no-config")
        self.env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(work, "no-credentials")

    def run(self, *args, region=lcd_harness.REGION):
        env = dict(self.env, AWS_REGION=region, AWS_DEFAULT_REGION=region)
        return subprocess.run([AWS_CLI, "--endpoint-url", self.ep.url, "--region", region, *args], env=env,
                              capture_output=True, text=True, timeout=300, cwd=self.work)

    def ok(self, *args, region=lcd_harness.REGION):
        r = self.run("--output", "json", *args, region=region)
        if r.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stdout}{r.stderr}")
        return json.loads(r.stdout) if r.stdout.strip() else None

    def write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.write(text)
        return path


def client(ep, service, region=lcd_harness.REGION, account="test"):
    return boto3.client(service, endpoint_url=ep.url, region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))


def last_change_set(cfn, stack):
    return cfn.list_change_sets(StackName=stack)["Summaries"][-1]["ChangeSetId"]


def next_second():
    """`aws cloudformation deploy` names its change set awscli-cloudformation-package-deploy-<epoch
    seconds>, and an empty (FAILED) change set stays, as on AWS: two deploys of one stack within a
    second collide (AlreadyExistsException) on any endpoint fast enough to answer within it."""
    time.sleep(1.0 - (time.time() % 1.0) + 0.05)


def deploy_plain(ep, cli):
    template = cli.write("plain.yaml", PLAIN)
    r = cli.run("cloudformation", "deploy", "--template-file", template, "--stack-name", "plain")
    assert r.returncode == 0 and "Successfully created/updated stack - plain" in r.stdout, (r.stdout, r.stderr)
    cfn = client(ep, "cloudformation")
    stack = cfn.describe_stacks(StackName="plain")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    assert stack["Outputs"][0]["OutputValue"] == "arn:aws:lambda:us-east-1:000000000000:function:deploy-fn-a"
    events = [e["ResourceStatus"] for e in cfn.describe_stack_events(StackName="plain")["StackEvents"]
              if e["ResourceType"] == "AWS::CloudFormation::Stack"]
    assert events[-1] == "REVIEW_IN_PROGRESS" and events[0] == "CREATE_COMPLETE", events

    # Nothing changed: the default and --no-fail-on-empty-changeset succeed, --fail-on-empty-changeset fails.
    for flags, code in (((), 0), (("--no-fail-on-empty-changeset",), 0), (("--fail-on-empty-changeset",), 255)):
        next_second()
        r = cli.run("cloudformation", "deploy", "--template-file", template, "--stack-name", "plain", *flags)
        assert r.returncode == code, (flags, r.returncode, r.stdout, r.stderr)
        assert "No changes to deploy. Stack plain is up to date" in r.stdout + r.stderr, (r.stdout, r.stderr)
    empty = cfn.describe_change_set(ChangeSetName=last_change_set(cfn, "plain"))
    assert empty["Status"] == "FAILED" and empty["ExecutionStatus"] == "UNAVAILABLE", empty
    assert empty["StatusReason"] == ("The submitted information didn't contain changes. Submit different information "
                                     "to create a change set."), empty

    # A replacement (FunctionName) and an in-place change (MemorySize), reviewed before execution.
    next_second()
    r = cli.run("cloudformation", "deploy", "--template-file", template, "--stack-name", "plain",
                "--parameter-overrides", "Memory=256", "Name=deploy-fn-b", "--no-execute-changeset")
    assert r.returncode == 0 and "Changeset created successfully" in r.stdout, (r.stdout, r.stderr)
    cs_id = last_change_set(cfn, "plain")
    described = cli.ok("cloudformation", "describe-change-set", "--change-set-name", cs_id)
    assert described["ChangeSetId"] == cs_id and described["StackName"] == "plain"
    assert described["StackId"] == stack["StackId"]
    assert described["ChangeSetName"].startswith("awscli-cloudformation-package-deploy-")
    assert described["Description"].startswith("Created by AWS CLI at ")
    assert described["Status"] == "CREATE_COMPLETE" and described["ExecutionStatus"] == "AVAILABLE", described
    assert sorted((p["ParameterKey"], p["ParameterValue"]) for p in described["Parameters"]) == [
        ("Memory", "256"), ("Name", "deploy-fn-b")], described["Parameters"]
    assert described["Capabilities"] == [] and described["Tags"] == [] and described["NotificationARNs"] == []
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in described["Changes"]}
    assert all(c["Type"] == "Resource" for c in described["Changes"])
    fn = changes["Fn"]
    assert (fn["Action"], fn["Replacement"], fn["ResourceType"], fn["PhysicalResourceId"], fn["Scope"]) == (
        "Modify", "True", "AWS::Lambda::Function", "deploy-fn-a", ["Properties"]), fn
    details = sorted((d["Target"]["Attribute"], d["Target"]["Name"], d["Target"]["RequiresRecreation"],
                      d["Evaluation"], d["ChangeSource"], d.get("CausingEntity")) for d in fn["Details"])
    assert details == [("Properties", "FunctionName", "Always", "Static", "ParameterReference", "Name"),
                       ("Properties", "MemorySize", "Never", "Static", "ParameterReference", "Memory")], details
    version = changes["Version"]
    assert (version["Action"], version["Replacement"]) == ("Modify", "Conditional"), version
    assert version["PhysicalResourceId"] == "arn:aws:lambda:us-east-1:000000000000:function:deploy-fn-a:1"
    assert [(d["Evaluation"], d["ChangeSource"], d["CausingEntity"]) for d in version["Details"]] == [
        ("Dynamic", "ResourceReference", "Fn")], version
    live = changes["Live"]
    assert live["Replacement"] == "Conditional", live
    assert ("Dynamic", "ResourceAttribute", "Version.Version") in [
        (d["Evaluation"], d["ChangeSource"], d["CausingEntity"]) for d in live["Details"]], live
    # Executed, the update does what the change set said.
    cli.ok("cloudformation", "execute-change-set", "--change-set-name", cs_id)
    r = cli.run("cloudformation", "wait", "stack-update-complete", "--stack-name", "plain")
    assert r.returncode == 0, r.stderr
    lam = client(ep, "lambda")
    assert lam.get_function_configuration(FunctionName="deploy-fn-b")["MemorySize"] == 256
    assert lam.get_alias(FunctionName="deploy-fn-b", Name="live")["FunctionVersion"] == "1"
    try:
        lam.get_function(FunctionName="deploy-fn-a")
        raise AssertionError("the replaced function must be gone")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"
    assert cfn.list_change_sets(StackName="plain")["Summaries"] == [], "executed change sets leave the list"

    # An in-place change alone.
    r = cli.run("cloudformation", "deploy", "--template-file", template, "--stack-name", "plain",
                "--parameter-overrides", "Memory=512", "Name=deploy-fn-b")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert lam.get_function_configuration(FunctionName="deploy-fn-b")["MemorySize"] == 512
    events = cfn.describe_stack_events(StackName="plain")["StackEvents"]
    assert [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "Fn"][:2] == [
        "UPDATE_COMPLETE", "UPDATE_IN_PROGRESS"], "an in-place update, no new function"


def package_and_deploy_sam(ep, cli):
    s3 = client(ep, "s3")
    s3.create_bucket(Bucket="deploy-artifacts")
    src = os.path.join(cli.work, "sam", "src")
    os.makedirs(src)
    with open(os.path.join(src, "index.js"), "w") as f:
        f.write("exports.handler = async () => 'sam one';\n")
    template = cli.write(os.path.join("sam", "template.yaml"), SAM.replace("CODE_URI", "src/"))
    packaged = os.path.join(cli.work, "sam", "packaged.yaml")
    r = cli.run("cloudformation", "package", "--template-file", template, "--s3-bucket", "deploy-artifacts",
                "--output-template-file", packaged)
    assert r.returncode == 0, (r.stdout, r.stderr)
    with open(packaged) as f:
        text = f.read()
    assert "CodeUri: s3://deploy-artifacts/" in text, text
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="deploy-artifacts")["Contents"]]
    assert len(keys) == 1, keys
    # The SAM template needs CAPABILITY_IAM for the role the transform generates.
    r = cli.run("cloudformation", "deploy", "--template-file", packaged, "--stack-name", "sam")
    assert r.returncode != 0 and "Requires capabilities : [CAPABILITY_IAM]" in r.stderr, (r.stdout, r.stderr)
    cfn = client(ep, "cloudformation")
    cfn.delete_stack(StackName="sam")  # the REVIEW_IN_PROGRESS stack the failed CREATE left
    r = cli.run("cloudformation", "deploy", "--template-file", packaged, "--stack-name", "sam",
                "--capabilities", "CAPABILITY_IAM")
    assert r.returncode == 0, (r.stdout, r.stderr)
    stack = cfn.describe_stacks(StackName="sam")["Stacks"][0]
    alias_arn = stack["Outputs"][0]["OutputValue"]
    lam = client(ep, "lambda")
    out = lam.invoke(FunctionName=alias_arn)
    assert json.loads(out["Payload"].read()) == "sam one" and out["ExecutedVersion"] == "1", out
    resources = {r["LogicalResourceId"]: r for r in cfn.describe_stack_resources(StackName="sam")["StackResources"]}
    assert {"Hello", "HelloRole", "HelloAliaslive"} <= set(resources), resources
    old_version = [k for k in resources if k.startswith("HelloVersion")]
    assert len(old_version) == 1, resources
    processed = cfn.get_template(StackName="sam", TemplateStage="Processed")["TemplateBody"]
    assert "AWS::Serverless" not in json.dumps(processed) and "HelloAliaslive" in json.dumps(processed)
    original = cfn.get_template(StackName="sam")["TemplateBody"]
    assert "AWS::Serverless::Function" in json.dumps(original)
    # New code: package uploads it under a new key, the version's logical id changes, the alias moves
    # to version 2 and version 1 stays (DeletionPolicy Retain).
    with open(os.path.join(src, "index.js"), "w") as f:
        f.write("exports.handler = async () => 'sam two';\n")
    assert cli.run("cloudformation", "package", "--template-file", template, "--s3-bucket", "deploy-artifacts",
                   "--output-template-file", packaged).returncode == 0
    r = cli.run("cloudformation", "deploy", "--template-file", packaged, "--stack-name", "sam",
                "--capabilities", "CAPABILITY_IAM", "--no-execute-changeset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    described = cfn.describe_change_set(ChangeSetName=last_change_set(cfn, "sam"), StackName="sam")
    actions = sorted((c["ResourceChange"]["LogicalResourceId"][:12], c["ResourceChange"]["Action"],
                      c["ResourceChange"].get("Replacement")) for c in described["Changes"])
    assert actions == [("Hello", "Modify", "False"), ("HelloAliasli", "Modify", "False"),
                       ("HelloVersion", "Add", None), ("HelloVersion", "Remove", None)], actions
    cfn.execute_change_set(ChangeSetName=described["ChangeSetId"])
    cfn.get_waiter("stack_update_complete").wait(StackName="sam", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    out = lam.invoke(FunctionName=alias_arn)
    assert json.loads(out["Payload"].read()) == "sam two" and out["ExecutedVersion"] == "2", out
    fn_name = resources["Hello"]["PhysicalResourceId"]
    assert json.loads(lam.invoke(FunctionName=fn_name, Qualifier="1")["Payload"].read()) == "sam one"
    skipped = [e for e in cfn.describe_stack_events(StackName="sam")["StackEvents"]
               if e["ResourceStatus"] == "DELETE_SKIPPED"]
    assert [e["LogicalResourceId"] for e in skipped] == old_version, skipped


def boto3_change_sets(ep, cli):
    cfn = client(ep, "cloudformation")
    body = PLAIN.replace("deploy-fn-a", "boto-fn")
    created = cfn.create_change_set(StackName="boto", ChangeSetName="first", ChangeSetType="CREATE",
                                    TemplateBody=body, Description="from boto3")
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=created["Id"],
                                                      WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    assert cfn.describe_stacks(StackName="boto")["Stacks"][0]["StackStatus"] == "REVIEW_IN_PROGRESS"
    summaries = cfn.list_change_sets(StackName="boto")["Summaries"]
    assert [(s["ChangeSetName"], s["Status"], s["ExecutionStatus"], s["Description"]) for s in summaries] == [
        ("first", "CREATE_COMPLETE", "AVAILABLE", "from boto3")], summaries
    described = cfn.describe_change_set(ChangeSetName="first", StackName="boto")
    assert sorted(c["ResourceChange"]["LogicalResourceId"] for c in described["Changes"]) == ["Fn", "Live", "Version"]
    assert {c["ResourceChange"]["Action"] for c in described["Changes"]} == {"Add"}
    # A second CREATE change set for the same REVIEW_IN_PROGRESS stack, then deleted.
    cfn.create_change_set(StackName="boto", ChangeSetName="second", ChangeSetType="CREATE", TemplateBody=body)
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName="second", StackName="boto",
                                                      WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    cfn.delete_change_set(ChangeSetName="second", StackName="boto")
    try:
        cfn.describe_change_set(ChangeSetName="second", StackName="boto")
        raise AssertionError("deleted change set still described")
    except cfn.exceptions.ChangeSetNotFoundException as e:
        assert e.response["Error"]["Code"] == "ChangeSetNotFound"
    cfn.execute_change_set(ChangeSetName="first", StackName="boto")
    cfn.get_waiter("stack_create_complete").wait(StackName="boto", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert cfn.describe_change_set(ChangeSetName=created["Id"])["ExecutionStatus"] == "EXECUTE_COMPLETE"
    # The waiter fails on an empty change set, with AWS's reason.
    cfn.create_change_set(StackName="boto", ChangeSetName="empty", TemplateBody=body)
    try:
        cfn.get_waiter("change_set_create_complete").wait(ChangeSetName="empty", StackName="boto",
                                                          WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        raise AssertionError("the waiter must fail")
    except botocore.exceptions.WaiterError as e:
        assert e.last_response["Status"] == "FAILED"
        assert "didn't contain changes" in e.last_response["StatusReason"]
    try:
        cfn.create_change_set(StackName="boto", ChangeSetName="imp", ChangeSetType="IMPORT", TemplateBody=body)
        raise AssertionError("IMPORT must be refused")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ValidationError"
        assert "ChangeSetType IMPORT is not supported by lambda-cd local" in e.response["Error"]["Message"]
    summary = cfn.get_template_summary(StackName="boto")
    assert [p["ParameterKey"] for p in summary["Parameters"]] == ["Memory", "Name"], summary
    assert summary["ResourceTypes"] == ["AWS::Lambda::Alias", "AWS::Lambda::Function", "AWS::Lambda::Version"]


def regional_stacks_and_retain(ep, cli):
    # The same stack name in two regions and under two accounts are four stacks.
    places = [("eu-west-1", "test"), ("ap-southeast-2", "test"), ("eu-west-1", "111122223333")]
    body = PLAIN.replace("FunctionName: !Ref Name", "FunctionName: !Sub 'regional-${AWS::AccountId}'")
    for region, key in places:
        cfn = client(ep, "cloudformation", region, key)
        stack_id = cfn.create_stack(StackName="everywhere", TemplateBody=body)["StackId"]
        account = "000000000000" if key == "test" else key
        assert stack_id.startswith(f"arn:aws:cloudformation:{region}:{account}:stack/everywhere/"), stack_id
        cfn.get_waiter("stack_create_complete").wait(StackName="everywhere",
                                                     WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        names = [s["StackId"] for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == "everywhere"]
        assert names == [stack_id], names
        fn = client(ep, "lambda", region, key).get_function_configuration(FunctionName=f"regional-{account}")
        assert fn["FunctionArn"].startswith(f"arn:aws:lambda:{region}:"), fn
    r = cli.run("cloudformation", "describe-stacks", "--stack-name", "everywhere", region="us-west-2")
    assert r.returncode != 0 and "Stack with id everywhere does not exist" in r.stderr, r.stderr
    listed = cli.ok("cloudformation", "list-stacks", region="ap-southeast-2")["StackSummaries"]
    assert [s["StackName"] for s in listed] == ["everywhere"], listed

    # DeletionPolicy Retain keeps a bucket the stack's deletion would remove.
    retain = cli.write("retain.yaml", """
Resources:
  Kept:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties: {BucketName: retained-bucket}
  Gone:
    Type: AWS::S3::Bucket
    Properties: {BucketName: removed-bucket}
""")
    assert cli.run("cloudformation", "deploy", "--template-file", retain, "--stack-name", "retain").returncode == 0
    cli.ok("cloudformation", "delete-stack", "--stack-name", "retain")
    assert cli.run("cloudformation", "wait", "stack-delete-complete", "--stack-name", "retain").returncode == 0
    buckets = [b["Name"] for b in client(ep, "s3").list_buckets()["Buckets"]]
    assert "retained-bucket" in buckets and "removed-bucket" not in buckets, buckets


def main():
    run = TestRun()
    work = tempfile.mkdtemp(prefix="lcd-cfn-deploy-")
    try:
        with lcd_harness.Endpoint() as ep:
            cli = Cli(ep, work)
            run.case("deploy a plain template: create, empty, replacement + in-place, describe-change-set",
                     traced(deploy_plain), ep, cli)
            run.case("package and deploy a SAM template with a local CodeUri", traced(package_and_deploy_sam), ep, cli)
            run.case("boto3 change sets and their waiter", traced(boto3_change_sets), ep, cli)
            run.case("stacks per region and account; DeletionPolicy Retain", traced(regional_stacks_and_retain), ep, cli)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    run.finish()


if __name__ == "__main__":
    main()
