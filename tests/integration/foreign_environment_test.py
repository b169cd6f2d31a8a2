"""The suite passes whatever the person running it has in their environment (issue 10): a shell with
AWS_REGION=eu-west-1, AWS_DEFAULT_REGION=ap-southeast-2, AWS_PROFILE=x (a profile of the caller's
that this ~/.aws/config does not have), a ~/.aws/config whose default profile is in a third region
(sa-east-1) and points at an endpoint nobody listens on, keys in ~/.aws/credentials and the
environment, and an AWS_ENDPOINT_URL nobody listens on (anything that leaked into a test would go
there and fail).

  the environment is hostile: boto3 and the AWS CLI, left to themselves, fail on the missing profile
  and, without it, pick the foreign region and keys;
  a representative subset passes in it: the JavaScript SDK + AWS CLI invoke test and the boto3 + AWS
  CLI S3 regions test run directly (their own hygiene), and the cli/aws unit tests through ctest (the
  suite's: cmake/ScriptTests.cmake and tests/unit/test_main.cpp).

Needs LCD_BUILD_DIR (set by ctest) for the unit tests.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import AWS_CLI, LAMBDA_CD, TestRun  # noqa: E402

TESTS = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def hostile_environment():
    home = tempfile.mkdtemp(prefix="lcd-hostile-home-")
    os.makedirs(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write("[default]\nregion = sa-east-1\noutput = table\nendpoint_url = http://127.0.0.1:9\n"
                "retry_mode = adaptive\nmax_attempts = 7\n")
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write("[default]\naws_access_key_id = AKIAHOSTILEDEFAULT00\naws_secret_access_key = hostile/default\n")
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": home,
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "ap-southeast-2",
        "AWS_PROFILE": "x",
        "AWS_ACCESS_KEY_ID": "AKIAHOSTILEENVIRON00",
        "AWS_SECRET_ACCESS_KEY": "hostile/environ",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_DEFAULT_OUTPUT": "yaml",
        "LAMBDA_CD": LAMBDA_CD,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def out(r):
    return f"exit {r.returncode}\nstdout:\n{r.stdout[-4000:]}\nstderr:\n{r.stderr[-4000:]}"


def the_environment_is_hostile(env):
    """A test that relied on the caller's settings would be misled: the clients pick them up."""
    probe = "import boto3; s = boto3.session.Session(); print(s.region_name, s.get_credentials().access_key)"
    r = subprocess.run(["/usr/bin/python3", "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "ProfileNotFound" in r.stderr, out(r)
    cli = subprocess.run([AWS_CLI, "sts", "get-caller-identity"], env=env, capture_output=True, text=True, timeout=120)
    assert cli.returncode != 0 and "could not be found" in cli.stderr, out(cli)
    without_profile = {k: v for k, v in env.items() if k != "AWS_PROFILE"}
    r = subprocess.run(["/usr/bin/python3", "-c", probe], env=without_profile, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, out(r)
    region, key = r.stdout.split()
    assert region == "ap-southeast-2" and key == "AKIAHOSTILEENVIRON00", r.stdout


def script_passes(env, *command):
    r = subprocess.run(list(command), env=env, capture_output=True, text=True, timeout=900,
                       cwd=os.path.dirname(command[-1]))
    assert r.returncode == 0, out(r)


def unit_tests_pass(env):
    build = os.environ.get("LCD_BUILD_DIR")
    assert build, "LCD_BUILD_DIR is not set (ctest sets it)"
    r = subprocess.run(["ctest", "--test-dir", build, "-R", r"^(cli|aws)\.", "--output-on-failure", "--timeout", "300"],
                       env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, out(r)
    assert "100% tests passed" in r.stdout, out(r)
    ran = [line for line in r.stdout.splitlines() if " Passed " in line]
    assert len(ran) >= 50, f"only {len(ran)} unit tests ran:\n{r.stdout[-2000:]}"


def main():
    run = TestRun()
    env = hostile_environment()
    run.case("the environment is hostile", the_environment_is_hostile, env)
    run.case("JavaScript SDK + AWS CLI invoke test passes in it", script_passes, env, "node",
             os.path.join(TESTS, "compat", "lambda_invoke.test.mjs"))
    run.case("boto3 + AWS CLI S3 regions test passes in it", script_passes, env, "/usr/bin/python3",
             os.path.join(TESTS, "compat", "s3_regions_test.py"))
    run.case("cli and aws unit tests pass in it through ctest", unit_tests_pass, env)
    shutil.rmtree(env["HOME"], ignore_errors=True)
    run.finish()


if __name__ == "__main__":
    main()
