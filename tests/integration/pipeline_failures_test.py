"""The pipeline's failure behaviour (issue: the deployment pipeline), end to end:
the real lambda-cd binary against a real `lambda-cd local`, state inspected with boto3."""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun, node_handler_zip, project_copy  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "hello")


def set_mark(project, mark):
    path = os.path.join(project, "index.js")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(re.sub(r"const MARK = '[^']*';", f"const MARK = '{mark}';", text))


def published_versions(lam, name="hello"):
    versions, marker = [], None
    while True:
        page = lam.list_versions_by_function(FunctionName=name, **({"Marker": marker} if marker else {}))
        versions += [v for v in page["Versions"] if v["Version"] != "$LATEST"]
        marker = page.get("NextMarker")
        if not marker:
            return versions


def function_exists(lam, name="hello"):
    try:
        lam.get_function(FunctionName=name)
        return True
    except lam.exceptions.ResourceNotFoundException:
        return False


def wait_until_updated(lam, name="hello", timeout_s=10.0):
    """Waits for LastUpdateStatus Successful; fails the case when it does not come in time."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = lam.get_function_configuration(FunctionName=name).get("LastUpdateStatus")
        if status == "Successful":
            return
        assert time.monotonic() < deadline, f"{name}: LastUpdateStatus still {status!r} after {timeout_s}s"
        time.sleep(0.02)


def run(ep, project, *args, env_extra=None):
    if env_extra:
        os.environ.update(env_extra)
    try:
        return ep.lcd(*args, cwd=project)
    finally:
        for k in env_extra or {}:
            os.environ.pop(k, None)


def unit_failure_uploads_nothing():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        r = run(ep, project, "pipeline", "--build", "1", env_extra={"FAIL_UNIT": "1"})
        assert r.returncode == 1, r.stdout + r.stderr
        assert "unit tests failed on purpose" in r.stdout + r.stderr, r.stdout + r.stderr
        assert not function_exists(ep.boto3()), "unit tests failed but the function was created"


def itest_failure_publishes_nothing():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        r = run(ep, project, "pipeline", "--build", "1", env_extra={"FAIL_ITEST": "1"})
        assert r.returncode == 1, r.stdout + r.stderr
        assert "integration tests failed on purpose" in r.stdout + r.stderr, r.stdout + r.stderr
        lam = ep.boto3()
        assert function_exists(lam), "$LATEST should have been updated before the integration tests"
        assert published_versions(lam) == [], "a version was published although integration tests failed"
        assert lam.list_aliases(FunctionName="hello")["Aliases"] == [], "an alias moved"


def latest_changed_before_publish_publishes_nothing():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        assert run(ep, project, "deploy").returncode == 0
        lam = ep.boto3()
        lam.update_function_code(FunctionName="hello", ZipFile=node_handler_zip("return 'someone else';"))
        wait_until_updated(lam)
        r = run(ep, project, "publish", "--build", "2")
        assert r.returncode == 1, r.stdout + r.stderr
        # The CodeSha256 guard refused it, not some other failure.
        assert "$LATEST changed since deploy: CodeSha256 is" in r.stdout + r.stderr, r.stdout + r.stderr
        assert published_versions(lam) == [], "published code that was not the tested code"


def unknown_build_is_a_clear_error():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        assert run(ep, project, "pipeline", "--build", "1").returncode == 0
        r = run(ep, project, "promote", "PROD", "--build", "999")
        assert r.returncode == 1, r.stdout + r.stderr
        assert "999" in r.stderr + r.stdout, r.stdout + r.stderr
        assert "PROD" not in [a["Name"] for a in ep.boto3().list_aliases(FunctionName="hello")["Aliases"]]


def rerunning_a_build_makes_no_duplicates():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        for _ in range(2):
            r = run(ep, project, "pipeline", "--build", "1")
            assert r.returncode == 0, r.stdout + r.stderr
        lam = ep.boto3()
        versions = published_versions(lam)
        assert [v["Version"] for v in versions] == ["1"], versions
        assert lam.get_alias(FunctionName="hello", Name="STAGE")["FunctionVersion"] == "1"


def unchanged_code_new_build_resolves():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        assert run(ep, project, "pipeline", "--build", "1").returncode == 0
        r = run(ep, project, "pipeline", "--build", "2")  # same code: AWS returns version 1 again
        assert r.returncode == 0, r.stdout + r.stderr
        r = run(ep, project, "promote", "PROD", "--build", "2")
        assert r.returncode == 0, r.stdout + r.stderr
        lam = ep.boto3()
        assert [v["Version"] for v in published_versions(lam)] == ["1"]
        assert lam.get_alias(FunctionName="hello", Name="PROD")["FunctionVersion"] == "1"


def promote_by_build_past_fifty_versions():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        assert run(ep, project, "deploy").returncode == 0
        lam = ep.boto3()
        for i in range(55):  # versions made by someone else, before our build
            lam.update_function_configuration(FunctionName="hello", Description=f"manual {i}")
            wait_until_updated(lam)
            lam.publish_version(FunctionName="hello")
        set_mark(project, "build-7")
        r = run(ep, project, "pipeline", "--build", "7")
        assert r.returncode == 0, r.stdout + r.stderr
        r = run(ep, project, "promote", "PROD", "--build", "7")
        assert r.returncode == 0, r.stdout + r.stderr
        assert lam.get_alias(FunctionName="hello", Name="PROD")["FunctionVersion"] == "56"


def rollback_walks_back():
    with Endpoint() as ep, project_copy(FIXTURE) as project:
        for build in (1, 2, 3):
            set_mark(project, f"build-{build}")
            r = run(ep, project, "pipeline", "--build", str(build), "--to", "PROD")
            assert r.returncode == 0, r.stdout + r.stderr
        lam = ep.boto3()
        assert lam.get_alias(FunctionName="hello", Name="PROD")["FunctionVersion"] == "3"
        assert run(ep, project, "rollback", "PROD").returncode == 0
        assert lam.get_alias(FunctionName="hello", Name="PROD")["FunctionVersion"] == "2"
        assert run(ep, project, "rollback", "PROD").returncode == 0
        assert lam.get_alias(FunctionName="hello", Name="PROD")["FunctionVersion"] == "1"


def survives_injected_faults():
    state = tempfile.mkdtemp(prefix="lcd-state-")
    try:
        with Endpoint("--faults", "throttle=0.1,error500=0.05,error503=0.05,seed=11", state_dir=state) as ep, \
                project_copy(FIXTURE) as project:
            r = run(ep, project, "pipeline", "--build", "1")
            assert r.returncode == 0, r.stdout + r.stderr
        # Inspect the outcome through a fault-free endpoint over the same state.
        with Endpoint(state_dir=state) as clean:
            lam = clean.boto3()
            assert [v["Version"] for v in published_versions(lam)] == ["1"]
            assert lam.get_alias(FunctionName="hello", Name="STAGE")["FunctionVersion"] == "1"
    finally:
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    t = TestRun()
    for case in (unit_failure_uploads_nothing, itest_failure_publishes_nothing,
                 latest_changed_before_publish_publishes_nothing, unknown_build_is_a_clear_error,
                 rerunning_a_build_makes_no_duplicates, unchanged_code_new_build_resolves,
                 promote_by_build_past_fifty_versions, rollback_walks_back, survives_injected_faults):
        t.case(case.__name__, case)
    t.finish()
