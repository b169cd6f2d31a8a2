"""One endpoint, two regions (issue 10): examples/greeting taken through `stack deploy`, `pipeline`,
`promote PROD` and `restore` in eu-west-1 and in ap-southeast-2 against the same `lambda-cd local`,
each run with only its region in the environment, as a team with one pipeline per region does.

The function and the stack have the same names in both regions (they are regional); the role and the
backup bucket get a per-region name (IAM roles are global to the account and bucket names global to
the partition, on AWS as here). Afterwards each region sees only its own function, versions,
aliases, stack and buckets (boto3 in each region), and each function answers with its own build.
"""
import contextlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import LAMBDA_CD, Endpoint, TestRun, project_copy  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GREETING = os.path.join(ROOT, "examples", "greeting")
REGIONS = {"eu-west-1": "11", "ap-southeast-2": "22"}  # region -> build number


def configure(project, region):
    path = os.path.join(project, "lambda-cd.toml")
    with open(path) as f:
        text = f.read()
    text = text.replace('role = "greeting-role"', f'role = "greeting-role-{region}"')
    text = text.replace('bucket = "greeting-builds"', f'bucket = "greeting-builds-{region}"')
    text += f'\n[stack.parameters]\nRoleName = "greeting-role-{region}"\n'
    with open(path, "w") as f:
        f.write(text)


def lcd(ep, project, region, *args):
    env = ep.env()
    env["AWS_REGION"] = region
    env["AWS_DEFAULT_REGION"] = region
    r = subprocess.run([LAMBDA_CD, "--endpoint-url", ep.url, *args], cwd=project, env=env, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, f"[{region}] lambda-cd {' '.join(args)}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def release_in(ep, project, region, build):
    lcd(ep, project, region, "stack", "deploy")
    lcd(ep, project, region, "pipeline", "--build", build)
    lcd(ep, project, region, "promote", "PROD", "--build", build)
    lam = ep.boto3("lambda", region=region)
    lam.delete_function(FunctionName="greeting")
    lcd(ep, project, region, "restore", "--build", build)


def each_region_its_own(ep):
    for region, build in REGIONS.items():
        lam = ep.boto3("lambda", region=region)
        fn = lam.get_function(FunctionName="greeting")["Configuration"]
        assert f":{region}:" in fn["FunctionArn"], fn
        assert fn["Role"].endswith(f":role/greeting-role-{region}"), fn
        versions = [v for v in lam.list_versions_by_function(FunctionName="greeting")["Versions"]
                    if v["Version"] != "$LATEST"]
        assert [v["Description"] for v in versions] == [f"build {build}"], (region, versions)
        res = lam.invoke(FunctionName="greeting", Qualifier=versions[0]["Version"],
                         Payload=json.dumps({"name": region}).encode())
        assert "FunctionError" not in res, (region, res["Payload"].read())
        assert region in res["Payload"].read().decode(), region

        cfn = ep.boto3("cloudformation", region=region)
        stacks = [s for s in cfn.describe_stacks()["Stacks"]]
        assert [s["StackName"] for s in stacks] == ["greeting-stack"], (region, stacks)
        assert f":{region}:" in stacks[0]["StackId"], stacks[0]

        s3 = ep.boto3("s3", region=region)
        bucket = f"greeting-builds-{region}"
        assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == region
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
        assert f"greeting/builds/{build}/package.zip" in keys, (region, keys)
        assert all(f"/builds/{build}/" in k or "/lock/" in k or "/packages/" in k for k in keys), (region, keys)

    # The stacks and their roles are separate; each region's stack owns its own role.
    for region in REGIONS:
        cfn = ep.boto3("cloudformation", region=region)
        roles = [r for r in cfn.describe_stack_resources(StackName="greeting-stack")["StackResources"]
                 if r["ResourceType"] == "AWS::IAM::Role"]
        assert [r["PhysicalResourceId"] for r in roles] == [f"greeting-role-{region}"], (region, roles)

    # A third region sees none of it.
    lam = ep.boto3("lambda", region="us-west-2")
    assert lam.list_functions()["Functions"] == []
    assert ep.boto3("cloudformation", region="us-west-2").list_stacks()["StackSummaries"] == []


def greeting_in_two_regions():
    with Endpoint() as ep, contextlib.ExitStack() as stack:
        projects = [stack.enter_context(project_copy(GREETING)) for _ in REGIONS]
        for project, (region, build) in zip(projects, REGIONS.items()):
            configure(project, region)
            release_in(ep, project, region, build)
        each_region_its_own(ep)
        # A region's `status` shows only its own versions.
        for project, (region, build) in zip(projects, REGIONS.items()):
            r = lcd(ep, project, region, "--output", "json", "status")
            text = r.stdout
            other = [b for reg, b in REGIONS.items() if reg != region][0]
            assert f'"build {build}"' in text or f'"{build}"' in text, text
            assert f"build {other}" not in text, text


if __name__ == "__main__":
    t = TestRun()
    t.case("examples/greeting released in eu-west-1 and ap-southeast-2 on one endpoint", greeting_in_two_regions)
    t.finish()
