"""The CI examples in examples/ci/ run as written: each job's shell steps, in order, in a bash like the
CI's, with that CI's variables set, against `lambda-cd local` standing in for AWS (AWS_ENDPOINT_URL).
The project is what `lambda-cd init` writes. Credentials are the CI's own: GitHub's and GitLab's OIDC
tokens (served here on loopback as the CIs serve them) exchanged by lambda-cd at the local endpoint's
STS; for Jenkins, the EC2 instance role from an IMDSv2 server on loopback, with the endpoint accepting
only those keys. Steps that are actions (`uses:`) are played by their effect: checkout copies the
project, upload-artifact must find the JUnit files. The lambda-cd download branch of the install
steps is skipped because lambda-cd is already on PATH, as on a runner image that has it."""
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import LAMBDA_CD, Endpoint, TestRun  # noqa: E402

EXAMPLES = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "ci"))
ROLE = "arn:aws:iam::444455556666:role/ci-deployer"
KEY, SECRET, TOKEN = "ASIAJENKINSINSTANCE0", "jenkins-instance-secret", "jenkins-session-token"


def jwt(claims):
    def part(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    return part({"alg": "RS256", "kid": "k"}) + "." + part(claims) + ".c2lnbmF0dXJl"


class Loopback(BaseHTTPRequestHandler):
    """GitHub's ID token endpoint and EC2 instance metadata (IMDSv2)."""
    calls = []

    def log_message(self, *args):
        pass

    def reply(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        Loopback.calls.append(("PUT", self.path))
        self.reply(200, b"imds-token") if self.path == "/latest/api/token" else self.reply(404)

    def do_GET(self):
        Loopback.calls.append(("GET", self.path))
        if self.path.startswith("/oidc?"):
            if self.headers.get("Authorization") != "bearer request-token" or "audience=sts.amazonaws.com" not in self.path:
                return self.reply(403)
            claims = {"iss": "https://token.actions.githubusercontent.com", "sub": "repo:acme/orders:ref:refs/heads/main",
                      "aud": "sts.amazonaws.com"}
            return self.reply(200, json.dumps({"value": jwt(claims)}).encode())
        if self.headers.get("X-aws-ec2-metadata-token") != "imds-token":
            return self.reply(401)
        if self.path == "/latest/meta-data/iam/security-credentials/":
            return self.reply(200, b"jenkins-agent")
        if self.path == "/latest/meta-data/iam/security-credentials/jenkins-agent":
            return self.reply(200, json.dumps({"Code": "Success", "AccessKeyId": KEY, "SecretAccessKey": SECRET,
                                               "Token": TOKEN, "Expiration": "2099-01-01T00:00:00Z"}).encode())
        self.reply(404)


class Runner:
    """A workspace with a fresh `lambda-cd init` project, a loopback server and a local endpoint."""

    def __init__(self, verify_keys=None):
        self.verify_keys = verify_keys

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="lcd-ci-")
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Loopback)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.loopback = f"http://127.0.0.1:{self.http.server_address[1]}"
        args, env = (["--verify-signatures"], {"LAMBDA_CD_LOCAL_CREDENTIALS": self.verify_keys}) if self.verify_keys else ([], {})
        self.ep = Endpoint(*args, env=env).start()
        self.source = os.path.join(self.tmp, "source")
        subprocess.run([LAMBDA_CD, "-q", "init", self.source, "--name", "orders"], check=True, capture_output=True)
        self.workspace = os.path.join(self.tmp, "workspace")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home)
        Loopback.calls.clear()
        return self

    def __exit__(self, *exc):
        self.ep.close()
        self.http.shutdown()
        self.http.server_close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def base_env(self):
        """A runner's environment: PATH with lambda-cd, node and jq; no caller AWS_* or HOME."""
        path = os.path.dirname(os.path.abspath(LAMBDA_CD)) + ":/usr/local/bin:/usr/bin:/bin"
        return {"PATH": path, "HOME": self.home, "CI": "true", "LANG": "C.UTF-8",
                "AWS_ENDPOINT_URL": self.ep.url,       # AWS is the local endpoint here
                "AWS_EC2_METADATA_DISABLED": "true"}

    def checkout(self):
        shutil.rmtree(self.workspace, ignore_errors=True)
        shutil.copytree(self.source, self.workspace)

    def sh(self, script, env, shell=("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c")):
        r = subprocess.run([*shell, script], cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"step failed ({r.returncode}):\n{script}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}"
        return r.stdout


# ---------------------------------------------------------------- GitHub Actions

def gha_eval(expr, ctx):
    """The expressions the workflow uses: context lookups, 'strings', ||, ==, always()."""
    expr = expr.strip()
    if "||" in expr:
        for part in expr.split("||"):
            value = gha_eval(part, ctx)
            if value:
                return value
        return ""
    if "==" in expr:
        left, right = expr.split("==", 1)
        return gha_eval(left, ctx) == gha_eval(right, ctx)
    if expr == "always()":
        return True
    if expr.startswith("'") and expr.endswith("'"):
        return expr[1:-1]
    value = ctx
    for name in expr.split("."):
        value = value.get(name, "") if isinstance(value, dict) else ""
    return value


def gha_sub(text, ctx):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(gha_eval(m.group(1), ctx)), str(text))


def run_github(event, run_number):
    with open(os.path.join(EXAMPLES, "github-actions.yml")) as f:
        workflow = yaml.safe_load(f)
    ran, uploaded = [], []
    with Runner() as r:
        ctx = {"github": {"event_name": event, "run_number": str(run_number), "run_id": "9000" + str(run_number),
                          "ref": "refs/heads/main"},
               "vars": {"AWS_DEPLOY_ROLE_ARN": ROLE}}
        done = set()
        jobs = workflow["jobs"]
        while len(done) < len(jobs):
            progressed = False
            for name, job in jobs.items():
                needs = job.get("needs", [])
                needs = [needs] if isinstance(needs, str) else needs
                if name in done or not all(n in done for n in needs):
                    continue
                done.add(name)
                progressed = True
                if "if" in job and not gha_eval(job["if"], ctx):
                    continue
                if any(n not in ran for n in needs):
                    continue  # a needed job was skipped
                ran.append(name)
                runner_temp = os.path.join(r.tmp, "runner-temp-" + name)
                os.makedirs(runner_temp)
                github_env = os.path.join(runner_temp, "github-env")
                open(github_env, "w").close()
                env = r.base_env()
                env.update({k: gha_sub(v, ctx) for k, v in workflow.get("env", {}).items()})
                env.update({"GITHUB_ACTIONS": "true", "GITHUB_ENV": github_env, "RUNNER_TEMP": runner_temp,
                            "GITHUB_RUN_NUMBER": str(run_number), "GITHUB_EVENT_NAME": event,
                            "ACTIONS_ID_TOKEN_REQUEST_URL": r.loopback + "/oidc?api-version=2.0",
                            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token"})
                for step in job["steps"]:
                    if "if" in step and not gha_eval(step["if"], ctx):
                        continue
                    uses = step.get("uses", "")
                    if uses.startswith("actions/checkout@"):
                        r.checkout()
                        env["GITHUB_WORKSPACE"] = r.workspace
                    elif uses.startswith("actions/setup-node@"):
                        pass  # node is on PATH
                    elif uses.startswith("actions/upload-artifact@"):
                        pattern = gha_sub(step["with"]["path"], ctx)
                        files = glob.glob(os.path.join(r.workspace, pattern))
                        assert files, f"{name}: nothing to upload at {pattern}"
                        uploaded.append((name, sorted(os.path.basename(p) for p in files)))
                    elif "run" in step:
                        r.sh(gha_sub(step["run"], ctx), env)
                        with open(github_env) as f:  # what the step exported for the next ones
                            for line in f.read().splitlines():
                                if "=" in line:
                                    k, v = line.split("=", 1)
                                    env[k] = v
                    else:
                        raise AssertionError(f"unhandled step {step}")
            assert progressed, "job dependencies never resolve"
        return ran, uploaded, r.ep, list(Loopback.calls)


def github_push_goes_to_stage_then_prod():
    ran, uploaded, _, calls = run_github("push", 41)
    assert ran == ["stage", "prod"], ran
    assert ("stage", ["integration-tests.xml", "unit-tests.xml"]) in uploaded, uploaded
    assert sum(1 for c in calls if c[1].startswith("/oidc?")) == 2, calls  # each job fetched its token


def github_pull_request_runs_unit_tests_only():
    ran, uploaded, _, _ = run_github("pull_request", 42)
    assert ran == ["test"], ran
    assert uploaded == [("test", ["unit-tests.xml"])], uploaded


# ---------------------------------------------------------------- GitLab CI/CD

def gitlab_rule(rule, variables):
    if "if" not in rule:
        return True
    m = re.fullmatch(r'\s*\$(\w+)\s*==\s*(?:"([^"]*)"|\$(\w+))\s*', rule["if"])
    assert m, rule["if"]
    right = m.group(2) if m.group(2) is not None else variables.get(m.group(3), "")
    return variables.get(m.group(1), "") == right


def run_gitlab(variables):
    with open(os.path.join(EXAMPLES, ".gitlab-ci.yml")) as f:
        config = yaml.safe_load(f)
    default = config.get("default", {})
    ran, reports = [], []
    with Runner() as r:
        for stage in config["stages"]:
            for name, job in config.items():
                if not isinstance(job, dict) or job.get("stage") != stage:
                    continue
                matched = [rule for rule in job.get("rules", [{}]) if gitlab_rule(rule, variables)]
                if not matched:
                    continue
                ran.append((name, matched[0].get("when", "on_success")))  # a manual job is played as approved
                r.checkout()
                env = r.base_env()
                env.update({k: str(v) for k, v in config.get("variables", {}).items()})
                env.update(variables)
                env["GITLAB_CI"] = "true"
                for token_name in default.get("id_tokens", {}):
                    assert default["id_tokens"][token_name]["aud"] == "sts.amazonaws.com"
                    env[token_name] = jwt({"iss": "https://gitlab.example.com", "sub": "project_path:acme/orders",
                                           "aud": "sts.amazonaws.com"})
                # GitLab runs before_script and script in one shell, stopping at the first failing line.
                lines = job.get("before_script", default.get("before_script", [])) + job["script"]
                r.sh("\n".join(lines), env, shell=("bash", "-e", "-o", "pipefail", "-c"))
                junit = job.get("artifacts", {}).get("reports", {}).get("junit")
                if junit:
                    files = glob.glob(os.path.join(r.workspace, junit))
                    assert files, f"{name}: no JUnit report at {junit}"
                    reports.append((name, sorted(os.path.basename(p) for p in files)))
        return ran, reports


def gitlab_default_branch_goes_to_stage_then_manual_prod():
    ran, reports = run_gitlab({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
                               "CI_PIPELINE_IID": "17", "CI_PIPELINE_ID": "98017", "AWS_DEPLOY_ROLE_ARN": ROLE})
    assert ran == [("stage", "on_success"), ("prod", "manual")], ran
    assert ("stage", ["integration-tests.xml", "unit-tests.xml"]) in reports, reports


def gitlab_merge_request_runs_unit_tests():
    ran, reports = run_gitlab({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_BRANCH": "",
                               "CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_IID": "18", "CI_PIPELINE_ID": "98018",
                               "AWS_DEPLOY_ROLE_ARN": ROLE})
    assert ran == [("unit-tests", "on_success")], ran
    assert reports == [("unit-tests", ["unit-tests.xml"])], reports


# ---------------------------------------------------------------- Jenkins

def jenkins_stages(text):
    """(name, when, has_input, [sh scripts]) per stage of the declarative pipeline, in order."""
    out = []
    for m in re.finditer(r"stage\('([^']+)'\)\s*\{(.*?)\n    \}", text, re.S):
        body = m.group(2)
        when = re.search(r"when \{ (.*?) \}", body)
        scripts = re.findall(r"sh '([^']*)'", body)
        out.append((m.group(1), when.group(1) if when else None, "input {" in body, scripts))
    return out


def run_jenkins(branch, change_id=None):
    with open(os.path.join(EXAMPLES, "Jenkinsfile")) as f:
        text = f.read()
    environment = dict(re.findall(r"(\w+) = '([^']*)'", re.search(r"environment \{(.*?)\}", text, re.S).group(1)))
    ran = []
    with Runner(verify_keys=f"{KEY}:{SECRET},test:test") as r:
        r.checkout()
        env = r.base_env()
        env.update(environment)
        env.update({"BUILD_NUMBER": "73", "BRANCH_NAME": branch, "JOB_NAME": "orders/" + branch,
                    "WORKSPACE": r.workspace, "JENKINS_URL": "http://jenkins.invalid/"})
        if change_id:
            env["CHANGE_ID"] = change_id
        # Jenkins on EC2: the instance role; the endpoint accepts only its keys.
        env["AWS_EC2_METADATA_DISABLED"] = "false"
        env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = r.loopback
        for name, when, has_input, scripts in jenkins_stages(text):
            if when == "changeRequest()" and not change_id:
                continue
            m = re.fullmatch(r"branch '([^']+)'", when or "")
            if m and m.group(1) != branch:
                continue
            ran.append(name + (" (approved)" if has_input else ""))
            for script in scripts:
                r.sh(script, env, shell=("sh", "-xe", "-c"))  # Jenkins' sh step
        assert glob.glob(os.path.join(r.workspace, "reports", "*.xml")), "post: junit finds no reports"
        return ran, list(Loopback.calls)


def jenkins_main_goes_to_stage_then_approved_prod_with_the_instance_role():
    ran, calls = run_jenkins("main")
    assert ran == ["STAGE", "PROD (approved)"], ran
    assert ("PUT", "/latest/api/token") in calls and \
        ("GET", "/latest/meta-data/iam/security-credentials/jenkins-agent") in calls, calls


def jenkins_change_request_runs_unit_tests():
    ran, _ = run_jenkins("PR-5", change_id="5")
    assert ran == ["Unit tests"], ran


if __name__ == "__main__":
    t = TestRun()
    for case in (github_push_goes_to_stage_then_prod, github_pull_request_runs_unit_tests_only,
                 gitlab_default_branch_goes_to_stage_then_manual_prod, gitlab_merge_request_runs_unit_tests,
                 jenkins_main_goes_to_stage_then_approved_prod_with_the_instance_role,
                 jenkins_change_request_runs_unit_tests):
        t.case(case.__name__, case)
    t.finish()
