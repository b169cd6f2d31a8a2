"""Configuration drift between lambda-cd.toml, the deployed function and the stack's template, as
`deploy --dry-run`, `deploy` and `status` show it, on a project `lambda-cd init` wrote (the stack
creates the function). `status --function` outside a project shows the function and no drift."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import LAMBDA_CD, Endpoint, TestRun  # noqa: E402


def ok(r):
    assert r.returncode == 0, f"{r.args} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


def drift_of(result):
    drift = result["drift"]
    assert drift["function_exists"] and drift["template_checked"], drift
    return {d["setting"]: (d["lambda_cd_toml"], d["function"], d["template"]) for d in drift["settings"]}


def toml_and_function_disagree_and_deploy_applies_the_toml():
    tmp = tempfile.mkdtemp(prefix="lcd-drift-")
    try:
        with Endpoint() as ep:
            ok(subprocess.run([LAMBDA_CD, "-q", "init", "shop", "--name", "shop-api"], cwd=tmp, capture_output=True,
                              text=True, timeout=60))
            project = os.path.join(tmp, "shop")
            ok(ep.lcd("stack", "deploy", cwd=project))
            # Right after init the three agree.
            status = json.loads(ok(ep.lcd("--output", "json", "status", cwd=project)).stdout)["result"]
            assert drift_of(status) == {}, status["drift"]

            path = os.path.join(project, "lambda-cd.toml")
            with open(path) as f:
                text = f.read()
            assert re.search(r"^memory = 128$", text, re.M), text
            with open(path, "w") as f:
                f.write(re.sub(r"^memory = 128$", "memory = 256", text, flags=re.M))

            r = ok(ep.lcd("deploy", "--dry-run", cwd=project))
            out = r.stdout + r.stderr
            assert "drift: memory: lambda-cd.toml 256, function 128, template.yaml 128" in out, out
            assert "would apply lambda-cd.toml's memory 256 (template.yaml says 128: make them agree)" in out, out
            dry = json.loads(ok(ep.lcd("--output", "json", "deploy", "--dry-run", cwd=project)).stdout)["result"]
            assert drift_of(dry) == {"memory": ("256", "128", "128")}, dry["drift"]
            assert dry["applied_from"] == "lambda-cd.toml"
            lam = ep.boto3()
            assert lam.get_function_configuration(FunctionName="shop-api")["MemorySize"] == 128  # dry run: unchanged

            r = ok(ep.lcd("deploy", cwd=project))
            assert "applied lambda-cd.toml's memory 256 (template.yaml says 128: make them agree)" in r.stdout + r.stderr
            assert lam.get_function_configuration(FunctionName="shop-api")["MemorySize"] == 256

            r = ok(ep.lcd("status", cwd=project))
            assert "configuration drift (lambda-cd.toml is what deploy applies)" in r.stdout, r.stdout
            assert "memory: lambda-cd.toml 256, function 256, template.yaml 128" in r.stdout, r.stdout
            status = json.loads(ok(ep.lcd("--output", "json", "status", cwd=project)).stdout)["result"]
            assert drift_of(status) == {"memory": ("256", "256", "128")}, status["drift"]

            # Outside any project, status of a named function has no lambda-cd.toml to compare.
            elsewhere = os.path.join(tmp, "elsewhere")
            os.makedirs(elsewhere)
            r = ok(ep.lcd("status", "--function", "shop-api", cwd=elsewhere))
            assert "function arn:aws:lambda:" in r.stdout and "configuration drift" not in r.stdout, r.stdout
            status = json.loads(ok(ep.lcd("--output", "json", "status", "--function", "shop-api",
                                          cwd=elsewhere)).stdout)["result"]
            assert "drift" not in status, status
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    t = TestRun()
    t.case(toml_and_function_disagree_and_deploy_applies_the_toml.__name__,
           toml_and_function_disagree_and_deploy_applies_the_toml)
    t.finish()
