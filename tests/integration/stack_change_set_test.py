"""`lambda-cd stack deploy` through change sets, `--dry-run`, `stack diff` and local code packaging:
the real lambda-cd binary against a real `lambda-cd local`; state inspected with boto3.

  stack deploy of examples/greeting     -> its change set printed (resource, action, replacement), then run
  template edited, stack deploy --dry-run -> the Modify shown, nothing changed, no change set left
  stack deploy --output json           -> result.changes; the update ran in place
  a function changed outside the stack -> stack diff: template matches, drift names the property
  a SAM template with CodeUri: src/    -> zipped into the [backup] bucket, deployed, invocable
  the same without [backup] bucket     -> configuration error naming the resource (exit 2)
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun, project_copy  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GREETING = os.path.join(ROOT, "examples", "greeting")
STACK = "greeting-stack"


def out(r):
    return f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, (old, path)
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def greeting_change_sets_and_diff():
    with Endpoint() as ep, project_copy(GREETING) as project:
        cfn, lam = ep.boto3("cloudformation"), ep.boto3("lambda")
        r = ep.lcd("stack", "deploy", cwd=project)
        assert r.returncode == 0, out(r)
        text = r.stdout + r.stderr
        lines = [line.split() for line in text.splitlines()]
        assert ["resource", "type", "action", "replacement"] in lines, out(r)
        assert ["GreetingRole", "AWS::IAM::Role", "Add", "-"] in lines, out(r)
        assert ["GreetingFunction", "AWS::Lambda::Function", "Add", "-"] in lines, out(r)
        assert text.index("GreetingFunction  AWS::Lambda") < text.index("executing change set"), out(r)
        assert text.index("executing change set") < text.index("CREATE_COMPLETE AWS::Lambda::Function"), out(r)
        assert cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
        assert cfn.list_change_sets(StackName=STACK)["Summaries"] == []

        # The same template again: an empty change set is success, and it is not left behind.
        r = ep.lcd("stack", "deploy", cwd=project)
        assert r.returncode == 0 and "is up to date" in r.stdout + r.stderr, out(r)
        assert cfn.list_change_sets(StackName=STACK)["Summaries"] == []

        template = os.path.join(project, "template.yaml")
        edit(template, "MemorySize: 128", "MemorySize: 256")
        r = ep.lcd("stack", "deploy", "--dry-run", cwd=project)
        assert r.returncode == 0, out(r)
        lines = [line.split() for line in (r.stdout + r.stderr).splitlines()]
        assert ["GreetingFunction", "AWS::Lambda::Function", "Modify", "False"] in lines, out(r)
        assert "executing change set" not in r.stdout + r.stderr, out(r)
        assert lam.get_function_configuration(FunctionName="greeting")["MemorySize"] == 128
        assert cfn.list_change_sets(StackName=STACK)["Summaries"] == []

        r = ep.lcd("--output", "json", "stack", "deploy", cwd=project)
        assert r.returncode == 0, out(r)
        result = json.loads(r.stdout)["result"]
        assert result["action"] == "updated" and result["status"] == "UPDATE_COMPLETE", result
        assert result["change_set_type"] == "UPDATE", result
        assert [(c["logical_id"], c["action"], c["replacement"]) for c in result["changes"]] == [
            ("GreetingFunction", "Modify", "False")], result["changes"]
        assert result["changes"][0]["details"][0]["property"] == "MemorySize", result["changes"]
        fn = lam.get_function_configuration(FunctionName="greeting")
        assert fn["MemorySize"] == 256, fn

        # Changed behind the stack's back: diff finds no template change, and drift names the property.
        lam.update_function_configuration(FunctionName="greeting", Timeout=30)
        lam.get_waiter("function_updated").wait(FunctionName="greeting")
        r = ep.lcd("--output", "json", "stack", "diff", cwd=project)
        assert r.returncode == 0, out(r)
        result = json.loads(r.stdout)["result"]
        assert result["action"] == "unchanged" and result["changes"] == [], result
        drift = result["drift"]
        assert drift["supported"] and drift["status"] == "DRIFTED", drift
        fn_drift = [d for d in drift["resources"] if d["logical_id"] == "GreetingFunction"][0]
        assert fn_drift["status"] == "MODIFIED", fn_drift
        assert {"path": "/Timeout", "expected": "10", "actual": "30", "type": "NOT_EQUAL"} in fn_drift["differences"]
        r = ep.lcd("stack", "diff", cwd=project)
        assert r.returncode == 0, out(r)
        assert "/Timeout: template 10, deployed 30" in r.stdout, out(r)
        assert cfn.describe_stacks(StackName=STACK)["Stacks"][0]["DriftInformation"]["StackDriftStatus"] == "DRIFTED"


SAM = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
Outputs:
  Alias:
    Value: !Ref Hello.Alias
"""


def sam_project(project, bucket):
    os.makedirs(os.path.join(project, "app"))
    with open(os.path.join(project, "app", "index.js"), "w") as f:
        f.write("exports.handler = async () => 'from a local folder';\n")
    with open(os.path.join(project, "app", ".env"), "w") as f:
        f.write("SECRET=never-packaged\n")
    with open(os.path.join(project, "template.yaml"), "w") as f:
        f.write(SAM)
    toml = os.path.join(project, "lambda-cd.toml")
    with open(toml) as f:
        text = f.read()
    text = text.replace('name = "greeting-stack"', 'name = "sam-stack"')
    if not bucket:
        text = text.replace('[backup]\nbucket = "greeting-builds"\n', "")
    with open(toml, "w") as f:
        f.write(text)


def sam_template_with_local_code():
    with Endpoint() as ep, project_copy(GREETING) as project:
        sam_project(project, bucket=True)
        r = ep.lcd("stack", "deploy", cwd=project)
        assert r.returncode == 0, out(r)
        text = r.stdout + r.stderr
        assert "uploading Hello CodeUri (app/) to s3://greeting-builds/sam-stack/artifacts/" in text, out(r)
        lines = [line.split() for line in text.splitlines()]
        for logical, rtype in (("Hello", "AWS::Lambda::Function"), ("HelloRole", "AWS::IAM::Role"),
                               ("HelloAliaslive", "AWS::Lambda::Alias")):
            assert [logical, rtype, "Add", "-"] in lines, out(r)
        s3, cfn, lam = ep.boto3("s3"), ep.boto3("cloudformation"), ep.boto3("lambda")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="greeting-builds", Prefix="sam-stack/")["Contents"]]
        assert len(keys) == 1 and keys[0].startswith("sam-stack/artifacts/") and keys[0].endswith(".zip"), keys
        import io
        import zipfile
        body = s3.get_object(Bucket="greeting-builds", Key=keys[0])["Body"].read()
        assert zipfile.ZipFile(io.BytesIO(body)).namelist() == ["index.js"], "the secret must stay out"
        alias = cfn.describe_stacks(StackName="sam-stack")["Stacks"][0]["Outputs"][0]["OutputValue"]
        assert json.loads(lam.invoke(FunctionName=alias)["Payload"].read()) == "from a local folder"
        # Unchanged code: same artifact, nothing to change.
        r = ep.lcd("stack", "deploy", cwd=project)
        assert r.returncode == 0 and "is up to date" in r.stdout + r.stderr, out(r)
        assert "uploading" not in r.stdout + r.stderr, out(r)

    with Endpoint() as ep, project_copy(GREETING) as project:
        sam_project(project, bucket=False)
        r = ep.lcd("stack", "deploy", cwd=project, )
        assert r.returncode == 2, out(r)
        assert "Hello CodeUri app/" in r.stderr and "[backup] bucket" in r.stderr, out(r)


if __name__ == "__main__":
    t = TestRun()
    t.case("greeting: change sets shown, --dry-run, json changes, stack diff with drift", greeting_change_sets_and_diff)
    t.case("a SAM template with local code is packaged into the [backup] bucket", sam_template_with_local_code)
    t.finish()
