"""Stacks and backups end to end (issue 6, the lambda-cd part): the real lambda-cd binary against
a real `lambda-cd local --strict-iam` serving Lambda, CloudFormation, S3 and IAM (the greeting
template's role is a real IAM role, so Lambda takes it as AWS would); state inspected with boto3.

  stack deploy of examples/greeting/template.yaml -> function + role exist (IAM GetRole), events streamed
  stack deploy again                               -> "no updates", exit 0
  stack status                                     -> status, resources
  deploy + publish --build 1                       -> s3://<bucket>/greeting/builds/1/{package.zip,manifest.json}
  delete the function, restore --build 1           -> function back, $LATEST = the backed-up zip, version "build 1"
  a template whose resource fails                  -> exit 1 naming the resource and its reason
  stack delete                                     -> stack gone
"""
import hashlib
import base64
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun, project_copy  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GREETING = os.path.join(ROOT, "examples", "greeting")
BUCKET = "greeting-builds"
STACK = "greeting-stack"


def configure(project):
    """Adds [stack] and [backup] to the copied project's lambda-cd.toml (when not already there)."""
    path = os.path.join(project, "lambda-cd.toml")
    with open(path) as f:
        text = f.read()
    if "[stack]" not in text:
        text += f'\n[stack]\nname = "{STACK}"\ntemplate = "template.yaml"\n'
    if "[backup]" not in text:
        text += f'\n[backup]\nbucket = "{BUCKET}"\n'
    with open(path, "w") as f:
        f.write(text)


def out(r):
    return f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"


def deploy_stack(ep, project):
    lam, cfn = ep.boto3("lambda"), ep.boto3("cloudformation")
    r = ep.lcd("stack", "deploy", cwd=project)
    assert r.returncode == 0, out(r)
    text = r.stdout + r.stderr
    assert "CREATE_COMPLETE AWS::IAM::Role GreetingRole" in text, out(r)
    assert "CREATE_COMPLETE AWS::Lambda::Function GreetingFunction" in text, out(r)
    # Events are streamed oldest first: the role completes before the function does.
    assert text.index("CREATE_COMPLETE AWS::IAM::Role") < text.index("CREATE_COMPLETE AWS::Lambda::Function"), out(r)
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    assert "CAPABILITY_NAMED_IAM" in stack.get("Capabilities", []), stack
    fn = lam.get_function(FunctionName="greeting")["Configuration"]
    assert fn["Role"].endswith(":role/greeting-role"), fn
    role = ep.boto3("iam").get_role(RoleName="greeting-role")["Role"]
    assert role["Arn"] == fn["Role"], (role, fn)


def check_restore(ep, project, sha):
    """Deletes the function, restores build 1 from the bucket, checks $LATEST and the version."""
    lam = ep.boto3("lambda")
    lam.delete_function(FunctionName="greeting")
    r = ep.lcd("restore", "--build", "1", cwd=project)
    assert r.returncode == 0, out(r)
    fn = lam.get_function(FunctionName="greeting")["Configuration"]
    assert fn["CodeSha256"] == sha, fn
    versions = [v for v in lam.list_versions_by_function(FunctionName="greeting")["Versions"]
                if v["Version"] != "$LATEST"]
    assert [v["Description"] for v in versions] == ["build 1"], versions
    assert versions[0]["CodeSha256"] == sha, versions
    res = lam.invoke(FunctionName="greeting", Qualifier=versions[0]["Version"], Payload=b'{"name": "restore"}')
    assert "FunctionError" not in res, res["Payload"].read()

    r = ep.lcd("--output", "json", "restore", "--list", cwd=project)
    assert r.returncode == 0, out(r)
    builds = json.loads(r.stdout)["result"]["builds"]
    assert [b["build"] for b in builds] == ["1"], builds

    r = ep.lcd("restore", "--build", "2", cwd=project)
    assert r.returncode == 1, out(r)
    assert "no backup of build 2" in r.stderr and "backed-up builds: 1" in r.stderr, out(r)


def stack_lifecycle_publish_backup_restore():
    with Endpoint("--strict-iam") as ep, project_copy(GREETING) as project:
        configure(project)
        cfn, s3 = ep.boto3("cloudformation"), ep.boto3("s3")
        deploy_stack(ep, project)

        r = ep.lcd("stack", "deploy", cwd=project)
        assert r.returncode == 0, out(r)
        assert "is up to date: the change set has no changes" in r.stdout + r.stderr, out(r)

        r = ep.lcd("--output", "json", "stack", "status", cwd=project)
        assert r.returncode == 0, out(r)
        status = json.loads(r.stdout)["result"]
        assert status["status"] == "CREATE_COMPLETE", status
        assert {x["logical_id"] for x in status["resources"]} == {"GreetingRole", "GreetingFunction"}, status

        r = ep.lcd("deploy", cwd=project)
        assert r.returncode == 0, out(r)
        # template.yaml and lambda-cd.toml agree: the first deploy after the stack changes only the code
        # (the role name in lambda-cd.toml is the stack's role in the caller's account).
        assert "configuration unchanged" in r.stdout + r.stderr and "changing " not in r.stdout + r.stderr, out(r)
        r = ep.lcd("publish", "--build", "1", cwd=project)
        assert r.returncode == 0, out(r)
        with open(os.path.join(project, ".lambda-cd", "package.zip"), "rb") as f:
            package = f.read()
        sha = base64.b64encode(hashlib.sha256(package).digest()).decode()

        zip_obj = s3.get_object(Bucket=BUCKET, Key="greeting/builds/1/package.zip")["Body"].read()
        assert zip_obj == package, "the backed-up zip is not the deployed package"
        manifest = json.loads(s3.get_object(Bucket=BUCKET, Key="greeting/builds/1/manifest.json")["Body"].read())
        assert manifest["function"] == "greeting" and manifest["build"] == "1", manifest
        assert manifest["CodeSha256"] == sha and manifest["version"] == "1", manifest
        assert manifest["time"].endswith("Z"), manifest

        check_restore(ep, project, sha)

        r = ep.lcd("stack", "delete", cwd=project)
        assert r.returncode == 0, out(r)
        try:
            cfn.describe_stacks(StackName=STACK)
            raise AssertionError("stack still exists after stack delete")
        except cfn.exceptions.ClientError as e:
            assert "does not exist" in str(e), e


def restore_from_documented_layout():
    """restore alone: a backup laid out as documented (greeting/builds/1/{package.zip,manifest.json}),
    written with boto3 from the package lambda-cd built, brings the deleted function back."""
    with Endpoint("--strict-iam") as ep, project_copy(GREETING) as project:
        configure(project)
        deploy_stack(ep, project)
        r = ep.lcd("deploy", cwd=project)
        assert r.returncode == 0, out(r)
        with open(os.path.join(project, ".lambda-cd", "package.zip"), "rb") as f:
            package = f.read()
        sha = base64.b64encode(hashlib.sha256(package).digest()).decode()
        s3 = ep.boto3("s3")
        try:
            s3.create_bucket(Bucket=BUCKET)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass  # the deploy lock of `deploy` lives in it already
        s3.put_object(Bucket=BUCKET, Key="greeting/builds/1/package.zip", Body=package)
        s3.put_object(Bucket=BUCKET, Key="greeting/builds/1/manifest.json", Body=json.dumps(
            {"function": "greeting", "build": "1", "version": "1", "CodeSha256": sha, "zip_size": len(package),
             "time": "2026-11-27T00:00:00.000Z", "git_commit": None}).encode())
        check_restore(ep, project, sha)

        # A damaged backup is refused and changes nothing.
        s3.put_object(Bucket=BUCKET, Key="greeting/builds/1/package.zip", Body=package + b"x")
        r = ep.lcd("restore", "--build", "1", cwd=project)
        assert r.returncode == 1 and "is damaged" in r.stderr, out(r)


def failing_stack_names_the_resource():
    with Endpoint("--strict-iam") as ep, project_copy(GREETING) as project:
        configure(project)
        with open(os.path.join(project, "template.yaml"), "w") as f:
            f.write("Resources:\n"
                    "  Queue:\n"
                    "    Type: AWS::SQS::Queue\n")
        r = ep.lcd("stack", "deploy", cwd=project)
        assert r.returncode == 1, out(r)
        err = r.stderr
        assert "resource Queue (AWS::SQS::Queue)" in err and "CREATE_FAILED" in err, out(r)
        # The stack rolled back: deploy refuses to update it and says it must be deleted.
        r = ep.lcd("stack", "deploy", cwd=project)
        assert r.returncode == 1 and "must be deleted" in r.stderr, out(r)
        with open(os.path.join(project, "template.yaml"), "w") as f:
            f.write("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")
        r = ep.lcd("stack", "deploy", "--recreate", cwd=project)
        assert r.returncode == 0, out(r)
        assert "CREATE_COMPLETE AWS::S3::Bucket Bucket" in r.stdout + r.stderr, out(r)


if __name__ == "__main__":
    t = TestRun()
    t.case("stack deploy, publish backs up, restore after delete", stack_lifecycle_publish_backup_restore)
    t.case("restore from a backup in the documented layout", restore_from_documented_layout)
    t.case("a failing stack names the resource; --recreate", failing_stack_names_the_resource)
    t.finish()
