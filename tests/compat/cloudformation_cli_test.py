"""CloudFormation on `lambda-cd local` through AWS CLI v2 (/usr/bin/aws) and boto3.

Starts its own endpoint from $LAMBDA_CD.
"""
import io
import json
import os
import subprocess
import sys
import tempfile
import traceback
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

import botocore.exceptions  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "cloudformation_templates", "function_with_role.yaml")


def traced(fn):
    def wrapper(*args):
        try:
            fn(*args)
        except Exception:
            traceback.print_exc()
            raise
    return wrapper


def cli(ep, *args):
    return subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "--output", "json", *args], env=ep.env(),
                          capture_output=True, text=True, timeout=300)


def cli_ok(ep, *args):
    r = cli(ep, *args)
    if r.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout) if r.stdout.strip() else None


def error_of(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("expected a ClientError")


def create_with_cli_and_wait(ep):
    missing = cli(ep, "cloudformation", "create-stack", "--stack-name", "app", "--template-body", "file://" + TEMPLATE)
    assert missing.returncode != 0 and "InsufficientCapabilitiesException" in missing.stderr, missing.stderr
    assert "Requires capabilities : [CAPABILITY_IAM]" in missing.stderr, missing.stderr
    created = cli_ok(ep, "cloudformation", "create-stack", "--stack-name", "app", "--template-body",
                     "file://" + TEMPLATE, "--capabilities", "CAPABILITY_IAM", "--parameters",
                     "ParameterKey=Greeting,ParameterValue=hi", "--tags", "Key=team,Value=cd")
    assert created["StackId"].startswith("arn:aws:cloudformation:us-east-1:000000000000:stack/app/"), created
    wait = cli(ep, "cloudformation", "wait", "stack-create-complete", "--stack-name", "app")
    stack = cli_ok(ep, "cloudformation", "describe-stacks", "--stack-name", "app")["Stacks"][0]
    assert wait.returncode == 0, (wait.stderr, stack)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    name = outputs["FunctionName"]
    assert name.startswith("app-Fn-") and len(name) == len("app-Fn-") + 12, name
    assert outputs["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}", outputs
    assert outputs["AliasArn"] == outputs["FunctionArn"] + ":live", outputs
    assert outputs["RoleArn"].startswith("arn:aws:iam::000000000000:role/app-Role-"), outputs
    assert {"ParameterKey": "Greeting", "ParameterValue": "hi"} in stack["Parameters"], stack["Parameters"]
    assert stack["Tags"] == [{"Key": "team", "Value": "cd"}], stack["Tags"]
    events = cli_ok(ep, "cloudformation", "describe-stack-events", "--stack-name", "app")["StackEvents"]
    assert events[0]["ResourceStatus"] == "CREATE_COMPLETE" and events[0]["LogicalResourceId"] == "app", events[0]
    assert events[-1]["ResourceStatus"] == "CREATE_IN_PROGRESS" and events[-1]["ResourceType"] == \
        "AWS::CloudFormation::Stack", events[-1]
    stamps = [e["Timestamp"] for e in events]
    assert stamps == sorted(stamps, reverse=True), "events must be newest first"
    order = [e["LogicalResourceId"] for e in reversed(events) if e["ResourceStatus"] == "CREATE_COMPLETE"]
    assert order == ["Role", "Fn", "Version", "Live", "app"], order
    resources = cli_ok(ep, "cloudformation", "describe-stack-resources", "--stack-name", "app")["StackResources"]
    assert {r["LogicalResourceId"]: r["ResourceStatus"] for r in resources} == {
        "Role": "CREATE_COMPLETE", "Fn": "CREATE_COMPLETE", "Version": "CREATE_COMPLETE",
        "Live": "CREATE_COMPLETE"}, resources
    # The function is real: Lambda has it, with the inline code zipped as index.js.
    fn = cli_ok(ep, "lambda", "get-function", "--function-name", name)
    assert fn["Configuration"]["Role"] == outputs["RoleArn"], fn
    assert fn["Configuration"]["Environment"]["Variables"] == {"STACK": "app", "REGION": "us-east-1"}, fn
    assert fn["Configuration"]["MemorySize"] == 128
    alias = cli_ok(ep, "lambda", "get-alias", "--function-name", name, "--name", "live")
    assert alias["FunctionVersion"] == "1", alias
    code = ep.boto3("lambda").get_function(FunctionName=name)["Code"]
    if code.get("Location", "").startswith("http"):
        import urllib.request
        data = urllib.request.urlopen(code["Location"]).read()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.namelist() == ["index.js"], z.namelist()
            assert "greeting: 'hi'" in z.read("index.js").decode()
    template = cli_ok(ep, "cloudformation", "get-template", "--stack-name", "app")
    assert "AWS::Lambda::Alias" in json.dumps(template["TemplateBody"]), template


def errors_and_updates(ep):
    cfn = ep.boto3("cloudformation")
    with open(TEMPLATE) as f:
        body = f.read()
    assert error_of(lambda: cfn.create_stack(StackName="app", TemplateBody=body, Capabilities=["CAPABILITY_IAM"])) == (
        "AlreadyExistsException", "Stack [app] already exists")
    assert error_of(lambda: cfn.update_stack(StackName="app", TemplateBody=body, Capabilities=["CAPABILITY_IAM"],
                                             Parameters=[{"ParameterKey": "Greeting", "UsePreviousValue": True}])) == (
        "ValidationError", "No updates are to be performed.")
    assert error_of(lambda: cfn.describe_stacks(StackName="ghost")) == (
        "ValidationError", "Stack with id ghost does not exist")
    assert error_of(lambda: cfn.update_stack(StackName="ghost", TemplateBody=body)) == (
        "ValidationError", "Stack [ghost] does not exist")
    code, message = error_of(lambda: cfn.create_stack(StackName="bad", TemplateBody="Resources:\n  A: [unclosed\n"))
    assert code == "ValidationError" and "YAML not well-formed" in message, message
    code, message = error_of(lambda: cfn.create_stack(StackName="bad", TemplateBody='{"Resources": {'))
    assert code == "ValidationError" and "JSON not well-formed" in message, message
    code, message = error_of(lambda: cfn.validate_template(
        TemplateBody='{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":{"Fn::Nope":"x"}}}}}'))
    assert code == "ValidationError" and "Fn::Nope" in message, message
    code, message = error_of(lambda: cfn.create_stack(StackName="bad", TemplateBody=json.dumps({"Resources": {
        "A": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "B"}}},
        "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "${A}-x"}}}}})))
    assert (code, message) == ("ValidationError", "Circular dependency between resources: [A, B]"), message
    code, message = error_of(lambda: cfn.create_stack(StackName="bad", TemplateBody=json.dumps({"Resources": {
        "F": {"Type": "AWS::Lambda::Function", "Properties": {"Role": "r", "Runtime": "nodejs20.x"}}}})))
    assert code == "ValidationError" and "required key [Code]" in message, message
    valid = cfn.validate_template(TemplateBody=body)
    assert valid["Capabilities"] == ["CAPABILITY_IAM"], valid
    assert [p["ParameterKey"] for p in valid["Parameters"]] == ["Env", "Greeting"], valid
    # A real update: new inline code and production memory.
    updated = body.replace("return { greeting", "return { updated: true, greeting")
    cfn.update_stack(StackName="app", TemplateBody=updated, Capabilities=["CAPABILITY_IAM"],
                     Parameters=[{"ParameterKey": "Greeting", "UsePreviousValue": True},
                                 {"ParameterKey": "Env", "ParameterValue": "prod"}])
    r = cli(ep, "cloudformation", "wait", "stack-update-complete", "--stack-name", "app")
    stack = cfn.describe_stacks(StackName="app")["Stacks"][0]
    assert r.returncode == 0 and stack["StackStatus"] == "UPDATE_COMPLETE", (r.stderr, stack)
    name = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}["FunctionName"]
    assert ep.boto3("lambda").get_function_configuration(FunctionName=name)["MemorySize"] == 512


def rollback_and_delete(ep):
    cfn = ep.boto3("cloudformation")
    s3 = ep.boto3("s3")
    s3.create_bucket(Bucket="artifacts")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "exports.handler = async () => 's3';\n")
    s3.put_object(Bucket="artifacts", Key="fn.zip", Body=buf.getvalue())
    template = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "nodejs20.x", "Handler": "index.handler",
                "Role": "arn:aws:iam::000000000000:role/r", "Code": {"S3Bucket": "artifacts", "S3Key": "fn.zip"}}},
            "Table": {"Type": "AWS::DynamoDB::Table", "DependsOn": ["Fn", "Bucket"]},
        }
    }
    cfn.create_stack(StackName="doomed", TemplateBody=json.dumps(template))
    r = cli(ep, "cloudformation", "wait", "stack-create-complete", "--stack-name", "doomed")
    assert r.returncode != 0, "the waiter must fail on ROLLBACK_COMPLETE"
    stack = cfn.describe_stacks(StackName="doomed")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", stack
    events = cfn.describe_stack_events(StackName="doomed")["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert failed and failed[0]["LogicalResourceId"] == "Table", failed
    assert "AWS::DynamoDB::Table is not supported" in failed[0]["ResourceStatusReason"], failed[0]
    deleted = {e["LogicalResourceId"] for e in events if e["ResourceStatus"] == "DELETE_COMPLETE"}
    assert {"Fn", "Bucket"} <= deleted, deleted
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["artifacts"], "rolled back bucket must be gone"
    code, message = error_of(lambda: cfn.update_stack(StackName="doomed", TemplateBody=json.dumps(template)))
    assert code == "ValidationError" and "ROLLBACK_COMPLETE state and can not be updated" in message, message
    assert error_of(lambda: cfn.create_stack(StackName="doomed", TemplateBody=json.dumps(template)))[0] == \
        "AlreadyExistsException"
    cfn.delete_stack(StackName="doomed")
    cli_ok(ep, "cloudformation", "wait", "stack-delete-complete", "--stack-name", "doomed")
    # Without the unsupported resource the same code from S3 deploys; deleting the stack removes it.
    del template["Resources"]["Table"]
    cfn.create_stack(StackName="doomed", TemplateBody=json.dumps(template))
    cli_ok(ep, "cloudformation", "wait", "stack-create-complete", "--stack-name", "doomed")
    fn_name = cfn.describe_stack_resources(StackName="doomed", LogicalResourceId="Fn")["StackResources"][0][
        "PhysicalResourceId"]
    assert ep.boto3("lambda").get_function(FunctionName=fn_name)["Configuration"]["CodeSize"] == len(buf.getvalue())
    stack_id = cfn.describe_stacks(StackName="doomed")["Stacks"][0]["StackId"]
    cfn.delete_stack(StackName="doomed")
    cli_ok(ep, "cloudformation", "wait", "stack-delete-complete", "--stack-name", "doomed")
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    assert error_of(lambda: ep.boto3("lambda").get_function(FunctionName=fn_name))[0] == "ResourceNotFoundException"
    listed = [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == "doomed"]
    assert listed == ["DELETE_COMPLETE", "DELETE_COMPLETE"], listed


def main():
    run = TestRun()
    ep = lcd_harness.Endpoint()
    with ep:
        run.case("create-stack with the CLI and wait", traced(create_with_cli_and_wait), ep)
        run.case("errors and updates", traced(errors_and_updates), ep)
        run.case("rollback and delete", traced(rollback_and_delete), ep)
    run.finish()


if __name__ == "__main__":
    main()
