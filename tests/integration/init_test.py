"""`lambda-cd init` end to end: the generated project goes through `stack deploy`, `pipeline --build 1`
and `promote PROD --build 1` on the local endpoint lambda-cd starts for each command, with nothing
edited and no network (no npm dependencies); PROD answers through its alias. init refuses to
overwrite and writes nothing then."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import LAMBDA_CD, TestRun  # noqa: E402


def clean_env(home):
    """No caller AWS_* or endpoint variables; a foreign region, as users' shells have."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LAMBDA_CD_"))}
    env.update({"HOME": home, "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "ap-southeast-2",
                "npm_config_offline": "true"})
    return env


def lcd(args, cwd, env, check=True):
    r = subprocess.run([LAMBDA_CD, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, f"lambda-cd {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


def new_project_through_the_pipeline():
    tmp = tempfile.mkdtemp(prefix="lcd-init-")
    try:
        env = clean_env(tmp)
        r = lcd(["init", "orders", "--name", "orders-api"], tmp, env)
        assert "next: cd orders && lambda-cd stack deploy" in r.stdout, r.stdout
        project = os.path.join(tmp, "orders")
        lcd(["stack", "deploy"], project, env)
        lcd(["pipeline", "--build", "1"], project, env)
        lcd(["promote", "PROD", "--build", "1"], project, env)
        for report, cases in (("unit-tests.xml", 5), ("integration-tests.xml", 2)):
            root = ET.parse(os.path.join(project, "reports", report)).getroot()
            tests = [c for c in root.iter("testcase")]
            assert len(tests) == cases and not any(c.find("failure") is not None for c in tests), report
        out = lcd(["--output", "json", "invoke", "--qualifier", "PROD", "--payload", '{"name":"Ada"}'], project, env)
        result = json.loads(out.stdout)["result"]
        assert result["payload"] == {"message": "Hello, Ada!", "alias": "PROD", "version": "1"}, result
        assert result["executed_version"] == "1"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def refuses_to_overwrite():
    tmp = tempfile.mkdtemp(prefix="lcd-init-")
    try:
        env = clean_env(tmp)
        with open(os.path.join(tmp, "package.json"), "w") as f:
            f.write('{"name": "mine"}\n')
        r = lcd(["init"], tmp, env, check=False)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "refusing to overwrite package.json" in r.stderr and "nothing was written" in r.stderr, r.stderr
        assert os.listdir(tmp) == ["package.json"]
        with open(os.path.join(tmp, "package.json")) as f:
            assert f.read() == '{"name": "mine"}\n'
        r = lcd(["init", "x", "--runtime", "python3.12"], tmp, env, check=False)
        assert r.returncode == 2 and "not a Node.js runtime" in r.stderr, r.stderr
        assert not os.path.exists(os.path.join(tmp, "x"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    t = TestRun()
    for case in (new_project_through_the_pipeline, refuses_to_overwrite):
        t.case(case.__name__, case)
    t.finish()
